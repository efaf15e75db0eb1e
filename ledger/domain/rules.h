// The convention's rules: authorization of an event's signer and the
// clauses of the convention (Art. 2 payment, 3 committee, 4 term,
// 5 amendments, 6 dispute, 7 termination), as one pure state transition.
//
// Apply(before, event, ctx, ledger) either returns the state after the event or
// the reason it is refused: a Status whose rule() is a stable rule id listed
// in docs/EVENTS.md. Checks run in this order, and the first failure wins:
//   1. stream: convention.unknown (kNotFound), convention.already_registered
//      (kConflict), convention.mismatch (kInvalidArgument), version.conflict
//      (kConflict, the message names the current version);
//   2. signer: key.unknown, key.revoked (kUnauthenticated), key.wrong_party,
//      key.missing_role, role.not_allowed, role.funder_only
//      (kPermissionDenied);
//   3. dates (kRuleViolation): date.in_future (the business date is after
//      the Paris date of the recording time), date.before_registration (the
//      business date, or a letter's postal date, is before the
//      registration's), date.recorded_too_late (one of those dates is more
//      than terms.max_recording_lag_days before the Paris recording date;
//      a registration is bounded by its own terms);
//   4. the type's own rules (kRuleViolation), among them the dates of what
//      the event depends on: date.before_dependency, and the older
//      convention.not_in_force, payment.before_notification,
//      payment.executed_before_order, letter.date_order, court.too_early.
// An accepted event dated before the latest business date already seen is
// kept and its seq listed in ConventionState::late_recorded; every accepted
// event's recording lag is appended to ConventionState::timeline.
//
// Apply is deterministic: a pure function of its arguments (no clock, no
// I/O), so replaying the log reproduces the state exactly.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "crypto/ed25519.h"
#include "crypto/status.h"
#include "ledger/domain/event.h"
#include "ledger/domain/ledger_state.h"
#include "ledger/domain/state.h"

namespace paraphe::ledger {

struct EventContext {
  uint64_t seq = 0;             // ledger sequence number of this event
  int64_t recorded_at_ms = 0;   // recording time, ms since the Unix epoch
  std::string kid;              // kid of the verified JWS signature
};

// The key that must verify this event's JWS, as the log stood before the
// record at `seq` (pass UINT64_MAX for an event not yet appended): for an
// event of the ledger stream, ResolveLedgerSigningKey (ledger_state.h); an
// operator key of `ledger` active at `seq` when the actor party is
// "operator"; else a key of the convention's registry. kid must be
// registered there: kUnauthenticated "key.unknown" otherwise, and
// kUnauthenticated "key.revoked" for a revoked key.
Result<crypto::PublicKey> ResolveSigningKey(const ConventionState& before,
                                            const LedgerState& ledger,
                                            const Event& e,
                                            std::string_view kid,
                                            uint64_t seq);

// Validates authorization and every rule; returns the state after the event
// (version + 1). See the header comment for the order of checks.
Result<ConventionState> Apply(const ConventionState& before, const Event& e,
                              const EventContext& ctx, const LedgerState& ledger);

// The same transition without copying the state, for replay of a log whose
// events were accepted before: O(event) instead of O(state). On success `s`
// is the state after the event; on failure `s` is unspecified (partly
// changed) and must be discarded, which replay does (it is data loss).
Status ApplyInPlace(ConventionState& s, const Event& e, const EventContext& ctx,
                    const LedgerState& ledger);

}  // namespace paraphe::ledger
