// ConventionState: everything known about one convention, as a pure function
// of its event log (see rules.h for how each event changes it), and its JSON
// rendering for the API and the CLI.
//
// The state holds facts only (who signed, what was ordered, which dates were
// computed and when). Time-dependent views (the phase, whether a termination
// is superseded by expiry) are computed at a given business date by Phase()
// and StateToJson(). Money is in integer cents, dates are Europe/Paris
// business dates, `seq` values are the ledger sequence numbers of the events
// that established each fact.
//
// Thread-safety: values; copy freely.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "ledger/domain/calendar.h"

namespace paraphe::ledger {

// Party id and role reserved for the ledger operator.
inline constexpr char kOperatorParty[] = "operator";
inline constexpr char kOperatorRole[] = "operator";

// Recording lag bound (terms.max_recording_lag_days, docs/EVENTS.md): the
// default when the registration does not set one, and the largest value a
// registration may set.
inline constexpr int64_t kDefaultMaxRecordingLagDays = 90;
inline constexpr int64_t kMaxMaxRecordingLagDays = 36500;

struct KeyEntry {
  std::string kid;         // RFC 7638 thumbprint, computed, never trusted
  std::string public_key;  // 32 raw bytes
  std::string party;
  std::vector<std::string> roles;
  uint64_t registered_seq = 0;
  std::optional<uint64_t> revoked_seq;
  std::string revocation_reason;
  friend bool operator==(const KeyEntry&, const KeyEntry&) = default;
};

struct PartyInfo {
  std::string id;
  std::string name;
  std::string siren;  // 9 digits
  friend bool operator==(const PartyInfo&, const PartyInfo&) = default;
};

struct Installment {
  int64_t amount_cents = 0;
  std::string trigger;  // "AttributionNotified" or "InForce"
  friend bool operator==(const Installment&, const Installment&) = default;
};

// A signature by one party (of the convention, an avenant or a settlement).
struct SignatureRecord {
  std::string party;
  std::string signatory;  // person's name; empty when not given
  std::string document_sha256;
  Date date;
  uint64_t seq = 0;
  friend bool operator==(const SignatureRecord&,
                         const SignatureRecord&) = default;
};

struct Attribution {
  std::string reference;
  std::string channel;
  std::string party;  // who recorded it (the funder)
  Date date;
  uint64_t seq = 0;
  friend bool operator==(const Attribution&, const Attribution&) = default;
};

// A payment order (mandat) and what happened to it.
struct Mandat {
  int64_t exercice = 0;
  std::string number;
  std::string bordereau;
  std::string payee;
  int64_t amount_cents = 0;
  uint64_t installment = 0;  // index into ConventionState::installments
  Date ordered_date;
  uint64_t ordered_seq = 0;
  bool suspended = false;
  std::string suspension_reason;
  std::optional<Date> suspended_date;
  std::optional<uint64_t> suspended_seq;
  bool executed = false;
  std::string bank_reference;
  std::optional<Date> executed_date;
  std::optional<uint64_t> executed_seq;
  friend bool operator==(const Mandat&, const Mandat&) = default;
};

struct Amendment {
  int64_t number = 0;
  std::string document_sha256;
  std::optional<Date> new_end_date;
  std::optional<int64_t> new_amount_cents;
  std::string proposed_by;  // party
  Date proposed_date;
  uint64_t proposed_seq = 0;
  std::vector<SignatureRecord> signatures;
  std::optional<Date> effective_date;  // date of the last party's signature
  std::optional<uint64_t> effective_seq;
  friend bool operator==(const Amendment&, const Amendment&) = default;
};

struct Delivery {
  Date first_presentation_date;
  std::string outcome;  // "delivered", "unclaimed", "refused"
  std::optional<Date> delivery_date;
  Date reference_date;  // the date deadlines count from (per policy)
  std::string reference_basis;  // "delivery" or "first_presentation"
  Date recorded_date;  // business date of the LetterDelivered event
  uint64_t seq = 0;
  std::string attested_by;   // party that recorded it: sender or recipient
  std::string proof_sha256;  // postal proof; empty when the recipient attests
  friend bool operator==(const Delivery&, const Delivery&) = default;
};

struct Letter {
  std::string id;
  std::string purpose;  // "dispute" or "termination"
  std::string from_party;
  std::string to_party;
  Date deposit_date;
  std::string tracking_number;
  std::string content_sha256;
  Date sent_date;  // business date of the LetterSent event
  uint64_t sent_seq = 0;
  std::optional<Delivery> delivery;
  friend bool operator==(const Letter&, const Letter&) = default;
};

struct CourtReferralRecord {
  std::string party;
  std::string court;
  std::string case_number;
  Date date;
  uint64_t seq = 0;
  friend bool operator==(const CourtReferralRecord&,
                         const CourtReferralRecord&) = default;
};

struct Dispute {
  std::string letter_id;
  std::string opened_by;  // the letter's sender
  std::string against;    // the letter's recipient
  // Amicable period end (reference + N calendar days), raw and moved to the
  // next working day; amicable_end is the one that applies (extended iff the
  // policy says so). Known once the letter's delivery is recorded.
  std::optional<Date> amicable_end_raw;
  std::optional<Date> amicable_end_extended;
  std::optional<Date> amicable_end;
  std::vector<SignatureRecord> settlements;  // one per party of the dispute
  std::optional<Date> settled_date;
  std::optional<uint64_t> settled_seq;
  std::optional<CourtReferralRecord> court;
  friend bool operator==(const Dispute&, const Dispute&) = default;
};

struct Termination {
  std::string letter_id;
  std::string requested_by;
  // Reference date + notice months (clamped), raw and moved to the next
  // working day; effective_date is the one that applies (policy).
  std::optional<Date> effective_raw;
  std::optional<Date> effective_extended;
  std::optional<Date> effective_date;
  friend bool operator==(const Termination&, const Termination&) = default;
};

struct CommitteeDecisionRecord {
  std::string minutes_sha256;
  std::string decisions;
  std::string party;
  Date date;
  uint64_t seq = 0;
  friend bool operator==(const CommitteeDecisionRecord&,
                         const CommitteeDecisionRecord&) = default;
};

// One applied event's dates: its business date, the Europe/Paris date it was
// recorded on and the difference (RecordingLagDays, calendar.h).
struct EventTiming {
  uint64_t seq = 0;
  std::string type;
  Date date;
  Date recorded_date;
  int64_t recording_lag_days = 0;
  friend bool operator==(const EventTiming&, const EventTiming&) = default;
};

struct ConventionState {
  uint64_t version = 0;  // number of events applied; 0 = stream empty

  // Registration.
  std::string id;
  std::string title;
  std::string document_sha256;
  std::string currency;
  std::string funder;  // party id that pays
  Date registered_date;
  uint64_t registered_seq = 0;
  std::vector<PartyInfo> parties;

  // Terms (current values; amendments change amount, installments, end).
  int64_t original_amount_cents = 0;
  int64_t amount_cents = 0;
  std::vector<Installment> installments;
  Date original_end_date;
  Date end_date;  // last day in force (ends at 24:00 Europe/Paris)
  int64_t dispute_amicable_days = 30;
  int64_t termination_notice_months = 6;
  bool extend_to_working_day = false;
  std::string letter_reference = "delivery";  // or "first_presentation"
  int64_t max_recording_lag_days = kDefaultMaxRecordingLagDays;

  // Signatures and entry into force.
  std::vector<SignatureRecord> signatures;
  std::optional<Date> effective_date;  // date of the last party signature
  std::optional<uint64_t> effective_seq;

  std::optional<Attribution> attribution;
  std::vector<Mandat> mandats;
  std::vector<CommitteeDecisionRecord> committee_decisions;
  std::vector<Amendment> amendments;
  std::vector<Letter> letters;
  std::vector<Dispute> disputes;
  std::optional<Termination> termination;

  std::map<std::string, KeyEntry> keys;  // by kid
  std::vector<uint64_t> late_recorded;   // seqs dated before an earlier event
  std::optional<Date> last_event_date;   // latest business date seen
  std::vector<EventTiming> timeline;     // every applied event, in seq order

  friend bool operator==(const ConventionState&,
                         const ConventionState&) = default;
};

// Lookups; nullptr when absent. Pointers are into `s`.
const PartyInfo* FindParty(const ConventionState& s, std::string_view id);
const Mandat* FindMandat(const ConventionState& s, int64_t exercice,
                         std::string_view number);
const Amendment* FindAmendment(const ConventionState& s, int64_t number);
const Letter* FindLetter(const ConventionState& s, std::string_view id);
const Dispute* FindDispute(const ConventionState& s,
                           std::string_view letter_id);
// The timing of the event applied at `seq` (binary search of the timeline).
const EventTiming* FindEventTiming(const ConventionState& s, uint64_t seq);

// Money views. Ordered counts unsuspended mandats (executed or not).
int64_t OrderedCents(const ConventionState& s);
int64_t PaidCents(const ConventionState& s);
// Installments whose trigger has occurred, on or before `at`.
int64_t DueCents(const ConventionState& s, Date at);

// True if the termination's effective date falls after the term's end, so
// that expiry comes first.
bool TerminationSupersededByExpiry(const ConventionState& s);

// "unregistered" (version 0), "draft", "partially_signed", "in_force",
// "terminating" (a termination letter is pending and not superseded),
// "terminated" (at >= effective termination date), "expired" (at > end).
std::string Phase(const ConventionState& s, Date at);

// The whole state as JSON. Time-dependent fields (phase, payment status,
// dispute status) are evaluated at `as_of`, or at the latest event date when
// absent (the registration date for a fresh convention).
boost::json::value StateToJson(const ConventionState& s,
                               std::optional<Date> as_of = std::nullopt);

}  // namespace paraphe::ledger
