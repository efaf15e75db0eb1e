// paraphed: the Paraphe HTTP server (docs/API.md).
//
//   paraphed --data DIR [--listen 127.0.0.1:8080] [--threads N] [--workers N]
//            [--tls-cert F --tls-key F] [--read-token-file F]
//            [--max-body BYTES] [--max-header BYTES] [--read-timeout-ms MS]
//            [--max-connections N] [--max-in-flight N] [--queue-capacity N]
//            [--user NAME | --allow-root] [--quiet]
//
// Start-up order: check the flags and the root policy (api/privileges.h),
// bind the listening socket, drop to --user, then read the token and TLS
// files and open the ledger as that user, and serve.
//
// Prints "listening on http://HOST:PORT" on stdout once it accepts
// connections. SIGTERM or SIGINT: stop accepting, finish the appends in
// flight, close the ledger, exit 0. Exit 1 when the ledger or the server
// cannot start (or the privilege drop fails), 2 for bad flags and when run
// as root without --user or --allow-root.
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include "api/config.h"
#include "api/listener.h"
#include "api/privileges.h"
#include "api/server.h"
#include "ledger/ledger.h"

namespace {

int Fail(const paraphe::Status& status) {
  std::cerr << "paraphed: " << status.ToString() << std::endl;
  return status.code() == paraphe::StatusCode::kInvalidArgument ? 2 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  using paraphe::api::ServerOptions;
  // Files are private: what this process creates (RocksDB's WAL, tables and
  // manifests, which take their mode from the umask) is 0600, directories
  // 0700. The ledger's own directories are private anyway (Ledger::Init
  // makes them 0700, Ledger::Open refuses them otherwise); this makes the
  // files inside private too.
  ::umask(077);
  // Block the shutdown signals in every thread (the ledger writer, io
  // threads and workers inherit the mask); main waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{"paraphed: the Paraphe audit ledger HTTP server"};
  std::string data_dir;
  std::string tls_cert, tls_key, token_file;
  uint64_t read_timeout_ms = 30000;
  bool quiet = false;
  ServerOptions options;
  paraphe::ledger::LedgerOptions ledger_options;
  paraphe::api::PrivilegeOptions privileges;
  std::string user;
  app.add_option("--data", data_dir, "ledger directory (paraphe init)")
      ->required();
  app.add_option("--listen", options.listen,
                 "host:port to listen on; port 0 picks a free port")
      ->capture_default_str();
  app.add_option("--threads", options.io_threads, "io threads")
      ->capture_default_str();
  app.add_option("--workers", options.workers,
                 "worker threads (signature checks, reads)")
      ->capture_default_str();
  app.add_option("--tls-cert", tls_cert, "TLS certificate chain (PEM)");
  app.add_option("--tls-key", tls_key, "TLS private key (PEM)");
  app.add_option("--read-token-file", token_file,
                 "require Authorization: Bearer <token> on GET endpoints");
  app.add_option("--max-body", options.limits.body_limit,
                 "request body limit in bytes")
      ->capture_default_str();
  app.add_option("--max-header", options.limits.header_limit,
                 "request header limit in bytes")
      ->capture_default_str();
  app.add_option("--read-timeout-ms", read_timeout_ms,
                 "deadline to receive a whole request (and idle keep-alive)")
      ->capture_default_str();
  app.add_option("--max-connections", options.limits.max_connections,
                 "open connections before new ones get 503")
      ->capture_default_str();
  app.add_option("--max-in-flight", options.limits.max_in_flight,
                 "requests being handled server-wide before new ones get "
                 "503 + Retry-After")
      ->capture_default_str();
  app.add_option("--queue-capacity", ledger_options.queue_capacity,
                 "appends waiting for the ledger's writer before new ones "
                 "get 503 + Retry-After")
      ->capture_default_str();
  app.add_option("--user", user,
                 "when started as root: bind, then run as this user");
  app.add_flag("--allow-root", privileges.allow_root,
               "run as root anyway (not recommended; prefer --user)");
  app.add_flag("--quiet", quiet, "no access log on stderr");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  options.limits.read_timeout = std::chrono::milliseconds(read_timeout_ms);
  options.access_log = !quiet;
  if (!tls_cert.empty()) options.tls_cert = tls_cert;
  if (!tls_key.empty()) options.tls_key = tls_key;
  if (!user.empty()) privileges.user = user;
  if (auto st = paraphe::api::ValidateOptions(options); !st.ok()) {
    return Fail(st);
  }
  if (ledger_options.queue_capacity == 0) {
    return Fail(paraphe::InvalidArgument("--queue-capacity must be > 0"));
  }
  if (auto st = paraphe::api::CheckRootPolicy(geteuid(), privileges);
      !st.ok()) {
    return Fail(st);
  }
  std::optional<paraphe::api::TargetUser> target;
  if (privileges.user) {
    auto found = paraphe::api::LookUpUser(*privileges.user);
    if (!found.ok()) return Fail(found.status());
    target = std::move(*found);
  } else if (privileges.allow_root && geteuid() == 0) {
    std::cerr << "paraphed: warning: running as root (--allow-root); prefer "
                 "--user NAME"
              << std::endl;
  }

  // Bind first (as root, a port below 1024 works), then drop privileges
  // before reading any key, token or ledger file.
  auto endpoint = paraphe::api::ParseListen(options.listen);
  if (!endpoint.ok()) return Fail(endpoint.status());
  auto socket = paraphe::api::ListeningSocket::Bind(*endpoint);
  if (!socket.ok()) return Fail(socket.status());
  if (target) {
    if (auto st = paraphe::api::DropPrivileges(*target); !st.ok()) {
      return Fail(st.WithContext("dropping root privileges"));
    }
    if (auto st = paraphe::api::CheckDataDirAccess(data_dir, *target);
        !st.ok()) {
      return Fail(st);
    }
    std::cerr << "paraphed: running as " << target->name << " (uid "
              << target->uid << ", gid " << target->gid << ")" << std::endl;
  }
  if (!token_file.empty()) {
    auto token = paraphe::api::LoadReadToken(token_file);
    if (!token.ok()) return Fail(token.status());
    options.read_token = std::move(*token);
  }

  auto ledger = paraphe::ledger::Ledger::Open(data_dir, ledger_options);
  if (!ledger.ok()) return Fail(ledger.status().WithContext(data_dir));
  auto server =
      paraphe::api::Server::Start(**ledger, options, std::move(*socket));
  if (!server.ok()) return Fail(server.status());

  std::cout << "listening on " << (*server)->url() << std::endl;

  int sig = 0;
  sigwait(&signals, &sig);
  std::cerr << "paraphed: signal " << sig << ", shutting down" << std::endl;
  (*server)->Shutdown(std::chrono::seconds(10));
  ledger->reset();  // drains the writer, flushes and closes RocksDB
  server->reset();
  return 0;
}
