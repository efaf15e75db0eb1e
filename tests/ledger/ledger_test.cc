// Tests of the Ledger facade: init/open and key files. Domain flows through
// Submit are in ledger_submit_test.cc.
#include "ledger/ledger.h"
#include "ledger/domain/ledger_state.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "crypto/note.h"
#include "tests/ledger/test_util.h"

namespace paraphe::ledger {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class LedgerInitTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir("ledger") / "data"; }
  void TearDown() override { fs::remove_all(dir_.parent_path()); }
  fs::path dir_;
};

TEST_F(LedgerInitTest, InitCreatesPrivateKeysAndAnEmptySignedLog) {
  InitOptions o;
  o.origin = "paraphe.test/ledger";
  auto init = Ledger::Init(dir_, o);
  ASSERT_TRUE(init.ok()) << init.status().ToString();
  for (const fs::path& p : {init->operator_key_path, init->ledger_key_path}) {
    struct stat st {};
    ASSERT_EQ(stat(p.c_str(), &st), 0) << p;
    EXPECT_EQ(st.st_mode & 0777, 0600) << p;
  }
  EXPECT_THAT(init->verifier_key, ::testing::StartsWith("paraphe.test/ledger+"));

  auto ledger = Ledger::Open(dir_);
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  EXPECT_EQ((*ledger)->size(), 1u);  // the genesis
  EXPECT_EQ((*ledger)->verifier_key(), init->verifier_key);
  EXPECT_EQ((*ledger)->origin(), "paraphe.test/ledger");
  EXPECT_THAT((*ledger)->Trust().ActiveKids(), ::testing::ElementsAre(init->operator_kid));
  auto verifier = crypto::NoteVerifier::FromVerifierKey(init->verifier_key);
  ASSERT_TRUE(verifier.ok());
  EXPECT_TRUE(verifier->Open(*(*ledger)->Checkpoint()).ok());
}

TEST_F(LedgerInitTest, InitTwiceIsRefusedAndKeepsTheFirstLedger) {
  ASSERT_TRUE(Ledger::Init(dir_, {}).ok());
  auto again = Ledger::Init(dir_, {});
  EXPECT_EQ(again.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(again.status().message(), HasSubstr("already holds a ledger"));
  EXPECT_TRUE(Ledger::Open(dir_).ok());
}

TEST_F(LedgerInitTest, InitRejectsBadOrigin) {
  InitOptions o;
  o.origin = "has space";
  EXPECT_EQ(Ledger::Init(dir_, o).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(LedgerInitTest, InitUsesAGivenOperatorKey) {
  auto key = crypto::PrivateKey::Generate();
  InitOptions o;
  o.operator_key_pem = key->ToPem();
  auto init = Ledger::Init(dir_, o);
  ASSERT_TRUE(init.ok());
  EXPECT_EQ(init->operator_kid, key->public_key().Thumbprint());
}

TEST_F(LedgerInitTest, OpenWithoutLedgerIsNotFoundWithAHint) {
  auto l = Ledger::Open(dir_);
  EXPECT_EQ(l.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(l.status().message(), HasSubstr("paraphe init"));
}

TEST_F(LedgerInitTest, WorldReadableLedgerKeyIsRefused) {
  auto init = Ledger::Init(dir_, {});
  ASSERT_TRUE(init.ok());
  fs::permissions(init->ledger_key_path, fs::perms::others_read, fs::perm_options::add);
  auto l = Ledger::Open(dir_);
  EXPECT_EQ(l.status().code(), StatusCode::kPermissionDenied);
  // Read-only access needs no private key.
  LedgerOptions ro;
  ro.read_only = true;
  EXPECT_TRUE(Ledger::Open(dir_, ro).ok());
}

// ------------------------------------------------ issue 12, item 9: privacy

unsigned ModeOf(const fs::path& p) {
  struct stat st;
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return static_cast<unsigned>(st.st_mode & 07777);
}

TEST_F(LedgerInitTest, InitIsPrivateThroughoutWhateverTheUmask) {
  // An empty DIR made beforehand with the usual 0755 is made private too.
  fs::create_directories(dir_);
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec);
  const mode_t old_umask = ::umask(0);
  auto init = Ledger::Init(dir_, {});
  ::umask(old_umask);
  ASSERT_TRUE(init.ok()) << init.status().ToString();
  EXPECT_EQ(ModeOf(dir_), 0700u);
  size_t db_files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir_)) {
    if (e.is_directory()) {
      EXPECT_EQ(ModeOf(e.path()), 0700u) << e.path();
    } else {
      EXPECT_EQ(ModeOf(e.path()), 0600u) << e.path();
      if (e.path().parent_path() == dir_ / "db") ++db_files;
    }
  }
  EXPECT_GT(db_files, 3u) << "RocksDB's own files (CURRENT, MANIFEST, WAL...) are checked";
  EXPECT_EQ(ModeOf(dir_ / "ledger.json"), 0600u);
  EXPECT_TRUE(Ledger::Open(dir_).ok());
}

TEST_F(LedgerInitTest, OpenForWritingRefusesADirectoryGroupOrOthersCanAccess) {
  ASSERT_TRUE(Ledger::Init(dir_, {}).ok());
  LedgerOptions ro;
  ro.read_only = true;
  for (const fs::path& d : {dir_, dir_ / "db", dir_ / "keys"}) {
    for (unsigned mode : {0777u, 0770u, 0750u, 0705u}) {
      ASSERT_EQ(::chmod(d.c_str(), mode), 0);
      auto l = Ledger::Open(dir_);
      EXPECT_EQ(l.status().code(), StatusCode::kPermissionDenied) << d << " " << mode;
      char want[8];
      std::snprintf(want, sizeof(want), "%04o", mode);
      EXPECT_THAT(l.status().message(), HasSubstr(d.string() + " has mode " + want));
      EXPECT_THAT(l.status().message(), HasSubstr("fix: chmod 700 " + d.string()));
      // A read-only open (an auditor checking a copy) is not refused.
      EXPECT_TRUE(Ledger::Open(dir_, ro).ok()) << d << " " << mode;
    }
    ASSERT_EQ(::chmod(d.c_str(), 0700), 0);
  }
  EXPECT_TRUE(Ledger::Open(dir_).ok());
}

}  // namespace
}  // namespace paraphe::ledger
