// Integration tests: the real paraphed binary on 127.0.0.1:0 over a temp
// ledger, driven through paraphe_http_client and raw sockets.
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "tests/api/server_fixture.h"

namespace paraphe::api {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using test::kGenesis;

TEST_F(ServerTest, ServesEveryReadEndpoint) {
  StartServer();
  EXPECT_THAT(server_.url(), StartsWith("http://127.0.0.1:"));
  test::TestConvention c("conv-1");
  HttpResponse created = Post(c.Registration(tl_->operator_key));
  ASSERT_EQ(created.status, 201) << created.body;
  ASSERT_EQ(Post(c.PartySigned("metropole", 1)).status, 201);

  const uint64_t size = kGenesis + 2;
  const std::string sz = std::to_string(size);
  EXPECT_EQ(Get("/healthz").status, 200);
  EXPECT_EQ(Get("/readyz").status, 200);
  HttpResponse cp = Get("/v1/log/checkpoint");
  EXPECT_EQ(cp.status, 200);
  EXPECT_EQ(cp.Header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_THAT(cp.body, StartsWith("paraphe.test/api\n" + sz + "\n"));
  EXPECT_EQ(Get("/v1/log/verifier-key").body, tl_->init.verifier_key + "\n");
  EXPECT_EQ(Json(Get("/v1/conventions")).at("conventions").as_array().size(),
            1u);
  EXPECT_EQ(Get("/v1/conventions/conv-1").status, 200);
  EXPECT_EQ(Get("/v1/conventions/conv-1?as_of_seq=" + std::to_string(kGenesis))
                .status,
            200);
  EXPECT_EQ(Get("/v1/conventions/conv-1?as_of_date=2026-01-21").status, 200);
  EXPECT_EQ(Json(Get("/v1/conventions/conv-1/events"))
                .at("events").as_array().size(), 2u);
  EXPECT_EQ(Get("/v1/conventions/conv-1/payments").status, 200);
  // The listing starts with the genesis record, then the two events.
  auto entries = Json(Get("/v1/log/entries?start=0&end=" + sz));
  ASSERT_EQ(entries.at("entries").as_array().size(), size);
  EXPECT_EQ(entries.at("entries").as_array()[0].at("convention").as_string(),
            "_ledger");
  EXPECT_EQ(entries.at("entries").as_array()[kGenesis].at("convention").as_string(),
            "conv-1");
  EXPECT_EQ(Get("/v1/log/proof/inclusion?seq=" + std::to_string(size - 1) +
                "&tree_size=" + sz).status,
            200);
  EXPECT_EQ(Get("/v1/log/proof/consistency?from=" + std::to_string(size - 1) +
                "&to=" + sz).status,
            200);
  auto api = Json(Get("/v1/openapi.json"));
  EXPECT_TRUE(api.at("paths").as_object().contains("/v1/events"));
  HttpResponse metrics = Get("/metrics");
  EXPECT_THAT(metrics.body, HasSubstr("paraphe_log_size " + sz));
  EXPECT_THAT(metrics.body, HasSubstr("paraphe_group_commit_batch_size_bucket"));
  EXPECT_THAT(metrics.body, HasSubstr("paraphe_http_request_duration_seconds"));
  EXPECT_EQ(server_.Stop(), 0);
}

TEST_F(ServerTest, HostileInputsGetProblemsAndNothingIsLost) {
  StartServer({"--max-body", "65536"});
  test::TestConvention c("conv-2");
  std::string reg = c.Registration(tl_->operator_key);
  ExpectProblem(Post(reg, "text/plain"), 415);
  ExpectProblem(Post(std::string(70 * 1024, 'A')), 413);
  ExpectProblem(Post("garbage"), 400);
  std::string forged = reg;
  forged[forged.size() - 3] = forged[forged.size() - 3] == 'A' ? 'B' : 'A';
  ExpectProblem(Post(forged), 401);

  HttpResponse first = Post(reg);
  ASSERT_EQ(first.status, 201) << first.body;
  HttpResponse dup = Post(reg);
  EXPECT_EQ(dup.status, 200);
  EXPECT_EQ(Json(dup).at("seq"), Json(first).at("seq"));
  EXPECT_TRUE(Json(dup).at("duplicate").as_bool());

  HttpResponse stale = Post(c.PartySigned("crpv-paca", 0));
  ExpectProblem(stale, 409);
  EXPECT_EQ(Json(stale).at("current_version").to_number<uint64_t>(), 1u);
  HttpResponse rule = Post(c.PaymentOrdered(1));
  ExpectProblem(rule, 422);
  EXPECT_TRUE(Json(rule).contains("rule"));
  ExpectProblem(Get("/v1/conventions/absent"), 404);
  ExpectProblem(Get("/v1/no/such/route"), 404);
  auto del = HttpRequest("DELETE", server_.url() + "/v1/events", "");
  ASSERT_TRUE(del.ok());
  ExpectProblem(*del, 405);
  ExpectProblem(Get("/v1/log/proof/inclusion?seq=abc"), 400);
  ExpectProblem(Get("/v1/log/proof/inclusion?seq=0&tree_size=99"), 400);
  ExpectProblem(Get("/v1/conventions/conv-2?as_of_date=2026-13-01"), 400);
  auto big_header = HttpGet(server_.url() + "/healthz",
                            {{"X-Filler", std::string(9000, 'x')}});
  ASSERT_TRUE(big_header.ok()) << big_header.status().ToString();
  ExpectProblem(*big_header, 431);

  // Still serving, and only the one good record is in the log (after the
  // genesis).
  EXPECT_EQ(Get("/healthz").status, 200);
  EXPECT_THAT(Get("/v1/log/checkpoint").body,
              StartsWith("paraphe.test/api\n" + std::to_string(kGenesis + 1) +
                         "\n"));
  EXPECT_EQ(server_.Stop(), 0);
}

TEST_F(ServerTest, ConcurrentWritersOneWinnerPerVersion) {
  StartServer({"--workers", "4", "--quiet"});
  test::TestConvention c("conv-race");
  ASSERT_EQ(Post(c.Registration(tl_->operator_key)).status, 201);
  constexpr int kWriters = 6;
  // Each round, every writer posts a distinct valid event at the same
  // expected version: exactly one 201, every other answer 409.
  for (uint64_t version = 1; version <= 3; ++version) {
    std::vector<std::string> events;
    for (int i = 0; i < kWriters; ++i) {
      std::string tag = "w" + std::to_string(i);
      if (version == 1) events.push_back(c.PartySigned("metropole", 1, tag));
      if (version == 2) events.push_back(c.PartySigned("crpv-paca", 2, tag));
      if (version == 3) events.push_back(c.AttributionNotified(3, tag));
    }
    std::vector<int> codes(kWriters);
    std::vector<std::thread> threads;
    for (int i = 0; i < kWriters; ++i) {
      threads.emplace_back([&, i] { codes[i] = Post(events[i]).status; });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(std::count(codes.begin(), codes.end(), 201), 1)
        << "version " << version;
    EXPECT_EQ(std::count(codes.begin(), codes.end(), 409), kWriters - 1)
        << "version " << version;
  }
  auto state = Json(Get("/v1/conventions/conv-race/events"));
  EXPECT_EQ(state.at("events").as_array().size(), 4u);
}

TEST_F(ServerTest, SubscribeCatchesUpAcrossRestartWithoutGapOrRepeat) {
  StartServer();
  std::vector<test::TestConvention> convs;
  for (int i = 0; i < 3; ++i) convs.emplace_back("sse-" + std::to_string(i));
  ASSERT_EQ(Post(convs[0].Registration(tl_->operator_key)).status, 201);
  ASSERT_EQ(Post(convs[1].Registration(tl_->operator_key)).status, 201);

  std::set<unsigned long long> seen;
  {
    test::RawConnection sse(server_.url());
    ASSERT_TRUE(sse.connected());
    ASSERT_TRUE(sse.Send("GET /v1/subscribe?from_seq=0 HTTP/1.1\r\n"
                         "Host: x\r\nAccept: text/event-stream\r\n\r\n"));
    // Catch-up from 0: the genesis record first, then the two events.
    ASSERT_TRUE(WaitEvents(sse, kGenesis + 2)) << sse.data();
    EXPECT_THAT(sse.data(), HasSubstr("Content-Type: text/event-stream"));
    ASSERT_EQ(test::ParseSse(sse.data()).size(), kGenesis + 2) << sse.data();
    // Live: a record appended now arrives on the open stream.
    ASSERT_EQ(Post(convs[0].PartySigned("metropole", 1)).status, 201);
    ASSERT_TRUE(WaitEvents(sse, kGenesis + 3)) << sse.data();
    auto events = test::ParseSse(sse.data());
    ASSERT_EQ(events.size(), kGenesis + 3);
    EXPECT_EQ(boost::json::parse(events[0].data).at("convention").as_string(),
              "_ledger");
    for (size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(events[i].id, i);
      EXPECT_EQ(events[i].event, "record");
      EXPECT_EQ(boost::json::parse(events[i].data).at("seq").to_number<uint64_t>(), i);
      seen.insert(events[i].id);
    }
  }
  // Restart; more records arrive while the client is away.
  EXPECT_EQ(server_.Stop(), 0);
  StartServer();
  ASSERT_EQ(Post(convs[2].Registration(tl_->operator_key)).status, 201);
  ASSERT_EQ(Post(convs[1].PartySigned("metropole", 1)).status, 201);
  test::RawConnection sse(server_.url());
  const uint64_t last_seen = kGenesis + 2;
  ASSERT_TRUE(sse.Send("GET /v1/subscribe HTTP/1.1\r\nHost: x\r\n"
                       "Last-Event-ID: " + std::to_string(last_seen) +
                       "\r\n\r\n"));
  ASSERT_TRUE(WaitEvents(sse, 2)) << sse.data();
  ASSERT_EQ(Post(convs[2].PartySigned("metropole", 1)).status, 201);
  ASSERT_TRUE(WaitEvents(sse, 3)) << sse.data();
  auto events = test::ParseSse(sse.data());
  ASSERT_EQ(events.size(), 3u);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].id, last_seen + 1 + i);
    EXPECT_TRUE(seen.insert(events[i].id).second) << "repeated " << events[i].id;
  }
  EXPECT_EQ(seen.size(), kGenesis + 6);
}

TEST_F(ServerTest, GracefulShutdownKeepsEveryAcknowledgedAppend) {
  StartServer({"--workers", "4", "--quiet"});
  constexpr int kWriters = 4;
  std::mutex mu;
  std::map<uint64_t, std::string> acknowledged;  // seq -> leaf_hash
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; !stop.load() && i < 1000; ++i) {
        test::TestConvention c("gs-" + std::to_string(w) + "-" +
                               std::to_string(i));
        auto r = HttpPost(server_.url() + "/v1/events",
                          c.Registration(tl_->operator_key),
                          {{"Content-Type", "application/jose"}});
        if (!r.ok()) break;  // the server went away
        if (r->status != 201) continue;  // 503 while draining
        auto o = boost::json::parse(r->body).as_object();
        std::lock_guard lock(mu);
        acknowledged[o.at("seq").to_number<uint64_t>()] =
            std::string(o.at("leaf_hash").as_string());
      }
    });
  }
  std::this_thread::sleep_for(1500ms);
  auto stop_start = std::chrono::steady_clock::now();
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - stop_start, 5s)
      << "shutdown waited for its grace period";
  stop = true;
  for (auto& t : threads) t.join();
  ASSERT_FALSE(acknowledged.empty());

  auto ledger = ledger::Ledger::Open(tl_->dir);
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  EXPECT_GE((*ledger)->size(), kGenesis + acknowledged.size());
  for (const auto& [seq, leaf] : acknowledged) {
    auto r = (*ledger)->Entry(seq);
    ASSERT_TRUE(r.ok()) << "acknowledged seq " << seq << " lost";
    auto json = (*ledger)->RecordJson(*r);
    ASSERT_TRUE(json.ok());
    EXPECT_EQ(json->at("leaf_hash").as_string(), leaf);
  }
}

// Issue 12, item 9: paraphed refuses a data directory others can write (it
// used to serve from a 0777 one), and says how to fix it.
TEST_F(ServerTest, DataDirectoryOthersCanWriteIsRefused) {
  for (const std::filesystem::path& d : {tl_->dir, tl_->dir / "keys", tl_->dir / "db"}) {
    ASSERT_EQ(::chmod(d.c_str(), 0777), 0);
    Status st = server_.Start(tl_->dir);
    EXPECT_EQ(st.code(), StatusCode::kUnavailable) << d;
    EXPECT_EQ(server_.exit_code(), 1) << d;
    std::ifstream in(root_ / "paraphed.log");
    const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_THAT(log, HasSubstr("permission_denied")) << log;
    EXPECT_THAT(log, HasSubstr("chmod 700 " + d.string())) << log;
    ASSERT_EQ(::chmod(d.c_str(), 0700), 0);
  }
  StartServer();
  EXPECT_EQ(Get("/healthz").status, 200);
}

TEST_F(ServerTest, ReadTokenRequiredExceptHealthzAndPost) {
  std::ofstream(root_ / "token") << "tok-" << std::string(40, 'z') << "\n";
  std::filesystem::permissions(root_ / "token",
                               std::filesystem::perms::owner_read |
                                   std::filesystem::perms::owner_write);
  StartServer({"--read-token-file", (root_ / "token").string()});
  const std::string good = "Bearer tok-" + std::string(40, 'z');
  ExpectProblem(Get("/v1/conventions"), 401);
  ExpectProblem(Get("/v1/conventions", {{"Authorization", "Bearer wrong"}}),
                401);
  EXPECT_EQ(Get("/v1/conventions", {{"Authorization", good}}).status, 200);
  EXPECT_EQ(Get("/v1/log/checkpoint", {{"Authorization", good}}).status, 200);
  ExpectProblem(Get("/metrics"), 401);
  EXPECT_EQ(Get("/healthz").status, 200);
  test::TestConvention c("conv-tok");
  EXPECT_EQ(Post(c.Registration(tl_->operator_key)).status, 201);
}

}  // namespace
}  // namespace paraphe::api
