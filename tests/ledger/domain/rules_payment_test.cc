// Art. 2: one payment of exactly 200 000,00 EUR after the notification of
// attribution, never before signature, never twice; ordered then executed.
#include <gtest/gtest.h>

#include "domain_test_util.h"
#include "ledger/domain/rules.h"

namespace paraphe::ledger {
namespace {
using testing::D;
using testing::Harness;

TEST(PaymentRulesTest, NothingOrderedBeforeInForce) {
  Harness h;
  ASSERT_TRUE(h.Register().ok());
  // The attribution is notified under a convention in force (issue 12: a
  // notification used to be accepted before any signature).
  EXPECT_VIOLATION(h.Notify("2026-02-01"), "convention.not_in_force");
  ASSERT_TRUE(h.Sign("metropole-signatory", "2026-02-10").ok());
  EXPECT_VIOLATION(h.Notify("2026-02-11"), "convention.not_in_force");
  EXPECT_VIOLATION(h.Order("2026-02-11", "M1"), "convention.not_in_force");
  ASSERT_TRUE(h.Sign("crpv-signatory", "2026-02-12").ok());
  EXPECT_VIOLATION(h.Notify("2026-02-11"), "convention.not_in_force");
  ASSERT_TRUE(h.Notify("2026-02-12").ok());
  EXPECT_VIOLATION(h.Order("2026-02-11", "M1"), "convention.not_in_force");
  EXPECT_ACCEPTED(h.Order("2026-02-12", "M1"));
}

TEST(PaymentRulesTest, NothingOrderedBeforeNotification) {
  Harness h;
  h.RegisterAndSign();
  EXPECT_VIOLATION(h.Order("2026-02-19", "M1"), "payment.before_notification");
  ASSERT_TRUE(h.Notify("2026-02-20").ok());
  EXPECT_VIOLATION(h.Order("2026-02-19", "M1"), "payment.before_notification");
  EXPECT_ACCEPTED(h.Order("2026-02-20", "M1"));
  EXPECT_VIOLATION(h.Notify("2026-02-21"), "attribution.duplicate");
}

TEST(PaymentRulesTest, OrderedAmountMustEqualTheInstallmentExactly) {
  Harness h;
  h.RegisterAndSign();
  ASSERT_TRUE(h.Notify("2026-02-20").ok());
  EXPECT_VIOLATION(h.Order("2026-03-01", "M1", 19999999), "payment.amount_mismatch");
  EXPECT_VIOLATION(h.Order("2026-03-01", "M1", 20000001), "payment.amount_mismatch");
  EXPECT_VIOLATION(h.Order("2026-03-01", "M1", 0), "payment.amount_mismatch");
  EXPECT_ACCEPTED(h.Order("2026-03-01", "M1", 20000000));
  EXPECT_VIOLATION(h.Order("2026-03-02", "M2", 20000000), "payment.twice");
}

TEST(PaymentRulesTest, PayeeMustBeTheOtherParty) {
  Harness h;
  h.RegisterAndSign();
  ASSERT_TRUE(h.Notify("2026-02-20").ok());
  EXPECT_VIOLATION(h.Order("2026-03-01", "M1", 20000000, 2026, "metropole"),
                   "payment.payee_invalid");
  EXPECT_VIOLATION(h.Order("2026-03-01", "M1", 20000000, 2026, "etat"),
                   "payment.payee_invalid");
}

TEST(PaymentRulesTest, MandatNumberUniqueWithinItsExercice) {
  Harness h;
  h.RegisterAndSign();
  ASSERT_TRUE(h.Notify("2026-02-20").ok());
  ASSERT_TRUE(h.Order("2026-03-01", "M1").ok());
  ASSERT_TRUE(h.Suspend("2026-03-02", "M1").ok());
  EXPECT_VIOLATION(h.Order("2026-03-03", "M1"), "payment.mandat_duplicate");
  EXPECT_ACCEPTED(h.Order("2026-03-03", "M1", 20000000, 2027));
}

TEST(PaymentRulesTest, ExecutionNeedsAnOrderedUnsuspendedMandat) {
  Harness h;
  h.RegisterAndSign();
  ASSERT_TRUE(h.Notify("2026-02-20").ok());
  EXPECT_VIOLATION(h.Execute("2026-03-02", "M1"), "payment.mandat_unknown");
  ASSERT_TRUE(h.Order("2026-03-01", "M1").ok());
  EXPECT_VIOLATION(h.Execute("2026-03-02", "M1", 20000000, 2025),
                   "payment.mandat_unknown");
  EXPECT_VIOLATION(h.Execute("2026-02-28", "M1"), "payment.executed_before_order");
  EXPECT_VIOLATION(h.Execute("2026-03-02", "M1", 19999999), "payment.amount_mismatch");
  EXPECT_VIOLATION(h.Execute("2026-03-02", "M1", 20000001), "payment.amount_mismatch");
  ASSERT_TRUE(h.Suspend("2026-03-02", "M1").ok());
  EXPECT_VIOLATION(h.Suspend("2026-03-02", "M1"), "payment.mandat_suspended");
  EXPECT_VIOLATION(h.Execute("2026-03-03", "M1"), "payment.mandat_suspended");
  // The installment is free again: a new mandat can be ordered and paid.
  ASSERT_TRUE(h.Order("2026-03-04", "M2").ok());
  EXPECT_ACCEPTED(h.Execute("2026-03-04", "M2"));
  EXPECT_VIOLATION(h.Execute("2026-03-05", "M2"), "payment.already_executed");
  EXPECT_VIOLATION(h.Suspend("2026-03-05", "M2"), "payment.already_executed");
  EXPECT_VIOLATION(h.Order("2026-03-06", "M3"), "payment.twice");
  EXPECT_EQ(PaidCents(h.state), 20000000);
  EXPECT_EQ(OrderedCents(h.state), 20000000);
  const Mandat* m = FindMandat(h.state, 2026, "M2");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->ordered_seq, 7u);
  EXPECT_EQ(m->executed_seq, std::optional<uint64_t>(8));
  EXPECT_EQ(m->executed_date, D("2026-03-04"));
}

TEST(PaymentRulesTest, PaidTotalNeverExceedsAgreedAcrossInstallments) {
  Harness h;
  h.RegisterAndSign(testing::RegOptions().WithInstallments(
      {{5000000, "InForce"}, {15000000, "AttributionNotified"}}));
  EXPECT_ACCEPTED(h.Order("2026-02-13", "M1", 5000000));  // before notification
  EXPECT_VIOLATION(h.Order("2026-02-14", "M2", 15000000),
                   "payment.before_notification");
  ASSERT_TRUE(h.Notify("2026-02-20").ok());
  EXPECT_VIOLATION(h.Order("2026-02-21", "M2", 5000000), "payment.amount_mismatch");
  EXPECT_ACCEPTED(h.Order("2026-02-21", "M2", 15000000));
  EXPECT_ACCEPTED(h.Execute("2026-02-22", "M1", 5000000));
  EXPECT_ACCEPTED(h.Execute("2026-02-22", "M2", 15000000));
  EXPECT_VIOLATION(h.Order("2026-02-23", "M3", 1), "payment.twice");
  EXPECT_EQ(PaidCents(h.state), h.state.amount_cents);
}

TEST(PaymentRulesTest, NoPaymentAfterExpiry) {
  Harness h;
  h.RegisterAndSign();
  ASSERT_TRUE(h.Notify("2026-02-20").ok());
  EXPECT_VIOLATION(h.Order("2027-01-01", "M1"), "term.expired");
  EXPECT_ACCEPTED(h.Order("2026-12-31", "M1"));
  EXPECT_VIOLATION(h.Execute("2027-01-01", "M1"), "term.expired");
  EXPECT_ACCEPTED(h.Execute("2026-12-31", "M1"));
}

TEST(PaymentRulesTest, PaymentViewInStateJson) {
  Harness h;
  h.RegisterAndSign();
  ASSERT_TRUE(h.Notify("2026-02-20").ok());
  ASSERT_TRUE(h.Order("2026-03-05", "2026-004512").ok());
  auto j = StateToJson(h.state).as_object();
  const auto& p = j.at("payment").as_object();
  EXPECT_EQ(p.at("status").as_string(), "ordered");
  EXPECT_EQ(p.at("due_cents").as_int64(), 20000000);
  EXPECT_EQ(p.at("ordered_cents").as_int64(), 20000000);
  EXPECT_EQ(p.at("paid_cents").as_int64(), 0);
  const auto& m = p.at("mandats").as_array()[0].as_object();
  EXPECT_EQ(m.at("ordered_seq").as_uint64(), 5u);
  EXPECT_EQ(m.at("status").as_string(), "ordered");
}

}  // namespace
}  // namespace paraphe::ledger
