// Shared harness of the paraphe CLI end-to-end tests: runs the real binary
// with captured stdout and stderr (files, never a terminal, so no progress
// bar) and small file helpers.
#pragma once

#include <cstdint>

#include <boost/json/value.hpp>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace paraphe::cli {

inline const std::string kParaphe =
    std::string(PARAPHE_BINARY_DIR) + "/tools/paraphe/paraphe";
inline const std::string kParaphed =
    std::string(PARAPHE_BINARY_DIR) + "/api/paraphed";
inline const std::string kExamples =
    std::string(PARAPHE_SOURCE_DIR) + "/examples/conventions";
inline const std::string kConvention = "metropole-amp-crpv-paca-2026";
// The demo ledger: its genesis (seq 0), then the seed convention's 14
// events at seq 1..14 (stream versions 1..14).
inline constexpr uint64_t kGenesis = 1;
inline constexpr uint64_t kDemoEvents = 14;
inline constexpr uint64_t kDemoRecords = kGenesis + kDemoEvents;

std::string Slurp(const std::filesystem::path& p);
void WriteFile(const std::filesystem::path& p, std::string_view bytes);
// A fresh directory under the system temp dir.
std::filesystem::path MakeTempDir();

struct Ran {
  int code = -1;
  std::string out;
  std::string err;
  // stdout parsed; a test failure if it is not JSON.
  boost::json::value Json() const;
};

// Runs paraphe with `args` (stdin /dev/null) and waits for it.
Ran Paraphe(const std::vector<std::string>& args);
// "exit N / stdout / stderr", for failure messages.
std::string Describe(const Ran& r);

}  // namespace paraphe::cli
