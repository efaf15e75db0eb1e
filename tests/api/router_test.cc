// Unit tests without sockets or ledger: routing, problem+json mapping,
// parameter parsing, token check, SSE framing, metrics, config parsing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include <boost/json/parse.hpp>

#include "api/access_log.h"
#include "api/config.h"
#include "api/metrics.h"
#include "api/params.h"
#include "api/problem.h"
#include "api/router.h"
#include "api/sse.h"
#include "tests/api/test_events.h"

namespace paraphe::api {
namespace {

using ::testing::HasSubstr;

Request Get(std::string target) {
  Request req{http::verb::get, target, 11};
  return req;
}

Router TestRouter(std::optional<std::string> token = std::nullopt) {
  Router r(std::move(token));
  r.Get("/v1/conventions/{id}", [](const Call& c) {
    return MakeResponse(http::status::ok, kTextType, c.path.at("id"));
  });
  r.Get("/healthz", [](const Call&) {
    return MakeResponse(http::status::ok, kTextType, "ok");
  }, /*needs_token=*/false);
  Route post;
  post.method = http::verb::post;
  post.pattern = "/v1/events";
  post.kind = RouteKind::kAsync;
  post.needs_token = false;
  post.async = [](const Call&, Reply reply) {
    reply(MakeResponse(http::status::created, kTextType, ""));
  };
  r.Add(std::move(post));
  return r;
}

boost::json::object ProblemBody(const Response& res) {
  EXPECT_EQ(std::string(res[http::field::content_type]), kProblemType);
  return boost::json::parse(res.body()).as_object();
}

TEST(RouterTest, CapturesAndDecodesPathSegments) {
  Router r = TestRouter();
  Request req = Get("/v1/conventions/abc%2Ddef?x=1");
  Resolved res = r.Resolve(req);
  ASSERT_FALSE(res.error);
  EXPECT_EQ(res.call.path.at("id"), "abc-def");
  EXPECT_EQ(res.call.Query("x"), "1");
  EXPECT_EQ(res.route_name, "GET /v1/conventions/{id}");
}

TEST(RouterTest, UnknownRouteIs404Problem) {
  Router r = TestRouter();
  Request req = Get("/v1/nope");
  Resolved res = r.Resolve(req);
  ASSERT_TRUE(res.error);
  EXPECT_EQ(res.error->result(), http::status::not_found);
  EXPECT_EQ(ProblemBody(*res.error).at("status").as_int64(), 404);
  // A trailing slash is another path.
  Request slash = Get("/v1/conventions/");
  EXPECT_EQ(r.Resolve(slash).error->result(), http::status::not_found);
}

TEST(RouterTest, WrongMethodIs405WithAllow) {
  Router r = TestRouter();
  Request req{http::verb::delete_, "/v1/events", 11};
  Resolved res = r.Resolve(req);
  ASSERT_TRUE(res.error);
  EXPECT_EQ(res.error->result(), http::status::method_not_allowed);
  EXPECT_EQ(std::string((*res.error)[http::field::allow]), "POST");
}

TEST(RouterTest, RepeatedQueryParameterIs400) {
  Router r = TestRouter();
  Request req = Get("/v1/conventions/a?seq=1&seq=2");
  Resolved res = r.Resolve(req);
  ASSERT_TRUE(res.error);
  EXPECT_EQ(res.error->result(), http::status::bad_request);
}

TEST(RouterTest, ReadTokenRequiredOnGetsExceptHealthz) {
  Router r = TestRouter("s3cret-token");
  Request none = Get("/v1/conventions/a");
  EXPECT_EQ(r.Resolve(none).error->result(), http::status::unauthorized);
  Request wrong = Get("/v1/conventions/a");
  wrong.set(http::field::authorization, "Bearer s3cret-tokem");
  EXPECT_EQ(r.Resolve(wrong).error->result(), http::status::unauthorized);
  Request right = Get("/v1/conventions/a");
  right.set(http::field::authorization, "bearer s3cret-token");
  EXPECT_FALSE(r.Resolve(right).error);
  Request health = Get("/healthz");
  EXPECT_FALSE(r.Resolve(health).error);
  Request post{http::verb::post, "/v1/events", 11};
  EXPECT_FALSE(r.Resolve(post).error);
}

TEST(RouterTest, BearerTokenMatching) {
  EXPECT_TRUE(BearerTokenMatches("Bearer abc", "abc"));
  EXPECT_TRUE(BearerTokenMatches("BEARER  abc ", "abc"));
  EXPECT_FALSE(BearerTokenMatches("Basic abc", "abc"));
  EXPECT_FALSE(BearerTokenMatches("Bearer abcd", "abc"));
  EXPECT_FALSE(BearerTokenMatches("Bearer ", ""));
  EXPECT_FALSE(BearerTokenMatches("", "abc"));
  EXPECT_FALSE(BearerTokenMatches("Bearer ab", "abc"));
  EXPECT_FALSE(BearerTokenMatches("Bearer abd", "abc"));
}

TEST(AccessLogTest, RedactTargetKeepsApiParametersOnly) {
  EXPECT_EQ(RedactTarget("/v1/log/proof/inclusion?seq=3&tree_size=9"),
            "/v1/log/proof/inclusion?seq=3&tree_size=9");
  EXPECT_EQ(RedactTarget("/v1/log/checkpoint?token=s3cret&seq=1&flag"),
            "/v1/log/checkpoint?token=REDACTED&seq=1&flag");
  EXPECT_EQ(RedactTarget("/v1/conventions/a\"b\xff c"),
            "/v1/conventions/a%22b%FF%20c");
  EXPECT_EQ(RedactTarget("/x?"), "/x?");
  EXPECT_EQ(RedactTarget(std::string(2000, 'a')).size(), 512u);
}

TEST(ProblemTest, DetailIsValidUtf8AndBounded) {
  // A detail quoting invalid UTF-8 from the client still yields valid JSON.
  Response r = ProblemResponse(InvalidArgument("got '\xff\xfe\xC0\xAF\xED\xA0\x80' and \xC3\xA9"));
  auto body = boost::json::parse(r.body());  // validates UTF-8: throws if not
  EXPECT_EQ(body.at("detail").as_string(),
            "got '\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD' and \xC3\xA9");
  Response big = ProblemResponse(InvalidArgument(std::string(100000, 'x')));
  EXPECT_LT(big.body().size(), 2000u);
  EXPECT_THAT(std::string(boost::json::parse(big.body()).at("detail").as_string()),
              ::testing::EndsWith("..."));
}

TEST(ProblemTest, EveryStatusCodeMapsToItsHttpStatus) {
  struct Case {
    Status status;
    int http;
  };
  const Case cases[] = {
      {InvalidArgument("x"), 400},    {Unauthenticated("x"), 401},
      {PermissionDenied("x"), 403},   {NotFound("x"), 404},
      {Conflict("x"), 409},           {ResourceExhausted("x"), 413},
      {RuleViolation("r.x", "x"), 422}, {Unavailable("x"), 503},
      {DataLoss("x"), 500},           {Internal("x"), 500},
  };
  for (const Case& c : cases) {
    Response res = ProblemResponse(c.status);
    EXPECT_EQ(res.result_int(), static_cast<unsigned>(c.http))
        << c.status.ToString();
    auto body = ProblemBody(res);
    EXPECT_EQ(body.at("status").as_int64(), c.http);
    EXPECT_EQ(body.at("detail").as_string(), "x");
    EXPECT_EQ(body.at("type").as_string(),
              "urn:paraphe:problem:" +
                  std::string(StatusCodeName(c.status.code())));
    EXPECT_FALSE(body.at("title").as_string().empty());
    EXPECT_EQ(res.count(http::field::retry_after), c.http == 503 ? 1u : 0u);
  }
}

TEST(ProblemTest, RuleAndCurrentVersionAreMembers) {
  auto rule = ProblemBody(ProblemResponse(
      RuleViolation("payment.before_notification", "too early")));
  EXPECT_EQ(rule.at("rule").as_string(), "payment.before_notification");
  auto conflict = ProblemBody(ProblemResponse(
      Status(StatusCode::kConflict,
             "expected version 3 of c but its current version is 7",
             "version.conflict")));
  EXPECT_EQ(conflict.at("current_version").to_number<uint64_t>(), 7u);
  EXPECT_EQ(CurrentVersionFromMessage("current_version=12"), 12u);
  EXPECT_EQ(CurrentVersionFromMessage("no number here"), std::nullopt);
}

TEST(ParamsTest, Uint64) {
  EXPECT_EQ(*ParseUint64("seq", "0"), 0u);
  EXPECT_EQ(*ParseUint64("seq", "18446744073709551615"), UINT64_MAX);
  for (std::string_view bad : {"abc", "", "-1", "+1", "1 ", "0x10", "1.0",
                               "18446744073709551616",
                               "999999999999999999999"}) {
    auto r = ParseUint64("seq", bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr("seq"));
  }
}

TEST(ParamsTest, RequiredAndOptional) {
  Call call;
  call.query = {{"seq", "abc"}, {"n", "5"}};
  EXPECT_EQ(RequiredUint(call, "seq").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_THAT(RequiredUint(call, "missing").status().message(),
              HasSubstr("missing query parameter 'missing'"));
  EXPECT_EQ(**OptionalUint(call, "n"), 5u);
  EXPECT_FALSE(OptionalUint(call, "other")->has_value());
}

TEST(ParamsTest, Dates) {
  Call call;
  call.query = {{"ok", "2024-02-29"}, {"leap", "2025-02-29"},
                {"shape", "2026-1-05"}, {"month", "2026-13-01"},
                {"junk", "yesterday"}};
  EXPECT_EQ(**OptionalDate(call, "ok"), "2024-02-29");
  for (auto name : {"leap", "shape", "month", "junk"}) {
    EXPECT_EQ(OptionalDate(call, name).status().code(),
              StatusCode::kInvalidArgument)
        << name;
  }
}

TEST(HttpTypesTest, MediaType) {
  EXPECT_EQ(MediaType("Application/JOSE; charset=utf-8"), "application/jose");
  EXPECT_EQ(MediaType(" text/plain "), "text/plain");
}

TEST(SseTest, Framing) {
  EXPECT_EQ(SseEvent(7, "record", "{\"a\":1}"),
            "id: 7\nevent: record\ndata: {\"a\":1}\n\n");
  EXPECT_EQ(SseComment("heartbeat"), ": heartbeat\n\n");
  std::string head = SseResponseHead(11, 3);
  EXPECT_THAT(head, HasSubstr("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(head, HasSubstr("Content-Type: text/event-stream"));
}

TEST(MetricsTest, RendersCountersAndHistograms) {
  Metrics m;
  m.ObserveRequest("GET /x", 200, 0.003);
  m.ObserveRequest("GET /x", 404, 2.0);
  m.CountAppend(false);
  m.CountAppend(true);
  m.CountRejection(RuleViolation("payment.twice", "no"));
  std::string text = m.Render(nullptr);
  EXPECT_THAT(text, HasSubstr(
      "paraphe_http_requests_total{route=\"GET /x\",code=\"404\"} 1"));
  EXPECT_THAT(text, HasSubstr(
      "paraphe_http_request_duration_seconds_bucket{route=\"GET /x\","
      "le=\"0.005\"} 1"));
  EXPECT_THAT(text, HasSubstr(
      "paraphe_http_request_duration_seconds_count{route=\"GET /x\"} 2"));
  EXPECT_THAT(text, HasSubstr("paraphe_appends_total{result=\"created\"} 1"));
  EXPECT_THAT(text, HasSubstr(
      "paraphe_rejections_total{code=\"rule_violation\","
      "rule=\"payment.twice\"} 1"));
}

TEST(ConfigTest, ParseListen) {
  auto ep = ParseListen("127.0.0.1:0");
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->port(), 0);
  EXPECT_EQ(ParseListen("[::1]:8080")->port(), 8080);
  EXPECT_EQ(ParseListen("localhost:80")->address().to_string(), "127.0.0.1");
  for (auto bad : {"127.0.0.1", "host.example:80", "127.0.0.1:99999",
                   "127.0.0.1:x", "127.0.0.1:"}) {
    EXPECT_EQ(ParseListen(bad).status().code(), StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(ConfigTest, ReadTokenFile) {
  auto dir = test::TempDir("token");
  {
    std::ofstream(dir / "t") << "  tok-123 \n";
    std::ofstream(dir / "empty") << "\n";
    std::ofstream(dir / "open") << "tok-123\n";
  }
  namespace fs = std::filesystem;
  for (const char* f : {"t", "empty"}) {
    fs::permissions(dir / f, fs::perms::owner_read | fs::perms::owner_write);
  }
  fs::permissions(dir / "open", fs::perms::owner_read | fs::perms::owner_write |
                                    fs::perms::others_read);
  EXPECT_EQ(*LoadReadToken(dir / "t"), "tok-123");
  auto open = LoadReadToken(dir / "open");
  EXPECT_EQ(open.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(open.status().message(), ::testing::HasSubstr("chmod 600"));
  fs::permissions(dir / "open", fs::perms::owner_read | fs::perms::group_read);
  EXPECT_EQ(LoadReadToken(dir / "open").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(LoadReadToken(dir / "empty").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadReadToken(dir / "absent").status().code(),
            StatusCode::kNotFound);
  std::filesystem::remove_all(dir);
}

TEST(ConfigTest, ValidateOptions) {
  ServerOptions o;
  EXPECT_TRUE(ValidateOptions(o).ok());
  o.tls_cert = "cert.pem";
  EXPECT_EQ(ValidateOptions(o).code(), StatusCode::kInvalidArgument);
  o.tls_key = "key.pem";
  EXPECT_TRUE(ValidateOptions(o).ok());
  o.io_threads = 0;
  EXPECT_EQ(ValidateOptions(o).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace paraphe::api
