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

}  // namespace
}  // namespace paraphe::ledger
