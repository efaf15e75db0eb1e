// Text is safe to print (issue 12, item 7): single-line texts refuse every
// control character, DEL, C1, the bidi controls and line separators;
// multi-line texts allow newline and tab only; ids and outside references
// are ASCII per their grammar, so no two look alike. Each refusal names the
// field path and the code point.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "domain_test_util.h"
#include "ledger/domain/event.h"
#include "ledger/domain/internal/json_fields.h"

namespace paraphe::ledger {
namespace {
namespace json = boost::json;
using testing::DocHash;
using testing::Harness;
using testing::Sha;

std::string Payload(const std::string& type, const json::object& data,
                    const std::string& party = "metropole",
                    const std::string& role = "signatory") {
  return Harness::Payload(type, "2026-03-05", party, role, data, 3);
}

json::object Signed(const std::string& signatory) {
  return {{"party", "metropole"},
          {"signatory", signatory},
          {"document_sha256", DocHash()}};
}

Status ParseStatus(const std::string& payload) {
  auto e = ParseEvent(payload);
  return e.ok() ? Status::Ok() : e.status();
}

// The issue's forgery: a name that prints as a fake line of `paraphe status`.
TEST(TextTest, SignatoryWithLineBreaksIsRefusedAtParse) {
  Status st =
      ParseStatus(Payload("PartySigned", Signed("X\n\nPhase: terminated")));
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(),
            "field \"data.signatory\": control character U+000A is not "
            "allowed in a single-line text");
}

struct Forbidden {
  const char* name;
  std::string text;
  const char* what;  // "<kind> U+XXXX"
};

std::vector<Forbidden> ForbiddenInEveryText() {
  return {
      {"NUL", std::string("a\0b", 3), "control character U+0000"},
      {"CR", "a\rb", "control character U+000D"},
      {"ESC (terminal sequences)", "a\x1b[2Jb", "control character U+001B"},
      {"DEL",
       "a\x7f"
       "b",
       "control character U+007F"},
      {"C1 NEL",
       "a\xc2\x85"
       "b",
       "control character U+0085"},
      {"C1 CSI",
       "a\xc2\x9b"
       "b",
       "control character U+009B"},
      {"LRE",
       "a\xe2\x80\xaa"
       "b",
       "bidirectional control U+202A"},
      {"RLO",
       "a\xe2\x80\xae"
       "b",
       "bidirectional control U+202E"},
      {"LRI",
       "a\xe2\x81\xa6"
       "b",
       "bidirectional control U+2066"},
      {"PDI",
       "a\xe2\x81\xa9"
       "b",
       "bidirectional control U+2069"},
      {"LRM",
       "a\xe2\x80\x8e"
       "b",
       "bidirectional control U+200E"},
      {"RLM",
       "a\xe2\x80\x8f"
       "b",
       "bidirectional control U+200F"},
      {"ALM",
       "a\xd8\x9c"
       "b",
       "bidirectional control U+061C"},
      {"LINE SEPARATOR",
       "a\xe2\x80\xa8"
       "b",
       "line separator U+2028"},
      {"PARAGRAPH SEPARATOR",
       "a\xe2\x80\xa9"
       "b",
       "line separator U+2029"},
  };
}

TEST(TextTest, EachForbiddenClassIsRefusedInASingleLineText) {
  std::vector<Forbidden> cases = ForbiddenInEveryText();
  cases.push_back({"LF", "a\nb", "control character U+000A"});
  cases.push_back({"TAB", "a\tb", "control character U+0009"});
  for (const auto& c : cases) {
    Status st = ParseStatus(Payload("PartySigned", Signed(c.text)));
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(st.message(), std::string("field \"data.signatory\": ") + c.what +
                                " is not allowed in a single-line text")
        << c.name;
  }
}

json::object Decision(const std::string& text) {
  return {{"minutes_sha256", Sha("m")}, {"decisions", text}};
}

TEST(TextTest, MultiLineTextAllowsNewlineAndTabOnly) {
  EXPECT_TRUE(ParseStatus(Payload("CommitteeDecision",
                                  Decision("1. Feuille de route validée\n"
                                           "2.\tBilan : approuvé"),
                                  "metropole", "committee"))
                  .ok());
  for (const auto& c : ForbiddenInEveryText()) {
    Status st = ParseStatus(Payload("CommitteeDecision", Decision(c.text),
                                    "metropole", "committee"));
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(st.message(), std::string("field \"data.decisions\": ") + c.what +
                                " is not allowed in a multi-line text")
        << c.name;
  }
}

TEST(TextTest, AccentsAndTheSeedNamesPass) {
  for (const char* name :
       {"Nicolas ISNARD, Président", "Élodie Cœur", "ŒUVRE œuvre É é",
        "Mustapha BERRA, Directeur-Ordonnateur"}) {
    auto e = ParseEvent(Payload("PartySigned", Signed(name)));
    ASSERT_TRUE(e.ok()) << name << ": " << e.status().ToString();
    EXPECT_EQ(e->Str("signatory"), name);
  }
}

TEST(TextTest, InvalidUtf8IsRefused) {
  using internal::CheckText;
  EXPECT_TRUE(CheckText("Président", "f", false).ok());
  for (const std::string& bad :
       {std::string("\xc3"), std::string("a\xc3(b"), std::string("\xc0\xaf"),
        std::string("\xed\xa0\x80"), std::string("\xf4\x90\x80\x80"),
        std::string("\xff")}) {
    Status st = CheckText(bad, "data.name", false);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(st.message().find("field \"data.name\": invalid UTF-8 at byte"),
              std::string::npos)
        << st.message();
  }
}

// Every text field of every type goes through one of the two checkers: an
// RLO in each is refused with that field's path.
TEST(TextTest, EveryTextFieldIsChecked) {
  const std::string rlo =
      "a\xe2\x80\xae"
      "b";
  struct Field {
    std::string type, party, role;
    json::object data;
    std::string key;   // member of data set to the bad text
    std::string path;  // as named in the message
  };
  std::vector<Field> fields = {
      {"PartySigned", "metropole", "signatory", Signed("X"), "signatory",
       "data.signatory"},
      {"AttributionNotified",
       "metropole",
       "clerk",
       {{"reference", "R"}, {"channel", "c"}},
       "reference",
       "data.reference"},
      {"AttributionNotified",
       "metropole",
       "clerk",
       {{"reference", "R"}, {"channel", "c"}},
       "channel",
       "data.channel"},
      {"PaymentSuspended",
       "metropole",
       "finance",
       {{"exercice", 2026}, {"mandat", "M-1"}, {"reason", "r"}},
       "reason",
       "data.reason"},
      {"KeyRevoked",
       "operator",
       "operator",
       {{"kid", testing::DemoKid("metropole-clerk")}, {"reason", "r"}},
       "reason",
       "data.reason"},
      {"CommitteeDecision", "metropole", "committee", Decision("d"),
       "decisions", "data.decisions"},
      {"CourtReferral",
       "crpv-paca",
       "signatory",
       {{"letter_id", "L1"}, {"court", "TA"}, {"case_number", "1"}},
       "court",
       "data.court"},
      {"CourtReferral",
       "crpv-paca",
       "signatory",
       {{"letter_id", "L1"}, {"court", "TA"}, {"case_number", "1"}},
       "case_number",
       "data.case_number"},
  };
  for (auto& f : fields) {
    f.data[f.key] = rlo;
    Status st = ParseStatus(Payload(f.type, f.data, f.party, f.role));
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << f.path;
    EXPECT_NE(st.message().find("field \"" + f.path +
                                "\": bidirectional control U+202E"),
              std::string::npos)
        << f.path << ": " << st.message();
  }
  // The registration's texts.
  for (const auto& [mutate, path] :
       std::vector<std::pair<std::function<void(json::object&)>, std::string>>{
           {[&](json::object& r) { r["title"] = rlo; }, "data.title"},
           {[&](json::object& r) {
              r["parties"].as_array()[1].as_object()["name"] = rlo;
            },
            "data.parties[1].name"}}) {
    json::object reg = testing::RegistrationData();
    mutate(reg);
    Status st = ParseStatus(Harness::Payload(
        "ConventionRegistered", "2026-01-20", "operator", "operator", reg, 0));
    EXPECT_NE(st.message().find("field \"" + path +
                                "\": bidirectional control U+202E"),
              std::string::npos)
        << path << ": " << st.message();
  }
}

// Look-alike letter ids and mandat numbers are impossible: references are
// ASCII per their grammar.
TEST(TextTest, ReferencesAreAsciiPerTheirGrammar) {
  auto letter = [](const std::string& id, const std::string& tracking) {
    return json::object{{"letter_id", id},
                        {"purpose", "dispute"},
                        {"from_party", "crpv-paca"},
                        {"to_party", "metropole"},
                        {"deposit_date", "2026-03-01"},
                        {"tracking_number", tracking},
                        {"content_sha256", Sha(id)}};
  };
  const std::string grammar =
      "must be 1-64 ASCII characters of [A-Za-z0-9._/-] and single spaces, "
      "starting and ending with a letter or digit";
  EXPECT_TRUE(
      ParseStatus(Payload("LetterSent",
                          letter("LRAR-2026-CRPV-001", "1A 234 567 8901 2"),
                          "crpv-paca"))
          .ok());
  for (const std::string& bad :
       {std::string("LRAR-2026-CRPV-00\xef\xbc\x91"),  // fullwidth digit one
        std::string("LR\xd0\x90R-001"),                // Cyrillic A
        std::string("LRAR-001\xe2\x80\x8b"),           // zero-width space
        std::string("LRAR  001"), std::string(" LRAR-001"),
        std::string("LRAR-001 "), std::string("LRAR\t001"), std::string(""),
        std::string(65, 'A')}) {
    Status st =
        ParseStatus(Payload("LetterSent", letter(bad, "T1"), "crpv-paca"));
    EXPECT_EQ(st.message(), "field \"data.letter_id\": " + grammar) << bad;
  }
  Status tracking =
      ParseStatus(Payload("LetterSent", letter("L1", "1A\n2"), "crpv-paca"));
  EXPECT_EQ(tracking.message(), "field \"data.tracking_number\": " + grammar);

  json::object order{{"exercice", 2026},
                     {"mandat", "2026-00451\xd0\x97"},
                     {"bordereau", "B-1"},
                     {"amount_cents", 1},
                     {"payee", "crpv-paca"}};
  Status mandat =
      ParseStatus(Payload("PaymentOrdered", order, "metropole", "finance"));
  EXPECT_EQ(mandat.message(), "field \"data.mandat\": " + grammar);
  order["mandat"] = "2026-004512";
  order["bordereau"] = "2026/000318\x7f";
  EXPECT_EQ(
      ParseStatus(Payload("PaymentOrdered", order, "metropole", "finance"))
          .message(),
      "field \"data.bordereau\": " + grammar);
  json::object exec{{"exercice", 2026},
                    {"mandat", "2026-004512"},
                    {"amount_cents", 1},
                    {"bank_reference",
                     "BDF\xc2\xa0"
                     "1"}};
  EXPECT_EQ(
      ParseStatus(Payload("PaymentExecuted", exec, "metropole", "finance"))
          .message(),
      "field \"data.bank_reference\": " + grammar);
  for (const char* type :
       {"LetterDelivered", "SettlementReached", "CourtReferral"}) {
    json::object d{{"letter_id", "L\xc3\xa9"}};
    Status st = ParseStatus(Payload(type, d, "crpv-paca"));
    EXPECT_EQ(st.message(), "field \"data.letter_id\": " + grammar) << type;
  }
}

TEST(TextTest, KidIsAThumbprint) {
  Status st = ParseStatus(
      Payload("KeyRevoked", {{"kid", "x"}}, "operator", "operator"));
  EXPECT_EQ(st.message(),
            "field \"data.kid\": must be a key id: an RFC 7638 thumbprint, 43 "
            "characters of base64url");
  st = ParseStatus(Payload("KeyRevoked",
                           {{"kid", testing::DemoKid("crpv-clerk") + "\n"}},
                           "operator", "operator"));
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(ParseStatus(Payload("KeyRevoked",
                                  {{"kid", testing::DemoKid("crpv-clerk")}},
                                  "operator", "operator"))
                  .ok());
}

// Input echoed in an error message cannot add a line to it.
TEST(TextTest, EchoedNamesAreEscapedInMessages) {
  json::object d = Signed("X");
  d["a\nPhase: terminated"] = 1;
  Status st = ParseStatus(Payload("PartySigned", d));
  EXPECT_EQ(st.message(),
            "field \"data.a\\x0aPhase: terminated\": unknown field");
  std::string bad_type = Harness::Payload("X\x1b[2J", "2026-03-05", "metropole",
                                          "signatory", Signed("X"), 3);
  st = ParseStatus(bad_type);
  EXPECT_EQ(st.message(), "field \"type\": unknown event type \"X\\x1b[2J\"");
  st = ParseStatus(Harness::Payload("PartySigned", "2026\n03-05", "metropole",
                                    "signatory", Signed("X"), 3));
  EXPECT_EQ(st.message(),
            "field \"date\": expected a date YYYY-MM-DD, got \"2026\\x0a03-05\"");
}

}  // namespace
}  // namespace paraphe::ledger
