// Handler tests over a real Ledger in a temp dir, without sockets: every
// endpoint's success shape and each error mapping.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>

#include <boost/json/parse.hpp>

#include "api/handlers.h"
#include "api/problem.h"
#include "crypto/base64.h"
#include "crypto/merkle.h"
#include "tests/api/test_events.h"

namespace paraphe::api {
namespace {

using ::testing::HasSubstr;
using test::kGenesis;
using ::testing::StartsWith;

class HandlersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = test::TempDir("handlers");
    tl_.emplace(test::TestLedger::Create(root_ / "data"));
    auto l = ledger::Ledger::Open(tl_->dir);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    ledger_ = std::move(*l);
    ctx_.ledger = ledger_.get();
    ctx_.metrics = &metrics_;
    router_.emplace(BuildRouter(ctx_, std::nullopt));
  }
  void TearDown() override {
    router_.reset();
    ledger_.reset();
    std::filesystem::remove_all(root_);
  }

  Response Do(Request req) {
    Resolved r = router_->Resolve(req);
    if (r.error) return *r.error;
    switch (r.route->kind) {
      case RouteKind::kSync:
        return r.route->sync(r.call);
      case RouteKind::kAsync: {
        std::promise<Response> p;
        auto f = p.get_future();
        r.route->async(r.call, [&p](Response res) { p.set_value(res); });
        return f.get();
      }
      case RouteKind::kStream: {
        auto start = r.route->stream(r.call);
        if (!start.ok()) return ProblemResponse(start.status());
        return MakeResponse(http::status::ok, kTextType,
                            std::to_string(*start));
      }
    }
    return {};
  }
  Response Get(const std::string& target) {
    return Do(Request{http::verb::get, target, 11});
  }
  Response Post(std::string body,
                std::string content_type = std::string(kJoseType)) {
    Request req{http::verb::post, "/v1/events", 11};
    req.set(http::field::content_type, content_type);
    req.body() = std::move(body);
    req.prepare_payload();
    return Do(std::move(req));
  }
  static boost::json::object Json(const Response& res) {
    return boost::json::parse(res.body()).as_object();
  }

  std::filesystem::path root_;
  std::optional<test::TestLedger> tl_;
  std::unique_ptr<ledger::Ledger> ledger_;
  Metrics metrics_;
  ApiContext ctx_;
  std::optional<Router> router_;
};

TEST_F(HandlersTest, EmptyLedgerReads) {
  Response cp = Get("/v1/log/checkpoint");
  EXPECT_EQ(cp.result(), http::status::ok);
  EXPECT_EQ(std::string(cp[http::field::content_type]), kTextType);
  // An empty ledger holds its genesis record.
  EXPECT_THAT(cp.body(), StartsWith("paraphe.test/api\n" +
                                    std::to_string(kGenesis) + "\n"));
  Response vk = Get("/v1/log/verifier-key");
  EXPECT_EQ(vk.body(), tl_->init.verifier_key + "\n");
  // The genesis's stream "_ledger" is not a convention: not listed, and a
  // clear 404 problem under /v1/conventions/.
  auto listing = Json(Get("/v1/conventions"));
  EXPECT_EQ(listing.at("conventions").as_array().size(), 0u);
  EXPECT_EQ(listing.at("log_size").to_number<uint64_t>(), kGenesis);
  for (auto t : {"/v1/conventions/nope", "/v1/conventions/nope/events",
                 "/v1/conventions/nope/payments", "/v1/conventions/_ledger",
                 "/v1/conventions/_ledger/events",
                 "/v1/conventions/_ledger/payments",
                 "/v1/conventions/_ledger?as_of_seq=0"}) {
    Response res = Get(t);
    EXPECT_EQ(res.result(), http::status::not_found) << t << res.body();
    EXPECT_EQ(std::string(res[http::field::content_type]), kProblemType) << t;
  }
  EXPECT_EQ(Get("/healthz").result(), http::status::ok);
  EXPECT_EQ(Get("/readyz").result(), http::status::ok);
  EXPECT_THAT(Get("/metrics").body(), HasSubstr("paraphe_log_size " + std::to_string(kGenesis)));
  auto api = Json(Get("/v1/openapi.json"));
  EXPECT_TRUE(api.contains("openapi"));
}

TEST_F(HandlersTest, OperatorKeys) {
  Response res = Get("/v1/log/operator-keys");
  ASSERT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(std::string(res[http::field::content_type]), kJsonType);
  boost::json::array keys = boost::json::parse(res.body()).as_array();
  ASSERT_EQ(keys.size(), 1u);
  const crypto::PublicKey pub = tl_->operator_key.public_key();
  EXPECT_EQ(keys[0].at("kid").as_string(), pub.Thumbprint());
  EXPECT_EQ(keys[0].at("public_key").as_string(),
            crypto::Base64UrlEncode(pub.raw()));
  EXPECT_EQ(keys[0].as_object().size(), 2u);
}

TEST_F(HandlersTest, ParameterErrorsAre400) {
  test::TestConvention c("conv-a");
  ASSERT_EQ(Post(c.Registration(tl_->operator_key)).result(),
            http::status::created);
  const uint64_t size = kGenesis + 1;
  const std::string past = std::to_string(size + 1);
  for (const std::string& t : std::vector<std::string>{
                 "/v1/log/proof/inclusion?seq=abc",
                 "/v1/log/proof/inclusion",
                 "/v1/log/proof/inclusion?seq=0&tree_size=" + past,
                 "/v1/log/proof/inclusion?seq=0&tree_size=0",
                 "/v1/log/proof/inclusion?seq=-1",
                 "/v1/log/proof/consistency?from=2&to=1",
                 "/v1/log/proof/consistency?from=0&to=5",
                 "/v1/log/proof/consistency?to=1",
                 "/v1/log/entries?start=" + past,
                 "/v1/log/entries?start=1&end=0",
                 "/v1/log/entries?limit=0",
                 "/v1/log/entries?limit=1001",
                 "/v1/conventions/conv-a?as_of_date=2026-02-30",
                 "/v1/conventions/conv-a?as_of_date=20260101",
                 "/v1/conventions/conv-a?as_of_seq=x",
                 "/v1/subscribe?from_seq=abc"}) {
    Response res = Get(t);
    EXPECT_EQ(res.result(), http::status::bad_request) << t << res.body();
    EXPECT_EQ(std::string(res[http::field::content_type]), kProblemType) << t;
  }
  EXPECT_EQ(Get("/v1/log/proof/inclusion?seq=" + std::to_string(size)).result(),
            http::status::not_found);
}

TEST_F(HandlersTest, SubmitReceiptAndReads) {
  test::TestConvention c("conv-a");
  std::string reg = c.Registration(tl_->operator_key);
  Response created = Post(reg + "\n");
  ASSERT_EQ(created.result(), http::status::created) << created.body();
  auto receipt = Json(created);
  EXPECT_EQ(receipt.at("seq").to_number<uint64_t>(), kGenesis);
  EXPECT_EQ(receipt.at("convention").as_string(), "conv-a");
  EXPECT_EQ(receipt.at("version").to_number<uint64_t>(), 1u);
  EXPECT_FALSE(receipt.at("duplicate").as_bool());
  EXPECT_THAT(std::string(receipt.at("recorded_at").as_string()),
              HasSubstr("T"));
  EXPECT_THAT(std::string(receipt.at("checkpoint").as_string()),
              StartsWith("paraphe.test/api\n" + std::to_string(kGenesis + 1) +
                         "\n"));
  // The proof verifies against the root of the receipt's checkpoint.
  const auto& proof = receipt.at("inclusion_proof").as_object();
  EXPECT_EQ(proof.at("tree_size").to_number<uint64_t>(), kGenesis + 1);
  auto decode = [](const boost::json::value& v) {
    crypto::Hash h{};
    std::string bytes = *crypto::Base64Decode(v.as_string());
    std::copy(bytes.begin(), bytes.end(), h.begin());
    return h;
  };
  std::vector<crypto::Hash> path;
  for (const auto& h : proof.at("proof").as_array()) path.push_back(decode(h));
  EXPECT_TRUE(crypto::VerifyInclusion(kGenesis, kGenesis + 1,
                                      decode(proof.at("leaf_hash")), path,
                                      decode(proof.at("root")))
                  .ok());
  EXPECT_EQ(proof.at("leaf_hash"), receipt.at("leaf_hash"));

  // The same JWS again: 200 and the original receipt.
  Response again = Post(reg);
  EXPECT_EQ(again.result(), http::status::ok);
  EXPECT_EQ(Json(again).at("seq").to_number<uint64_t>(), kGenesis);
  EXPECT_TRUE(Json(again).at("duplicate").as_bool());

  ASSERT_EQ(Post(c.PartySigned("metropole", 1)).result(),
            http::status::created);
  auto list = Json(Get("/v1/conventions")).at("conventions").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("convention").as_string(), "conv-a");
  EXPECT_EQ(Get("/v1/conventions/conv-a").result(), http::status::ok);
  EXPECT_EQ(Get("/v1/conventions/conv-a?as_of_seq=" + std::to_string(kGenesis))
                .result(),
            http::status::ok);
  EXPECT_EQ(Get("/v1/conventions/conv-a?as_of_date=2026-01-25").result(),
            http::status::ok);
  auto events = Json(Get("/v1/conventions/conv-a/events"));
  ASSERT_EQ(events.at("events").as_array().size(), 2u);
  EXPECT_EQ(events.at("events").as_array()[1].at("seq").to_number<uint64_t>(),
            kGenesis + 1);
  EXPECT_EQ(Get("/v1/conventions/conv-a/payments").result(),
            http::status::ok);

  // The listing starts with the genesis record, then the two events.
  const uint64_t size = kGenesis + 2;
  auto page = Json(Get("/v1/log/entries?limit=1"));
  ASSERT_EQ(page.at("entries").as_array().size(), 1u);
  EXPECT_EQ(page.at("entries").as_array()[0].at("seq").to_number<uint64_t>(), 0u);
  EXPECT_EQ(page.at("entries").as_array()[0].at("convention").as_string(),
            "_ledger");
  EXPECT_EQ(page.at("next").to_number<uint64_t>(), 1u);
  auto rest = Json(Get("/v1/log/entries?start=" + std::to_string(size - 1)));
  EXPECT_EQ(rest.at("entries").as_array().size(), 1u);
  EXPECT_TRUE(rest.at("next").is_null());
  auto incl = Json(Get("/v1/log/proof/inclusion?seq=" +
                       std::to_string(kGenesis) +
                       "&tree_size=" + std::to_string(size)));
  EXPECT_EQ(incl.at("tree_size").to_number<uint64_t>(), size);
  auto cons = Json(Get("/v1/log/proof/consistency?from=" +
                       std::to_string(size - 1) + "&to=" + std::to_string(size)));
  EXPECT_EQ(cons.at("old_size").to_number<uint64_t>(), size - 1);
  EXPECT_THAT(Get("/metrics").body(),
              HasSubstr("paraphe_appends_total{result=\"duplicate\"} 1"));
}

TEST_F(HandlersTest, SubmitErrorsMapToProblems) {
  test::TestConvention c("conv-b");
  std::string reg = c.Registration(tl_->operator_key);
  EXPECT_EQ(Post(reg, "text/plain").result(),
            http::status::unsupported_media_type);
  EXPECT_EQ(Post(reg, "").result(), http::status::unsupported_media_type);
  EXPECT_EQ(Post("not.a-jws").result(), http::status::bad_request);
  EXPECT_EQ(Post("").result(), http::status::bad_request);
  // A signature that does not verify.
  std::string forged = reg;
  forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Post(forged).result(), http::status::unauthorized);
  ASSERT_EQ(Post(reg).result(), http::status::created);
  // Stale expected_version: 409 naming the current version.
  Response stale = Post(c.PartySigned("metropole", 0));
  ASSERT_EQ(stale.result(), http::status::conflict) << stale.body();
  EXPECT_EQ(Json(stale).at("current_version").to_number<uint64_t>(), 1u);
  // A clerk key may not sign the convention.
  auto env = c.Envelope("PartySigned", 1, "2026-02-10", "metropole", "clerk",
                        {{"party", "metropole"},
                         {"signatory", "x"},
                         {"document_sha256", c.document_sha256}});
  Response denied = Post(test::TestConvention::Sign(env, c.metropole_clerk));
  EXPECT_EQ(denied.result(), http::status::forbidden) << denied.body();
  // Paying before signature and attribution breaks a clause.
  Response rule = Post(c.PaymentOrdered(1));
  ASSERT_EQ(rule.result(), http::status::unprocessable_entity) << rule.body();
  EXPECT_FALSE(Json(rule).at("rule").as_string().empty());
  EXPECT_EQ(ledger_->size(), kGenesis + 1);
  EXPECT_THAT(Get("/metrics").body(), HasSubstr("paraphe_rejections_total"));
}

// Issue 12, item 8: re-posting a JWS already in the log is 200 with its
// original receipt even after its key was revoked (it was 401 key.revoked).
TEST_F(HandlersTest, RetryAfterRevocationIs200WithTheOriginalReceipt) {
  test::TestConvention c("conv-r");
  ASSERT_EQ(Post(c.Registration(tl_->operator_key)).result(), http::status::created);
  const std::string signed_by_metropole = c.PartySigned("metropole", 1);
  Response first = Post(signed_by_metropole);
  ASSERT_EQ(first.result(), http::status::created) << first.body();
  auto revoke = c.Envelope("KeyRevoked", 2, "2026-02-11", "operator", "operator",
                           {{"kid", c.metropole_signatory.public_key().Thumbprint()},
                            {"reason", "laptop stolen"}});
  Response revoked = Post(test::TestConvention::Sign(revoke, tl_->operator_key));
  ASSERT_EQ(revoked.result(), http::status::created) << revoked.body();

  Response again = Post(signed_by_metropole);
  ASSERT_EQ(again.result(), http::status::ok) << again.body();
  EXPECT_TRUE(Json(again).at("duplicate").as_bool());
  EXPECT_EQ(Json(again).at("seq"), Json(first).at("seq"));
  EXPECT_EQ(Json(again).at("leaf_hash"), Json(first).at("leaf_hash"));
  EXPECT_EQ(Json(again).at("recorded_at"), Json(first).at("recorded_at"));

  // New bytes by the revoked key: still refused.
  Response refused = Post(c.PartySigned("metropole", 3, "B. Autre"));
  ASSERT_EQ(refused.result(), http::status::unauthorized) << refused.body();
  EXPECT_EQ(Json(refused).at("rule").as_string(), "key.revoked");
  EXPECT_EQ(ledger_->size(), kGenesis + 3);
}

TEST_F(HandlersTest, SubscribeStart) {
  Request req{http::verb::get, "/v1/subscribe?from_seq=3", 11};
  EXPECT_EQ(Do(req).body(), "3");
  req.set("Last-Event-ID", "9");
  EXPECT_EQ(Do(req).body(), "10");
  req.set("Last-Event-ID", "nine");
  EXPECT_EQ(Do(req).result(), http::status::bad_request);
  EXPECT_EQ(Get("/v1/subscribe").body(), "0");
}

TEST_F(HandlersTest, DrainingRefusesAppends) {
  ctx_.accepting = false;
  EXPECT_EQ(Get("/readyz").result(), http::status::service_unavailable);
  Response res = Post(test::TestConvention("c").Registration(tl_->operator_key));
  EXPECT_EQ(res.result(), http::status::service_unavailable);
  EXPECT_EQ(std::string(res[http::field::retry_after]), "1");
}

}  // namespace
}  // namespace paraphe::api
