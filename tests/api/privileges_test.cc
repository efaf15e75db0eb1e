// paraphed without root: the policy (unit tests of api/privileges.h, any
// user) and the real binary started as root: refused without --user or
// --allow-root (exit 2), warned with --allow-root, and with --user nobody
// every uid and gid of the process is nobody's while it serves.
#include "api/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "tests/api/server_fixture.h"

namespace paraphe::api {
namespace {

using ::testing::HasSubstr;

TEST(RootPolicyTest, RootNeedsUserOrAllowRoot) {
  Status st = CheckRootPolicy(0, {});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("--user"));
  EXPECT_THAT(st.message(), HasSubstr("--allow-root"));
  EXPECT_TRUE(CheckRootPolicy(0, {"nobody", false}).ok());
  EXPECT_TRUE(CheckRootPolicy(0, {std::nullopt, true}).ok());
}

TEST(RootPolicyTest, NonRootNeedsNoFlagAndCannotSwitchUser) {
  EXPECT_TRUE(CheckRootPolicy(1000, {}).ok());
  EXPECT_TRUE(CheckRootPolicy(1000, {std::nullopt, true}).ok());
  Status st = CheckRootPolicy(1000, {"nobody", false});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("needs root"));
}

TEST(RootPolicyTest, UserAndAllowRootExcludeEachOther) {
  EXPECT_EQ(CheckRootPolicy(0, {"nobody", true}).code(),
            StatusCode::kInvalidArgument);
}

TEST(RootPolicyTest, LookUpUserRefusesUnknownAndRootUsers) {
  EXPECT_EQ(LookUpUser("no-such-user-paraphe").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(LookUpUser("root").status().code(), StatusCode::kInvalidArgument);
}

class PrivilegesTest : public ServerTest {
 protected:
  void SetUp() override {
    if (geteuid() != 0) {
      GTEST_SKIP() << "needs root (CI runs the tests as root): paraphed's "
                      "root policy and --user cannot be exercised as uid "
                   << geteuid();
    }
    ServerTest::SetUp();
    server_.set_allow_root_when_root(false);
  }
  void TearDown() override {
    if (!root_.empty()) ServerTest::TearDown();  // empty when skipped
  }
  std::string Log() {
    std::ifstream in(root_ / "paraphed.log");
    return std::string((std::istreambuf_iterator<char>(in)),
                       std::istreambuf_iterator<char>());
  }
  // nobody's uid and gid, or nullopt (the test then skips).
  static std::optional<std::pair<uid_t, gid_t>> Nobody() {
    passwd* pw = getpwnam("nobody");
    if (pw == nullptr) return std::nullopt;
    return std::make_pair(pw->pw_uid, pw->pw_gid);
  }
  // The ids on a /proc/PID/status line ("Uid:", "Gid:", "Groups:").
  static std::vector<long> StatusIds(pid_t pid, const std::string& key) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    std::vector<long> ids;
    while (std::getline(in, line)) {
      if (line.rfind(key, 0) != 0) continue;
      std::istringstream fields(line.substr(key.size()));
      long id;
      while (fields >> id) ids.push_back(id);
    }
    return ids;
  }
};

TEST_F(PrivilegesTest, RootWithoutUserOrAllowRootExitsTwo) {
  Status st = server_.Start(tl_->dir);
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_EQ(server_.exit_code(), 2);
  EXPECT_THAT(Log(), HasSubstr("refusing to run as root"));
  EXPECT_THAT(Log(), HasSubstr("--user NAME"));
  EXPECT_THAT(Log(), HasSubstr("--allow-root"));
}

TEST_F(PrivilegesTest, AllowRootServesWithAWarning) {
  StartServer({"--allow-root"});
  EXPECT_EQ(Get("/healthz").status, 200);
  EXPECT_THAT(Log(), HasSubstr("warning: running as root"));
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
}

TEST_F(PrivilegesTest, UserNobodyServesWithEveryIdDropped) {
  auto nobody = Nobody();
  if (!nobody) GTEST_SKIP() << "no user named nobody";
  const auto [uid, gid] = *nobody;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(tl_->dir)) {
    ASSERT_EQ(lchown(entry.path().c_str(), uid, gid), 0) << entry.path();
  }
  ASSERT_EQ(chown(tl_->dir.c_str(), uid, gid), 0);

  StartServer({"--user", "nobody"});
  EXPECT_EQ(Get("/healthz").status, 200);
  const pid_t pid = server_.pid();
  EXPECT_THAT(StatusIds(pid, "Uid:"),
              ::testing::ElementsAre(uid, uid, uid, uid));
  EXPECT_THAT(StatusIds(pid, "Gid:"),
              ::testing::ElementsAre(gid, gid, gid, gid));
  // Root's supplementary groups are gone too (initgroups for nobody).
  EXPECT_THAT(StatusIds(pid, "Groups:"),
              ::testing::Not(::testing::Contains(0)));
  // The ledger is open for writing as nobody.
  test::TestConvention c("as-nobody");
  EXPECT_EQ(Post(c.Registration(tl_->operator_key)).status, 201);
  EXPECT_THAT(Log(), HasSubstr("running as nobody"));
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
}

TEST_F(PrivilegesTest, UserWithoutAccessToTheDataDirFailsClearly) {
  if (!Nobody()) GTEST_SKIP() << "no user named nobody";
  // The directory still belongs to root (db/ 0755, keys/ 0700).
  Status st = server_.Start(tl_->dir, {"--user", "nobody"});
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_EQ(server_.exit_code(), 1);
  EXPECT_THAT(Log(), HasSubstr("user nobody"));
  EXPECT_THAT(Log(), HasSubstr("chown -R nobody " + tl_->dir.string()));
}

TEST_F(PrivilegesTest, UnknownUserExitsTwo) {
  Status st = server_.Start(tl_->dir, {"--user", "no-such-user-paraphe"});
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_EQ(server_.exit_code(), 2);
  EXPECT_THAT(Log(), HasSubstr("no such user"));
}

}  // namespace
}  // namespace paraphe::api
