// ServerProcess: runs the real `paraphed` binary for integration tests on
// 127.0.0.1:0 and reads the URL it prints. The destructor kills it.
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
  // `log` (default DIR/../paraphed.log).
  Status Start(const std::filesystem::path& data_dir,
               const std::vector<std::string>& extra = {},
               std::filesystem::path log = {});
  // Sends `sig` and waits up to 30 s; returns the exit code (or 128+signal),
  // -1 if it had to be killed.
  int Stop(int sig = 15);
  bool running() const { return pid_ > 0; }
  const std::string& url() const { return url_; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string url_;
};

std::string ParaphedPath();

}  // namespace paraphe::api::test
