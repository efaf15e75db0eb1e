// A bounded load test of paraphed (loopback, about 10 s, stops by itself):
// 64 keep-alive connections mix signed appends, state and record reads and
// inclusion and consistency proofs, while SSE subscribers follow the log.
// The server runs with small limits (--max-in-flight, --queue-capacity) so
// that back-pressure really happens. It proves that:
//   - overload is answered at once with 503 + Retry-After (problem+json),
//     never with another 5xx, and every request is answered before the
//     client's 10 s timeout (liveness, not speed);
//   - nothing acknowledged is lost: every 201 receipt is in the log, the log
//     holds nothing else, and every subscriber received every record in
//     order without a gap or a repeat;
//   - memory does not grow with load: the server's RSS after a second,
//     identical phase stays within a generous bound of the first's.
// The figures (requests, 503s, RSS) are printed; speed is never asserted
// (tools/bench measures it).
#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "tests/api/server_fixture.h"

namespace paraphe::api {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr int kConnections = 64;
constexpr int kSubscribers = 4;
constexpr auto kPhase = std::chrono::seconds(5);
constexpr auto kClientTimeout = std::chrono::seconds(10);
// Small on purpose: 64 connections overrun them.
const std::vector<std::string> kFlags = {
    "--quiet", "--workers",         "2",  "--threads",
    "2",       "--max-in-flight",   "16", "--queue-capacity",
    "4",       "--max-connections", "256"};

long RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// host and port of "http://127.0.0.1:PORT".
std::pair<std::string, std::string> HostPort(const std::string& url) {
  std::string rest = url.substr(url.find("//") + 2);
  size_t colon = rest.rfind(':');
  return {rest.substr(0, colon), rest.substr(colon + 1)};
}

// One keep-alive HTTP/1.1 connection, blocking, with a per-request deadline.
class KeepAlive {
 public:
  explicit KeepAlive(const std::string& url) : stream_(ioc_) {
    auto [host, port] = HostPort(url);
    host_ = host;
    tcp::resolver resolver(ioc_);
    beast::error_code ec;
    auto results = resolver.resolve(host, port, ec);
    if (!ec) {
      stream_.expires_after(kClientTimeout);
      stream_.connect(results, ec);
    }
    connected_ = !ec;
  }
  bool connected() const { return connected_; }

  // nullopt on a transport error or timeout (the connection is then dead).
  std::optional<bhttp::response<bhttp::string_body>> Send(
      bhttp::verb method, const std::string& target, std::string body = {},
      const std::string& content_type = {}) {
    if (!connected_) return std::nullopt;
    bhttp::request<bhttp::string_body> req{method, target, 11};
    req.set(bhttp::field::host, host_);
    req.keep_alive(true);
    if (!content_type.empty())
      req.set(bhttp::field::content_type, content_type);
    if (method == bhttp::verb::post) {
      req.body() = std::move(body);
      req.prepare_payload();
    }
    beast::error_code ec;
    stream_.expires_after(kClientTimeout);
    bhttp::write(stream_, req, ec);
    if (ec) return Dead();
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    bhttp::read(stream_, buffer_, parser, ec);
    if (ec) return Dead();
    auto res = parser.release();
    if (!res.keep_alive()) connected_ = false;
    return res;
  }

 private:
  std::nullopt_t Dead() {
    connected_ = false;
    return std::nullopt;
  }
  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::string host_;
  bool connected_ = false;
};

struct Receipt {
  uint64_t seq;
  std::string leaf_hash;
  std::string jws;
};

// Counters of one phase, merged from every connection.
struct Tally {
  std::map<std::string, uint64_t> requests;  // by kind
  std::map<std::string, uint64_t> rejected;  // 503s by problem type
  uint64_t created = 0;
  uint64_t transport_errors = 0;
  double max_ms = 0;
  std::vector<std::string> failures;
  void Merge(const Tally& o) {
    for (const auto& [k, n] : o.requests) requests[k] += n;
    for (const auto& [k, n] : o.rejected) rejected[k] += n;
    created += o.created;
    transport_errors += o.transport_errors;
    max_ms = std::max(max_ms, o.max_ms);
    failures.insert(failures.end(), o.failures.begin(), o.failures.end());
  }
  uint64_t total_503() const {
    uint64_t n = 0;
    for (const auto& [k, v] : rejected) n += v;
    return n;
  }
  uint64_t total() const {
    uint64_t n = 0;
    for (const auto& [k, v] : requests) n += v;
    return n;
  }
};

// Follows GET /v1/subscribe from seq 0 and keeps (seq, leaf_hash) in order;
// records a failure on any gap, repeat or malformed event.
class Subscriber {
 public:
  explicit Subscriber(const std::string& url) : url_(url) {}
  void Run(const std::atomic<uint64_t>& want, const std::atomic<bool>& stop) {
    auto [host, port] = HostPort(url_);
    net::io_context ioc;
    tcp::socket socket(ioc);
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    net::connect(socket, resolver.resolve(host, port, ec), ec);
    if (ec) return Fail("connect: " + ec.message());
    std::string req = "GET /v1/subscribe?from_seq=0 HTTP/1.1\r\nHost: " + host +
                      "\r\nAccept: text/event-stream\r\n\r\n";
    net::write(socket, net::buffer(req), ec);
    if (ec) return Fail("send: " + ec.message());
    // Non-blocking reads with a poll, so that `stop` is noticed.
    socket.non_blocking(true);
    std::string pending;
    bool head_done = false;
    std::array<char, 65536> buf;
    auto last_progress = std::chrono::steady_clock::now();
    while (true) {
      if (stop.load() && records_.size() >= want.load()) return;
      if (std::chrono::steady_clock::now() - last_progress > kClientTimeout) {
        return Fail("no SSE data for 10 s at " +
                    std::to_string(records_.size()) + " records");
      }
      size_t n = socket.read_some(net::buffer(buf), ec);
      if (ec == net::error::would_block) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      if (ec) return Fail("read: " + ec.message());
      last_progress = std::chrono::steady_clock::now();
      pending.append(buf.data(), n);
      if (!head_done) {
        size_t end = pending.find("\r\n\r\n");
        if (end == std::string::npos) continue;
        if (pending.rfind("HTTP/1.1 200", 0) != 0) {
          return Fail("subscribe: " + pending.substr(0, end));
        }
        pending.erase(0, end + 4);
        head_done = true;
      }
      size_t end;
      while ((end = pending.find("\n\n")) != std::string::npos) {
        if (!Event(std::string_view(pending).substr(0, end + 2))) return;
        pending.erase(0, end + 2);
      }
    }
  }
  const std::vector<std::pair<uint64_t, std::string>>& records() const {
    return records_;
  }
  const std::string& failure() const { return failure_; }

 private:
  // One "\n\n"-terminated block: a record event, or a comment / retry.
  bool Event(std::string_view block) {
    std::optional<uint64_t> id;
    std::string event, data;
    while (!block.empty()) {
      size_t nl = block.find('\n');
      std::string_view line = block.substr(0, nl);
      block = nl == std::string_view::npos ? std::string_view()
                                           : block.substr(nl + 1);
      if (line.rfind("id: ", 0) == 0) {
        id = std::strtoull(std::string(line.substr(4)).c_str(), nullptr, 10);
      } else if (line.rfind("event: ", 0) == 0) {
        event = line.substr(7);
      } else if (line.rfind("data: ", 0) == 0) {
        data = line.substr(6);
      }
    }
    if (!id) return true;
    if (event != "record") {
      Fail("event " + event + ": " + data);
      return false;
    }
    if (*id != records_.size()) {
      Fail("expected id " + std::to_string(records_.size()) + ", got " +
           std::to_string(*id));
      return false;
    }
    auto o = boost::json::parse(data).as_object();
    if (o.at("seq").to_number<uint64_t>() != *id) {
      Fail("id " + std::to_string(*id) + " carries another seq");
      return false;
    }
    records_.emplace_back(*id, std::string(o.at("leaf_hash").as_string()));
    return true;
  }
  void Fail(std::string why) {
    if (failure_.empty()) failure_ = std::move(why);
  }

  std::string url_;
  std::vector<std::pair<uint64_t, std::string>> records_;
  std::string failure_;
};

class LoadTest : public ServerTest {
 protected:
  // One connection's share of a phase.
  Tally RunConnection(int conn, int phase, uint64_t seed,
                      std::chrono::steady_clock::time_point until) {
    Tally t;
    std::mt19937_64 rng(seed);
    KeepAlive c(server_.url());
    if (!c.connected()) {
      t.failures.push_back("connection " + std::to_string(conn) +
                           " could not connect");
      return t;
    }
    int n = 0;
    std::optional<test::TestConvention> conv;
    std::vector<std::string> events;
    size_t next_event = 0;
    auto new_convention = [&] {
      conv.emplace("load-p" + std::to_string(phase) + "-c" +
                   std::to_string(conn) + "-" + std::to_string(n++));
      events = {conv->Registration(tl_->operator_key),
                conv->PartySigned("metropole", 1),
                conv->PartySigned("crpv-paca", 2),
                conv->AttributionNotified(3)};
      next_event = 0;
    };
    new_convention();
    while (std::chrono::steady_clock::now() < until) {
      const int dice = static_cast<int>(rng() % 100);
      const uint64_t size = known_size_.load();
      std::string kind;
      std::optional<bhttp::response<bhttp::string_body>> r;
      const auto start = std::chrono::steady_clock::now();
      if (dice < 40) {
        kind = "append";
        r = c.Send(bhttp::verb::post, "/v1/events", events[next_event],
                   "application/jose");
      } else if (dice < 55) {
        kind = "state";
        r = c.Send(bhttp::verb::get, next_event == 0
                                         ? std::string("/v1/conventions")
                                         : "/v1/conventions/" + conv->id);
      } else if (dice < 65) {
        kind = "checkpoint";
        r = c.Send(bhttp::verb::get, "/v1/log/checkpoint");
      } else if (dice < 80) {
        kind = "records";
        uint64_t from = size == 0 ? 0 : rng() % size;
        r = c.Send(bhttp::verb::get, "/v1/log/entries?start=" +
                                         std::to_string(from) + "&limit=20");
      } else if (dice < 90 && size > 0) {
        kind = "inclusion";
        r = c.Send(bhttp::verb::get, "/v1/log/proof/inclusion?seq=" +
                                         std::to_string(rng() % size) +
                                         "&tree_size=" + std::to_string(size));
      } else if (size > 0) {
        kind = "consistency";
        r = c.Send(bhttp::verb::get, "/v1/log/proof/consistency?from=" +
                                         std::to_string(rng() % size) +
                                         "&to=" + std::to_string(size));
      } else {
        continue;
      }
      const double ms = std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - start)
                            .count();
      t.max_ms = std::max(t.max_ms, ms);
      ++t.requests[kind];
      if (!r) {
        // No answer before the client timeout, or a dropped connection:
        // an append's outcome would be unknown, so the test fails.
        ++t.transport_errors;
        t.failures.push_back(kind + " got no answer (connection " +
                             std::to_string(conn) + ")");
        return t;
      }
      const unsigned code = r->result_int();
      if (code == 503) {
        std::string retry(r->base()[bhttp::field::retry_after]);
        std::string type(r->base()[bhttp::field::content_type]);
        if (retry != "1" || type != "application/problem+json") {
          t.failures.push_back("503 without Retry-After: 1 or problem+json: " +
                               retry + " / " + type);
        }
        auto o = boost::json::parse(r->body()).as_object();
        ++t.rejected[std::string(o.at("type").as_string())];
        continue;  // the client does not wait: the pressure stays on
      }
      if (code >= 500) {
        t.failures.push_back(kind + ": " + std::to_string(code) + " " +
                             r->body());
        continue;
      }
      if (kind != "append") {
        if (code != 200) {
          t.failures.push_back(kind + ": " + std::to_string(code) + " " +
                               r->body());
        }
        continue;
      }
      if (code != 201) {
        // 200 would mean a 503'd append had been appended after all.
        t.failures.push_back("append: " + std::to_string(code) + " " +
                             r->body());
        continue;
      }
      auto o = boost::json::parse(r->body()).as_object();
      Receipt receipt{o.at("seq").to_number<uint64_t>(),
                      std::string(o.at("leaf_hash").as_string()),
                      events[next_event]};
      {
        std::lock_guard lock(mu_);
        receipts_.push_back(receipt);
      }
      uint64_t seen = known_size_.load();
      while (seen < receipt.seq + 1 &&
             !known_size_.compare_exchange_weak(seen, receipt.seq + 1)) {
      }
      ++t.created;
      if (++next_event == events.size()) new_convention();
    }
    return t;
  }

  Tally RunPhase(int phase, std::mt19937_64& rng) {
    const auto until = std::chrono::steady_clock::now() + kPhase;
    std::vector<Tally> tallies(kConnections);
    std::vector<std::thread> threads;
    for (int i = 0; i < kConnections; ++i) {
      uint64_t seed = rng();
      threads.emplace_back(
          [&, i, seed] { tallies[i] = RunConnection(i, phase, seed, until); });
    }
    // Liveness probes are exempt from --max-in-flight: never a 503.
    Tally probes;
    threads.emplace_back([&] {
      KeepAlive c(server_.url());
      while (std::chrono::steady_clock::now() < until) {
        auto r = c.Send(bhttp::verb::get, "/healthz");
        ++probes.requests["healthz"];
        if (!r || r->result_int() != 200) {
          probes.failures.push_back(
              "/healthz: " +
              (r ? std::to_string(r->result_int()) + " " + r->body()
                 : std::string("no answer")));
          if (!r) return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
    for (auto& th : threads) th.join();
    Tally all = probes;
    for (const Tally& t : tallies) all.Merge(t);
    return all;
  }

  std::mutex mu_;
  std::vector<Receipt> receipts_;
  std::atomic<uint64_t> known_size_{0};
};

void Print(const char* name, const Tally& t, long rss_kb) {
  std::cout << name << ": " << t.total() << " requests (";
  for (const auto& [k, n] : t.requests) std::cout << k << " " << n << ", ";
  std::cout << "), " << t.created << " appends created, " << t.total_503()
            << " 503s (";
  for (const auto& [k, n] : t.rejected) std::cout << k << " " << n << ", ";
  std::cout << "), slowest answer " << static_cast<long>(t.max_ms)
            << " ms, server VmRSS " << rss_kb << " kB" << std::endl;
}

TEST_F(LoadTest, BackPressureBoundsMemoryAndLosesNothing) {
  StartServer(kFlags);
  const uint64_t seed = std::random_device{}();
  std::cout << "load test: seed " << seed << ", " << kConnections
            << " keep-alive connections, " << kSubscribers
            << " subscribers, 2 phases of " << kPhase.count() << " s"
            << std::endl;
  std::mt19937_64 rng(seed);

  std::atomic<uint64_t> want{0};
  std::atomic<bool> stop{false};
  std::vector<std::unique_ptr<Subscriber>> subscribers;
  std::vector<std::thread> sub_threads;
  for (int i = 0; i < kSubscribers; ++i) {
    subscribers.push_back(std::make_unique<Subscriber>(server_.url()));
    sub_threads.emplace_back(
        [s = subscribers.back().get(), &want, &stop] { s->Run(want, stop); });
  }
  // Subscribers stop even if an assertion below returns early.
  struct StopSubscribers {
    std::atomic<bool>& stop;
    std::vector<std::thread>& threads;
    ~StopSubscribers() {
      stop = true;
      for (auto& t : threads) {
        if (t.joinable()) t.join();
      }
    }
  } stop_subscribers{stop, sub_threads};

  const long rss_start = RssKb(server_.pid());
  Tally first = RunPhase(1, rng);
  const long rss_first = RssKb(server_.pid());
  Print("phase 1", first, rss_first);
  Tally second = RunPhase(2, rng);
  const long rss_second = RssKb(server_.pid());
  Print("phase 2", second, rss_second);
  std::cout << "server VmRSS: " << rss_start << " kB at start, " << rss_first
            << " kB after phase 1, " << rss_second << " kB after phase 2"
            << std::endl;

  for (const Tally* t : {&first, &second}) {
    for (const std::string& f : t->failures) ADD_FAILURE() << f;
    EXPECT_EQ(t->transport_errors, 0u);
    EXPECT_GT(t->created, 0u);
    EXPECT_GT(t->total_503(), 0u) << "back-pressure never triggered";
  }
  // Memory does not grow with load: a generous bound (the memtable of the
  // phase's appends is legitimately new), not a measurement.
  ASSERT_GT(rss_first, 0);
  EXPECT_LE(rss_second, rss_first + std::max<long>(rss_first / 2, 64 * 1024))
      << "server RSS grew from " << rss_first << " kB to " << rss_second
      << " kB over an identical phase";

  // Nothing lost: the log is exactly the genesis record(s), then the
  // acknowledged appends.
  const uint64_t size = test::kGenesis + receipts_.size();
  want = size;
  std::vector<std::string> leaves(size);
  HttpResponse cp = Get("/v1/log/checkpoint");
  ASSERT_EQ(cp.status, 200);
  std::map<uint64_t, Receipt> by_seq;
  for (const Receipt& r : receipts_) {
    EXPECT_TRUE(by_seq.emplace(r.seq, r).second) << "seq " << r.seq << " twice";
  }
  uint64_t start = 0;
  uint64_t served = 0, genesis_served = 0;
  while (true) {
    HttpResponse r = Get("/v1/log/entries?start=" + std::to_string(start));
    ASSERT_EQ(r.status, 200) << r.body;
    auto o = Json(r);
    for (const auto& e : o.at("entries").as_array()) {
      const auto& rec = e.as_object();
      uint64_t seq = rec.at("seq").to_number<uint64_t>();
      if (seq < test::kGenesis) {
        EXPECT_EQ(rec.at("convention").as_string(), "_ledger") << "seq " << seq;
        EXPECT_FALSE(by_seq.contains(seq)) << "seq " << seq << " acknowledged";
        leaves[seq] = std::string(rec.at("leaf_hash").as_string());
        ++genesis_served;
        continue;
      }
      auto it = by_seq.find(seq);
      if (it == by_seq.end()) {
        ADD_FAILURE() << "seq " << seq << " in the log was never acknowledged";
        continue;
      }
      EXPECT_EQ(rec.at("leaf_hash").as_string(), it->second.leaf_hash);
      EXPECT_EQ(rec.at("jws").as_string(), it->second.jws);
      ++served;
    }
    if (o.at("next").is_null()) break;
    start = o.at("next").to_number<uint64_t>();
  }
  EXPECT_EQ(genesis_served, test::kGenesis);
  EXPECT_EQ(served, receipts_.size())
      << "acknowledged appends missing from the log";

  // Every subscriber saw every record, in order, once.
  stop = true;
  for (auto& t : sub_threads) t.join();
  for (const auto& [seq, r] : by_seq) {
    if (seq < size) leaves[seq] = r.leaf_hash;
  }
  for (const auto& s : subscribers) {
    EXPECT_EQ(s->failure(), "");
    EXPECT_EQ(s->records().size(), size);
    for (const auto& [seq, leaf] : s->records()) {
      if (seq < size) {
        EXPECT_EQ(leaf, leaves[seq]) << "seq " << seq;
      }
    }
  }
  HttpResponse metrics = Get("/metrics");
  EXPECT_THAT(metrics.body,
              ::testing::HasSubstr("paraphe_http_overload_rejections_total"));
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace paraphe::api
