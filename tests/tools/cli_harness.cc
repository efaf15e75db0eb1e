#include "tests/tools/cli_harness.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

extern char** environ;

namespace paraphe::cli {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const fs::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

fs::path MakeTempDir() {
  std::string tmpl =
      (fs::temp_directory_path() / "paraphe-cli-XXXXXX").string();
  char* made = mkdtemp(tmpl.data());
  if (made == nullptr) std::abort();
  return fs::path(made);
}

json::value Ran::Json() const {
  boost::system::error_code ec;
  json::value v = json::parse(out, ec);
  EXPECT_FALSE(ec) << "stdout is not JSON: " << out << "\nstderr: " << err;
  return v;
}

// Runs paraphe with `args`; stdout and stderr are captured through files
// (never a terminal, so no progress bar).
Ran Paraphe(const std::vector<std::string>& args) {
  static int counter = 0;
  const fs::path dir = fs::temp_directory_path();
  const std::string tag =
      std::to_string(getpid()) + "-" + std::to_string(++counter);
  const fs::path out = dir / ("paraphe-out-" + tag);
  const fs::path err = dir / ("paraphe-err-" + tag);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> argv_s = {kParaphe};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  Ran r;
  if (posix_spawn(&pid, kParaphe.c_str(), &fa, nullptr, argv.data(), environ) !=
      0) {
    ADD_FAILURE() << "cannot run " << kParaphe;
    return r;
  }
  posix_spawn_file_actions_destroy(&fa);
  int status = 0;
  waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = Slurp(out);
  r.err = Slurp(err);
  fs::remove(out);
  fs::remove(err);
  return r;
}

std::string Describe(const Ran& r) {
  return "exit " + std::to_string(r.code) + "\nstdout: " + r.out +
         "\nstderr: " + r.err;
}

}  // namespace paraphe::cli
