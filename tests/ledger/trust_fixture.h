// Shared by the trust-root tests (trust_roots_test.cc, adversary_test.cc):
// a demo ledger recorded at a fixed time, helpers to sign events and to
// build bundles by hand (a forger's tools), and the verifier's findings.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "crypto/base64.h"
#include "crypto/jws.h"
#include "crypto/merkle.h"
#include "crypto/note.h"
#include "ledger/bundle.h"
#include "ledger/domain/ledger_state.h"
#include "ledger/ledger.h"
#include "ledger/log_source.h"
#include "ledger/record.h"
#include "ledger/verify.h"
#include "tests/ledger/demo_history.h"
#include "tests/ledger/test_util.h"

namespace paraphe::ledger::trust_test {

namespace fs = std::filesystem;
namespace json = boost::json;

inline constexpr int64_t kNowMs = 1'795'694'400'000LL;  // 2026-11-26T12:00:00Z
inline constexpr uint64_t kGenesis = 1;  // records before the first convention event

inline std::string Describe(const VerifyResult& r) {
  std::string out;
  for (const auto& f : r.failures) {
    out += "  " + (f.seq ? std::to_string(*f.seq) : std::string("-")) + " " + f.property +
           ": " + f.detail + "\n";
  }
  return out;
}

inline bool FailureIn(const VerifyResult& r, std::optional<uint64_t> seq, std::string_view property,
                std::string_view detail_part = "") {
  for (const auto& f : r.failures) {
    if (f.seq == seq && f.property == property &&
        f.detail.find(detail_part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

inline std::string Pub(const crypto::PrivateKey& k) { return crypto::Base64UrlEncode(k.public_key().raw()); }

inline json::object Envelope(std::string type, std::string stream, uint64_t version, std::string date,
                      std::string party, std::string role, json::object data) {
  return json::object{{"type", std::move(type)},
                      {"convention", std::move(stream)},
                      {"expected_version", version},
                      {"date", std::move(date)},
                      {"actor", json::object{{"party", std::move(party)}, {"role", std::move(role)}}},
                      {"data", std::move(data)}};
}

inline std::string SignedBy(const json::object& payload, const crypto::PrivateKey& key) {
  return crypto::JwsSign(json::serialize(payload), key);
}

// A bundle of these JWS, recorded at kNowMs, its checkpoint signed by `signer`.
inline Bundle MakeBundle(const std::vector<std::string>& jws, const crypto::NoteSigner& signer) {
  Bundle b;
  b.origin = signer.name();
  b.verifier_key = signer.Verifier().VerifierKey();
  crypto::MemoryTree tree;
  for (uint64_t seq = 0; seq < jws.size(); ++seq) {
    b.records.push_back({seq, kNowMs, EncodeLeaf(seq, kNowMs, jws[seq])});
    tree.AppendLeaf(b.records.back().leaf);
  }
  b.tree_size = tree.size();
  b.checkpoint = *signer.Sign(crypto::Checkpoint{b.origin, tree.size(), tree.Root(), {}}.Body());
  return b;
}

// A fresh demo ledger (origin `origin_`, operator = the demo operator key),
// open, recorded at kNowMs; the real ledger key loaded as a forger who stole
// it would hold it.
class TrustFixture : public ::testing::Test {
 protected:
  explicit TrustFixture(std::string origin) : origin_(std::move(origin)) {}
  void SetUp() override {
    root_ = test::TempDir("trust");
    dir_ = root_ / "data";
    payloads_ = test::ExamplePayloads();
    signer_ = std::make_unique<test::DemoSigner>(payloads_[0]);
    convention_ = std::string(payloads_[0].at("convention").as_string());
    InitOptions io;
    io.origin = origin_;
    io.operator_key_pem = test::DemoKey("operator").ToPem();
    io.clock = [] { return kNowMs; };
    auto init = Ledger::Init(dir_, io);
    ASSERT_TRUE(init.ok()) << init.status().ToString();
    vkey_ = init->verifier_key;
    auto key = crypto::PrivateKey::Load(dir_ / "keys" / "ledger.pem");
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    ledger_key_ = std::make_unique<crypto::NoteSigner>(
        std::move(*crypto::NoteSigner::Create(origin_, std::move(*key))));
    Open();
  }
  void TearDown() override {
    ledger_.reset();
    fs::remove_all(root_);
  }
  void Open() {
    ledger_.reset();
    LedgerOptions o;
    o.clock = [] { return kNowMs; };
    o.sync = false;
    auto l = Ledger::Open(dir_, o);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    ledger_ = std::move(*l);
  }
  Result<Receipt> Submit(const std::string& jws) { return ledger_->Submit(jws); }
  void SubmitExamples(size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      json::object p = payloads_[i];
      p["expected_version"] = i;
      auto r = Submit(signer_->Sign(p));
      ASSERT_TRUE(r.ok()) << i << ": " << r.status().ToString();
    }
  }
  // The JWS of every record, in log order.
  std::vector<std::string> RecordJws() {
    std::vector<std::string> out;
    auto records = ledger_->Entries(0, ledger_->size(), SIZE_MAX);
    EXPECT_TRUE(records.ok());
    for (const Record& r : *records) out.push_back(r.jws);
    return out;
  }
  Bundle Export() {
    std::stringstream ss;
    Status st = WriteBundle(*MakeLedgerSource(*ledger_, "ledger"), ss);
    EXPECT_TRUE(st.ok()) << st.ToString();
    auto b = ReadBundle(ss);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return *b;
  }
  VerifyOptions Pinned() {
    VerifyOptions o;
    o.trusted_vkey = vkey_;
    o.threads = 2;
    return o;
  }
  VerifyResult Verify(const Bundle& b, const VerifyOptions& o) {
    auto src = MakeBundleSource(b, "bundle (test)");
    auto r = VerifyLog(*src, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : VerifyResult();
  }

  std::string origin_;
  fs::path root_, dir_;
  std::vector<json::object> payloads_;
  std::unique_ptr<test::DemoSigner> signer_;
  std::string convention_;
  std::string vkey_;
  std::unique_ptr<crypto::NoteSigner> ledger_key_;
  std::unique_ptr<Ledger> ledger_;
};

}  // namespace paraphe::ledger::trust_test
