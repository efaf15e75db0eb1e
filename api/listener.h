// Listener: accepts TCP connections and starts a session on each, on its own
// strand. Beyond `max_connections` open connections, a new connection gets a
// 503 problem response (plain HTTP) or is closed at once (TLS), so a flood
// of clients cannot exhaust file descriptors or memory.
//
// Thread-safety: Run and Stop may be called from any thread. Lifetime: held
// by its pending accept; ServerState (and the TLS context) must outlive it.
#pragma once

#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>

#include "api/server_state.h"
#include "api/streams.h"
#include "crypto/status.h"

namespace paraphe::api {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // tls may be null (plain HTTP); it must outlive the listener.
  Listener(net::io_context& ioc, ServerState& state, net::ssl::context* tls);

  // Binds and listens: kUnavailable naming the address on failure.
  Status Open(const tcp::endpoint& endpoint);
  tcp::endpoint local_endpoint() const;

  void Run();
  // Stops accepting; established connections are not touched.
  void Stop();

 private:
  void DoAccept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void Reject(tcp::socket socket);

  net::io_context& ioc_;
  ServerState& state_;
  net::ssl::context* tls_;
  net::strand<net::io_context::executor_type> strand_;
  tcp::acceptor acceptor_;
};

}  // namespace paraphe::api
