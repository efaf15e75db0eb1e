// Tests of the signed Merkle log on RocksDB (ledger/log.h).
#include "ledger/log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <atomic>
#include <filesystem>
#include <latch>
#include <random>
#include <thread>

#include "crypto/merkle.h"
#include "crypto/note.h"
#include "ledger/internal/keys.h"
#include "tests/ledger/raw_db.h"
#include "tests/ledger/test_util.h"

namespace paraphe::ledger {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::TempDir("log");
    auto key = crypto::PrivateKey::Generate();
    ASSERT_TRUE(key.ok());
    signer_pem_ = key->ToPem();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  LogOptions Options() {
    LogOptions o;
    o.create_if_missing = true;
    auto key = crypto::PrivateKey::FromPem(signer_pem_);
    auto signer = crypto::NoteSigner::Create("test.example/log", std::move(*key));
    o.signer.emplace(std::move(*signer));
    o.clock = [this] { return clock_ms_.load(); };
    return o;
  }

  std::unique_ptr<Log> OpenLog(LogOptions o) {
    auto log = Log::Open(dir_ / "db", std::move(o));
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? std::move(*log) : nullptr;
  }
  std::unique_ptr<Log> OpenLog() { return OpenLog(Options()); }

  static AppendRequest Req(std::string jws, std::string stream, uint64_t expected) {
    AppendRequest r;
    r.jws = std::move(jws);
    r.stream = std::move(stream);
    r.expected_version = expected;
    return r;
  }

  // Appends n records to stream "s" one by one.
  void Fill(Log& log, int n, const std::string& stream = "s") {
    for (int i = 0; i < n; ++i) {
      auto r = log.Append(Req("event-" + stream + "-" + std::to_string(i), stream,
                              log.StreamVersion(stream)));
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
  }

  fs::path dir_;
  std::string signer_pem_;
  std::atomic<int64_t> clock_ms_{1'780'000'000'000};
};

TEST_F(LogTest, AppendAssignsSeqVersionTimeAndSignsCheckpoint) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->size(), 0u);
  auto r1 = log->Append(Req("jws-one", "conv-1", 0));
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  EXPECT_EQ(r1->seq, 0u);
  EXPECT_EQ(r1->version, 1u);
  EXPECT_EQ(r1->stream, "conv-1");
  EXPECT_EQ(r1->recorded_at_ms, clock_ms_.load());
  EXPECT_EQ(r1->tree_size, 1u);
  EXPECT_FALSE(r1->duplicate);
  EXPECT_EQ(r1->leaf_hash, crypto::LeafHash(EncodeLeaf(0, clock_ms_.load(), "jws-one")));

  auto r2 = log->Append(Req("jws-two", "conv-2", 0));
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->seq, 1u);
  EXPECT_EQ(r2->version, 1u);

  // The checkpoint verifies with the ledger key and names the root of both.
  auto verifier = crypto::NoteVerifier::FromVerifierKey(log->verifier_key());
  ASSERT_TRUE(verifier.ok());
  auto body = verifier->Open(r2->checkpoint);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  auto cp = crypto::Checkpoint::Parse(*body);
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(cp->origin, "test.example/log");
  EXPECT_EQ(cp->size, 2u);
  EXPECT_EQ(cp->root, crypto::NodeHash(r1->leaf_hash, r2->leaf_hash));
  EXPECT_EQ(*log->Checkpoint(), r2->checkpoint);
  EXPECT_EQ(*log->CheckpointAt(1), r1->checkpoint);

  auto rec = log->Get(1);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->jws, "jws-two");
  EXPECT_EQ(rec->stream, "conv-2");
  EXPECT_EQ(log->Get(2).status().code(), StatusCode::kNotFound);
}

TEST_F(LogTest, EmptyLogHasSignedEmptyCheckpoint) {
  auto log = OpenLog();
  auto verifier = crypto::NoteVerifier::FromVerifierKey(log->verifier_key());
  auto body = verifier->Open(*log->Checkpoint());
  ASSERT_TRUE(body.ok());
  auto cp = crypto::Checkpoint::Parse(*body);
  EXPECT_EQ(cp->size, 0u);
  EXPECT_EQ(cp->root, crypto::EmptyRoot());
}

TEST_F(LogTest, WrongExpectedVersionIsConflictNamingCurrentVersion) {
  auto log = OpenLog();
  Fill(*log, 3, "c");
  auto r = log->Append(Req("late", "c", 1));
  EXPECT_EQ(r.status().code(), StatusCode::kConflict);
  EXPECT_EQ(r.status().rule(), "version.conflict");
  EXPECT_THAT(r.status().message(), HasSubstr("current version is 3"));
  EXPECT_EQ(log->size(), 3u);
  auto ahead = log->Append(Req("ahead", "c", 7));
  EXPECT_EQ(ahead.status().code(), StatusCode::kConflict);
}

TEST_F(LogTest, SameBytesTwiceReturnOriginalReceipt) {
  auto log = OpenLog();
  auto first = log->Append(Req("same-bytes", "c", 0));
  ASSERT_TRUE(first.ok());
  Fill(*log, 2, "other");
  // Stale expected version: idempotency wins over the version check.
  auto again = log->Append(Req("same-bytes", "c", 0));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->seq, first->seq);
  EXPECT_EQ(again->version, first->version);
  EXPECT_EQ(again->leaf_hash, first->leaf_hash);
  EXPECT_EQ(again->recorded_at_ms, first->recorded_at_ms);
  EXPECT_EQ(log->size(), 3u);
  EXPECT_EQ(log->stats().duplicates, 1u);
}

TEST_F(LogTest, DuplicateInsideOneBatchGetsTheSameReceipt) {
  auto log = OpenLog();
  std::latch go(1);
  std::atomic<int> blocked{0};
  // Block the writer on the first append so the next ones queue up.
  AppendRequest gate = Req("gate", "g", 0);
  gate.check = [&](uint64_t, int64_t) {
    ++blocked;
    go.wait();
    return Status::Ok();
  };
  std::vector<Result<Receipt>> results;
  std::mutex mu;
  std::latch done(3);
  auto cb = [&](Result<Receipt> r) {
    std::lock_guard<std::mutex> l(mu);
    results.push_back(std::move(r));
    done.count_down();
  };
  ASSERT_TRUE(log->AppendAsync(std::move(gate), cb).ok());
  while (blocked.load() == 0) std::this_thread::yield();
  ASSERT_TRUE(log->AppendAsync(Req("twin", "t", 0), cb).ok());
  ASSERT_TRUE(log->AppendAsync(Req("twin", "t", 0), cb).ok());
  go.count_down();
  done.wait();
  ASSERT_EQ(results.size(), 3u);
  int dups = 0;
  for (auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (r->duplicate) {
      ++dups;
      EXPECT_EQ(r->seq, 1u);
    }
  }
  EXPECT_EQ(dups, 1);
  EXPECT_EQ(log->size(), 2u);
}

TEST_F(LogTest, ReopenKeepsEverythingAndContinues) {
  crypto::Hash root_before;
  {
    auto log = OpenLog();
    Fill(*log, 10, "a");
    Fill(*log, 5, "b");
    root_before = *log->Root(15);
  }
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->size(), 15u);
  EXPECT_EQ(*log->Root(15), root_before);
  EXPECT_EQ(log->StreamVersion("a"), 10u);
  EXPECT_EQ(log->StreamVersion("b"), 5u);
  EXPECT_THAT(log->Streams(), ::testing::ElementsAre("a", "b"));
  auto r = log->Append(Req("after-reopen", "a", 10));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->seq, 15u);
  EXPECT_EQ(r->version, 11u);
  auto stream = log->Stream("a");
  ASSERT_TRUE(stream.ok());
  ASSERT_EQ(stream->size(), 11u);
  EXPECT_EQ(stream->back().jws, "after-reopen");
  for (size_t i = 0; i < stream->size(); ++i) EXPECT_EQ((*stream)[i].version, i + 1);
}

TEST_F(LogTest, RecordingTimeNeverGoesBackwards) {
  auto log = OpenLog();
  auto a = log->Append(Req("a", "s", 0));
  clock_ms_ -= 60'000;  // the system clock stepped back
  auto b = log->Append(Req("b", "s", 1));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(b->recorded_at_ms, a->recorded_at_ms);
}

TEST_F(LogTest, CheckHookRejectionWritesNothing) {
  auto log = OpenLog();
  AppendRequest r = Req("refused", "s", 0);
  r.check = [](uint64_t seq, int64_t) {
    EXPECT_EQ(seq, 0u);
    return RuleViolation("test.refused", "refused by the hook");
  };
  auto res = log->Append(std::move(r));
  EXPECT_EQ(res.status().code(), StatusCode::kRuleViolation);
  EXPECT_EQ(res.status().rule(), "test.refused");
  EXPECT_EQ(log->size(), 0u);
  // The same bytes may be appended later: a refusal is not remembered.
  auto ok = log->Append(Req("refused", "s", 0));
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(ok->duplicate);
  EXPECT_EQ(ok->seq, 0u);
}

TEST_F(LogTest, FullQueueIsUnavailable) {
  LogOptions o = Options();
  o.queue_capacity = 4;
  o.max_batch = 1;
  auto log = OpenLog(std::move(o));
  std::latch go(1);
  std::atomic<bool> blocked{false};
  AppendRequest gate = Req("gate", "g", 0);
  gate.check = [&](uint64_t, int64_t) {
    blocked = true;
    go.wait();
    return Status::Ok();
  };
  std::atomic<int> completed{0};
  auto cb = [&](Result<Receipt>) { ++completed; };
  ASSERT_TRUE(log->AppendAsync(std::move(gate), cb).ok());
  while (!blocked) std::this_thread::yield();
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(log->AppendAsync(Req("q" + std::to_string(i), "q", 0), cb).ok());
  }
  Status full = log->AppendAsync(Req("one-too-many", "q", 0), cb);
  EXPECT_EQ(full.code(), StatusCode::kUnavailable);
  EXPECT_THAT(full.message(), HasSubstr("queue is full"));
  go.count_down();
  while (completed.load() < 5) std::this_thread::yield();
}

TEST_F(LogTest, InvalidStreamIdIsRejected) {
  auto log = OpenLog();
  EXPECT_EQ(log->Append(Req("x", "", 0)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log->Append(Req("x", std::string("a\0b", 3), 0)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(log->Append(Req("x", "has space", 0)).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(LogTest, ConcurrentAppendersExactlyOneWinsEachVersion) {
  auto log = OpenLog();
  constexpr int kThreads = 8;
  constexpr int kVersions = 40;
  std::vector<std::vector<uint64_t>> won(kThreads);
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (;;) {
        uint64_t v = log->StreamVersion("race");
        if (v >= kVersions) return;
        auto r = log->Append(Req("t" + std::to_string(t) + "-v" + std::to_string(v), "race", v));
        if (r.ok()) {
          EXPECT_EQ(r->version, v + 1);
          won[t].push_back(r->version);
        } else {
          EXPECT_EQ(r.status().code(), StatusCode::kConflict) << r.status().ToString();
          ++conflicts;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<uint64_t> all;
  for (auto& w : won) all.insert(all.end(), w.begin(), w.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), static_cast<size_t>(kVersions));
  for (int i = 0; i < kVersions; ++i) EXPECT_EQ(all[i], static_cast<uint64_t>(i + 1));
  EXPECT_EQ(log->size(), static_cast<uint64_t>(kVersions));
  auto stream = log->Stream("race");
  ASSERT_TRUE(stream.ok());
  EXPECT_EQ(stream->size(), static_cast<size_t>(kVersions));
}

TEST_F(LogTest, GroupCommitPutsManyAppendsInOneBatch) {
  auto log = OpenLog();
  constexpr int kThreads = 16, kEach = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string stream = "s" + std::to_string(t);
      for (int i = 0; i < kEach; ++i) {
        auto r = log->Append(Req(stream + "-" + std::to_string(i), stream, i));
        ASSERT_TRUE(r.ok()) << r.status().ToString();
      }
    });
  }
  for (auto& th : threads) th.join();
  auto stats = log->stats();
  EXPECT_EQ(stats.appends, static_cast<uint64_t>(kThreads * kEach));
  EXPECT_LT(stats.batches, stats.appends);  // some batch held more than one
  EXPECT_EQ(log->size(), static_cast<uint64_t>(kThreads * kEach));
}

TEST_F(LogTest, ProofsAtEverySizeOfA1000LeafLogVerify) {
  auto log = OpenLog();
  crypto::MemoryTree reference;
  std::vector<crypto::Hash> roots{crypto::EmptyRoot()};
  for (int i = 0; i < 1000; ++i) {
    auto r = log->Append(Req("leaf-" + std::to_string(i), "p", i));
    ASSERT_TRUE(r.ok());
    reference.Append(r->leaf_hash);
    roots.push_back(reference.Root());
  }
  std::mt19937_64 rng(42);
  for (uint64_t n = 1; n <= 1000; ++n) {
    ASSERT_EQ(*log->Root(n), roots[n]) << n;
    for (uint64_t i : {uint64_t{0}, n - 1, rng() % n}) {
      auto proof = log->InclusionProof(i, n);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      auto rec = log->Get(i);
      EXPECT_TRUE(crypto::VerifyInclusion(i, n, rec->LeafHash(), *proof, roots[n]).ok())
          << i << "/" << n;
    }
    for (uint64_t m : {uint64_t{1}, n - 1, rng() % (n + 1)}) {
      if (m > n) continue;
      auto proof = log->ConsistencyProof(m, n);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(crypto::VerifyConsistency(m, n, roots[m], roots[n], *proof).ok())
          << m << "->" << n;
    }
  }
  EXPECT_EQ(log->InclusionProof(1000, 1000).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log->InclusionProof(0, 1001).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log->ConsistencyProof(5, 4).status().code(), StatusCode::kInvalidArgument);
}

using test::RawDb;

TEST_F(LogTest, FlippedByteInStoredRecordFailsOpenNamingTheSeq) {
  { auto log = OpenLog(); Fill(*log, 20); }
  {
    RawDb raw(dir_ / "db");
    std::string v = raw.Get(internal::kRecords, internal::SeqKey(7));
    v[v.size() - 3] ^= 0x01;  // inside the JWS bytes
    raw.Put(internal::kRecords, internal::SeqKey(7), v);
  }
  auto reopened = Log::Open(dir_ / "db", Options());
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(reopened.status().message(), HasSubstr("seq 7"));
}

TEST_F(LogTest, DeletedRecordFailsOpenNamingTheSeq) {
  { auto log = OpenLog(); Fill(*log, 20); }
  { RawDb raw(dir_ / "db"); raw.Delete(internal::kRecords, internal::SeqKey(4)); }
  auto reopened = Log::Open(dir_ / "db", Options());
  EXPECT_EQ(reopened.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(reopened.status().message(), HasSubstr("4"));
}

TEST_F(LogTest, TamperedInnerNodeFailsOpen) {
  { auto log = OpenLog(); Fill(*log, 16); }
  {
    RawDb raw(dir_ / "db");
    raw.Put(internal::kNodes, internal::NodeKey(2, 1), std::string(32, 'x'));
  }
  auto reopened = Log::Open(dir_ / "db", Options());
  EXPECT_EQ(reopened.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(reopened.status().message(), HasSubstr("(2, 1)"));
}

TEST_F(LogTest, TruncatedLogFailsOpenAgainstCheckpoint) {
  { auto log = OpenLog(); Fill(*log, 10); }
  { RawDb raw(dir_ / "db"); raw.Delete(internal::kRecords, internal::SeqKey(9)); }
  auto reopened = Log::Open(dir_ / "db", Options());
  EXPECT_EQ(reopened.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(reopened.status().message(), HasSubstr("seq 9"));
}

TEST_F(LogTest, CheckpointSignedByAnotherKeyFailsOpen) {
  { auto log = OpenLog(); Fill(*log, 3); }
  {
    auto other = crypto::PrivateKey::Generate();
    auto signer = crypto::NoteSigner::Create("test.example/log", std::move(*other));
    RawDb raw(dir_ / "db");
    std::string note = raw.Get(internal::kCheckpoints, internal::SeqKey(3));
    auto parsed = crypto::ParseNote(note);
    raw.Put(internal::kCheckpoints, internal::SeqKey(3), *signer->Sign(parsed->text));
  }
  auto reopened = Log::Open(dir_ / "db", Options());
  EXPECT_EQ(reopened.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(reopened.status().message(), HasSubstr("checkpoint"));
}

TEST_F(LogTest, OpeningWithAnotherLedgerKeyIsRefused) {
  { auto log = OpenLog(); }
  LogOptions o = Options();
  auto other = crypto::PrivateKey::Generate();
  o.signer.emplace(*crypto::NoteSigner::Create("test.example/log", std::move(*other)));
  auto reopened = Log::Open(dir_ / "db", std::move(o));
  EXPECT_EQ(reopened.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(LogTest, MissingDatabaseIsNotFound) {
  LogOptions o = Options();
  o.create_if_missing = false;
  auto log = Log::Open(dir_ / "nothing-here", std::move(o));
  EXPECT_EQ(log.status().code(), StatusCode::kNotFound);
}

TEST_F(LogTest, ReadOnlyOpenBesideAWriterSeesCommittedRecords) {
  auto writer = OpenLog();
  Fill(*writer, 5);
  LogOptions ro;
  ro.read_only = true;
  auto reader = Log::Open(dir_ / "db", std::move(ro));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->size(), 5u);
  EXPECT_EQ(*(*reader)->Root(5), *writer->Root(5));
  EXPECT_EQ((*reader)->Append(Req("x", "s", 5)).status().code(), StatusCode::kUnavailable);
}

TEST_F(LogTest, SnapshotsWrittenByHookAreFoundByLatestSnapshot) {
  LogHooks hooks;
  uint64_t committed_size = 0;
  hooks.before_write = [](BatchWriter& w) { w.PutSnapshot("s", 2, "snap-at-2"); };
  hooks.committed = [&](uint64_t n) { committed_size = n; };
  auto log = Log::Open(dir_ / "db", Options(), hooks);
  ASSERT_TRUE(log.ok());
  Fill(**log, 3);
  EXPECT_EQ(committed_size, 3u);
  uint64_t version = 0;
  auto snap = (*log)->LatestSnapshot("s", 10, &version);
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(*snap, "snap-at-2");
  EXPECT_EQ(version, 2u);
  EXPECT_EQ((*log)->LatestSnapshot("s", 1, &version).status().code(), StatusCode::kNotFound);
  EXPECT_EQ((*log)->LatestSnapshot("other", 10, &version).status().code(),
            StatusCode::kNotFound);
}

TEST_F(LogTest, ScanAndRangeReturnRecordsInOrder) {
  auto log = OpenLog();
  Fill(*log, 30);
  auto range = log->Range(10, 20);
  ASSERT_TRUE(range.ok());
  ASSERT_EQ(range->size(), 10u);
  EXPECT_EQ(range->front().seq, 10u);
  EXPECT_EQ(range->back().seq, 19u);
  auto limited = log->Range(0, 100, 7);
  EXPECT_EQ(limited->size(), 7u);
  auto past = log->Range(25, 100);
  EXPECT_EQ(past->size(), 5u);
}

}  // namespace
}  // namespace paraphe::ledger
