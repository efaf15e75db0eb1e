// Listener: accepts TCP connections and starts a session on each, on its own
// strand. Beyond `max_connections` open connections, a new connection gets a
// 503 problem response (plain HTTP) or is closed at once (TLS), so a flood
// of clients cannot exhaust file descriptors or memory.
//
// Thread-safety: Run and Stop may be called from any thread. Lifetime: held
// by its pending accept; ServerState (and the TLS context) must outlive it.
//
// ListeningSocket: a socket bound and listening before any server exists, so
// that paraphed can bind (a low port, as root) and then drop its privileges
// before it opens the ledger (paraphed_main.cc). Move-only; closes its
// descriptor unless a Listener adopts it. Not synchronized (a value).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>
#include <memory>

#include "api/server_state.h"
#include "api/streams.h"
#include "crypto/status.h"

namespace paraphe::api {

class ListeningSocket {
 public:
  // Opens, binds (SO_REUSEADDR) and listens: kUnavailable naming the address
  // on failure.
  static Result<ListeningSocket> Bind(const tcp::endpoint& endpoint);

  ListeningSocket() = default;
  ListeningSocket(ListeningSocket&& other) noexcept;
  ListeningSocket& operator=(ListeningSocket&& other) noexcept;
  ListeningSocket(const ListeningSocket&) = delete;
  ListeningSocket& operator=(const ListeningSocket&) = delete;
  ~ListeningSocket();

  bool is_open() const { return fd_ >= 0; }
  const tcp::endpoint& local_endpoint() const { return local_; }
  // Gives up the descriptor (-1 if none); the caller closes it.
  int Release();

 private:
  int fd_ = -1;
  tcp::endpoint local_;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // tls may be null (plain HTTP); it must outlive the listener.
  Listener(net::io_context& ioc, ServerState& state, net::ssl::context* tls);

  // Adopts a socket bound by ListeningSocket::Bind; kUnavailable if it is
  // not open or cannot be adopted.
  Status Open(ListeningSocket socket);
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
