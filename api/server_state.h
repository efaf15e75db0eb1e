// ServerState: what every listener, session and stream of one paraphed
// server shares. Owned by Server (server.h), which outlives all of them
// (it joins the io threads before destroying it).
// Thread-safety: members are immutable after start, or thread-safe.
#pragma once

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "api/access_log.h"
#include "api/handlers.h"
#include "api/metrics.h"
#include "api/router.h"

namespace paraphe::api {

struct SessionLimits {
  size_t header_limit = 8 * 1024;
  size_t body_limit = 64 * 1024;
  // Whole-request deadline, including waiting for its first byte on an idle
  // keep-alive connection: a slow client (slowloris) is cut off.
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds write_timeout{30000};
  size_t pipeline_limit = 8;  // responses queued per connection
  size_t max_connections = 512;
  // Requests routed and not yet answered, across all connections (queued
  // for or running on the worker pool, or waiting for the writer). Beyond
  // it a new request gets 503 + Retry-After at once (GET /healthz
  // excepted), so a load spike queues no unbounded work or memory.
  size_t max_in_flight = 1024;
  std::chrono::milliseconds sse_poll{50};
  std::chrono::milliseconds sse_heartbeat{15000};
  size_t sse_batch = 256;
};

struct ServerState {
  ApiContext* ctx = nullptr;
  const Router* router = nullptr;
  Metrics* metrics = nullptr;
  boost::asio::thread_pool* workers = nullptr;
  AccessLog* access_log = nullptr;
  SessionLimits limits;
  // Requests read and not yet answered (graceful shutdown waits on it, and
  // limits.max_in_flight bounds it).
  std::atomic<int64_t> pending_responses{0};
};

// Counts one open connection in Metrics for its lifetime. Move-only.
class ConnectionGuard {
 public:
  ConnectionGuard() = default;
  explicit ConnectionGuard(Metrics* m) : metrics_(m) {
    if (metrics_ != nullptr) metrics_->ConnectionOpened();
  }
  ConnectionGuard(ConnectionGuard&& o) noexcept : metrics_(o.metrics_) {
    o.metrics_ = nullptr;
  }
  ConnectionGuard& operator=(ConnectionGuard&& o) noexcept {
    if (this != &o) {
      Release();
      metrics_ = o.metrics_;
      o.metrics_ = nullptr;
    }
    return *this;
  }
  ~ConnectionGuard() { Release(); }

 private:
  void Release() {
    if (metrics_ != nullptr) metrics_->ConnectionClosed();
    metrics_ = nullptr;
  }
  Metrics* metrics_ = nullptr;
};

}  // namespace paraphe::api
