// Small helpers shared by paraphe-bench's measurements: clocks, parallel
// loops, temporary directories, disk usage, percentiles, child processes.
// Thread-safety: free functions; ParallelFor runs fn concurrently.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "crypto/status.h"

namespace paraphe::bench {

// Hardware threads (at least 1).
int Cores();

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  void Restart() { start_ = std::chrono::steady_clock::now(); }

 private:
  std::chrono::steady_clock::time_point start_;
};

// Calls fn(thread, i) for every i in [0, n), on `threads` threads (Cores()
// when 0), each taking contiguous chunks from a shared counter.
void ParallelFor(size_t n, const std::function<void(int thread, size_t i)>& fn,
                 int threads = 0);

// A directory removed (recursively) on destruction unless keep is set.
class TempDir {
 public:
  // Creates <parent>/<prefix>XXXXXX with mode 0700.
  static Result<TempDir> Create(const std::filesystem::path& parent, const std::string& prefix);
  TempDir(TempDir&& o) noexcept;
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  void Keep() { keep_ = true; }

 private:
  explicit TempDir(std::filesystem::path p) : path_(std::move(p)) {}
  std::filesystem::path path_;
  bool keep_ = false;
};

// Bytes allocated on disk under path, like `du -s --block-size=1`.
uint64_t DiskUsageBytes(const std::filesystem::path& path);

// q in [0, 1] of the samples (sorted in place); 0 when empty.
double Percentile(std::vector<double>& samples, double q);

// A field of /proc/PID/status in kB ("VmHWM", "VmRSS"); -1 if unreadable.
int64_t ProcStatusKb(pid_t pid, const std::string& field);

// Runs argv to completion with stdout and stderr appended to log_file;
// returns the exit code (or -1 when it could not run / was killed).
int RunCommand(const std::vector<std::string>& argv, const std::filesystem::path& log_file);

// A child process with its stdout on a pipe; killed (SIGKILL) and reaped on
// destruction if still running.
class Child {
 public:
  static Result<Child> Spawn(const std::vector<std::string>& argv,
                             const std::filesystem::path& stderr_file);
  Child(Child&& o) noexcept;
  Child& operator=(Child&&) = delete;
  Child(const Child&) = delete;
  ~Child();
  pid_t pid() const { return pid_; }
  // Reads stdout until a line containing `marker` (returned) or the timeout
  // passes / the child closes stdout (kUnavailable).
  Result<std::string> WaitForLine(const std::string& marker, std::chrono::milliseconds timeout);
  // SIGTERM, then SIGKILL after the grace period; returns the exit status.
  int Stop(std::chrono::milliseconds grace);

 private:
  Child(pid_t pid, int out) : pid_(pid), out_(out) {}
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buffered_;
};

// A currently free TCP port on 127.0.0.1 (racy by nature; good enough here).
int FreeLoopbackPort();

std::string HumanRate(double per_second);

// The first `max` bytes of a file, for error messages ("" if unreadable).
std::string ReadHead(const std::filesystem::path& path, size_t max = 2000);

}  // namespace paraphe::bench
