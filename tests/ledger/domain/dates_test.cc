// Dates are bounded by what the log can vouch for (issue 12, item 6): no
// event before its convention's registration, none before the events it
// depends on, none recorded later than terms.max_recording_lag_days after
// the dates it asserts; the recording lag of every event is in the state.
#include <gtest/gtest.h>

#include "domain_test_util.h"
#include "ledger/domain/rules.h"
#include "ledger/domain/state.h"

namespace paraphe::ledger {
namespace {
namespace json = boost::json;
using testing::D;
using testing::Harness;
using testing::RegOptions;
using testing::Sha;
using testing::UtcMs;

json::object Letter(const std::string& id, const std::string& purpose,
                    const std::string& from, const std::string& to,
                    const std::string& deposit) {
  return {{"letter_id", id},          {"purpose", purpose},
          {"from_party", from},       {"to_party", to},
          {"deposit_date", deposit},  {"tracking_number", "1A-" + id},
          {"content_sha256", Sha(id)}};
}

json::object Delivered(const std::string& id, const std::string& on,
                       bool with_proof = false) {
  json::object d{{"letter_id", id},
                 {"first_presentation_date", on},
                 {"outcome", "delivered"},
                 {"delivery_date", on}};
  if (with_proof) d["proof_sha256"] = Sha("avis " + id);
  return d;
}

// The forgery: signatures, a payment order and its execution dated
// 1000-01-01 on a convention registered 2026-06-01.
TEST(DateBoundsTest, NothingDatedBeforeTheRegistration) {
  Harness h;
  h.recorded_at_ms = UtcMs("2026-06-20", 10);
  ASSERT_TRUE(h.Register({}, "2026-06-01").ok());
  Status st = h.Sign("metropole-signatory", "1000-01-01");
  EXPECT_VIOLATION(st, "date.before_registration");
  EXPECT_EQ(st.message(),
            "date 1000-01-01 of PartySigned (seq 2) is before the "
            "convention's registration (seq 1, dated 2026-06-01)");
  EXPECT_VIOLATION(h.Sign("metropole-signatory", "2026-05-31"),
                   "date.before_registration");
  ASSERT_TRUE(h.Sign("metropole-signatory", "2026-06-01").ok());
  ASSERT_TRUE(h.Sign("crpv-signatory", "2026-06-02").ok());
  ASSERT_TRUE(h.Notify("2026-06-03").ok());
  EXPECT_VIOLATION(h.Order("1000-01-01", "M1"), "date.before_registration");
  ASSERT_TRUE(h.Order("2026-06-04", "M1").ok());
  EXPECT_VIOLATION(h.Execute("1000-01-01", "M1"), "date.before_registration");
  EXPECT_ACCEPTED(h.Execute("2026-06-05", "M1"));
  // Operator events too.
  EXPECT_VIOLATION(h.Act("operator", "KeyRevoked", "2026-05-01",
                         {{"kid", testing::DemoKid("crpv-clerk")}}),
                   "date.before_registration");
  // And a letter's postal dates, which set deadlines.
  EXPECT_VIOLATION(
      h.Act("crpv-signatory", "LetterSent", "2026-06-10",
            Letter("L1", "dispute", "crpv-paca", "metropole", "2026-05-30")),
      "date.before_registration");
}

// The forgery: a termination letter backdated to February, its
// delivery attested by the sender, recorded in December, terminated the
// convention retroactively and made the funder's next order fail.
TEST(DateBoundsTest, BackdatedTerminationRecordedMonthsLaterIsRefused) {
  Harness h;
  h.RegisterAndSign(RegOptions()
                        .WithEnd("2027-12-31")
                        .WithInstallments({{10000000, "AttributionNotified"},
                                           {10000000, "InForce"}}));
  ASSERT_TRUE(h.Notify("2026-02-20").ok());
  ASSERT_TRUE(h.Order("2026-03-05", "M1", 10000000).ok());
  h.recorded_at_ms = UtcMs("2026-12-01", 10);
  // Dated in February: 279 days before its recording, default bound 90.
  Status st = h.Act(
      "crpv-signatory", "LetterSent", "2026-02-25",
      Letter("T1", "termination", "crpv-paca", "metropole", "2026-02-25"));
  EXPECT_VIOLATION(st, "date.recorded_too_late");
  EXPECT_EQ(st.message(),
            "date 2026-02-25 of LetterSent is 279 days before its recording "
            "on 2026-12-01 (Europe/Paris); the convention allows at most 90 "
            "(terms.max_recording_lag_days)");
  // Dated today but deposited in February: the deposit is bounded too.
  st = h.Act(
      "crpv-signatory", "LetterSent", "2026-12-01",
      Letter("T1", "termination", "crpv-paca", "metropole", "2026-02-25"));
  EXPECT_VIOLATION(st, "date.recorded_too_late");
  EXPECT_NE(st.message().find("data.deposit_date 2026-02-25"),
            std::string::npos)
      << st.message();
  // Sent today, then a delivery backdated to February by the sender.
  ASSERT_TRUE(
      h.Act("crpv-signatory", "LetterSent", "2026-12-01",
            Letter("T1", "termination", "crpv-paca", "metropole", "2026-12-01"))
          .ok());
  EXPECT_VIOLATION(h.Act("crpv-signatory", "LetterDelivered", "2026-12-01",
                         Delivered("T1", "2026-12-01")),
                   "letter.delivery_proof_required");
  json::object backdated = Delivered("T1", "2026-12-01", true);
  backdated["first_presentation_date"] = "2026-02-26";
  backdated["delivery_date"] = "2026-02-26";
  EXPECT_VIOLATION(
      h.Act("crpv-signatory", "LetterDelivered", "2026-12-01", backdated),
      "date.recorded_too_late");  // first before letter.date_order
  // The funder's next order still goes through: nothing took effect.
  EXPECT_EQ(Phase(h.state, D("2026-12-01")), "terminating");
  EXPECT_ACCEPTED(h.Order("2026-12-01", "M2", 10000000));
}

TEST(DateBoundsTest, MaxRecordingLagIsATermAndCountsParisDays) {
  Harness h;
  h.recorded_at_ms = UtcMs("2026-01-20", 10);
  ASSERT_TRUE(h.Register(RegOptions().WithMaxLag(1)).ok());
  EXPECT_EQ(h.state.max_recording_lag_days, 1);
  // 2026-02-11 23:30 UTC is 2026-02-12 00:30 in Paris: lag 1 from the 11th.
  h.recorded_at_ms = UtcMs("2026-02-11", 23, 30);
  EXPECT_VIOLATION(h.Sign("metropole-signatory", "2026-02-10"),
                   "date.recorded_too_late");
  EXPECT_ACCEPTED(h.Sign("metropole-signatory", "2026-02-11"));
  EXPECT_EQ(h.state.timeline.back().recording_lag_days, 1);
  EXPECT_EQ(h.state.timeline.back().recorded_date, D("2026-02-12"));
  // 22:59 UTC is still the 11th in Paris (CET): lag 0.
  h.recorded_at_ms = UtcMs("2026-02-11", 22, 59);
  EXPECT_ACCEPTED(h.Sign("crpv-signatory", "2026-02-11"));
  EXPECT_EQ(h.state.timeline.back().recording_lag_days, 0);
}

TEST(DateBoundsTest, RegistrationIsBoundedByItsOwnTerms) {
  Harness h;
  h.recorded_at_ms = UtcMs("2026-11-26", 12);
  EXPECT_VIOLATION(h.Register({}, "2026-01-20"), "date.recorded_too_late");
  EXPECT_VIOLATION(h.Register(RegOptions().WithMaxLag(36500), "1000-01-01"),
                   "date.recorded_too_late");
  Status too_big = h.Register(RegOptions().WithMaxLag(36501), "2026-01-20");
  EXPECT_EQ(too_big.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(too_big.message(),
            "field \"data.terms.max_recording_lag_days\": out of range [0, "
            "36500]: 36501");
  // A back-filled import states its bound explicitly.
  EXPECT_ACCEPTED(h.Register(RegOptions().WithMaxLag(365), "2026-01-20"));
  EXPECT_EQ(h.state.timeline.at(0).recording_lag_days, 310);
}

// Each dependency forged and refused with its exact rule id.
TEST(DateBoundsTest, NothingDatedBeforeWhatItDependsOn) {
  Harness h;
  h.RegisterAndSign(RegOptions().WithEnd("2027-12-31"), "2026-02-12");
  // Notification before entry into force.
  EXPECT_VIOLATION(h.Notify("2026-02-11"), "convention.not_in_force");
  ASSERT_TRUE(h.Notify("2026-02-20").ok());  // seq 4
  // Order before notification.
  Status st = h.Order("2026-02-19", "M1");
  EXPECT_VIOLATION(st, "payment.before_notification");
  EXPECT_NE(st.message().find("2026-02-20 (seq 4)"), std::string::npos)
      << st.message();
  ASSERT_TRUE(h.Order("2026-03-05", "M1").ok());  // seq 5
  // Execution before the order.
  st = h.Execute("2026-03-04", "M1");
  EXPECT_VIOLATION(st, "payment.executed_before_order");
  EXPECT_NE(st.message().find("2026-03-05 (seq 5)"), std::string::npos)
      << st.message();
  // Suspension before the order.
  st = h.Suspend("2026-03-04", "M1");
  EXPECT_VIOLATION(st, "date.before_dependency");
  EXPECT_EQ(st.message(),
            "PaymentSuspended (seq 6) dated 2026-03-04 is before the "
            "PaymentOrdered of mandat M1 of exercice 2026 it depends on (seq "
            "5, dated 2026-03-05)");
  ASSERT_TRUE(h.Suspend("2026-03-10", "M1").ok());  // seq 6
  // A new order for the freed installment before the suspension.
  EXPECT_VIOLATION(h.Order("2026-03-09", "M2"), "date.before_dependency");
  ASSERT_TRUE(h.Order("2026-03-10", "M2").ok());
  // Amendment signature before its proposal.
  ASSERT_TRUE(h.Propose("2026-09-15", 1, {{"end_date", "2028-06-30"}}).ok());
  EXPECT_VIOLATION(h.SignAmendment("crpv-signatory", "2026-09-14", 1),
                   "date.before_dependency");
  EXPECT_ACCEPTED(h.SignAmendment("crpv-signatory", "2026-09-15", 1));
  // Delivery before the letter was sent (the sent event is dated after the
  // deposit, the delivery event between the two).
  ASSERT_TRUE(
      h.Act("crpv-signatory", "LetterSent", "2026-10-05",
            Letter("D1", "dispute", "crpv-paca", "metropole", "2026-10-01"))
          .ok());
  EXPECT_VIOLATION(h.Act("metropole-clerk", "LetterDelivered", "2026-10-04",
                         Delivered("D1", "2026-10-03")),
                   "date.before_dependency");
  // Settlement before the dispute letter.
  EXPECT_VIOLATION(h.Settle("crpv-signatory", "2026-10-04", "D1"),
                   "date.before_dependency");
  // Delivered on 3 Oct but recorded (attested) on 20 Nov: the amicable
  // period ends on 2 Nov, and a court referral cannot be dated before the
  // delivery that started it was attested.
  ASSERT_TRUE(h.Act("metropole-clerk", "LetterDelivered", "2026-11-20",
                    Delivered("D1", "2026-10-03"))
                  .ok());
  EXPECT_VIOLATION(h.Court("crpv-signatory", "2026-11-10", "D1"),
                   "date.before_dependency");
  EXPECT_ACCEPTED(h.Court("crpv-signatory", "2026-11-20", "D1"));
}

TEST(DateBoundsTest, TerminationLetterDepositedUnderTheConventionInForce) {
  Harness h;
  h.RegisterAndSign({}, "2026-02-12");
  EXPECT_VIOLATION(h.Act("crpv-signatory", "LetterSent", "2026-02-13",
                         Letter("T1", "termination", "crpv-paca", "metropole",
                                "2026-02-11")),
                   "convention.not_in_force");
  EXPECT_ACCEPTED(h.Act(
      "crpv-signatory", "LetterSent", "2026-02-13",
      Letter("T1", "termination", "crpv-paca", "metropole", "2026-02-12")));
}

TEST(DateBoundsTest, KeyRevocationNotBeforeItsRegistration) {
  Harness h;
  h.RegisterAndSign();
  ASSERT_TRUE(h.Act("operator", "KeyRegistered", "2026-03-01",
                    {{"party", "crpv-paca"},
                     {"public_key", testing::DemoPub("crpv-finance")},
                     {"roles", json::array{"clerk"}}})
                  .ok());
  EXPECT_VIOLATION(h.Act("operator", "KeyRevoked", "2026-02-28",
                         {{"kid", testing::DemoKid("crpv-finance")}}),
                   "date.before_dependency");
  EXPECT_ACCEPTED(h.Act("operator", "KeyRevoked", "2026-03-01",
                        {{"kid", testing::DemoKid("crpv-finance")}}));
}

// An in-bounds history is accepted, and every event's recording lag is in
// the state and its JSON.
TEST(DateBoundsTest, InBoundsHistoryAcceptedWithItsLags) {
  Harness h;
  h.recorded_at_ms = UtcMs("2026-01-20", 10);
  ASSERT_TRUE(h.Register().ok());
  h.recorded_at_ms = UtcMs("2026-03-01", 10);
  ASSERT_TRUE(h.Sign("metropole-signatory", "2026-02-10").ok());  // lag 19
  ASSERT_TRUE(h.Sign("crpv-signatory", "2026-02-12").ok());       // lag 17
  ASSERT_TRUE(h.Notify("2026-02-20").ok());                       // lag 9
  h.recorded_at_ms.reset();                                       // same day
  ASSERT_TRUE(h.Order("2026-03-05", "M1").ok());
  h.recorded_at_ms = UtcMs("2026-06-11", 10);
  EXPECT_VIOLATION(h.Execute("2026-03-12", "M1"), "date.recorded_too_late");
  h.recorded_at_ms = UtcMs("2026-06-10", 10);
  ASSERT_TRUE(h.Execute("2026-03-12", "M1").ok());  // lag 90: the default
  ASSERT_EQ(h.state.timeline.size(), 6u);
  std::vector<int64_t> lags;
  for (const auto& t : h.state.timeline) lags.push_back(t.recording_lag_days);
  EXPECT_EQ(lags, (std::vector<int64_t>{0, 19, 17, 9, 0, 90}));
  EXPECT_EQ(h.state.timeline[5].type, "PaymentExecuted");
  EXPECT_EQ(h.state.timeline[5].seq, 6u);
  EXPECT_EQ(h.state.timeline[5].recorded_date, D("2026-06-10"));

  const json::object j = StateToJson(h.state).as_object();
  EXPECT_EQ(j.at("terms").at("max_recording_lag_days").as_int64(), 90);
  // The state lists facts, not every event (history does, with its lags).
  EXPECT_FALSE(j.contains("events"));
  EXPECT_EQ(
      j.at("signatures").as_array()[0].at("recording_lag_days").as_int64(), 19);
  EXPECT_EQ(j.at("attribution").at("recording_lag_days").as_int64(), 9);
  const json::object& m =
      j.at("payment").at("mandats").as_array()[0].as_object();
  EXPECT_EQ(m.at("ordered_recording_lag_days").as_int64(), 0);
  EXPECT_EQ(m.at("executed_recording_lag_days").as_int64(), 90);
  EXPECT_TRUE(m.at("suspended_recording_lag_days").is_null());
  EXPECT_EQ(j.at("registered_recording_lag_days").as_int64(), 0);
}

}  // namespace
}  // namespace paraphe::ledger
