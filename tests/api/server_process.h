// ServerProcess: runs the real `paraphed` binary for integration tests on
// 127.0.0.1:0 and reads the URL it prints. The destructor kills it, and so
// does the kernel if the test process dies first (PR_SET_PDEATHSIG).
// Tests run as root in CI: then it passes --allow-root (paraphed refuses
// root otherwise) unless set_allow_root_when_root(false) or `extra` names
// --user or --allow-root itself.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "crypto/status.h"

namespace paraphe::api::test {

class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts paraphed --data DIR --listen 127.0.0.1:0 plus `extra` flags;
  // waits (up to 30 s) for its "listening on URL" line. Its stderr goes to
  // `log` (default DIR/../paraphed.log). kUnavailable if it exits or stays
  // silent; exit_code() then tells how it ended.
  Status Start(const std::filesystem::path& data_dir,
               const std::vector<std::string>& extra = {},
               std::filesystem::path log = {});
  // Sends `sig` and waits up to 30 s; returns the exit code (or 128+signal),
  // -1 if it had to be killed.
  int Stop(int sig = 15);
  bool running() const { return pid_ > 0; }
  // The code Stop() returned last (after a failed Start, the exit code).
  int exit_code() const { return exit_code_; }
  void set_allow_root_when_root(bool allow) { allow_root_when_root_ = allow; }
  const std::string& url() const { return url_; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string url_;
  int exit_code_ = -1;
  bool allow_root_when_root_ = true;
};

std::string ParaphedPath();

}  // namespace paraphe::api::test
