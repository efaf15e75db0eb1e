// The typed content of a ConventionRegistered event's `data`: parties with
// their keys, the document hash, the amount and its installments, the term
// and the deadline policy. docs/EVENTS.md specifies the JSON.
//
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "crypto/status.h"
#include "ledger/domain/calendar.h"
#include "ledger/domain/state.h"

namespace paraphe::ledger {

struct RegisteredKey {
  std::string public_key;  // 32 raw bytes
  std::vector<std::string> roles;
};

struct RegisteredParty {
  PartyInfo info;
  std::vector<RegisteredKey> keys;
};

struct Registration {
  std::string title;
  std::string document_sha256;
  std::string currency;  // "EUR"
  int64_t amount_cents = 0;
  std::vector<RegisteredParty> parties;
  std::string funder;
  Date end_date;
  std::vector<Installment> installments;
  int64_t dispute_amicable_days = 30;
  int64_t termination_notice_months = 6;
  bool extend_to_working_day = false;
  std::string letter_reference = "delivery";
  int64_t max_recording_lag_days = kDefaultMaxRecordingLagDays;
};

// Validates and converts `data` of a ConventionRegistered event.
// kInvalidArgument naming the field ("data.parties[1].siren: ...") when a
// field is missing, unknown or malformed, when party ids repeat or use the
// reserved id "operator", when the funder is not a party, or when the
// installments do not sum to amount_cents.
Result<Registration> ParseRegistration(const boost::json::object& data);

}  // namespace paraphe::ledger
