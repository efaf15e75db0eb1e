// End-to-end tests of `paraphe verify` (docs/CLI.md): the real binary on a
// demo ledger, its export bundle and a started paraphed; the exit code and
// the exact failing property of each tampering.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <set>
#include <string>

#include "crypto/base64.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "tests/tools/cli_harness.h"
#ifdef PARAPHE_HAVE_SERVER_PROCESS
#include "tests/api/server_process.h"
#endif

namespace paraphe::cli {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;

// One demo ledger, its bundle and its key, shared by the suite.
class VerifyCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = MakeTempDir();
    demo_ = Paraphe({"demo", "--data", Data()});
    vkey_ = VerifierKey(Data());
    Ran e = Paraphe({"export", "--data", Data(), "--out", Bundle()});
    exported_ = e.code == 0;
  }
  static void TearDownTestSuite() { fs::remove_all(tmp_); }
  void SetUp() override {
    ASSERT_EQ(demo_.code, 0) << Describe(demo_);
    ASSERT_TRUE(exported_);
  }
  // Each demo ledger has its own checkpoint key.
  static std::string VerifierKey(const std::string& dir) {
    Ran vk = Paraphe({"verifier-key", "--data", dir});
    return vk.out.substr(0, vk.out.find('\n'));
  }
  static std::string Data() { return (tmp_ / "demo").string(); }
  static std::string Bundle() { return (tmp_ / "demo.jsonl").string(); }

  // The properties of a run's failures.
  static std::set<std::string> Properties(const json::value& v) {
    std::set<std::string> out;
    for (const auto& f : v.at("failures").as_array()) {
      out.insert(std::string(f.at("property").as_string()));
    }
    return out;
  }
  static void ExpectAllHolds(const Ran& r, std::string_view source_prefix,
                             const std::string& vkey = vkey_) {
    ASSERT_EQ(r.code, 0) << Describe(r);
    json::value v = r.Json();
    EXPECT_TRUE(v.at("ok").as_bool());
    EXPECT_THAT(std::string(v.at("source").as_string()),
                ::testing::StartsWith(std::string(source_prefix)));
    EXPECT_EQ(v.at("origin").as_string(), "paraphe.demo/ledger");
    EXPECT_EQ(v.at("verifier_key").as_string(), vkey);
    EXPECT_FALSE(v.at("trusted_from_data").as_bool());
    EXPECT_EQ(v.at("mode").as_string(), "full");
    EXPECT_EQ(v.at("tree_size").to_number<uint64_t>(), kDemoRecords);
    EXPECT_EQ(v.at("records").to_number<uint64_t>(), kDemoRecords);
    EXPECT_EQ(v.at("signatures_checked").to_number<uint64_t>(), kDemoRecords);
    EXPECT_EQ(v.at("events_replayed").to_number<uint64_t>(), kDemoEvents);  // conventions'
    EXPECT_EQ(v.at("ledger_events").to_number<uint64_t>(), kGenesis);
    EXPECT_EQ(v.at("failures_total").to_number<uint64_t>(), 0u);
    EXPECT_EQ(v.at("conventions").at(0).at("convention").as_string(),
              kConvention);
    EXPECT_FALSE(v.as_object().contains("warning"));
    EXPECT_THAT(r.err, Not(HasSubstr("WARNING")));
  }

  static inline fs::path tmp_;
  static inline Ran demo_;
  static inline std::string vkey_;
  static inline bool exported_ = false;
};

TEST_F(VerifyCliTest, DataPasses) {
  ExpectAllHolds(Paraphe({"verify", "--data", Data(), "--trusted-key", vkey_,
                          "--json", "--threads", "2"}),
                 "ledger ");
}

TEST_F(VerifyCliTest, BundlePasses) {
  const std::string key_file = (tmp_ / "ledger.vkey").string();
  WriteFile(key_file, vkey_ + "\n");
  ExpectAllHolds(Paraphe({"verify", "--bundle", Bundle(), "--trusted-key-file",
                          key_file, "--json"}),
                 "bundle ");
}

TEST_F(VerifyCliTest, HumanOutputEndsWithTheRate) {
  Ran r = Paraphe({"verify", "--data", Data(), "--trusted-key", vkey_});
  ASSERT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("OK: every check holds"));
  std::string last = r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1);
  EXPECT_THAT(last, ::testing::MatchesRegex(
                        "verified 15 record\\(s\\) in [0-9.]+ s \\([0-9]+ "
                        "records/s\\)\n"));
  EXPECT_TRUE(r.err.empty()) << "no progress bar on a pipe: " << r.err;
}

// Unpinned runs are refused (exit 4, trust_cli_test.cc) unless asked for.
TEST_F(VerifyCliTest, UnpinnedKeyIsFlagged) {
  Ran r = Paraphe({"verify", "--bundle", Bundle(), "--json",
                   "--insecure-unpinned"});
  ASSERT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("WARNING: no trusted verifier key was given"));
  json::value v = r.Json();
  EXPECT_TRUE(v.at("trusted_from_data").as_bool());
  EXPECT_THAT(std::string(v.at("warning").as_string()),
              HasSubstr("key found in the data was trusted"));
  Ran h = Paraphe({"verify", "--data", Data(), "--insecure-unpinned"});
  EXPECT_EQ(h.code, 0) << Describe(h);
  EXPECT_THAT(h.err, HasSubstr("WARNING"));
  EXPECT_THAT(h.out, HasSubstr("UNPINNED"));
}

TEST_F(VerifyCliTest, TamperedBundleFails) {
  // Record line 6 (seq 5): one character of the JWS signature changed.
  std::string text = Slurp(Bundle());
  size_t at = 0;
  for (int line = 0; line < 6; ++line) at = text.find('\n', at) + 1;
  const size_t end = text.find('\n', at);
  json::object rec = json::parse(text.substr(at, end - at)).as_object();
  auto leaf = crypto::Base64Decode(rec.at("leaf").as_string());
  ASSERT_TRUE(leaf.ok());
  char& c = (*leaf)[leaf->size() - 10];
  c = c == 'A' ? 'B' : 'A';
  rec["leaf"] = crypto::Base64Encode(*leaf);
  text.replace(at, end - at, json::serialize(rec));
  const std::string bad = (tmp_ / "tampered.jsonl").string();
  WriteFile(bad, text);

  Ran r = Paraphe({"verify", "--bundle", bad, "--trusted-key", vkey_, "--json"});
  ASSERT_EQ(r.code, 1) << Describe(r);
  json::value v = r.Json();
  EXPECT_FALSE(v.at("ok").as_bool());
  EXPECT_THAT(Properties(v), ::testing::Contains("root"));
  bool signature_at_5 = false;
  for (const auto& f : v.at("failures").as_array()) {
    if (f.at("property").as_string() == "signature") {
      EXPECT_EQ(f.at("seq").to_number<uint64_t>(), 5u);
      EXPECT_EQ(f.at("convention").as_string(), kConvention);
      signature_at_5 = true;
    }
  }
  EXPECT_TRUE(signature_at_5) << r.out;
  Ran h = Paraphe({"verify", "--bundle", bad, "--trusted-key", vkey_});
  EXPECT_EQ(h.code, 1);
  EXPECT_THAT(h.out, HasSubstr("FAILED"));
  EXPECT_THAT(h.out, HasSubstr("signature"));
  EXPECT_THAT(h.err, HasSubstr("verification FAILED"));
}

TEST_F(VerifyCliTest, WrongTrustedKeyFails) {
  const std::string other = (tmp_ / "other").string();
  ASSERT_EQ(Paraphe({"demo", "--data", other}).code, 0);
  const std::string wrong = VerifierKey(other);
  ASSERT_NE(wrong, vkey_);
  Ran r =
      Paraphe({"verify", "--data", Data(), "--trusted-key", wrong, "--json"});
  ASSERT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(Properties(r.Json()),
              ::testing::Contains("checkpoint_signature"));
}

// The operator and party pins of FORMAT.md section 7.1, as an auditor
// passes them: PEM files or base64url.
TEST_F(VerifyCliTest, OperatorKeyPin) {
  const std::string op_pem = Data() + "/keys/operator.pem";
  Ran ok = Paraphe({"verify", "--bundle", Bundle(), "--trusted-key", vkey_,
                    "--operator-key", op_pem, "--json"});
  ASSERT_EQ(ok.code, 0) << Describe(ok);
  EXPECT_EQ(ok.Json().at("pinned_operator_keys").to_number<uint64_t>(), 1u);
  // The same key as base64url, with another one beside it.
  auto op = crypto::PrivateKey::FromSeed(
      crypto::HashBytes(crypto::Sha256("paraphe demo key operator")));
  Ran b64 = Paraphe({"verify", "--bundle", Bundle(), "--trusted-key", vkey_,
                     "--operator-key", op->public_key().ToBase64Url(), "--operator-key",
                     Data() + "/keys/demo/committee.pem"});
  EXPECT_EQ(b64.code, 0) << Describe(b64);
  EXPECT_THAT(b64.out, HasSubstr("Pinned:      2 operator key(s), 0 party key(s)"));
  // Another key pinned as the operator's: the genesis is not signed by it.
  Ran wrong = Paraphe({"verify", "--bundle", Bundle(), "--trusted-key", vkey_,
                       "--operator-key", Data() + "/keys/demo/committee.pem", "--json"});
  ASSERT_EQ(wrong.code, 1) << Describe(wrong);
  EXPECT_THAT(Properties(wrong.Json()), ::testing::ElementsAre("genesis"));
}

TEST_F(VerifyCliTest, PartyKeyPin) {
  const std::string demo_keys = Data() + "/keys/demo/";
  std::vector<std::string> all = {"verify", "--data", Data(), "--trusted-key", vkey_};
  // Every key the registration gives the Métropole (its committee member's
  // key is the demo "committee" key).
  for (const char* k : {"metropole-signatory", "metropole-finance", "metropole-clerk",
                        "committee"}) {
    all.push_back("--party-key");
    all.push_back(std::string("metropole=") + demo_keys + k + ".pem");
  }
  std::vector<std::string> json_all = all;
  json_all.push_back("--json");
  Ran ok = Paraphe(json_all);
  ASSERT_EQ(ok.code, 0) << Describe(ok);
  EXPECT_EQ(ok.Json().at("pinned_party_keys").to_number<uint64_t>(), 4u);
  // Only the signatory's key pinned: the first event by another Métropole
  // key (the clerk's notification, seq 4) fails; the convention's replay
  // stops there, so later events are out of sequence (index).
  Ran partial = Paraphe({"verify", "--data", Data(), "--trusted-key", vkey_, "--party-key",
                         "metropole=" + demo_keys + "metropole-signatory.pem", "--json"});
  ASSERT_EQ(partial.code, 1) << Describe(partial);
  const json::value pj = partial.Json();
  const auto& first = pj.at("failures").at(0);
  EXPECT_EQ(first.at("seq").to_number<uint64_t>(), kGenesis + 3);
  EXPECT_EQ(first.at("property").as_string(), "key_pin");
  EXPECT_THAT(Properties(pj), ::testing::IsSubsetOf({"key_pin", "index"}));
}

TEST_F(VerifyCliTest, MalformedPinsAreUsageErrors) {
  Ran bad = Paraphe({"verify", "--bundle", Bundle(), "--trusted-key", vkey_,
                     "--operator-key", "not-a-key", "--json"});
  EXPECT_EQ(bad.code, 2) << Describe(bad);
  EXPECT_THAT(std::string(bad.Json().at("error").at("message").as_string()),
              HasSubstr("--operator-key \"not-a-key\""));
  Ran no_eq = Paraphe({"verify", "--bundle", Bundle(), "--trusted-key", vkey_,
                       "--party-key", Data() + "/keys/operator.pem"});
  EXPECT_EQ(no_eq.code, 2) << Describe(no_eq);
  EXPECT_THAT(no_eq.err, HasSubstr("expected PARTY=KEY"));
  Ran op = Paraphe({"verify", "--bundle", Bundle(), "--trusted-key", vkey_,
                    "--party-key", "operator=" + Data() + "/keys/operator.pem"});
  EXPECT_EQ(op.code, 2) << Describe(op);
  EXPECT_THAT(op.err, HasSubstr("not a party"));
}

TEST_F(VerifyCliTest, InputErrors) {
  Ran bad_key = Paraphe(
      {"verify", "--data", Data(), "--trusted-key", "not-a-vkey", "--json"});
  EXPECT_EQ(bad_key.code, 2) << Describe(bad_key);
  EXPECT_EQ(bad_key.Json().at("error").at("code").as_string(),
            "invalid_argument");
  const std::string junk = (tmp_ / "junk.jsonl").string();
  WriteFile(junk, "not a bundle\n");
  EXPECT_EQ(Paraphe({"verify", "--bundle", junk, "--trusted-key", vkey_}).code,
            2);
  EXPECT_EQ(Paraphe({"verify", "--bundle", (tmp_ / "none").string(),
                     "--trusted-key", vkey_})
                .code,
            2);
  EXPECT_EQ(Paraphe({"verify", "--data", Data(), "--bundle", Bundle()}).code,
            2);
  Ran down = Paraphe(
      {"verify", "--server", "http://127.0.0.1:1", "--trusted-key", vkey_});
  EXPECT_EQ(down.code, 3) << Describe(down);
}

TEST_F(VerifyCliTest, ReportNamesTheConvention) {
  const std::string html = (tmp_ / "report.html").string();
  Ran r = Paraphe(
      {"verify", "--bundle", Bundle(), "--trusted-key", vkey_, "--report", html});
  ASSERT_EQ(r.code, 0) << Describe(r);
  const std::string page = Slurp(html);
  EXPECT_THAT(page, HasSubstr("<html"));
  EXPECT_THAT(page, HasSubstr(kConvention));
}

TEST_F(VerifyCliTest, IncrementalSinceSavedState) {
  const fs::path dir = tmp_ / "incremental";
  ASSERT_EQ(Paraphe({"demo", "--data", dir.string()}).code, 0);
  const std::string vkey = VerifierKey(dir.string());
  const std::string state = (tmp_ / "audit.state").string();
  Ran first = Paraphe({"verify", "--data", dir.string(), "--trusted-key",
                       vkey, "--save-state", state, "--json"});
  ASSERT_EQ(first.code, 0) << Describe(first);
  EXPECT_EQ(first.Json().at("saved_state").as_string(), state);
  Ran add = Paraphe({"committee", "--data", dir.string(), "--convention",
                     kConvention, "--party", "metropole", "--minutes",
                     std::string(64, 'b'), "--decisions", "Bilan validé",
                     "--date", "2026-11-02", "--key",
                     (dir / "keys/demo/committee.pem").string()});
  ASSERT_EQ(add.code, 0) << Describe(add);
  Ran next = Paraphe({"verify", "--data", dir.string(), "--trusted-key", vkey,
                      "--since", state, "--json"});
  ASSERT_EQ(next.code, 0) << Describe(next);
  json::value v = next.Json();
  EXPECT_EQ(v.at("mode").as_string(), "incremental");
  EXPECT_EQ(v.at("since_size").to_number<uint64_t>(), kDemoRecords);
  EXPECT_EQ(v.at("start").to_number<uint64_t>(), kDemoRecords);
  EXPECT_EQ(v.at("records").to_number<uint64_t>(), 1u);
  EXPECT_EQ(v.at("tree_size").to_number<uint64_t>(), kDemoRecords + 1);
}

#ifdef PARAPHE_HAVE_SERVER_PROCESS
TEST_F(VerifyCliTest, ServerPasses) {
  const fs::path dir = tmp_ / "served";
  ASSERT_EQ(Paraphe({"demo", "--data", dir.string()}).code, 0);
  const std::string vkey = VerifierKey(dir.string());
  api::test::ServerProcess server;
  Status st = server.Start(dir);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ExpectAllHolds(Paraphe({"verify", "--server", server.url(), "--trusted-key",
                          vkey, "--json"}),
                 "server http://127.0.0.1:", vkey);
  // The server's records and the local ones give the same audit state.
  const std::string a = (tmp_ / "local.state").string();
  const std::string b = (tmp_ / "server.state").string();
  ASSERT_EQ(Paraphe({"verify", "--data", dir.string(), "--trusted-key", vkey,
                     "--save-state", a})
                .code,
            0);
  ASSERT_EQ(Paraphe({"verify", "--server", server.url(), "--trusted-key",
                     vkey, "--save-state", b})
                .code,
            0);
  EXPECT_EQ(Slurp(a), Slurp(b));
  EXPECT_EQ(server.Stop(), 0);
}

// A server that requires a read token: without --token-file the CLI is
// refused (401, exit 1); with it every --server command works; a token file
// others can read is refused before any request.
TEST_F(VerifyCliTest, ServerWithReadTokenNeedsTokenFile) {
  const fs::path dir = tmp_ / "guarded";
  ASSERT_EQ(Paraphe({"demo", "--data", dir.string()}).code, 0);
  const std::string vkey = VerifierKey(dir.string());
  const fs::path token = tmp_ / "token";
  WriteFile(token, "tok-" + std::string(32, 'q') + "\n");
  fs::permissions(token, fs::perms::owner_read | fs::perms::owner_write);
  api::test::ServerProcess server;
  Status st = server.Start(dir, {"--read-token-file", token.string()});
  ASSERT_TRUE(st.ok()) << st.ToString();

  Ran refused = Paraphe({"checkpoint", "--server", server.url()});
  EXPECT_EQ(refused.code, 1) << Describe(refused);
  EXPECT_THAT(refused.err, HasSubstr("not authenticated"));
  EXPECT_THAT(refused.err, HasSubstr("--token-file"));
  EXPECT_EQ(Paraphe({"verify", "--server", server.url(), "--trusted-key", vkey})
                .code,
            1);

  Ran cp = Paraphe(
      {"checkpoint", "--server", server.url(), "--token-file", token.string()});
  EXPECT_EQ(cp.code, 0) << Describe(cp);
  EXPECT_THAT(cp.out, HasSubstr("paraphe.demo/ledger\n15\n"));
  Ran status = Paraphe({"status", kConvention, "--server", server.url(),
                        "--token-file", token.string(), "--json"});
  EXPECT_EQ(status.code, 0) << Describe(status);
  ExpectAllHolds(Paraphe({"verify", "--server", server.url(), "--token-file",
                          token.string(), "--trusted-key", vkey, "--json"}),
                 "server http://127.0.0.1:", vkey);

  fs::permissions(token, fs::perms::others_read, fs::perm_options::add);
  Ran open = Paraphe(
      {"checkpoint", "--server", server.url(), "--token-file", token.string()});
  EXPECT_EQ(open.code, 1) << Describe(open);
  EXPECT_THAT(open.err, HasSubstr("chmod 600"));
  // --token-file means nothing without --server.
  EXPECT_EQ(Paraphe({"checkpoint", "--data", dir.string(), "--token-file",
                     token.string()})
                .code,
            2);
  EXPECT_EQ(server.Stop(), 0);
}
#endif

}  // namespace
}  // namespace paraphe::cli
