#include "tests/ledger/fault_fs.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

namespace paraphe::test {

namespace {

// One spelling per file: RocksDB joins names with "/" and may pass "a//b".
std::string Normalize(const std::string& name) {
  std::string n = std::filesystem::path(name).lexically_normal().string();
  while (n.size() > 1 && n.back() == '/') n.pop_back();
  return n;
}

std::string DirOf(const std::string& normalized) {
  return std::filesystem::path(normalized).parent_path().string();
}

}  // namespace

// Forwards to the real file and reports writes, truncations and syncs to the
// file system, which may fail them first.
class FaultInjectionFileSystem::File
    : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  File(std::unique_ptr<rocksdb::FSWritableFile> target, std::string fname,
       FaultInjectionFileSystem* fs)
      : FSWritableFileOwnerWrapper(std::move(target)),
        fname_(std::move(fname)),
        fs_(fs) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data,
                           const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = fs_->BeforeWrite(fname_);
    if (s.ok()) s = target()->Append(data, options, dbg);
    if (s.ok()) fs_->Appended(fname_, data.size());
    return s;
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data,
                           const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = fs_->BeforeWrite(fname_);
    if (s.ok()) s = target()->Append(data, options, info, dbg);
    if (s.ok()) fs_->Appended(fname_, data.size());
    return s;
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data,
                                     uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = fs_->BeforeWrite(fname_);
    if (s.ok()) s = target()->PositionedAppend(data, offset, options, dbg);
    if (s.ok()) fs_->WroteAt(fname_, offset + data.size());
    return s;
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data,
                                     uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     const rocksdb::DataVerificationInfo& info,
                                     rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = fs_->BeforeWrite(fname_);
    if (s.ok()) {
      s = target()->PositionedAppend(data, offset, options, info, dbg);
    }
    if (s.ok()) fs_->WroteAt(fname_, offset + data.size());
    return s;
  }
  rocksdb::IOStatus Truncate(uint64_t size, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->Truncate(size, options, dbg);
    if (s.ok()) fs_->Truncated(fname_, size);
    return s;
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                         rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = fs_->BeforeSync(fname_);
    if (s.ok()) s = target()->Sync(options, dbg);
    if (s.ok()) fs_->Synced(fname_);
    return s;
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = fs_->BeforeSync(fname_);
    if (s.ok()) s = target()->Fsync(options, dbg);
    if (s.ok()) fs_->Synced(fname_);
    return s;
  }
  // May fail, but makes nothing durable (it does not sync metadata).
  rocksdb::IOStatus RangeSync(uint64_t offset, uint64_t nbytes,
                              const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = fs_->BeforeSync(fname_);
    if (s.ok()) s = target()->RangeSync(offset, nbytes, options, dbg);
    return s;
  }

 private:
  const std::string fname_;             // normalized
  FaultInjectionFileSystem* const fs_;  // outlives the file
};

// Forwards to the real directory and reports successful fsyncs.
class FaultInjectionFileSystem::Directory : public rocksdb::FSDirectory {
 public:
  Directory(std::unique_ptr<rocksdb::FSDirectory> target, std::string name,
            FaultInjectionFileSystem* fs)
      : target_(std::move(target)), name_(std::move(name)), fs_(fs) {}

  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target_->Fsync(options, dbg);
    if (s.ok()) fs_->DirSynced(name_);
    return s;
  }
  rocksdb::IOStatus FsyncWithDirOptions(
      const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg,
      const rocksdb::DirFsyncOptions& dir_options) override {
    rocksdb::IOStatus s =
        target_->FsyncWithDirOptions(options, dbg, dir_options);
    if (s.ok()) fs_->DirSynced(name_);
    return s;
  }
  rocksdb::IOStatus Close(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    return target_->Close(options, dbg);
  }
  size_t GetUniqueId(char* id, size_t max_size) const override {
    return target_->GetUniqueId(id, max_size);
  }

 private:
  std::unique_ptr<rocksdb::FSDirectory> target_;
  const std::string name_;              // normalized
  FaultInjectionFileSystem* const fs_;  // outlives the directory
};

FaultInjectionFileSystem::FaultInjectionFileSystem()
    : FileSystemWrapper(rocksdb::FileSystem::Default()) {}

// ------------------------------------------------------------------ faults

void FaultInjectionFileSystem::FailSyncs(SyncFault fault) {
  std::lock_guard<std::mutex> l(mu_);
  sync_fault_ = fault;
}

void FaultInjectionFileSystem::SetWriteFault(WriteFault fault) {
  std::lock_guard<std::mutex> l(mu_);
  write_fault_ = fault;
}

void FaultInjectionFileSystem::ClearFaults() {
  std::lock_guard<std::mutex> l(mu_);
  sync_fault_ = SyncFault::kNone;
  write_fault_ = WriteFault::kNone;
}

rocksdb::IOStatus FaultInjectionFileSystem::BeforeWrite(
    const std::string& fname) {
  std::lock_guard<std::mutex> l(mu_);
  switch (write_fault_) {
    case WriteFault::kNone:
      return rocksdb::IOStatus::OK();
    case WriteFault::kNoSpace:
      ++counters_.failed_writes;
      return rocksdb::IOStatus::NoSpace("injected: disk full writing " + fname);
    case WriteFault::kIOError:
      ++counters_.failed_writes;
      return rocksdb::IOStatus::IOError("injected write error on " + fname);
  }
  return rocksdb::IOStatus::OK();
}

rocksdb::IOStatus FaultInjectionFileSystem::BeforeSync(
    const std::string& fname) {
  std::lock_guard<std::mutex> l(mu_);
  if (sync_fault_ == SyncFault::kNone) return rocksdb::IOStatus::OK();
  if (sync_fault_ == SyncFault::kNext) sync_fault_ = SyncFault::kNone;
  ++counters_.failed_syncs;
  return rocksdb::IOStatus::IOError("injected sync failure on " + fname);
}

// ---------------------------------------------------------------- tracking

void FaultInjectionFileSystem::Track(const std::string& fname, uint64_t size,
                                     bool created) {
  std::lock_guard<std::mutex> l(mu_);
  files_[fname] = FileState{size, size};
  if (created) new_in_dir_[DirOf(fname)].insert(fname);
}

void FaultInjectionFileSystem::Appended(const std::string& fname, uint64_t n) {
  std::lock_guard<std::mutex> l(mu_);
  ++counters_.appends;
  files_[fname].size += n;
}

void FaultInjectionFileSystem::WroteAt(const std::string& fname,
                                       uint64_t end_offset) {
  std::lock_guard<std::mutex> l(mu_);
  ++counters_.appends;
  FileState& f = files_[fname];
  if (end_offset > f.size) f.size = end_offset;
}

void FaultInjectionFileSystem::Truncated(const std::string& fname,
                                         uint64_t size) {
  std::lock_guard<std::mutex> l(mu_);
  FileState& f = files_[fname];
  f.size = std::min(f.size, size);
  f.synced = std::min(f.synced, size);
}

void FaultInjectionFileSystem::Synced(const std::string& fname) {
  std::lock_guard<std::mutex> l(mu_);
  ++counters_.syncs;
  FileState& f = files_[fname];
  f.synced = f.size;
}

void FaultInjectionFileSystem::DirSynced(const std::string& dir) {
  std::lock_guard<std::mutex> l(mu_);
  ++counters_.dir_syncs;
  new_in_dir_.erase(dir);
}

// ------------------------------------------------------------ FileSystem

rocksdb::IOStatus FaultInjectionFileSystem::NewWritableFile(
    const std::string& fname, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result,
    rocksdb::IODebugContext* dbg) {
  const std::string name = Normalize(fname);
  const bool existed = target()->FileExists(name, {}, dbg).ok();
  std::unique_ptr<rocksdb::FSWritableFile> file;
  rocksdb::IOStatus s = target()->NewWritableFile(name, options, &file, dbg);
  if (!s.ok()) return s;
  Track(name, 0, !existed);
  *result = std::make_unique<File>(std::move(file), name, this);
  return s;
}

rocksdb::IOStatus FaultInjectionFileSystem::ReopenWritableFile(
    const std::string& fname, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result,
    rocksdb::IODebugContext* dbg) {
  const std::string name = Normalize(fname);
  uint64_t size = 0;
  const bool existed = target()->GetFileSize(name, {}, &size, dbg).ok();
  std::unique_ptr<rocksdb::FSWritableFile> file;
  rocksdb::IOStatus s = target()->ReopenWritableFile(name, options, &file, dbg);
  if (!s.ok()) return s;
  Track(name, existed ? size : 0, !existed);
  *result = std::make_unique<File>(std::move(file), name, this);
  return s;
}

rocksdb::IOStatus FaultInjectionFileSystem::ReuseWritableFile(
    const std::string&, const std::string&, const rocksdb::FileOptions&,
    std::unique_ptr<rocksdb::FSWritableFile>*, rocksdb::IODebugContext*) {
  return rocksdb::IOStatus::NotSupported(
      "FaultInjectionFileSystem does not model recycled files");
}

rocksdb::IOStatus FaultInjectionFileSystem::NewDirectory(
    const std::string& name, const rocksdb::IOOptions& options,
    std::unique_ptr<rocksdb::FSDirectory>* result,
    rocksdb::IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSDirectory> dir;
  rocksdb::IOStatus s = target()->NewDirectory(name, options, &dir, dbg);
  if (!s.ok()) return s;
  *result = std::make_unique<Directory>(std::move(dir), Normalize(name), this);
  return s;
}

rocksdb::IOStatus FaultInjectionFileSystem::DeleteFile(
    const std::string& fname, const rocksdb::IOOptions& options,
    rocksdb::IODebugContext* dbg) {
  const std::string name = Normalize(fname);
  rocksdb::IOStatus s = target()->DeleteFile(name, options, dbg);
  if (s.ok()) {
    std::lock_guard<std::mutex> l(mu_);
    files_.erase(name);
    auto it = new_in_dir_.find(DirOf(name));
    if (it != new_in_dir_.end()) it->second.erase(name);
  }
  return s;
}

rocksdb::IOStatus FaultInjectionFileSystem::RenameFile(
    const std::string& src, const std::string& target_name,
    const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) {
  const std::string from = Normalize(src);
  const std::string to = Normalize(target_name);
  rocksdb::IOStatus s = target()->RenameFile(from, to, options, dbg);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> l(mu_);
  // The file keeps its sync state under its new name.
  files_.erase(to);
  if (auto it = files_.find(from); it != files_.end()) {
    files_[to] = it->second;
    files_.erase(it);
  }
  // A new (not yet durable) name stays new under its new name.
  auto& from_dir = new_in_dir_[DirOf(from)];
  const bool was_new = from_dir.erase(from) > 0;
  auto& to_dir = new_in_dir_[DirOf(to)];
  to_dir.erase(to);
  if (was_new) to_dir.insert(to);
  return s;
}

// ------------------------------------------------------------ power loss

rocksdb::IOStatus FaultInjectionFileSystem::DropUnsyncedData() {
  std::lock_guard<std::mutex> l(mu_);
  rocksdb::IOStatus first = rocksdb::IOStatus::OK();
  for (const auto& [dir, names] : new_in_dir_) {
    for (const std::string& name : names) {
      rocksdb::IOStatus s = target()->DeleteFile(name, {}, nullptr);
      if (s.ok()) {
        ++counters_.deleted_files;
      } else if (!s.IsNotFound() && first.ok()) {
        first = s;
      }
      files_.erase(name);
    }
  }
  new_in_dir_.clear();
  for (auto& [name, f] : files_) {
    if (f.size <= f.synced) continue;
    // The default (POSIX) FileSystem does not implement Truncate.
    std::error_code ec;
    std::filesystem::resize_file(name, f.synced, ec);
    if (!ec) {
      counters_.dropped_bytes += f.size - f.synced;
    } else if (ec != std::errc::no_such_file_or_directory && first.ok()) {
      first = rocksdb::IOStatus::IOError("truncating " + name, ec.message());
    }
    f.size = f.synced;
  }
  return first;
}

uint64_t FaultInjectionFileSystem::UnsyncedBytes() const {
  std::lock_guard<std::mutex> l(mu_);
  uint64_t n = 0;
  for (const auto& [name, f] : files_) {
    if (f.size > f.synced) n += f.size - f.synced;
  }
  return n;
}

FaultInjectionFileSystem::Counters FaultInjectionFileSystem::counters() const {
  std::lock_guard<std::mutex> l(mu_);
  return counters_;
}

void FaultInjectionFileSystem::ResetCounters() {
  std::lock_guard<std::mutex> l(mu_);
  counters_ = Counters{};
}

}  // namespace paraphe::test
