// HttpSession: one HTTP/1.1 connection (plain or TLS), after Beast's
// advanced server. Reads requests with the configured header and body limits
// under a whole-request deadline, routes them, runs plain handlers on the
// worker pool (never on an io thread) and writes the responses in request
// order. Pipelining: it keeps reading while fewer than `pipeline_limit`
// responses are pending. A GET /v1/subscribe hands the connection over to an
// SseSession once earlier responses are written.
//
// Back-pressure: when ServerState::pending_responses has reached
// `max_in_flight` (server-wide), a new request is answered 503 with
// Retry-After at once, without running its handler.
//
// Oversized headers (431), bodies (413) and malformed requests (400) get a
// problem response, then the connection is closed after draining what the
// client was still sending, so the client reads the response.
//
// Thread-safety: every member runs on the connection's strand. Lifetime: kept
// alive by the shared_ptrs its pending operations hold; ServerState must
// outlive it.
#pragma once

#include <array>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "api/http_types.h"
#include "api/server_state.h"
#include "api/streams.h"

namespace paraphe::api {

template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  HttpSession(Stream&& stream, ServerState& state, ConnectionGuard guard,
              std::string remote);
  // Starts the session (after the TLS handshake for TLS streams).
  void Run();

 private:
  struct Slot {
    std::shared_ptr<Request> request;
    std::optional<Response> response;
    std::string route = "unmatched";
    std::chrono::steady_clock::time_point start;
    bool close_after = false;
  };

  void Start();
  void DoRead();
  void OnHeader(beast::error_code ec);
  void OnRead(beast::error_code ec, size_t bytes);
  void OnReadDeadline(beast::error_code ec);
  void Dispatch(std::shared_ptr<Request> request);
  // Appends a slot for a request-less failure (413, 431, 400) and stops.
  void Fail(Response response);
  void Complete(uint64_t id, Response response);
  void MaybeWrite();
  void OnWrite(beast::error_code ec, size_t bytes);
  void MaybeHandOver();
  void CloseGracefully();
  void Drain();
  void Close();
  bool CanRead() const;

  Stream stream_;
  ServerState& state_;
  ConnectionGuard guard_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  net::steady_timer read_timer_;
  std::deque<Slot> queue_;
  uint64_t front_id_ = 0;  // id of queue_.front()
  bool reading_ = false;
  bool writing_ = false;
  bool stop_reading_ = false;  // close after the queued responses
  bool closed_ = false;
  std::optional<uint64_t> subscribe_from_;  // set once a subscription is routed
  unsigned subscribe_version_ = 11;
  std::array<char, 16384> drain_buf_{};
  size_t drained_ = 0;
};

// Starts a session on an accepted socket (plain), or on a TLS stream.
void StartPlainSession(tcp::socket socket, ServerState& state,
                       ConnectionGuard guard);
void StartTlsSession(tcp::socket socket, net::ssl::context& tls,
                     ServerState& state, ConnectionGuard guard);

}  // namespace paraphe::api
