// paraphed: the Paraphe HTTP server (docs/API.md).
//
//   paraphed --data DIR [--listen 127.0.0.1:8080] [--threads N] [--workers N]
//            [--tls-cert F --tls-key F] [--read-token-file F]
//            [--max-body BYTES] [--max-header BYTES] [--read-timeout-ms MS]
//            [--max-connections N] [--quiet]
//
// Prints "listening on http://HOST:PORT" on stdout once it accepts
// connections. SIGTERM or SIGINT: stop accepting, finish the appends in
// flight, close the ledger, exit 0. Exit 1 when the ledger or the server
// cannot start, 2 for bad flags.
#include <csignal>
#include <cstdio>
#include <iostream>

#include <pthread.h>

#include <CLI/CLI.hpp>

#include "api/config.h"
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
  if (!token_file.empty()) {
    auto token = paraphe::api::LoadReadToken(token_file);
    if (!token.ok()) return Fail(token.status());
    options.read_token = std::move(*token);
  }
  if (auto st = paraphe::api::ValidateOptions(options); !st.ok()) {
    return Fail(st);
  }

  auto ledger = paraphe::ledger::Ledger::Open(data_dir);
  if (!ledger.ok()) return Fail(ledger.status().WithContext(data_dir));
  auto server = paraphe::api::Server::Start(**ledger, options);
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
