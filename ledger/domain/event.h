// Event: the JSON payload a party signs (inside a JWS) to act on a
// convention, and its strict parser.
//
// Envelope (every member required, no other member allowed):
//   {"type", "convention", "expected_version", "date" (YYYY-MM-DD, Europe/
//    Paris business date), "actor": {"party", "role"}, "data": {...}}
// docs/EVENTS.md specifies each type's `data`. ParseEvent checks shapes and
// formats only (types, required and unknown fields, hashes, amounts, dates,
// enumerations, internal consistency of a registration); whether the event is
// allowed against the convention's state is rules.h's job.
//
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "crypto/status.h"
#include "ledger/domain/calendar.h"

namespace paraphe::ledger {

enum class EventType {
  kConventionRegistered,
  kKeyRegistered,
  kKeyRevoked,
  kPartySigned,
  kAttributionNotified,
  kPaymentOrdered,
  kPaymentExecuted,
  kPaymentSuspended,
  kCommitteeDecision,
  kAmendmentProposed,
  kAmendmentSigned,
  kLetterSent,
  kLetterDelivered,
  kSettlementReached,
  kCourtReferral,
  // The ledger's own stream (kLedgerStream): trust roots, signed by
  // operator keys (docs/EVENTS.md "The ledger stream").
  kLedgerGenesis,
  kOperatorKeyRegistered,
  kOperatorKeyRevoked,
};

// The reserved stream of the ledger's own events (genesis, operator keys).
// Not a valid convention id (ids start with a letter or digit), so no
// convention can collide with it.
inline constexpr char kLedgerStream[] = "_ledger";
// True for the event types of the ledger stream.
bool IsLedgerEventType(EventType t);

std::string_view EventTypeName(EventType t);
std::optional<EventType> EventTypeFromName(std::string_view name);

// Roles a party key may hold (the operator role belongs to ledger-level
// operator keys only).
bool IsPartyRole(std::string_view role);

struct Event {
  std::string type;
  EventType kind = EventType::kConventionRegistered;
  std::string convention;
  uint64_t expected_version = 0;
  Date date;
  std::string actor_party;
  std::string actor_role;
  boost::json::object data;

  // Typed reads of `data`, valid for events returned by ParseEvent (which
  // checked the field's presence and format). Absent fields read as empty /
  // 0 / nullopt.
  bool Has(std::string_view key) const;
  std::string Str(std::string_view key) const;
  int64_t Int(std::string_view key) const;
  Date DateField(std::string_view key) const;
  std::optional<Date> OptDate(std::string_view key) const;
};

// Strict parse. kInvalidArgument with a message naming the offending field
// as a path ("data.terms.installments[0].amount_cents: ...") for: invalid
// JSON, a non-object, a missing, unknown or mistyped member, an unknown type
// or role, a hash that is not 64 lowercase hex digits, an amount that is not
// a non-negative integer within int64, a malformed or impossible date, a
// public key that is not base64url of 32 bytes, a registration whose
// installments do not sum to amount_cents or whose funder is not a party.
Result<Event> ParseEvent(std::string_view payload_json);

// Canonical JSON of an event (members in envelope order); ParseEvent of the
// result gives back an equal event.
std::string EventToJson(const Event& e);

}  // namespace paraphe::ledger
