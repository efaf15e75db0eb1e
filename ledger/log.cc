// Log: opening, metadata and reads. The writer is in log_writer.cc, the
// open-time integrity check in log_integrity.cc.
#include "ledger/log.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/transaction_log.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/listener.h>

#include "crypto/base64.h"
#include "ledger/internal/keys.h"
#include "ledger/internal/rocks.h"

namespace paraphe::ledger {

using internal::FromRocks;
using internal::kCfCount;
using internal::kCfNames;
using internal::ToSlice;
using internal::ToView;
using internal::SeqKey;
namespace ik = internal;

namespace {
constexpr std::string_view kMetaFormat = "format";
constexpr std::string_view kMetaOrigin = "origin";
constexpr std::string_view kMetaVerifierKey = "verifier_key";
// Version 2: leaves of format 2, the log begins with a genesis record.
constexpr std::string_view kFormat = "paraphe-log/2";
constexpr std::string_view kUserMetaPrefix = "m:";

// Recovery from a failed write is the writer's job: it calls DB::Resume
// before its next batch (log_writer.cc). RocksDB would otherwise start its
// own recovery from NoSpace, which polls free space only every few seconds
// and, while pending, makes DB::Resume return Busy: appends would stay
// refused after space returns, until the next poll happens to succeed.
// Compaction errors (soft: appends still work) keep RocksDB's recovery.
class WriterDrivenRecovery : public rocksdb::EventListener {
 public:
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason reason,
                            rocksdb::Status /*bg_error*/,
                            bool* auto_recovery) override {
    if (reason != rocksdb::BackgroundErrorReason::kCompaction) {
      *auto_recovery = false;
    }
  }
};

rocksdb::ColumnFamilyOptions CfOptions(size_t cf) {
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = rocksdb::NewLRUCache(64 << 20);
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  if (cf == ik::kRecords) {
    o.compression = rocksdb::kLZ4Compression;
  }
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}
}  // namespace

int64_t SystemClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::unique_ptr<Log>> Log::Open(const std::filesystem::path& path,
                                       LogOptions options, LogHooks hooks) {
  std::unique_ptr<Log> log(new Log());
  PARAPHE_RETURN_IF_ERROR(log->Init(path, std::move(options), std::move(hooks)));
  return log;
}

Status Log::Init(const std::filesystem::path& path, LogOptions options,
                 LogHooks hooks) {
  options_ = std::move(options);
  hooks_ = std::move(hooks);
  if (!options_.read_only && !options_.signer) {
    return InvalidArgument("a writable log needs a checkpoint signer");
  }
  if (options_.max_batch == 0 || options_.queue_capacity == 0) {
    return InvalidArgument("max_batch and queue_capacity must be positive");
  }
  std::error_code ec;
  if (!options_.create_if_missing && !std::filesystem::exists(path / "CURRENT", ec)) {
    return NotFound("no ledger database at " + path.string());
  }

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options_.create_if_missing;
  db_options.create_missing_column_families = options_.create_if_missing;
  db_options.paranoid_checks = true;
  db_options.max_background_jobs = 2;
  if (options_.env != nullptr) db_options.env = options_.env;
  db_options.listeners.push_back(std::make_shared<WriterDrivenRecovery>());
  // Each batch is a WAL write; keep WAL sync cheap and unbuffered.
  db_options.manual_wal_flush = false;

  std::vector<rocksdb::ColumnFamilyDescriptor> cfds;
  for (size_t i = 0; i < kCfCount; ++i) {
    cfds.emplace_back(kCfNames[i], CfOptions(i));
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (options_.read_only) {
    s = rocksdb::DB::OpenForReadOnly(db_options, path.string(), cfds, &cfs_, &raw);
  } else {
    s = rocksdb::DB::Open(db_options, path.string(), cfds, &cfs_, &raw);
  }
  if (!s.ok()) {
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
      return Unavailable("the ledger at " + path.string() +
                         " is open in another process (use read-only access): " +
                         s.ToString());
    }
    return FromRocks(s, "opening ledger database " + path.string());
  }
  db_.reset(raw);

  PARAPHE_RETURN_IF_ERROR(LoadMeta());

  // Size: one past the last record.
  {
    ik::IteratorPtr it(db_->NewIterator(rocksdb::ReadOptions(), cfs_[ik::kRecords]));
    it->SeekToLast();
    PARAPHE_RETURN_IF_ERROR(FromRocks(it->status(), "reading the last record"));
    uint64_t size = 0;
    if (it->Valid()) {
      if (it->key().size() != 8) return DataLoss("malformed record key");
      size = ReadBigEndian64(ToView(it->key())) + 1;
      PARAPHE_ASSIGN_OR_RETURN(Record last, DecodeStoredRecord(size - 1, ToView(it->value())));
      last_recorded_ms_ = last.recorded_at_ms;
    }
    size_.store(size, std::memory_order_release);
  }
  // Latest checkpoint.
  {
    ik::IteratorPtr it(db_->NewIterator(rocksdb::ReadOptions(), cfs_[ik::kCheckpoints]));
    it->SeekToLast();
    PARAPHE_RETURN_IF_ERROR(FromRocks(it->status(), "reading the last checkpoint"));
    uint64_t cp_size = 0;
    if (it->Valid()) {
      cp_size = ReadBigEndian64(ToView(it->key()));
      latest_checkpoint_ = std::string(ToView(it->value()));
    }
    if (cp_size != size()) {
      return DataLoss("the latest checkpoint covers " + std::to_string(cp_size) +
                      " records but the log holds " + std::to_string(size()) +
                      (cp_size < size() ? "; first record without a checkpoint: seq " +
                                              std::to_string(cp_size)
                                        : "; first missing record: seq " +
                                              std::to_string(size())));
    }
  }
  PARAPHE_RETURN_IF_ERROR(CheckIntegrity(options_.check));
  if (!options_.read_only) {
    PARAPHE_ASSIGN_OR_RETURN(frontier_, crypto::MerkleFrontier::Load(size(), Nodes()));
    // See RecoverFromFailedWrite. On failure (a full disk) the log still
    // opens for reads; the first append recovers first.
    if (!PinMemtable().ok()) {
      write_failed_ = true;
      failed_wal_ = CurrentWal();
    }
    writer_ = std::thread([this] { WriterLoop(); });
  }
  return Status::Ok();
}

Status Log::LoadMeta() {
  auto format = GetCf(ik::kMeta, kMetaFormat);
  if (!format.ok() && format.status().code() != StatusCode::kNotFound) {
    return format.status();
  }
  if (!format.ok()) {
    // A new database.
    if (options_.read_only) return NotFound("the ledger database is empty");
    origin_ = options_.signer->name();
    verifier_key_ = options_.signer->Verifier().VerifierKey();
    rocksdb::WriteBatch b;
    b.Put(cfs_[ik::kMeta], ToSlice(kMetaFormat), ToSlice(kFormat));
    b.Put(cfs_[ik::kMeta], ToSlice(kMetaOrigin), origin_);
    b.Put(cfs_[ik::kMeta], ToSlice(kMetaVerifierKey), verifier_key_);
    // The empty tree's checkpoint, so that every size has one.
    crypto::Checkpoint cp{origin_, 0, crypto::EmptyRoot(), {}};
    PARAPHE_ASSIGN_OR_RETURN(std::string note, options_.signer->Sign(cp.Body()));
    b.Put(cfs_[ik::kCheckpoints], SeqKey(0), note);
    rocksdb::WriteOptions wo;
    wo.sync = true;
    PARAPHE_RETURN_IF_ERROR(FromRocks(db_->Write(wo, &b), "initialising the ledger"));
  } else {
    if (*format == "paraphe-log/1") {
      return InvalidArgument(
          "this ledger database has format paraphe-log/1 (Paraphe 0.1: leaf format 1, operator "
          "keys outside the log, no genesis record); this version reads only " +
          std::string(kFormat) + ": create a new ledger with paraphe init and submit the "
          "conventions' events to it again");
    }
    if (*format != kFormat) {
      return InvalidArgument("unknown ledger format '" + *format + "' (this version reads " +
                             std::string(kFormat) + ")");
    }
    PARAPHE_ASSIGN_OR_RETURN(origin_, GetCf(ik::kMeta, kMetaOrigin));
    PARAPHE_ASSIGN_OR_RETURN(verifier_key_, GetCf(ik::kMeta, kMetaVerifierKey));
    if (options_.signer && options_.signer->Verifier().VerifierKey() != verifier_key_) {
      return InvalidArgument("the checkpoint key does not belong to this ledger (expected " +
                             verifier_key_ + ")");
    }
  }
  PARAPHE_ASSIGN_OR_RETURN(auto v, crypto::NoteVerifier::FromVerifierKey(verifier_key_));
  verifier_.emplace(std::move(v));
  return Status::Ok();
}

Status Log::PinMemtable() {
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  return FromRocks(db_->Put(wo, cfs_[ik::kMeta], ToSlice(kMetaFormat), ToSlice(kFormat)),
                   "writing the ledger format");
}

uint64_t Log::CurrentWal() const {
  std::unique_ptr<rocksdb::LogFile> wal;
  if (!db_->GetCurrentWalFile(&wal).ok() || wal == nullptr) return 0;
  return wal->LogNumber();
}

Log::~Log() {
  {
    std::lock_guard<std::mutex> l(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  if (db_) {
    for (auto* h : cfs_) db_->DestroyColumnFamilyHandle(h);
    cfs_.clear();
    (void)db_->Close();
    db_.reset();
  }
}

Result<std::string> Log::GetCf(size_t cf, std::string_view key) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cfs_[cf], ToSlice(key), &value);
  if (s.IsNotFound()) return NotFound("no entry");
  PARAPHE_RETURN_IF_ERROR(FromRocks(s, "reading ledger database"));
  return value;
}

crypto::NodeReader Log::Nodes() const {
  return [this](uint8_t level, uint64_t index) -> Result<crypto::Hash> {
    auto v = GetCf(ik::kNodes, ik::NodeKey(level, index));
    if (!v.ok()) {
      if (v.status().code() == StatusCode::kNotFound) {
        return DataLoss("Merkle node (" + std::to_string(level) + ", " +
                        std::to_string(index) + ") is missing");
      }
      return v.status();
    }
    if (v->size() != 32) {
      return DataLoss("Merkle node (" + std::to_string(level) + ", " +
                      std::to_string(index) + ") is not 32 bytes");
    }
    crypto::Hash h;
    std::copy(v->begin(), v->end(), h.begin());
    return h;
  };
}

Result<Receipt> Log::DuplicateReceipt(uint64_t seq, uint64_t tree_size,
                                      std::string checkpoint) const {
  PARAPHE_ASSIGN_OR_RETURN(Record rec, Get(seq));
  Receipt r;
  r.seq = seq;
  r.stream = rec.stream;
  r.version = rec.version;
  r.leaf_hash = rec.LeafHash();
  r.recorded_at_ms = rec.recorded_at_ms;
  r.tree_size = tree_size;
  r.checkpoint = std::move(checkpoint);
  r.duplicate = true;
  return r;
}

Result<std::optional<Receipt>> Log::FindAppended(std::string_view jws) const {
  const crypto::Hash h = crypto::Sha256(jws);
  auto seq_bytes = GetCf(ik::kIdempotency, crypto::HashBytes(h));
  if (!seq_bytes.ok()) {
    if (seq_bytes.status().code() == StatusCode::kNotFound) return std::optional<Receipt>();
    return seq_bytes.status();
  }
  if (seq_bytes->size() != 8) return DataLoss("an idempotency entry is not 8 bytes");
  const uint64_t seq = ReadBigEndian64(*seq_bytes);
  // Written with its batch, visible before the batch is acknowledged.
  const uint64_t n = size();
  if (seq >= n) return std::optional<Receipt>();
  PARAPHE_ASSIGN_OR_RETURN(std::string checkpoint, CheckpointAt(n));
  PARAPHE_ASSIGN_OR_RETURN(Receipt r, DuplicateReceipt(seq, n, std::move(checkpoint)));
  return std::optional<Receipt>(std::move(r));
}

Result<Record> Log::Get(uint64_t seq) const {
  if (seq >= size()) {
    return NotFound("no record " + std::to_string(seq) + " (log size " +
                    std::to_string(size()) + ")");
  }
  auto v = GetCf(ik::kRecords, SeqKey(seq));
  if (!v.ok()) {
    if (v.status().code() == StatusCode::kNotFound) {
      return DataLoss("record " + std::to_string(seq) + " is missing");
    }
    return v.status();
  }
  return DecodeStoredRecord(seq, *v);
}

Status Log::Scan(uint64_t start, uint64_t end,
                 const std::function<Status(const Record&)>& fn) const {
  end = std::min(end, size());
  if (start >= end) return Status::Ok();
  std::string upper = SeqKey(end);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  ro.readahead_size = 2 << 20;
  ik::IteratorPtr it(db_->NewIterator(ro, cfs_[ik::kRecords]));
  uint64_t expected = start;
  for (it->Seek(SeqKey(start)); it->Valid(); it->Next()) {
    if (it->key().size() != 8) return DataLoss("malformed record key near seq " + std::to_string(expected));
    uint64_t seq = ReadBigEndian64(ToView(it->key()));
    if (seq != expected) {
      return DataLoss("record " + std::to_string(expected) + " is missing");
    }
    PARAPHE_ASSIGN_OR_RETURN(Record r, DecodeStoredRecord(seq, ToView(it->value())));
    PARAPHE_RETURN_IF_ERROR(fn(r));
    ++expected;
  }
  PARAPHE_RETURN_IF_ERROR(FromRocks(it->status(), "scanning records"));
  if (expected != end) return DataLoss("record " + std::to_string(expected) + " is missing");
  return Status::Ok();
}

Result<std::vector<Record>> Log::Range(uint64_t start, uint64_t end, size_t limit) const {
  std::vector<Record> out;
  end = std::min(end, size());
  if (start < end && end - start > limit) end = start + limit;
  PARAPHE_RETURN_IF_ERROR(Scan(start, end, [&](const Record& r) {
    out.push_back(r);
    return Status::Ok();
  }));
  return out;
}

uint64_t Log::CommittedStreamVersion(std::string_view stream) const {
  {
    std::lock_guard<std::mutex> l(streams_mu_);
    auto it = stream_versions_.find(stream);
    if (it != stream_versions_.end()) return it->second;
  }
  std::string probe = ik::StreamKey(stream, UINT64_MAX);
  ik::IteratorPtr it(db_->NewIterator(rocksdb::ReadOptions(), cfs_[ik::kStreams]));
  it->SeekForPrev(probe);
  uint64_t version = 0;
  if (it->Valid()) {
    std::string_view k = ToView(it->key());
    if (k.size() == stream.size() + 9 && k.substr(0, stream.size()) == stream &&
        k[stream.size()] == '\0') {
      version = ReadBigEndian64(k.substr(stream.size() + 1));
    }
  }
  std::lock_guard<std::mutex> l(streams_mu_);
  auto [pos, inserted] = stream_versions_.emplace(std::string(stream), version);
  if (!inserted && pos->second > version) version = pos->second;
  return version;
}

uint64_t Log::StreamVersion(std::string_view stream) const {
  return CommittedStreamVersion(stream);
}

Result<std::vector<Record>> Log::Stream(std::string_view stream, uint64_t from_version,
                                        uint64_t to_version) const {
  std::vector<Record> out;
  std::string start = ik::StreamKey(stream, from_version);
  ik::IteratorPtr it(db_->NewIterator(rocksdb::ReadOptions(), cfs_[ik::kStreams]));
  uint64_t expected = from_version;
  for (it->Seek(start); it->Valid(); it->Next()) {
    std::string_view k = ToView(it->key());
    if (k.size() != stream.size() + 9 || k.substr(0, stream.size()) != stream ||
        k[stream.size()] != '\0') {
      break;
    }
    uint64_t version = ReadBigEndian64(k.substr(stream.size() + 1));
    if (version > to_version) break;
    if (version != expected) {
      return DataLoss("stream " + std::string(stream) + " lacks version " +
                      std::to_string(expected));
    }
    if (it->value().size() != 8) return DataLoss("malformed stream index entry");
    uint64_t seq = ReadBigEndian64(ToView(it->value()));
    if (seq >= size()) break;  // written by a batch not yet published
    PARAPHE_ASSIGN_OR_RETURN(Record r, Get(seq));
    if (r.stream != stream || r.version != version) {
      return DataLoss("stream index entry " + std::string(stream) + "@" +
                      std::to_string(version) + " points to seq " +
                      std::to_string(seq) + " which is not that record");
    }
    out.push_back(std::move(r));
    ++expected;
  }
  PARAPHE_RETURN_IF_ERROR(FromRocks(it->status(), "reading stream index"));
  return out;
}

std::vector<std::string> Log::Streams() const {
  std::vector<std::string> out;
  ik::IteratorPtr it(db_->NewIterator(rocksdb::ReadOptions(), cfs_[ik::kStreams]));
  for (it->SeekToFirst(); it->Valid();) {
    std::string_view k = ToView(it->key());
    size_t nul = k.find('\0');
    if (nul == std::string_view::npos) break;
    std::string stream(k.substr(0, nul));
    out.push_back(stream);
    std::string next = stream;
    next.push_back('\x01');
    it->Seek(next);
  }
  return out;
}

Result<std::string> Log::Checkpoint() const {
  std::lock_guard<std::mutex> l(checkpoint_mu_);
  return latest_checkpoint_;
}

Result<std::string> Log::CheckpointAt(uint64_t size) const {
  if (size > this->size()) {
    return NotFound("no checkpoint for size " + std::to_string(size) +
                    " (log size " + std::to_string(this->size()) + ")");
  }
  auto v = GetCf(ik::kCheckpoints, SeqKey(size));
  if (!v.ok() && v.status().code() == StatusCode::kNotFound) {
    return NotFound("no checkpoint was signed at size " + std::to_string(size) +
                    " (checkpoints are signed per write batch)");
  }
  return v;
}

Result<crypto::Hash> Log::Root(uint64_t size) const {
  if (size > this->size()) {
    return InvalidArgument("tree size " + std::to_string(size) +
                           " is past the log size " + std::to_string(this->size()));
  }
  return crypto::RootAt(size, Nodes());
}

Result<std::vector<crypto::Hash>> Log::InclusionProof(uint64_t seq,
                                                      uint64_t tree_size) const {
  if (tree_size > size()) {
    return InvalidArgument("tree size " + std::to_string(tree_size) +
                           " is past the log size " + std::to_string(size()));
  }
  if (seq >= tree_size) {
    return InvalidArgument("seq " + std::to_string(seq) + " is not below tree size " +
                           std::to_string(tree_size));
  }
  return crypto::InclusionProof(seq, tree_size, Nodes());
}

Result<std::vector<crypto::Hash>> Log::ConsistencyProof(uint64_t from, uint64_t to) const {
  if (to > size()) {
    return InvalidArgument("tree size " + std::to_string(to) + " is past the log size " +
                           std::to_string(size()));
  }
  if (from > to) {
    return InvalidArgument("from (" + std::to_string(from) + ") is greater than to (" +
                           std::to_string(to) + ")");
  }
  return crypto::ConsistencyProof(from, to, Nodes());
}

Result<std::string> Log::LatestSnapshot(std::string_view stream, uint64_t max_version,
                                        uint64_t* version) const {
  ik::IteratorPtr it(db_->NewIterator(rocksdb::ReadOptions(), cfs_[ik::kSnapshots]));
  it->SeekForPrev(ik::StreamKey(stream, max_version));
  if (it->Valid()) {
    std::string_view k = ToView(it->key());
    if (k.size() == stream.size() + 9 && k.substr(0, stream.size()) == stream &&
        k[stream.size()] == '\0') {
      *version = ReadBigEndian64(k.substr(stream.size() + 1));
      return std::string(ToView(it->value()));
    }
  }
  PARAPHE_RETURN_IF_ERROR(FromRocks(it->status(), "reading snapshots"));
  return NotFound("no snapshot");
}

Result<std::string> Log::GetMeta(std::string_view key) const {
  auto v = GetCf(ik::kMeta, std::string(kUserMetaPrefix) + std::string(key));
  if (!v.ok() && v.status().code() == StatusCode::kNotFound) {
    return NotFound("no metadata '" + std::string(key) + "'");
  }
  return v;
}

Status Log::PutMeta(std::string_view key, std::string_view value) {
  if (options_.read_only) return Unavailable("the ledger is open read-only");
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(db_->Put(wo, cfs_[ik::kMeta],
                            std::string(kUserMetaPrefix) + std::string(key),
                            ToSlice(value)),
                   "writing ledger metadata");
}

uint64_t Log::WaitForGrowth(uint64_t known, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> l(growth_mu_);
  growth_cv_.wait_for(l, timeout, [&] { return size() > known; });
  return size();
}

Log::Stats Log::stats() const {
  std::lock_guard<std::mutex> l(stats_mu_);
  return stats_;
}

size_t Log::queue_depth() const {
  std::lock_guard<std::mutex> l(queue_mu_);
  return queue_.size();
}

}  // namespace paraphe::ledger
