#include "api/metrics.h"

#include <fmt/format.h>

#include "ledger/ledger.h"

namespace paraphe::api {
namespace {

// Label values escape backslash, double quote and newline.
std::string Label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void Header(std::string& out, std::string_view name, std::string_view type,
            std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

void Metrics::ObserveRequest(std::string_view route, unsigned status,
                             double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{std::string(route), status}];
  Histogram& h = latency_[std::string(route)];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.counts[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::CountAppend(bool duplicate) {
  std::lock_guard lock(mu_);
  ++(duplicate ? appends_duplicate_ : appends_created_);
}

void Metrics::CountRejection(const Status& status) {
  std::lock_guard lock(mu_);
  ++rejections_[{std::string(StatusCodeName(status.code())), status.rule()}];
}

std::string Metrics::Render(const ledger::Ledger* ledger) const {
  std::string out;
  {
    std::lock_guard lock(mu_);
    Header(out, "paraphe_http_requests_total", "counter",
           "HTTP requests by route and status code.");
    for (const auto& [key, n] : requests_) {
      out += fmt::format(
          "paraphe_http_requests_total{{route=\"{}\",code=\"{}\"}} {}\n",
          Label(key.first), key.second, n);
    }
    Header(out, "paraphe_http_request_duration_seconds", "histogram",
           "Time from a complete request to its response, by route.");
    for (const auto& [route, h] : latency_) {
      std::string r = Label(route);
      for (size_t i = 0; i < kBuckets.size(); ++i) {
        out += fmt::format(
            "paraphe_http_request_duration_seconds_bucket{{route=\"{}\","
            "le=\"{}\"}} {}\n",
            r, kBuckets[i], h.counts[i]);
      }
      out += fmt::format(
          "paraphe_http_request_duration_seconds_bucket{{route=\"{}\","
          "le=\"+Inf\"}} {}\n",
          r, h.count);
      out += fmt::format(
          "paraphe_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", r,
          h.sum);
      out += fmt::format(
          "paraphe_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", r,
          h.count);
    }
    Header(out, "paraphe_appends_total", "counter",
           "Events accepted through POST /v1/events.");
    out += fmt::format("paraphe_appends_total{{result=\"created\"}} {}\n",
                       appends_created_);
    out += fmt::format("paraphe_appends_total{{result=\"duplicate\"}} {}\n",
                       appends_duplicate_);
    Header(out, "paraphe_rejections_total", "counter",
           "Events refused, by status code and rule id.");
    for (const auto& [key, n] : rejections_) {
      out += fmt::format(
          "paraphe_rejections_total{{code=\"{}\",rule=\"{}\"}} {}\n",
          Label(key.first), Label(key.second), n);
    }
  }
  Header(out, "paraphe_http_overload_rejections_total", "counter",
         "Requests refused with 503 because --max-in-flight were pending.");
  out += fmt::format("paraphe_http_overload_rejections_total {}\n",
                     overloads_.load());
  Header(out, "paraphe_http_connections_active", "gauge",
         "Open HTTP connections.");
  out +=
      fmt::format("paraphe_http_connections_active {}\n", connections_.load());
  Header(out, "paraphe_sse_subscribers", "gauge",
         "Open /v1/subscribe streams.");
  out += fmt::format("paraphe_sse_subscribers {}\n", subscribers_.load());
  if (ledger == nullptr) return out;

  Header(out, "paraphe_log_size", "gauge", "Records in the log.");
  out += fmt::format("paraphe_log_size {}\n", ledger->size());
  Header(out, "paraphe_writer_queue_depth", "gauge",
         "Appends waiting for the single writer.");
  out += fmt::format("paraphe_writer_queue_depth {}\n", ledger->queue_depth());
  ledger::Log::Stats stats = ledger->stats();
  Header(out, "paraphe_group_commit_batches_total", "counter",
         "Synced RocksDB write batches.");
  out += fmt::format("paraphe_group_commit_batches_total {}\n", stats.batches);
  Header(out, "paraphe_writer_appends_total", "counter",
         "Appends seen by the writer, by outcome.");
  out += fmt::format("paraphe_writer_appends_total{{result=\"appended\"}} {}\n",
                     stats.appends);
  out +=
      fmt::format("paraphe_writer_appends_total{{result=\"duplicate\"}} {}\n",
                  stats.duplicates);
  out += fmt::format("paraphe_writer_appends_total{{result=\"rejected\"}} {}\n",
                     stats.rejected);
  out +=
      fmt::format("paraphe_writer_appends_total{{result=\"write_error\"}} {}\n",
                  stats.write_errors);
  // Buckets 1, 2, 4, ..., 1024+: bucket i counts batches of size
  // in (2^(i-1), 2^i]; the last one everything larger.
  Header(out, "paraphe_group_commit_batch_size", "histogram",
         "Appends per synced write batch.");
  uint64_t cumulative = 0;
  const auto& hist = stats.batch_size_histogram;
  for (size_t i = 0; i < hist.size(); ++i) {
    cumulative += hist[i];
    if (i + 1 == hist.size()) break;  // the open-ended bucket is +Inf
    out +=
        fmt::format("paraphe_group_commit_batch_size_bucket{{le=\"{}\"}} {}\n",
                    uint64_t{1} << i, cumulative);
  }
  out += fmt::format(
      "paraphe_group_commit_batch_size_bucket{{le=\"+Inf\"}} {}\n", cumulative);
  out += fmt::format("paraphe_group_commit_batch_size_count {}\n", cumulative);
  return out;
}

}  // namespace paraphe::api
