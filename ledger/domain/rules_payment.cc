// Art. 2: attribution notice, payment orders (mandats), executions and
// suspensions. Amounts are integer cents and must match an installment
// exactly.
#include <algorithm>

#include "ledger/domain/internal/rules_internal.h"

namespace paraphe::ledger::internal {
namespace {

std::string MandatName(int64_t exercice, const std::string& number) {
  return "mandat " + number + " of exercice " + std::to_string(exercice);
}

Mandat* FindMutableMandat(ConventionState& s, int64_t exercice,
                          const std::string& number) {
  for (auto& m : s.mandats) {
    if (m.exercice == exercice && m.number == number) return &m;
  }
  return nullptr;
}

Result<Mandat*> ExistingMandat(ConventionState& s, const Event& e) {
  const int64_t exercice = e.Int("exercice");
  const std::string number = e.Str("mandat");
  Mandat* m = FindMutableMandat(s, exercice, number);
  if (m == nullptr) {
    return RuleViolation("payment.mandat_unknown",
                         "no " + MandatName(exercice, number) + " was ordered");
  }
  return m;
}

}  // namespace

Status ApplyAttribution(ConventionState& s, const Event& e,
                        const EventContext& ctx) {
  if (s.attribution) {
    return RuleViolation("attribution.duplicate",
                         "the attribution was already notified at seq " +
                             std::to_string(s.attribution->seq));
  }
  // The attribution is notified under a convention in force.
  PARAPHE_RETURN_IF_ERROR(RequireInForce(s, e.date));
  PARAPHE_RETURN_IF_ERROR(RequireNotEnded(s, e.date));
  s.attribution = Attribution{e.Str("reference"), e.Str("channel"),
                              e.actor_party, e.date, ctx.seq};
  return Status::Ok();
}

Status ApplyPaymentOrdered(ConventionState& s, const Event& e,
                           const EventContext& ctx) {
  PARAPHE_RETURN_IF_ERROR(RequireInForce(s, e.date));
  PARAPHE_RETURN_IF_ERROR(RequireNotEnded(s, e.date));
  const std::string payee = e.Str("payee");
  if (FindParty(s, payee) == nullptr || payee == s.funder) {
    return RuleViolation("payment.payee_invalid",
                         "payee \"" + payee +
                             "\" must be a party other than the funder");
  }
  const int64_t exercice = e.Int("exercice");
  const std::string number = e.Str("mandat");
  if (const Mandat* m = FindMandat(s, exercice, number)) {
    return RuleViolation("payment.mandat_duplicate",
                         MandatName(exercice, number) +
                             " already exists (seq " +
                             std::to_string(m->ordered_seq) + ")");
  }
  // The first installment not covered by an unsuspended mandat.
  uint64_t next = 0;
  while (next < s.installments.size() &&
         std::any_of(s.mandats.begin(), s.mandats.end(), [&](const Mandat& m) {
           return m.installment == next && !m.suspended;
         })) {
    ++next;
  }
  if (next == s.installments.size()) {
    return RuleViolation("payment.twice",
                         "every installment is already ordered or paid "
                         "(Art. 2: paid in one payment)");
  }
  const Installment& inst = s.installments[next];
  if (inst.trigger == "AttributionNotified" && !s.attribution) {
    return RuleViolation("payment.before_notification",
                         "the installment is payable only after the "
                         "notification of attribution (Art. 2), which is "
                         "not recorded");
  }
  if (inst.trigger == "AttributionNotified" && s.attribution->date > e.date) {
    return RuleViolation("payment.before_notification",
                         "the installment is payable only after the "
                         "notification of attribution (Art. 2) of " +
                             s.attribution->date.ToString() + " (seq " +
                             std::to_string(s.attribution->seq) +
                             "); order (seq " + std::to_string(ctx.seq) +
                             ") dated " + e.date.ToString());
  }
  // An order replacing a suspended one depends on that suspension.
  for (const Mandat& m : s.mandats) {
    if (m.installment == next && m.suspended && m.suspended_date) {
      PARAPHE_RETURN_IF_ERROR(RequireNotBefore(
          e, ctx, "PaymentSuspended of " + MandatName(m.exercice, m.number),
          *m.suspended_seq, *m.suspended_date));
    }
  }
  const int64_t amount = e.Int("amount_cents");
  if (amount != inst.amount_cents) {
    return RuleViolation("payment.amount_mismatch",
                         "ordered " + std::to_string(amount) +
                             " cents but the installment is exactly " +
                             std::to_string(inst.amount_cents) +
                             " cents (Art. 2)");
  }
  if (OrderedCents(s) + amount > s.amount_cents) {
    return RuleViolation("payment.exceeds_agreed",
                         "orders would exceed the agreed " +
                             std::to_string(s.amount_cents) + " cents");
  }
  Mandat m;
  m.exercice = exercice;
  m.number = number;
  m.bordereau = e.Str("bordereau");
  m.payee = payee;
  m.amount_cents = amount;
  m.installment = next;
  m.ordered_date = e.date;
  m.ordered_seq = ctx.seq;
  s.mandats.push_back(std::move(m));
  return Status::Ok();
}

Status ApplyPaymentExecuted(ConventionState& s, const Event& e,
                            const EventContext& ctx) {
  PARAPHE_ASSIGN_OR_RETURN(Mandat * m, ExistingMandat(s, e));
  const std::string name = MandatName(m->exercice, m->number);
  if (m->executed) {
    return RuleViolation("payment.already_executed",
                         name + " was already executed at seq " +
                             std::to_string(*m->executed_seq));
  }
  if (m->suspended) {
    return RuleViolation("payment.mandat_suspended",
                         name + " was suspended at seq " +
                             std::to_string(*m->suspended_seq));
  }
  if (e.date < m->ordered_date) {
    return RuleViolation("payment.executed_before_order",
                         name + " was ordered on " +
                             m->ordered_date.ToString() + " (seq " +
                             std::to_string(m->ordered_seq) +
                             "); execution (seq " + std::to_string(ctx.seq) +
                             ") dated " + e.date.ToString());
  }
  PARAPHE_RETURN_IF_ERROR(RequireNotEnded(s, e.date));
  const int64_t amount = e.Int("amount_cents");
  if (amount != m->amount_cents) {
    return RuleViolation("payment.amount_mismatch",
                         "executed " + std::to_string(amount) + " cents but " +
                             name + " orders exactly " +
                             std::to_string(m->amount_cents) + " cents");
  }
  if (PaidCents(s) + amount > s.amount_cents) {
    return RuleViolation("payment.exceeds_agreed",
                         "payments would exceed the agreed " +
                             std::to_string(s.amount_cents) + " cents");
  }
  m->executed = true;
  m->bank_reference = e.Str("bank_reference");
  m->executed_date = e.date;
  m->executed_seq = ctx.seq;
  return Status::Ok();
}

Status ApplyPaymentSuspended(ConventionState& s, const Event& e,
                             const EventContext& ctx) {
  PARAPHE_ASSIGN_OR_RETURN(Mandat * m, ExistingMandat(s, e));
  const std::string name = MandatName(m->exercice, m->number);
  if (m->executed) {
    return RuleViolation("payment.already_executed",
                         name + " was already executed at seq " +
                             std::to_string(*m->executed_seq));
  }
  if (m->suspended) {
    return RuleViolation("payment.mandat_suspended",
                         name + " was already suspended at seq " +
                             std::to_string(*m->suspended_seq));
  }
  PARAPHE_RETURN_IF_ERROR(RequireNotBefore(e, ctx, "PaymentOrdered of " + name,
                                           m->ordered_seq, m->ordered_date));
  m->suspended = true;
  m->suspension_reason = e.Str("reason");
  m->suspended_date = e.date;
  m->suspended_seq = ctx.seq;
  return Status::Ok();
}

}  // namespace paraphe::ledger::internal
