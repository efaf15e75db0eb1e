#include "api/sse_session.h"

#include <algorithm>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/serialize.hpp>

#include "api/sse.h"
#include "ledger/ledger.h"

namespace paraphe::api {
namespace {

struct Batch {
  std::string text;
  uint64_t next = 0;
  std::string error;
};

// Reads records [from, to) and frames them; runs on the worker pool.
Batch ReadBatch(const ledger::Ledger& ledger, uint64_t from, uint64_t to,
                size_t limit) {
  Batch b;
  b.next = from;
  auto records = ledger.Entries(from, to, limit);
  if (!records.ok()) {
    b.error = records.status().ToString();
    return b;
  }
  for (const ledger::Record& r : *records) {
    if (r.seq != b.next) {  // never skip or repeat a sequence number
      b.error = "internal: expected seq " + std::to_string(b.next) +
                ", read " + std::to_string(r.seq);
      return b;
    }
    auto json = ledger.RecordJson(r);
    if (!json.ok()) {
      b.error = json.status().ToString();
      return b;
    }
    b.text += SseEvent(r.seq, "record", boost::json::serialize(*json));
    ++b.next;
  }
  return b;
}

}  // namespace

template <class Stream>
SseSession<Stream>::SseSession(Stream&& stream, ServerState& state,
                               ConnectionGuard guard, uint64_t from_seq,
                               unsigned http_version)
    : stream_(std::move(stream)),
      state_(state),
      guard_(std::move(guard)),
      timer_(beast::get_lowest_layer(stream_).get_executor()),
      next_(from_seq),
      http_version_(http_version) {
  state_.metrics->SubscriberAdded();
}

template <class Stream>
SseSession<Stream>::~SseSession() {
  state_.metrics->SubscriberRemoved();
}

template <class Stream>
void SseSession<Stream>::Run() {
  WatchPeer();
  Write(SseResponseHead(http_version_, next_), next_);
}

template <class Stream>
void SseSession<Stream>::Write(std::string data, uint64_t next_after) {
  if (closed_) return;
  out_ = std::move(data);
  beast::get_lowest_layer(stream_).expires_after(state_.limits.write_timeout);
  net::async_write(stream_, net::buffer(out_),
                   [self = this->shared_from_this(), next_after](
                       beast::error_code ec, size_t) {
                     if (ec || self->ending_) return self->Close();
                     beast::get_lowest_layer(self->stream_).expires_never();
                     self->next_ = next_after;
                     self->last_write_ = std::chrono::steady_clock::now();
                     self->Poll();
                   });
}

template <class Stream>
void SseSession<Stream>::Poll() {
  if (closed_) return;
  uint64_t size = state_.ctx->ledger->size();
  if (size > next_) return Fetch(size);
  if (std::chrono::steady_clock::now() - last_write_ >=
      state_.limits.sse_heartbeat) {
    return Write(SseComment("heartbeat"), next_);
  }
  timer_.expires_after(state_.limits.sse_poll);
  timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
    if (!ec) self->Poll();
  });
}

template <class Stream>
void SseSession<Stream>::Fetch(uint64_t size) {
  const uint64_t from = next_;
  const uint64_t to =
      std::min<uint64_t>(size, from + state_.limits.sse_batch);
  auto executor = beast::get_lowest_layer(stream_).get_executor();
  net::post(*state_.workers, [self = this->shared_from_this(), executor, from,
                              to]() {
    Batch b = ReadBatch(*self->state_.ctx->ledger, from, to,
                        self->state_.limits.sse_batch);
    net::post(executor, [self, b = std::move(b)]() mutable {
      if (!b.error.empty()) {
        // Send what was read, then say why the stream stops.
        b.text += "event: error\ndata: " + b.error + "\n\n";
        self->ending_ = true;
        self->Write(std::move(b.text), b.next);
        return;
      }
      self->Write(std::move(b.text), b.next);
    });
  });
}

template <class Stream>
void SseSession<Stream>::WatchPeer() {
  // A subscriber sends nothing; a read completes only when it goes away.
  stream_.async_read_some(
      net::buffer(peer_buf_),
      [self = this->shared_from_this()](beast::error_code ec, size_t) {
        if (ec) return self->Close();
        self->WatchPeer();
      });
}

template <class Stream>
void SseSession<Stream>::Close() {
  if (closed_) return;
  closed_ = true;
  timer_.cancel();
  beast::error_code ignored;
  auto& lowest = beast::get_lowest_layer(stream_);
  lowest.socket().shutdown(tcp::socket::shutdown_both, ignored);
  lowest.close();
}

template class SseSession<PlainStream>;
template class SseSession<TlsStream>;

void StartSseSession(PlainStream&& stream, ServerState& state,
                     ConnectionGuard guard, uint64_t from_seq,
                     unsigned http_version) {
  std::make_shared<SseSession<PlainStream>>(std::move(stream), state,
                                            std::move(guard), from_seq,
                                            http_version)
      ->Run();
}

void StartSseSession(TlsStream&& stream, ServerState& state,
                     ConnectionGuard guard, uint64_t from_seq,
                     unsigned http_version) {
  std::make_shared<SseSession<TlsStream>>(std::move(stream), state,
                                          std::move(guard), from_seq,
                                          http_version)
      ->Run();
}

}  // namespace paraphe::api
