// The CLI says "verified" only for what it verified itself from log content
// against a pinned key, and never prints a stored text in a way that can
// forge a line of its own output (docs/CLI.md, issue 12).
//
//   - `verify` without a pinned key exits 4 unless --insecure-unpinned;
//   - `history` and `payments` mark a record verified only with
//     --trusted-key, after the auditor's verifier checked the whole log;
//     a wrong key, or a server that lists a forged record signed by a key
//     it names itself, gets "not verified";
//   - DisplayText, the one printer of data, escapes control characters,
//     DEL, C1 and bidi controls; RenderTree, FormatTable and PrettyJson use
//     it (unit tests), and so do `status` and the error line (end to end).
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "crypto/base64.h"
#include "crypto/ed25519.h"
#include "crypto/jws.h"
#include "tests/tools/cli_harness.h"
#include "tools/paraphe/output.h"
#if defined(PARAPHE_HAVE_SERVER_PROCESS) && !defined(PARAPHE_NO_HTTP_CLIENT)
#include "api/http_client.h"
#include "tests/api/server_process.h"
#endif

namespace paraphe::cli {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kUnpinnedMessage[] =
    "no pinned verifier key: pass --trusted-key VKEY (obtained "
    "independently) or --insecure-unpinned to check internal consistency "
    "only";
constexpr char kNoPinnedKey[] = "no pinned key: pass --trusted-key";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// ------------------------------------------------------------ DisplayText

TEST(DisplayText, EscapesWhatCouldForgeOrHideALine) {
  EXPECT_EQ(DisplayText("a\nb"), "a\\nb");
  EXPECT_EQ(DisplayText("a\rb\tc"), "a\\rb\\tc");
  EXPECT_EQ(DisplayText("\x1b[31mred"), "\\u{1B}[31mred");
  EXPECT_EQ(DisplayText(std::string("nul\0x", 5)), "nul\\u{0}x");
  EXPECT_EQ(DisplayText("del\x7f"), "del\\u{7F}");
  EXPECT_EQ(DisplayText("c1\xc2\x85" "x"), "c1\\u{85}x");     // NEL
  EXPECT_EQ(DisplayText("c1\xc2\x9b" "2J"), "c1\\u{9B}2J");   // CSI
  EXPECT_EQ(DisplayText("abc\xe2\x80\xae" "fdp.exe"),
            "abc\\u{202E}fdp.exe");                            // RLO
  EXPECT_EQ(DisplayText("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad"),
            "\\u{202A}\\u{202B}\\u{202C}\\u{202D}");
  EXPECT_EQ(DisplayText("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9"),
            "\\u{2066}\\u{2067}\\u{2068}\\u{2069}");
  EXPECT_EQ(DisplayText("\xe2\x80\xa8\xe2\x80\xa9"), "\\u{2028}\\u{2029}");
  EXPECT_EQ(DisplayText("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c"),
            "\\u{200E}\\u{200F}\\u{61C}");
  // Not UTF-8: a lone continuation, a truncated sequence, an overlong
  // encoding of '\n', an encoded surrogate.
  EXPECT_EQ(DisplayText("\x80"), "\\x{80}");
  EXPECT_EQ(DisplayText("\xe2\x80"), "\\x{E2}\\x{80}");
  EXPECT_EQ(DisplayText("\xc0\x8a"), "\\x{C0}\\x{8A}");
  EXPECT_EQ(DisplayText("\xed\xa0\x80"), "\\x{ED}\\x{A0}\\x{80}");
  // A backslash is doubled: an escaped text is unambiguous.
  EXPECT_EQ(DisplayText("a\\nb"), "a\\\\nb");
}

TEST(DisplayText, LeavesOrdinaryTextAlone) {
  for (const char* s : {"", "Jeanne Martin", "Métropole Aix-Marseille",
                        "200 000,00 €", "— paraphe.demo/ledger", "日本語",
                        "emoji \xf0\x9f\x93\x9c"}) {
    EXPECT_EQ(DisplayText(s), s);
  }
}

TEST(DisplayText, OneLineWhateverTheInput) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  const std::string shown = DisplayText(all);
  EXPECT_EQ(shown.find('\n'), std::string::npos);
  EXPECT_EQ(shown.find('\r'), std::string::npos);
  EXPECT_EQ(shown.find('\x1b'), std::string::npos);
  EXPECT_EQ(shown.find('\x7f'), std::string::npos);
}

TEST(DisplayText, DisplayLinesKeepsOnlyTheLineBreaks) {
  EXPECT_EQ(DisplayLines("origin\n14\nroot\x1b]0;x\x07\n"),
            "origin\n14\nroot\\u{1B}]0;x\\u{7}\n");
}

// The state of a convention whose signatory name tries to forge a line.
TEST(DisplayText, RenderTreeShowsAForgedNameOnOneLine) {
  const json::value state = json::parse(R"({
    "phase": "active",
    "signatures": [{"party": "metropole",
                    "signatory": "Jeanne\n\nPhase: terminated\r\u001b[2K\u202Eevil"}],
    "amount_cents": 100
  })");
  std::string out = "Convention x\n";
  RenderTree(out, state, 1);
  const auto lines = Lines(out);
  ASSERT_EQ(lines.size(), 6u) << out;
  for (const auto& line : lines) {
    EXPECT_THAT(line, Not(::testing::StartsWith("Phase:"))) << out;
  }
  EXPECT_THAT(out, HasSubstr("signatory: Jeanne\\n\\nPhase: terminated\\r"
                             "\\u{1B}[2K\\u{202E}evil\n"));
  EXPECT_THAT(out, HasSubstr("amount_cents: 100 (1,00 €)"));
  // Keys come from data too.
  std::string keys;
  RenderTree(keys, json::parse(R"({"a\nPhase": "b"})"), 0);
  EXPECT_EQ(keys, "a\\nPhase: b\n");
}

TEST(DisplayText, FormatTableShowsEveryCellOnItsRow) {
  const std::string t =
      FormatTable({"SEQ", "TYPE"}, {{"1", "A\nforged row"}, {"2", "B"}});
  EXPECT_EQ(Lines(t).size(), 4u) << t;
  EXPECT_THAT(t, HasSubstr("A\\nforged row"));
}

TEST(DisplayText, PrettyJsonEscapesControlsAndRoundTrips) {
  const json::value v = json::object{
      {"name", "a\nb\x1b\x7f\xc2\x85\xe2\x80\xae\xe2\x81\xa6z \xc3\xa9"},
      {"k\xe2\x80\xae", 1}};
  const std::string text = PrettyJson(v);
  EXPECT_THAT(text, HasSubstr("a\\nb\\u001b\\u007f\\u0085\\u202e\\u2066z é"));
  EXPECT_THAT(text, HasSubstr("\"k\\u202e\""));
  EXPECT_EQ(text.find('\x7f'), std::string::npos);
  EXPECT_EQ(text.find("\xe2\x80\xae"), std::string::npos);
  EXPECT_EQ(json::parse(text), v);  // the same value
}

// ------------------------------------------------------------ CLI, demo

class TrustCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = MakeTempDir();
    demo_ = Paraphe({"demo", "--data", Data()});
    vkey_ = VerifierKey(Data());
    other_ = Paraphe({"demo", "--data", (tmp_ / "other").string()});
    wrong_ = VerifierKey((tmp_ / "other").string());
  }
  static void TearDownTestSuite() { fs::remove_all(tmp_); }
  void SetUp() override {
    ASSERT_EQ(demo_.code, 0) << Describe(demo_);
    ASSERT_EQ(other_.code, 0) << Describe(other_);
    ASSERT_NE(vkey_, wrong_);
  }
  static std::string VerifierKey(const std::string& dir) {
    Ran vk = Paraphe({"verifier-key", "--data", dir});
    return vk.out.substr(0, vk.out.find('\n'));
  }
  static std::string Data() { return (tmp_ / "demo").string(); }

  // Every row of `history --json`, and whether each is verified.
  static void ExpectRows(const Ran& r, bool verified,
                         const std::string& reason_part) {
    const json::value v = r.Json();
    ASSERT_TRUE(v.is_array()) << Describe(r);
    ASSERT_EQ(v.as_array().size(), 14u);
    for (const auto& row : v.as_array()) {
      EXPECT_EQ(row.at("verified").as_bool(), verified) << row;
      if (verified) {
        EXPECT_TRUE(row.at("reason").is_null()) << row;
      } else {
        EXPECT_THAT(std::string(row.at("reason").as_string()),
                    HasSubstr(reason_part));
      }
      EXPECT_FALSE(row.as_object().contains("signature")) << row;
    }
  }

  static inline fs::path tmp_;
  static inline Ran demo_, other_;
  static inline std::string vkey_, wrong_;
};

TEST_F(TrustCliTest, VerifyWithoutAPinnedKeyIsRefused) {
  Ran r = Paraphe({"verify", "--data", Data()});
  EXPECT_EQ(r.code, 4) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr(kUnpinnedMessage));
  EXPECT_THAT(r.out, Not(HasSubstr("OK")));
  Ran j = Paraphe({"verify", "--data", Data(), "--json"});
  EXPECT_EQ(j.code, 4) << Describe(j);
  EXPECT_FALSE(j.Json().at("pinned").as_bool());
  EXPECT_FALSE(j.Json().at("ok").as_bool());
  EXPECT_EQ(j.Json().at("error").at("message").as_string(), kUnpinnedMessage);
  // No audit state is written by a refused run.
  const fs::path state = tmp_ / "unpinned.state";
  EXPECT_EQ(Paraphe({"verify", "--data", Data(), "--save-state",
                     state.string()})
                .code,
            4);
  EXPECT_FALSE(fs::exists(state));
}

TEST_F(TrustCliTest, InsecureUnpinnedRunsAndSaysSo) {
  Ran r = Paraphe({"verify", "--data", Data(), "--insecure-unpinned"});
  EXPECT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("UNPINNED"));
  EXPECT_THAT(r.err, HasSubstr("WARNING"));
  Ran j = Paraphe({"verify", "--data", Data(), "--insecure-unpinned", "--json"});
  ASSERT_EQ(j.code, 0) << Describe(j);
  EXPECT_FALSE(j.Json().at("pinned").as_bool());
  EXPECT_TRUE(j.Json().at("trusted_from_data").as_bool());
  Ran p = Paraphe({"verify", "--data", Data(), "--trusted-key", vkey_, "--json"});
  ASSERT_EQ(p.code, 0) << Describe(p);
  EXPECT_TRUE(p.Json().at("pinned").as_bool());
}

TEST_F(TrustCliTest, AnAuditStatePinsButABareCheckpointDoesNot) {
  const std::string state = (tmp_ / "pinned.state").string();
  ASSERT_EQ(Paraphe({"verify", "--data", Data(), "--trusted-key", vkey_,
                     "--save-state", state})
                .code,
            0);
  Ran resumed = Paraphe({"verify", "--data", Data(), "--since", state, "--json"});
  EXPECT_EQ(resumed.code, 0) << Describe(resumed);
  EXPECT_TRUE(resumed.Json().at("pinned").as_bool());
  const std::string note = (tmp_ / "checkpoint.note").string();
  WriteFile(note, Paraphe({"checkpoint", "--data", Data()}).out);
  Ran bare = Paraphe({"verify", "--data", Data(), "--since", note});
  EXPECT_EQ(bare.code, 4) << Describe(bare);
  EXPECT_THAT(bare.err, HasSubstr(kUnpinnedMessage));
}

TEST_F(TrustCliTest, HistoryWithoutAKeyVerifiesNothing) {
  Ran j = Paraphe({"history", kConvention, "--data", Data(), "--json"});
  ASSERT_EQ(j.code, 0) << Describe(j);
  ExpectRows(j, false, kNoPinnedKey);
  Ran h = Paraphe({"history", kConvention, "--data", Data()});
  ASSERT_EQ(h.code, 0) << Describe(h);
  const auto lines = Lines(h.out);
  ASSERT_EQ(lines.size(), 1u + 2u + 14u + 1u) << h.out;
  EXPECT_THAT(lines[0], HasSubstr("not verified (no pinned key: pass "
                                  "--trusted-key)"));
  for (size_t i = 3; i < 17; ++i) {
    EXPECT_THAT(lines[i], HasSubstr("not verified")) << lines[i];
  }
  EXPECT_THAT(h.out, Not(HasSubstr("  verified\n")));
}

TEST_F(TrustCliTest, HistoryWithThePinnedKeyIsVerified) {
  Ran j = Paraphe({"history", kConvention, "--data", Data(), "--json",
                   "--trusted-key", vkey_});
  ASSERT_EQ(j.code, 0) << Describe(j);
  ExpectRows(j, true, "");
  // A key file works too.
  const std::string key_file = (tmp_ / "ledger.vkey").string();
  WriteFile(key_file, vkey_ + "\n");
  Ran h = Paraphe(
      {"history", kConvention, "--data", Data(), "--trusted-key", key_file});
  ASSERT_EQ(h.code, 0) << Describe(h);
  EXPECT_THAT(h.out, HasSubstr("verified by this run from the log content "
                               "against the pinned key " +
                               vkey_));
  EXPECT_THAT(h.out, HasSubstr("14 event(s), 14 verified"));
  EXPECT_THAT(h.out, Not(HasSubstr("not verified")));
}

TEST_F(TrustCliTest, HistoryWithAWrongKeyIsNotVerified) {
  Ran j = Paraphe({"history", kConvention, "--data", Data(), "--json",
                   "--trusted-key", wrong_});
  EXPECT_EQ(j.code, 1) << Describe(j);
  ExpectRows(j, false, "checkpoint_signature");
  EXPECT_THAT(j.err, HasSubstr("verification failed"));
  Ran h = Paraphe(
      {"history", kConvention, "--data", Data(), "--trusted-key", wrong_});
  EXPECT_EQ(h.code, 1) << Describe(h);
  EXPECT_THAT(h.out, HasSubstr("not verified (the log does not verify with "
                               "the pinned key"));
  EXPECT_THAT(h.out, HasSubstr("14 event(s), 0 verified"));
  // A malformed key is an input error.
  EXPECT_EQ(Paraphe({"history", kConvention, "--data", Data(),
                     "--trusted-key", "not-a-vkey"})
                .code,
            2);
}

TEST_F(TrustCliTest, PaymentsVerifiedOnlyWithThePinnedKey) {
  Ran none = Paraphe({"payments", kConvention, "--data", Data(), "--json"});
  ASSERT_EQ(none.code, 0) << Describe(none);
  const json::value n = none.Json();
  EXPECT_FALSE(n.at("verification").at("verified").as_bool());
  EXPECT_FALSE(n.at("verification").at("pinned").as_bool());
  EXPECT_EQ(n.at("verification").at("reason").as_string(), kNoPinnedKey);
  const auto& m = n.at("mandats").at(0);
  EXPECT_FALSE(m.at("ordered").at("verified").as_bool());
  EXPECT_EQ(m.at("executed").at("reason").as_string(), kNoPinnedKey);
  Ran human = Paraphe({"payments", kConvention, "--data", Data()});
  ASSERT_EQ(human.code, 0) << Describe(human);
  EXPECT_THAT(Lines(human.out).at(0),
              HasSubstr("not verified (no pinned key: pass --trusted-key)"));
  EXPECT_THAT(human.out, Not(HasSubstr("check: verified")));

  Ran pinned = Paraphe({"payments", kConvention, "--data", Data(), "--json",
                        "--trusted-key", vkey_});
  ASSERT_EQ(pinned.code, 0) << Describe(pinned);
  const json::value p = pinned.Json();
  EXPECT_TRUE(p.at("verification").at("verified").as_bool());
  EXPECT_TRUE(p.at("verification").at("reason").is_null());
  EXPECT_EQ(p.at("verification").at("verifier_key").as_string(), vkey_);
  EXPECT_TRUE(p.at("mandats").at(0).at("ordered").at("verified").as_bool());
  EXPECT_TRUE(p.at("mandats").at(0).at("executed").at("verified").as_bool());

  Ran wrong = Paraphe({"payments", kConvention, "--data", Data(), "--json",
                       "--trusted-key", wrong_});
  EXPECT_EQ(wrong.code, 1) << Describe(wrong);
  EXPECT_FALSE(wrong.Json().at("verification").at("verified").as_bool());
  EXPECT_FALSE(
      wrong.Json().at("mandats").at(0).at("executed").at("verified").as_bool());
}

// Stored texts that try to forge a line of `status`: committee decisions
// (a multi-line text: line breaks stay allowed there) holding a fake
// "Phase: terminated" line, and one with ESC and RLO. If the ledger refuses
// the latter (issue 12, item 7), the refusal itself is one line.
TEST_F(TrustCliTest, StatusNeverPrintsAForgedLine) {
  const fs::path dir = tmp_ / "texts";
  ASSERT_EQ(Paraphe({"demo", "--data", dir.string()}).code, 0);
  auto committee = [&](const std::string& decisions, const std::string& date) {
    return Paraphe({"committee", "--data", dir.string(), "--convention",
                    kConvention, "--party", "metropole", "--minutes",
                    std::string(64, 'b'), "--decisions", decisions, "--date",
                    date, "--key", (dir / "keys/demo/committee.pem").string()});
  };
  Ran lines = committee("Bilan\n\nPhase: terminated", "2026-11-02");
  ASSERT_EQ(lines.code, 0) << Describe(lines);
  Ran controls =
      committee("Bilan\x1b[2K\xe2\x80\xaePhase: terminated", "2026-11-03");
  if (controls.code != 0) {
    EXPECT_EQ(Lines(controls.err).size(), 1u) << Describe(controls);
    EXPECT_EQ(controls.err.find('\x1b'), std::string::npos);
  }
  Ran s = Paraphe({"status", kConvention, "--data", dir.string()});
  ASSERT_EQ(s.code, 0) << Describe(s);
  for (const auto& line : Lines(s.out)) {
    EXPECT_THAT(line, Not(::testing::StartsWith("Phase:"))) << s.out;
  }
  EXPECT_THAT(s.out, HasSubstr("decisions: Bilan\\n\\nPhase: terminated\n"));
  EXPECT_EQ(s.out.find('\x1b'), std::string::npos);
  EXPECT_EQ(s.out.find("\xe2\x80\xae"), std::string::npos);
  if (controls.code == 0) {
    EXPECT_THAT(s.out, HasSubstr("Bilan\\u{1B}[2K\\u{202E}Phase: terminated"));
  }
}

TEST_F(TrustCliTest, AnErrorQuotingDataIsOneLine) {
  Ran r = Paraphe({"status", "x\nparaphe: OK\x1b[2K", "--data", Data()});
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(Lines(r.err).size(), 1u) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("x\\nparaphe: OK\\u{1B}[2K"));
  Ran j = Paraphe({"status", "x\nparaphe: OK\x1b[2K", "--data", Data(), "--json"});
  EXPECT_THAT(j.out, HasSubstr("x\\nparaphe: OK\\u001b[2K"));
}

#if defined(PARAPHE_HAVE_SERVER_PROCESS) && !defined(PARAPHE_NO_HTTP_CLIENT)
// A server that rewrites one answer: every request is forwarded to the real
// paraphed, and `rewrite(path, body)` may change the body before it is sent
// back. One request per connection, as paraphe's HTTP client does.
class RewritingProxy {
 public:
  RewritingProxy(std::string upstream,
                 std::function<void(const std::string&, std::string&)> rewrite)
      : upstream_(std::move(upstream)), rewrite_(std::move(rewrite)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      ADD_FAILURE() << "proxy socket";
      return;
    }
    url_ = "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port));
    thread_ = std::thread([this] { Loop(); });
  }
  ~RewritingProxy() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    if (thread_.joinable()) thread_.join();
  }
  const std::string& url() const { return url_; }

 private:
  void Loop() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string req;
      char buf[4096];
      while (req.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        req.append(buf, static_cast<size_t>(n));
      }
      const size_t sp = req.find(' ');
      const size_t sp2 = req.find(' ', sp + 1);
      std::string path = sp2 == std::string::npos
                             ? "/"
                             : req.substr(sp + 1, sp2 - sp - 1);
      auto res = api::HttpGet(upstream_ + path);
      int status = res.ok() ? res->status : 502;
      std::string body = res.ok() ? res->body : "";
      std::string type = res.ok() ? res->Header("Content-Type") : "text/plain";
      rewrite_(path, body);
      std::string out = "HTTP/1.1 " + std::to_string(status) +
                        " X\r\nContent-Type: " + type +
                        "\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\nConnection: close\r\n\r\n" + body;
      size_t sent = 0;
      while (sent < out.size()) {
        ssize_t n = ::write(c, out.data() + sent, out.size() - sent);
        if (n <= 0) break;
        sent += static_cast<size_t>(n);
      }
      ::close(c);
    }
  }
  std::string upstream_;
  std::function<void(const std::string&, std::string&)> rewrite_;
  int fd_ = -1;
  std::string url_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// The hole of issue 12 item 5: the server lists, at seq 5, an execution of
// a different amount signed by a key of its own, and names that key in its
// answer (the old CLI took any 43-character key it found there as a
// registered one and said "verified"). The log itself is genuine and
// verifies; the forged row must not be marked verified, and the others are.
TEST_F(TrustCliTest, ServerListingItsOwnKeyIsNotVerified) {
  api::test::ServerProcess server;
  const fs::path dir = tmp_ / "served";
  ASSERT_EQ(Paraphe({"demo", "--data", dir.string()}).code, 0);
  const std::string vkey = VerifierKey(dir.string());
  ASSERT_TRUE(server.Start(dir).ok());

  auto attacker = crypto::PrivateKey::FromSeed(std::string(32, '\x07'));
  ASSERT_TRUE(attacker.ok());
  const std::string attacker_x =
      crypto::Base64UrlEncode(attacker->public_key().raw());
  RewritingProxy proxy(server.url(), [&](const std::string& path,
                                         std::string& body) {
    if (path.find("/events") == std::string::npos) return;
    json::value v = json::parse(body);
    for (auto& row : v.at("events").as_array()) {
      auto& o = row.as_object();
      if (o.at("seq").to_number<uint64_t>() != 5) continue;
      json::object event = o.at("event").as_object();
      event["data"].as_object()["amount_cents"] = 99999999;
      const std::string jws =
          crypto::JwsSign(json::serialize(event), *attacker);
      o["jws"] = jws;
      o["kid"] = attacker->public_key().Thumbprint();
      o["event"] = event;
      o["public_key"] = attacker_x;  // "the registered key", says the server
    }
    body = json::serialize(v);
  });

  Ran j = Paraphe({"history", kConvention, "--server", proxy.url(), "--json",
                   "--trusted-key", vkey});
  EXPECT_EQ(j.code, 1) << Describe(j);
  const json::value rows = j.Json();
  ASSERT_EQ(rows.as_array().size(), 14u);
  for (const auto& row : rows.as_array()) {
    const bool forged = row.at("seq").to_number<uint64_t>() == 5;
    EXPECT_EQ(row.at("verified").as_bool(), !forged) << row;
    if (forged) {
      EXPECT_THAT(std::string(row.at("reason").as_string()),
                  HasSubstr("differs from the verified log"));
      // What is shown is what the forged JWS says, marked not verified.
      EXPECT_EQ(row.at("event").at("data").at("amount_cents").as_int64(),
                99999999);
    }
  }
  Ran h = Paraphe(
      {"history", kConvention, "--server", proxy.url(), "--trusted-key", vkey});
  EXPECT_EQ(h.code, 1) << Describe(h);
  EXPECT_THAT(h.out, HasSubstr("seq 5 not verified: the source's record at "
                               "seq 5 differs from the verified log"));
  EXPECT_THAT(h.out, HasSubstr("14 event(s), 13 verified"));
  // Without a key: nothing verified, whatever the server says.
  Ran none = Paraphe({"history", kConvention, "--server", proxy.url(), "--json"});
  EXPECT_EQ(none.code, 0) << Describe(none);
  const json::value none_rows = none.Json();
  for (const auto& row : none_rows.as_array()) {
    EXPECT_FALSE(row.at("verified").as_bool());
  }
  EXPECT_EQ(server.Stop(), 0);
}

// A server claiming 2^40 records (an unverified checkpoint) and serving
// none: the run reports the gap once and ends, instead of one report per
// claimed position.
TEST_F(TrustCliTest, ServerClaimingAHugeLogItDoesNotServeEndsAtOnce) {
  api::test::ServerProcess server;
  const fs::path dir = tmp_ / "huge";
  ASSERT_EQ(Paraphe({"demo", "--data", dir.string()}).code, 0);
  const std::string vkey = VerifierKey(dir.string());
  ASSERT_TRUE(server.Start(dir).ok());
  RewritingProxy proxy(server.url(), [](const std::string& path, std::string& body) {
    if (path.find("/v1/log/checkpoint") == 0) {
      const size_t a = body.find('\n') + 1;
      body = body.substr(0, a) + "1099511627776" + body.substr(body.find('\n', a));
    } else if (path.find("/v1/log/entries") == 0) {
      body = R"({"start":0,"end":0,"tree_size":0,"entries":[],"next":null})";
    }
  });
  Ran v = Paraphe({"verify", "--server", proxy.url(), "--trusted-key", vkey, "--json"});
  EXPECT_EQ(v.code, 1) << Describe(v);
  const json::value j = json::parse(v.out);
  EXPECT_LE(j.at("failures_total").to_number<uint64_t>(), 4u) << v.out;
  EXPECT_THAT(v.out, HasSubstr("checkpoint_signature"));
  EXPECT_THAT(v.out, HasSubstr("1099511627776 missing"));
  EXPECT_EQ(server.Stop(), 0);
}

// A server that hides an event of the convention from its listing.
TEST_F(TrustCliTest, ServerHidingAnEventFails) {
  api::test::ServerProcess server;
  const fs::path dir = tmp_ / "hiding";
  ASSERT_EQ(Paraphe({"demo", "--data", dir.string()}).code, 0);
  const std::string vkey = VerifierKey(dir.string());
  ASSERT_TRUE(server.Start(dir).ok());
  RewritingProxy proxy(server.url(), [](const std::string& path,
                                        std::string& body) {
    if (path.find("/events") == std::string::npos) return;
    json::value v = json::parse(body);
    auto& events = v.at("events").as_array();
    events.erase(events.begin() + 10);  // the dispute letter
    body = json::serialize(v);
  });
  Ran h = Paraphe(
      {"history", kConvention, "--server", proxy.url(), "--trusted-key", vkey});
  EXPECT_EQ(h.code, 1) << Describe(h);
  // The 11th event of the convention (index 10) is at seq kGenesis + 10.
  EXPECT_THAT(h.out, HasSubstr("source did not list: seq 11"));
  EXPECT_THAT(h.err, HasSubstr("did not list seq 11"));
  EXPECT_EQ(server.Stop(), 0);
}
#endif

}  // namespace
}  // namespace paraphe::cli
