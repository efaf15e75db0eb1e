// Server: paraphed's engine. Owns the io_context and its N io threads, the
// worker pool (signature verification, reads), the router, the metrics and
// the listener; serves one Ledger.
//
// Shutdown order (what SIGTERM does, see paraphed_main.cc): Shutdown() stops
// accepting, refuses new appends with 503, waits for appends in flight and
// pending responses (up to `grace`), then stops the io threads and the
// workers. The caller then destroys the Ledger (which drains its writer and
// closes RocksDB) and only then the Server, so that late writer callbacks
// still find the worker pool and the io_context (stopped) alive.
//
// Thread-safety: Start, endpoint, url and Shutdown may be called from any
// thread. Lifetime: the Ledger must outlive Shutdown().
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/config.h"
#include "api/handlers.h"
#include "api/listener.h"
#include "api/metrics.h"
#include "api/router.h"
#include "api/server_state.h"
#include "ledger/ledger.h"

namespace paraphe::api {

class Server {
 public:
  // Binds, then starts the io threads. kInvalidArgument for bad options or
  // TLS files, kUnavailable if the address cannot be bound.
  static Result<std::unique_ptr<Server>> Start(ledger::Ledger& ledger,
                                               const ServerOptions& options);
  // The same on a socket bound earlier (paraphed binds before it drops root
  // privileges and opens the ledger); options.listen is then not used.
  static Result<std::unique_ptr<Server>> Start(ledger::Ledger& ledger,
                                               const ServerOptions& options,
                                               ListeningSocket socket);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  boost::asio::ip::tcp::endpoint endpoint() const;
  std::string url() const;  // "http://127.0.0.1:PORT" (https with TLS)

  // Idempotent; see above.
  void Shutdown(std::chrono::milliseconds grace = std::chrono::seconds(10));

 private:
  Server(ledger::Ledger& ledger, const ServerOptions& options);

  ServerOptions options_;
  Metrics metrics_;
  ApiContext ctx_;
  AccessLog access_log_;
  Router router_;
  ServerState state_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  boost::asio::io_context ioc_;
  // Keeps the io threads running while sessions only wait for the worker
  // pool (once the listener stops, nothing else may be pending).
  std::optional<
      boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>
      work_;
  // After ioc_: destroyed first, so that tasks it still holds release their
  // sessions while the io_context exists.
  boost::asio::thread_pool workers_;
  std::shared_ptr<Listener> listener_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

}  // namespace paraphe::api
