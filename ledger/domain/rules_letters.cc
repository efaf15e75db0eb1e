// Registered letters and what they start: Art. 6 disputes (30-day amicable
// period, settlement, court referral) and Art. 7 termination (6 months'
// notice, superseded by expiry when it would fall after the term).
#include <algorithm>

#include "ledger/domain/internal/rules_internal.h"

namespace paraphe::ledger::internal {
namespace {

Letter* FindMutableLetter(ConventionState& s, const std::string& id) {
  for (auto& l : s.letters) {
    if (l.id == id) return &l;
  }
  return nullptr;
}

Result<Dispute*> DisputeOf(ConventionState& s, const Event& e) {
  const std::string id = e.Str("letter_id");
  for (auto& d : s.disputes) {
    if (d.letter_id == id) {
      if (e.actor_party != d.opened_by && e.actor_party != d.against) {
        return RuleViolation("dispute.party_not_involved",
                             "party \"" + e.actor_party +
                                 "\" is not a party to the dispute opened by "
                                 "letter \"" + id + "\"");
      }
      return &d;
    }
  }
  return RuleViolation("dispute.unknown",
                       "no dispute letter \"" + id + "\" was sent (Art. 6)");
}

Status DateOrder(const std::string& what) {
  return RuleViolation("letter.date_order", what);
}

}  // namespace

Status ApplyLetterSent(ConventionState& s, const Event& e,
                       const EventContext& ctx) {
  Letter l;
  l.id = e.Str("letter_id");
  l.purpose = e.Str("purpose");
  l.from_party = e.Str("from_party");
  l.to_party = e.Str("to_party");
  l.deposit_date = e.DateField("deposit_date");
  l.tracking_number = e.Str("tracking_number");
  l.content_sha256 = e.Str("content_sha256");
  l.sent_date = e.date;
  l.sent_seq = ctx.seq;
  if (FindLetter(s, l.id) != nullptr) {
    return RuleViolation("letter.duplicate",
                         "letter \"" + l.id + "\" was already recorded");
  }
  if (l.from_party != e.actor_party) {
    return RuleViolation("letter.party_mismatch",
                         "actor \"" + e.actor_party +
                             "\" cannot send a letter from \"" + l.from_party +
                             "\"");
  }
  if (FindParty(s, l.to_party) == nullptr || l.to_party == l.from_party) {
    return RuleViolation("letter.recipient_invalid",
                         "recipient \"" + l.to_party +
                             "\" must be another party of the convention");
  }
  if (l.deposit_date > e.date) {
    return DateOrder("deposit date " + l.deposit_date.ToString() +
                     " is after the event date " + e.date.ToString());
  }
  if (l.purpose == "termination") {
    // Deposited, not only recorded, under the convention in force.
    PARAPHE_RETURN_IF_ERROR(RequireInForce(s, l.deposit_date));
    PARAPHE_RETURN_IF_ERROR(RequireNotEnded(s, e.date));
    if (s.termination) {
      return RuleViolation("termination.duplicate",
                           "a termination was already notified by letter \"" +
                               s.termination->letter_id + "\" (Art. 7)");
    }
    Termination t;
    t.letter_id = l.id;
    t.requested_by = l.from_party;
    s.termination = std::move(t);
  } else {
    Dispute d;
    d.letter_id = l.id;
    d.opened_by = l.from_party;
    d.against = l.to_party;
    s.disputes.push_back(std::move(d));
  }
  s.letters.push_back(std::move(l));
  return Status::Ok();
}

Status ApplyLetterDelivered(ConventionState& s, const Event& e,
                            const EventContext& ctx) {
  const std::string id = e.Str("letter_id");
  Letter* l = FindMutableLetter(s, id);
  if (l == nullptr) {
    return RuleViolation("letter.unknown", "no letter \"" + id + "\"");
  }
  if (e.actor_party != l->from_party && e.actor_party != l->to_party) {
    return RuleViolation("letter.party_not_involved",
                         "party \"" + e.actor_party +
                             "\" neither sent nor received letter \"" + id +
                             "\"");
  }
  if (l->delivery) {
    return RuleViolation("letter.already_delivered",
                         "the delivery of letter \"" + id +
                             "\" was already recorded at seq " +
                             std::to_string(l->delivery->seq));
  }
  // The recipient's word on receipt binds the recipient; the sender's word
  // on it would set the recipient's deadlines on the sender's say-so, so the
  // sender must commit to the postal proof (docs/EVENTS.md).
  if (e.actor_party == l->from_party && !e.Has("proof_sha256")) {
    return RuleViolation("letter.delivery_proof_required",
                         "the sender \"" + e.actor_party +
                             "\" may attest the delivery of letter \"" + id +
                             "\" only with data.proof_sha256, the SHA-256 of "
                             "the postal proof (the signed return receipt, or "
                             "the returned letter when unclaimed or refused)");
  }
  PARAPHE_RETURN_IF_ERROR(
      RequireNotBefore(e, ctx, "LetterSent of letter \"" + id + "\"",
                       l->sent_seq, l->sent_date));
  Delivery d;
  d.first_presentation_date = e.DateField("first_presentation_date");
  d.outcome = e.Str("outcome");
  d.delivery_date = e.OptDate("delivery_date");
  d.recorded_date = e.date;
  d.seq = ctx.seq;
  d.attested_by = e.actor_party;
  d.proof_sha256 = e.Str("proof_sha256");
  if (d.first_presentation_date < l->deposit_date) {
    return DateOrder("first presentation " +
                     d.first_presentation_date.ToString() +
                     " is before the deposit " + l->deposit_date.ToString());
  }
  if (d.delivery_date && *d.delivery_date < d.first_presentation_date) {
    return DateOrder("delivery " + d.delivery_date->ToString() +
                     " is before the first presentation " +
                     d.first_presentation_date.ToString());
  }
  if (d.first_presentation_date > e.date ||
      (d.delivery_date && *d.delivery_date > e.date)) {
    return DateOrder("presentation and delivery dates must not be after the "
                     "event date " + e.date.ToString());
  }
  // Which date counts (policy); unclaimed or refused letters count from
  // their first presentation.
  if (d.delivery_date && s.letter_reference == "delivery") {
    d.reference_date = *d.delivery_date;
    d.reference_basis = "delivery";
  } else {
    d.reference_date = d.first_presentation_date;
    d.reference_basis = "first_presentation";
  }
  if (l->purpose == "dispute") {
    for (auto& dispute : s.disputes) {
      if (dispute.letter_id != id) continue;
      // Art. 6: the day of receipt does not count; 30 calendar days.
      const Date raw = d.reference_date.AddDays(s.dispute_amicable_days);
      dispute.amicable_end_raw = raw;
      dispute.amicable_end_extended = NextWorkingDay(raw);
      dispute.amicable_end =
          s.extend_to_working_day ? *dispute.amicable_end_extended : raw;
    }
  } else if (s.termination && s.termination->letter_id == id) {
    // Art. 7: months date to date, clamped to the month's end.
    const Date raw = d.reference_date.AddMonths(
        static_cast<int>(s.termination_notice_months));
    s.termination->effective_raw = raw;
    s.termination->effective_extended = NextWorkingDay(raw);
    s.termination->effective_date =
        s.extend_to_working_day ? *s.termination->effective_extended : raw;
  }
  l->delivery = std::move(d);
  return Status::Ok();
}

Status ApplySettlement(ConventionState& s, const Event& e,
                       const EventContext& ctx) {
  PARAPHE_ASSIGN_OR_RETURN(Dispute * d, DisputeOf(s, e));
  if (const Letter* l = FindLetter(s, d->letter_id)) {
    PARAPHE_RETURN_IF_ERROR(RequireNotBefore(
        e, ctx, "LetterSent of dispute letter \"" + l->id + "\"", l->sent_seq,
        l->sent_date));
  }
  if (e.Str("party") != e.actor_party) {
    return RuleViolation("signature.party_mismatch",
                         "actor \"" + e.actor_party +
                             "\" cannot settle on behalf of \"" +
                             e.Str("party") + "\"");
  }
  for (const auto& r : d->settlements) {
    if (r.party == e.actor_party) {
      return RuleViolation("settlement.duplicate",
                           "party \"" + r.party +
                               "\" already signed the settlement at seq " +
                               std::to_string(r.seq));
    }
  }
  const std::string hash = e.Str("settlement_sha256");
  if (!d->settlements.empty() && d->settlements.front().document_sha256 != hash) {
    return RuleViolation("settlement.document_mismatch",
                         "settlement document " + hash +
                             " differs from the one already signed, " +
                             d->settlements.front().document_sha256);
  }
  d->settlements.push_back(
      SignatureRecord{e.actor_party, "", hash, e.date, ctx.seq});
  auto signed_by = [&](const std::string& p) {
    return std::any_of(d->settlements.begin(), d->settlements.end(),
                       [&](const SignatureRecord& r) { return r.party == p; });
  };
  if (signed_by(d->opened_by) && signed_by(d->against)) {
    d->settled_date = e.date;
    d->settled_seq = ctx.seq;
  }
  return Status::Ok();
}

Status ApplyCourtReferral(ConventionState& s, const Event& e,
                          const EventContext& ctx) {
  PARAPHE_ASSIGN_OR_RETURN(Dispute * d, DisputeOf(s, e));
  if (d->court) {
    return RuleViolation("court.duplicate",
                         "the dispute was already referred to court at seq " +
                             std::to_string(d->court->seq));
  }
  if (d->settled_seq) {
    return RuleViolation("court.dispute_settled",
                         "the dispute was settled amicably at seq " +
                             std::to_string(*d->settled_seq));
  }
  if (!d->amicable_end) {
    return RuleViolation("court.letter_not_delivered",
                         "the delivery of dispute letter \"" + d->letter_id +
                             "\" is not recorded; the amicable period has not "
                             "started (Art. 6)");
  }
  if (const Letter* l = FindLetter(s, d->letter_id); l && l->delivery) {
    PARAPHE_RETURN_IF_ERROR(RequireNotBefore(
        e, ctx, "LetterDelivered of dispute letter \"" + l->id + "\"",
        l->delivery->seq, l->delivery->recorded_date));
  }
  if (e.date <= *d->amicable_end) {
    return RuleViolation("court.too_early",
                         "the amicable period runs until " +
                             d->amicable_end->ToString() +
                             " inclusive (Art. 6); court referral dated " +
                             e.date.ToString());
  }
  d->court = CourtReferralRecord{e.actor_party, e.Str("court"),
                                 e.Str("case_number"), e.date, ctx.seq};
  return Status::Ok();
}

}  // namespace paraphe::ledger::internal
