#include "tests/api/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace paraphe::api::test {

std::string ParaphedPath() {
  return std::string(PARAPHE_BINARY_DIR) + "/api/paraphed";
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Stop(SIGKILL);
}

Status ServerProcess::Start(const std::filesystem::path& data_dir,
                            const std::vector<std::string>& extra,
                            std::filesystem::path log) {
  if (log.empty()) log = data_dir.parent_path() / "paraphed.log";
  std::vector<std::string> args = {ParaphedPath(), "--data", data_dir.string(),
                                   "--listen", "127.0.0.1:0"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto names = [&extra](const char* flag) {
    return std::find(extra.begin(), extra.end(), flag) != extra.end();
  };
  if (allow_root_when_root_ && geteuid() == 0 && !names("--user") &&
      !names("--allow-root")) {
    args.push_back("--allow-root");
  }
  url_.clear();
  int out[2];
  if (pipe(out) != 0) return Internal("pipe failed");
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return Internal("fork failed");
  if (pid == 0) {
    // Die with the test: a test killed by a signal (a timeout, SIGPIPE)
    // runs no destructor. (Cleared again if paraphed drops to --user.)
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(out[1], 1);
    int err = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (err >= 0) dup2(err, 2);
    close(out[0]);
    close(out[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  pid_ = pid;
  stdout_fd_ = out[0];
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{stdout_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char c;
    ssize_t n = read(stdout_fd_, &c, 1);
    if (n <= 0) break;
    if (c == '\n') {
      const std::string prefix = "listening on ";
      if (line.rfind(prefix, 0) == 0) {
        url_ = line.substr(prefix.size());
        return Status::Ok();
      }
      line.clear();
    } else {
      line.push_back(c);
    }
  }
  Stop(SIGKILL);
  return Unavailable("paraphed did not start; see " + log.string());
}

int ServerProcess::Stop(int sig) {
  if (pid_ <= 0) return -1;
  kill(pid_, sig);
  int status = 0;
  int code = -1;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (true) {
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      code = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdout_fd_ = -1;
  pid_ = -1;
  exit_code_ = code;
  return code;
}

}  // namespace paraphe::api::test
