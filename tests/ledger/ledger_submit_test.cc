// End-to-end tests of Ledger::Submit on the seed convention's example
// history: signature and key checks, rules, idempotency, conflicts, replay,
// snapshots and the finance view.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <thread>

#include "crypto/merkle.h"
#include "crypto/note.h"
#include "ledger/domain/state.h"
#include "ledger/internal/keys.h"
#include "ledger/ledger.h"
#include "tests/ledger/demo_history.h"
#include "tests/ledger/raw_db.h"
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

class LedgerSubmitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = test::TempDir("submit");
    dir_ = root_ / "data";
    payloads_ = test::ExamplePayloads();
    signer_ = std::make_unique<test::DemoSigner>(payloads_[0]);
    InitOptions io;
    io.origin = "paraphe.test/seed";
    io.clock = [] { return kNowMs; };
    io.operator_key_pem = test::DemoKey("operator").ToPem();
    auto init = Ledger::Init(dir_, io);
    ASSERT_TRUE(init.ok()) << init.status().ToString();
  }
  void TearDown() override {
    ledger_.reset();
    fs::remove_all(root_);
  }

  void OpenLedger(LedgerOptions o = {}) {
    ledger_.reset();
    o.clock = [] { return kNowMs; };
    auto l = Ledger::Open(dir_, o);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    ledger_ = std::move(*l);
  }

  // payloads_[i] with expected_version i, signed by its actor's demo key.
  std::string Signed(size_t i) {
    json::object p = payloads_[i];
    p["expected_version"] = i;
    return signer_->Sign(p);
  }

  void SubmitAll() {
    for (size_t i = 0; i < payloads_.size(); ++i) {
      auto r = ledger_->Submit(Signed(i));
      ASSERT_TRUE(r.ok()) << i << ": " << r.status().ToString();
      EXPECT_EQ(r->seq, kGenesis + i);
      EXPECT_EQ(r->version, i + 1);
    }
  }

  std::string Convention() const {
    return std::string(payloads_[0].at("convention").as_string());
  }

  fs::path root_, dir_;
  std::vector<json::object> payloads_;
  std::unique_ptr<test::DemoSigner> signer_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(LedgerSubmitTest, WholeExampleHistoryIsAcceptedAndReplays) {
  OpenLedger();
  SubmitAll();
  auto state = ledger_->State(Convention());
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(state->version, payloads_.size());
  EXPECT_EQ(PaidCents(*state), 20'000'000);
  EXPECT_EQ(state->signatures.size(), 2u);
  EXPECT_EQ(state->end_date.ToString(),
            "2027-06-30");  // extended by the avenant
  EXPECT_EQ(Phase(*state, *Date::Parse("2026-11-26")), "in_force");

  auto list = ledger_->ListConventions();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("convention").as_string(), Convention());
  EXPECT_EQ(list[0].at("phase").as_string(), "in_force");

  // A fresh process replays the log to the same state.
  OpenLedger();
  auto replayed = ledger_->State(Convention());
  ASSERT_TRUE(replayed.ok());
  EXPECT_TRUE(*replayed == *state);
}

// Every record the ledger serves shows its recording lag (issue 12): the
// example history was recorded at once on 2026-11-26.
TEST_F(LedgerSubmitTest, RecordJsonShowsTheRecordingLag) {
  OpenLedger();
  SubmitAll();
  auto rec = ledger_->Entry(kGenesis + 4);  // PaymentOrdered dated 2026-03-05
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  auto j = ledger_->RecordJson(*rec);
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ(j->at("recording_lag_days").as_int64(), 266);
  auto state = ledger_->State(Convention());
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->timeline.at(4).recording_lag_days, 266);
}

TEST_F(LedgerSubmitTest, ResubmittingTheSameJwsReturnsTheOriginalReceipt) {
  OpenLedger();
  SubmitAll();
  auto again = ledger_->Submit(Signed(3));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->seq, kGenesis + 3);
  EXPECT_EQ(again->version, 4u);
  EXPECT_EQ(ledger_->size(), kGenesis + payloads_.size());
}

TEST_F(LedgerSubmitTest, ReceiptJsonCarriesAProofAgainstItsOwnCheckpoint) {
  OpenLedger();
  auto first = ledger_->Submit(Signed(0));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(ledger_->Submit(Signed(1)).ok());
  // The receipt of the first append, rendered after the log grew: its proof
  // is still against the checkpoint the receipt names (the genesis and it).
  auto j = ledger_->ReceiptJson(*first);
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ(j->at("seq").to_number<uint64_t>(), kGenesis);
  EXPECT_EQ(j->at("version").to_number<uint64_t>(), 1u);
  EXPECT_EQ(j->at("convention").as_string(), first->stream);
  EXPECT_EQ(j->at("leaf_hash").as_string(),
            crypto::HashBase64(first->leaf_hash));
  EXPECT_EQ(j->at("recorded_at").as_string(), FormatTimestampMs(kNowMs));
  EXPECT_FALSE(j->at("duplicate").as_bool());
  EXPECT_EQ(j->at("checkpoint").as_string(), first->checkpoint);
  const auto& proof = j->at("inclusion_proof").as_object();
  EXPECT_EQ(proof.at("tree_size").to_number<uint64_t>(), kGenesis + 1);
  EXPECT_EQ(proof.at("checkpoint").as_string(), first->checkpoint);
  EXPECT_EQ(proof.at("leaf_hash"), j->at("leaf_hash"));
  // A tree of two leaves (the genesis, then this event): the proof is the
  // genesis leaf hash, and root = Node(genesis, leaf).
  auto genesis = ledger_->Entry(0);
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();
  const auto& path = proof.at("proof").as_array();
  ASSERT_EQ(path.size(), 1u);
  EXPECT_EQ(path[0].as_string(),
            crypto::HashBase64(genesis->LeafHash()));
  auto back = InclusionProofFromJson(proof);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->index, kGenesis);
  EXPECT_TRUE(crypto::VerifyInclusion(back->index, back->tree_size,
                                      back->leaf_hash, back->proof, back->root)
                  .ok());
}

TEST_F(LedgerSubmitTest, ProofJsonParsesBackExactlyAndStrictly) {
  OpenLedger();
  SubmitAll();
  auto inc = ledger_->ProveInclusion(kGenesis + 3, ledger_->size());
  ASSERT_TRUE(inc.ok()) << inc.status().ToString();
  auto back = InclusionProofFromJson(InclusionProofJson(*inc));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->index, kGenesis + 3);
  EXPECT_EQ(back->tree_size, inc->tree_size);
  EXPECT_EQ(back->root, inc->root);
  EXPECT_EQ(back->leaf_hash, inc->leaf_hash);
  EXPECT_EQ(back->leaf_data, inc->leaf_data);
  EXPECT_EQ(back->proof, inc->proof);
  EXPECT_EQ(back->checkpoint, inc->checkpoint);
  EXPECT_TRUE(crypto::VerifyInclusion(back->index, back->tree_size,
                                      back->leaf_hash, back->proof, back->root)
                  .ok());
  auto con = ledger_->ProveConsistency(2, ledger_->size());
  ASSERT_TRUE(con.ok()) << con.status().ToString();
  auto cback = ConsistencyProofFromJson(ConsistencyProofJson(*con));
  ASSERT_TRUE(cback.ok()) << cback.status().ToString();
  EXPECT_EQ(cback->old_size, 2u);
  EXPECT_EQ(cback->old_root, con->old_root);
  EXPECT_EQ(cback->root, con->root);
  EXPECT_EQ(cback->proof, con->proof);

  // Strict: each defect is refused, naming the member.
  auto refused = [&](const char* member, json::value v) {
    json::object o = InclusionProofJson(*inc);
    o[member] = std::move(v);
    auto r = InclusionProofFromJson(o);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << member;
    EXPECT_THAT(r.status().message(), HasSubstr(member));
  };
  refused("root", "AAAA");                 // 3 bytes, not 32
  refused("leaf_hash", 7);                 // not a string
  refused("index", -1);                    // negative
  refused("tree_size", "14");              // a string
  refused("proof", json::array{"!!"});     // not base64
  EXPECT_EQ(InclusionProofFromJson(json::array{}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProofFromJson(json::value("x")).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(LedgerSubmitTest,
       StaleExpectedVersionIsAConflictNamingTheCurrentVersion) {
  OpenLedger();
  SubmitAll();
  json::object p = payloads_[6];  // a committee decision, valid in itself
  p["expected_version"] = 3;
  p["data"].as_object()["decisions"] = "Another decision";
  auto r = ledger_->Submit(signer_->Sign(p));
  EXPECT_EQ(r.status().code(), StatusCode::kConflict);
  EXPECT_EQ(r.status().rule(), "version.conflict");
  EXPECT_THAT(r.status().message(),
              HasSubstr(std::to_string(payloads_.size())));
}

TEST_F(LedgerSubmitTest, TamperedSignatureIsUnauthenticated) {
  OpenLedger();
  std::string jws = Signed(0);
  jws[jws.size() - 5] = jws[jws.size() - 5] == 'A' ? 'B' : 'A';
  auto r = ledger_->Submit(jws);
  EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(r.status().rule(), "signature.invalid");
  EXPECT_EQ(ledger_->size(), kGenesis);
}

TEST_F(LedgerSubmitTest, UnregisteredKeyIsUnauthenticated) {
  OpenLedger();
  ASSERT_TRUE(ledger_->Submit(Signed(0)).ok());
  json::object p = payloads_[1];
  p["expected_version"] = 1;
  auto stranger = crypto::PrivateKey::Generate();
  auto r = ledger_->Submit(crypto::JwsSign(json::serialize(p), *stranger));
  EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(r.status().rule(), "key.unknown");
}

TEST_F(LedgerSubmitTest, MalformedInputIsInvalidArgumentAndRecordsNothing) {
  OpenLedger();
  EXPECT_EQ(ledger_->Submit("not a jws").status().code(),
            StatusCode::kInvalidArgument);
  auto key = test::DemoKey("operator");
  auto r = ledger_->Submit(crypto::JwsSign("{\"type\":\"Nope\"}", key));
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger_->Submit(std::string(crypto::kMaxJwsBytes + 1, 'a'))
                .status()
                .code(),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(ledger_->size(), kGenesis);
}

TEST_F(LedgerSubmitTest, SecondPaymentIsARuleViolation) {
  OpenLedger();
  SubmitAll();
  json::object p = payloads_[4];  // PaymentOrdered
  p["expected_version"] = payloads_.size();
  p["data"].as_object()["mandat"] = "2026-009999";
  auto r = ledger_->Submit(signer_->Sign(p));
  EXPECT_EQ(r.status().code(), StatusCode::kRuleViolation);
  EXPECT_FALSE(r.status().rule().empty());
  EXPECT_EQ(ledger_->size(), kGenesis + payloads_.size());
}

TEST_F(LedgerSubmitTest, AsOfSeqAndDateSeeAPrefix) {
  OpenLedger();
  SubmitAll();
  AsOf at_seq;
  at_seq.seq = kGenesis + 2;  // registration and both signatures
  auto s = ledger_->State(Convention(), at_seq);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->version, 3u);
  EXPECT_EQ(PaidCents(*s), 0);

  AsOf before;
  before.date = "2026-01-01";
  EXPECT_EQ(ledger_->State(Convention(), before).status().code(),
            StatusCode::kNotFound);
  AsOf bad;
  bad.date = "2026-13-01";
  EXPECT_EQ(ledger_->State(Convention(), bad).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger_->State("no-such-convention").status().code(),
            StatusCode::kNotFound);
}

TEST_F(LedgerSubmitTest, SnapshotsGiveTheSameStateAsFullReplayAndCanBeDeleted) {
  LedgerOptions o;
  o.snapshot_every = 2;
  OpenLedger(o);
  SubmitAll();
  auto with_snapshots = ledger_->State(Convention());
  ASSERT_TRUE(with_snapshots.ok());
  AsOf all;
  all.seq = ledger_->size();  // forces a replay from the first event
  auto full = ledger_->State(Convention(), all);
  ASSERT_TRUE(full.ok());
  EXPECT_TRUE(*with_snapshots == *full);
  ledger_.reset();

  // Snapshots are a cache: delete them all and the answer is the same.
  {
    test::RawDb raw(dir_ / "db");
    EXPECT_GT(raw.DeleteAll(internal::kSnapshots), 0);
  }
  OpenLedger(o);
  auto without = ledger_->State(Convention());
  ASSERT_TRUE(without.ok());
  EXPECT_TRUE(*without == *full);
}

TEST_F(LedgerSubmitTest, PaymentsViewCarriesProofsThatVerify) {
  OpenLedger();
  SubmitAll();
  auto view = ledger_->PaymentsJson(Convention());
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_EQ(view->at("paid_cents").as_int64(), 20'000'000);
  auto verifier =
      crypto::NoteVerifier::FromVerifierKey(ledger_->verifier_key());
  auto body = verifier->Open(std::string(view->at("checkpoint").as_string()));
  ASSERT_TRUE(body.ok());
  auto cp = crypto::Checkpoint::Parse(*body);
  const auto& mandats = view->at("mandats").as_array();
  ASSERT_EQ(mandats.size(), 1u);
  for (const char* step : {"ordered", "executed"}) {
    const auto& proof = mandats[0].at(step).at("inclusion_proof").as_object();
    std::vector<crypto::Hash> path;
    for (const auto& h : proof.at("proof").as_array()) {
      auto raw = crypto::Base64Decode(h.as_string());
      crypto::Hash hash;
      std::copy(raw->begin(), raw->end(), hash.begin());
      path.push_back(hash);
    }
    auto leaf = crypto::Base64Decode(proof.at("leaf_data").as_string());
    EXPECT_TRUE(crypto::VerifyInclusion(proof.at("index").as_uint64(), cp->size,
                                        crypto::LeafHash(*leaf), path, cp->root)
                    .ok())
        << step;
  }
}

TEST_F(LedgerSubmitTest, RacingSubmissionsExactlyOneWinsEachVersion) {
  OpenLedger();
  SubmitAll();
  const uint64_t base = payloads_.size();
  constexpr int kThreads = 4, kRounds = 10;
  std::atomic<int> won{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int attempt = 0;; ++attempt) {
        uint64_t v = ledger_->State(Convention())->version;
        if (v >= base + kRounds) return;
        json::object p = payloads_[6];  // CommitteeDecision
        p["expected_version"] = v;
        p["data"].as_object()["decisions"] =
            "attempt " + std::to_string(attempt) + " by " + std::to_string(t);
        auto r = ledger_->Submit(signer_->Sign(p));
        if (r.ok()) {
          EXPECT_EQ(r->version, v + 1);
          ++won;
        } else {
          EXPECT_EQ(r.status().code(), StatusCode::kConflict)
              << r.status().ToString();
          ++conflicts;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  // Every round's version was won by exactly one thread.
  EXPECT_EQ(won.load(), kRounds);
  EXPECT_EQ(ledger_->size(), kGenesis + base + kRounds);
  EXPECT_EQ(ledger_->State(Convention())->version, base + kRounds);
}

}  // namespace
}  // namespace paraphe::ledger

namespace paraphe::ledger {
namespace {


// Issue 12, item 8: a retry is always safe. The key check used to run before
// the duplicate check, so a retry after a revocation got 401 key.revoked.
TEST_F(LedgerSubmitTest, RetryAfterTheKeyIsRevokedReturnsTheOriginalReceipt) {
  OpenLedger();
  // Up to the first event signed by the funder's finance key.
  size_t finance_index = 0;
  for (size_t i = 0; i < payloads_.size(); ++i) {
    if (payloads_[i].at("actor").at("role").as_string() == "finance") {
      finance_index = i;
      break;
    }
  }
  ASSERT_GT(finance_index, 0u);
  std::optional<Receipt> original;
  for (size_t i = 0; i <= finance_index; ++i) {
    auto r = ledger_->Submit(Signed(i));
    ASSERT_TRUE(r.ok()) << i << ": " << r.status().ToString();
    if (i == finance_index) original = *r;
  }
  const std::string finance_kid = test::DemoKey("metropole-finance").public_key().Thumbprint();
  json::object revoke{{"type", "KeyRevoked"},
                      {"convention", Convention()},
                      {"expected_version", finance_index + 1},
                      {"date", "2026-11-02"},
                      {"actor", {{"party", "operator"}, {"role", "operator"}}},
                      {"data", {{"kid", finance_kid}, {"reason", "laptop stolen"}}}};
  auto revoked = ledger_->Submit(signer_->Sign(revoke));
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();

  // The identical bytes: the original receipt, not key.revoked.
  auto again = ledger_->Submit(Signed(finance_index));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->seq, original->seq);
  EXPECT_EQ(again->stream, original->stream);
  EXPECT_EQ(again->version, original->version);
  EXPECT_EQ(again->leaf_hash, original->leaf_hash);
  EXPECT_EQ(again->recorded_at_ms, original->recorded_at_ms);
  EXPECT_EQ(again->tree_size, ledger_->size());
  EXPECT_EQ(again->checkpoint, *ledger_->Checkpoint());
  EXPECT_EQ(ledger_->size(), kGenesis + finance_index + 2);

  // Any other JWS by the revoked key is still refused: the same event
  // re-signed at the current version is new bytes.
  json::object other = payloads_[finance_index];
  other["expected_version"] = finance_index + 2;
  auto refused = ledger_->Submit(signer_->Sign(other));
  EXPECT_EQ(refused.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(refused.status().rule(), "key.revoked");
  EXPECT_EQ(ledger_->size(), kGenesis + finance_index + 2);

  // Also across a restart (the index is on disk, not in memory).
  OpenLedger();
  auto after_restart = ledger_->Submit(Signed(finance_index));
  ASSERT_TRUE(after_restart.ok()) << after_restart.status().ToString();
  EXPECT_TRUE(after_restart->duplicate);
  EXPECT_EQ(after_restart->seq, original->seq);
}

TEST_F(LedgerSubmitTest, EventForUnknownConventionNamesTheConvention) {
  OpenLedger();
  json::object p = payloads_[1];  // a PartySigned, but nothing is registered
  p["expected_version"] = 0;
  auto r = ledger_->Submit(signer_->Sign(p));
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().rule(), "convention.unknown");
  EXPECT_EQ(ledger_->StreamVersion(Convention()), 0u);
  SubmitAll();
  EXPECT_EQ(ledger_->StreamVersion(Convention()), payloads_.size());
}

}  // namespace
}  // namespace paraphe::ledger
