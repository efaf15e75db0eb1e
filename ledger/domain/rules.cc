#include "ledger/domain/rules.h"

#include <algorithm>
#include <vector>

#include "ledger/domain/internal/rules_internal.h"

namespace paraphe::ledger {
namespace {

struct Permission {
  std::vector<std::string_view> roles;
  bool funder_only;
};

Permission PermissionFor(EventType t) {
  switch (t) {
    case EventType::kConventionRegistered:
    case EventType::kKeyRegistered:
    case EventType::kKeyRevoked:
    case EventType::kLedgerGenesis:
    case EventType::kOperatorKeyRegistered:
    case EventType::kOperatorKeyRevoked:
      return {{"operator"}, false};
    case EventType::kAttributionNotified:
      return {{"signatory", "clerk"}, true};
    case EventType::kPaymentOrdered:
    case EventType::kPaymentExecuted:
    case EventType::kPaymentSuspended:
      return {{"finance"}, true};
    case EventType::kCommitteeDecision:
      return {{"committee"}, false};
    case EventType::kLetterDelivered:
      return {{"signatory", "clerk"}, false};
    case EventType::kPartySigned:
    case EventType::kAmendmentProposed:
    case EventType::kAmendmentSigned:
    case EventType::kLetterSent:
    case EventType::kSettlementReached:
    case EventType::kCourtReferral:
      return {{"signatory"}, false};
  }
  return {{}, false};
}

Status CheckSigner(const ConventionState& s, const LedgerState& ledger,
                   const Event& e, std::string_view kid, uint64_t seq) {
  std::vector<std::string> key_roles;
  if (e.actor_party == kOperatorParty) {
    PARAPHE_RETURN_IF_ERROR(ResolveSigningKey(s, ledger, e, kid, seq).status());
    key_roles = {kOperatorRole};
  } else {
    auto it = s.keys.find(std::string(kid));
    if (it == s.keys.end()) {
      return Unauthenticated("kid \"" + std::string(kid) +
                                 "\" is not registered for convention \"" +
                                 e.convention + "\"",
                             "key.unknown");
    }
    const KeyEntry& k = it->second;
    if (k.revoked_seq) {
      return Unauthenticated("key \"" + k.kid + "\" was revoked at seq " +
                                 std::to_string(*k.revoked_seq),
                             "key.revoked");
    }
    if (k.party != e.actor_party) {
      return PermissionDenied("key \"" + k.kid + "\" belongs to party \"" +
                                  k.party + "\", not to \"" + e.actor_party +
                                  "\"",
                              "key.wrong_party");
    }
    key_roles = k.roles;
  }
  if (std::find(key_roles.begin(), key_roles.end(), e.actor_role) ==
      key_roles.end()) {
    return PermissionDenied("key \"" + std::string(kid) +
                                "\" does not hold the role \"" + e.actor_role +
                                "\"",
                            "key.missing_role");
  }
  const Permission perm = PermissionFor(e.kind);
  if (std::find(perm.roles.begin(), perm.roles.end(), e.actor_role) ==
      perm.roles.end()) {
    return PermissionDenied("role \"" + e.actor_role + "\" may not emit " +
                                e.type,
                            "role.not_allowed");
  }
  if (perm.funder_only && e.actor_party != s.funder) {
    return PermissionDenied(e.type + " may only be emitted by the funder \"" +
                                s.funder + "\", not by \"" + e.actor_party +
                                "\"",
                            "role.funder_only");
  }
  return Status::Ok();
}

// The dates an event asserts about the past, with the path naming each: its
// business date and, for registered letters, the postal dates in `data`
// (which set the deadlines of Art. 6 and 7, so they are bounded like the
// business date).
std::vector<std::pair<std::string_view, Date>> FactDates(const Event& e) {
  std::vector<std::pair<std::string_view, Date>> out = {{"date", e.date}};
  if (e.kind == EventType::kLetterSent ||
      e.kind == EventType::kLetterDelivered) {
    for (std::string_view path :
         {"data.deposit_date", "data.first_presentation_date",
          "data.delivery_date"}) {
      if (auto d = e.OptDate(path.substr(5))) out.emplace_back(path, *d);
    }
  }
  return out;
}

// The lag bound that applies to `e`: the registration's own for a
// ConventionRegistered (ParseEvent checked its range), else the state's.
int64_t MaxRecordingLag(const ConventionState& before, const Event& e) {
  if (e.kind != EventType::kConventionRegistered) {
    return before.max_recording_lag_days;
  }
  const auto* terms = e.data.if_contains("terms");
  const auto* max = terms && terms->is_object()
                        ? terms->get_object().if_contains("max_recording_lag_days")
                        : nullptr;
  return max && max->is_int64() ? max->get_int64()
                                : kDefaultMaxRecordingLagDays;
}

// date.in_future, date.before_registration, date.recorded_too_late (rules.h).
Status CheckDates(const ConventionState& before, const Event& e,
                  const EventContext& ctx) {
  const Date recorded = ParisDateOf(ctx.recorded_at_ms);
  if (e.date > recorded) {
    return RuleViolation("date.in_future",
                         "event dated " + e.date.ToString() +
                             " but recorded on " + recorded.ToString() +
                             " (Europe/Paris)");
  }
  const auto facts = FactDates(e);
  if (e.kind != EventType::kConventionRegistered) {
    for (const auto& [field, d] : facts) {
      if (d < before.registered_date) {
        return RuleViolation(
            "date.before_registration",
            std::string(field) + " " + d.ToString() + " of " + e.type +
                " (seq " + std::to_string(ctx.seq) +
                ") is before the convention's registration (seq " +
                std::to_string(before.registered_seq) + ", dated " +
                before.registered_date.ToString() + ")");
      }
    }
  }
  const int64_t max = MaxRecordingLag(before, e);
  for (const auto& [field, d] : facts) {
    const int64_t lag = RecordingLagDays(d, ctx.recorded_at_ms);
    if (lag > max) {
      return RuleViolation(
          "date.recorded_too_late",
          std::string(field) + " " + d.ToString() + " of " + e.type +
              " is " + std::to_string(lag) + " days before its recording on " +
              recorded.ToString() +
              " (Europe/Paris); the convention allows at most " +
              std::to_string(max) + " (terms.max_recording_lag_days)");
    }
  }
  return Status::Ok();
}

Status ApplyTyped(ConventionState& s, const Event& e, const EventContext& ctx,
                  const LedgerState& ledger) {
  using namespace internal;  // NOLINT
  switch (e.kind) {
    case EventType::kConventionRegistered:
      return ApplyRegistration(s, e, ctx, ledger);
    case EventType::kKeyRegistered:
      return ApplyKeyRegistered(s, e, ctx, ledger);
    case EventType::kKeyRevoked:
      return ApplyKeyRevoked(s, e, ctx);
    case EventType::kPartySigned:
      return ApplyPartySigned(s, e, ctx);
    case EventType::kAttributionNotified:
      return ApplyAttribution(s, e, ctx);
    case EventType::kPaymentOrdered:
      return ApplyPaymentOrdered(s, e, ctx);
    case EventType::kPaymentExecuted:
      return ApplyPaymentExecuted(s, e, ctx);
    case EventType::kPaymentSuspended:
      return ApplyPaymentSuspended(s, e, ctx);
    case EventType::kCommitteeDecision:
      return ApplyCommitteeDecision(s, e, ctx);
    case EventType::kAmendmentProposed:
      return ApplyAmendmentProposed(s, e, ctx);
    case EventType::kAmendmentSigned:
      return ApplyAmendmentSigned(s, e, ctx);
    case EventType::kLetterSent:
      return ApplyLetterSent(s, e, ctx);
    case EventType::kLetterDelivered:
      return ApplyLetterDelivered(s, e, ctx);
    case EventType::kSettlementReached:
      return ApplySettlement(s, e, ctx);
    case EventType::kCourtReferral:
      return ApplyCourtReferral(s, e, ctx);
    case EventType::kLedgerGenesis:
    case EventType::kOperatorKeyRegistered:
    case EventType::kOperatorKeyRevoked:
      break;  // ApplyInPlace refused them
  }
  return Internal("unhandled event type");
}

}  // namespace

namespace internal {

Status RequireInForce(const ConventionState& s, Date date) {
  if (!s.effective_date) {
    return RuleViolation("convention.not_in_force",
                         "the convention is not in force: not every party "
                         "has signed it");
  }
  if (date < *s.effective_date) {
    return RuleViolation("convention.not_in_force",
                         "the convention is in force only from " +
                             s.effective_date->ToString() +
                             " (the last party's signature, seq " +
                             std::to_string(s.effective_seq.value_or(0)) +
                             "); dated " + date.ToString());
  }
  return Status::Ok();
}

Status RequireNotEnded(const ConventionState& s, Date date) {
  if (s.termination && s.termination->effective_date &&
      !TerminationSupersededByExpiry(s) &&
      date >= *s.termination->effective_date) {
    return RuleViolation("termination.in_effect",
                         "the convention was terminated with effect from " +
                             s.termination->effective_date->ToString() +
                             " (Art. 7); event dated " + date.ToString());
  }
  if (date > s.end_date) {
    return RuleViolation("term.expired",
                         "the convention expired on " + s.end_date.ToString() +
                             " at 24:00 Europe/Paris (Art. 4); event dated " +
                             date.ToString());
  }
  return Status::Ok();
}

Status RequireNotBefore(const Event& e, const EventContext& ctx,
                        std::string_view dep, uint64_t dep_seq, Date dep_date) {
  if (e.date >= dep_date) return Status::Ok();
  return RuleViolation("date.before_dependency",
                       e.type + " (seq " + std::to_string(ctx.seq) +
                           ") dated " + e.date.ToString() + " is before the " +
                           std::string(dep) + " it depends on (seq " +
                           std::to_string(dep_seq) + ", dated " +
                           dep_date.ToString() + ")");
}

}  // namespace internal

Result<crypto::PublicKey> ResolveSigningKey(const ConventionState& before,
                                            const LedgerState& ledger,
                                            const Event& e,
                                            std::string_view kid,
                                            uint64_t seq) {
  // Operator keys are ledger-wide, in the ledger stream's registry.
  if (IsLedgerEventType(e.kind) || e.actor_party == kOperatorParty) {
    return ResolveLedgerSigningKey(ledger, e, kid, seq);
  }
  auto it = before.keys.find(std::string(kid));
  if (it == before.keys.end()) {
    return Unauthenticated("kid \"" + std::string(kid) +
                               "\" is not registered for convention \"" +
                               e.convention + "\"",
                           "key.unknown");
  }
  if (it->second.revoked_seq) {
    return Unauthenticated("key \"" + it->second.kid +
                               "\" was revoked at seq " +
                               std::to_string(*it->second.revoked_seq),
                           "key.revoked");
  }
  return crypto::PublicKey::FromRaw(it->second.public_key);
}

Status ApplyInPlace(ConventionState& s, const Event& e, const EventContext& ctx,
                   const LedgerState& ledger) {
  const ConventionState& before = s;
  if (IsLedgerEventType(e.kind)) {
    return Status(StatusCode::kInvalidArgument,
                  e.type + " belongs to the ledger stream, not to a convention",
                  "convention.mismatch");
  }
  if (e.kind == EventType::kConventionRegistered && before.version != 0) {
    return Status(StatusCode::kConflict,
                  "convention \"" + before.id + "\" is already registered",
                  "convention.already_registered");
  }
  if (e.kind != EventType::kConventionRegistered && before.version == 0) {
    return Status(StatusCode::kNotFound,
                  "convention \"" + e.convention + "\" is not registered",
                  "convention.unknown");
  }
  if (before.version != 0 && e.convention != before.id) {
    return Status(StatusCode::kInvalidArgument,
                  "event names convention \"" + e.convention +
                      "\" but is applied to \"" + before.id + "\"",
                  "convention.mismatch");
  }
  if (e.expected_version != before.version) {
    return Status(StatusCode::kConflict,
                  "expected_version " + std::to_string(e.expected_version) +
                      " but convention \"" + e.convention + "\" is at version " +
                      std::to_string(before.version),
                  "version.conflict");
  }
  PARAPHE_RETURN_IF_ERROR(CheckSigner(before, ledger, e, ctx.kid, ctx.seq));
  PARAPHE_RETURN_IF_ERROR(CheckDates(before, e, ctx));
  PARAPHE_RETURN_IF_ERROR(ApplyTyped(s, e, ctx, ledger));
  if (s.last_event_date && e.date < *s.last_event_date) {
    s.late_recorded.push_back(ctx.seq);
  }
  if (!s.last_event_date || e.date > *s.last_event_date) {
    s.last_event_date = e.date;
  }
  const Date recorded = ParisDateOf(ctx.recorded_at_ms);
  s.timeline.push_back(EventTiming{ctx.seq, e.type, e.date, recorded,
                                   RecordingLagDays(e.date, ctx.recorded_at_ms)});
  ++s.version;
  return Status::Ok();
}

Result<ConventionState> Apply(const ConventionState& before, const Event& e,
                              const EventContext& ctx,
                              const LedgerState& ledger) {
  ConventionState s = before;
  PARAPHE_RETURN_IF_ERROR(ApplyInPlace(s, e, ctx, ledger));
  return s;
}

}  // namespace paraphe::ledger
