// Per-area appliers behind Apply (rules.h). Each one receives the state
// after the common checks (stream, version, signer, date), mutates `s` in
// place and returns the first rule violation. Private to ledger/domain.
#pragma once

#include "crypto/status.h"
#include "ledger/domain/event.h"
#include "ledger/domain/rules.h"
#include "ledger/domain/state.h"

namespace paraphe::ledger::internal {

// Common lifecycle checks at `date`:
//   RequireInForce: all parties signed and date >= effective date
//     (convention.not_in_force);
//   RequireNotEnded: date <= end date (term.expired) and the termination has
//     not taken effect (termination.in_effect).
Status RequireInForce(const ConventionState& s, Date date);
Status RequireNotEnded(const ConventionState& s, Date date);

// date.before_dependency unless `e` is dated on or after `dep_date`, the
// business date of the event it depends on (`dep`, e.g. "PaymentOrdered of
// mandat 7 of exercice 2026", recorded at `dep_seq`). The message names both
// events' seqs and dates.
Status RequireNotBefore(const Event& e, const EventContext& ctx,
                        std::string_view dep, uint64_t dep_seq, Date dep_date);

// rules_registration.cc: ConventionRegistered, KeyRegistered, KeyRevoked.
Status ApplyRegistration(ConventionState& s, const Event& e,
                         const EventContext& ctx, const LedgerState& ledger);
Status ApplyKeyRegistered(ConventionState& s, const Event& e,
                          const EventContext& ctx, const LedgerState& ledger);
Status ApplyKeyRevoked(ConventionState& s, const Event& e,
                       const EventContext& ctx);

// rules_signature.cc: PartySigned, AmendmentProposed, AmendmentSigned,
// CommitteeDecision.
Status ApplyPartySigned(ConventionState& s, const Event& e,
                        const EventContext& ctx);
Status ApplyAmendmentProposed(ConventionState& s, const Event& e,
                              const EventContext& ctx);
Status ApplyAmendmentSigned(ConventionState& s, const Event& e,
                            const EventContext& ctx);
Status ApplyCommitteeDecision(ConventionState& s, const Event& e,
                              const EventContext& ctx);

// rules_payment.cc: AttributionNotified, PaymentOrdered, PaymentExecuted,
// PaymentSuspended.
Status ApplyAttribution(ConventionState& s, const Event& e,
                        const EventContext& ctx);
Status ApplyPaymentOrdered(ConventionState& s, const Event& e,
                           const EventContext& ctx);
Status ApplyPaymentExecuted(ConventionState& s, const Event& e,
                            const EventContext& ctx);
Status ApplyPaymentSuspended(ConventionState& s, const Event& e,
                             const EventContext& ctx);

// rules_letters.cc: LetterSent, LetterDelivered, SettlementReached,
// CourtReferral.
Status ApplyLetterSent(ConventionState& s, const Event& e,
                       const EventContext& ctx);
Status ApplyLetterDelivered(ConventionState& s, const Event& e,
                            const EventContext& ctx);
Status ApplySettlement(ConventionState& s, const Event& e,
                       const EventContext& ctx);
Status ApplyCourtReferral(ConventionState& s, const Event& e,
                          const EventContext& ctx);

}  // namespace paraphe::ledger::internal
