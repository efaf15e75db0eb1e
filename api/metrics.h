// Metrics: paraphed's counters, rendered in the Prometheus text exposition
// format (version 0.0.4) at GET /metrics:
//   paraphe_http_requests_total{route,code}         counter
//   paraphe_http_request_duration_seconds{route}    histogram
//   paraphe_appends_total{result="created|duplicate"}  counter
//   paraphe_rejections_total{code,rule}             counter
//   paraphe_http_overload_rejections_total          counter (503, in flight)
//   paraphe_http_connections_active                 gauge
//   paraphe_sse_subscribers                         gauge
//   paraphe_log_size, paraphe_writer_queue_depth    gauges (from the Ledger)
//   paraphe_group_commit_batches_total, paraphe_group_commit_batch_size
//                                                   (from Ledger::stats())
// Thread-safety: every method may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "crypto/status.h"

namespace paraphe::ledger {
class Ledger;
}

namespace paraphe::api {

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  void ObserveRequest(std::string_view route, unsigned status, double seconds);
  void CountAppend(bool duplicate);
  void CountRejection(const Status& status);
  void ConnectionOpened() { connections_.fetch_add(1); }
  void ConnectionClosed() { connections_.fetch_sub(1); }
  int64_t connections() const { return connections_.load(); }
  // A request refused with 503 because too many were in flight.
  void CountOverload() { overloads_.fetch_add(1); }
  void SubscriberAdded() { subscribers_.fetch_add(1); }
  void SubscriberRemoved() { subscribers_.fetch_sub(1); }

  // The exposition text; ledger may be null (no ledger gauges then).
  std::string Render(const ledger::Ledger* ledger) const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, unsigned>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  uint64_t appends_created_ = 0;
  uint64_t appends_duplicate_ = 0;
  std::map<std::pair<std::string, std::string>, uint64_t> rejections_;
  std::atomic<int64_t> connections_{0};
  std::atomic<int64_t> subscribers_{0};
  std::atomic<uint64_t> overloads_{0};
};

}  // namespace paraphe::api
