// Adversarial review of the trust roots (issue 12): forgery paths found
// after "trust roots live in the log". Each test forges exactly the thing
// one check checks and asserts the specific failure.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

constexpr char kOrigin[] = "paraphe.test/adversary";
using namespace trust_test;  // NOLINT: the fixture's helpers

class AdversaryTest : public TrustFixture {
 protected:
  AdversaryTest() : TrustFixture(kOrigin) {}
};

// Every database holds a checkpoint of size 0 signed by the real ledger key
// (Log::LoadMeta signs the empty tree before Init appends the genesis).
// Anyone holding a copy of the database, without any key, can present the
// empty log: it carries no genesis, so no pin was ever checked, yet the run
// said "every check holds" with the verifier key and an operator key pinned.
TEST_F(AdversaryTest, TheEmptyLogOfTheRealLedgerKeyIsNotAVerifiedLedger) {
  SubmitExamples(0, 3);
  auto empty_cp = ledger_->CheckpointAt(0);
  ASSERT_TRUE(empty_cp.ok()) << empty_cp.status().ToString();
  Bundle empty;
  empty.origin = kOrigin;
  empty.verifier_key = vkey_;
  empty.checkpoint = *empty_cp;
  empty.tree_size = 0;
  std::stringstream ss;
  ss << BundleHeaderLine(empty);
  auto read = ReadBundle(ss);
  ASSERT_TRUE(read.ok()) << read.status().ToString();

  VerifyOptions o = Pinned();
  o.operator_keys = {test::DemoKey("operator").public_key()};
  VerifyResult r = Verify(*read, o);
  EXPECT_FALSE(r.ok()) << "an empty log passed with pinned keys";
  EXPECT_TRUE(FailureIn(r, std::nullopt, kPropGenesis, "no genesis")) << Describe(r);
}

// FORMAT.md 7.3: `index` is "expected_version is not the stream's replayed
// version" for every stream, `_ledger` included. A ledger-stream event that
// skips versions was reported as `rule:version.conflict` instead, unlike the
// same fault in a convention stream.
TEST_F(AdversaryTest, ALedgerStreamVersionGapIsAnIndexFailure) {
  SubmitExamples(0, 1);
  std::vector<std::string> jws = RecordJws();
  const uint64_t pos = jws.size();
  jws.push_back(SignedBy(Envelope("OperatorKeyRegistered", kLedgerStream, 7, "2026-11-26",
                                  "operator", "operator",
                                  {{"public_key", Pub(test::DemoKey("operator-2026"))},
                                   {"holder", "DSI"}}),
                         test::DemoKey("operator")));
  VerifyResult r = Verify(MakeBundle(jws, *ledger_key_), Pinned());
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(FailureIn(r, pos, kPropIndex, "expected_version 7")) << Describe(r);
  EXPECT_FALSE(FailureIn(r, pos, "rule:version.conflict")) << Describe(r);
  EXPECT_EQ(r.ledger.operators.size(), 1u);
}

// The auditor's read-only open of a copy tolerates a genesis that does not
// replay (and reports it), but refused the whole directory when the genesis
// replays yet names another origin or verifier key than the database: the
// auditor learnt nothing of which records are bad.
TEST_F(AdversaryTest, ACopyWhoseGenesisContradictsItsDatabaseIsReportedNotRefused) {
  SubmitExamples(0, 2);
  ledger_.reset();
  auto other = crypto::NoteSigner::Create(kOrigin, std::move(*crypto::PrivateKey::Generate()));
  {
    test::RawDb raw(dir_ / "db");
    Record forged{0, kNowMs, std::string(kLedgerStream), 1,
                  SignGenesis(test::DemoKey("operator"), kOrigin,
                              other->Verifier().VerifierKey(), kNowMs)};
    raw.Put(internal::kRecords, internal::SeqKey(0), EncodeStoredRecord(forged));
  }
  EXPECT_EQ(Ledger::Open(dir_).status().code(), StatusCode::kDataLoss);  // the server refuses
  auto src = OpenLedgerSource(dir_);
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  auto r = VerifyLog(**src, Pinned());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->ok());
  EXPECT_TRUE(FailureIn(*r, 0, kPropGenesis, "names verifier key")) << Describe(*r);
}

// Soundness check of the verifier's speculative replay (verify.cc step 3-5):
// a ledger-stream record with a bad signature registers, speculatively, a key
// that the next records of the same chunk and of the next chunk (kChunkRecords
// = 2048) use. Once the verdicts are known, none of them may count.
TEST_F(AdversaryTest, ABadSignatureUndoesTheSpeculativeRegistryAcrossChunks) {
  const crypto::PrivateKey op = test::DemoKey("operator");
  std::vector<std::string> jws = RecordJws();  // the genesis
  constexpr uint64_t kBad = 2046;              // chunk 0 ends at position 2047
  uint64_t version = 1;
  auto reg = [&](const crypto::PrivateKey& key, const crypto::PrivateKey& by) {
    return SignedBy(Envelope("OperatorKeyRegistered", kLedgerStream, version++, "2026-11-26",
                             "operator", "operator", {{"public_key", Pub(key)}, {"holder", "h"}}),
                    by);
  };
  while (jws.size() < kBad) {
    jws.push_back(reg(*crypto::PrivateKey::Generate(), op));
  }
  const crypto::PrivateKey x = test::DemoKey("x-operator");
  const crypto::PrivateKey y = test::DemoKey("y-operator");
  const crypto::PrivateKey z = test::DemoKey("z-operator");
  std::string bad = reg(x, op);
  bad[bad.size() - 10] = bad[bad.size() - 10] == 'A' ? 'B' : 'A';  // the signature
  jws.push_back(bad);           // 2046: bad signature
  jws.push_back(reg(y, x));     // 2047: signed by the key 2046 would register
  jws.push_back(reg(z, y));     // 2048 (next chunk): signed by the key 2047 would register
  json::object conv = payloads_[0];
  conv["expected_version"] = 0;
  jws.push_back(SignedBy(conv, z));  // 2049: a convention registered by it
  VerifyOptions o = Pinned();
  o.threads = 2;
  VerifyResult r = Verify(MakeBundle(jws, *ledger_key_), o);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(FailureIn(r, kBad, kPropSignature, "does not verify")) << Describe(r);
  EXPECT_TRUE(FailureIn(r, kBad + 1, kPropSignature, "[key.unknown]")) << Describe(r);
  EXPECT_TRUE(FailureIn(r, kBad + 2, kPropSignature, "[key.unknown]")) << Describe(r);
  EXPECT_TRUE(FailureIn(r, kBad + 3, kPropSignature, "[key.unknown]")) << Describe(r);
  for (const auto* k : {&x, &y, &z}) {
    EXPECT_EQ(r.ledger.operators.count(k->public_key().Thumbprint()), 0u);
  }
  EXPECT_EQ(r.ledger.version, kBad);
  EXPECT_EQ(r.conventions.at(convention_).accepted, 0u);
}

// A source whose size is what a server claims: the records of `bundle`, then
// nothing, under a checkpoint the server chose (ServerSource takes its size
// from the checkpoint before anything verified it).
class ClaimingSource : public VerifySource {
 public:
  ClaimingSource(Bundle b, std::string checkpoint, uint64_t claimed)
      : b_(std::move(b)), checkpoint_(std::move(checkpoint)), claimed_(claimed) {}
  std::string Describe() const override { return "claiming source"; }
  uint64_t size() const override { return claimed_; }
  Result<std::string> checkpoint() const override { return checkpoint_; }
  std::string claimed_verifier_key() const override { return b_.verifier_key; }
  Status ForEachRecord(uint64_t from,
                       const std::function<Status(SourceRecord&&)>& fn) const override {
    for (uint64_t i = from; i < b_.records.size(); ++i) {
      SourceRecord r;
      r.position = i;
      r.leaf = b_.records[i].leaf;
      PARAPHE_RETURN_IF_ERROR(fn(std::move(r)));
    }
    return Status::Ok();
  }
  Result<std::vector<crypto::Hash>> ConsistencyProof(uint64_t, uint64_t) const override {
    return NotFound("none");
  }

 private:
  Bundle b_;
  std::string checkpoint_;
  uint64_t claimed_;
};

// A server (no key at all) claims a checkpoint of 2^40 records. The
// verifier sized its per-record buffer from that unverified claim before
// reading a record: the run died of std::bad_alloc instead of reporting
// the bad checkpoint. With the ledger key the claim even verifies.
TEST_F(AdversaryTest, AClaimedHugeTreeSizeIsReportedNotAllocated) {
  SubmitExamples(0, 2);
  const Bundle honest = MakeBundle(RecordJws(), *ledger_key_);
  constexpr uint64_t kClaimed = uint64_t{1} << 40;
  auto other = crypto::NoteSigner::Create(kOrigin, std::move(*crypto::PrivateKey::Generate()));
  for (const crypto::NoteSigner* by : {other.operator->(), ledger_key_.get()}) {
    const std::string cp =
        *by->Sign(crypto::Checkpoint{kOrigin, kClaimed, crypto::EmptyRoot(), {}}.Body());
    ClaimingSource src(honest, cp, kClaimed);
    Result<VerifyResult> r = Status::Ok();
    EXPECT_NO_THROW(r = VerifyLog(src, Pinned()));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_FALSE(r->ok());
    EXPECT_TRUE(FailureIn(*r, std::nullopt, kPropRoot, "could not be read")) << Describe(*r);
  }
}

}  // namespace
}  // namespace paraphe::ledger
