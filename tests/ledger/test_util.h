// Helpers shared by the ledger tests.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

namespace paraphe::test {

// A fresh, empty directory under the system temp dir, unique per call.
inline std::filesystem::path TempDir(const std::string& tag) {
  static std::mt19937_64 rng(std::random_device{}());
  auto p = std::filesystem::temp_directory_path() /
           ("paraphe-" + tag + "-" + std::to_string(getpid()) + "-" +
            std::to_string(rng()));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p;
}

}  // namespace paraphe::test
