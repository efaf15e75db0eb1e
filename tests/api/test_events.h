// Test support for the api tests: a fresh ledger directory and signed events
// for one convention with two parties (keys generated per test).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <boost/json/object.hpp>

#include "crypto/ed25519.h"
#include "ledger/ledger.h"

namespace paraphe::api::test {

// Records in a fresh ledger before the first submitted event: the genesis
// (Ledger::Init appends it at seq 0). The first submitted event gets seq
// kGenesis, and a ledger with n submitted events has size kGenesis + n.
inline constexpr uint64_t kGenesis = 1;

// A fresh, empty directory under the system temp dir, unique per call.
std::filesystem::path TempDir(const std::string& tag);

// DIR initialized with Ledger::Init; `operator_key` loaded from
// DIR/keys/operator.pem.
struct TestLedger {
  std::filesystem::path dir;
  ledger::InitResult init;
  crypto::PrivateKey operator_key;
  static TestLedger Create(const std::filesystem::path& dir);
};

// A convention with parties "metropole" (signatory, finance, clerk keys) and
// "crpv-paca" (signatory, clerk keys).
struct TestConvention {
  std::string id;
  crypto::PrivateKey metropole_signatory, metropole_finance, metropole_clerk;
  crypto::PrivateKey crpv_signatory, crpv_clerk;
  std::string document_sha256 =
      "e9a9f76cdabe997e12c380b1e723dd23f48d4fea76065c205d5fcc8e6ae4873e";

  explicit TestConvention(std::string convention_id);

  // The ConventionRegistered event (expected_version 0) signed by the
  // operator.
  std::string Registration(const crypto::PrivateKey& operator_key,
                           const std::string& title = "Test convention") const;
  // PartySigned by `party` ("metropole" or "crpv-paca") at `version`;
  // `signatory` varies the bytes.
  std::string PartySigned(const std::string& party, uint64_t version,
                          const std::string& signatory = "A. Signataire") const;
  std::string AttributionNotified(uint64_t version,
                                  const std::string& reference = "REF-1") const;
  std::string PaymentOrdered(uint64_t version) const;
  // An arbitrary envelope signed by `key`.
  static std::string Sign(const boost::json::object& event,
                          const crypto::PrivateKey& key);
  boost::json::object Envelope(const std::string& type, uint64_t version,
                               const std::string& date,
                               const std::string& party,
                               const std::string& role,
                               boost::json::object data) const;
};

}  // namespace paraphe::api::test
