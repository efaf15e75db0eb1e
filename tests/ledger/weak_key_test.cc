// Issue 12, forgery 2: weak Ed25519 public keys. The identity point (and
// every other key the Ed25519 acceptance rule refuses, docs/FORMAT.md
// section 1) cannot be registered, neither in a ConventionRegistered nor in
// a KeyRegistered, and cannot be a note verifier key; the signature R =
// identity, S = 0 that such a key would accept verifies for no key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include <boost/json.hpp>

#include "crypto/base64.h"
#include "crypto/ed25519.h"
#include "crypto/jws.h"
#include "crypto/note.h"
#include "crypto/sha256.h"
#include "ledger/ledger.h"
#include "tests/ledger/demo_history.h"
#include "tests/ledger/domain/domain_test_util.h"
#include "tests/ledger/test_util.h"

namespace paraphe::ledger {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::HasSubstr;

// 2026-11-26T12:00:00Z: after every business date of the example.
constexpr int64_t kNowMs = 1'795'694'400'000LL;
// Records before the first submitted event: the genesis record at seq 0.
constexpr uint64_t kGenesis = 1;

// 01 00..00: the identity point (0, 1).
std::string IdentityRaw() { return std::string(1, '\x01') + std::string(31, '\0'); }
std::string IdentityB64() { return crypto::Base64UrlEncode(IdentityRaw()); }
// The same point with the sign bit set: a non-canonical encoding.
std::string NonCanonicalIdentityB64() {
  std::string raw = IdentityRaw();
  raw[31] = '\x80';
  return crypto::Base64UrlEncode(raw);
}
// R = identity, S = 0.
std::string IdentitySignature() { return IdentityRaw() + std::string(32, '\0'); }

// ------------------------------------------------------ domain (parsing)

TEST(WeakKeyDomainTest, ConventionRegisteredWithTheIdentityKeyIsRefused) {
  ASSERT_EQ(IdentityB64(), "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  for (const std::string& weak : {IdentityB64(), NonCanonicalIdentityB64()}) {
    SCOPED_TRACE(weak);
    testing::Harness h;
    json::object reg = testing::RegistrationData();
    reg["parties"].as_array()[1].as_object()["keys"].as_array()[0]
        .as_object()["public_key"] = weak;
    Status st = h.Act("operator", "ConventionRegistered", "2026-01-20", reg);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
    EXPECT_THAT(st.message(),
                HasSubstr("field \"data.parties[1].keys[0].public_key\""));
    EXPECT_EQ(h.state.version, 0u);
  }
}

TEST(WeakKeyDomainTest, KeyRegisteredWithTheIdentityKeyIsRefused) {
  testing::Harness h;
  h.RegisterAndSign();
  const uint64_t version = h.state.version;
  Status st = h.Act("operator", "KeyRegistered", "2026-02-13",
                    {{"party", "crpv-paca"},
                     {"public_key", IdentityB64()},
                     {"roles", json::array{"signatory"}}});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  EXPECT_THAT(st.message(), HasSubstr("field \"data.public_key\""));
  EXPECT_THAT(st.message(), HasSubstr("has low order (a point of order 1)"));
  EXPECT_EQ(h.state.version, version);
}

TEST(WeakKeyDomainTest, EachKindOfWeakKeyIsNamedInTheFieldError) {
  struct Case {
    const char* hex;
    const char* what;
  };
  for (const Case& c : {
           Case{"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
                "is not a canonical encoding"},
           Case{"0000000000000000000000000000000000000000000000000000000000000000",
                "has low order"},
           Case{"0200000000000000000000000000000000000000000000000000000000000000",
                "is not a point on the curve"},
           Case{"3b5b475c4b82dd1572799fc546f4c6c03e478c6654aa4c7f945b347ea32af60d",
                "is not in the prime-order subgroup"},
       }) {
    SCOPED_TRACE(c.hex);
    testing::Harness h;
    h.RegisterAndSign();
    Status st = h.Act(
        "operator", "KeyRegistered", "2026-02-13",
        {{"party", "crpv-paca"},
         {"public_key", crypto::Base64UrlEncode(*crypto::HexDecode(c.hex))},
         {"roles", json::array{"signatory"}}});
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
    EXPECT_THAT(st.message(), HasSubstr("field \"data.public_key\""));
    EXPECT_THAT(st.message(), HasSubstr(c.what));
  }
}

// ---------------------------------------------------- ledger (Submit)

class WeakKeyLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = test::TempDir("weakkey");
    dir_ = root_ / "data";
    payloads_ = test::ExamplePayloads();
    InitOptions io;
    io.origin = "paraphe.test/seed";
    io.operator_key_pem = test::DemoKey("operator").ToPem();
    io.clock = [] { return kNowMs; };  // the same clock as Open's
    auto init = Ledger::Init(dir_, io);
    ASSERT_TRUE(init.ok()) << init.status().ToString();
    LedgerOptions o;
    o.clock = [] { return kNowMs; };
    auto l = Ledger::Open(dir_, o);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    ledger_ = std::move(*l);
  }
  void TearDown() override {
    ledger_.reset();
    fs::remove_all(root_);
  }

  fs::path root_, dir_;
  std::vector<json::object> payloads_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(WeakKeyLedgerTest, RegistrationWithTheIdentityKeyIsRefusedAndRecordsNothing) {
  json::object reg = payloads_[0];
  reg["expected_version"] = 0;
  reg["data"].as_object()["parties"].as_array()[1].as_object()["keys"]
      .as_array()[0].as_object()["public_key"] = IdentityB64();
  auto r = ledger_->Submit(
      crypto::JwsSign(json::serialize(reg), test::DemoKey("operator")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument)
      << r.status().ToString();
  EXPECT_THAT(r.status().message(),
              HasSubstr("field \"data.parties[1].keys[0].public_key\""));
  EXPECT_THAT(r.status().message(), HasSubstr("has low order"));
  EXPECT_EQ(ledger_->size(), kGenesis);
}

TEST_F(WeakKeyLedgerTest, SignatureWithIdentityRAndZeroSIsRefused) {
  // The forgery's signature, put on an event of a registered party.
  test::DemoSigner signer(payloads_[0]);
  json::object reg = payloads_[0];
  reg["expected_version"] = 0;
  ASSERT_TRUE(ledger_->Submit(signer.Sign(reg)).ok());
  json::object next = payloads_[1];
  next["expected_version"] = 1;
  std::string jws = signer.Sign(next);
  jws = jws.substr(0, jws.rfind('.') + 1) +
        crypto::Base64UrlEncode(IdentitySignature());
  auto r = ledger_->Submit(jws);
  EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated)
      << r.status().ToString();
  EXPECT_EQ(r.status().rule(), "signature.invalid");
  EXPECT_EQ(ledger_->size(), kGenesis + 1);
}

// ------------------------------------------------- note verifier keys

TEST(WeakKeyNoteTest, VerifierKeyOnTheIdentityIsRefused) {
  // A well-formed verifier key "name+id+base64(0x01 || key)" whose id is
  // right for the identity key: refused for the key alone.
  const std::string name = "paraphe.test/seed";
  const std::string alg_and_key = std::string(1, '\x01') + IdentityRaw();
  const std::string id = crypto::HexEncode(
      crypto::HashBytes(crypto::Sha256(name + "\n" + alg_and_key))
          .substr(0, 4));
  const std::string vkey =
      name + "+" + id + "+" + crypto::Base64Encode(alg_and_key);
  auto v = crypto::NoteVerifier::FromVerifierKey(vkey);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument)
      << v.status().ToString();
  EXPECT_THAT(v.status().message(), HasSubstr("has low order"));

  // The same construction with a real key is accepted: only the key differs.
  const std::string good_key =
      std::string(1, '\x01') +
      std::string(test::DemoKey("operator").public_key().raw());
  const std::string good_id = crypto::HexEncode(
      crypto::HashBytes(crypto::Sha256(name + "\n" + good_key)).substr(0, 4));
  auto good = crypto::NoteVerifier::FromVerifierKey(
      name + "+" + good_id + "+" + crypto::Base64Encode(good_key));
  EXPECT_TRUE(good.ok()) << good.status().ToString();
}

}  // namespace
}  // namespace paraphe::ledger
