// Loads the seed convention's example history (examples/conventions/) and
// signs it with the deterministic demo keys, for tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "crypto/base64.h"
#include "crypto/ed25519.h"
#include "crypto/jws.h"
#include "crypto/sha256.h"

namespace paraphe::test {

inline std::string ReadText(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline std::filesystem::path ExamplesDir() {
  return std::filesystem::path(PARAPHE_SOURCE_DIR) / "examples" / "conventions";
}

// Ed25519 seed = SHA-256("paraphe demo key " + name).
inline crypto::PrivateKey DemoKey(const std::string& name) {
  crypto::Hash seed = crypto::Sha256("paraphe demo key " + name);
  return std::move(*crypto::PrivateKey::FromSeed(crypto::HashBytes(seed)));
}

inline const std::vector<std::string>& DemoKeyNames() {
  static const std::vector<std::string> names = {
      "operator",     "metropole-signatory", "metropole-finance", "metropole-clerk",
      "crpv-signatory", "crpv-clerk",        "committee"};
  return names;
}

// The payloads of the example history in order: registration first.
inline std::vector<boost::json::object> ExamplePayloads() {
  std::vector<boost::json::object> out;
  out.push_back(boost::json::parse(ReadText(ExamplesDir() / "registration.json")).as_object());
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(ExamplesDir() / "history")) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) out.push_back(boost::json::parse(ReadText(f)).as_object());
  return out;
}

// Which demo key signs for (party, role): the demo key whose public key the
// registration lists for that party with that role.
class DemoSigner {
 public:
  explicit DemoSigner(const boost::json::object& registration) {
    std::map<std::string, std::string> by_pub;  // base64url pub -> name
    for (const auto& n : DemoKeyNames()) {
      by_pub[crypto::Base64UrlEncode(DemoKey(n).public_key().raw())] = n;
    }
    for (const auto& p : registration.at("data").at("parties").as_array()) {
      std::string party(p.at("id").as_string());
      for (const auto& k : p.at("keys").as_array()) {
        auto it = by_pub.find(std::string(k.at("public_key").as_string()));
        if (it == by_pub.end()) continue;
        for (const auto& role : k.at("roles").as_array()) {
          names_[{party, std::string(role.as_string())}] = it->second;
        }
      }
    }
    names_[{"operator", "operator"}] = "operator";
  }

  // Signs payload (with expected_version set) as its actor.
  std::string Sign(const boost::json::object& payload) const {
    const auto& actor = payload.at("actor").as_object();
    auto key = names_.at({std::string(actor.at("party").as_string()),
                          std::string(actor.at("role").as_string())});
    return crypto::JwsSign(boost::json::serialize(payload), DemoKey(key));
  }

 private:
  std::map<std::pair<std::string, std::string>, std::string> names_;
};

}  // namespace paraphe::test
