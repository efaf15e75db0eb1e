// Helpers shared by the crypto tests: test data files and hex literals.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "crypto/base64.h"
#include "crypto/sha256.h"
#include "crypto/status.h"

namespace paraphe::crypto::testing {

inline std::string ReadTestFile(std::string_view name) {
  std::string path =
      std::string(PARAPHE_SOURCE_DIR) + "/tests/testdata/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline boost::json::value ReadJsonTestFile(std::string_view name) {
  return boost::json::parse(ReadTestFile(name));
}

inline std::string Str(const boost::json::value& v) {
  const boost::json::string& s = v.as_string();
  return std::string(s.data(), s.size());
}

// Decodes hex known to be valid (test literals).
inline std::string Unhex(std::string_view hex) {
  Result<std::string> r = HexDecode(hex);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::string();
}

inline Hash HashFromHex(std::string_view hex) {
  std::string raw = Unhex(hex);
  Hash h{};
  EXPECT_EQ(raw.size(), h.size()) << hex;
  if (raw.size() == h.size()) std::copy(raw.begin(), raw.end(), h.begin());
  return h;
}

}  // namespace paraphe::crypto::testing
