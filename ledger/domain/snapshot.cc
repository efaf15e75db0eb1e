#include "ledger/domain/snapshot.h"

#include <sstream>
#include <stdexcept>

#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/map.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "crypto/sha256.h"

CEREAL_CLASS_VERSION(paraphe::ledger::Date, 1)
CEREAL_CLASS_VERSION(paraphe::ledger::KeyEntry, 1)
CEREAL_CLASS_VERSION(paraphe::ledger::PartyInfo, 1)
CEREAL_CLASS_VERSION(paraphe::ledger::Installment, 1)
CEREAL_CLASS_VERSION(paraphe::ledger::SignatureRecord, 1)
CEREAL_CLASS_VERSION(paraphe::ledger::Attribution, 1)
CEREAL_CLASS_VERSION(paraphe::ledger::Mandat, 1)
CEREAL_CLASS_VERSION(paraphe::ledger::Amendment, 1)
CEREAL_CLASS_VERSION(paraphe::ledger::Delivery, 2)
CEREAL_CLASS_VERSION(paraphe::ledger::Letter, 1)
CEREAL_CLASS_VERSION(paraphe::ledger::CourtReferralRecord, 1)
CEREAL_CLASS_VERSION(paraphe::ledger::Dispute, 1)
CEREAL_CLASS_VERSION(paraphe::ledger::Termination, 1)
CEREAL_CLASS_VERSION(paraphe::ledger::CommitteeDecisionRecord, 1)
CEREAL_CLASS_VERSION(paraphe::ledger::EventTiming, 1)
CEREAL_CLASS_VERSION(paraphe::ledger::ConventionState, 2)


namespace paraphe::ledger {

// Field order is the format: append new fields at the end and bump the
// class version, reading them only when version >= the new one.
template <class A>
void serialize(A& ar, KeyEntry& k, std::uint32_t) {
  ar(k.kid, k.public_key, k.party, k.roles, k.registered_seq, k.revoked_seq,
     k.revocation_reason);
}
template <class A>
void serialize(A& ar, PartyInfo& p, std::uint32_t) {
  ar(p.id, p.name, p.siren);
}
template <class A>
void serialize(A& ar, Installment& i, std::uint32_t) {
  ar(i.amount_cents, i.trigger);
}
template <class A>
void serialize(A& ar, SignatureRecord& r, std::uint32_t) {
  ar(r.party, r.signatory, r.document_sha256, r.date, r.seq);
}
template <class A>
void serialize(A& ar, Attribution& a, std::uint32_t) {
  ar(a.reference, a.channel, a.party, a.date, a.seq);
}
template <class A>
void serialize(A& ar, Mandat& m, std::uint32_t) {
  ar(m.exercice, m.number, m.bordereau, m.payee, m.amount_cents, m.installment,
     m.ordered_date, m.ordered_seq, m.suspended, m.suspension_reason,
     m.suspended_date, m.suspended_seq, m.executed, m.bank_reference,
     m.executed_date, m.executed_seq);
}
template <class A>
void serialize(A& ar, Amendment& a, std::uint32_t) {
  ar(a.number, a.document_sha256, a.new_end_date, a.new_amount_cents,
     a.proposed_by, a.proposed_date, a.proposed_seq, a.signatures,
     a.effective_date, a.effective_seq);
}
template <class A>
void serialize(A& ar, Delivery& d, std::uint32_t) {
  ar(d.first_presentation_date, d.outcome, d.delivery_date, d.reference_date,
     d.reference_basis, d.recorded_date, d.seq, d.attested_by,
     d.proof_sha256);
}
template <class A>
void serialize(A& ar, Letter& l, std::uint32_t) {
  ar(l.id, l.purpose, l.from_party, l.to_party, l.deposit_date,
     l.tracking_number, l.content_sha256, l.sent_date, l.sent_seq, l.delivery);
}
template <class A>
void serialize(A& ar, CourtReferralRecord& c, std::uint32_t) {
  ar(c.party, c.court, c.case_number, c.date, c.seq);
}
template <class A>
void serialize(A& ar, Dispute& d, std::uint32_t) {
  ar(d.letter_id, d.opened_by, d.against, d.amicable_end_raw,
     d.amicable_end_extended, d.amicable_end, d.settlements, d.settled_date,
     d.settled_seq, d.court);
}
template <class A>
void serialize(A& ar, Termination& t, std::uint32_t) {
  ar(t.letter_id, t.requested_by, t.effective_raw, t.effective_extended,
     t.effective_date);
}
template <class A>
void serialize(A& ar, CommitteeDecisionRecord& c, std::uint32_t) {
  ar(c.minutes_sha256, c.decisions, c.party, c.date, c.seq);
}
template <class A>
void serialize(A& ar, EventTiming& t, std::uint32_t) {
  ar(t.seq, t.type, t.date, t.recorded_date, t.recording_lag_days);
}
// Version 2 added the recording lag bound, the timeline and who attested a
// delivery. A version 1 snapshot cannot be completed without the log, so it
// is refused (kDataLoss) and the reader replays from the start: a snapshot is
// only a cache.
template <class A>
void serialize(A& ar, ConventionState& s, std::uint32_t version) {
  if (version < 2) {
    throw std::runtime_error("snapshot format version " +
                             std::to_string(version) +
                             " predates version 2; replay the log instead");
  }
  ar(s.version, s.id, s.title, s.document_sha256, s.currency, s.funder,
     s.registered_date, s.registered_seq, s.parties);
  ar(s.original_amount_cents, s.amount_cents, s.installments,
     s.original_end_date, s.end_date, s.dispute_amicable_days,
     s.termination_notice_months, s.extend_to_working_day, s.letter_reference);
  ar(s.signatures, s.effective_date, s.effective_seq, s.attribution, s.mandats,
     s.committee_decisions, s.amendments, s.letters, s.disputes,
     s.termination, s.keys, s.late_recorded, s.last_event_date);
  ar(s.max_recording_lag_days, s.timeline);
}

namespace {
constexpr std::string_view kMagic = "PRPHSNP1";
constexpr size_t kHashSize = 32;
}  // namespace

std::string EncodeSnapshot(const ConventionState& s) {
  std::ostringstream os(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive ar(os);
    ConventionState copy = s;  // cereal's serialize takes non-const refs
    ar(copy);
  }
  std::string payload = os.str();
  crypto::Hash h = crypto::Sha256(payload);
  std::string out(kMagic);
  out += payload;
  out += crypto::HashBytes(h);
  return out;
}

Result<ConventionState> DecodeSnapshot(std::string_view bytes) {
  if (bytes.size() < kMagic.size() + kHashSize ||
      bytes.substr(0, kMagic.size()) != kMagic) {
    return DataLoss("not a Paraphe convention snapshot (bad magic or size)");
  }
  std::string_view payload = bytes.substr(
      kMagic.size(), bytes.size() - kMagic.size() - kHashSize);
  std::string_view sum = bytes.substr(bytes.size() - kHashSize);
  if (crypto::HashBytes(crypto::Sha256(payload)) != sum) {
    return DataLoss("snapshot checksum mismatch");
  }
  ConventionState s;
  try {
    std::istringstream is(std::string(payload), std::ios::binary);
    cereal::PortableBinaryInputArchive ar(is);
    ar(s);
    if (is.peek() != std::char_traits<char>::eof()) {
      return DataLoss("snapshot has trailing bytes");
    }
  } catch (const std::exception& ex) {
    return DataLoss(std::string("snapshot archive is corrupt: ") + ex.what());
  }
  return s;
}

}  // namespace paraphe::ledger

