// End-to-end tests of the paraphe CLI. Each test runs the real binary on a
// temporary ledger and checks the exit code and the exact output fields
// (docs/CLI.md). --server tests start paraphed on an ephemeral port when it
// is built, and compare its answers with the local ones.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "crypto/base64.h"
#include "crypto/ed25519.h"
#include "crypto/jws.h"
#include "crypto/merkle.h"
#include "crypto/note.h"
#include "crypto/sha256.h"
#include "tests/tools/cli_harness.h"

extern char** environ;

namespace paraphe::cli {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;

// One clear line on stderr, no stack trace.
void ExpectOneLineError(const Ran& r, std::string_view needle) {
  EXPECT_THAT(r.err, HasSubstr(std::string(needle))) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("paraphe: ")) << Describe(r);
  EXPECT_THAT(r.err, Not(HasSubstr("terminate called"))) << Describe(r);
  EXPECT_THAT(r.err, Not(HasSubstr("what():"))) << Describe(r);
}

crypto::Hash HashFromHex(std::string_view hex) {
  auto raw = crypto::HexDecode(hex);
  EXPECT_TRUE(raw.ok());
  crypto::Hash h{};
  std::copy(raw->begin(), raw->end(), h.begin());
  return h;
}

crypto::Hash HashFromB64(std::string_view b64) {
  auto raw = crypto::Base64Decode(b64);
  EXPECT_TRUE(raw.ok()) << b64;
  EXPECT_EQ(raw->size(), 32u);
  crypto::Hash h{};
  std::copy(raw->begin(), raw->end(), h.begin());
  return h;
}

// ------------------------------------------------------------------ usage

TEST(CliUsage, HelpListsSubcommands) {
  Ran r = Paraphe({"--help"});
  EXPECT_EQ(r.code, 0) << Describe(r);
  for (const char* sub :
       {"init",     "key",        "verifier-key", "submit", "register",
        "sign",     "notify",     "pay",          "amend",  "letter",
        "settle",   "court",      "committee",    "status", "history",
        "payments", "checkpoint", "proof",        "export", "demo"}) {
    EXPECT_THAT(r.out, HasSubstr(sub)) << sub;
  }
}

TEST(CliUsage, EverySubcommandHelpHasAnExample) {
  const std::vector<std::vector<std::string>> subs = {{"init"},
                                                      {"key", "gen"},
                                                      {"key", "show"},
                                                      {"verifier-key"},
                                                      {"submit"},
                                                      {"register"},
                                                      {"sign"},
                                                      {"notify"},
                                                      {"pay", "order"},
                                                      {"pay", "execute"},
                                                      {"amend", "propose"},
                                                      {"amend", "sign"},
                                                      {"letter", "send"},
                                                      {"letter", "delivered"},
                                                      {"settle"},
                                                      {"court"},
                                                      {"committee"},
                                                      {"status"},
                                                      {"history"},
                                                      {"payments"},
                                                      {"checkpoint"},
                                                      {"proof", "inclusion"},
                                                      {"proof", "consistency"},
                                                      {"proof", "check"},
                                                      {"export"},
                                                      {"demo"}};
  for (auto args : subs) {
    args.push_back("--help");
    Ran r = Paraphe(args);
    EXPECT_EQ(r.code, 0) << args[0] << " " << Describe(r);
    EXPECT_THAT(r.out, HasSubstr("Example:")) << args[0] << " " << r.out;
  }
}

TEST(CliUsage, NoSubcommandIsUsageError) {
  Ran r = Paraphe({});
  EXPECT_EQ(r.code, 2) << Describe(r);
  ExpectOneLineError(r, "usage error");
}

TEST(CliUsage, UnknownFlagIsUsageError) {
  Ran r = Paraphe({"status", "x", "--bogus"});
  EXPECT_EQ(r.code, 2) << Describe(r);
  ExpectOneLineError(r, "--bogus");
}

TEST(CliUsage, MissingRequiredFlagIsUsageError) {
  Ran r = Paraphe({"proof", "inclusion"});
  EXPECT_EQ(r.code, 2) << Describe(r);
  ExpectOneLineError(r, "--seq");
}

TEST(CliUsage, ServerUnreachableIsExit3) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"checkpoint", "--server",
                                 "http://127.0.0.1:1"},
        std::vector<std::string>{"status", kConvention, "--server",
                                 "http://127.0.0.1:1"}}) {
    Ran r = Paraphe(args);
    EXPECT_EQ(r.code, 3) << Describe(r);
    ExpectOneLineError(r, "127.0.0.1:1");
  }
}

TEST(CliUsage, MissingLedgerDirIsExit2) {
  fs::path tmp = MakeTempDir();
  Ran r = Paraphe({"checkpoint", "--data", (tmp / "absent").string()});
  EXPECT_EQ(r.code, 2) << Describe(r);
  ExpectOneLineError(r, "absent");
  fs::remove_all(tmp);
}

// ------------------------------------------------------------------ keys

TEST(CliKeys, GenThenShowGivesTheThumbprint) {
  fs::path tmp = MakeTempDir();
  const std::string key = (tmp / "k.pem").string();
  Ran gen = Paraphe({"key", "gen", "--out", key, "--json"});
  ASSERT_EQ(gen.code, 0) << Describe(gen);
  EXPECT_EQ(fs::status(key).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  auto loaded = crypto::PrivateKey::Load(key);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const std::string kid = loaded->public_key().Thumbprint();
  const std::string x = crypto::Base64UrlEncode(loaded->public_key().raw());
  json::value g = gen.Json();
  EXPECT_EQ(g.at("kid").as_string(), kid);
  EXPECT_EQ(g.at("public_key").as_string(), x);

  Ran show = Paraphe({"key", "show", key, "--json"});
  ASSERT_EQ(show.code, 0) << Describe(show);
  json::value s = show.Json();
  EXPECT_EQ(s.at("kid").as_string(), kid);
  EXPECT_EQ(s.at("public_key").as_string(), x);
  EXPECT_EQ(s.at("jwk").at("crv").as_string(), "Ed25519");
  EXPECT_EQ(s.at("jwk").at("x").as_string(), x);

  Ran human = Paraphe({"key", "show", key});
  EXPECT_EQ(human.code, 0);
  EXPECT_THAT(human.out, HasSubstr("kid:        " + kid));
  EXPECT_THAT(human.out, HasSubstr("public key: " + x));

  // Never overwritten by accident.
  Ran again = Paraphe({"key", "gen", "--out", key});
  EXPECT_EQ(again.code, 2) << Describe(again);
  ExpectOneLineError(again, "--force");
  fs::remove_all(tmp);
}

TEST(CliKeys, BadKeyFilesAreInputErrors) {
  fs::path tmp = MakeTempDir();
  Ran absent = Paraphe({"key", "show", (tmp / "nope.pem").string()});
  EXPECT_EQ(absent.code, 2) << Describe(absent);
  ExpectOneLineError(absent, "nope.pem");
  WriteFile(tmp / "junk.pem", "not a key\n");
  Ran junk = Paraphe({"key", "show", (tmp / "junk.pem").string()});
  EXPECT_EQ(junk.code, 2) << Describe(junk);
  ExpectOneLineError(junk, "junk.pem");
  fs::remove_all(tmp);
}

// ------------------------------------------------------------------ proof
// check

class ProofCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = MakeTempDir();
    auto k = crypto::PrivateKey::FromSeed(std::string(32, '\x07'));
    ASSERT_TRUE(k.ok());
    auto s =
        crypto::NoteSigner::Create("example.org/log", std::move(k).value());
    ASSERT_TRUE(s.ok());
    signer_.emplace(std::move(s).value());
    vkey_ = signer_->Verifier().VerifierKey();
    auto other = crypto::PrivateKey::FromSeed(std::string(32, '\x08'));
    auto os =
        crypto::NoteSigner::Create("example.org/log", std::move(other).value());
    other_vkey_ = os->Verifier().VerifierKey();
    vectors_ = json::parse(Slurp(std::string(PARAPHE_SOURCE_DIR) +
                                 "/tests/testdata/rfc6962_vectors.json"));
  }
  void TearDown() override { fs::remove_all(tmp_); }

  std::string SignedCheckpoint(uint64_t size, const crypto::Hash& root) {
    crypto::Checkpoint cp;
    cp.origin = "example.org/log";
    cp.size = size;
    cp.root = root;
    auto note = signer_->Sign(cp.Body());
    EXPECT_TRUE(note.ok());
    return *note;
  }

  std::string ProofText(uint64_t index,
                        const std::vector<std::string>& proof_b64,
                        const std::string& checkpoint) {
    std::string t =
        "c2sp.org/tlog-proof@v1\nindex " + std::to_string(index) + "\n";
    for (const auto& h : proof_b64) t += h + "\n";
    return t + "\n" + checkpoint;
  }

  // The vectors usable here: a leaf index, a tree size > 0, a proof and a root.
  struct Vector {
    uint64_t index, size;
    std::vector<std::string> proof_b64;
    crypto::Hash root;
    std::optional<std::string> leaf_input;
    crypto::Hash leaf_hash;
  };
  std::vector<Vector> Vectors() {
    std::vector<Vector> out;
    for (const auto& v : vectors_.at("inclusion_proofs").as_array()) {
      const auto& o = v.as_object();
      if (!o.contains("leaf_index_0based") ||
          o.at("tree_size").to_number<uint64_t>() == 0) {
        continue;
      }
      if (o.contains("wantErr") && o.at("wantErr").as_bool()) continue;
      Vector x;
      x.index = o.at("leaf_index_0based").to_number<uint64_t>();
      x.size = o.at("tree_size").to_number<uint64_t>();
      if (o.contains("proof_b64")) {
        for (const auto& h : o.at("proof_b64").as_array()) {
          x.proof_b64.emplace_back(h.as_string());
        }
      } else {
        for (const auto& h : o.at("proof_hex").as_array()) {
          x.proof_b64.push_back(crypto::HashBase64(HashFromHex(h.as_string())));
        }
      }
      x.root =
          HashFromHex(o.contains("root_hex")
                          ? o.at("root_hex").as_string()
                          : o.at("root_hex_from_reference_tree").as_string());
      if (o.contains("leaf_input_hex")) {
        x.leaf_input = *crypto::HexDecode(o.at("leaf_input_hex").as_string());
        x.leaf_hash = crypto::LeafHash(*x.leaf_input);
      } else {
        x.leaf_hash = HashFromHex(o.at("leaf_hash_hex").as_string());
      }
      out.push_back(std::move(x));
    }
    return out;
  }

  Ran Check(const std::string& text, const Vector& v, const std::string& vkey,
            bool json = false) {
    const fs::path proof = tmp_ / "proof.txt";
    WriteFile(proof, text);
    std::vector<std::string> args = {"proof", "check", proof.string(),
                                     "--trusted-key", vkey};
    if (v.leaf_input) {
      WriteFile(tmp_ / "leaf.bin", *v.leaf_input);
      args.insert(args.end(), {"--leaf-data", (tmp_ / "leaf.bin").string()});
    } else {
      args.insert(args.end(), {"--leaf-hash", crypto::HashBase64(v.leaf_hash)});
    }
    if (json) args.push_back("--json");
    return Paraphe(args);
  }

  fs::path tmp_;
  std::optional<crypto::NoteSigner> signer_;
  std::string vkey_, other_vkey_;
  json::value vectors_;
};

TEST_F(ProofCheckTest, PublishedVectorsVerify) {
  auto vs = Vectors();
  ASSERT_GE(vs.size(), 8u);
  for (const auto& v : vs) {
    Ran r =
        Check(ProofText(v.index, v.proof_b64, SignedCheckpoint(v.size, v.root)),
              v, vkey_, /*json=*/true);
    EXPECT_EQ(r.code, 0) << "index " << v.index << " size " << v.size << " "
                         << Describe(r);
    json::value j = r.Json();
    EXPECT_EQ(j.at("valid").as_bool(), true);
    EXPECT_EQ(j.at("index").to_number<uint64_t>(), v.index);
    EXPECT_EQ(j.at("tree_size").to_number<uint64_t>(), v.size);
    EXPECT_EQ(j.at("root").as_string(), crypto::HashBase64(v.root));
  }
}

TEST_F(ProofCheckTest, TrustedKeyMayBeAFile) {
  auto v = Vectors().at(2);
  WriteFile(tmp_ / "log.vkey", vkey_ + "\n");
  Ran r =
      Check(ProofText(v.index, v.proof_b64, SignedCheckpoint(v.size, v.root)),
            v, (tmp_ / "log.vkey").string());
  EXPECT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("valid"));
}

TEST_F(ProofCheckTest, RejectsWhatDoesNotVerify) {
  for (const auto& v : Vectors()) {
    if (v.proof_b64.empty()) continue;
    const std::string cp = SignedCheckpoint(v.size, v.root);
    // A tampered proof hash.
    auto tampered = v.proof_b64;
    std::string raw = std::string(crypto::HashBytes(HashFromB64(tampered[0])));
    raw[0] ^= 1;
    tampered[0] = crypto::Base64Encode(raw);
    Ran r = Check(ProofText(v.index, tampered, cp), v, vkey_);
    EXPECT_EQ(r.code, 1) << Describe(r);
    ExpectOneLineError(r, "invalid proof");
    // A tampered leaf.
    Vector w = v;
    if (w.leaf_input) {
      w.leaf_input->push_back('x');
    } else {
      w.leaf_hash[5] ^= 0x80;
    }
    r = Check(ProofText(v.index, v.proof_b64, cp), w, vkey_);
    EXPECT_EQ(r.code, 1) << Describe(r);
    // Another key signed the checkpoint.
    r = Check(ProofText(v.index, v.proof_b64, cp), v, other_vkey_, true);
    EXPECT_EQ(r.code, 1) << Describe(r);
    EXPECT_EQ(r.Json().at("valid").as_bool(), false);
    EXPECT_THAT(r.err, HasSubstr("not signed by the trusted key"));
    // Wrong proof lengths: one hash missing, one too many.
    auto shorter = v.proof_b64;
    shorter.pop_back();
    EXPECT_EQ(Check(ProofText(v.index, shorter, cp), v, vkey_).code, 1);
    auto longer = v.proof_b64;
    longer.push_back(longer.back());
    EXPECT_EQ(Check(ProofText(v.index, longer, cp), v, vkey_).code, 1);
    // Index not below the tree size.
    r = Check(ProofText(v.size, v.proof_b64, cp), v, vkey_);
    EXPECT_EQ(r.code, 1) << Describe(r);
    // A 31-byte hash.
    auto short_hash = v.proof_b64;
    short_hash[0] = crypto::Base64Encode(raw.substr(0, 31));
    r = Check(ProofText(v.index, short_hash, cp), v, vkey_);
    EXPECT_EQ(r.code, 1) << Describe(r);
    ExpectOneLineError(r, "32 bytes");
  }
}

TEST_F(ProofCheckTest, JsonFormVerifies) {
  auto v = Vectors().at(3);  // leaf 5 of 8
  json::array proof;
  for (const auto& h : v.proof_b64) proof.emplace_back(h);
  json::object o{{"index", v.index},
                 {"tree_size", v.size},
                 {"root", crypto::HashBase64(v.root)},
                 {"leaf_hash", crypto::HashBase64(v.leaf_hash)},
                 {"proof", proof},
                 {"checkpoint", SignedCheckpoint(v.size, v.root)}};
  Ran r = Check(json::serialize(o), v, vkey_);
  EXPECT_EQ(r.code, 0) << Describe(r);
  o["tree_size"] = v.size + 1;  // claims that disagree with the checkpoint
  r = Check(json::serialize(o), v, vkey_);
  EXPECT_EQ(r.code, 1) << Describe(r);
}

TEST_F(ProofCheckTest, UsageErrors) {
  auto v = Vectors().at(0);
  const fs::path proof = tmp_ / "p.txt";
  WriteFile(proof,
            ProofText(v.index, v.proof_b64, SignedCheckpoint(v.size, v.root)));
  // Neither --leaf-data nor --leaf-hash.
  Ran r = Paraphe({"proof", "check", proof.string(), "--trusted-key", vkey_});
  EXPECT_EQ(r.code, 2) << Describe(r);
  ExpectOneLineError(r, "--leaf-data");
  // A malformed trusted key.
  r = Paraphe({"proof", "check", proof.string(), "--trusted-key", "nonsense",
               "--leaf-hash", crypto::HashBase64(v.leaf_hash)});
  EXPECT_EQ(r.code, 2) << Describe(r);
  ExpectOneLineError(r, "trusted key");
  // An absent proof file.
  r = Paraphe({"proof", "check", (tmp_ / "absent").string(), "--trusted-key",
               vkey_, "--leaf-hash", crypto::HashBase64(v.leaf_hash)});
  EXPECT_EQ(r.code, 2) << Describe(r);
  // Garbage instead of a proof is an invalid proof.
  WriteFile(proof, "hello\n");
  r = Paraphe({"proof", "check", proof.string(), "--trusted-key", vkey_,
               "--leaf-hash", crypto::HashBase64(v.leaf_hash)});
  EXPECT_EQ(r.code, 1) << Describe(r);
}

// ------------------------------------------------------------------ demo
// ledger

// One demo ledger shared by the read-only tests of this suite.
class DemoLedgerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = MakeTempDir();
    demo_ = Paraphe({"demo", "--data", Data(), "--json"});
    Ran vk = Paraphe({"verifier-key", "--data", Data()});
    vkey_ = vk.out.substr(0, vk.out.find('\n'));
  }
  static void TearDownTestSuite() { fs::remove_all(tmp_); }
  void SetUp() override { ASSERT_EQ(demo_.code, 0) << Describe(demo_); }
  static std::string Data() { return (tmp_ / "demo").string(); }

  static inline fs::path tmp_;
  static inline Ran demo_;
  static inline std::string vkey_;
};

TEST_F(DemoLedgerTest, DemoSummary) {
  json::value d = demo_.Json();
  EXPECT_EQ(d.at("convention").as_string(), kConvention);
  EXPECT_EQ(d.at("events").to_number<uint64_t>(), kDemoEvents);
  EXPECT_EQ(d.at("tree_size").to_number<uint64_t>(), kDemoRecords);
  EXPECT_EQ(d.at("verifier_key").as_string(), vkey_);
  // The operator key is the demo "operator" key.
  auto op = crypto::PrivateKey::FromSeed(
      crypto::HashBytes(crypto::Sha256("paraphe demo key operator")));
  EXPECT_EQ(d.at("operator_kid").as_string(), op->public_key().Thumbprint());
  const auto& keys = d.at("party_keys").as_object();
  ASSERT_TRUE(keys.contains("metropole-finance"));
  const std::string finance(keys.at("metropole-finance").as_string());
  EXPECT_EQ(fs::status(finance).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  auto k = crypto::PrivateKey::Load(finance);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(crypto::Base64UrlEncode(k->public_key().raw()),
            "I2Y7uI9o6JBVujJd756JBRqO7SmshF_9d58JKuMIHwc");
  // A second demo into the same directory needs --force.
  Ran again = Paraphe({"demo", "--data", Data()});
  EXPECT_EQ(again.code, 2) << Describe(again);
  ExpectOneLineError(again, "--force");
}

TEST_F(DemoLedgerTest, StatusJson) {
  Ran r = Paraphe({"status", kConvention, "--data", Data(), "--json"});
  ASSERT_EQ(r.code, 0) << Describe(r);
  json::value s = r.Json();
  EXPECT_EQ(s.at("convention").as_string(), kConvention);
  EXPECT_EQ(s.at("version").to_number<uint64_t>(), 14u);
  EXPECT_EQ(s.at("funder").as_string(), "metropole");
  EXPECT_EQ(s.at("terms").at("amount_cents").to_number<int64_t>(), 20000000);
  EXPECT_EQ(s.at("end_date").as_string(), "2027-06-30");  // the avenant
  EXPECT_EQ(s.at("effective_date").as_string(), "2026-02-12");
  EXPECT_EQ(s.at("payment").at("paid_cents").to_number<int64_t>(), 20000000);
  EXPECT_EQ(s.at("parties").as_array().size(), 2u);
}

TEST_F(DemoLedgerTest, StatusAsOf) {
  Ran r = Paraphe(
      {"status", kConvention, "--data", Data(), "--json", "--as-of-seq", "5"});
  ASSERT_EQ(r.code, 0) << Describe(r);
  json::value s = r.Json();
  EXPECT_EQ(s.at("version").to_number<uint64_t>(), 5u);  // seq 5 = version 5
  EXPECT_EQ(s.at("payment").at("ordered_cents").to_number<int64_t>(), 20000000);
  EXPECT_EQ(s.at("payment").at("paid_cents").to_number<int64_t>(), 0);
  r = Paraphe({"status", kConvention, "--data", Data(), "--json",
               "--as-of-date", "2026-02-11"});
  ASSERT_EQ(r.code, 0) << Describe(r);
  s = r.Json();
  EXPECT_EQ(s.at("version").to_number<uint64_t>(), 2u);
  EXPECT_EQ(s.at("phase").as_string(), "partially_signed");
  // Both at once is a usage error.
  r = Paraphe({"status", kConvention, "--data", Data(), "--as-of-seq", "1",
               "--as-of-date", "2026-02-11"});
  EXPECT_EQ(r.code, 2) << Describe(r);
}

TEST_F(DemoLedgerTest, StatusHuman) {
  Ran r = Paraphe({"status", kConvention, "--data", Data()});
  ASSERT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("Convention " + kConvention));
  EXPECT_THAT(r.out, HasSubstr("paid_cents: 20000000 (200 000,00 €)"));
  EXPECT_THAT(r.out, HasSubstr("- id: metropole"));
}

TEST_F(DemoLedgerTest, UnknownConventionIsExit2) {
  for (const char* cmd : {"status", "history", "payments"}) {
    Ran r = Paraphe({cmd, "no-such-convention", "--data", Data()});
    EXPECT_EQ(r.code, 2) << cmd << " " << Describe(r);
    ExpectOneLineError(r, "no-such-convention");
  }
}

// Verified only against the pinned key (trust_cli_test.cc: without one,
// nothing is verified).
TEST_F(DemoLedgerTest, HistoryJson) {
  Ran r = Paraphe({"history", kConvention, "--data", Data(), "--json",
                   "--trusted-key", vkey_});
  ASSERT_EQ(r.code, 0) << Describe(r);
  const json::value history = r.Json();
  const auto& rows = history.as_array();
  ASSERT_EQ(rows.size(), kDemoEvents);
  const std::vector<std::string> types = {
      "ConventionRegistered", "PartySigned",       "PartySigned",
      "AttributionNotified",  "PaymentOrdered",    "PaymentExecuted",
      "CommitteeDecision",    "AmendmentProposed", "AmendmentSigned",
      "AmendmentSigned",      "LetterSent",        "LetterDelivered",
      "SettlementReached",    "SettlementReached"};
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i].as_object();
    EXPECT_EQ(row.at("seq").to_number<uint64_t>(), kGenesis + i);
    EXPECT_EQ(row.at("type").as_string(), types[i]);
    EXPECT_TRUE(row.at("verified").as_bool()) << i;
    EXPECT_EQ(row.at("kid").as_string().size(), 43u);
  }
  EXPECT_EQ(rows[4].at("date").as_string(), "2026-03-05");
  EXPECT_EQ(rows[4].at("actor").at("party").as_string(), "metropole");
  EXPECT_EQ(rows[4].at("actor").at("role").as_string(), "finance");
  EXPECT_EQ(rows[4].at("recorded_at").as_string(), "2026-03-05T09:00:00.000Z");
  // The demo records each event on its business date: no lag.
  EXPECT_EQ(rows[4].at("recording_lag_days").to_number<int64_t>(), 0);
}

TEST_F(DemoLedgerTest, HistoryTable) {
  Ran r = Paraphe({"history", kConvention, "--data", Data()});
  ASSERT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("SEQ"));
  EXPECT_THAT(r.out, HasSubstr("PaymentExecuted"));
  EXPECT_THAT(r.out, HasSubstr("metropole/finance"));
  EXPECT_THAT(r.out, HasSubstr("14 event(s)"));
  EXPECT_THAT(r.out, HasSubstr("LAG (DAYS)"));
  EXPECT_THAT(r.out, Not(HasSubstr("FAILED")));
}

TEST_F(DemoLedgerTest, PaymentsJsonVerified) {
  Ran r = Paraphe({"payments", kConvention, "--data", Data(), "--json",
                   "--trusted-key", vkey_});
  ASSERT_EQ(r.code, 0) << Describe(r);
  json::value p = r.Json();
  EXPECT_EQ(p.at("paid_cents").to_number<int64_t>(), 20000000);
  EXPECT_EQ(p.at("ordered_cents").to_number<int64_t>(), 20000000);
  const auto& m = p.at("mandats").as_array().at(0);
  EXPECT_EQ(m.at("mandat").as_string(), "2026-004512");
  EXPECT_EQ(m.at("status").as_string(), "paid");
  EXPECT_EQ(m.at("ordered").at("seq").to_number<uint64_t>(), kGenesis + 4);
  EXPECT_EQ(m.at("ordered").at("date").as_string(), "2026-03-05");
  EXPECT_EQ(m.at("executed").at("seq").to_number<uint64_t>(), kGenesis + 5);
  EXPECT_EQ(m.at("executed").at("bank_reference").as_string(),
            "BDF-20260312-778201");
  const auto& v = p.at("verification");
  EXPECT_EQ(v.at("verified").as_bool(), true);
  EXPECT_EQ(v.at("proofs_verified").to_number<uint64_t>(), 2u);
  EXPECT_EQ(v.at("proofs_failed").to_number<uint64_t>(), 0u);
  EXPECT_EQ(v.at("tree_size").to_number<uint64_t>(), kDemoRecords);
  EXPECT_EQ(v.at("verifier_key").as_string(), vkey_);
}

TEST_F(DemoLedgerTest, PaymentsHumanAndPinnedKey) {
  Ran r = Paraphe(
      {"payments", kConvention, "--data", Data(), "--trusted-key", vkey_});
  ASSERT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("paid_cents: 20000000 (200 000,00 €)"));
  EXPECT_THAT(r.out,
              HasSubstr("verified (leaf 6 in signed checkpoint of size 15)"));
  EXPECT_THAT(r.out, HasSubstr("every payment event (2) was verified by this "
                               "run from the log content against the pinned "
                               "key"));
  // Pinning another key: the checkpoint does not verify, exit 1.
  auto other = crypto::PrivateKey::FromSeed(std::string(32, '\x01'));
  auto signer = crypto::NoteSigner::Create("paraphe.demo/ledger",
                                           std::move(other).value());
  r = Paraphe({"payments", kConvention, "--data", Data(), "--trusted-key",
               signer->Verifier().VerifierKey()});
  EXPECT_EQ(r.code, 1) << Describe(r);
  ExpectOneLineError(r, "verification failed");
}

TEST_F(DemoLedgerTest, Checkpoint) {
  Ran r = Paraphe({"checkpoint", "--data", Data()});
  ASSERT_EQ(r.code, 0) << Describe(r);
  EXPECT_EQ(r.out.rfind("paraphe.demo/ledger\n15\n", 0), 0u) << r.out;
  auto verifier = crypto::NoteVerifier::FromVerifierKey(vkey_);
  ASSERT_TRUE(verifier.ok());
  EXPECT_TRUE(verifier->Open(r.out).ok());
  Ran j = Paraphe({"checkpoint", "--data", Data(), "--json"});
  ASSERT_EQ(j.code, 0);
  EXPECT_EQ(j.Json().at("checkpoint").as_string(), r.out);
  EXPECT_EQ(j.Json().at("tree_size").to_number<uint64_t>(), kDemoRecords);
}

TEST_F(DemoLedgerTest, ProofInclusionJsonVerifies) {
  Ran r =
      Paraphe({"proof", "inclusion", "--seq", "6", "--data", Data(), "--json"});
  ASSERT_EQ(r.code, 0) << Describe(r);
  json::value p = r.Json();
  EXPECT_EQ(p.at("index").to_number<uint64_t>(), 6u);
  EXPECT_EQ(p.at("tree_size").to_number<uint64_t>(), kDemoRecords);
  auto leaf = crypto::Base64Decode(p.at("leaf_data").as_string());
  ASSERT_TRUE(leaf.ok());
  ASSERT_GT(leaf->size(), 17u);
  EXPECT_EQ(static_cast<uint8_t>((*leaf)[0]), 0x02);
  EXPECT_EQ(static_cast<uint8_t>((*leaf)[8]), 6);  // seq, big-endian
  const crypto::Hash leaf_hash = HashFromB64(p.at("leaf_hash").as_string());
  EXPECT_EQ(crypto::LeafHash(*leaf), leaf_hash);
  std::vector<crypto::Hash> proof;
  for (const auto& h : p.at("proof").as_array())
    proof.push_back(HashFromB64(h.as_string()));
  auto verifier = crypto::NoteVerifier::FromVerifierKey(vkey_);
  auto body = verifier->Open(p.at("checkpoint").as_string());
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  auto cp = crypto::Checkpoint::Parse(*body);
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(cp->size, kDemoRecords);
  EXPECT_EQ(crypto::HashBase64(cp->root), p.at("root").as_string());
  EXPECT_TRUE(crypto::VerifyInclusion(6, kDemoRecords, leaf_hash, proof, cp->root).ok());
  // The payload inside the leaf is the PaymentExecuted event.
  auto jws = crypto::JwsParse(leaf->substr(17));
  ASSERT_TRUE(jws.ok());
  EXPECT_THAT(jws->payload, HasSubstr("\"PaymentExecuted\""));
}

TEST_F(DemoLedgerTest, ProofInclusionTextChecksOffline) {
  Ran r = Paraphe({"proof", "inclusion", "--seq", "5", "--data", Data()});
  ASSERT_EQ(r.code, 0) << Describe(r);
  EXPECT_EQ(r.out.rfind("c2sp.org/tlog-proof@v1\nindex 5\n", 0), 0u) << r.out;
  Ran j =
      Paraphe({"proof", "inclusion", "--seq", "5", "--data", Data(), "--json"});
  const fs::path proof = tmp_ / "receipt.tlog-proof";
  const fs::path leaf = tmp_ / "leaf.bin";
  WriteFile(proof, r.out);
  WriteFile(leaf, *crypto::Base64Decode(j.Json().at("leaf_data").as_string()));
  Ran ok = Paraphe({"proof", "check", proof.string(), "--trusted-key", vkey_,
                    "--leaf-data", leaf.string()});
  EXPECT_EQ(ok.code, 0) << Describe(ok);
  EXPECT_THAT(ok.out,
              HasSubstr("valid: leaf 5 is included in the tree of size 15"));
  // A tampered leaf (one byte of the JWS changed).
  std::string bad = *crypto::Base64Decode(j.Json().at("leaf_data").as_string());
  bad[bad.size() - 3] ^= 1;
  WriteFile(leaf, bad);
  Ran tampered = Paraphe({"proof", "check", proof.string(), "--trusted-key",
                          vkey_, "--leaf-data", leaf.string()});
  EXPECT_EQ(tampered.code, 1) << Describe(tampered);
  ExpectOneLineError(tampered, "invalid proof");
  // The JSON form checks too.
  const fs::path pj = tmp_ / "receipt.json";
  WriteFile(pj, j.out);
  Ran okj =
      Paraphe({"proof", "check", pj.string(), "--trusted-key", vkey_,
               "--leaf-hash", j.Json().at("leaf_hash").as_string().c_str()});
  EXPECT_EQ(okj.code, 0) << Describe(okj);
}

TEST_F(DemoLedgerTest, ProofErrors) {
  Ran r = Paraphe({"proof", "inclusion", "--seq", "99", "--data", Data()});
  EXPECT_EQ(r.code, 2) << Describe(r);
  r = Paraphe({"proof", "inclusion", "--seq", "abc", "--data", Data()});
  EXPECT_EQ(r.code, 2) << Describe(r);
}

TEST_F(DemoLedgerTest, ProofConsistencyJsonVerifies) {
  Ran r = Paraphe({"proof", "consistency", "--from", "3", "--to", "15",
                   "--data", Data(), "--json"});
  ASSERT_EQ(r.code, 0) << Describe(r);
  json::value p = r.Json();
  EXPECT_EQ(p.at("old_size").to_number<uint64_t>(), 3u);
  EXPECT_EQ(p.at("tree_size").to_number<uint64_t>(), kDemoRecords);
  std::vector<crypto::Hash> proof;
  for (const auto& h : p.at("proof").as_array())
    proof.push_back(HashFromB64(h.as_string()));
  EXPECT_TRUE(crypto::VerifyConsistency(
                  3, kDemoRecords, HashFromB64(p.at("old_root").as_string()),
                  HashFromB64(p.at("root").as_string()), proof)
                  .ok());
  Ran cp = Paraphe({"checkpoint", "--data", Data(), "--json"});
  EXPECT_EQ(cp.Json().at("root").as_string(), p.at("root").as_string());
}

TEST_F(DemoLedgerTest, ExportBundle) {
  const fs::path out = tmp_ / "bundle.jsonl";
  Ran r = Paraphe({"export", "--out", out.string(), "--data", Data()});
  ASSERT_EQ(r.code, 0) << Describe(r);
  EXPECT_TRUE(r.err.empty()) << "no progress bar on a pipe: " << r.err;
  std::ifstream in(out);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  json::value h = json::parse(line);
  EXPECT_EQ(h.at("format").as_string(), "paraphe-bundle/v2");
  EXPECT_EQ(h.at("origin").as_string(), "paraphe.demo/ledger");
  EXPECT_EQ(h.at("verifier_key").as_string(), vkey_);
  EXPECT_EQ(h.at("tree_size").to_number<uint64_t>(), kDemoRecords);
  // No operator key in the header: they are records of the log.
  EXPECT_EQ(h.as_object().size(), 5u);
  EXPECT_FALSE(h.as_object().contains("operator_keys"));
  auto verifier = crypto::NoteVerifier::FromVerifierKey(vkey_);
  auto body = verifier->Open(h.at("checkpoint").as_string());
  ASSERT_TRUE(body.ok());
  auto cp = crypto::Checkpoint::Parse(*body);
  crypto::MemoryTree tree;
  uint64_t n = 0;
  while (std::getline(in, line)) {
    json::value rec = json::parse(line);
    EXPECT_EQ(rec.at("seq").to_number<uint64_t>(), n);
    auto leaf = crypto::Base64Decode(rec.at("leaf").as_string());
    ASSERT_TRUE(leaf.ok());
    EXPECT_EQ(static_cast<uint8_t>((*leaf)[8]), n);
    int64_t ms = 0;
    for (int i = 9; i < 17; ++i)
      ms = (ms << 8) | static_cast<uint8_t>((*leaf)[i]);
    EXPECT_EQ(ms, rec.at("recorded_at_ms").to_number<int64_t>());
    tree.AppendLeaf(*leaf);
    ++n;
  }
  EXPECT_EQ(n, kDemoRecords);
  EXPECT_EQ(tree.Root(), cp->root);
  EXPECT_FALSE(fs::exists(out.string() + ".partial"));
}

// ------------------------------------------------------------------ writes

// Each test gets its own demo ledger, since it appends to it.
class SubmitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = MakeTempDir();
    data_ = (tmp_ / "demo").string();
    Ran d = Paraphe({"demo", "--data", data_});
    ASSERT_EQ(d.code, 0) << Describe(d);
  }
  void TearDown() override { fs::remove_all(tmp_); }
  std::string Key(const std::string& name) {
    return data_ + "/keys/demo/" + name + ".pem";
  }
  std::string EventFile(const std::string& name, const json::object& event) {
    const fs::path p = tmp_ / name;
    WriteFile(p, json::serialize(event));
    return p.string();
  }
  json::object Example(const std::string& file) {
    return json::parse(Slurp(kExamples + "/history/" + file)).as_object();
  }
  fs::path tmp_;
  std::string data_;
};

// The sender attests its own letter's delivery only with the postal proof
// (EVENTS.md, LetterDelivered): --proof FILE puts its SHA-256 in the event.
TEST_F(SubmitTest, SenderAttestedDeliveryNeedsTheProof) {
  Ran sent = Paraphe({"letter", "send", "--data", data_, "--convention", kConvention,
                      "--party", "metropole", "--letter-id", "T-2026-1", "--purpose",
                      "termination", "--to", "crpv-paca", "--deposit-date", "2026-12-01",
                      "--tracking", "1A23456789", "--content", std::string(64, 'c'),
                      "--date", "2026-12-01", "--key", Key("metropole-signatory")});
  ASSERT_EQ(sent.code, 0) << Describe(sent);
  const std::vector<std::string> delivered = {
      "letter", "delivered", "--data", data_, "--convention", kConvention, "--party",
      "metropole", "--letter-id", "T-2026-1", "--first-presentation", "2026-12-02",
      "--outcome", "delivered", "--delivery-date", "2026-12-02", "--date", "2026-12-02",
      "--key", Key("metropole-clerk"), "--json"};
  Ran without = Paraphe(delivered);
  EXPECT_EQ(without.code, 1) << Describe(without);
  EXPECT_EQ(without.Json().at("error").at("rule").as_string(),
            "letter.delivery_proof_required");
  const fs::path proof = tmp_ / "avis-de-reception.pdf";
  WriteFile(proof, "scan of the signed receipt");
  std::vector<std::string> with = delivered;
  with.push_back("--proof");
  with.push_back(proof.string());
  Ran ok = Paraphe(with);
  ASSERT_EQ(ok.code, 0) << Describe(ok);
  EXPECT_EQ(ok.Json().at("duplicate").as_bool(), false);
  Ran h = Paraphe({"history", kConvention, "--data", data_, "--json"});
  ASSERT_EQ(h.code, 0) << Describe(h);
  const json::value last = h.Json().as_array().back();
  EXPECT_EQ(last.at("type").as_string(), "LetterDelivered");
  EXPECT_EQ(last.at("event").at("data").at("proof_sha256").as_string(),
            crypto::HashHex(crypto::Sha256("scan of the signed receipt")));
}

TEST_F(SubmitTest, ShorthandAccepted) {
  Ran r = Paraphe({"committee", "--data", data_, "--convention", kConvention,
                   "--party", "metropole", "--minutes", std::string(64, 'a'),
                   "--decisions", "Bilan 2026 validé", "--date", "2026-11-02",
                   "--key", Key("committee"), "--json"});
  ASSERT_EQ(r.code, 0) << Describe(r);
  json::value receipt = r.Json();
  EXPECT_EQ(receipt.at("seq").to_number<uint64_t>(), kDemoRecords);
  EXPECT_EQ(receipt.at("version").to_number<uint64_t>(), kDemoEvents + 1);
  EXPECT_EQ(receipt.at("convention").as_string(), kConvention);
  EXPECT_EQ(receipt.at("duplicate").as_bool(), false);
  EXPECT_EQ(receipt.at("inclusion_proof").at("index").to_number<uint64_t>(),
            kDemoRecords);
  // The receipt is a proof an auditor can check offline.
  const std::string receipt_file =
      EventFile("receipt.json", receipt.as_object());
  Ran vk = Paraphe({"verifier-key", "--data", data_});
  Ran check = Paraphe({"proof", "check", receipt_file, "--trusted-key",
                       vk.out.substr(0, vk.out.find('\n')), "--leaf-hash",
                       std::string(receipt.at("leaf_hash").as_string())});
  EXPECT_EQ(check.code, 0) << Describe(check);
  Ran s = Paraphe({"status", kConvention, "--data", data_, "--json"});
  EXPECT_EQ(s.Json().at("committee_decisions").as_array().size(), 2u);
}

TEST_F(SubmitTest, HumanReceipt) {
  Ran r = Paraphe({"court", "--data", data_, "--convention", kConvention,
                   "--party", "crpv-paca", "--letter-id", "LRAR-2026-CRPV-001",
                   "--court", "TA Marseille", "--case", "2601234", "--date",
                   "2026-11-20", "--key", Key("crpv-signatory")});
  // Settled on 2026-10-22: a court referral after settlement is refused.
  EXPECT_EQ(r.code, 1) << Describe(r);
  ExpectOneLineError(r, "rejected [");
}

TEST_F(SubmitTest, RuleViolationNamesTheRule) {
  // A second execution of the paid mandat.
  json::object e = Example("05-PaymentExecuted.json");
  e.erase("expected_version");  // filled with the current version
  e["date"] = "2026-11-02";
  Ran r = Paraphe({"submit", "--key", Key("metropole-finance"), "--data", data_,
                   EventFile("e.json", e), "--json"});
  EXPECT_EQ(r.code, 1) << Describe(r);
  json::value err = r.Json();
  EXPECT_EQ(err.at("error").at("code").as_string(), "rule_violation");
  EXPECT_FALSE(err.at("error").at("rule").as_string().empty());
  ExpectOneLineError(
      r,
      "rejected [" + std::string(err.at("error").at("rule").as_string()) + "]");
}

TEST_F(SubmitTest, StaleVersionIsConflict) {
  json::object e = Example("01-PartySigned.json");
  e["date"] = "2026-02-11";  // not the same event: expected_version 1 is stale
  Ran r = Paraphe({"submit", "--key", Key("metropole-signatory"), "--data",
                   data_, EventFile("e.json", e), "--json"});
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_EQ(r.Json().at("error").at("code").as_string(), "conflict");
}

TEST_F(SubmitTest, SameEventTwiceIsTheOriginalReceipt) {
  Ran r =
      Paraphe({"submit", "--key", Key("metropole-signatory"), "--data", data_,
               kExamples + "/history/01-PartySigned.json", "--json"});
  EXPECT_EQ(r.code, 0) << Describe(r);
  EXPECT_EQ(r.Json().at("duplicate").as_bool(), true);
  EXPECT_EQ(r.Json().at("seq").to_number<uint64_t>(), kGenesis + 1);
}

TEST_F(SubmitTest, WrongKeyIsRefused) {
  json::object e = Example("06-CommitteeDecision.json");
  e.erase("expected_version");
  e["date"] = "2026-11-02";
  // Signed with the finance key while claiming the committee role.
  Ran r = Paraphe({"submit", "--key", Key("metropole-finance"), "--data", data_,
                   EventFile("e.json", e)});
  EXPECT_EQ(r.code, 1) << Describe(r);
  ExpectOneLineError(r, "paraphe: ");
}

// Issue 12, item 9: writing to a ledger whose directory others can write is
// refused, saying how to fix it; reading it is not.
TEST_F(SubmitTest, WritingToADirectoryOthersCanWriteIsRefused) {
  ASSERT_EQ(::chmod(data_.c_str(), 0777), 0);
  Ran r = Paraphe({"submit", "--key", Key("metropole-signatory"), "--data", data_,
                   kExamples + "/history/01-PartySigned.json"});
  EXPECT_EQ(r.code, 1) << Describe(r);
  ExpectOneLineError(r, "permission denied");
  ExpectOneLineError(r, "chmod 700 " + data_);
  Ran read = Paraphe({"status", kConvention, "--data", data_});
  EXPECT_EQ(read.code, 0) << Describe(read);
  ASSERT_EQ(::chmod((data_ + "/keys").c_str(), 0777), 0);
  ASSERT_EQ(::chmod(data_.c_str(), 0700), 0);
  r = Paraphe({"submit", "--key", Key("metropole-signatory"), "--data", data_,
               kExamples + "/history/01-PartySigned.json"});
  EXPECT_EQ(r.code, 1) << Describe(r);
  ExpectOneLineError(r, "chmod 700 " + data_ + "/keys");
}

TEST_F(SubmitTest, InputErrorsAreExit2) {
  const std::string bad = (tmp_ / "bad.json").string();
  WriteFile(bad, "{\"type\": ");
  Ran r = Paraphe(
      {"submit", "--key", Key("metropole-finance"), "--data", data_, bad});
  EXPECT_EQ(r.code, 2) << Describe(r);
  ExpectOneLineError(r, "malformed JSON");

  json::object e = Example("06-CommitteeDecision.json");
  e["convention"] = "no-such-convention";
  e.erase("expected_version");
  r = Paraphe({"submit", "--key", Key("committee"), "--data", data_,
               EventFile("e.json", e)});
  EXPECT_EQ(r.code, 2) << Describe(r);
  ExpectOneLineError(r, "no-such-convention");

  r = Paraphe({"submit", "--key", (tmp_ / "absent.pem").string(), "--data",
               data_, EventFile("e.json", e)});
  EXPECT_EQ(r.code, 2) << Describe(r);
  ExpectOneLineError(r, "absent.pem");

  // A key file readable by others is refused.
  const std::string loose = (tmp_ / "loose.pem").string();
  fs::copy_file(Key("committee"), loose);
  fs::permissions(loose, fs::perms::owner_read | fs::perms::owner_write |
                             fs::perms::group_read | fs::perms::others_read);
  r = Paraphe(
      {"submit", "--key", loose, "--data", data_, EventFile("e.json", e)});
  EXPECT_EQ(r.code, 2) << Describe(r);
  ExpectOneLineError(r, "loose.pem");

  // A bad amount.
  r = Paraphe(
      {"pay",          "order",     "--data",   data_,
       "--convention", kConvention, "--party",  "metropole",
       "--exercice",   "2026",      "--mandat", "X",
       "--bordereau",  "B",         "--payee",  "crpv-paca",
       "--amount",     "12.345",    "--key",    Key("metropole-finance")});
  EXPECT_EQ(r.code, 2) << Describe(r);
  ExpectOneLineError(r, "12.345");
}

TEST_F(SubmitTest, RegisterASecondConvention) {
  json::object reg =
      json::parse(Slurp(kExamples + "/registration.json")).as_object();
  const std::string file = EventFile("reg.json", reg);
  Ran r =
      Paraphe({"register", file, "--convention", "second-convention", "--key",
               data_ + "/keys/operator.pem", "--data", data_, "--json"});
  ASSERT_EQ(r.code, 0) << Describe(r);
  EXPECT_EQ(r.Json().at("convention").as_string(), "second-convention");
  EXPECT_EQ(r.Json().at("version").to_number<uint64_t>(), 1u);
  Ran list = Paraphe({"conventions", "--data", data_, "--json"});
  ASSERT_EQ(list.code, 0) << Describe(list);
  EXPECT_EQ(list.Json().as_array().size(), 2u);
}

// ------------------------------------------------------------------ init

TEST(CliInit, InitThenReadEmptyLedger) {
  fs::path tmp = MakeTempDir();
  const std::string data = (tmp / "ledger").string();
  Ran r = Paraphe(
      {"init", "--data", data, "--origin", "example.org/test", "--json"});
  ASSERT_EQ(r.code, 0) << Describe(r);
  json::value j = r.Json();
  EXPECT_EQ(j.at("origin").as_string(), "example.org/test");
  EXPECT_EQ(j.at("verifier_key").as_string().subview(0, 17),
            "example.org/test+");
  auto op = crypto::PrivateKey::Load(
      std::string(j.at("operator_key_path").as_string()));
  ASSERT_TRUE(op.ok());
  EXPECT_EQ(j.at("operator_kid").as_string(), op->public_key().Thumbprint());
  Ran vk = Paraphe({"verifier-key", "--data", data});
  EXPECT_EQ(vk.code, 0);
  EXPECT_EQ(vk.out, std::string(j.at("verifier_key").as_string()) + "\n");
  Ran human = Paraphe({"init", "--data", (tmp / "other").string()});
  EXPECT_EQ(human.code, 0) << Describe(human);
  EXPECT_THAT(human.out, HasSubstr("verifier key:"));
  // Init refuses a ledger that exists.
  Ran again = Paraphe({"init", "--data", data});
  EXPECT_NE(again.code, 0);
  ExpectOneLineError(again, "paraphe: ");
  fs::remove_all(tmp);
}

// Issue 12, item 9: a ledger the CLI makes and writes is 0700/0600
// throughout, even from a shell whose umask is 0: the files RocksDB creates
// after init (a new WAL, OPTIONS and LOG at each open) take paraphe's own
// umask 077.
TEST(CliInit, DemoLedgerIsPrivateUnderAPermissiveUmask) {
  fs::path tmp = MakeTempDir();
  const fs::path data = tmp / "demo";
  const mode_t old_umask = ::umask(0);
  Ran r = Paraphe({"demo", "--data", data.string()});
  ::umask(old_umask);
  ASSERT_EQ(r.code, 0) << Describe(r);
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(data)) {
    struct stat st;
    ASSERT_EQ(::lstat(e.path().c_str(), &st), 0);
    const unsigned mode = st.st_mode & 07777;
    if (S_ISDIR(st.st_mode)) {
      EXPECT_EQ(mode, 0700u) << e.path();
    } else {
      EXPECT_EQ(mode, 0600u) << e.path();
      ++files;
    }
  }
  EXPECT_GT(files, 10u);
  fs::remove_all(tmp);
}

// ------------------------------------------------------------------ server

// paraphed on an ephemeral port over its own demo ledger.
class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kParaphed)) GTEST_SKIP() << "paraphed is not built";
    tmp_ = MakeTempDir();
    data_ = (tmp_ / "demo").string();
    Ran d = Paraphe({"demo", "--data", data_});
    ASSERT_EQ(d.code, 0) << Describe(d);
    int out[2];
    ASSERT_EQ(pipe(out), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addopen(&fa, 2, (tmp_ / "paraphed.log").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> args = {kParaphed, "--data", data_, "--listen",
                                     "127.0.0.1:0"};
    // paraphed refuses to run as root without being told (CI runs as root).
    if (geteuid() == 0) args.push_back("--allow-root");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ASSERT_EQ(posix_spawn(&pid_, kParaphed.c_str(), &fa, nullptr, argv.data(),
                          environ),
              0);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    std::string got;
    char buf[256];
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (got.find('\n') == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    close(out[0]);
    const std::string prefix = "listening on ";
    const size_t at = got.find(prefix);
    ASSERT_NE(at, std::string::npos)
        << "paraphed said: " << got << Slurp(tmp_ / "paraphed.log");
    url_ = got.substr(at + prefix.size());
    url_ = url_.substr(0, url_.find('\n'));
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    if (!tmp_.empty()) fs::remove_all(tmp_);
  }
  // The same command against the local ledger and the server.
  void ExpectSameAnswers(std::vector<std::string> args) {
    auto local = args, remote = args;
    local.insert(local.end(), {"--data", data_});
    remote.insert(remote.end(), {"--server", url_});
    Ran l = Paraphe(local);
    Ran r = Paraphe(remote);
    EXPECT_EQ(l.code, r.code)
        << args[0] << "\nlocal: " << Describe(l) << "\nserver: " << Describe(r);
    EXPECT_EQ(l.out, r.out) << args[0];
  }

  fs::path tmp_;
  std::string data_;
  std::string url_;
  pid_t pid_ = 0;
};

TEST_F(ServerTest, SameAnswersAsLocal) {
  ExpectSameAnswers({"status", kConvention, "--json"});
  ExpectSameAnswers({"status", kConvention});
  ExpectSameAnswers({"status", kConvention, "--json", "--as-of-seq", "4"});
  ExpectSameAnswers(
      {"status", kConvention, "--json", "--as-of-date", "2026-02-11"});
  ExpectSameAnswers({"payments", kConvention, "--json"});
  ExpectSameAnswers({"payments", kConvention});
  {
    std::string vkey = Paraphe({"verifier-key", "--data", data_}).out;
    vkey = vkey.substr(0, vkey.find('\n'));
    ExpectSameAnswers({"payments", kConvention, "--json", "--trusted-key", vkey});
  }
  ExpectSameAnswers({"checkpoint"});
  ExpectSameAnswers({"verifier-key"});
  ExpectSameAnswers({"conventions", "--json"});
  ExpectSameAnswers({"proof", "inclusion", "--seq", "5", "--json"});
  ExpectSameAnswers({"proof", "inclusion", "--seq", "5"});
  ExpectSameAnswers(
      {"proof", "consistency", "--from", "3", "--to", "14", "--json"});
  ExpectSameAnswers({"status", "no-such-convention"});
  ExpectSameAnswers({"proof", "inclusion", "--seq", "99"});
}

TEST_F(ServerTest, HistorySameAsLocal) {
  // With the pinned key, the whole log is verified from the server's
  // records too (the verifier of `paraphe verify --server`).
  std::string vkey = Paraphe({"verifier-key", "--data", data_}).out;
  vkey = vkey.substr(0, vkey.find('\n'));
  Ran l = Paraphe({"history", kConvention, "--json", "--data", data_,
                   "--trusted-key", vkey});
  ASSERT_EQ(l.code, 0) << Describe(l);
  EXPECT_TRUE(l.Json().at(0).at("verified").as_bool());
  ExpectSameAnswers({"history", kConvention, "--json", "--trusted-key", vkey});
  ExpectSameAnswers({"history", kConvention, "--trusted-key", vkey});
  ExpectSameAnswers({"history", kConvention, "--json"});
  ExpectSameAnswers({"history", kConvention});
}

TEST_F(ServerTest, ExportSameAsLocal) {
  const std::string a = (tmp_ / "local.jsonl").string();
  const std::string b = (tmp_ / "server.jsonl").string();
  ASSERT_EQ(Paraphe({"export", "--out", a, "--data", data_}).code, 0);
  Ran r = Paraphe({"export", "--out", b, "--server", url_});
  ASSERT_EQ(r.code, 0) << Describe(r);
  // Byte for byte, operator public keys included.
  EXPECT_EQ(Slurp(a), Slurp(b));
}

TEST_F(ServerTest, SubmitThroughServer) {
  Ran r = Paraphe({"committee", "--server", url_, "--convention", kConvention,
                   "--party", "metropole", "--minutes", std::string(64, 'b'),
                   "--decisions", "Bilan validé", "--date", "2026-11-02",
                   "--key", data_ + "/keys/demo/committee.pem", "--json"});
  ASSERT_EQ(r.code, 0) << Describe(r);
  EXPECT_EQ(r.Json().at("seq").to_number<uint64_t>(), kDemoRecords);
  EXPECT_EQ(
      r.Json().at("inclusion_proof").at("tree_size").to_number<uint64_t>(),
      kDemoRecords + 1);
  // Read-only beside the running server, the local view sees it.
  Ran s = Paraphe({"status", kConvention, "--data", data_, "--json"});
  ASSERT_EQ(s.code, 0) << Describe(s);
  EXPECT_EQ(s.Json().at("version").to_number<uint64_t>(), 15u);
  // A rejection through the server: same exit code and rule as locally.
  json::object e =
      json::parse(Slurp(kExamples + "/history/05-PaymentExecuted.json"))
          .as_object();
  e.erase("expected_version");
  e["date"] = "2026-11-02";
  const std::string f = (tmp_ / "e.json").string();
  WriteFile(f, json::serialize(e));
  Ran rej =
      Paraphe({"submit", "--key", data_ + "/keys/demo/metropole-finance.pem",
               "--server", url_, f, "--json"});
  EXPECT_EQ(rej.code, 1) << Describe(rej);
  EXPECT_EQ(rej.Json().at("error").at("code").as_string(), "rule_violation");
}

}  // namespace
}  // namespace paraphe::cli
