#include "ledger/domain/event.h"

#include <gtest/gtest.h>

#include "domain_test_util.h"

namespace paraphe::ledger {
namespace {
namespace json = boost::json;
using testing::Harness;

std::string Envelope(const std::string& type, const json::object& data) {
  return Harness::Payload(type, "2026-03-05", "metropole", "finance", data, 3);
}

json::object OrderData() {
  return {{"exercice", 2026}, {"mandat", "2026-004512"}, {"bordereau", "B-1"},
          {"amount_cents", 20000000}, {"payee", "crpv-paca"}};
}

TEST(ParseEventTest, ParsesEnvelopeAndTypedFields) {
  auto e = ParseEvent(Envelope("PaymentOrdered", OrderData()));
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->kind, EventType::kPaymentOrdered);
  EXPECT_EQ(e->type, "PaymentOrdered");
  EXPECT_EQ(e->convention, "conv-test");
  EXPECT_EQ(e->expected_version, 3u);
  EXPECT_EQ(e->date.ToString(), "2026-03-05");
  EXPECT_EQ(e->actor_party, "metropole");
  EXPECT_EQ(e->actor_role, "finance");
  EXPECT_EQ(e->Int("amount_cents"), 20000000);
  EXPECT_EQ(e->Str("mandat"), "2026-004512");
}

TEST(ParseEventTest, EventToJsonRoundTrips) {
  auto e = ParseEvent(Envelope("PaymentOrdered", OrderData()));
  ASSERT_TRUE(e.ok());
  auto again = ParseEvent(EventToJson(*e));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(EventToJson(*again), EventToJson(*e));
  EXPECT_EQ(again->data, e->data);
}

TEST(ParseEventTest, AcceptsEveryTypeExample) {
  // A registration is the most involved shape.
  auto e = ParseEvent(Harness::Payload("ConventionRegistered", "2026-01-20",
                                       "operator", "operator",
                                       testing::RegistrationData(), 0));
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->kind, EventType::kConventionRegistered);
}

struct BadCase {
  const char* name;
  std::string payload;
  const char* message;  // exact message
};

json::object With(json::object o, const std::string& k, json::value v) {
  o[k] = std::move(v);
  return o;
}
json::object Without(json::object o, const std::string& k) {
  o.erase(k);
  return o;
}

std::vector<BadCase> BadCases() {
  const json::object reg = testing::RegistrationData();
  json::object reg_bad_sum = reg;
  reg_bad_sum["amount_cents"] = 20000001;
  json::object reg_bad_siren = reg;
  reg_bad_siren["parties"].as_array()[1].as_object()["siren"] = "13000000";
  json::object reg_bad_key = reg;
  reg_bad_key["parties"].as_array()[0].as_object()["keys"].as_array()[1]
      .as_object()["public_key"] = "AAAA";
  json::object reg_bad_funder = reg;
  reg_bad_funder["terms"].as_object()["funder"] = "etat";
  json::object reg_bad_role = reg;
  reg_bad_role["parties"].as_array()[0].as_object()["keys"].as_array()[0]
      .as_object()["roles"] = json::array{"operator"};
  auto regp = [](const json::object& d) {
    return Harness::Payload("ConventionRegistered", "2026-01-20", "operator",
                            "operator", d, 0);
  };
  return {
      {"not json", "{\"type\":", "event is not valid JSON: incomplete JSON"},
      {"not an object", "[1,2]", "event must be a JSON object"},
      {"unknown type", Envelope("PaymentRefunded", OrderData()),
       "field \"type\": unknown event type \"PaymentRefunded\""},
      {"duplicate member",
       R"({"type":"KeyRevoked","convention":"c","expected_version":1,"date":"2026-01-01","actor":{"party":"operator","role":"operator"},"data":{"kid":"x","kid":"y"}})",
       "duplicate member \"kid\""},
      {"duplicate envelope member",
       R"({"type":"KeyRevoked","convention":"c","expected_version":1,"expected_version":2,"date":"2026-01-01","actor":{"party":"operator","role":"operator"},"data":{"kid":"x"}})",
       "duplicate member \"expected_version\""},
      {"unknown envelope member",
       R"({"type":"KeyRevoked","convention":"c","expected_version":1,"date":"2026-01-01","actor":{"party":"operator","role":"operator"},"data":{"kid":"x"},"extra":1})",
       "field \"extra\": unknown field"},
      {"missing date",
       R"({"type":"KeyRevoked","convention":"c","expected_version":1,"actor":{"party":"operator","role":"operator"},"data":{"kid":"x"}})",
       "field \"date\": required field missing"},
      {"bad date",
       R"({"type":"KeyRevoked","convention":"c","expected_version":1,"date":"2026-02-30","actor":{"party":"operator","role":"operator"},"data":{"kid":"x"}})",
       "field \"date\": not a calendar date: \"2026-02-30\""},
      {"negative version",
       R"({"type":"KeyRevoked","convention":"c","expected_version":-1,"date":"2026-02-03","actor":{"party":"operator","role":"operator"},"data":{"kid":"x"}})",
       "field \"expected_version\": out of range [0, 9223372036854775807]: -1"},
      {"bad role",
       R"({"type":"KeyRevoked","convention":"c","expected_version":1,"date":"2026-02-03","actor":{"party":"operator","role":"admin"},"data":{"kid":"x"}})",
       "field \"actor.role\": must be one of \"operator\", \"signatory\", "
       "\"finance\", \"clerk\", \"committee\""},
      {"bad convention id",
       R"({"type":"KeyRevoked","convention":"Conv 1","expected_version":1,"date":"2026-02-03","actor":{"party":"operator","role":"operator"},"data":{"kid":"x"}})",
       "field \"convention\": must be 1-64 characters of [a-z0-9._-] "
       "starting with a letter or digit"},
      {"amount negative",
       Envelope("PaymentOrdered", With(OrderData(), "amount_cents", -1)),
       "field \"data.amount_cents\": must be a non-negative integer number of "
       "cents"},
      {"amount fractional",
       Envelope("PaymentOrdered", With(OrderData(), "amount_cents", 1.5)),
       "field \"data.amount_cents\": must be a non-negative integer number of "
       "cents"},
      {"amount as string",
       Envelope("PaymentOrdered", With(OrderData(), "amount_cents", "200")),
       "field \"data.amount_cents\": must be a non-negative integer number of "
       "cents"},
      {"amount over int64",
       Envelope("PaymentOrdered",
                With(OrderData(), "amount_cents", uint64_t{9223372036854775808u})),
       "field \"data.amount_cents\": amount in cents exceeds int64"},
      {"missing data field",
       Envelope("PaymentOrdered", Without(OrderData(), "mandat")),
       "field \"data.mandat\": required field missing"},
      {"unknown data field",
       Envelope("PaymentOrdered", With(OrderData(), "iban", "FR76")),
       "field \"data.iban\": unknown field"},
      {"hash uppercase",
       Envelope("PartySigned",
                {{"party", "metropole"}, {"signatory", "X"},
                 {"document_sha256", std::string(64, 'A')}}),
       "field \"data.document_sha256\": must be a SHA-256 as 64 lowercase hex "
       "digits"},
      {"hash short",
       Envelope("PartySigned",
                {{"party", "metropole"}, {"signatory", "X"},
                 {"document_sha256", std::string(63, 'a')}}),
       "field \"data.document_sha256\": must be a SHA-256 as 64 lowercase hex "
       "digits"},
      {"letter purpose",
       Envelope("LetterSent",
                {{"letter_id", "L"}, {"purpose", "complaint"},
                 {"from_party", "a"}, {"to_party", "b"},
                 {"deposit_date", "2026-01-01"}, {"tracking_number", "T"},
                 {"content_sha256", std::string(64, 'a')}}),
       "field \"data.purpose\": must be one of \"dispute\", \"termination\""},
      {"delivered without delivery date",
       Envelope("LetterDelivered",
                {{"letter_id", "L"}, {"first_presentation_date", "2026-01-02"},
                 {"outcome", "delivered"}}),
       "field \"data.delivery_date\": required field missing"},
      {"unclaimed with delivery date",
       Envelope("LetterDelivered",
                {{"letter_id", "L"}, {"first_presentation_date", "2026-01-02"},
                 {"outcome", "unclaimed"}, {"delivery_date", "2026-01-03"}}),
       "field \"data.delivery_date\": must be absent when outcome is "
       "\"unclaimed\""},
      {"amendment without changes",
       Envelope("AmendmentProposed",
                {{"number", 1}, {"document_sha256", std::string(64, 'a')},
                 {"changes", json::object{}}}),
       "field \"data.changes\": must change end_date and/or amount_cents"},
      {"amendment changes clauses",
       Envelope("AmendmentProposed",
                {{"number", 1}, {"document_sha256", std::string(64, 'a')},
                 {"changes", json::object{{"object", "x"}}}}),
       "field \"data.changes.object\": unknown field"},
      {"committee unknown field",
       Envelope("CommitteeDecision",
                {{"minutes_sha256", std::string(64, 'a')},
                 {"decisions", "ok"}, {"agenda", "x"}}),
       "field \"data.agenda\": unknown field"},
      {"registration installments do not sum", regp(reg_bad_sum),
       "field \"data.terms.installments\": amounts sum to 20000000 cents but "
       "amount_cents is 20000001"},
      {"registration siren", regp(reg_bad_siren),
       "field \"data.parties[1].siren\": must be exactly 9 digits"},
      {"registration key", regp(reg_bad_key),
       "field \"data.parties[0].keys[1].public_key\": must be the base64url "
       "(unpadded) encoding of a 32-byte Ed25519 public key"},
      {"registration funder", regp(reg_bad_funder),
       "field \"data.terms.funder\": \"etat\" is not one of the parties"},
      {"registration operator role for a party", regp(reg_bad_role),
       "field \"data.parties[0].keys[0].roles\": roles must be \"signatory\", "
       "\"finance\", \"clerk\" or \"committee\""},
      {"registration currency", regp(With(reg, "currency", "USD")),
       "field \"data.currency\": must be one of \"EUR\""},
  };
}

TEST(ParseEventTest, RejectsWithPreciseMessages) {
  for (const auto& c : BadCases()) {
    auto e = ParseEvent(c.payload);
    ASSERT_FALSE(e.ok()) << c.name;
    EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(e.status().message(), c.message) << c.name;
  }
}

TEST(ParseEventTest, CommitteeAmendingFieldsPassParsingForTheRule) {
  // Art. 3: rejected by the rules (committee.cannot_amend), not as malformed.
  auto e = ParseEvent(Envelope("CommitteeDecision",
                               {{"minutes_sha256", std::string(64, 'a')},
                                {"decisions", "raise"},
                                {"amount_cents", 1}}));
  EXPECT_TRUE(e.ok()) << e.status().ToString();
}

}  // namespace
}  // namespace paraphe::ledger
