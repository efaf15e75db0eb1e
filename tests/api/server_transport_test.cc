// Integration tests of the transport: TLS, keep-alive and pipelining,
// Expect: 100-continue, slow clients and the connection cap.
#include <cstdlib>
#include <thread>

#include "tests/api/server_fixture.h"

namespace paraphe::api {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST_F(ServerTest, ServesTlsWithATestCertificate) {
  std::string cert = (root_ / "cert.pem").string();
  std::string key = (root_ / "key.pem").string();
  std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
      "-nodes -days 1 -subj /CN=localhost -addext "
      "subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert +
      " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  StartServer({"--tls-cert", cert, "--tls-key", key});
  EXPECT_THAT(server_.url(), StartsWith("https://127.0.0.1:"));
  HttpClientOptions tls;
  tls.ca_file = cert;
  auto health = HttpGet(server_.url() + "/healthz", {}, tls);
  ASSERT_TRUE(health.ok()) << health.status().ToString();
  EXPECT_EQ(health->status, 200);
  test::TestConvention c("conv-tls");
  auto posted = HttpPost(server_.url() + "/v1/events",
                         c.Registration(tl_->operator_key),
                         {{"Content-Type", "application/jose"}}, tls);
  ASSERT_TRUE(posted.ok());
  EXPECT_EQ(posted->status, 201);
  // An untrusted certificate is refused by a verifying client.
  auto untrusted = HttpGet(server_.url() + "/healthz");
  EXPECT_FALSE(untrusted.ok());
  // Plain HTTP on the TLS port gets no HTTP answer.
  std::string plain = "http://" + server_.url().substr(8);
  HttpClientOptions fast;
  fast.timeout = 3s;
  auto p = HttpGet(plain + "/healthz", {}, fast);
  EXPECT_FALSE(p.ok() && p->status == 200);
}

TEST_F(ServerTest, KeepAlivePipeliningInOrder) {
  StartServer();
  test::RawConnection conn(server_.url());
  ASSERT_TRUE(conn.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                        "GET /v1/nope HTTP/1.1\r\nHost: x\r\n\r\n"
                        "GET /v1/log/verifier-key HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(conn.ReadUntil(tl_->init.verifier_key, 10s)) << conn.data();
  const std::string& d = conn.data();
  size_t a = d.find("HTTP/1.1 200");
  size_t b = d.find("HTTP/1.1 404");
  size_t c = d.find("HTTP/1.1 200", a + 1);
  EXPECT_TRUE(a < b && b < c && c != std::string::npos) << d;
  // The connection stays open for another request.
  ASSERT_TRUE(conn.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n"
                        "Connection: close\r\n\r\n"));
  EXPECT_TRUE(conn.WaitClosed(10s));
  size_t responses = 0;
  for (size_t p = conn.data().find("HTTP/1.1 "); p != std::string::npos;
       p = conn.data().find("HTTP/1.1 ", p + 1)) {
    ++responses;
  }
  EXPECT_EQ(responses, 4u);
}

TEST_F(ServerTest, SlowClientIsCutOff) {
  StartServer({"--read-timeout-ms", "500"});
  test::RawConnection slow(server_.url());
  ASSERT_TRUE(slow.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));  // no end
  EXPECT_TRUE(slow.WaitClosed(5s));
  EXPECT_EQ(Get("/healthz").status, 200);
}

TEST_F(ServerTest, ConnectionCapRejectsExtraConnections) {
  StartServer({"--max-connections", "2"});
  test::RawConnection a(server_.url()), b(server_.url());
  ASSERT_TRUE(a.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(b.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(a.ReadUntil("\r\n\r\n", 5s));
  ASSERT_TRUE(b.ReadUntil("\r\n\r\n", 5s));
  auto third = HttpGet(server_.url() + "/healthz");
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(third->status, 503);
  a.Close();
  b.Close();
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(Get("/healthz").status, 200);
}

TEST_F(ServerTest, ExpectContinueGetsInterimResponse) {
  StartServer();
  test::TestConvention c("conv-expect");
  std::string jws = c.Registration(tl_->operator_key);
  test::RawConnection conn(server_.url());
  ASSERT_TRUE(conn.Send("POST /v1/events HTTP/1.1\r\nHost: x\r\n"
                        "Content-Type: application/jose\r\n"
                        "Expect: 100-continue\r\nContent-Length: " +
                        std::to_string(jws.size()) + "\r\n\r\n"));
  ASSERT_TRUE(conn.ReadUntil("HTTP/1.1 100 Continue\r\n\r\n", 5s));
  ASSERT_TRUE(conn.Send(jws));
  ASSERT_TRUE(conn.ReadUntil("HTTP/1.1 201", 10s)) << conn.data();
  // An oversized body is refused before it is sent.
  test::RawConnection big(server_.url());
  ASSERT_TRUE(big.Send("POST /v1/events HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: application/jose\r\n"
                       "Expect: 100-continue\r\n"
                       "Content-Length: 10000000\r\n\r\n"));
  ASSERT_TRUE(big.ReadUntil("HTTP/1.1 413", 5s)) << big.data();
  EXPECT_EQ(big.data().find("100 Continue"), std::string::npos);
  EXPECT_TRUE(big.WaitClosed(5s));
}

}  // namespace
}  // namespace paraphe::api
