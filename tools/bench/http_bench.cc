#include "tools/bench/http_bench.h"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "tools/bench/util.h"
#include "tools/bench/workload.h"

namespace paraphe::bench {

namespace fs = std::filesystem;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// One keep-alive connection; reconnects once when the server closed it.
class Connection {
 public:
  Connection(std::string host, std::string port) : host_(std::move(host)), port_(std::move(port)) {}

  // Returns the HTTP status, the body in *body.
  Result<int> Request(http::verb verb, const std::string& target, const std::string& payload,
                      std::string* body) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      beast::error_code ec;
      if (!stream_) Connect(ec);
      if (ec) return Unavailable("connect: " + ec.message());
      http::request<http::string_body> req{verb, target, 11};
      req.set(http::field::host, host_);
      req.keep_alive(true);
      if (verb == http::verb::post) {
        req.set(http::field::content_type, "application/jose");
        req.body() = payload;
        req.prepare_payload();
      }
      http::write(*stream_, req, ec);
      http::response<http::string_body> res;
      if (!ec) http::read(*stream_, buffer_, res, ec);
      if (ec) {
        stream_.reset();
        buffer_.clear();
        if (attempt == 0 && verb == http::verb::get) continue;  // stale keep-alive
        return Unavailable(target + ": " + ec.message());
      }
      if (!res.keep_alive()) {
        stream_.reset();
        buffer_.clear();
      }
      if (body) *body = std::move(res.body());
      return static_cast<int>(res.result_int());
    }
    return Unavailable(target + ": connection lost");
  }

 private:
  void Connect(beast::error_code& ec) {
    asio::ip::tcp::resolver resolver(io_);
    auto endpoints = resolver.resolve(host_, port_, ec);
    if (ec) return;
    stream_.emplace(io_);
    stream_->socket().connect(*endpoints.begin(), ec);
    if (!ec) stream_->socket().set_option(asio::ip::tcp::no_delay(true), ec);
    if (ec) stream_.reset();
  }

  std::string host_, port_;
  asio::io_context io_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

// Runs one thread per connection for `seconds`, each calling next(rng) for
// a GET target; returns successful (200) requests per second.
double ReadRate(const std::string& host, const std::string& port, size_t connections,
                double seconds, const std::function<std::string(std::mt19937_64&)>& next,
                std::string* error) {
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> ok{0};
  std::mutex mu;
  std::vector<std::thread> pool;
  for (size_t t = 0; t < connections; ++t) {
    pool.emplace_back([&, t] {
      Connection c(host, port);
      std::mt19937_64 rng(t + 1);
      std::string body;
      while (!stop.load(std::memory_order_relaxed)) {
        std::string target = next(rng);
        auto r = c.Request(http::verb::get, target, {}, &body);
        if (r.ok() && *r == 200) {
          ok.fetch_add(1, std::memory_order_relaxed);
          continue;
        }
        std::lock_guard<std::mutex> g(mu);
        if (error->empty()) {
          *error = target + ": " + (r.ok() ? "HTTP " + std::to_string(*r) + " " + body.substr(0, 200)
                                            : r.status().ToString());
        }
        stop = true;
      }
    });
  }
  Stopwatch sw;
  while (!stop && sw.Seconds() < seconds) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  stop = true;
  for (auto& th : pool) th.join();
  return static_cast<double>(ok.load()) / sw.Seconds();
}

}  // namespace

double MeasureHttp(const fs::path& tmp, const HttpConfig& config, const AppendWorkload& w,
                   const MachineLimits& limits, Report& report) {
  const std::string why_skip = "paraphed not found at " + config.paraphed.string();
  if (!fs::exists(config.paraphed)) {
    report.Error(why_skip + " (build the paraphed target or pass --paraphed)");
    report.NotMeasured("http.append", "events/s", why_skip, "ratio >= 0.6");
    return -1;
  }
  auto root = TempDir::Create(tmp, "paraphe-bench-http-");
  if (!root.ok()) {
    report.Error(root.status().ToString());
    return -1;
  }
  const fs::path dir = root->path() / "ledger";
  Progress("http: %llu events over %zu keep-alive connections to paraphed",
           static_cast<unsigned long long>(w.events), w.per_producer.size());
  if (Status st = PrepareLedger(dir, w); !st.ok()) {
    report.Error("http setup: " + st.ToString());
    return -1;
  }
  const size_t connections = w.per_producer.size();
  std::vector<std::string> args = {
      config.paraphed.string(), "--data", dir.string(), "--listen", "127.0.0.1:0", "--quiet",
      "--workers", std::to_string(Cores()), "--max-connections",
      std::to_string(std::max<size_t>(512, connections * 2 + 16))};
  // paraphed refuses to run as root unless told; the benchmark measures it
  // wherever it is started.
  if (geteuid() == 0) args.push_back("--allow-root");
  auto child = Child::Spawn(args, root->path() / "paraphed.stderr");
  if (!child.ok()) {
    report.Error("paraphed: " + child.status().ToString());
    return -1;
  }
  auto line = child->WaitForLine("listening on http://", std::chrono::seconds(60));
  if (!line.ok()) {
    report.Error("paraphed did not start: " + line.status().ToString() + "; see stderr: " +
                 ReadHead(root->path() / "paraphed.stderr"));
    return -1;
  }
  std::string hostport = line->substr(line->find("http://") + 7);
  while (!hostport.empty() && (hostport.back() == '/' || std::isspace(static_cast<unsigned char>(hostport.back())))) {
    hostport.pop_back();
  }
  const std::string host = hostport.substr(0, hostport.rfind(':'));
  const std::string port = hostport.substr(hostport.rfind(':') + 1);
  const pid_t pid = child->pid();
  const int64_t rss_start_kb = ProcStatusKb(pid, "VmRSS");

  // --- 3. Appends ---
  std::atomic<uint64_t> ok{0};
  std::atomic<bool> done{false};
  std::mutex mu;
  std::string first_error;
  int64_t hwm_half_kb = -1;
  std::thread sampler([&] {
    while (!done) {
      if (hwm_half_kb < 0 && ok.load() >= w.events / 2) hwm_half_kb = ProcStatusKb(pid, "VmHWM");
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  std::vector<std::thread> pool;
  Stopwatch sw;
  for (const auto& list : w.per_producer) {
    pool.emplace_back([&, &list = list] {
      Connection c(host, port);
      std::string body;
      for (const std::string& jws : list) {
        auto r = c.Request(http::verb::post, "/v1/events", jws, &body);
        if (r.ok() && *r == 201) {
          ok.fetch_add(1, std::memory_order_relaxed);
          continue;
        }
        std::lock_guard<std::mutex> g(mu);
        if (first_error.empty()) {
          first_error = r.ok() ? "HTTP " + std::to_string(*r) + " " + body.substr(0, 300)
                               : r.status().ToString();
        }
        return;
      }
    });
  }
  for (auto& t : pool) t.join();
  const double seconds = sw.Seconds();
  done = true;
  sampler.join();
  const int64_t hwm_end_kb = ProcStatusKb(pid, "VmHWM");
  double rate = -1;
  if (!first_error.empty()) {
    report.Error("http append: " + first_error);
  } else {
    rate = static_cast<double>(ok.load()) / seconds;
    report.Add("http.append", rate, "events/s", limits.verify_all_cores, "verify all cores",
               Cmp::kRatioAtLeast, 0.6,
               std::to_string(connections) + " keep-alive connections, " +
                   std::to_string(ok.load()) + " events, paraphed --workers " +
                   std::to_string(Cores()));
    report.Add("server.peak_rss", static_cast<double>(hwm_end_kb) / 1024.0, "MB", std::nullopt,
               {}, Cmp::kValueAtMost, 200,
               "VmHWM of paraphed after the appends (" +
                   std::to_string(rss_start_kb / 1024) + " MB at start)");
    if (hwm_half_kb >= 0) {
      report.Add("server.peak_rss.growth_2nd_half",
                 static_cast<double>(hwm_end_kb - hwm_half_kb) / 1024.0, "MB", std::nullopt, {},
                 Cmp::kNone, 0, "VmHWM(end) - VmHWM(half of the events): flat means ~0");
    }
  }

  // --- 7. Reads ---
  const uint64_t size = w.registrations.size() + ok.load();
  std::string error;
  double state_rps = ReadRate(
      host, port, connections, config.read_seconds,
      [&](std::mt19937_64& rng) {
        return "/v1/conventions/" + w.conventions[rng() % w.conventions.size()];
      },
      &error);
  if (error.empty()) {
    report.Add("http.get_convention", state_rps, "req/s", std::nullopt, {}, Cmp::kNone, 0,
               "GET /v1/conventions/{id}, " + std::to_string(connections) + " connections");
  } else {
    report.Error("http reads: " + error);
  }
  error.clear();
  double proof_rps = ReadRate(
      host, port, connections, config.read_seconds,
      [&](std::mt19937_64& rng) {
        return "/v1/log/proof/inclusion?seq=" + std::to_string(rng() % size) +
               "&tree_size=" + std::to_string(size);
      },
      &error);
  if (error.empty()) {
    report.Add("http.get_inclusion_proof", proof_rps, "req/s", std::nullopt, {}, Cmp::kNone, 0,
               "GET /v1/log/proof/inclusion at " + std::to_string(size) + " leaves");
  } else {
    report.Error("http proofs: " + error);
  }
  int code = child->Stop(std::chrono::seconds(20));
  if (code != 0) report.Error("paraphed exited with " + std::to_string(code) + " on SIGTERM");
  return rate;
}

}  // namespace paraphe::bench
