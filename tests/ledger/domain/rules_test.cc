// Stream, signer, date, signature, term (Art. 4), committee (Art. 3) and
// amendment (Art. 5) rules.
#include "ledger/domain/rules.h"

#include <gtest/gtest.h>

#include "domain_test_util.h"

namespace paraphe::ledger {
namespace {
namespace json = boost::json;
using testing::D;
using testing::DocHash;
using testing::Harness;
using testing::Sha;

TEST(StreamRulesTest, RegistrationBuildsStateAndKeyRegistry) {
  Harness h;
  EXPECT_ACCEPTED(h.Register());
  EXPECT_EQ(h.state.version, 1u);
  EXPECT_EQ(h.state.id, "conv-test");
  EXPECT_EQ(h.state.funder, "metropole");
  EXPECT_EQ(h.state.end_date, D("2026-12-31"));
  EXPECT_EQ(h.state.keys.size(), 6u);
  const KeyEntry& k = h.state.keys.at(testing::DemoKid("crpv-signatory"));
  EXPECT_EQ(k.party, "crpv-paca");
  EXPECT_EQ(k.roles, std::vector<std::string>{"signatory"});
  EXPECT_EQ(k.registered_seq, 1u);
  EXPECT_EQ(Phase(h.state, D("2026-01-20")), "draft");
}

TEST(StreamRulesTest, UnknownStreamAndSecondRegistration) {
  Harness h;
  EXPECT_REJECTED(h.Sign("metropole-signatory", "2026-02-01"), kNotFound,
                  "convention.unknown");
  EXPECT_ACCEPTED(h.Register());
  EXPECT_REJECTED(h.ActAs("operator", "operator", "operator",
                          "ConventionRegistered", "2026-01-21",
                          testing::RegistrationData(), 1),
                  kConflict, "convention.already_registered");
}

TEST(StreamRulesTest, VersionConflictNamesCurrentVersion) {
  Harness h;
  ASSERT_TRUE(h.Register().ok());
  json::object data{{"party", "metropole"}, {"signatory", "X"},
                    {"document_sha256", DocHash()}};
  for (uint64_t v : {0u, 2u, 7u}) {
    Status st = h.ActAs("metropole-signatory", "metropole", "signatory",
                        "PartySigned", "2026-02-01", data, v);
    EXPECT_EQ(st.code(), StatusCode::kConflict);
    EXPECT_EQ(st.rule(), "version.conflict");
    EXPECT_NE(st.message().find("is at version 1"), std::string::npos)
        << st.message();
  }
  EXPECT_ACCEPTED(h.ActAs("metropole-signatory", "metropole", "signatory",
                          "PartySigned", "2026-02-01", data, 1));
}

TEST(StreamRulesTest, EventForAnotherConventionIsRejected) {
  Harness h;
  ASSERT_TRUE(h.Register().ok());
  auto e = ParseEvent(Harness::Payload(
      "PartySigned", "2026-02-01", "metropole", "signatory",
      {{"party", "metropole"}, {"signatory", "X"}, {"document_sha256", DocHash()}},
      1, "other-conv"));
  ASSERT_TRUE(e.ok());
  auto r = Apply(h.state, *e,
                 {2, testing::UtcMs("2026-02-01", 10),
                  testing::DemoKid("metropole-signatory")},
                 h.ops);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().rule(), "convention.mismatch");
}

// Keys and roles: each failure with its own rule id and code.
struct SignerCase {
  const char* name;
  const char* key;
  const char* party;
  const char* role;
  const char* type;
  StatusCode code;
  const char* rule;
};

class SignerRulesTest : public ::testing::TestWithParam<SignerCase> {};

TEST_P(SignerRulesTest, RejectsWithRuleAndCode) {
  const SignerCase& c = GetParam();
  Harness h;
  h.RegisterAndSign();
  ASSERT_TRUE(h.Act("operator", "KeyRevoked", "2026-02-13",
                    {{"kid", testing::DemoKid("crpv-clerk")}})
                  .ok());
  json::object data;
  const std::string type = c.type;
  if (type == "AttributionNotified") {
    data = {{"reference", "R"}, {"channel", "mail"}};
  } else if (type == "KeyRevoked") {
    data = {{"kid", testing::DemoKid("metropole-clerk")}};
  } else if (type == "CommitteeDecision") {
    data = {{"minutes_sha256", Sha("m")}, {"decisions", "d"}};
  } else {  // LetterDelivered of an unknown letter: signer checks come first
    data = {{"letter_id", "L"}, {"first_presentation_date", "2026-02-20"},
            {"outcome", "unclaimed"}};
  }
  Status st = h.ActAs(c.key, c.party, c.role, c.type, "2026-02-20", data);
  EXPECT_EQ(st.code(), c.code) << st.ToString();
  EXPECT_EQ(st.rule(), c.rule) << st.ToString();
}

INSTANTIATE_TEST_SUITE_P(
    KeysAndRoles, SignerRulesTest,
    ::testing::Values(
        SignerCase{"unregistered key", "operator", "metropole", "clerk",
                   "AttributionNotified", StatusCode::kUnauthenticated,
                   "key.unknown"},
        SignerCase{"party key posing as operator", "metropole-clerk",
                   "operator", "operator", "KeyRevoked",
                   StatusCode::kUnauthenticated, "key.unknown"},
        SignerCase{"revoked key", "crpv-clerk", "crpv-paca", "clerk",
                   "LetterDelivered", StatusCode::kUnauthenticated,
                   "key.revoked"},
        SignerCase{"key of another party", "crpv-signatory", "metropole",
                   "signatory", "AttributionNotified",
                   StatusCode::kPermissionDenied, "key.wrong_party"},
        SignerCase{"role the key lacks", "metropole-clerk", "metropole",
                   "finance", "AttributionNotified",
                   StatusCode::kPermissionDenied, "key.missing_role"},
        SignerCase{"role not allowed for the type", "metropole-clerk",
                   "metropole", "clerk", "CommitteeDecision",
                   StatusCode::kPermissionDenied, "role.not_allowed"},
        SignerCase{"party role for an operator event", "metropole-signatory",
                   "metropole", "signatory", "KeyRevoked",
                   StatusCode::kPermissionDenied, "role.not_allowed"},
        SignerCase{"attribution by the payee", "crpv-signatory", "crpv-paca",
                   "signatory", "AttributionNotified",
                   StatusCode::kPermissionDenied, "role.funder_only"}),
    [](const auto& info) {
      std::string n = info.param.name;
      for (char& ch : n) {
        if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return n;
    });

TEST(KeyRulesTest, ResolveSigningKey) {
  Harness h;
  ASSERT_TRUE(h.Register().ok());
  auto e = ParseEvent(Harness::Payload("PartySigned", "2026-02-01", "metropole",
                                       "signatory",
                                       {{"party", "metropole"}, {"signatory", "X"},
                                        {"document_sha256", DocHash()}},
                                       1));
  ASSERT_TRUE(e.ok());
  auto k = ResolveSigningKey(h.state, h.ops, *e,
                             testing::DemoKid("metropole-signatory"), UINT64_MAX);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(*k, testing::DemoKey("metropole-signatory"));
  auto unknown = ResolveSigningKey(h.state, h.ops, *e, "nope", UINT64_MAX);
  EXPECT_EQ(unknown.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(unknown.status().rule(), "key.unknown");
  auto op = ParseEvent(
      Harness::Payload("KeyRevoked", "2026-02-01", "operator", "operator",
                       {{"kid", testing::DemoKid("metropole-clerk")}}, 1));
  ASSERT_TRUE(op.ok());
  auto opk = ResolveSigningKey(h.state, h.ops, *op, testing::DemoKid("operator"), UINT64_MAX);
  ASSERT_TRUE(opk.ok());
  EXPECT_EQ(*opk, testing::DemoKey("operator"));
  EXPECT_EQ(ResolveSigningKey(h.state, h.ops, *op,
                              testing::DemoKid("metropole-signatory"), UINT64_MAX)
                .status()
                .rule(),
            "key.unknown");
}

TEST(KeyRulesTest, RevokedKeySignsNothingAfterwardButEarlierEventsStand) {
  Harness h;
  h.RegisterAndSign();
  EXPECT_ACCEPTED(h.Notify("2026-02-20"));  // signed by metropole-clerk
  EXPECT_ACCEPTED(h.Act("operator", "KeyRevoked", "2026-02-21",
                        {{"kid", testing::DemoKid("metropole-clerk")},
                         {"reason", "agent left"}}));
  EXPECT_TRUE(h.state.attribution.has_value());
  EXPECT_EQ(h.state.keys.at(testing::DemoKid("metropole-clerk")).revoked_seq,
            std::optional<uint64_t>(5));
  EXPECT_ACCEPTED(h.SendLetter("crpv-signatory", "2026-03-01", "L1", "dispute"));
  EXPECT_REJECTED(h.Deliver("L1", "2026-03-02", "2026-03-02"), kUnauthenticated,
                  "key.revoked");
  EXPECT_VIOLATION(h.Act("operator", "KeyRevoked", "2026-02-22",
                         {{"kid", testing::DemoKid("metropole-clerk")}}),
                   "key.already_revoked");
  EXPECT_VIOLATION(h.Act("operator", "KeyRevoked", "2026-02-22",
                         {{"kid", testing::DemoKid("nobody")}}),
                   "key.target_unknown");
}

TEST(KeyRulesTest, KeyRegisteredForAPartyThenUsable) {
  Harness h;
  h.RegisterAndSign();
  json::object reg{{"party", "crpv-paca"},
                   {"public_key", testing::DemoPub("crpv-finance")},
                   {"roles", json::array{"signatory", "clerk"}}};
  EXPECT_VIOLATION(h.Act("operator", "KeyRegistered", "2026-02-13",
                         {{"party", "etat"},
                          {"public_key", testing::DemoPub("crpv-finance")},
                          {"roles", json::array{"clerk"}}}),
                   "party.unknown");
  EXPECT_ACCEPTED(h.Act("operator", "KeyRegistered", "2026-02-13", reg));
  EXPECT_VIOLATION(h.Act("operator", "KeyRegistered", "2026-02-13", reg),
                   "key.duplicate");
  EXPECT_ACCEPTED(h.ActAs("crpv-finance", "crpv-paca", "signatory",
                          "LetterSent", "2026-02-14",
                          {{"letter_id", "L"}, {"purpose", "dispute"},
                           {"from_party", "crpv-paca"}, {"to_party", "metropole"},
                           {"deposit_date", "2026-02-14"},
                           {"tracking_number", "T"},
                           {"content_sha256", Sha("L")}}));
}

TEST(DateRulesTest, FutureDateRejectedAgainstParisRecordingDay) {
  Harness h;
  // Recorded at 2026-11-26 23:30 UTC = 2026-11-27 00:30 in Paris (CET).
  h.recorded_at_ms = testing::UtcMs("2026-11-26", 23, 30);
  ASSERT_TRUE(h.Register({}, "2026-11-20").ok());
  EXPECT_VIOLATION(h.Sign("metropole-signatory", "2026-11-28"), "date.in_future");
  EXPECT_ACCEPTED(h.Sign("metropole-signatory", "2026-11-27"));
  // 22:59 UTC is still 26 November in Paris.
  h.recorded_at_ms = testing::UtcMs("2026-11-26", 22, 59);
  EXPECT_VIOLATION(h.Sign("crpv-signatory", "2026-11-27"), "date.in_future");
  EXPECT_ACCEPTED(h.Sign("crpv-signatory", "2026-11-26"));
}

TEST(DateRulesTest, BackdatedEventAcceptedAndFlaggedLate) {
  Harness h;
  h.RegisterAndSign({}, "2026-03-01");
  EXPECT_ACCEPTED(h.Notify("2026-03-10"));
  EXPECT_ACCEPTED(h.Act("committee", "CommitteeDecision", "2026-03-05",
                        {{"minutes_sha256", Sha("m")}, {"decisions", "d"}}));
  EXPECT_ACCEPTED(h.Act("committee", "CommitteeDecision", "2026-03-10",
                        {{"minutes_sha256", Sha("m2")}, {"decisions", "d2"}}));
  EXPECT_EQ(h.state.late_recorded, std::vector<uint64_t>{5});
  EXPECT_EQ(h.state.last_event_date, D("2026-03-10"));
}

TEST(SignatureRulesTest, InForceFromTheLastSignature) {
  Harness h;
  ASSERT_TRUE(h.Register().ok());
  EXPECT_ACCEPTED(h.Sign("crpv-signatory", "2026-02-10"));
  EXPECT_EQ(Phase(h.state, D("2026-02-10")), "partially_signed");
  EXPECT_VIOLATION(h.Sign("crpv-signatory", "2026-02-11"), "signature.duplicate");
  EXPECT_VIOLATION(h.Act("metropole-signatory", "PartySigned", "2026-02-12",
                         {{"party", "metropole"}, {"signatory", "X"},
                          {"document_sha256", Sha("another text")}}),
                   "signature.document_mismatch");
  EXPECT_VIOLATION(h.Act("metropole-signatory", "PartySigned", "2026-02-12",
                         {{"party", "crpv-paca"}, {"signatory", "X"},
                          {"document_sha256", DocHash()}}),
                   "signature.party_mismatch");
  EXPECT_FALSE(h.state.effective_date.has_value());
  EXPECT_ACCEPTED(h.Sign("metropole-signatory", "2026-02-12"));
  EXPECT_EQ(h.state.effective_date, D("2026-02-12"));
  EXPECT_EQ(h.state.effective_seq, std::optional<uint64_t>(3));
  EXPECT_EQ(Phase(h.state, D("2026-02-12")), "in_force");
}

// Art. 4: the term ends 31 Dec 2026 at 24:00 Europe/Paris.
TEST(TermRulesTest, LastDayIsWithinTermNextDayIsAfter) {
  Harness h;
  h.RegisterAndSign();
  EXPECT_ACCEPTED(h.Act("committee", "CommitteeDecision", "2026-12-31",
                        {{"minutes_sha256", Sha("m")}, {"decisions", "d"}}));
  EXPECT_VIOLATION(h.Act("committee", "CommitteeDecision", "2027-01-01",
                         {{"minutes_sha256", Sha("m")}, {"decisions", "d"}}),
                   "term.expired");
  EXPECT_EQ(Phase(h.state, D("2026-12-31")), "in_force");
  EXPECT_EQ(Phase(h.state, D("2027-01-01")), "expired");
}

TEST(CommitteeRulesTest, RecordsDecisionsButCannotAmend) {
  Harness h;
  h.RegisterAndSign();
  EXPECT_ACCEPTED(h.Act("committee", "CommitteeDecision", "2026-04-15",
                        {{"minutes_sha256", Sha("m")}, {"decisions", "validé"}}));
  ASSERT_EQ(h.state.committee_decisions.size(), 1u);
  EXPECT_EQ(h.state.committee_decisions[0].seq, 4u);
  for (const char* field : {"amount_cents", "end_date", "changes", "clauses",
                            "terms", "installments", "document_sha256"}) {
    json::object data{{"minutes_sha256", Sha("m")}, {"decisions", "x"}};
    data[field] = 1;
    SCOPED_TRACE(field);
    EXPECT_VIOLATION(h.Act("committee", "CommitteeDecision", "2026-04-16", data),
                     "committee.cannot_amend");
  }
}

// Art. 5 and Art. 4: amendments.
TEST(AmendmentRulesTest, EffectiveOnlyWhenAllPartiesSignedTheSameHash) {
  Harness h;
  h.RegisterAndSign();
  EXPECT_ACCEPTED(h.Propose("2026-09-15", 1, {{"end_date", "2027-06-30"}}));
  EXPECT_VIOLATION(h.Propose("2026-09-15", 1, {{"end_date", "2027-06-30"}}),
                   "amendment.duplicate");
  EXPECT_VIOLATION(h.SignAmendment("metropole-signatory", "2026-09-16", 2),
                   "amendment.unknown");
  EXPECT_ACCEPTED(h.SignAmendment("metropole-signatory", "2026-09-16", 1));
  EXPECT_VIOLATION(h.SignAmendment("metropole-signatory", "2026-09-17", 1),
                   "amendment.already_signed");
  EXPECT_VIOLATION(
      h.SignAmendment("crpv-signatory", "2026-09-17", 1, Sha("other text")),
      "amendment.document_mismatch");
  EXPECT_EQ(h.state.end_date, D("2026-12-31"));  // one signature: no effect
  EXPECT_ACCEPTED(h.SignAmendment("crpv-signatory", "2026-09-18", 1));
  EXPECT_EQ(h.state.end_date, D("2027-06-30"));
  EXPECT_EQ(h.state.amendments[0].effective_date, D("2026-09-18"));
  EXPECT_EQ(Phase(h.state, D("2027-01-01")), "in_force");
  EXPECT_EQ(Phase(h.state, D("2027-06-30")), "in_force");
  EXPECT_EQ(Phase(h.state, D("2027-07-01")), "expired");
}

TEST(AmendmentRulesTest, RequiresInForce) {
  Harness h;
  ASSERT_TRUE(h.Register().ok());
  EXPECT_VIOLATION(h.Propose("2026-02-01", 1, {{"end_date", "2027-06-30"}}),
                   "convention.not_in_force");
}

TEST(AmendmentRulesTest, NewEndDateMustBeLater) {
  Harness h;
  h.RegisterAndSign();
  EXPECT_VIOLATION(h.Propose("2026-09-15", 1, {{"end_date", "2026-12-31"}}),
                   "amendment.end_not_later");
  EXPECT_ACCEPTED(h.Propose("2026-09-15", 1, {{"end_date", "2027-01-01"}}));
}

TEST(AmendmentRulesTest, SignedOnLastDayOfTermCountsNextDayIsTooLate) {
  for (const auto& [date, ok] :
       std::vector<std::pair<std::string, bool>>{{"2026-12-31", true},
                                                 {"2027-01-01", false}}) {
    Harness h;
    h.RegisterAndSign();
    ASSERT_TRUE(h.Propose("2026-12-01", 1, {{"end_date", "2027-06-30"}}).ok());
    ASSERT_TRUE(h.SignAmendment("metropole-signatory", "2026-12-02", 1).ok());
    Status st = h.SignAmendment("crpv-signatory", date, 1);
    if (ok) {
      EXPECT_ACCEPTED(st);
      EXPECT_EQ(h.state.end_date, D("2027-06-30"));
    } else {
      EXPECT_VIOLATION(st, "term.expired");
      EXPECT_EQ(h.state.end_date, D("2026-12-31"));
    }
  }
}

TEST(AmendmentRulesTest, AmountChangeAdjustsTheLastUncommittedInstallment) {
  Harness h;
  h.RegisterAndSign(testing::RegOptions().WithInstallments(
      {{5000000, "InForce"}, {15000000, "AttributionNotified"}}));
  EXPECT_VIOLATION(h.Propose("2026-03-01", 1, {{"amount_cents", 5000000}}),
                   "amendment.amount_invalid");
  EXPECT_ACCEPTED(h.Propose("2026-03-01", 1, {{"amount_cents", 5000001}}));
  EXPECT_ACCEPTED(h.Propose("2026-03-01", 2, {{"amount_cents", 25000000}}));
  ASSERT_TRUE(h.SignAmendment("metropole-signatory", "2026-03-02", 2).ok());
  ASSERT_TRUE(h.SignAmendment("crpv-signatory", "2026-03-02", 2).ok());
  EXPECT_EQ(h.state.amount_cents, 25000000);
  EXPECT_EQ(h.state.installments[1].amount_cents, 20000000);
  ASSERT_TRUE(h.Notify("2026-03-03").ok());
  ASSERT_TRUE(h.Order("2026-03-04", "M1", 5000000).ok());
  ASSERT_TRUE(h.Order("2026-03-04", "M2", 20000000).ok());
  EXPECT_VIOLATION(h.Propose("2026-03-05", 3, {{"amount_cents", 26000000}}),
                   "amendment.amount_committed");
}

}  // namespace
}  // namespace paraphe::ledger
