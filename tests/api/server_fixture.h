// The fixture of the integration tests: a temp ledger and the real
// paraphed binary, with helpers for requests and problem checks.
#pragma once

#include <signal.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>

#include "api/http_client.h"
#include "tests/api/raw_connection.h"
#include "tests/api/server_process.h"
#include "tests/api/test_events.h"

namespace paraphe::api {

using namespace std::chrono_literals;

// Reads until `c` holds at least n complete SSE events (10 s at most).
inline bool WaitEvents(test::RawConnection& c, size_t n) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (test::ParseSse(c.data()).size() < n) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    c.ReadUntil("\n\n", 200ms, c.data().size() > 0 ? c.data().size() - 1 : 0);
  }
  return true;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = test::TempDir("server");
    tl_.emplace(test::TestLedger::Create(root_ / "data"));
  }
  void TearDown() override {
    server_.Stop(SIGKILL);
    if (HasFailure()) {
      std::ifstream log(root_ / "paraphed.log");
      std::string line;
      int n = 0;
      while (std::getline(log, line) && n++ < 40) std::cerr << line << "\n";
    }
    std::filesystem::remove_all(root_);
  }
  void StartServer(const std::vector<std::string>& extra = {}) {
    Status st = server_.Start(tl_->dir, extra);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  HttpResponse Get(const std::string& path, const HttpHeaders& h = {}) {
    auto r = HttpGet(server_.url() + path, h);
    EXPECT_TRUE(r.ok()) << path << ": " << r.status().ToString();
    return r.ok() ? *r : HttpResponse{};
  }
  HttpResponse Post(const std::string& jws,
                    const std::string& type = "application/jose") {
    auto r = HttpPost(server_.url() + "/v1/events", jws,
                      {{"Content-Type", type}});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : HttpResponse{};
  }
  static boost::json::object Json(const HttpResponse& r) {
    return boost::json::parse(r.body).as_object();
  }
  void ExpectProblem(const HttpResponse& r, int status) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.Header("Content-Type"), "application/problem+json");
    if (!r.body.empty()) {
      EXPECT_EQ(Json(r).at("status").as_int64(), status);
    }
  }

  std::filesystem::path root_;
  std::optional<test::TestLedger> tl_;
  test::ServerProcess server_;
};

}  // namespace paraphe::api
