#include "api/session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <type_traits>

#include "api/problem.h"
#include "api/sse_session.h"

namespace paraphe::api {
namespace {

constexpr size_t kMaxDrainBytes = 1 << 20;

double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

template <class Stream>
HttpSession<Stream>::HttpSession(Stream&& stream, ServerState& state,
                                 ConnectionGuard guard, std::string remote)
    : stream_(std::move(stream)),
      state_(state),
      guard_(std::move(guard)),
      remote_(std::move(remote)),
      read_timer_(beast::get_lowest_layer(stream_).get_executor()) {}

template <class Stream>
void HttpSession<Stream>::Run() {
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    auto& lowest = beast::get_lowest_layer(stream_);
    lowest.expires_after(state_.limits.read_timeout);
    stream_.async_handshake(
        net::ssl::stream_base::server,
        [self = this->shared_from_this()](beast::error_code ec) {
          beast::get_lowest_layer(self->stream_).expires_never();
          if (ec) return self->Close();
          self->Start();
        });
  } else {
    net::dispatch(beast::get_lowest_layer(stream_).get_executor(),
                  [self = this->shared_from_this()] { self->Start(); });
  }
}

template <class Stream>
void HttpSession<Stream>::Start() {
  DoRead();
}

template <class Stream>
bool HttpSession<Stream>::CanRead() const {
  return !reading_ && !stop_reading_ && !closed_ && !subscribe_from_ &&
         queue_.size() < state_.limits.pipeline_limit;
}

template <class Stream>
void HttpSession<Stream>::DoRead() {
  if (!CanRead()) return;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(state_.limits.header_limit));
  parser_->body_limit(state_.limits.body_limit);
  reading_ = true;
  if (!writing_) beast::get_lowest_layer(stream_).expires_never();
  read_timer_.expires_after(state_.limits.read_timeout);
  read_timer_.async_wait(
      [self = this->shared_from_this()](beast::error_code ec) {
        self->OnReadDeadline(ec);
      });
  http::async_read_header(
      stream_, buffer_, *parser_,
      [self = this->shared_from_this()](beast::error_code ec, size_t) {
        self->OnHeader(ec);
      });
}

template <class Stream>
void HttpSession<Stream>::OnHeader(beast::error_code ec) {
  if (ec || closed_ || parser_->is_done()) return OnRead(ec, 0);
  auto read_body = [self = this->shared_from_this()] {
    http::async_read(self->stream_, self->buffer_, *self->parser_,
                     [self](beast::error_code ec, size_t bytes) {
                       self->OnRead(ec, bytes);
                     });
  };
  const auto& header = parser_->get();
  auto expect = header.find(http::field::expect);
  if (expect == header.end() ||
      !beast::iequals(expect->value(), "100-continue") || writing_ ||
      !queue_.empty()) {
    return read_body();
  }
  // curl waits a second for this before sending a body over 1 KiB.
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  writing_ = true;
  beast::get_lowest_layer(stream_).expires_after(state_.limits.write_timeout);
  net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                   [self = this->shared_from_this(), read_body](
                       beast::error_code ec, size_t) {
                     self->writing_ = false;
                     beast::get_lowest_layer(self->stream_).expires_never();
                     if (ec) return self->OnRead(ec, 0);
                     read_body();
                   });
}

template <class Stream>
void HttpSession<Stream>::OnReadDeadline(beast::error_code ec) {
  if (ec == net::error::operation_aborted || !reading_ || closed_) return;
  if (read_timer_.expiry() > std::chrono::steady_clock::now()) return;
  // The client took too long to send a whole request (or stayed idle).
  stop_reading_ = true;
  if (queue_.empty() && !writing_) Close();
  // Otherwise the connection closes once the pending responses are written.
}

template <class Stream>
void HttpSession<Stream>::OnRead(beast::error_code ec, size_t) {
  reading_ = false;
  read_timer_.cancel();
  if (closed_) return;
  if (ec == http::error::body_limit) {
    return Fail(ProblemResponse(
        http::status::payload_too_large, "body_too_large",
        "the request body exceeds " + std::to_string(state_.limits.body_limit) +
            " bytes"));
  }
  if (ec == http::error::header_limit) {
    return Fail(ProblemResponse(
        http::status::request_header_fields_too_large, "header_too_large",
        "the request header exceeds " +
            std::to_string(state_.limits.header_limit) + " bytes"));
  }
  if (ec &&
      ec.category() ==
          http::make_error_code(http::error::bad_method).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return Fail(ProblemResponse(http::status::bad_request, "bad_request",
                                "malformed HTTP request: " + ec.message()));
  }
  if (ec) {  // EOF, reset, deadline: answer what is queued, then close
    stop_reading_ = true;
    if (queue_.empty() && !writing_) Close();
    return;
  }
  Dispatch(std::make_shared<Request>(parser_->release()));
  DoRead();
}

template <class Stream>
void HttpSession<Stream>::Dispatch(std::shared_ptr<Request> request) {
  if (!request->keep_alive()) stop_reading_ = true;
  Resolved r = state_.router->Resolve(*request);
  if (!r.error && r.route->kind == RouteKind::kStream) {
    Result<uint64_t> start = r.route->stream(r.call);
    if (start.ok()) {
      subscribe_from_ = *start;
      subscribe_version_ = request->version();
      state_.access_log->Write({request->method_string(), request->target(),
                                r.route_name, 200, 0, remote_});
      state_.metrics->ObserveRequest(r.route_name, 200, 0);
      return MaybeHandOver();
    }
    r.error = ProblemResponse(start.status());
  }

  const uint64_t id = front_id_ + queue_.size();
  Slot slot;
  slot.request = request;
  slot.route = r.route_name;
  slot.start = std::chrono::steady_clock::now();
  queue_.push_back(std::move(slot));
  const int64_t in_flight = state_.pending_responses.fetch_add(1);
  if (r.error) return Complete(id, std::move(*r.error));
  if (static_cast<uint64_t>(in_flight) >= state_.limits.max_in_flight &&
      r.route->pattern != "/healthz") {
    // Back-pressure: refuse at once rather than queue unbounded work.
    state_.metrics->CountOverload();
    return Complete(
        id, ProblemResponse(http::status::service_unavailable, "overloaded",
                            "the server has " +
                                std::to_string(state_.limits.max_in_flight) +
                                " requests in flight; retry later"));
  }

  auto self = this->shared_from_this();
  auto executor = beast::get_lowest_layer(stream_).get_executor();
  Reply reply = [self, executor, id](Response res) {
    net::post(executor, [self, id, res = std::move(res)]() mutable {
      self->Complete(id, std::move(res));
    });
  };
  const Route* route = r.route;
  if (route->kind == RouteKind::kAsync) {
    try {
      route->async(r.call, std::move(reply));
    } catch (const std::exception& e) {
      Complete(id, ProblemResponse(Internal(e.what())));
    }
    return;
  }
  net::post(*state_.workers, [route, call = std::move(r.call), request,
                              reply = std::move(reply)]() {
    Response res;
    try {
      res = route->sync(call);
    } catch (const std::exception& e) {
      res = ProblemResponse(Internal(e.what()));
    }
    reply(std::move(res));
  });
}

template <class Stream>
void HttpSession<Stream>::Fail(Response response) {
  stop_reading_ = true;
  Slot slot;
  slot.start = std::chrono::steady_clock::now();
  slot.close_after = true;
  queue_.push_back(std::move(slot));
  state_.pending_responses.fetch_add(1);
  Complete(front_id_ + queue_.size() - 1, std::move(response));
}

template <class Stream>
void HttpSession<Stream>::Complete(uint64_t id, Response res) {
  state_.pending_responses.fetch_sub(1);
  if (closed_ || id < front_id_ || id - front_id_ >= queue_.size()) return;
  Slot& slot = queue_[id - front_id_];
  const Request* req = slot.request.get();
  res.version(req != nullptr ? req->version() : 11);
  bool keep = req != nullptr && req->keep_alive() && !slot.close_after &&
              state_.ctx->accepting.load();
  res.keep_alive(keep);
  slot.close_after = !keep;
  res.set(http::field::server, "paraphed");
  double ms = MillisSince(slot.start);
  unsigned code = res.result_int();
  state_.metrics->ObserveRequest(slot.route, code, ms / 1000.0);
  state_.access_log->Write(
      {req != nullptr ? std::string_view(req->method_string())
                      : std::string_view("-"),
       req != nullptr ? std::string_view(req->target()) : std::string_view("-"),
       slot.route, code, ms, remote_});
  slot.response = std::move(res);
  MaybeWrite();
}

template <class Stream>
void HttpSession<Stream>::MaybeWrite() {
  if (writing_ || closed_ || queue_.empty() || !queue_.front().response) {
    return;
  }
  writing_ = true;
  beast::get_lowest_layer(stream_).expires_after(state_.limits.write_timeout);
  http::async_write(
      stream_, *queue_.front().response,
      [self = this->shared_from_this()](beast::error_code ec, size_t bytes) {
        self->OnWrite(ec, bytes);
      });
}

template <class Stream>
void HttpSession<Stream>::OnWrite(beast::error_code ec, size_t) {
  writing_ = false;
  if (closed_) return;
  if (ec) return Close();
  bool close_after = queue_.front().close_after;
  queue_.pop_front();
  ++front_id_;
  if (close_after) return CloseGracefully();
  MaybeWrite();
  DoRead();
  MaybeHandOver();
  if (stop_reading_ && queue_.empty() && !writing_ && !subscribe_from_) {
    CloseGracefully();
  }
}

template <class Stream>
void HttpSession<Stream>::MaybeHandOver() {
  if (!subscribe_from_ || closed_ || writing_ || !queue_.empty()) return;
  closed_ = true;
  read_timer_.cancel();
  StartSseSession(std::move(stream_), state_, std::move(guard_),
                  *subscribe_from_, subscribe_version_);
}

template <class Stream>
void HttpSession<Stream>::CloseGracefully() {
  if (closed_) return;
  stop_reading_ = true;
  if (reading_) return Close();  // a read is pending: nothing to drain into
  auto& lowest = beast::get_lowest_layer(stream_);
  beast::error_code ignored;
  lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
  lowest.expires_after(std::chrono::seconds(2));
  Drain();
}

template <class Stream>
void HttpSession<Stream>::Drain() {
  // Read and discard what the client still sends (say, the rest of an
  // oversized body) so that closing does not reset the connection before
  // the client has read our response.
  beast::get_lowest_layer(stream_).async_read_some(
      net::buffer(drain_buf_),
      [self = this->shared_from_this()](beast::error_code ec, size_t n) {
        self->drained_ += n;
        if (ec || self->drained_ > kMaxDrainBytes) return self->Close();
        self->Drain();
      });
}

template <class Stream>
void HttpSession<Stream>::Close() {
  if (closed_) return;  // also after a hand-over: stream_ is moved from
  closed_ = true;
  read_timer_.cancel();
  auto& lowest = beast::get_lowest_layer(stream_);
  beast::error_code ignored;
  lowest.socket().shutdown(tcp::socket::shutdown_both, ignored);
  lowest.close();
}

template class HttpSession<PlainStream>;
template class HttpSession<TlsStream>;

namespace {
std::string RemoteOf(const tcp::socket& socket) {
  beast::error_code ec;
  auto ep = socket.remote_endpoint(ec);
  return ec ? std::string() : ep.address().to_string();
}
}  // namespace

void StartPlainSession(tcp::socket socket, ServerState& state,
                       ConnectionGuard guard) {
  std::string remote = RemoteOf(socket);
  std::make_shared<HttpSession<PlainStream>>(PlainStream(std::move(socket)),
                                             state, std::move(guard),
                                             std::move(remote))
      ->Run();
}

void StartTlsSession(tcp::socket socket, net::ssl::context& tls,
                     ServerState& state, ConnectionGuard guard) {
  std::string remote = RemoteOf(socket);
  std::make_shared<HttpSession<TlsStream>>(
      TlsStream(PlainStream(std::move(socket)), tls), state, std::move(guard),
      std::move(remote))
      ->Run();
}

}  // namespace paraphe::api
