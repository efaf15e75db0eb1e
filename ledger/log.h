// Log: the append-only, signed Merkle log on RocksDB. No domain knowledge:
// it stores signed events (JWS bytes) in streams, assigns sequence numbers
// and recording times, maintains the RFC 6962 tree incrementally and signs
// a C2SP checkpoint after every write batch.
//
// Appends go through ONE writer thread that drains a bounded queue and
// commits many appends per RocksDB WriteBatch written with sync = true
// (group commit). An append is acknowledged only after its batch is durable
// (the WAL was fsync'ed). Per append the writer checks idempotency (the same
// JWS bytes return the original receipt, `duplicate` set), the stream's
// expected version (kConflict naming the current version), then the
// caller's own `check`, in log order, seeing the effects of the earlier
// appends of the same batch.
//
// Storage (column families): records (seq -> record), streams (stream, version
// -> seq), idempotency (sha256(jws) -> seq), nodes (level, index -> hash of
// a completed perfect subtree), checkpoints (size -> signed note), meta.
//
// Thread-safety: every method may be called from any thread. Readers never
// block the writer; they see a prefix of the log up to size(), which only
// grows after a batch is durable. Callbacks (`done`, hooks) run on the writer
// thread and must not call Append* or block for long.
#pragma once

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "crypto/merkle.h"
#include "crypto/note.h"
#include "crypto/status.h"
#include "ledger/record.h"

namespace rocksdb {
class DB;
class Env;
class ColumnFamilyHandle;
class WriteBatch;
}  // namespace rocksdb

namespace paraphe::ledger {

// How much of the stored tree Open re-checks against the records.
enum class IntegrityCheck {
  kFull,  // every record's leaf hash, every stored node, root == checkpoint
  kTail,  // the last 1024 records, and root == latest checkpoint
  kNone,
};

// The source of recording times (Unix ms, UTC). Tests inject fixed clocks.
using Clock = std::function<int64_t()>;
int64_t SystemClockMs();

struct LogOptions {
  bool create_if_missing = false;
  bool read_only = false;
  // Required unless read_only: signs checkpoints; its name is the origin.
  std::optional<crypto::NoteSigner> signer;
  IntegrityCheck check = IntegrityCheck::kFull;
  size_t max_batch = 1024;        // appends per WriteBatch, at most
  size_t queue_capacity = 16384;  // pending appends before kUnavailable
  bool sync = true;               // fsync every batch; false only in benchmarks
  Clock clock = SystemClockMs;
  rocksdb::Env* env = nullptr;    // for fault injection; must outlive the Log
};

struct Receipt {
  uint64_t seq = 0;
  std::string stream;
  uint64_t version = 0;
  crypto::Hash leaf_hash{};
  int64_t recorded_at_ms = 0;
  uint64_t tree_size = 0;     // size of `checkpoint`, > seq
  std::string checkpoint;     // signed note covering this record
  bool duplicate = false;     // same JWS appended before: original receipt
};

// Extra writes a hook may add to the batch being committed.
class BatchWriter {
 public:
  virtual ~BatchWriter() = default;
  virtual void PutSnapshot(std::string_view stream, uint64_t version,
                           std::string_view bytes) = 0;
};

struct AppendRequest {
  std::string jws;
  std::string stream;
  uint64_t expected_version = 0;
  // Optional, run on the writer thread after the generic checks with the
  // seq and recording time this append would get; non-OK rejects it alone.
  std::function<Status(uint64_t seq, int64_t recorded_at_ms)> check;
};

struct LogHooks {
  std::function<void(BatchWriter&)> before_write;  // batch about to be written
  std::function<void(uint64_t new_size)> committed;  // batch durable
  std::function<void()> aborted;  // batch failed: drop what `check` staged
};

class Log {
 public:
  // Opens (or creates) the database at `path`. kDataLoss naming the first
  // bad sequence number if the stored tree does not match the records;
  // kUnavailable for I/O errors; kInvalidArgument for bad options.
  static Result<std::unique_ptr<Log>> Open(const std::filesystem::path& path,
                                           LogOptions options,
                                           LogHooks hooks = {});
  ~Log();  // stops the writer after draining the queue, then closes
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  // Queues an append; `done` runs exactly once, on the writer thread, after
  // the batch is durable (or with the error). Returns kUnavailable at once
  // (and does not call done) when the queue is full or the log is closing.
  Status AppendAsync(AppendRequest request,
                     std::function<void(Result<Receipt>)> done);
  // Blocking form.
  Result<Receipt> Append(AppendRequest request);

  // --- reads: O(1) or O(log n) RocksDB reads each ---
  uint64_t size() const { return size_.load(std::memory_order_acquire); }
  const std::string& origin() const { return origin_; }
  const std::string& verifier_key() const { return verifier_key_; }
  Result<Record> Get(uint64_t seq) const;  // kNotFound past size()
  // Records [start, end) clipped to size(); at most `limit`.
  Result<std::vector<Record>> Range(uint64_t start, uint64_t end,
                                    size_t limit = SIZE_MAX) const;
  // Calls fn for records [start, end) in order; stops early on non-OK.
  Status Scan(uint64_t start, uint64_t end,
              const std::function<Status(const Record&)>& fn) const;
  // The stream's records with version in [from_version, to_version].
  Result<std::vector<Record>> Stream(std::string_view stream,
                                     uint64_t from_version = 1,
                                     uint64_t to_version = UINT64_MAX) const;
  uint64_t StreamVersion(std::string_view stream) const;  // 0 if none
  // The original receipt (`duplicate` set, against the checkpoint of the
  // current size) if these exact JWS bytes are already in the log, found by
  // the idempotency index; nullopt if not, or not yet acknowledged (then the
  // writer answers the duplicate itself). kDataLoss/kUnavailable on a read
  // error. Retry safety rests on it (Ledger::SubmitAsync).
  Result<std::optional<Receipt>> FindAppended(std::string_view jws) const;
  std::vector<std::string> Streams() const;
  Result<std::string> Checkpoint() const;  // latest signed note
  Result<std::string> CheckpointAt(uint64_t size) const;  // kNotFound
  Result<crypto::Hash> Root(uint64_t size) const;
  Result<std::vector<crypto::Hash>> InclusionProof(uint64_t seq,
                                                   uint64_t tree_size) const;
  Result<std::vector<crypto::Hash>> ConsistencyProof(uint64_t from,
                                                     uint64_t to) const;
  Result<std::string> LatestSnapshot(std::string_view stream,
                                     uint64_t max_version,
                                     uint64_t* version) const;  // kNotFound
  // Metadata kept with the log (operator keys...). Set only before appends
  // exist or by the writer.
  Result<std::string> GetMeta(std::string_view key) const;
  Status PutMeta(std::string_view key, std::string_view value);

  // Blocks until size() > known or the timeout passes; returns size().
  uint64_t WaitForGrowth(uint64_t known,
                         std::chrono::milliseconds timeout) const;

  struct Stats {
    uint64_t batches = 0, appends = 0, duplicates = 0, rejected = 0;
    uint64_t write_errors = 0;
    std::vector<uint64_t> batch_size_histogram;  // buckets 1,2,4,..,1024+
  };
  Stats stats() const;
  size_t queue_depth() const;

 private:
  struct Pending {
    AppendRequest request;
    std::function<void(Result<Receipt>)> done;
  };
  struct Staged;  // one accepted append of the batch being built

  Log() = default;
  Status Init(const std::filesystem::path& path, LogOptions options,
              LogHooks hooks);
  Status LoadMeta();
  Status CheckIntegrity(IntegrityCheck check);
  // After a failed write: DB::Resume, checked (log_writer.cc). kUnavailable
  // saying whether to retry later or to reopen the log.
  Status RecoverFromFailedWrite();
  // Rewrites the (unchanging) format key so that a memtable holds data.
  Status PinMemtable();
  uint64_t CurrentWal() const;  // the live WAL's number, 0 if unknown
  void WriterLoop();
  void CommitBatch(std::vector<Pending>& batch);
  uint64_t CommittedStreamVersion(std::string_view stream) const;
  Result<std::string> GetCf(size_t cf, std::string_view key) const;
  // The receipt of committed record `seq`, marked duplicate, as of a tree of
  // `tree_size` signed by `checkpoint`.
  Result<Receipt> DuplicateReceipt(uint64_t seq, uint64_t tree_size,
                                   std::string checkpoint) const;
  crypto::NodeReader Nodes() const;

  LogOptions options_;
  LogHooks hooks_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;  // destroyed in ~Log
  std::string origin_;
  std::string verifier_key_;
  std::optional<crypto::NoteVerifier> verifier_;

  std::atomic<uint64_t> size_{0};

  // Writer-thread state.
  crypto::MerkleFrontier frontier_;
  int64_t last_recorded_ms_ = 0;
  bool write_failed_ = false;  // the last batch failed: Resume() first
  uint64_t failed_wal_ = 0;    // the WAL being written when it failed
  std::string fatal_error_;    // non-empty: refuse appends until reopened

  mutable std::mutex streams_mu_;  // committed stream versions (cache)
  mutable std::map<std::string, uint64_t, std::less<>> stream_versions_;

  mutable std::mutex checkpoint_mu_;
  std::string latest_checkpoint_;

  mutable std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::thread writer_;

  mutable std::mutex growth_mu_;
  mutable std::condition_variable growth_cv_;

  mutable std::mutex stats_mu_;
  Stats stats_;
};

}  // namespace paraphe::ledger
