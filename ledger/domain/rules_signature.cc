// PartySigned (Art. 4 entry into force), AmendmentProposed/AmendmentSigned
// (Art. 5, with the term rule of Art. 4) and CommitteeDecision (Art. 3).
#include <algorithm>

#include "ledger/domain/internal/rules_internal.h"

namespace paraphe::ledger::internal {
namespace {

bool AllPartiesSigned(const ConventionState& s,
                      const std::vector<SignatureRecord>& sigs) {
  return std::all_of(s.parties.begin(), s.parties.end(),
                     [&](const PartyInfo& p) {
                       return std::any_of(sigs.begin(), sigs.end(),
                                          [&](const SignatureRecord& r) {
                                            return r.party == p.id;
                                          });
                     });
}

Status CheckPartyIsActor(const Event& e) {
  if (e.Str("party") != e.actor_party) {
    return RuleViolation("signature.party_mismatch",
                         "actor \"" + e.actor_party +
                             "\" cannot sign on behalf of \"" + e.Str("party") +
                             "\"");
  }
  return Status::Ok();
}

bool InstallmentCommitted(const ConventionState& s, uint64_t index) {
  return std::any_of(s.mandats.begin(), s.mandats.end(), [&](const Mandat& m) {
    return m.installment == index && !m.suspended;
  });
}

// Checks that an amendment's changes can apply to the current terms.
Status CheckChanges(const ConventionState& s, const Amendment& a) {
  if (a.new_end_date && *a.new_end_date <= s.end_date) {
    return RuleViolation("amendment.end_not_later",
                         "amendment " + std::to_string(a.number) +
                             " sets the end date to " +
                             a.new_end_date->ToString() +
                             ", not later than the current end " +
                             s.end_date.ToString() + " (Art. 4)");
  }
  if (a.new_amount_cents && *a.new_amount_cents != s.amount_cents) {
    const uint64_t last = s.installments.size() - 1;
    if (InstallmentCommitted(s, last)) {
      return RuleViolation("amendment.amount_committed",
                           "the last installment is already ordered or paid; "
                           "the amount can no longer change");
    }
    const int64_t delta = *a.new_amount_cents - s.amount_cents;
    if (s.installments[last].amount_cents + delta <= 0) {
      return RuleViolation(
          "amendment.amount_invalid",
          "new amount " + std::to_string(*a.new_amount_cents) +
              " cents would leave the last installment at " +
              std::to_string(s.installments[last].amount_cents + delta) +
              " cents");
    }
  }
  return Status::Ok();
}

}  // namespace

Status ApplyPartySigned(ConventionState& s, const Event& e,
                        const EventContext& ctx) {
  PARAPHE_RETURN_IF_ERROR(CheckPartyIsActor(e));
  for (const auto& r : s.signatures) {
    if (r.party == e.actor_party) {
      return RuleViolation("signature.duplicate",
                           "party \"" + r.party + "\" already signed at seq " +
                               std::to_string(r.seq));
    }
  }
  if (e.Str("document_sha256") != s.document_sha256) {
    return RuleViolation("signature.document_mismatch",
                         "signed document " + e.Str("document_sha256") +
                             " is not the registered document " +
                             s.document_sha256);
  }
  PARAPHE_RETURN_IF_ERROR(RequireNotEnded(s, e.date));
  s.signatures.push_back(SignatureRecord{e.actor_party, e.Str("signatory"),
                                         e.Str("document_sha256"), e.date,
                                         ctx.seq});
  if (AllPartiesSigned(s, s.signatures)) {
    Date last = s.signatures.front().date;
    for (const auto& r : s.signatures) last = std::max(last, r.date);
    s.effective_date = last;
    s.effective_seq = ctx.seq;
  }
  return Status::Ok();
}

Status ApplyAmendmentProposed(ConventionState& s, const Event& e,
                              const EventContext& ctx) {
  const int64_t number = e.Int("number");
  if (FindAmendment(s, number) != nullptr) {
    return RuleViolation("amendment.duplicate",
                         "amendment " + std::to_string(number) +
                             " was already proposed");
  }
  PARAPHE_RETURN_IF_ERROR(RequireInForce(s, e.date));
  PARAPHE_RETURN_IF_ERROR(RequireNotEnded(s, e.date));
  Amendment a;
  a.number = number;
  a.document_sha256 = e.Str("document_sha256");
  const auto& changes = e.data.at("changes").as_object();
  if (const auto* v = changes.if_contains("end_date")) {
    a.new_end_date = *Date::Parse(v->as_string());
  }
  if (const auto* v = changes.if_contains("amount_cents")) {
    a.new_amount_cents = v->as_int64();
  }
  a.proposed_by = e.actor_party;
  a.proposed_date = e.date;
  a.proposed_seq = ctx.seq;
  PARAPHE_RETURN_IF_ERROR(CheckChanges(s, a));
  s.amendments.push_back(std::move(a));
  return Status::Ok();
}

Status ApplyAmendmentSigned(ConventionState& s, const Event& e,
                            const EventContext& ctx) {
  const int64_t number = e.Int("number");
  auto it = std::find_if(s.amendments.begin(), s.amendments.end(),
                         [&](const Amendment& a) { return a.number == number; });
  if (it == s.amendments.end()) {
    return RuleViolation("amendment.unknown",
                         "no amendment " + std::to_string(number));
  }
  PARAPHE_RETURN_IF_ERROR(CheckPartyIsActor(e));
  for (const auto& r : it->signatures) {
    if (r.party == e.actor_party) {
      return RuleViolation("amendment.already_signed",
                           "party \"" + r.party + "\" already signed amendment " +
                               std::to_string(number) + " at seq " +
                               std::to_string(r.seq));
    }
  }
  if (e.Str("document_sha256") != it->document_sha256) {
    return RuleViolation("amendment.document_mismatch",
                         "signed document " + e.Str("document_sha256") +
                             " is not amendment " + std::to_string(number) +
                             "'s document " + it->document_sha256 +
                             " (Art. 5)");
  }
  PARAPHE_RETURN_IF_ERROR(RequireNotBefore(
      e, ctx, "AmendmentProposed of amendment " + std::to_string(number),
      it->proposed_seq, it->proposed_date));
  PARAPHE_RETURN_IF_ERROR(RequireInForce(s, e.date));
  PARAPHE_RETURN_IF_ERROR(RequireNotEnded(s, e.date));
  it->signatures.push_back(SignatureRecord{e.actor_party, "",
                                           e.Str("document_sha256"), e.date,
                                           ctx.seq});
  if (!AllPartiesSigned(s, it->signatures)) return Status::Ok();
  PARAPHE_RETURN_IF_ERROR(CheckChanges(s, *it));
  it->effective_date = e.date;
  it->effective_seq = ctx.seq;
  if (it->new_end_date) s.end_date = *it->new_end_date;
  if (it->new_amount_cents && *it->new_amount_cents != s.amount_cents) {
    s.installments.back().amount_cents += *it->new_amount_cents - s.amount_cents;
    s.amount_cents = *it->new_amount_cents;
  }
  return Status::Ok();
}

Status ApplyCommitteeDecision(ConventionState& s, const Event& e,
                              const EventContext& ctx) {
  for (const auto& kv : e.data) {
    std::string_view k = kv.key();
    if (k != "minutes_sha256" && k != "decisions") {
      return RuleViolation("committee.cannot_amend",
                           "the committee cannot change amount, term or "
                           "clauses (Art. 3, Art. 5): field \"data." +
                               std::string(k) + "\"");
    }
  }
  PARAPHE_RETURN_IF_ERROR(RequireNotEnded(s, e.date));
  s.committee_decisions.push_back(CommitteeDecisionRecord{
      e.Str("minutes_sha256"), e.Str("decisions"), e.actor_party, e.date,
      ctx.seq});
  return Status::Ok();
}

}  // namespace paraphe::ledger::internal
