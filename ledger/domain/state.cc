#include "ledger/domain/state.h"

#include <algorithm>

namespace paraphe::ledger {

const PartyInfo* FindParty(const ConventionState& s, std::string_view id) {
  for (const auto& p : s.parties) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

const Mandat* FindMandat(const ConventionState& s, int64_t exercice,
                         std::string_view number) {
  for (const auto& m : s.mandats) {
    if (m.exercice == exercice && m.number == number) return &m;
  }
  return nullptr;
}

const Amendment* FindAmendment(const ConventionState& s, int64_t number) {
  for (const auto& a : s.amendments) {
    if (a.number == number) return &a;
  }
  return nullptr;
}

const Letter* FindLetter(const ConventionState& s, std::string_view id) {
  for (const auto& l : s.letters) {
    if (l.id == id) return &l;
  }
  return nullptr;
}

const Dispute* FindDispute(const ConventionState& s,
                           std::string_view letter_id) {
  for (const auto& d : s.disputes) {
    if (d.letter_id == letter_id) return &d;
  }
  return nullptr;
}

const EventTiming* FindEventTiming(const ConventionState& s, uint64_t seq) {
  auto it = std::lower_bound(
      s.timeline.begin(), s.timeline.end(), seq,
      [](const EventTiming& t, uint64_t q) { return t.seq < q; });
  return it != s.timeline.end() && it->seq == seq ? &*it : nullptr;
}

int64_t OrderedCents(const ConventionState& s) {
  int64_t sum = 0;
  for (const auto& m : s.mandats) {
    if (!m.suspended) sum += m.amount_cents;
  }
  return sum;
}

int64_t PaidCents(const ConventionState& s) {
  int64_t sum = 0;
  for (const auto& m : s.mandats) {
    if (m.executed) sum += m.amount_cents;
  }
  return sum;
}

int64_t DueCents(const ConventionState& s, Date at) {
  const bool in_force = s.effective_date && *s.effective_date <= at;
  if (!in_force) return 0;
  const bool notified = s.attribution && s.attribution->date <= at;
  int64_t sum = 0;
  for (const auto& i : s.installments) {
    if (i.trigger == "InForce" || notified) sum += i.amount_cents;
  }
  return sum;
}

bool TerminationSupersededByExpiry(const ConventionState& s) {
  return s.termination && s.termination->effective_date &&
         *s.termination->effective_date > s.end_date;
}

std::string Phase(const ConventionState& s, Date at) {
  if (s.version == 0) return "unregistered";
  if (s.termination && s.termination->effective_date &&
      !TerminationSupersededByExpiry(s) &&
      at >= *s.termination->effective_date) {
    return "terminated";
  }
  if (at > s.end_date) return "expired";
  if (!s.effective_date) return s.signatures.empty() ? "draft" : "partially_signed";
  if (s.termination) return "terminating";
  return "in_force";
}

}  // namespace paraphe::ledger
