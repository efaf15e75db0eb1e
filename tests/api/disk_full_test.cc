// The server over a ledger whose disk fills up (tests/ledger/fault_fs.h):
// appends answer 503 with a problem document and Retry-After, every read
// keeps answering 200 with exactly the old data, and the same append
// succeeds with 201 once space returns. `paraphe submit --server` exits 3
// (unavailable) meanwhile.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rocksdb/env.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/http_client.h"
#include "api/server.h"
#include "crypto/jws.h"
#include "ledger/ledger.h"
#include "tests/api/test_events.h"
#include "tests/ledger/fault_fs.h"
#include "tests/tools/cli_harness.h"

namespace paraphe::api {
namespace {

namespace fs = std::filesystem;
using paraphe::test::FaultInjectionFileSystem;
using ::testing::HasSubstr;

class DiskFullServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = test::TempDir("diskfull");
    tl_.emplace(test::TestLedger::Create(root_ / "data"));
    ledger::LedgerOptions lo;
    lo.env = env_.get();
    auto l = ledger::Ledger::Open(tl_->dir, lo);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    ledger_ = std::move(*l);
    ServerOptions so;
    so.listen = "127.0.0.1:0";
    so.access_log = false;
    auto s = Server::Start(*ledger_, so);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
    url_ = server_->url();
  }
  void TearDown() override {
    // server.h: shut down, then close the ledger, then destroy the server.
    if (server_) server_->Shutdown(std::chrono::seconds(5));
    ledger_.reset();
    server_.reset();
    fs::remove_all(root_);
  }

  HttpResponse Get(const std::string& path) {
    auto r = HttpGet(url_ + path);
    EXPECT_TRUE(r.ok()) << path << ": " << r.status().ToString();
    return r.ok() ? *r : HttpResponse{};
  }
  HttpResponse Post(const std::string& jws) {
    auto r = HttpPost(url_ + "/v1/events", jws,
                      {{"Content-Type", "application/jose"}});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : HttpResponse{};
  }
  // Every read endpoint's body, by path.
  std::map<std::string, std::string> Reads() {
    std::map<std::string, std::string> out;
    for (const std::string path :
         {"/v1/log/checkpoint", "/v1/log/entries",
          "/v1/log/proof/inclusion?seq=0",
          "/v1/log/proof/consistency?from=1&to=2", "/v1/conventions",
          "/v1/conventions/conv-a", "/v1/conventions/conv-a/events",
          "/v1/conventions/conv-a/payments"}) {
      HttpResponse r = Get(path);
      EXPECT_EQ(r.status, 200) << path << ": " << r.body;
      out[path] = r.body;
    }
    return out;
  }
  // `paraphe submit --server` of the registration of a new convention,
  // signed by the operator key.
  cli::Ran CliSubmitRegistration(const std::string& convention) {
    test::TestConvention c(convention);
    auto jws = crypto::JwsParse(c.Registration(tl_->operator_key));
    EXPECT_TRUE(jws.ok());
    const fs::path event = root_ / (convention + ".json");
    cli::WriteFile(event, jws.ok() ? jws->payload : "");
    return cli::Paraphe({"submit", "--server", url_, "--key",
                         tl_->init.operator_key_path.string(), event.string()});
  }

  fs::path root_;
  std::optional<test::TestLedger> tl_;
  std::shared_ptr<FaultInjectionFileSystem> fs_ =
      std::make_shared<FaultInjectionFileSystem>();
  std::unique_ptr<rocksdb::Env> env_ = rocksdb::NewCompositeEnv(fs_);
  std::unique_ptr<ledger::Ledger> ledger_;
  std::unique_ptr<Server> server_;
  std::string url_;
};

TEST_F(DiskFullServerTest, AppendsAre503ReadsStay200AndAppendsResume) {
  test::TestConvention c("conv-a");
  ASSERT_EQ(Post(c.Registration(tl_->operator_key)).status, 201);
  ASSERT_EQ(Post(c.PartySigned("metropole", 1)).status, 201);
  const std::map<std::string, std::string> before = Reads();

  fs_->SetWriteFault(FaultInjectionFileSystem::WriteFault::kNoSpace);
  const std::string next = c.PartySigned("crpv-paca", 2);
  for (int attempt = 0; attempt < 2; ++attempt) {  // the write, then Resume
    SCOPED_TRACE("attempt " + std::to_string(attempt));
    HttpResponse full = Post(next);
    EXPECT_EQ(full.status, 503) << full.body;
    EXPECT_EQ(full.Header("Content-Type"), "application/problem+json");
    EXPECT_EQ(full.Header("Retry-After"), "1");
    auto problem = boost::json::parse(full.body).as_object();
    EXPECT_EQ(problem.at("status").as_int64(), 503);
    EXPECT_THAT(std::string(problem.at("detail").as_string()),
                HasSubstr("No space left on device"));
  }
  // Reads answer exactly as before.
  EXPECT_EQ(Reads(), before);
  EXPECT_EQ(ledger_->size(), test::kGenesis + 2);

  // Space returns: the same event is appended, at the next seq.
  fs_->ClearFaults();
  HttpResponse ok = Post(next);
  ASSERT_EQ(ok.status, 201) << ok.body;
  auto receipt = boost::json::parse(ok.body).as_object();
  EXPECT_EQ(receipt.at("seq").to_number<uint64_t>(), test::kGenesis + 2);
  EXPECT_EQ(receipt.at("duplicate").as_bool(), false);
  EXPECT_THAT(Get("/v1/log/checkpoint").body,
              HasSubstr("\n" + std::to_string(test::kGenesis + 3) + "\n"));
}

TEST_F(DiskFullServerTest, CliSubmitExits3WhileTheDiskIsFull) {
  test::TestConvention c("conv-a");
  ASSERT_EQ(Post(c.Registration(tl_->operator_key)).status, 201);

  fs_->SetWriteFault(FaultInjectionFileSystem::WriteFault::kNoSpace);
  cli::Ran full = CliSubmitRegistration("conv-b");
  EXPECT_EQ(full.code, 3) << cli::Describe(full);
  EXPECT_THAT(full.err, HasSubstr("paraphe: unavailable"));
  EXPECT_THAT(full.err, HasSubstr("No space left on device"));
  EXPECT_EQ(ledger_->size(), test::kGenesis + 1);

  fs_->ClearFaults();
  cli::Ran ok = CliSubmitRegistration("conv-c");
  EXPECT_EQ(ok.code, 0) << cli::Describe(ok);
  EXPECT_EQ(ledger_->size(), test::kGenesis + 2);
}

}  // namespace
}  // namespace paraphe::api
