// Log: the single writer. Drains the queue, checks and stages each append
// in log order, and commits the group with one synced WriteBatch that also
// carries the new Merkle nodes and the signed checkpoint.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <unordered_map>

#include "ledger/internal/keys.h"
#include "ledger/internal/rocks.h"
#include "ledger/log.h"

namespace paraphe::ledger {

namespace ik = internal;
using internal::FromRocks;
using internal::ToSlice;
using internal::SeqKey;

namespace {

bool ValidStreamId(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

class RocksBatchWriter : public BatchWriter {
 public:
  RocksBatchWriter(rocksdb::WriteBatch* b, rocksdb::ColumnFamilyHandle* cf)
      : batch_(b), cf_(cf) {}
  void PutSnapshot(std::string_view stream, uint64_t version,
                   std::string_view bytes) override {
    batch_->Put(cf_, ik::StreamKey(stream, version), ToSlice(bytes));
  }

 private:
  rocksdb::WriteBatch* batch_;
  rocksdb::ColumnFamilyHandle* cf_;
};

size_t HistogramBucket(size_t n) {
  size_t b = 0;
  while ((size_t{1} << b) < n && b < 10) ++b;
  return b;  // 1, 2, 4, ..., 1024+
}

}  // namespace

struct Log::Staged {
  size_t pending_index;  // into the batch vector
  Receipt receipt;
};

// RocksDB stops writes after a failed write (a background error) until
// DB::Resume. Resume flushes the memtables, which also moves writes to a new
// WAL; but RocksDB 7.8 switches WAL only if some memtable holds data, and
// otherwise keeps writing to the WAL whose write failed, which then fails
// for good, or aborts the process on an assertion in builds that keep them
// (facebook/rocksdb#11643, #12998; fixed in 9.x). So a memtable is kept
// non-empty (PinMemtable after open and after each recovery), and a Resume
// that left the failed WAL current is treated as needing a reopen.
Status Log::RecoverFromFailedWrite() {
  if (fatal_error_.empty()) {
    rocksdb::Status rs = db_->Resume();
    if (rs.ok() && CurrentWal() == failed_wal_) {
      fatal_error_ = "RocksDB could not move off the write-ahead log whose write failed";
    } else if (rs.ok()) {
      Status pinned = PinMemtable();
      if (pinned.ok()) {
        write_failed_ = false;
        return Status::Ok();
      }
      failed_wal_ = CurrentWal();
      return Unavailable("the ledger's storage failed again while recovering (" +
                         pinned.message() +
                         "); retry later (free disk space if the disk is full); the append "
                         "was not recorded");
    } else if (rs.severity() >= rocksdb::Status::Severity::kFatalError) {
      fatal_error_ = rs.ToString();
    } else {
      return Unavailable("the ledger's storage has not recovered from an earlier failed write (" +
                         rs.ToString() +
                         "); retry later (free disk space if the disk is full); the append "
                         "was not recorded");
    }
  }
  return Unavailable("the ledger's storage has not recovered from an earlier failed write (" +
                     fatal_error_ +
                     ") and cannot recover while open: restart the server (reopen the ledger); "
                     "the append was not recorded");
}

Status Log::AppendAsync(AppendRequest request,
                        std::function<void(Result<Receipt>)> done) {
  if (options_.read_only) return Unavailable("the ledger is open read-only");
  if (!ValidStreamId(request.stream)) {
    return InvalidArgument("convention id '" + request.stream.substr(0, 64) +
                           "' must be 1-128 characters of A-Z a-z 0-9 - _ . :");
  }
  if (request.jws.empty()) return InvalidArgument("empty event");
  {
    std::lock_guard<std::mutex> l(queue_mu_);
    if (stopping_) return Unavailable("the ledger is shutting down");
    if (queue_.size() >= options_.queue_capacity) {
      return Unavailable("the writer queue is full (" +
                         std::to_string(options_.queue_capacity) +
                         " pending appends); retry shortly");
    }
    queue_.push_back(Pending{std::move(request), std::move(done)});
  }
  queue_cv_.notify_one();
  return Status::Ok();
}

Result<Receipt> Log::Append(AppendRequest request) {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Result<Receipt>> out;
  Status st = AppendAsync(std::move(request), [&](Result<Receipt> r) {
    std::lock_guard<std::mutex> l(mu);
    out.emplace(std::move(r));
    cv.notify_one();
  });
  if (!st.ok()) return st;
  std::unique_lock<std::mutex> l(mu);
  cv.wait(l, [&] { return out.has_value(); });
  return std::move(*out);
}

void Log::WriterLoop() {
  std::vector<Pending> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> l(queue_mu_);
      queue_cv_.wait(l, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      size_t n = std::min(queue_.size(), options_.max_batch);
      batch.clear();
      batch.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    CommitBatch(batch);
  }
}

void Log::CommitBatch(std::vector<Pending>& batch) {
  if (write_failed_) {
    Status recovered = RecoverFromFailedWrite();
    if (!recovered.ok()) {
      {
        std::lock_guard<std::mutex> l(stats_mu_);
        ++stats_.write_errors;
      }
      for (Pending& p : batch) {
        if (p.done) p.done(recovered);
      }
      return;
    }
  }

  std::vector<std::optional<Result<Receipt>>> results(batch.size());
  std::vector<Staged> staged;
  std::unordered_map<std::string, size_t> batch_idem;  // sha256 -> staged index
  std::map<std::string, uint64_t, std::less<>> batch_versions;
  std::vector<std::pair<size_t, uint64_t>> dup_of_db;  // pending index, seq

  const crypto::MerkleFrontier saved_frontier = frontier_;
  const int64_t saved_recorded = last_recorded_ms_;
  uint64_t next_seq = size();
  rocksdb::WriteBatch wb;
  uint64_t rejected = 0;

  for (size_t i = 0; i < batch.size(); ++i) {
    AppendRequest& req = batch[i].request;
    crypto::Hash h = crypto::Sha256(req.jws);
    std::string idem_key(crypto::HashBytes(h));

    // 1. Idempotency: the same bytes get the original receipt.
    if (auto it = batch_idem.find(idem_key); it != batch_idem.end()) {
      Receipt r = staged[it->second].receipt;
      r.duplicate = true;
      results[i].emplace(std::move(r));
      continue;
    }
    auto existing = GetCf(ik::kIdempotency, idem_key);
    if (existing.ok() && existing->size() == 8) {
      dup_of_db.emplace_back(i, ReadBigEndian64(*existing));
      continue;
    }
    if (!existing.ok() && existing.status().code() != StatusCode::kNotFound) {
      results[i].emplace(existing.status());
      continue;
    }

    // 2. Optimistic concurrency on the stream.
    uint64_t current;
    if (auto it = batch_versions.find(req.stream); it != batch_versions.end()) {
      current = it->second;
    } else {
      current = CommittedStreamVersion(req.stream);
    }
    if (req.expected_version != current) {
      ++rejected;
      results[i].emplace(Status(StatusCode::kConflict,
                                "expected version " + std::to_string(req.expected_version) +
                                    " of " + req.stream + " but its current version is " +
                                    std::to_string(current),
                                "version.conflict"));
      continue;
    }

    // 3. The caller's own rules, in log order.
    int64_t now = options_.clock();
    if (now < last_recorded_ms_) now = last_recorded_ms_;
    uint64_t seq = next_seq;
    if (req.check) {
      Status st = req.check(seq, now);
      if (!st.ok()) {
        ++rejected;
        results[i].emplace(std::move(st));
        continue;
      }
    }

    // 4. Stage it.
    last_recorded_ms_ = now;
    Record rec{seq, now, req.stream, current + 1, std::move(req.jws)};
    std::string leaf = rec.LeafBytes();
    crypto::Hash leaf_hash = crypto::LeafHash(leaf);
    frontier_.Append(leaf_hash, [&](uint8_t level, uint64_t index, const crypto::Hash& nh) {
      wb.Put(cfs_[ik::kNodes], ik::NodeKey(level, index), ToSlice(crypto::HashBytes(nh)));
    });
    wb.Put(cfs_[ik::kRecords], SeqKey(seq), EncodeStoredRecord(rec));
    wb.Put(cfs_[ik::kStreams], ik::StreamKey(rec.stream, rec.version), SeqKey(seq));
    wb.Put(cfs_[ik::kIdempotency], idem_key, SeqKey(seq));
    batch_versions[rec.stream] = rec.version;
    batch_idem.emplace(std::move(idem_key), staged.size());
    Receipt receipt;
    receipt.seq = seq;
    receipt.stream = rec.stream;
    receipt.version = rec.version;
    receipt.leaf_hash = leaf_hash;
    receipt.recorded_at_ms = now;
    staged.push_back(Staged{i, std::move(receipt)});
    ++next_seq;
  }

  bool write_ok = true;
  std::string checkpoint;
  if (!staged.empty()) {
    crypto::Checkpoint cp{origin_, next_seq, frontier_.Root(), {}};
    auto note = options_.signer->Sign(cp.Body());
    Status st = note.ok() ? Status::Ok() : note.status();
    if (st.ok()) {
      checkpoint = *note;
      wb.Put(cfs_[ik::kCheckpoints], SeqKey(next_seq), checkpoint);
      if (hooks_.before_write) {
        RocksBatchWriter bw(&wb, cfs_[ik::kSnapshots]);
        hooks_.before_write(bw);
      }
      rocksdb::WriteOptions wo;
      wo.sync = options_.sync;
      st = FromRocks(db_->Write(wo, &wb),
                     "writing a batch of " + std::to_string(staged.size()) + " appends");
      if (!st.ok()) {
        write_failed_ = true;
        failed_wal_ = CurrentWal();
      }
    }
    if (!st.ok()) {
      write_ok = false;
      frontier_ = saved_frontier;
      last_recorded_ms_ = saved_recorded;
      if (hooks_.aborted) hooks_.aborted();
      // A failed sync leaves the batch written but not known durable: a
      // restart may still recover it (complete: the batch is one atomic WAL
      // record). Say so, and that a retry of the same bytes is safe.
      Status failed(st.code() == StatusCode::kInternal ? StatusCode::kUnavailable : st.code(),
                    st.message() +
                        "; the append was not acknowledged (it may still appear after a "
                        "restart; resubmitting the same event is safe: a duplicate gets "
                        "its original receipt)");
      for (auto& s : staged) results[s.pending_index].emplace(failed);
      // Duplicates of staged appends of this batch failed with them.
      for (auto& r : results) {
        if (r && r->ok() && r->value().seq >= size()) r.emplace(failed);
      }
    } else {
      {
        std::lock_guard<std::mutex> l(streams_mu_);
        for (auto& [stream, v] : batch_versions) stream_versions_[stream] = v;
      }
      {
        std::lock_guard<std::mutex> l(checkpoint_mu_);
        latest_checkpoint_ = checkpoint;
      }
      {
        std::lock_guard<std::mutex> l(growth_mu_);
        size_.store(next_seq, std::memory_order_release);
      }
      growth_cv_.notify_all();
      if (hooks_.committed) hooks_.committed(next_seq);
      for (auto& s : staged) {
        s.receipt.tree_size = next_seq;
        s.receipt.checkpoint = checkpoint;
        results[s.pending_index].emplace(s.receipt);
      }
      for (auto& r : results) {
        if (r && r->ok() && r->value().duplicate) {
          r->value().tree_size = next_seq;
          r->value().checkpoint = checkpoint;
        }
      }
    }
  }

  // Duplicates of records committed by earlier batches.
  if (!dup_of_db.empty()) {
    std::string latest;
    {
      std::lock_guard<std::mutex> l(checkpoint_mu_);
      latest = latest_checkpoint_;
    }
    for (auto [i, seq] : dup_of_db) {
      results[i].emplace(DuplicateReceipt(seq, size(), latest));
    }
  }

  {
    std::lock_guard<std::mutex> l(stats_mu_);
    if (stats_.batch_size_histogram.empty()) stats_.batch_size_histogram.resize(11);
    if (!staged.empty()) {
      if (write_ok) {
        ++stats_.batches;
        stats_.appends += staged.size();
        ++stats_.batch_size_histogram[HistogramBucket(staged.size())];
      } else {
        ++stats_.write_errors;
      }
    }
    stats_.rejected += rejected;
    for (auto& r : results) {
      if (r && r->ok() && r->value().duplicate) ++stats_.duplicates;
    }
  }

  for (size_t i = 0; i < batch.size(); ++i) {
    if (!results[i]) results[i].emplace(Internal("append produced no result"));
    if (batch[i].done) batch[i].done(std::move(*results[i]));
  }
}

}  // namespace paraphe::ledger
