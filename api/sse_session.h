// SseSession: the live stream of GET /v1/subscribe on a connection handed
// over by HttpSession. Sends every record from `from_seq` on, in sequence
// order, never skipping or repeating one: it catches up in batches read on
// the worker pool, then polls Ledger::size() with a timer on the
// connection's strand (an io thread never blocks) and sends what became
// durable. Comment heartbeats keep idle connections alive; the stream ends
// when the client closes or a write times out.
//
// Thread-safety: runs on the connection's strand. Lifetime: held by its
// pending operations; ServerState must outlive it.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include "api/server_state.h"
#include "api/streams.h"

namespace paraphe::api {

template <class Stream>
class SseSession : public std::enable_shared_from_this<SseSession<Stream>> {
 public:
  SseSession(Stream&& stream, ServerState& state, ConnectionGuard guard,
             uint64_t from_seq, unsigned http_version);
  ~SseSession();
  void Run();

 private:
  void Write(std::string data, uint64_t next_after);
  void Poll();
  void Fetch(uint64_t size);
  void WatchPeer();
  void Close();

  Stream stream_;
  ServerState& state_;
  ConnectionGuard guard_;
  net::steady_timer timer_;
  uint64_t next_;
  unsigned http_version_;
  std::string out_;
  std::chrono::steady_clock::time_point last_write_;
  bool closed_ = false;
  bool ending_ = false;  // close after the pending write
  std::array<char, 1024> peer_buf_{};
};

void StartSseSession(PlainStream&& stream, ServerState& state,
                     ConnectionGuard guard, uint64_t from_seq,
                     unsigned http_version);
void StartSseSession(TlsStream&& stream, ServerState& state,
                     ConnectionGuard guard, uint64_t from_seq,
                     unsigned http_version);

}  // namespace paraphe::api
