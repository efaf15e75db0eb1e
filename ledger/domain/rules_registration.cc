// ConventionRegistered, KeyRegistered, KeyRevoked (operator events).
#include <algorithm>

#include "crypto/base64.h"
#include "crypto/ed25519.h"
#include "ledger/domain/internal/rules_internal.h"
#include "ledger/domain/registration.h"

namespace paraphe::ledger::internal {
namespace {

Status AddKey(ConventionState& s, const LedgerState& ledger,
              const std::string& party, const std::string& raw,
              std::vector<std::string> roles, uint64_t seq) {
  auto pk = crypto::PublicKey::FromRaw(raw);
  if (!pk.ok()) return pk.status();
  std::string kid = pk->Thumbprint();
  // Judged as the log stood at `seq`, so that replay against a later
  // registry gives the same answer.
  auto op = ledger.operators.find(kid);
  const bool is_operator = op != ledger.operators.end() && op->second.registered_seq <= seq;
  if (s.keys.count(kid) != 0 || is_operator) {
    return RuleViolation("key.duplicate",
                         "key \"" + kid + "\" is already registered" +
                             (is_operator ? " as an operator key" : ""));
  }
  KeyEntry k;
  k.kid = kid;
  k.public_key = raw;
  k.party = party;
  k.roles = std::move(roles);
  k.registered_seq = seq;
  s.keys.emplace(kid, std::move(k));
  return Status::Ok();
}

}  // namespace

Status ApplyRegistration(ConventionState& s, const Event& e,
                         const EventContext& ctx, const LedgerState& ledger) {
  PARAPHE_ASSIGN_OR_RETURN(Registration r, ParseRegistration(e.data));
  s.id = e.convention;
  s.title = r.title;
  s.document_sha256 = r.document_sha256;
  s.currency = r.currency;
  s.funder = r.funder;
  s.registered_date = e.date;
  s.registered_seq = ctx.seq;
  s.original_amount_cents = s.amount_cents = r.amount_cents;
  s.installments = r.installments;
  s.original_end_date = s.end_date = r.end_date;
  s.dispute_amicable_days = r.dispute_amicable_days;
  s.termination_notice_months = r.termination_notice_months;
  s.extend_to_working_day = r.extend_to_working_day;
  s.letter_reference = r.letter_reference;
  s.max_recording_lag_days = r.max_recording_lag_days;
  for (const auto& p : r.parties) {
    s.parties.push_back(p.info);
    for (const auto& k : p.keys) {
      PARAPHE_RETURN_IF_ERROR(
          AddKey(s, ledger, p.info.id, k.public_key, k.roles, ctx.seq));
    }
  }
  return Status::Ok();
}

Status ApplyKeyRegistered(ConventionState& s, const Event& e,
                          const EventContext& ctx, const LedgerState& ledger) {
  const std::string party = e.Str("party");
  if (FindParty(s, party) == nullptr) {
    return RuleViolation("party.unknown",
                         "\"" + party + "\" is not a party of convention \"" +
                             s.id + "\"");
  }
  std::vector<std::string> roles;
  for (const auto& r : e.data.at("roles").as_array()) {
    roles.emplace_back(r.as_string());
  }
  // ParseEvent checked the base64url encoding.
  auto raw = crypto::Base64UrlDecode(e.Str("public_key"));
  if (!raw.ok()) return raw.status();
  return AddKey(s, ledger, party, *raw, std::move(roles), ctx.seq);
}

Status ApplyKeyRevoked(ConventionState& s, const Event& e,
                       const EventContext& ctx) {
  const std::string kid = e.Str("kid");
  auto it = s.keys.find(kid);
  if (it == s.keys.end()) {
    return RuleViolation("key.target_unknown",
                         "no key \"" + kid + "\" in convention \"" + s.id +
                             "\"");
  }
  if (it->second.revoked_seq) {
    return RuleViolation("key.already_revoked",
                         "key \"" + kid + "\" was already revoked at seq " +
                             std::to_string(*it->second.revoked_seq));
  }
  if (const EventTiming* reg = FindEventTiming(s, it->second.registered_seq)) {
    PARAPHE_RETURN_IF_ERROR(RequireNotBefore(
        e, ctx, reg->type + " of key \"" + kid + "\"", reg->seq, reg->date));
  }
  it->second.revoked_seq = ctx.seq;
  it->second.revocation_reason = e.Str("reason");
  return Status::Ok();
}

}  // namespace paraphe::ledger::internal
