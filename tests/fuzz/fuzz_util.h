// Shared by the fuzz targets: invariant checks that abort (so that libFuzzer
// and the replay driver both report them as crashes, with the message) and
// the deterministic demo keys of examples/conventions/README.md, so that
// the committed corpus (made by make_corpus.py from `paraphe demo`) holds
// JWS and notes that verify. Fuzz targets are compiled with
// PARAPHE_SOURCE_DIR defined (tests/fuzz/CMakeLists.txt).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>

#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "crypto/status.h"

namespace paraphe::fuzz {

[[noreturn]] inline void Fail(const char* file, int line, const char* what,
                              std::string_view detail) {
  std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n  %.*s\n", file, line,
               what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// FUZZ_CHECK(cond) / FUZZ_CHECK_MSG(cond, std::string-ish detail).
#define FUZZ_CHECK_MSG(cond, detail)                                         \
  do {                                                                       \
    if (!(cond)) ::paraphe::fuzz::Fail(__FILE__, __LINE__, #cond, (detail)); \
  } while (0)
#define FUZZ_CHECK(cond) FUZZ_CHECK_MSG(cond, "")

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// The demo key `name` ("operator", "metropole-finance", ...): Ed25519 seed =
// SHA-256("paraphe demo key " + name).
inline crypto::PrivateKey DemoKey(std::string_view name) {
  auto key = crypto::PrivateKey::FromSeed(crypto::HashBytes(
      crypto::Sha256("paraphe demo key " + std::string(name))));
  FUZZ_CHECK_MSG(key.ok(), key.status().ToString());
  return std::move(*key);
}

// Every demo key by its RFC 7638 thumbprint (the JWS `kid`).
inline const std::map<std::string, crypto::PublicKey, std::less<>>&
DemoKeysByKid() {
  static const std::map<std::string, crypto::PublicKey, std::less<>> keys = [] {
    std::map<std::string, crypto::PublicKey, std::less<>> m;
    for (const char* name :
         {"operator", "metropole-signatory", "metropole-finance",
          "metropole-clerk", "crpv-signatory", "crpv-clerk", "committee"}) {
      crypto::PublicKey pub = DemoKey(name).public_key();
      m.emplace(pub.Thumbprint(), pub);
    }
    return m;
  }();
  return keys;
}

// A file of tests/fuzz/data/ (written by make_corpus.py), whole.
inline std::string ReadDataFile(std::string_view name) {
  const std::string path =
      std::string(PARAPHE_SOURCE_DIR) + "/tests/fuzz/data/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  FUZZ_CHECK_MSG(in.good(), "cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The checkpoint verifier key of the demo ledger the corpus was made from
// (its checkpoint key is random, unlike the demo's event keys).
inline const std::string& DemoVerifierKey() {
  static const std::string vkey = [] {
    std::string v = ReadDataFile("verifier_key.txt");
    while (!v.empty() && v.back() == '\n') v.pop_back();
    return v;
  }();
  return vkey;
}

}  // namespace paraphe::fuzz
