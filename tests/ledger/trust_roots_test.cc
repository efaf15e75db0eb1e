// Issue 12, forgery 1 and the trust roots: operator keys come from the log's
// genesis and ledger stream only. Each test forges exactly what one check
// checks and watches it fail; the honest counterpart passes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "crypto/base64.h"
#include "crypto/jws.h"
#include "crypto/merkle.h"
#include "crypto/note.h"
#include "ledger/bundle.h"
#include "ledger/domain/ledger_state.h"
#include "ledger/internal/keys.h"
#include "ledger/ledger.h"
#include "ledger/log_source.h"
#include "ledger/record.h"
#include "ledger/verify.h"
#include "tests/ledger/demo_history.h"
#include "tests/ledger/raw_db.h"
#include "tests/ledger/test_util.h"
#include "tests/ledger/trust_fixture.h"

namespace paraphe::ledger {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::HasSubstr;

constexpr char kOrigin[] = "paraphe.test/trust";
using namespace trust_test;  // NOLINT: the fixture's helpers

class TrustRootsTest : public TrustFixture {
 protected:
  TrustRootsTest() : TrustFixture(kOrigin) {}
};

TEST_F(TrustRootsTest, TheLogBeginsWithItsGenesisAndTheLedgerReplaysIt) {
  ASSERT_EQ(ledger_->size(), kGenesis);
  auto genesis = ledger_->Entry(0);
  ASSERT_TRUE(genesis.ok());
  EXPECT_EQ(genesis->stream, kLedgerStream);
  auto jws = crypto::JwsParse(genesis->jws);
  ASSERT_TRUE(jws.ok());
  EXPECT_EQ(jws->kid, test::DemoKey("operator").public_key().Thumbprint());
  EXPECT_THAT(jws->payload, HasSubstr("\"type\":\"LedgerGenesis\""));
  EXPECT_THAT(jws->payload, HasSubstr(vkey_));
  const LedgerState trust = ledger_->Trust();
  EXPECT_EQ(trust.origin, kOrigin);
  EXPECT_EQ(trust.verifier_key, vkey_);
  EXPECT_THAT(trust.ActiveKids(),
              ::testing::ElementsAre(test::DemoKey("operator").public_key().Thumbprint()));
  // The ledger's own stream is not a convention.
  EXPECT_EQ(ledger_->ListConventions().size(), 0u);
  EXPECT_EQ(ledger_->State(kLedgerStream).status().code(), StatusCode::kNotFound);

  SubmitExamples(0, payloads_.size());
  VerifyResult r = Verify(Export(), Pinned());
  EXPECT_TRUE(r.ok()) << Describe(r);
  EXPECT_EQ(r.ledger_events, 1u);
  EXPECT_EQ(r.ledger.genesis_kid, test::DemoKey("operator").public_key().Thumbprint());
}

TEST_F(TrustRootsTest, ABundleHeaderCannotAddAnOperatorKey) {
  SubmitExamples(0, 1);
  std::stringstream ss;
  ASSERT_TRUE(WriteBundle(*MakeLedgerSource(*ledger_, "ledger"), ss).ok());
  std::string text = ss.str();
  const size_t end = text.find('\n');
  std::string header = text.substr(0, end - 1) + ",\"operator_keys\":[{\"kid\":\"" +
                       test::DemoKey("committee").public_key().Thumbprint() +
                       "\",\"public_key\":\"" + Pub(test::DemoKey("committee")) + "\"}]}";
  std::istringstream in(header + text.substr(end));
  auto b = ReadBundle(in);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(b.status().message(), HasSubstr("bundle line 1: unknown member \"operator_keys\""));
}

// Issue 12 forgery 1: only the ledger key is stolen. The thief appends an
// "operator" key, gives the funder a new finance key with it and executes a
// payment with that key, then re-signs the checkpoint with the real ledger
// key. The operator key is not explained by the log: every step fails.
TEST_F(TrustRootsTest, AnOperatorKeyAddedWithOnlyTheLedgerKeyIsRefused) {
  SubmitExamples(0, 5);  // through PaymentOrdered
  const crypto::PrivateKey thief = test::DemoKey("thief-operator");
  const crypto::PrivateKey thief_finance = test::DemoKey("thief-finance");
  std::vector<std::string> jws = RecordJws();
  const uint64_t added = jws.size();
  jws.push_back(SignedBy(Envelope("OperatorKeyRegistered", kLedgerStream, 1, "2026-11-26",
                                  "operator", "operator",
                                  {{"public_key", Pub(thief)}, {"holder", "thief"}}),
                         thief));
  jws.push_back(SignedBy(Envelope("KeyRegistered", convention_, 5, "2026-11-26", "operator",
                                  "operator",
                                  {{"party", "metropole"},
                                   {"public_key", Pub(thief_finance)},
                                   {"roles", json::array{"finance"}}}),
                         thief));
  json::object pay = payloads_[5];
  pay["expected_version"] = 6;
  jws.push_back(SignedBy(pay, thief_finance));
  const Bundle forged = MakeBundle(jws, *ledger_key_);

  VerifyResult r = Verify(forged, Pinned());
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(FailureIn(r, added, kPropSignature, "[key.unknown]")) << Describe(r);
  EXPECT_TRUE(FailureIn(r, added + 1, kPropSignature, "[key.unknown]")) << Describe(r);
  EXPECT_TRUE(FailureIn(r, added + 2, kPropSignature, "[key.unknown]")) << Describe(r);
  EXPECT_EQ(r.ledger.ActiveKids().size(), 1u);
  // The ledger itself refuses the same records.
  EXPECT_EQ(Submit(jws[added]).status().rule(), "key.unknown");
}

// The thief of the ledger key forges a whole new genesis naming their own
// operator key. The result is internally consistent, so only an auditor who
// pinned the real operator key (or saved an earlier checkpoint) catches it.
TEST_F(TrustRootsTest, AForgedGenesisFailsAgainstAPinnedOperatorKey) {
  SubmitExamples(0, payloads_.size());
  const crypto::PrivateKey thief = test::DemoKey("thief-operator");
  std::vector<std::string> jws = RecordJws();
  jws[0] = SignGenesis(thief, kOrigin, vkey_, kNowMs);
  json::object reg = payloads_[0];
  reg["expected_version"] = 0;
  jws[kGenesis] = SignedBy(reg, thief);  // the operator's registration, re-signed
  const Bundle forged = MakeBundle(jws, *ledger_key_);

  VerifyResult unpinned_operator = Verify(forged, Pinned());
  EXPECT_TRUE(unpinned_operator.ok()) << Describe(unpinned_operator);

  VerifyOptions o = Pinned();
  o.operator_keys = {test::DemoKey("operator").public_key()};
  VerifyResult r = Verify(forged, o);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(FailureIn(r, 0, kPropGenesis, "not a pinned operator key")) << Describe(r);
  EXPECT_EQ(r.pinned_operator_keys, 1u);

  // The honest log passes the same pin.
  VerifyResult honest = Verify(Export(), o);
  EXPECT_TRUE(honest.ok()) << Describe(honest);
}

TEST_F(TrustRootsTest, ALogWithoutAGenesisFails) {
  SubmitExamples(0, payloads_.size());
  std::vector<std::string> jws = RecordJws();
  jws.erase(jws.begin());  // the convention's records, re-sequenced from 0
  VerifyResult r = Verify(MakeBundle(jws, *ledger_key_), Pinned());
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(FailureIn(r, 0, kPropGenesis, "not a LedgerGenesis")) << Describe(r);
  // With no genesis there is no operator key: the registration is unsigned.
  EXPECT_TRUE(FailureIn(r, 0, kPropSignature, "[key.unknown]")) << Describe(r);
}

TEST_F(TrustRootsTest, AGenesisNamingAnotherVerifierKeyFails) {
  SubmitExamples(0, 1);
  std::vector<std::string> jws = RecordJws();
  auto other = crypto::NoteSigner::Create(kOrigin, std::move(*crypto::PrivateKey::Generate()));
  jws[0] = SignGenesis(test::DemoKey("operator"), kOrigin, other->Verifier().VerifierKey(),
                       kNowMs);
  VerifyResult r = Verify(MakeBundle(jws, *ledger_key_), Pinned());
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(FailureIn(r, 0, kPropGenesis, "names verifier key")) << Describe(r);
}

TEST_F(TrustRootsTest, ASecondGenesisIsRefusedByTheLedgerAndTheVerifier) {
  // The very bytes of the genesis are a retry: the original receipt.
  auto retry = Submit(RecordJws()[0]);
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->seq, 0u);
  const std::string again =
      SignGenesis(test::DemoKey("operator"), kOrigin, vkey_, kNowMs - 86'400'000);
  auto refused = Submit(again);
  EXPECT_EQ(refused.status().code(), StatusCode::kConflict);
  EXPECT_EQ(refused.status().rule(), "ledger.genesis_not_first");
  std::vector<std::string> jws = RecordJws();
  jws.push_back(again);
  VerifyResult r = Verify(MakeBundle(jws, *ledger_key_), Pinned());
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(FailureIn(r, 1, kPropGenesis, "seq 0")) << Describe(r);
}

// A rogue operator (holding the real operator key) registers a finance key
// for the funder and executes a payment with it. The registry allows it;
// the auditor who pinned the funder's keys does not.
TEST_F(TrustRootsTest, PinnedPartyKeysCatchAKeyTheOperatorRegistered) {
  SubmitExamples(0, 5);  // through PaymentOrdered
  const crypto::PrivateKey rogue = test::DemoKey("rogue-finance");
  ASSERT_TRUE(Submit(SignedBy(Envelope("KeyRegistered", convention_, 5, "2026-11-26", "operator",
                                       "operator",
                                       {{"party", "metropole"},
                                        {"public_key", Pub(rogue)},
                                        {"roles", json::array{"finance"}}}),
                              test::DemoKey("operator")))
                  .ok());
  json::object pay = payloads_[5];
  pay["expected_version"] = 6;
  auto paid = Submit(SignedBy(pay, rogue));
  ASSERT_TRUE(paid.ok()) << paid.status().ToString();

  EXPECT_TRUE(Verify(Export(), Pinned()).ok());
  VerifyOptions o = Pinned();
  for (const char* name : {"metropole-signatory", "metropole-finance", "metropole-clerk"}) {
    o.party_keys.emplace("metropole", test::DemoKey(name).public_key());
  }
  VerifyResult r = Verify(Export(), o);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(FailureIn(r, paid->seq, kPropKeyPin, "not one of its pinned keys")) << Describe(r);
  EXPECT_EQ(r.failures_total, 1u) << Describe(r);
  EXPECT_EQ(r.pinned_party_keys, 3u);
}

TEST_F(TrustRootsTest, OperatorKeysRotateThroughTheLogAndSurviveAReopen) {
  const crypto::PrivateKey old_op = test::DemoKey("operator");
  const crypto::PrivateKey new_op = test::DemoKey("operator-2026");
  auto registered = Submit(SignedBy(Envelope("OperatorKeyRegistered", kLedgerStream, 1,
                                             "2026-11-26", "operator", "operator",
                                             {{"public_key", Pub(new_op)},
                                              {"holder", "DSI Métropole"}}),
                                    old_op));
  ASSERT_TRUE(registered.ok()) << registered.status().ToString();
  auto revoked = Submit(SignedBy(Envelope("OperatorKeyRevoked", kLedgerStream, 2, "2026-11-26",
                                          "operator", "operator",
                                          {{"kid", old_op.public_key().Thumbprint()},
                                           {"reason", "rotation"}}),
                                 new_op));
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();

  json::object reg = payloads_[0];
  reg["expected_version"] = 0;
  EXPECT_EQ(Submit(SignedBy(reg, old_op)).status().rule(), "key.revoked");
  ASSERT_TRUE(Submit(SignedBy(reg, new_op)).ok());
  // The last active key cannot be revoked.
  auto last = Submit(SignedBy(Envelope("OperatorKeyRevoked", kLedgerStream, 3, "2026-11-26",
                                       "operator", "operator",
                                       {{"kid", new_op.public_key().Thumbprint()},
                                        {"reason", "oops"}}),
                              new_op));
  EXPECT_EQ(last.status().rule(), "operator.last_key");

  Open();  // replayed from the log
  EXPECT_THAT(ledger_->Trust().ActiveKids(),
              ::testing::ElementsAre(new_op.public_key().Thumbprint()));
  auto state = ledger_->State(convention_);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  VerifyResult r = Verify(Export(), Pinned());
  EXPECT_TRUE(r.ok()) << Describe(r);
  EXPECT_EQ(r.ledger_events, 3u);
  EXPECT_EQ(r.ledger.operators.at(old_op.public_key().Thumbprint()).revoked_seq, revoked->seq);
}

// Resuming from an honest audit state, a continuation that brings its own
// operator key is a failure, not a note.
TEST_F(TrustRootsTest, AResumedAuditTrustsNoOperatorKeyTheLogDoesNotExplain) {
  SubmitExamples(0, 5);
  const fs::path state = root_ / "audit.state";
  VerifyOptions save = Pinned();
  save.save_state = state;
  const Bundle honest = Export();
  ASSERT_TRUE(Verify(honest, save).ok());

  const crypto::PrivateKey thief = test::DemoKey("thief-operator");
  std::vector<std::string> jws = RecordJws();
  const uint64_t added = jws.size();
  jws.push_back(SignedBy(Envelope("OperatorKeyRegistered", kLedgerStream, 1, "2026-11-26",
                                  "operator", "operator",
                                  {{"public_key", Pub(thief)}, {"holder", "thief"}}),
                         thief));
  VerifyOptions resume = Pinned();
  resume.since = state;
  VerifyResult r = Verify(MakeBundle(jws, *ledger_key_), resume);
  EXPECT_EQ(r.mode, "incremental");
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(FailureIn(r, added, kPropSignature, "[key.unknown]")) << Describe(r);

  // With the real operator key pinned the saved genesis passes; another
  // pinned key fails it.
  resume.operator_keys = {test::DemoKey("committee").public_key()};
  VerifyResult wrong_pin = Verify(honest, resume);
  EXPECT_TRUE(FailureIn(wrong_pin, std::nullopt, kPropGenesis, "not a pinned operator key"))
      << Describe(wrong_pin);
}

// A copy whose genesis was damaged still opens for the auditor, who is told
// what is wrong with record 0 instead of being refused the directory.
TEST_F(TrustRootsTest, ADamagedGenesisIsReportedNotRefused) {
  SubmitExamples(0, 3);
  ledger_.reset();
  {
    test::RawDb raw(dir_ / "db");
    std::string v = raw.Get(internal::kRecords, internal::SeqKey(0));
    v[v.size() - 3] ^= 0x01;  // inside the genesis's JWS signature
    raw.Put(internal::kRecords, internal::SeqKey(0), v);
  }
  EXPECT_EQ(Ledger::Open(dir_).status().code(), StatusCode::kDataLoss);  // the server refuses
  auto src = OpenLedgerSource(dir_);
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  auto r = VerifyLog(**src, Pinned());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->ok());
  EXPECT_TRUE(FailureIn(*r, 0, kPropSignature)) << Describe(*r);
  EXPECT_TRUE(FailureIn(*r, 0, kPropLeafHash)) << Describe(*r);
}

TEST_F(TrustRootsTest, TheOperatorIsNotAPartyToPin) {
  VerifyOptions o = Pinned();
  o.party_keys.emplace("operator", test::DemoKey("operator").public_key());
  auto src = MakeBundleSource(Export(), "bundle (test)");
  auto r = VerifyLog(*src, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("operator keys"));
}

// An audit state whose saved registry names another verifier key than the
// pinned one is not resumed from silently.
TEST_F(TrustRootsTest, AnAuditStateForAnotherVerifierKeyFails) {
  SubmitExamples(0, 2);
  const fs::path state = root_ / "audit.state";
  VerifyOptions save = Pinned();
  save.save_state = state;
  const Bundle honest = Export();
  ASSERT_TRUE(Verify(honest, save).ok());
  auto decoded = DecodeAuditState(test::ReadText(state));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  auto other = crypto::NoteSigner::Create(kOrigin, std::move(*crypto::PrivateKey::Generate()));
  decoded->ledger.verifier_key = other->Verifier().VerifierKey();
  {
    std::ofstream out(state, std::ios::binary | std::ios::trunc);
    out << EncodeAuditState(*decoded);
  }
  VerifyOptions resume = Pinned();
  resume.since = state;
  VerifyResult r = Verify(honest, resume);
  EXPECT_EQ(r.mode, "incremental");
  EXPECT_TRUE(FailureIn(r, std::nullopt, kPropGenesis, "registry names verifier key"))
      << Describe(r);
}

TEST_F(TrustRootsTest, OlderFormatsAreRefusedNamingTheVersion) {
  ledger_.reset();
  {
    test::RawDb raw(dir_ / "db");
    raw.Put(internal::kMeta, "format", "paraphe-log/1");
  }
  auto opened = Ledger::Open(dir_);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(opened.status().message(), HasSubstr("paraphe-log/1"));

  auto v1_state = DecodeAuditState(R"({"format":"paraphe-audit-state/v1"})");
  EXPECT_THAT(v1_state.status().message(), HasSubstr("paraphe-audit-state/v1"));
  std::istringstream v1_bundle(R"({"format":"paraphe-bundle/v1"})" "\n");
  EXPECT_THAT(ReadBundle(v1_bundle).status().message(), HasSubstr("paraphe-bundle/v1"));
}

}  // namespace
}  // namespace paraphe::ledger
