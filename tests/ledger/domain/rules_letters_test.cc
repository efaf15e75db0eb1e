// Art. 6 (dispute: 30 calendar days of amicable settlement from receipt of
// the registered letter, then court) and Art. 7 (termination 6 months after
// the letter, unless the term ends first).
#include <gtest/gtest.h>

#include "domain_test_util.h"
#include "ledger/domain/rules.h"

namespace paraphe::ledger {
namespace {
using testing::D;
using testing::Harness;
using testing::RegOptions;

struct DeadlineCase {
  const char* name;
  const char* delivered;  // reference date (delivery)
  bool extend;            // policy extend_to_working_day
  const char* end_raw;    // delivered + 30 days
  const char* end;        // the end that applies
};

class DisputeDeadlineTest : public ::testing::TestWithParam<DeadlineCase> {};

// Court referral dated on the end is rejected (court.too_early); the day
// after, it is accepted.
TEST_P(DisputeDeadlineTest, CourtOnlyAfterTheAmicablePeriod) {
  const DeadlineCase& c = GetParam();
  Harness h;
  h.RegisterAndSign(testing::RegOptions().WithExtend(c.extend));
  const std::string sent = D(c.delivered).AddDays(-2).ToString();
  ASSERT_TRUE(h.SendLetter("crpv-signatory", sent, "L1", "dispute").ok());
  ASSERT_TRUE(h.Deliver("L1", c.delivered, c.delivered).ok());
  const Dispute* d = FindDispute(h.state, "L1");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->amicable_end_raw, D(c.end_raw));
  EXPECT_EQ(d->amicable_end, D(c.end));
  EXPECT_EQ(d->amicable_end_extended, NextWorkingDay(D(c.end_raw)));
  EXPECT_VIOLATION(h.Court("crpv-signatory", c.end, "L1"), "court.too_early");
  EXPECT_ACCEPTED(h.Court("crpv-signatory", D(c.end).AddDays(1).ToString(), "L1"));
  EXPECT_EQ(FindDispute(h.state, "L1")->court->seq, 6u);
}

INSTANTIATE_TEST_SUITE_P(
    Art6, DisputeDeadlineTest,
    ::testing::Values(
        // Day 30 is within the period, day 31 is not.
        DeadlineCase{"weekday_on", "2026-03-02", true, "2026-04-01", "2026-04-01"},
        DeadlineCase{"weekday_off", "2026-03-02", false, "2026-04-01", "2026-04-01"},
        // Ends on Saturday 3 Oct 2026.
        DeadlineCase{"saturday_on", "2026-09-03", true, "2026-10-03", "2026-10-05"},
        DeadlineCase{"saturday_off", "2026-09-03", false, "2026-10-03", "2026-10-03"},
        // Ends on Sunday 4 Oct 2026.
        DeadlineCase{"sunday_on", "2026-09-04", true, "2026-10-04", "2026-10-05"},
        // Easter Monday 6 Apr 2026.
        DeadlineCase{"easter_monday_on", "2026-03-07", true, "2026-04-06", "2026-04-07"},
        DeadlineCase{"easter_monday_off", "2026-03-07", false, "2026-04-06", "2026-04-06"},
        // Saturday 4 Apr 2026, then Easter Sunday and Monday.
        DeadlineCase{"easter_weekend_on", "2026-03-05", true, "2026-04-04", "2026-04-07"},
        // Ascension, Thursday 14 May 2026.
        DeadlineCase{"ascension_on", "2026-04-14", true, "2026-05-14", "2026-05-15"},
        DeadlineCase{"ascension_off", "2026-04-14", false, "2026-05-14", "2026-05-14"},
        // Whit Monday 25 May 2026.
        DeadlineCase{"whit_monday_on", "2026-04-25", true, "2026-05-25", "2026-05-26"},
        DeadlineCase{"whit_monday_off", "2026-04-25", false, "2026-05-25", "2026-05-25"},
        // 14 July 2026 is a Tuesday.
        DeadlineCase{"bastille_day_on", "2026-06-14", true, "2026-07-14", "2026-07-15"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(DisputeRulesTest, UnclaimedAndRefusedLettersCountFromFirstPresentation) {
  for (const char* outcome : {"unclaimed", "refused"}) {
    Harness h;
    h.RegisterAndSign(testing::RegOptions().WithExtend(false));
    ASSERT_TRUE(h.SendLetter("crpv-signatory", "2026-03-01", "L1", "dispute").ok());
    ASSERT_TRUE(
        h.Deliver("L1", "2026-03-02", std::nullopt, outcome, "2026-03-20").ok());
    const Letter* l = FindLetter(h.state, "L1");
    EXPECT_EQ(l->delivery->reference_basis, "first_presentation");
    EXPECT_EQ(FindDispute(h.state, "L1")->amicable_end, D("2026-04-01"));
    EXPECT_VIOLATION(h.Court("crpv-signatory", "2026-04-01", "L1"), "court.too_early");
    EXPECT_ACCEPTED(h.Court("crpv-signatory", "2026-04-02", "L1"));
  }
}

TEST(DisputeRulesTest, LetterReferencePolicy) {
  for (const auto& [policy, end] :
       std::vector<std::pair<std::string, std::string>>{
           {"delivery", "2026-04-05"}, {"first_presentation", "2026-04-01"}}) {
    Harness h;
    h.RegisterAndSign(testing::RegOptions().WithExtend(false).WithLetterReference(policy));
    ASSERT_TRUE(h.SendLetter("crpv-signatory", "2026-03-01", "L1", "dispute").ok());
    ASSERT_TRUE(h.Deliver("L1", "2026-03-02", "2026-03-06").ok());
    EXPECT_EQ(FindDispute(h.state, "L1")->amicable_end, D(end)) << policy;
  }
}

TEST(DisputeRulesTest, CourtNeedsADeliveredUnsettledDisputeLetter) {
  Harness h;
  h.RegisterAndSign();
  EXPECT_VIOLATION(h.Court("crpv-signatory", "2026-06-01", "L1"), "dispute.unknown");
  ASSERT_TRUE(h.SendLetter("crpv-signatory", "2026-03-01", "L1", "dispute").ok());
  EXPECT_VIOLATION(h.Court("crpv-signatory", "2026-06-01", "L1"),
                   "court.letter_not_delivered");
  ASSERT_TRUE(h.Deliver("L1", "2026-03-02", "2026-03-02").ok());
  ASSERT_TRUE(h.SendLetter("metropole-signatory", "2026-03-03", "T1", "termination").ok());
  EXPECT_VIOLATION(h.Court("crpv-signatory", "2026-06-01", "T1"), "dispute.unknown");
  EXPECT_VIOLATION(h.Settle("crpv-signatory", "2026-03-10", "T1"), "dispute.unknown");
  EXPECT_ACCEPTED(h.Settle("crpv-signatory", "2026-03-10", "L1"));
  EXPECT_VIOLATION(h.Settle("crpv-signatory", "2026-03-11", "L1"),
                   "settlement.duplicate");
  EXPECT_VIOLATION(h.Settle("metropole-signatory", "2026-03-11", "L1", "other"),
                   "settlement.document_mismatch");
  // One party settled: court still possible after the period.
  Harness one = h;
  EXPECT_ACCEPTED(one.Court("metropole-signatory", "2026-06-01", "L1"));
  EXPECT_VIOLATION(one.Court("crpv-signatory", "2026-06-02", "L1"), "court.duplicate");
  EXPECT_ACCEPTED(h.Settle("metropole-signatory", "2026-03-12", "L1"));
  EXPECT_EQ(FindDispute(h.state, "L1")->settled_seq, std::optional<uint64_t>(8));
  EXPECT_VIOLATION(h.Court("crpv-signatory", "2026-06-01", "L1"),
                   "court.dispute_settled");
}

TEST(LetterRulesTest, LetterChecks) {
  Harness h;
  h.RegisterAndSign(testing::RegOptions().WithThirdParty());
  auto letter = [](const std::string& id, const std::string& from,
                   const std::string& to, const std::string& deposit) {
    return boost::json::object{{"letter_id", id}, {"purpose", "dispute"},
                               {"from_party", from}, {"to_party", to},
                               {"deposit_date", deposit},
                               {"tracking_number", "T"},
                               {"content_sha256", testing::Sha(id)}};
  };
  EXPECT_VIOLATION(h.Act("crpv-signatory", "LetterSent", "2026-03-01",
                         letter("L1", "metropole", "crpv-paca", "2026-03-01")),
                   "letter.party_mismatch");
  EXPECT_VIOLATION(h.Act("crpv-signatory", "LetterSent", "2026-03-01",
                         letter("L1", "crpv-paca", "crpv-paca", "2026-03-01")),
                   "letter.recipient_invalid");
  EXPECT_VIOLATION(h.Act("crpv-signatory", "LetterSent", "2026-03-01",
                         letter("L1", "crpv-paca", "region", "2026-03-01")),
                   "letter.recipient_invalid");
  EXPECT_VIOLATION(h.Act("crpv-signatory", "LetterSent", "2026-03-01",
                         letter("L1", "crpv-paca", "metropole", "2026-03-02")),
                   "letter.date_order");
  EXPECT_ACCEPTED(h.Act("crpv-signatory", "LetterSent", "2026-03-01",
                        letter("L1", "crpv-paca", "metropole", "2026-03-01")));
  EXPECT_VIOLATION(h.Act("crpv-signatory", "LetterSent", "2026-03-01",
                         letter("L1", "crpv-paca", "metropole", "2026-03-01")),
                   "letter.duplicate");
  EXPECT_VIOLATION(h.Deliver("L2", "2026-03-02", "2026-03-02"), "letter.unknown");
  EXPECT_VIOLATION(h.Deliver("L1", "2026-02-28", "2026-03-02"), "letter.date_order");
  EXPECT_VIOLATION(h.Deliver("L1", "2026-03-03", "2026-03-02", "delivered",
                             "2026-03-05"),
                   "letter.date_order");
  EXPECT_VIOLATION(h.Deliver("L1", "2026-03-03", "2026-03-04", "delivered",
                             "2026-03-03"),
                   "letter.date_order");
  EXPECT_VIOLATION(h.Deliver("L1", "2026-03-02", "2026-03-02", "delivered",
                             std::nullopt, "etat-signatory"),
                   "letter.party_not_involved");
  EXPECT_VIOLATION(h.Settle("etat-signatory", "2026-03-03", "L1"),
                   "dispute.party_not_involved");
  EXPECT_VIOLATION(h.Act("metropole-signatory", "SettlementReached", "2026-03-03",
                         {{"letter_id", "L1"}, {"party", "crpv-paca"},
                          {"settlement_sha256", testing::Sha("s")}}),
                   "signature.party_mismatch");
  // The sender attests the delivery only with the postal proof's hash.
  EXPECT_VIOLATION(h.Deliver("L1", "2026-03-02", "2026-03-02", "delivered",
                             std::nullopt, "crpv-signatory"),
                   "letter.delivery_proof_required");
  EXPECT_ACCEPTED(h.Act("crpv-signatory", "LetterDelivered", "2026-03-02",
                        {{"letter_id", "L1"},
                         {"first_presentation_date", "2026-03-02"},
                         {"outcome", "delivered"},
                         {"delivery_date", "2026-03-02"},
                         {"proof_sha256", testing::Sha("avis L1")}}));
  EXPECT_EQ(h.state.letters[0].delivery->attested_by, "crpv-paca");
  EXPECT_EQ(h.state.letters[0].delivery->proof_sha256, testing::Sha("avis L1"));
  EXPECT_VIOLATION(h.Deliver("L1", "2026-03-02", "2026-03-02"),
                   "letter.already_delivered");
}

// Art. 7, with a long term so that the termination takes effect first.
TEST(TerminationRulesTest, SixMonthsDateToDateClampedThenPaymentsAndAmendmentsStop) {
  for (bool extend : {false, true}) {
    Harness h;
    h.RegisterAndSign(testing::RegOptions().WithEnd("2030-12-31").WithExtend(extend));
    ASSERT_TRUE(h.Notify("2026-02-20").ok());
    EXPECT_VIOLATION(h.SendLetter("crpv-signatory", "2031-01-01", "T0", "termination"),
                     "term.expired");
    ASSERT_TRUE(h.SendLetter("crpv-signatory", "2027-08-27", "T1", "termination").ok());
    EXPECT_VIOLATION(h.SendLetter("metropole-signatory", "2027-08-28", "T2", "termination"),
                     "termination.duplicate");
    EXPECT_EQ(Phase(h.state, D("2027-08-28")), "terminating");
    ASSERT_TRUE(h.Deliver("L-none", "2027-08-31", "2027-08-31").code() ==
                StatusCode::kRuleViolation);
    ASSERT_TRUE(h.Deliver("T1", "2027-08-30", "2027-08-31").ok());
    const Termination& t = *h.state.termination;
    EXPECT_EQ(t.effective_raw, D("2028-02-29"));  // leap year
    EXPECT_EQ(t.effective_extended, NextWorkingDay(D("2028-02-29")));
    const Date eff = *t.effective_date;
    EXPECT_EQ(eff, extend ? *t.effective_extended : *t.effective_raw);
    Harness before = h;
    EXPECT_ACCEPTED(before.Order(eff.AddDays(-1).ToString(), "M1"));
    EXPECT_ACCEPTED(before.Propose(eff.AddDays(-1).ToString(), 1,
                                   {{"end_date", "2031-06-30"}}));
    EXPECT_VIOLATION(h.Order(eff.ToString(), "M1"), "termination.in_effect");
    EXPECT_VIOLATION(h.Propose(eff.ToString(), 1, {{"end_date", "2031-06-30"}}),
                     "termination.in_effect");
    EXPECT_VIOLATION(before.SignAmendment("metropole-signatory", eff.ToString(), 1),
                     "termination.in_effect");
    EXPECT_VIOLATION(before.Execute(eff.ToString(), "M1"), "termination.in_effect");
    EXPECT_EQ(Phase(h.state, eff.AddDays(-1)), "terminating");
    EXPECT_EQ(Phase(h.state, eff), "terminated");
    EXPECT_EQ(Phase(h.state, D("2031-01-01")), "terminated");
  }
}

TEST(TerminationRulesTest, ClampedToFebruary28InACommonYear) {
  Harness h;
  h.RegisterAndSign(testing::RegOptions().WithEnd("2030-12-31").WithExtend(false));
  ASSERT_TRUE(h.SendLetter("crpv-signatory", "2026-08-28", "T1", "termination").ok());
  ASSERT_TRUE(h.Deliver("T1", "2026-08-31", "2026-08-31").ok());
  EXPECT_EQ(h.state.termination->effective_date, D("2027-02-28"));
}

TEST(TerminationRulesTest, ExpiryComesFirstWhenNoticeRunsPastTheTerm) {
  Harness h;
  h.RegisterAndSign();
  ASSERT_TRUE(h.Notify("2026-02-20").ok());
  ASSERT_TRUE(h.SendLetter("metropole-signatory", "2026-06-29", "T1", "termination").ok());
  ASSERT_TRUE(h.Deliver("T1", "2026-07-01", "2026-07-01", "delivered",
                        std::nullopt, "crpv-clerk").ok());
  // 1 July + 6 months = 1 January 2027, after the 31 Dec 2026 end.
  EXPECT_EQ(h.state.termination->effective_raw, D("2027-01-01"));
  EXPECT_TRUE(TerminationSupersededByExpiry(h.state));
  EXPECT_EQ(Phase(h.state, D("2026-12-31")), "terminating");
  EXPECT_EQ(Phase(h.state, D("2027-01-01")), "expired");
  EXPECT_ACCEPTED(h.Order("2026-12-31", "M1"));
  auto j = StateToJson(h.state, D("2027-01-02")).as_object();
  EXPECT_EQ(j.at("phase").as_string(), "expired");
  EXPECT_EQ(j.at("termination").at("superseded_by_expiry").as_bool(), true);
}

TEST(TerminationRulesTest, NotBeforeInForce) {
  Harness h;
  ASSERT_TRUE(h.Register().ok());
  EXPECT_VIOLATION(h.SendLetter("crpv-signatory", "2026-02-01", "T1", "termination"),
                   "convention.not_in_force");
}

}  // namespace
}  // namespace paraphe::ledger
