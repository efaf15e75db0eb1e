// End-to-end tests of the paraphe CLI. Each test runs the real binary on a
// temporary ledger and checks the exit code and the exact output fields
// (docs/CLI.md). --server tests start paraphed on an ephemeral port when it
// is built, and compare its answers with the local ones.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "crypto/base64.h"
#include "crypto/ed25519.h"
#include "crypto/jws.h"
#include "crypto/merkle.h"
#include "crypto/note.h"
#include "crypto/sha256.h"

extern char** environ;

namespace paraphe::cli {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kParaphe = std::string(PARAPHE_BINARY_DIR) + "/tools/paraphe/paraphe";
const std::string kParaphed = std::string(PARAPHE_BINARY_DIR) + "/api/paraphed";
const std::string kExamples = std::string(PARAPHE_SOURCE_DIR) + "/examples/conventions";
const std::string kConvention = "metropole-amp-crpv-paca-2026";

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const fs::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

fs::path MakeTempDir() {
  std::string tmpl = (fs::temp_directory_path() / "paraphe-cli-XXXXXX").string();
  char* made = mkdtemp(tmpl.data());
  if (made == nullptr) std::abort();
  return fs::path(made);
}

struct Ran {
  int code = -1;
  std::string out;
  std::string err;
  json::value Json() const {
    boost::system::error_code ec;
    json::value v = json::parse(out, ec);
    EXPECT_FALSE(ec) << "stdout is not JSON: " << out << "\nstderr: " << err;
    return v;
  }
};

// Runs paraphe with `args`; stdout and stderr are captured through files
// (never a terminal, so no progress bar).
Ran Paraphe(const std::vector<std::string>& args) {
  static int counter = 0;
  const fs::path dir = fs::temp_directory_path();
  const std::string tag = std::to_string(getpid()) + "-" + std::to_string(++counter);
  const fs::path out = dir / ("paraphe-out-" + tag);
  const fs::path err = dir / ("paraphe-err-" + tag);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> argv_s = {kParaphe};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  Ran r;
  if (posix_spawn(&pid, kParaphe.c_str(), &fa, nullptr, argv.data(), environ) != 0) {
    ADD_FAILURE() << "cannot run " << kParaphe;
    return r;
  }
  posix_spawn_file_actions_destroy(&fa);
  int status = 0;
  waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = Slurp(out);
  r.err = Slurp(err);
  fs::remove(out);
  fs::remove(err);
  return r;
}

std::string Describe(const Ran& r) {
  return "exit " + std::to_string(r.code) + "\nstdout: " + r.out + "\nstderr: " + r.err;
}

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
  for (const char* sub : {"init", "key", "verifier-key", "submit", "register", "sign",
                          "notify", "pay", "amend", "letter", "settle", "court",
                          "committee", "status", "history", "payments", "checkpoint",
                          "proof", "export", "demo"}) {
    EXPECT_THAT(r.out, HasSubstr(sub)) << sub;
  }
}

TEST(CliUsage, EverySubcommandHelpHasAnExample) {
  const std::vector<std::vector<std::string>> subs = {
      {"init"}, {"key", "gen"}, {"key", "show"}, {"verifier-key"}, {"submit"},
      {"register"}, {"sign"}, {"notify"}, {"pay", "order"}, {"pay", "execute"},
      {"amend", "propose"}, {"amend", "sign"}, {"letter", "send"},
      {"letter", "delivered"}, {"settle"}, {"court"}, {"committee"}, {"status"},
      {"history"}, {"payments"}, {"checkpoint"}, {"proof", "inclusion"},
      {"proof", "consistency"}, {"proof", "check"}, {"export"}, {"demo"}};
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
       {std::vector<std::string>{"checkpoint", "--server", "http://127.0.0.1:1"},
        std::vector<std::string>{"status", kConvention, "--server", "http://127.0.0.1:1"}}) {
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

// ------------------------------------------------------------------ proof check

class ProofCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = MakeTempDir();
    auto k = crypto::PrivateKey::FromSeed(std::string(32, '\x07'));
    ASSERT_TRUE(k.ok());
    auto s = crypto::NoteSigner::Create("example.org/log", std::move(k).value());
    ASSERT_TRUE(s.ok());
    signer_.emplace(std::move(s).value());
    vkey_ = signer_->Verifier().VerifierKey();
    auto other = crypto::PrivateKey::FromSeed(std::string(32, '\x08'));
    auto os = crypto::NoteSigner::Create("example.org/log", std::move(other).value());
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

  std::string ProofText(uint64_t index, const std::vector<std::string>& proof_b64,
                        const std::string& checkpoint) {
    std::string t = "c2sp.org/tlog-proof@v1\nindex " + std::to_string(index) + "\n";
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
      if (!o.contains("leaf_index_0based") || o.at("tree_size").to_number<uint64_t>() == 0) {
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
      x.root = HashFromHex(o.contains("root_hex") ? o.at("root_hex").as_string()
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
    std::vector<std::string> args = {"proof", "check", proof.string(), "--trusted-key", vkey};
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
    Ran r = Check(ProofText(v.index, v.proof_b64, SignedCheckpoint(v.size, v.root)), v,
                  vkey_, /*json=*/true);
    EXPECT_EQ(r.code, 0) << "index " << v.index << " size " << v.size << " " << Describe(r);
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
  Ran r = Check(ProofText(v.index, v.proof_b64, SignedCheckpoint(v.size, v.root)), v,
                (tmp_ / "log.vkey").string());
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
  WriteFile(proof, ProofText(v.index, v.proof_b64, SignedCheckpoint(v.size, v.root)));
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
  r = Paraphe({"proof", "check", (tmp_ / "absent").string(), "--trusted-key", vkey_,
               "--leaf-hash", crypto::HashBase64(v.leaf_hash)});
  EXPECT_EQ(r.code, 2) << Describe(r);
  // Garbage instead of a proof is an invalid proof.
  WriteFile(proof, "hello\n");
  r = Paraphe({"proof", "check", proof.string(), "--trusted-key", vkey_,
               "--leaf-hash", crypto::HashBase64(v.leaf_hash)});
  EXPECT_EQ(r.code, 1) << Describe(r);
}

}  // namespace
}  // namespace paraphe::cli
