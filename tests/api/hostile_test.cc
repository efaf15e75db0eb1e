// The hostile-input catalogue (docs/RELIABILITY.md): each request a careless
// or malicious client may send, the exact answer paraphed gives, and after
// each group, proof that the server still serves and that the log holds
// exactly the records that were accepted.
#include <boost/json/serialize.hpp>
#include <string>
#include <thread>
#include <vector>

#include "crypto/jws.h"
#include "tests/api/server_fixture.h"

namespace paraphe::api {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class HostileTest : public ServerTest {
 protected:
  // The log size named by the latest checkpoint.
  uint64_t LogSize() {
    HttpResponse r = Get("/v1/log/checkpoint");
    EXPECT_EQ(r.status, 200) << r.body;
    size_t first = r.body.find('\n');
    size_t second = r.body.find('\n', first + 1);
    if (first == std::string::npos || second == std::string::npos) return 0;
    return std::stoull(r.body.substr(first + 1, second - first - 1));
  }
  // `accepted`: the events accepted since Init; the log also holds the
  // genesis record before them.
  void ExpectStillServing(uint64_t accepted) {
    EXPECT_EQ(Get("/healthz").status, 200);
    EXPECT_EQ(LogSize(), test::kGenesis + accepted);
  }
  // The registration payload of `c` with `from` replaced by `to` (raw
  // bytes), signed by the operator: the signature is good, so only the
  // payload decoder stands between these bytes and the log.
  std::string TamperedRegistration(const test::TestConvention& c,
                                   const std::string& from,
                                   const std::string& to) {
    auto jws = crypto::JwsParse(c.Registration(tl_->operator_key));
    EXPECT_TRUE(jws.ok());
    std::string payload = jws->payload;
    size_t at = payload.find(from);
    EXPECT_NE(at, std::string::npos) << from << " not in " << payload;
    if (at != std::string::npos) payload.replace(at, from.size(), to);
    return crypto::JwsSign(payload, tl_->operator_key);
  }
  // Sends raw bytes on a fresh connection and returns what came back
  // before the server closed it (or `wait` passed).
  std::string Exchange(const std::string& bytes,
                       std::chrono::milliseconds wait = 5s) {
    test::RawConnection conn(server_.url());
    EXPECT_TRUE(conn.connected());
    EXPECT_TRUE(conn.Send(bytes));
    conn.WaitClosed(wait);
    return conn.data();
  }
};

TEST_F(HostileTest, HostilePayloadsAreRefusedWith400) {
  StartServer({"--quiet"});
  test::TestConvention c("conv-hostile");
  struct Case {
    const char* what;
    std::string from, to;
  };
  const std::vector<Case> cases = {
      {"invalid UTF-8 in a string", "Test convention", "Bad \xC3\x28 title"},
      {"lone continuation byte", "Test convention", "\x80\x80"},
      {"overlong encoding of '/'", "Test convention", "\xC0\xAF"},
      {"UTF-16 surrogate as UTF-8", "Test convention", "\xED\xA0\x80"},
      {"deep nesting", "\"Test convention\"",
       std::string(5000, '[') + std::string(5000, ']')},
      {"number beyond int64", "\"amount_cents\":20000000",
       "\"amount_cents\":99999999999999999999999"},
      {"number beyond double", "\"amount_cents\":20000000",
       "\"amount_cents\":1e400"},
      {"fractional amount", "\"amount_cents\":20000000",
       "\"amount_cents\":20000000.5"},
      {"negative amount", "\"amount_cents\":20000000", "\"amount_cents\":-1"},
      {"huge version", "\"expected_version\":0",
       "\"expected_version\":184467440737095516160"},
      {"duplicate member", "\"type\":\"ConventionRegistered\"",
       "\"type\":\"ConventionRegistered\",\"type\":\"PartySigned\""},
      {"trailing garbage", "}}", "}} x"},
      {"NUL inside the JSON text", "\"currency\"",
       std::string("\0\"currency\"", 11)},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.what);
    HttpResponse r = Post(TamperedRegistration(c, k.from, k.to));
    ExpectProblem(r, 400);
  }
  // A payload that is valid JSON but not an event object.
  for (std::string payload : {"[]", "\"x\"", "42", "null", "", "{}"}) {
    SCOPED_TRACE(payload);
    ExpectProblem(Post(crypto::JwsSign(payload, tl_->operator_key)), 400);
  }
  ExpectStillServing(0);
  // The untampered event is still accepted: nothing above was half-applied.
  EXPECT_EQ(Post(c.Registration(tl_->operator_key)).status, 201);
  ExpectStillServing(1);
}

TEST_F(HostileTest, WrongContentTypesAre415) {
  StartServer({"--quiet"});
  test::TestConvention c("conv-types");
  std::string jws = c.Registration(tl_->operator_key);
  for (std::string type :
       {"application/json", "text/plain", "multipart/form-data; boundary=x",
        "application/jose+json", "application/x-www-form-urlencoded", ""}) {
    SCOPED_TRACE(type);
    ExpectProblem(Post(jws, type), 415);
  }
  // Parameters and case do not matter for the right type.
  EXPECT_EQ(Post(jws, "Application/JOSE; charset=utf-8").status, 201);
  ExpectStillServing(1);
}

TEST_F(HostileTest, ReplayedAndReorderedEvents) {
  StartServer({"--quiet"});
  test::TestConvention c("conv-order");
  ASSERT_EQ(Post(c.Registration(tl_->operator_key)).status, 201);
  std::string v1 = c.PartySigned("metropole", 1);
  std::string v2 = c.PartySigned("crpv-paca", 2);
  // Version 2 before version 1: a conflict naming the current version.
  HttpResponse early = Post(v2);
  ExpectProblem(early, 409);
  EXPECT_EQ(Json(early).at("current_version").to_number<uint64_t>(), 1u);
  HttpResponse first = Post(v1);
  ASSERT_EQ(first.status, 201) << first.body;
  ASSERT_EQ(Post(v2).status, 201);
  // Replaying version 1 after version 2 returns its original receipt and
  // adds nothing.
  HttpResponse replay = Post(v1);
  EXPECT_EQ(replay.status, 200);
  EXPECT_EQ(Json(replay).at("seq"), Json(first).at("seq"));
  EXPECT_TRUE(Json(replay).at("duplicate").as_bool());
  // The same event re-signed (new bytes, same version) is a conflict, not a
  // second signature.
  ExpectProblem(Post(c.PartySigned("metropole", 1, "B. Autre")), 409);
  // A party's event signed by the other party's key is refused.
  test::TestConvention other("conv-order");
  auto forged = test::TestConvention::Sign(
      other.Envelope(
          "AttributionNotified", 3, "2026-02-20", "metropole", "clerk",
          boost::json::object{{"reference", "R"}, {"channel", "courrier"}}),
      c.crpv_clerk);
  HttpResponse wrong_key = Post(forged);
  EXPECT_TRUE(wrong_key.status == 401 || wrong_key.status == 403)
      << wrong_key.status << " " << wrong_key.body;
  ExpectStillServing(3);
}

TEST_F(HostileTest, MalformedRequestsGetProblemsOrAClose) {
  StartServer({"--quiet", "--max-body", "4096"});
  // Not HTTP at all: a TLS ClientHello on the plain port, binary noise.
  std::string tls_hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
  EXPECT_THAT(Exchange(tls_hello), StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(Exchange(std::string("\0\0\0\0\r\n\r\n", 8)),
              StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(Exchange("GET /healthz\r\n\r\n"), StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(Exchange("GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n"),
              StartsWith("HTTP/1.1 400"));
  // Header names and values with forbidden bytes.
  EXPECT_THAT(Exchange("GET /healthz HTTP/1.1\r\nHo st: x\r\n\r\n"),
              StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(
      Exchange(std::string("GET /healthz HTTP/1.1\r\nX: a\0b\r\n\r\n", 34)),
      StartsWith("HTTP/1.1 400"));
  // Too many headers, each small: the total header limit holds.
  std::string many = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 3000; ++i) many += "A" + std::to_string(i) + ": b\r\n";
  EXPECT_THAT(Exchange(many + "\r\n"), StartsWith("HTTP/1.1 431"));
  // A Content-Length that does not fit in 64 bits, or is negative.
  EXPECT_THAT(Exchange("POST /v1/events HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: application/jose\r\n"
                       "Content-Length: 99999999999999999999999\r\n\r\n"),
              StartsWith("HTTP/1.1 4"));
  EXPECT_THAT(Exchange("POST /v1/events HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: application/jose\r\n"
                       "Content-Length: -5\r\n\r\n"),
              StartsWith("HTTP/1.1 400"));
  // Two different Content-Lengths (request smuggling).
  EXPECT_THAT(Exchange("POST /v1/events HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: application/jose\r\n"
                       "Content-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef"),
              StartsWith("HTTP/1.1 400"));
  // A chunked body that outgrows the limit chunk by chunk.
  std::string chunked =
      "POST /v1/events HTTP/1.1\r\nHost: x\r\n"
      "Content-Type: application/jose\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 10; ++i)
    chunked += "400\r\n" + std::string(1024, 'a') + "\r\n";
  chunked += "0\r\n\r\n";
  EXPECT_THAT(Exchange(chunked), StartsWith("HTTP/1.1 413"));
  // A chunk size that overflows.
  EXPECT_THAT(Exchange("POST /v1/events HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: application/jose\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n"
                       "FFFFFFFFFFFFFFFFFFFF\r\n"),
              StartsWith("HTTP/1.1 4"));
  ExpectStillServing(0);
}

TEST_F(HostileTest, HostileTargetsAndParameters) {
  StartServer({"--quiet"});
  test::TestConvention c("conv-params");
  ASSERT_EQ(Post(c.Registration(tl_->operator_key)).status, 201);
  for (std::string path :
       {"/v1/log/proof/inclusion?seq=18446744073709551616",
        "/v1/log/proof/inclusion?seq=-1", "/v1/log/proof/inclusion?seq=1e3",
        "/v1/log/proof/inclusion?seq=0&tree_size=99999999999999999999",
        "/v1/log/proof/inclusion?seq=0x0", "/v1/log/proof/inclusion?seq=%00",
        "/v1/log/proof/consistency?from=2&to=1",
        "/v1/subscribe?from_seq=18446744073709551616",
        "/v1/log/entries?start=0&limit=-1", "/v1/log/entries?limit=1001",
        "/v1/conventions/conv-params?as_of_seq=99999999999999999999999",
        "/v1/conventions/conv-params?as_of_date=2026-02-30",
        "/v1/conventions/conv-params?as_of_date=%FF%FE",
        "/v1/log/proof/inclusion?seq=0&seq=1"}) {
    SCOPED_TRACE(path);
    ExpectProblem(Get(path), 400);
  }
  for (std::string path :
       {"/v1/conventions/..%2F..%2Fetc%2Fpasswd", "/v1/conventions/%C3%28",
        "/v1/conventions/%00", "/../../etc/passwd",
        "/v1/conventions/conv-params/.."}) {
    SCOPED_TRACE(path);
    HttpResponse r = Get(path);
    EXPECT_TRUE(r.status == 400 || r.status == 404) << r.status << r.body;
    EXPECT_EQ(r.Header("Content-Type"), "application/problem+json");
    EXPECT_THAT(r.body, Not(HasSubstr("root:")));
  }
  // Raw bytes in the request target, unescaped.
  EXPECT_THAT(
      Exchange("GET /v1/conventions/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n"),
      StartsWith("HTTP/1.1 4"));
  // An absolute-form target is served as its path, never fetched.
  EXPECT_THAT(Exchange("GET http://169.254.169.254/healthz HTTP/1.1\r\n"
                       "Host: x\r\nConnection: close\r\n\r\n"),
              StartsWith("HTTP/1.1 4"));
  ExpectStillServing(1);
}

TEST_F(HostileTest, TruncatedRequestsAppendNothing) {
  StartServer({"--quiet"});
  test::TestConvention c("conv-cut");
  std::string jws = c.Registration(tl_->operator_key);
  const std::string head =
      "POST /v1/events HTTP/1.1\r\nHost: x\r\n"
      "Content-Type: application/jose\r\nContent-Length: " +
      std::to_string(jws.size()) + "\r\n\r\n";
  // Cut at every interesting point: in the request line, in the headers,
  // right after them, and one byte short of the whole body.
  for (size_t cut :
       {size_t{5}, size_t{30}, head.size(), head.size() + jws.size() / 2,
        head.size() + jws.size() - 1}) {
    SCOPED_TRACE(cut);
    test::RawConnection conn(server_.url());
    ASSERT_TRUE(conn.Send((head + jws).substr(0, cut)));
    conn.Close();
  }
  std::this_thread::sleep_for(300ms);
  ExpectStillServing(0);
  // The whole request still goes through afterwards, once.
  EXPECT_THAT(Exchange(head + jws + "\r\n"), StartsWith("HTTP/1.1 201"));
  ExpectStillServing(1);
}

TEST_F(HostileTest, SlowBodyIsCutOffWhileOthersAreServed) {
  StartServer({"--quiet", "--read-timeout-ms", "1500"});
  test::TestConvention c("conv-slow");
  std::string jws = c.Registration(tl_->operator_key);
  test::RawConnection slow(server_.url());
  ASSERT_TRUE(
      slow.Send("POST /v1/events HTTP/1.1\r\nHost: x\r\n"
                "Content-Type: application/jose\r\nContent-Length: " +
                std::to_string(jws.size()) + "\r\n\r\n"));
  // One byte every 100 ms: each read succeeds, the whole request never
  // completes in time. Others are served meanwhile.
  bool closed = false;
  for (size_t i = 0; i < jws.size() && i < 60; ++i) {
    if (!slow.Send(jws.substr(i, 1))) {
      closed = true;
      break;
    }
    if (i % 10 == 0) {
      EXPECT_EQ(Get("/healthz").status, 200);
    }
    if (slow.WaitClosed(100ms)) {
      closed = true;
      break;
    }
  }
  EXPECT_TRUE(closed || slow.WaitClosed(5s)) << slow.data();
  ExpectStillServing(0);
}

TEST_F(HostileTest, NoSecretIsEverLogged) {
  std::string token = "s3cret-read-token-0123456789abcdef";
  {
    std::ofstream f(root_ / "token");
    f << token << "\n";
  }
  std::filesystem::permissions(
      root_ / "token",
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  StartServer({"--read-token-file", (root_ / "token").string()});
  test::TestConvention c("conv-secret");
  ASSERT_EQ(Post(c.Registration(tl_->operator_key)).status, 201);
  EXPECT_EQ(
      Get("/v1/log/checkpoint", {{"Authorization", "Bearer " + token}}).status,
      200);
  ExpectProblem(
      Get("/v1/log/checkpoint", {{"Authorization", "Bearer " + token + "x"}}),
      401);
  ExpectProblem(Get("/v1/log/checkpoint?token=" + token), 401);
  ExpectProblem(Post("garbage"), 400);
  ASSERT_EQ(server_.Stop(), 0);

  std::ifstream in(root_ / "paraphed.log");
  std::string log((std::istreambuf_iterator<char>(in)),
                  std::istreambuf_iterator<char>());
  ASSERT_THAT(log, HasSubstr("/v1/log/checkpoint"));  // the access log ran
  EXPECT_THAT(log, Not(HasSubstr(token)));
  EXPECT_THAT(log, Not(HasSubstr("Bearer")));
  EXPECT_THAT(log, Not(HasSubstr("PRIVATE KEY")));
  // Nor the private keys' bytes, in any form the files hold them.
  for (const auto& key :
       {tl_->init.ledger_key_path, tl_->init.operator_key_path}) {
    std::ifstream k(key);
    std::string line;
    while (std::getline(k, line)) {
      if (line.empty() || line.starts_with("-----")) continue;
      EXPECT_EQ(log.find(line), std::string::npos) << key;
    }
  }
}

}  // namespace
}  // namespace paraphe::api
