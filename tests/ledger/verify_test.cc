// Tests of the auditor's verifier (ledger/verify.h) and the export bundle
// (ledger/bundle.h): the untampered demo ledger passes, and each tampering of
// the catalogue is reported with the right seq and property.
#include "ledger/verify.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "crypto/base64.h"
#include "crypto/jws.h"
#include "crypto/merkle.h"
#include "crypto/note.h"
#include "ledger/bundle.h"
#include "ledger/domain/snapshot.h"
#include "ledger/internal/keys.h"
#include "ledger/record.h"
#include "tests/ledger/demo_history.h"
#include "tests/ledger/raw_db.h"
#include "tests/ledger/test_util.h"

namespace paraphe::ledger {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;

// 2026-11-26T12:00:00Z: after every business date of the example.
constexpr int64_t kNowMs = 1'795'694'400'000LL;
constexpr char kOrigin[] = "paraphe.test/verify";
// Records before the first submitted event: the genesis record at seq 0.
constexpr uint64_t kGenesis = 1;
// Events in the example history (test::ExamplePayloads()).
constexpr uint64_t kEvents = 14;
// Records in the log once the whole example is submitted.
constexpr uint64_t kRecords = kGenesis + kEvents;

using test::RawDb;

MATCHER_P2(FailureAt, seq, property, "") {
  return arg.seq == std::optional<uint64_t>(seq) && arg.property == property;
}
MATCHER_P(LogFailure, property, "") { return !arg.seq.has_value() && arg.property == property; }

std::string Describe(const VerifyResult& r) {
  std::string out;
  for (const auto& f : r.failures) {
    out += "  " + (f.seq ? std::to_string(*f.seq) : std::string("-")) + " " + f.property + ": " +
           f.detail + "\n";
  }
  return out;
}

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = test::TempDir("verify");
    dir_ = root_ / "data";
    payloads_ = test::ExamplePayloads();
    signer_ = std::make_unique<test::DemoSigner>(payloads_[0]);
    InitOptions io;
    io.origin = kOrigin;
    io.clock = [] { return kNowMs; };
    io.operator_key_pem = test::DemoKey("operator").ToPem();
    auto init = Ledger::Init(dir_, io);
    ASSERT_TRUE(init.ok()) << init.status().ToString();
    vkey_ = init->verifier_key;
  }
  void TearDown() override {
    ledger_.reset();
    fs::remove_all(root_);
  }

  void OpenLedger() {
    ledger_.reset();
    LedgerOptions o;
    o.clock = [] { return kNowMs; };
    o.sync = false;
    auto l = Ledger::Open(dir_, o);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    ledger_ = std::move(*l);
  }
  void CloseLedger() { ledger_.reset(); }

  std::string Signed(json::object p, size_t version) {
    p["expected_version"] = version;
    return signer_->Sign(p);
  }
  // Submits example events [from, to).
  void Submit(size_t from, size_t to) {
    if (!ledger_) OpenLedger();
    for (size_t i = from; i < to; ++i) {
      auto r = ledger_->Submit(Signed(payloads_[i], i));
      ASSERT_TRUE(r.ok()) << i << ": " << r.status().ToString();
    }
  }
  void SubmitAll() { Submit(0, payloads_.size()); }

  Bundle Export() {
    if (!ledger_) OpenLedger();
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
    o.threads = 3;
    return o;
  }
  VerifyResult VerifyBundle(const Bundle& b, VerifyOptions o) {
    auto src = MakeBundleSource(b, "bundle (test)");
    auto r = VerifyLog(*src, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : VerifyResult();
  }
  VerifyResult VerifyBundle(const Bundle& b) { return VerifyBundle(b, Pinned()); }
  VerifyResult VerifyDir(VerifyOptions o) {
    CloseLedger();
    auto src = OpenLedgerSource(dir_);
    EXPECT_TRUE(src.ok()) << src.status().ToString();
    if (!src.ok()) return VerifyResult();
    auto r = VerifyLog(**src, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : VerifyResult();
  }
  VerifyResult VerifyDir() { return VerifyDir(Pinned()); }

  // The real ledger key, as an attacker holding DIR/keys/ledger.pem has it.
  crypto::NoteSigner LedgerSigner() {
    auto key = crypto::PrivateKey::Load(dir_ / "keys" / "ledger.pem");
    EXPECT_TRUE(key.ok());
    return std::move(*crypto::NoteSigner::Create(kOrigin, std::move(*key)));
  }
  // Re-signs the bundle's checkpoint over its (tampered) records.
  static void Reseal(Bundle& b, const crypto::NoteSigner& signer) {
    crypto::MemoryTree tree;
    for (const auto& r : b.records) tree.AppendLeaf(r.leaf);
    crypto::Checkpoint cp{signer.name(), tree.size(), tree.Root(), {}};
    b.checkpoint = *signer.Sign(cp.Body());
    b.tree_size = tree.size();
  }
  // The JWS inside a bundle record.
  static std::string JwsOf(const BundleRecord& r) { return DecodeLeaf(r.leaf)->jws; }
  static json::object PayloadOf(const BundleRecord& r) {
    return json::parse(crypto::JwsParse(JwsOf(r))->payload).as_object();
  }
  static BundleRecord MakeRecord(uint64_t seq, std::string_view jws) {
    return BundleRecord{seq, kNowMs, EncodeLeaf(seq, kNowMs, jws)};
  }

  fs::path root_, dir_;
  std::string vkey_;
  std::vector<json::object> payloads_;
  std::unique_ptr<test::DemoSigner> signer_;
  std::unique_ptr<Ledger> ledger_;
};

// ------------------------------------------------------------- untampered

TEST_F(VerifyTest, UntamperedLedgerDirectoryPasses) {
  SubmitAll();
  VerifyResult r = VerifyDir();
  EXPECT_TRUE(r.ok()) << Describe(r);
  EXPECT_EQ(r.tree_size, kRecords);
  EXPECT_EQ(r.records, kRecords);
  EXPECT_EQ(r.signatures_checked, kRecords);  // the genesis is signed too
  EXPECT_EQ(r.events_replayed, kEvents);      // convention events only
  EXPECT_EQ(r.mode, "full");
  EXPECT_FALSE(r.trusted_from_data);
  EXPECT_EQ(r.origin, kOrigin);
  ASSERT_EQ(r.conventions.size(), 1u);
  const ConventionSummary& c = r.conventions.begin()->second;
  EXPECT_EQ(c.id, "metropole-amp-crpv-paca-2026");
  EXPECT_EQ(c.version, 14u);
  EXPECT_EQ(c.accepted, 14u);
  EXPECT_THAT(c.title, HasSubstr("Métropole"));
  json::object j = r.ToJson();
  EXPECT_EQ(j.at("ok").as_bool(), true);
  EXPECT_EQ(j.at("records").as_uint64(), kRecords);
  EXPECT_EQ(j.at("failures").as_array().size(), 0u);
}

TEST_F(VerifyTest, UntamperedBundlePassesOnEveryThreadCount) {
  SubmitAll();
  Bundle b = Export();
  ASSERT_EQ(b.records.size(), kRecords);
  for (unsigned threads : {1u, 2u, 8u}) {
    VerifyOptions o = Pinned();
    o.threads = threads;
    VerifyResult r = VerifyBundle(b, o);
    EXPECT_TRUE(r.ok()) << threads << "\n" << Describe(r);
    EXPECT_EQ(r.events_replayed, kEvents);
  }
}

TEST_F(VerifyTest, KeyFromDataIsFlagged) {
  SubmitAll();
  VerifyOptions o;
  VerifyResult r = VerifyBundle(Export(), o);
  EXPECT_TRUE(r.ok()) << Describe(r);
  EXPECT_TRUE(r.trusted_from_data);
  EXPECT_EQ(r.verifier_key, vkey_);
  EXPECT_THAT(r.notes, Contains(HasSubstr("--trusted-key")));
}

TEST_F(VerifyTest, ProgressReachesTheTotal) {
  SubmitAll();
  VerifyOptions o = Pinned();
  uint64_t last_done = 0, last_total = 0;
  o.progress = [&](uint64_t d, uint64_t t) { last_done = d, last_total = t; };
  VerifyResult r = VerifyBundle(Export(), o);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(last_done, kRecords);
  EXPECT_EQ(last_total, kRecords);
}

TEST_F(VerifyTest, MalformedTrustedKeyIsAnError) {
  SubmitAll();
  VerifyOptions o;
  o.trusted_vkey = "not a key";
  auto src = MakeBundleSource(Export(), "b");
  EXPECT_EQ(VerifyLog(*src, o).status().code(), StatusCode::kInvalidArgument);
}

// ----------------------------------------------------------------- bundle

// Bundles no longer list operator keys (the verifier builds them from the
// log's genesis and ledger stream): the header has exactly the v2 members.
TEST_F(VerifyTest, BundleRoundTripsWithExactlyTheV2HeaderMembers) {
  SubmitAll();
  std::stringstream ss;
  ASSERT_TRUE(WriteBundle(*MakeLedgerSource(*ledger_, "ledger"), ss).ok());
  std::string text = ss.str();
  std::string header = text.substr(0, text.find('\n'));
  json::object h = json::parse(header).as_object();
  std::vector<std::string> members;
  for (const auto& kv : h) members.emplace_back(kv.key());
  EXPECT_THAT(members, ::testing::UnorderedElementsAre("format", "origin", "verifier_key",
                                                       "checkpoint", "tree_size"));
  EXPECT_EQ(h.at("format").as_string(), kBundleFormat);
  EXPECT_EQ(std::string(kBundleFormat), "paraphe-bundle/v2");
  EXPECT_EQ(h.at("origin").as_string(), kOrigin);
  EXPECT_EQ(h.at("verifier_key").as_string(), vkey_);
  EXPECT_EQ(h.at("checkpoint").as_string(), *ledger_->Checkpoint());
  EXPECT_EQ(h.at("tree_size").to_number<uint64_t>(), kRecords);
  // No operator key anywhere in the header.
  EXPECT_THAT(header, ::testing::Not(HasSubstr(
                          crypto::Base64UrlEncode(test::DemoKey("operator").public_key().raw()))));
  auto b = ReadBundle(ss);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->origin, kOrigin);
  EXPECT_EQ(b->verifier_key, vkey_);
  EXPECT_EQ(b->tree_size, kRecords);
  ASSERT_EQ(b->records.size(), kRecords);
  for (uint64_t i = 0; i < kRecords; ++i) {
    EXPECT_EQ(b->records[i].seq, i);
    EXPECT_EQ(b->records[i].leaf, ledger_->Entry(i)->LeafBytes());
  }
  // Writing the parsed bundle back gives the same bytes.
  std::string again = BundleHeaderLine(*b);
  for (const auto& r : b->records) again += BundleRecordLine(r.seq, r.recorded_at_ms, r.leaf);
  EXPECT_EQ(again, text);
}

TEST_F(VerifyTest, ReadBundleIsStrictAndNamesTheLine) {
  SubmitAll();
  std::stringstream ss;
  ASSERT_TRUE(WriteBundle(*MakeLedgerSource(*ledger_, "ledger"), ss).ok());
  std::vector<std::string> lines;
  for (std::string l; std::getline(ss, l);) lines.push_back(l);
  auto read = [&](std::vector<std::string> ls) {
    std::string t;
    for (auto& l : ls) t += l + "\n";
    std::istringstream in(t);
    return ReadBundle(in);
  };
  ASSERT_TRUE(read(lines).ok());
  struct Case {
    size_t line;  // 0-based index to replace
    std::string text;
    std::string want;
  };
  std::vector<Case> cases = {
      {2, "{\"seq\":2,", "bundle line 3: not JSON"},
      {2, "[1,2]", "bundle line 3: not a JSON object"},
      {3, R"({"seq":3,"recorded_at_ms":1,"leaf":"AA==","x":1})", "bundle line 4: unknown member \"x\""},
      {3, R"({"seq":3,"recorded_at_ms":1})", "bundle line 4: missing member \"leaf\""},
      {4, R"({"seq":4,"recorded_at_ms":1,"leaf":"A"})", "bundle line 5: leaf:"},
      {4, R"({"seq":-4,"recorded_at_ms":1,"leaf":"AA=="})", "bundle line 5: \"seq\""},
      {5, "", "bundle line 6: blank line"},
      {0, R"({"format":"paraphe-bundle/v2"})", "bundle line 1: missing member"},
  };
  // The header with one member set to another value.
  auto header_with = [&](const char* member, json::value v) {
    json::object h = json::parse(lines[0]).as_object();
    h[member] = std::move(v);
    return json::serialize(h);
  };
  // A CRLF line end.
  cases.push_back({2, lines[2] + "\r", "bundle line 3: carriage return"});
  // A duplicated member: in a record line, and in the header.
  {
    std::string dup = lines[3];
    ASSERT_EQ(dup.rfind("{\"seq\":", 0), 0u) << dup;
    dup.insert(1, "\"seq\":99,");
    cases.push_back({3, dup, "bundle line 4: duplicate member \"seq\""});
    std::string hdup = lines[0];
    hdup.insert(1, "\"tree_size\":" + std::to_string(kRecords) + ",");
    cases.push_back({0, hdup, "bundle line 1: duplicate member \"tree_size\""});
  }
  // A header contradicting its checkpoint.
  cases.push_back({0, header_with("origin", "other.example/log"),
                   "bundle line 1: \"origin\" is \"other.example/log\" but the checkpoint's "
                   "origin is \"" + std::string(kOrigin) + "\""});
  cases.push_back({0, header_with("tree_size", kRecords - 1),
                   "bundle line 1: \"tree_size\" is " + std::to_string(kRecords - 1) +
                       " but the checkpoint's size is " + std::to_string(kRecords)});
  {
    // Another key under the same name: well-formed, but the checkpoint has
    // no signature line by it.
    auto other = crypto::NoteSigner::Create(kOrigin, std::move(*crypto::PrivateKey::Generate()));
    ASSERT_TRUE(other.ok());
    const std::string other_vkey = other->Verifier().VerifierKey();
    ASSERT_NE(other_vkey, vkey_);
    cases.push_back({0, header_with("verifier_key", json::string(other_vkey)),
                     "bundle line 1: the checkpoint carries no signature line by "
                     "\"verifier_key\" " + other_vkey});
  }
  // A version 1 header (it listed operator keys) is refused naming v1.
  {
    json::object v1 = json::parse(header_with("format", "paraphe-bundle/v1")).as_object();
    v1["operator_keys"] = json::array{};
    cases.push_back({0, json::serialize(v1),
                     "bundle line 1: format \"paraphe-bundle/v1\" (Paraphe 0.1"});
  }
  for (const Case& c : cases) {
    auto ls = lines;
    ls[c.line] = c.text;
    auto b = read(ls);
    ASSERT_FALSE(b.ok()) << c.text;
    EXPECT_EQ(b.status().code(), StatusCode::kInvalidArgument) << c.want;
    EXPECT_THAT(b.status().message(), HasSubstr(c.want));
  }

  // The last line without its final newline.
  {
    std::string t;
    for (const auto& l : lines) t += l + "\n";
    t.pop_back();
    std::istringstream in(t);
    auto b = ReadBundle(in);
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(b.status().message(),
                HasSubstr("bundle line " + std::to_string(lines.size()) +
                          ": the last line does not end with a newline"));
  }
  // A line over the limit (the limit + 1 bytes, no newline needed: the
  // reader stops at the limit), and one of exactly the limit, which is read
  // in full and refused for its content, not its length.
  {
    std::string t = lines[0] + "\n" + std::string(kMaxBundleLineBytes + 1, 'x');
    std::istringstream in(t);
    auto b = ReadBundle(in);
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(b.status().message(),
                HasSubstr("bundle line 2: longer than " + std::to_string(kMaxBundleLineBytes) +
                          " bytes"));
    t = lines[0] + "\n" + std::string(kMaxBundleLineBytes, 'x') + "\n";
    std::istringstream at_limit(t);
    auto c = ReadBundle(at_limit);
    ASSERT_FALSE(c.ok());
    EXPECT_THAT(c.status().message(), HasSubstr("bundle line 2: not JSON"));
  }
  std::istringstream empty("");
  EXPECT_EQ(ReadBundle(empty).status().code(), StatusCode::kInvalidArgument);
}

// ------------------------------------------------------- tamper catalogue

TEST_F(VerifyTest, FlippedByteInStoredRecordIsNamed) {
  SubmitAll();
  CloseLedger();
  {
    RawDb raw(dir_ / "db");
    std::string v = raw.Get(internal::kRecords, internal::SeqKey(7));
    v[v.size() - 3] ^= 0x01;  // inside the JWS signature
    raw.Put(internal::kRecords, internal::SeqKey(7), v);
  }
  VerifyResult r = VerifyDir();
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.failures, Contains(FailureAt(7u, kPropLeafHash))) << Describe(r);
  EXPECT_THAT(r.failures, Contains(FailureAt(7u, kPropSignature)));
  EXPECT_THAT(r.failures, Contains(LogFailure(kPropRoot)));
  for (const auto& f : r.failures) {
    if (f.seq) {
      EXPECT_GE(*f.seq, 7u) << Describe(r);  // nothing before it is blamed
    }
  }
}

TEST_F(VerifyTest, FlippedByteInBundleIsNamed) {
  SubmitAll();
  Bundle b = Export();
  std::string& leaf = b.records[7].leaf;
  // A character in the middle of the payload segment, to another letter.
  size_t dot = leaf.find('.', kLeafHeaderBytes);
  char& c = leaf[dot + 20];
  c = c == 'A' ? 'B' : 'A';
  VerifyResult r = VerifyBundle(b);
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.failures[0].seq, Optional(7u)) << Describe(r);
  EXPECT_THAT(r.failures, Contains(FailureAt(7u, kPropSignature))) << Describe(r);
  EXPECT_THAT(r.failures, Contains(LogFailure(kPropRoot)));
}

TEST_F(VerifyTest, PaymentAmountChangedAndResignedWithUnregisteredKey) {
  SubmitAll();
  Bundle b = Export();
  const uint64_t seq = kGenesis + 4;
  json::object p = PayloadOf(b.records[seq]);
  ASSERT_EQ(p.at("type").as_string(), "PaymentOrdered");
  p["data"].as_object()["amount_cents"] = 2000000000;
  auto rogue = crypto::PrivateKey::Generate();
  b.records[seq] = MakeRecord(seq, crypto::JwsSign(json::serialize(p), *rogue));
  Reseal(b, LedgerSigner());  // even with a genuine checkpoint
  VerifyResult r = VerifyBundle(b);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.failures[0], FailureAt(seq, kPropSignature)) << Describe(r);
  EXPECT_THAT(r.failures[0].detail, HasSubstr("key.unknown"));
  EXPECT_THAT(r.failures, ::testing::Not(Contains(LogFailure(kPropRoot))));
  EXPECT_THAT(r.failures, ::testing::Not(Contains(LogFailure(kPropCheckpointSignature))));
}

TEST_F(VerifyTest, RecordSignedWithARevokedKey) {
  SubmitAll();
  const std::string finance_kid = test::DemoKey("metropole-finance").public_key().Thumbprint();
  json::object revoke{{"type", "KeyRevoked"},
                      {"convention", "metropole-amp-crpv-paca-2026"},
                      {"date", "2026-11-02"},
                      {"actor", {{"party", "operator"}, {"role", "operator"}}},
                      {"data", {{"kid", finance_kid}, {"reason", "laptop stolen"}}}};
  auto rr = ledger_->Submit(Signed(revoke, 14));
  ASSERT_TRUE(rr.ok()) << rr.status().ToString();
  // The ledger itself refuses the revoked key...
  json::object suspend{{"type", "PaymentSuspended"},
                       {"convention", "metropole-amp-crpv-paca-2026"},
                       {"date", "2026-11-03"},
                       {"actor", {{"party", "metropole"}, {"role", "finance"}}},
                       {"data", {{"exercice", 2026}, {"mandat", "2026-004512"}, {"reason", "x"}}}};
  suspend["expected_version"] = 15;
  std::string jws = crypto::JwsSign(json::serialize(suspend), test::DemoKey("metropole-finance"));
  EXPECT_EQ(ledger_->Submit(jws).status().code(), StatusCode::kUnauthenticated);
  // ...so the attacker writes it straight into the bundle.
  Bundle b = Export();
  const uint64_t revoked_at = kRecords;  // the KeyRevoked record
  ASSERT_EQ(b.records.size(), revoked_at + 1);
  b.records.push_back(MakeRecord(revoked_at + 1, jws));
  Reseal(b, LedgerSigner());
  VerifyResult r = VerifyBundle(b);
  ASSERT_EQ(r.failures_total, 1u) << Describe(r);
  EXPECT_THAT(r.failures[0], FailureAt(revoked_at + 1, kPropSignature));
  EXPECT_THAT(r.failures[0].detail, HasSubstr("key.revoked"));
  EXPECT_THAT(r.failures[0].detail, HasSubstr("seq " + std::to_string(revoked_at)));
}

TEST_F(VerifyTest, DeletedRecordInDatabase) {
  SubmitAll();
  CloseLedger();
  { RawDb raw(dir_ / "db"); raw.Delete(internal::kRecords, internal::SeqKey(4)); }
  VerifyResult r = VerifyDir();
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.failures[0], FailureAt(4u, kPropSequenceGap)) << Describe(r);
  EXPECT_THAT(r.failures[0].detail, HasSubstr("record 4"));
  EXPECT_THAT(r.failures, Contains(LogFailure(kPropRoot)));
  // The next event of the convention cannot follow the gap.
  EXPECT_THAT(r.failures, Contains(FailureAt(5u, kPropIndex)));
}

TEST_F(VerifyTest, DeletedRecordInBundle) {
  SubmitAll();
  Bundle b = Export();
  b.records.erase(b.records.begin() + 4);
  VerifyResult r = VerifyBundle(b);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.failures[0], FailureAt(4u, kPropSequenceGap)) << Describe(r);
  EXPECT_THAT(r.failures[0].detail, HasSubstr("1 record(s) missing"));
  EXPECT_THAT(r.failures, Contains(FailureAt(4u, kPropIndex)));
  EXPECT_THAT(r.failures, Contains(LogFailure(kPropRoot)));
  // One gap, reported once.
  EXPECT_EQ(std::count_if(r.failures.begin(), r.failures.end(),
                          [](const VerifyFailure& f) { return f.property == kPropSequenceGap; }),
            1);
}

TEST_F(VerifyTest, SwappedRecordsInBundle) {
  SubmitAll();
  Bundle b = Export();
  std::swap(b.records[3], b.records[4]);
  Reseal(b, LedgerSigner());  // even re-signed, positions are in the leaves
  VerifyResult r = VerifyBundle(b);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.failures[0], FailureAt(3u, kPropSequenceGap)) << Describe(r);
  EXPECT_THAT(r.failures, Contains(FailureAt(4u, kPropSequenceGap)));
  EXPECT_THAT(r.failures, Contains(FailureAt(3u, kPropIndex)));
}

TEST_F(VerifyTest, TruncatedBundle) {
  SubmitAll();
  Bundle b = Export();
  b.records.resize(11);
  VerifyResult r = VerifyBundle(b);
  ASSERT_EQ(r.failures_total, 1u) << Describe(r);
  EXPECT_THAT(r.failures[0], LogFailure(kPropRoot));
  EXPECT_THAT(r.failures[0].detail,
              HasSubstr("covers " + std::to_string(kRecords) + " records but the source holds 11"));
}

TEST_F(VerifyTest, CheckpointSignedByAnotherKey) {
  SubmitAll();
  Bundle b = Export();
  auto other = crypto::NoteSigner::Create(kOrigin, std::move(*crypto::PrivateKey::Generate()));
  Reseal(b, *other);
  b.verifier_key = other->Verifier().VerifierKey();  // the data lies about its key
  VerifyResult r = VerifyBundle(b);
  ASSERT_EQ(r.failures_total, 1u) << Describe(r);
  EXPECT_THAT(r.failures[0], LogFailure(kPropCheckpointSignature));
  // Without a pinned key the forgery is no longer self-consistent: the
  // genesis record, signed by the operator key, names the real ledger key,
  // and the result still says which key it trusted and that it came from
  // the data.
  VerifyResult unpinned = VerifyBundle(b, VerifyOptions());
  EXPECT_TRUE(unpinned.trusted_from_data);
  EXPECT_EQ(unpinned.verifier_key, b.verifier_key);
  ASSERT_EQ(unpinned.failures_total, 1u) << Describe(unpinned);
  EXPECT_THAT(unpinned.failures[0], FailureAt(0u, kPropGenesis));
  EXPECT_THAT(unpinned.failures[0].detail,
              AllOf(HasSubstr("genesis names verifier key " + vkey_),
                    HasSubstr("verified with " + b.verifier_key)));
}

TEST_F(VerifyTest, ForbiddenSecondPaymentWithValidSignatureInBundle) {
  SubmitAll();
  Bundle b = Export();
  json::object p = PayloadOf(b.records[kGenesis + 4]);
  ASSERT_EQ(p.at("type").as_string(), "PaymentOrdered");
  p["data"].as_object()["mandat"] = "2026-009999";
  p["date"] = "2026-10-25";
  std::string jws = Signed(p, kEvents);
  b.records.push_back(MakeRecord(kRecords, jws));
  Reseal(b, LedgerSigner());
  VerifyResult r = VerifyBundle(b);
  ASSERT_EQ(r.failures_total, 1u) << Describe(r);
  EXPECT_THAT(r.failures[0], FailureAt(kRecords, "rule:payment.twice"));
  EXPECT_EQ(r.failures[0].convention, "metropole-amp-crpv-paca-2026");
}

TEST_F(VerifyTest, ForbiddenSecondPaymentWrittenIntoTheDatabase) {
  SubmitAll();
  json::object p = payloads_[4];
  p["data"].as_object()["mandat"] = "2026-009999";
  p["date"] = "2026-10-25";
  Record rec{kRecords, kNowMs, "metropole-amp-crpv-paca-2026", kEvents + 1,
             Signed(p, kEvents)};
  // Tree over every leaf and the forged one, sealed with the real ledger key.
  crypto::MemoryTree tree;
  for (uint64_t i = 0; i < kRecords; ++i) tree.AppendLeaf(ledger_->Entry(i)->LeafBytes());
  tree.AppendLeaf(rec.LeafBytes());
  CloseLedger();
  {
    RawDb raw(dir_ / "db");
    raw.Put(internal::kRecords, internal::SeqKey(kRecords), EncodeStoredRecord(rec));
    crypto::Checkpoint cp{kOrigin, kRecords + 1, tree.Root(), {}};
    raw.Put(internal::kCheckpoints, internal::SeqKey(kRecords + 1),
            *LedgerSigner().Sign(cp.Body()));
  }
  VerifyResult r = VerifyDir();
  ASSERT_EQ(r.failures_total, 1u) << Describe(r);
  EXPECT_THAT(r.failures[0], FailureAt(kRecords, "rule:payment.twice"));
}

// ------------------------------------------------------- incremental audit

TEST_F(VerifyTest, IncrementalAuditResumesFromTheSavedState) {
  Submit(0, 8);
  const fs::path state = root_ / "audit.json";
  VerifyOptions o = Pinned();
  o.save_state = state;
  VerifyResult first = VerifyDir(o);
  ASSERT_TRUE(first.ok()) << Describe(first);
  ASSERT_EQ(first.saved_state, std::optional<fs::path>(state));

  Submit(8, 14);
  VerifyOptions o2 = Pinned();
  o2.since = state;
  o2.save_state = state;  // roll forward
  VerifyResult second = VerifyDir(o2);
  EXPECT_TRUE(second.ok()) << Describe(second);
  EXPECT_EQ(second.mode, "incremental");
  EXPECT_EQ(second.since_size, std::optional<uint64_t>(kGenesis + 8));
  EXPECT_EQ(second.start, kGenesis + 8);
  EXPECT_EQ(second.records, 6u);
  EXPECT_EQ(second.events_replayed, 6u);
  EXPECT_EQ(second.conventions.begin()->second.version, 14u);

  // Nothing new: zero records, still every check on the checkpoint.
  VerifyResult third = VerifyDir(o2);
  EXPECT_TRUE(third.ok()) << Describe(third);
  EXPECT_EQ(third.records, 0u);
  EXPECT_EQ(third.since_size, std::optional<uint64_t>(kRecords));

  // The saved state equals a full replay.
  auto st = DecodeAuditState(test::ReadText(state));
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(st->tree_size, kRecords);
  OpenLedger();
  auto full = ledger_->State("metropole-amp-crpv-paca-2026");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(st->snapshots.at("metropole-amp-crpv-paca-2026"), EncodeSnapshot(*full));
}

TEST_F(VerifyTest, BareCheckpointSinceReplaysEverything) {
  Submit(0, 8);
  OpenLedger();
  const fs::path cp = root_ / "cp.txt";
  {
    std::ofstream(cp) << *ledger_->Checkpoint();
  }
  Submit(8, 14);
  VerifyOptions o = Pinned();
  o.since = cp;
  VerifyResult r = VerifyDir(o);
  EXPECT_TRUE(r.ok()) << Describe(r);
  EXPECT_EQ(r.mode, "full_after_checkpoint");
  EXPECT_EQ(r.records, kRecords);
  EXPECT_THAT(r.notes, Contains(HasSubstr("bare checkpoint")));
}

TEST_F(VerifyTest, DirectoryRolledBackToAnEarlierCopy) {
  Submit(0, 10);
  CloseLedger();
  const fs::path copy = root_ / "copy";
  fs::copy(dir_, copy, fs::copy_options::recursive);
  Submit(10, 14);
  const fs::path state = root_ / "audit.json";
  VerifyOptions o = Pinned();
  o.save_state = state;
  ASSERT_TRUE(VerifyDir(o).ok());
  // Roll the whole directory back.
  fs::remove_all(dir_);
  fs::rename(copy, dir_);
  VerifyResult plain = VerifyDir();
  EXPECT_TRUE(plain.ok()) << "an earlier copy is internally consistent";
  VerifyOptions since = Pinned();
  since.since = state;
  since.save_state = state;
  VerifyResult r = VerifyDir(since);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.failures[0], LogFailure(kPropConsistency)) << Describe(r);
  EXPECT_THAT(r.failures[0].detail, HasSubstr("rollback"));
  EXPECT_THAT(r.notes, Contains(HasSubstr("NOT saved")));
  // The state file still holds the good audit.
  EXPECT_EQ(DecodeAuditState(test::ReadText(state))->tree_size, kRecords);
}

TEST_F(VerifyTest, TruncatedDatabaseWithItsCheckpointIsARollback) {
  SubmitAll();
  const fs::path state = root_ / "audit.json";
  VerifyOptions o = Pinned();
  o.save_state = state;
  ASSERT_TRUE(VerifyDir(o).ok());
  {
    RawDb raw(dir_ / "db");
    raw.Delete(internal::kRecords, internal::SeqKey(kRecords - 1));  // the last record
    raw.Delete(internal::kCheckpoints, internal::SeqKey(kRecords));
  }
  VerifyOptions since = Pinned();
  since.since = state;
  VerifyResult r = VerifyDir(since);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.failures, Contains(LogFailure(kPropConsistency))) << Describe(r);
  EXPECT_EQ(r.tree_size, kRecords - 1);
}

TEST_F(VerifyTest, ForkOfTheSameSizeSignedByTheRealKey) {
  SubmitAll();
  Bundle b = Export();
  const fs::path state = root_ / "audit.json";
  VerifyOptions o = Pinned();
  o.save_state = state;
  ASSERT_TRUE(VerifyBundle(b, o).ok());
  // Another last event, validly signed by its party, sealed by the ledger key.
  const uint64_t last = kRecords - 1;
  json::object p = PayloadOf(b.records[last]);
  p["date"] = "2026-10-23";  // the same settlement, another day
  b.records[last] = MakeRecord(last, Signed(p, kEvents - 1));
  Reseal(b, LedgerSigner());
  VerifyResult alone = VerifyBundle(b);
  EXPECT_TRUE(alone.ok()) << "a fork is internally consistent:\n" << Describe(alone);
  VerifyOptions since = Pinned();
  since.since = state;
  VerifyResult r = VerifyBundle(b, since);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.failures[0], LogFailure(kPropConsistency)) << Describe(r);
  EXPECT_EQ(r.mode, "full");
}

TEST_F(VerifyTest, SinceCheckpointSignedByAnotherKeyIsRefused) {
  SubmitAll();
  auto other = crypto::NoteSigner::Create(kOrigin, std::move(*crypto::PrivateKey::Generate()));
  const fs::path cp = root_ / "cp.txt";
  std::ofstream(cp) << *other->Sign(crypto::Checkpoint{kOrigin, 3, crypto::EmptyRoot(), {}}.Body());
  VerifyOptions o = Pinned();
  o.since = cp;
  auto src = MakeBundleSource(Export(), "b");
  EXPECT_EQ(VerifyLog(*src, o).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(VerifyTest, AuditStateRoundTrips) {
  AuditState s;
  s.origin = kOrigin;
  s.verifier_key = vkey_;
  s.checkpoint = "note\n";
  s.tree_size = 5;
  s.root = crypto::Sha256("r");
  s.frontier = {crypto::Sha256("a"), crypto::Sha256("b")};
  s.last_recorded_at_ms = kNowMs;
  s.ledger.version = 2;
  s.ledger.origin = kOrigin;
  s.ledger.verifier_key = vkey_;
  s.ledger.genesis_kid = test::DemoKey("operator").public_key().Thumbprint();
  s.ledger.operators[s.ledger.genesis_kid] =
      OperatorKey{test::DemoKey("operator").public_key(), "genesis", 0, 1, "rotated"};
  s.snapshots["c"] = std::string("\x00\x01snap", 6);
  auto back = DecodeAuditState(EncodeAuditState(s));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->frontier, s.frontier);
  EXPECT_EQ(back->snapshots, s.snapshots);
  EXPECT_EQ(back->ledger, s.ledger);
  EXPECT_EQ(back->root, s.root);
  EXPECT_EQ(DecodeAuditState("{}").status().code(), StatusCode::kInvalidArgument);
}

// ------------------------------------------------------------ many records

// 200 conventions, their events interleaved (2800 records: two chunks), one
// forged signature in the second chunk: the parallel path and its replay
// after a bad signature give the same answer as one thread.
TEST(VerifyManyTest, InterleavedConventionsAcrossChunks) {
  auto payloads = test::ExamplePayloads();
  test::DemoSigner signer(payloads[0]);
  auto ledger_key = crypto::NoteSigner::Create(kOrigin, std::move(*crypto::PrivateKey::Generate()));
  Bundle b;
  b.origin = kOrigin;
  b.verifier_key = ledger_key->Verifier().VerifierKey();
  const std::string genesis =
      SignGenesis(test::DemoKey("operator"), kOrigin, b.verifier_key, kNowMs);
  b.records.push_back({0, kNowMs, EncodeLeaf(0, kNowMs, genesis)});
  constexpr int kConventions = 200;
  const uint64_t forged = 14 * kConventions - 100;
  for (size_t i = 0; i < payloads.size(); ++i) {
    for (int c = 0; c < kConventions; ++c) {
      json::object p = payloads[i];
      p["convention"] = "conv-" + std::to_string(c);
      p["expected_version"] = i;
      uint64_t seq = b.records.size();
      std::string jws = signer.Sign(p);
      if (seq == forged) jws[jws.size() - 10] = jws[jws.size() - 10] == 'A' ? 'B' : 'A';
      b.records.push_back({seq, kNowMs, EncodeLeaf(seq, kNowMs, jws)});
    }
  }
  crypto::MemoryTree tree;
  for (const auto& r : b.records) tree.AppendLeaf(r.leaf);
  b.tree_size = tree.size();
  b.checkpoint = *ledger_key->Sign(crypto::Checkpoint{kOrigin, tree.size(), tree.Root(), {}}.Body());

  std::vector<std::string> answers;
  for (unsigned threads : {1u, 4u}) {
    VerifyOptions o;
    o.trusted_vkey = b.verifier_key;
    o.threads = threads;
    auto src = MakeBundleSource(b, "many");
    auto r = VerifyLog(*src, o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->records, 2801u);
    ASSERT_GE(r->failures_total, 1u);
    EXPECT_THAT(r->failures[0], FailureAt(forged, kPropSignature)) << Describe(*r);
    EXPECT_EQ(r->conventions.size(), 200u);
    EXPECT_EQ(r->conventions.at("conv-0").version, 14u);
    answers.push_back(Describe(*r) + std::to_string(r->events_replayed));
    std::cout << threads << " thread(s): " << static_cast<uint64_t>(r->records_per_second)
              << " records/s\n";
  }
  EXPECT_EQ(answers[0], answers[1]);
}

// ------------------------------------------------------------------ report

TEST_F(VerifyTest, HtmlReportShowsIdentityTimelinePaymentsAndVerdict) {
  SubmitAll();
  VerifyOptions o = Pinned();
  o.collect_details = true;
  VerifyResult r = VerifyBundle(Export(), o);
  ASSERT_TRUE(r.ok());
  const ConventionSummary& c = r.conventions.begin()->second;
  ASSERT_EQ(c.timeline.size(), 14u);
  EXPECT_EQ(c.timeline[4].type, "PaymentOrdered");
  EXPECT_EQ(c.timeline[4].date, "2026-03-05");
  EXPECT_EQ(c.timeline[4].recording_lag_days, 266);  // recorded 2026-11-26
  std::string html = RenderVerifyReportHtml(r);
  EXPECT_THAT(html, HasSubstr("<th>lag (days)</th>"));
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("VERIFIED"));
  EXPECT_THAT(html, HasSubstr(kOrigin));
  EXPECT_THAT(html, HasSubstr("PaymentExecuted"));
  EXPECT_THAT(html, HasSubstr("BDF-20260312-778201"));
  EXPECT_THAT(html, HasSubstr("200\u202f000,00 €"));
  EXPECT_THAT(html, HasSubstr("LRAR-2026-CRPV-001"));
  EXPECT_THAT(html, ::testing::Not(HasSubstr("<script")));
  EXPECT_THAT(html, ::testing::Not(HasSubstr("http")));  // self-contained
}

}  // namespace
}  // namespace paraphe::ledger
