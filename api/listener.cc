#include "api/listener.h"

#include <unistd.h>

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <utility>

#include "api/problem.h"
#include "api/session.h"

namespace paraphe::api {
namespace {

std::string RejectionBytes() {
  Response res =
      ProblemResponse(http::status::service_unavailable, "too_many_connections",
                      "the server is at its connection limit; retry later");
  res.keep_alive(false);
  res.set(http::field::server, "paraphed");
  std::string out = "HTTP/1.1 503 Service Unavailable\r\n";
  for (const auto& f : res.base()) {
    out +=
        std::string(f.name_string()) + ": " + std::string(f.value()) + "\r\n";
  }
  out += "\r\n" + res.body();
  return out;
}

// Reads until EOF, error or the stream's deadline; `keep` holds the state.
template <class Keep, class Buffer>
void DrainAndClose(Keep keep, PlainStream& stream, Buffer& scratch) {
  stream.async_read_some(
      net::buffer(scratch),
      [keep, &stream, &scratch](beast::error_code ec, size_t) {
        if (ec) {
          beast::error_code ignored;
          stream.socket().close(ignored);
          return;
        }
        DrainAndClose(keep, stream, scratch);
      });
}

}  // namespace

Result<ListeningSocket> ListeningSocket::Bind(const tcp::endpoint& endpoint) {
  std::string where =
      endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  // A private io_context: no thread runs it, the acceptor only binds.
  net::io_context ioc;
  tcp::acceptor acceptor(ioc);
  beast::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  ListeningSocket socket;
  if (!ec) socket.local_ = acceptor.local_endpoint(ec);
  if (ec) return Unavailable("cannot listen on " + where + ": " + ec.message());
  socket.fd_ = acceptor.release(ec);
  if (ec) return Unavailable("cannot listen on " + where + ": " + ec.message());
  return socket;
}

ListeningSocket::ListeningSocket(ListeningSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), local_(other.local_) {}

ListeningSocket& ListeningSocket::operator=(ListeningSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    local_ = other.local_;
  }
  return *this;
}

ListeningSocket::~ListeningSocket() {
  if (fd_ >= 0) ::close(fd_);
}

int ListeningSocket::Release() { return std::exchange(fd_, -1); }

Listener::Listener(net::io_context& ioc, ServerState& state,
                   net::ssl::context* tls)
    : ioc_(ioc),
      state_(state),
      tls_(tls),
      strand_(net::make_strand(ioc)),
      acceptor_(strand_) {}

Status Listener::Open(ListeningSocket socket) {
  if (!socket.is_open()) return Unavailable("no listening socket");
  const tcp::endpoint local = socket.local_endpoint();
  const int fd = socket.Release();
  beast::error_code ec;
  acceptor_.assign(local.protocol(), fd, ec);
  if (ec) {
    ::close(fd);
    return Unavailable("cannot listen on " + local.address().to_string() + ":" +
                       std::to_string(local.port()) + ": " + ec.message());
  }
  return Status::Ok();
}

tcp::endpoint Listener::local_endpoint() const {
  beast::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void Listener::Run() {
  net::dispatch(strand_, [self = shared_from_this()] { self->DoAccept(); });
}

void Listener::Stop() {
  net::dispatch(strand_, [self = shared_from_this()] {
    beast::error_code ignored;
    self->acceptor_.close(ignored);
  });
}

void Listener::DoAccept() {
  if (!acceptor_.is_open()) return;
  acceptor_.async_accept(
      net::make_strand(ioc_),
      [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
        self->OnAccept(ec, std::move(socket));
      });
}

void Listener::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (!ec) {
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (static_cast<size_t>(state_.metrics->connections()) >=
        state_.limits.max_connections) {
      Reject(std::move(socket));
    } else {
      ConnectionGuard guard(state_.metrics);
      if (tls_ != nullptr) {
        StartTlsSession(std::move(socket), *tls_, state_, std::move(guard));
      } else {
        StartPlainSession(std::move(socket), state_, std::move(guard));
      }
    }
  }
  // Accept errors (EMFILE...) are transient: keep accepting.
  DoAccept();
}

void Listener::Reject(tcp::socket socket) {
  state_.metrics->ObserveRequest("rejected connection", 503, 0);
  if (tls_ != nullptr) {
    beast::error_code ignored;
    socket.close(ignored);
    return;
  }
  // Write the 503, half-close, then drain briefly so that the client reads
  // the answer instead of a reset.
  struct Rejection {
    explicit Rejection(tcp::socket s) : stream(std::move(s)) {}
    PlainStream stream;
    std::string bytes = RejectionBytes();
    std::array<char, 4096> scratch{};
  };
  auto r = std::make_shared<Rejection>(std::move(socket));
  r->stream.expires_after(std::chrono::seconds(1));
  net::async_write(
      r->stream, net::buffer(r->bytes), [r](beast::error_code ec, size_t) {
        if (ec) return;
        beast::error_code ignored;
        r->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        DrainAndClose(r, r->stream, r->scratch);
      });
}

}  // namespace paraphe::api
