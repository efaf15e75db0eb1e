// FaultInjectionFileSystem: a test-only RocksDB FileSystem that remembers,
// per file, what a power loss would keep, and fails syncs and writes on
// demand. Modelled on LevelDB's db/fault_injection_test.cc and RocksDB's
// utilities/fault_injection_fs.
//
// The durability model (what "synced" means):
//   - a writable file's bytes are durable up to the size it had at its last
//     successful Sync/Fsync (RangeSync makes nothing durable);
//   - a file created (or renamed into place) is durable only once its
//     directory has been fsync'ed after that.
// DropUnsyncedData() applies that model to the real files: every tracked
// file is truncated to its synced size, and files created since their
// directory's last fsync are deleted. Only files opened for writing through
// this file system are tracked; files that existed before (and deletions)
// are treated as durable.
//
// Faults (each stays in force until changed, for every file):
//   FailSyncs(kNext)  the next file Sync/Fsync/RangeSync returns IOError;
//   FailSyncs(kAll)   every one does; the data stays written but unsynced;
//   SetWriteFault(kNoSpace / kIOError)  Append and PositionedAppend return
//                     IOStatus::NoSpace() ("disk full") or IOError and
//                     write nothing.
// Directory fsyncs never fail.
//
// Use it as DBOptions::env through an Env:
//   auto fs = std::make_shared<FaultInjectionFileSystem>();
//   std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
// The Env, hence the file system, must outlive every DB opened with it.
// ReuseWritableFile (WAL recycling) is refused with NotSupported: the
// tracking does not model it, and Paraphe does not enable it.
//
// Thread-safety: every method may be called from any thread (RocksDB calls
// the file system from its background threads). DropUnsyncedData requires
// that no file is open for writing, i.e. the DB is closed.
#pragma once

#include <rocksdb/file_system.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace paraphe::test {

class FaultInjectionFileSystem : public rocksdb::FileSystemWrapper {
 public:
  enum class SyncFault { kNone, kNext, kAll };
  enum class WriteFault { kNone, kNoSpace, kIOError };

  // Operation counts since construction (or ResetCounters).
  struct Counters {
    uint64_t appends = 0;        // successful Append/PositionedAppend calls
    uint64_t syncs = 0;          // successful file Sync/Fsync
    uint64_t dir_syncs = 0;      // successful directory fsyncs
    uint64_t failed_syncs = 0;   // injected sync failures
    uint64_t failed_writes = 0;  // injected write failures
    uint64_t dropped_bytes = 0;  // truncated by DropUnsyncedData
    uint64_t deleted_files = 0;  // deleted by DropUnsyncedData
  };

  // Wraps rocksdb::FileSystem::Default().
  FaultInjectionFileSystem();

  static const char* kClassName() { return "ParapheFaultInjectionFileSystem"; }
  const char* Name() const override { return kClassName(); }

  // --- faults ---
  void FailSyncs(SyncFault fault);
  void SetWriteFault(WriteFault fault);
  void ClearFaults();

  // --- power loss ---
  // Simulates a power cut after the DB was closed (see the model above).
  // Returns the first error of the real truncate/delete calls.
  rocksdb::IOStatus DropUnsyncedData();
  // Bytes a power loss would drop right now, over all tracked files.
  uint64_t UnsyncedBytes() const;

  Counters counters() const;
  void ResetCounters();

  // --- FileSystem overrides ---
  rocksdb::IOStatus NewWritableFile(
      const std::string& fname, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(
      const std::string& fname, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(
      const std::string& fname, const std::string& old_fname,
      const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewDirectory(const std::string& name,
                                 const rocksdb::IOOptions& options,
                                 std::unique_ptr<rocksdb::FSDirectory>* result,
                                 rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& fname,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& src,
                               const std::string& target,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;

 private:
  class File;       // the FSWritableFile wrapper (fault_fs.cc)
  class Directory;  // the FSDirectory wrapper

  struct FileState {
    uint64_t size = 0;    // bytes written through the wrapper so far
    uint64_t synced = 0;  // size at the last successful Sync/Fsync
  };

  // Called by the wrappers. Each returns the injected error, or OK to go on.
  rocksdb::IOStatus BeforeWrite(const std::string& fname);
  rocksdb::IOStatus BeforeSync(const std::string& fname);
  void Appended(const std::string& fname, uint64_t n);
  void WroteAt(const std::string& fname, uint64_t end_offset);
  void Truncated(const std::string& fname, uint64_t size);
  void Synced(const std::string& fname);
  void DirSynced(const std::string& dir);

  // Starts tracking `fname` at `size` bytes, all durable; `created` marks it
  // new in its directory.
  void Track(const std::string& fname, uint64_t size, bool created);

  mutable std::mutex mu_;
  std::map<std::string, FileState> files_;  // by normalized name
  std::map<std::string, std::set<std::string>> new_in_dir_;  // dir -> names
  SyncFault sync_fault_ = SyncFault::kNone;
  WriteFault write_fault_ = WriteFault::kNone;
  Counters counters_;
};

}  // namespace paraphe::test
