#include "ledger/domain/event.h"

#include <array>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "ledger/domain/internal/json_fields.h"
#include "ledger/domain/internal/json_strict.h"
#include "ledger/domain/registration.h"

namespace paraphe::ledger {
namespace json = boost::json;
using namespace internal;  // NOLINT: field readers

namespace {

constexpr std::array<std::pair<EventType, std::string_view>, 18> kTypeNames = {{
    {EventType::kConventionRegistered, "ConventionRegistered"},
    {EventType::kKeyRegistered, "KeyRegistered"},
    {EventType::kKeyRevoked, "KeyRevoked"},
    {EventType::kPartySigned, "PartySigned"},
    {EventType::kAttributionNotified, "AttributionNotified"},
    {EventType::kPaymentOrdered, "PaymentOrdered"},
    {EventType::kPaymentExecuted, "PaymentExecuted"},
    {EventType::kPaymentSuspended, "PaymentSuspended"},
    {EventType::kCommitteeDecision, "CommitteeDecision"},
    {EventType::kAmendmentProposed, "AmendmentProposed"},
    {EventType::kAmendmentSigned, "AmendmentSigned"},
    {EventType::kLetterSent, "LetterSent"},
    {EventType::kLetterDelivered, "LetterDelivered"},
    {EventType::kSettlementReached, "SettlementReached"},
    {EventType::kCourtReferral, "CourtReferral"},
    {EventType::kLedgerGenesis, "LedgerGenesis"},
    {EventType::kOperatorKeyRegistered, "OperatorKeyRegistered"},
    {EventType::kOperatorKeyRevoked, "OperatorKeyRevoked"},
}};

constexpr size_t kMaxGenesisOperatorKeys = 16;

// Fields a CommitteeDecision may carry only to be rejected by the rules
// (committee.cannot_amend): Art. 3 gives the committee no power to amend.
constexpr std::array<std::string_view, 7> kAmendingFields = {
    "amount_cents", "end_date", "changes",        "clauses",
    "terms",        "installments", "document_sha256"};

constexpr int64_t kMaxAmendmentNumber = 1'000'000;

Status ValidateData(EventType t, const json::object& d) {
  const std::string_view p = "data";
  switch (t) {
    case EventType::kConventionRegistered:
      return ParseRegistration(d).status();
    case EventType::kKeyRegistered:
      PARAPHE_RETURN_IF_ERROR(CheckNoUnknown(d, p, {"party", "public_key", "roles"}));
      PARAPHE_RETURN_IF_ERROR(GetId(d, p, "party").status());
      PARAPHE_RETURN_IF_ERROR(GetPublicKey(d, p, "public_key").status());
      return GetRoles(d, p, "roles").status();
    case EventType::kKeyRevoked:
      PARAPHE_RETURN_IF_ERROR(CheckNoUnknown(d, p, {"kid", "reason"}));
      PARAPHE_RETURN_IF_ERROR(GetKid(d, p, "kid").status());
      if (d.contains("reason")) {
        return GetSingleLineText(d, p, "reason").status();
      }
      return Status::Ok();
    case EventType::kPartySigned:
      PARAPHE_RETURN_IF_ERROR(
          CheckNoUnknown(d, p, {"party", "signatory", "document_sha256"}));
      PARAPHE_RETURN_IF_ERROR(GetId(d, p, "party").status());
      PARAPHE_RETURN_IF_ERROR(GetSingleLineText(d, p, "signatory").status());
      return GetHash(d, p, "document_sha256").status();
    case EventType::kAttributionNotified:
      PARAPHE_RETURN_IF_ERROR(CheckNoUnknown(d, p, {"reference", "channel"}));
      PARAPHE_RETURN_IF_ERROR(GetSingleLineText(d, p, "reference").status());
      return GetSingleLineText(d, p, "channel").status();
    case EventType::kPaymentOrdered:
      PARAPHE_RETURN_IF_ERROR(CheckNoUnknown(
          d, p, {"exercice", "mandat", "bordereau", "amount_cents", "payee"}));
      PARAPHE_RETURN_IF_ERROR(GetInt(d, p, "exercice", 1000, 9999).status());
      PARAPHE_RETURN_IF_ERROR(GetReference(d, p, "mandat").status());
      PARAPHE_RETURN_IF_ERROR(GetReference(d, p, "bordereau").status());
      PARAPHE_RETURN_IF_ERROR(GetAmount(d, p, "amount_cents").status());
      return GetId(d, p, "payee").status();
    case EventType::kPaymentExecuted:
      PARAPHE_RETURN_IF_ERROR(CheckNoUnknown(
          d, p, {"exercice", "mandat", "amount_cents", "bank_reference"}));
      PARAPHE_RETURN_IF_ERROR(GetInt(d, p, "exercice", 1000, 9999).status());
      PARAPHE_RETURN_IF_ERROR(GetReference(d, p, "mandat").status());
      PARAPHE_RETURN_IF_ERROR(GetAmount(d, p, "amount_cents").status());
      return GetReference(d, p, "bank_reference").status();
    case EventType::kPaymentSuspended:
      PARAPHE_RETURN_IF_ERROR(CheckNoUnknown(d, p, {"exercice", "mandat", "reason"}));
      PARAPHE_RETURN_IF_ERROR(GetInt(d, p, "exercice", 1000, 9999).status());
      PARAPHE_RETURN_IF_ERROR(GetReference(d, p, "mandat").status());
      return GetSingleLineText(d, p, "reason").status();
    case EventType::kCommitteeDecision:
      for (const auto& kv : d) {
        std::string_view k = kv.key();
        bool known = k == "minutes_sha256" || k == "decisions";
        for (auto a : kAmendingFields) known |= k == a;
        if (!known) return FieldError(p, k, "unknown field");
      }
      PARAPHE_RETURN_IF_ERROR(GetHash(d, p, "minutes_sha256").status());
      return GetMultiLineText(d, p, "decisions").status();
    case EventType::kAmendmentProposed: {
      PARAPHE_RETURN_IF_ERROR(
          CheckNoUnknown(d, p, {"number", "document_sha256", "changes"}));
      PARAPHE_RETURN_IF_ERROR(GetInt(d, p, "number", 1, kMaxAmendmentNumber).status());
      PARAPHE_RETURN_IF_ERROR(GetHash(d, p, "document_sha256").status());
      PARAPHE_ASSIGN_OR_RETURN(const json::object* ch, GetObject(d, p, "changes"));
      const std::string cp = "data.changes";
      PARAPHE_RETURN_IF_ERROR(CheckNoUnknown(*ch, cp, {"end_date", "amount_cents"}));
      if (ch->empty()) {
        return FieldError(p, "changes",
                          "must change end_date and/or amount_cents");
      }
      if (ch->contains("end_date")) {
        PARAPHE_RETURN_IF_ERROR(GetDate(*ch, cp, "end_date").status());
      }
      if (ch->contains("amount_cents")) {
        PARAPHE_RETURN_IF_ERROR(GetAmount(*ch, cp, "amount_cents").status());
      }
      return Status::Ok();
    }
    case EventType::kAmendmentSigned:
      PARAPHE_RETURN_IF_ERROR(
          CheckNoUnknown(d, p, {"number", "party", "document_sha256"}));
      PARAPHE_RETURN_IF_ERROR(GetInt(d, p, "number", 1, kMaxAmendmentNumber).status());
      PARAPHE_RETURN_IF_ERROR(GetId(d, p, "party").status());
      return GetHash(d, p, "document_sha256").status();
    case EventType::kLetterSent:
      PARAPHE_RETURN_IF_ERROR(CheckNoUnknown(
          d, p,
          {"letter_id", "purpose", "from_party", "to_party", "deposit_date",
           "tracking_number", "content_sha256"}));
      PARAPHE_RETURN_IF_ERROR(GetReference(d, p, "letter_id").status());
      PARAPHE_RETURN_IF_ERROR(
          GetEnum(d, p, "purpose", {"dispute", "termination"}).status());
      PARAPHE_RETURN_IF_ERROR(GetId(d, p, "from_party").status());
      PARAPHE_RETURN_IF_ERROR(GetId(d, p, "to_party").status());
      PARAPHE_RETURN_IF_ERROR(GetDate(d, p, "deposit_date").status());
      PARAPHE_RETURN_IF_ERROR(GetReference(d, p, "tracking_number").status());
      return GetHash(d, p, "content_sha256").status();
    case EventType::kLetterDelivered: {
      PARAPHE_RETURN_IF_ERROR(CheckNoUnknown(
          d, p,
          {"letter_id", "first_presentation_date", "outcome", "delivery_date",
           "proof_sha256"}));
      PARAPHE_RETURN_IF_ERROR(GetReference(d, p, "letter_id").status());
      if (d.contains("proof_sha256")) {
        PARAPHE_RETURN_IF_ERROR(GetHash(d, p, "proof_sha256").status());
      }
      PARAPHE_RETURN_IF_ERROR(GetDate(d, p, "first_presentation_date").status());
      PARAPHE_ASSIGN_OR_RETURN(
          std::string outcome,
          GetEnum(d, p, "outcome", {"delivered", "unclaimed", "refused"}));
      if (outcome == "delivered") {
        return GetDate(d, p, "delivery_date").status();
      }
      if (d.contains("delivery_date")) {
        return FieldError(p, "delivery_date",
                          "must be absent when outcome is \"" + outcome + "\"");
      }
      return Status::Ok();
    }
    case EventType::kSettlementReached:
      PARAPHE_RETURN_IF_ERROR(
          CheckNoUnknown(d, p, {"letter_id", "party", "settlement_sha256"}));
      PARAPHE_RETURN_IF_ERROR(GetReference(d, p, "letter_id").status());
      PARAPHE_RETURN_IF_ERROR(GetId(d, p, "party").status());
      return GetHash(d, p, "settlement_sha256").status();
    case EventType::kCourtReferral:
      PARAPHE_RETURN_IF_ERROR(
          CheckNoUnknown(d, p, {"letter_id", "court", "case_number"}));
      PARAPHE_RETURN_IF_ERROR(GetReference(d, p, "letter_id").status());
      PARAPHE_RETURN_IF_ERROR(GetSingleLineText(d, p, "court").status());
      return GetSingleLineText(d, p, "case_number").status();
    case EventType::kLedgerGenesis: {
      PARAPHE_RETURN_IF_ERROR(
          CheckNoUnknown(d, p, {"origin", "verifier_key", "operator_keys"}));
      PARAPHE_RETURN_IF_ERROR(GetSingleLineText(d, p, "origin").status());
      PARAPHE_RETURN_IF_ERROR(GetSingleLineText(d, p, "verifier_key").status());
      PARAPHE_ASSIGN_OR_RETURN(const json::array* keys, GetArray(d, p, "operator_keys"));
      if (keys->empty() || keys->size() > kMaxGenesisOperatorKeys) {
        return FieldError(p, "operator_keys",
                          "must list 1 to " + std::to_string(kMaxGenesisOperatorKeys) +
                              " public keys");
      }
      for (size_t i = 0; i < keys->size(); ++i) {
        const std::string name = "operator_keys[" + std::to_string(i) + "]";
        json::object wrap{{name, (*keys)[i]}};
        PARAPHE_RETURN_IF_ERROR(GetPublicKey(wrap, p, name).status());
      }
      return Status::Ok();
    }
    case EventType::kOperatorKeyRegistered:
      PARAPHE_RETURN_IF_ERROR(CheckNoUnknown(d, p, {"public_key", "holder"}));
      PARAPHE_RETURN_IF_ERROR(GetPublicKey(d, p, "public_key").status());
      return GetSingleLineText(d, p, "holder").status();
    case EventType::kOperatorKeyRevoked:
      PARAPHE_RETURN_IF_ERROR(CheckNoUnknown(d, p, {"kid", "reason"}));
      PARAPHE_RETURN_IF_ERROR(GetKid(d, p, "kid").status());
      return GetSingleLineText(d, p, "reason").status();
  }
  return Internal("unhandled event type");
}

}  // namespace

std::string_view EventTypeName(EventType t) {
  for (const auto& [k, name] : kTypeNames) {
    if (k == t) return name;
  }
  return "?";
}

std::optional<EventType> EventTypeFromName(std::string_view name) {
  for (const auto& [k, n] : kTypeNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

bool IsLedgerEventType(EventType t) {
  return t == EventType::kLedgerGenesis || t == EventType::kOperatorKeyRegistered ||
         t == EventType::kOperatorKeyRevoked;
}

bool IsPartyRole(std::string_view r) {
  return r == "signatory" || r == "finance" || r == "clerk" ||
         r == "committee";
}

bool Event::Has(std::string_view key) const { return data.contains(key); }

std::string Event::Str(std::string_view key) const {
  const json::value* v = data.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

int64_t Event::Int(std::string_view key) const {
  const json::value* v = data.if_contains(key);
  return v && v->is_int64() ? v->get_int64() : 0;
}

Date Event::DateField(std::string_view key) const {
  return OptDate(key).value_or(Date());
}

std::optional<Date> Event::OptDate(std::string_view key) const {
  const json::value* v = data.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  auto d = Date::Parse(v->get_string());
  if (!d.ok()) return std::nullopt;
  return *d;
}

Result<Event> ParseEvent(std::string_view payload) {
  boost::system::error_code ec;
  json::value root = json::parse(payload, ec);
  if (ec) return InvalidArgument("event is not valid JSON: " + ec.message());
  if (!root.is_object()) return InvalidArgument("event must be a JSON object");
  PARAPHE_RETURN_IF_ERROR(CheckNoDuplicateKeys(payload));
  const json::object& o = root.get_object();
  PARAPHE_RETURN_IF_ERROR(CheckNoUnknown(
      o, "",
      {"type", "convention", "expected_version", "date", "actor", "data"}));
  Event e;
  const json::value* type = o.if_contains("type");
  if (type == nullptr) return FieldError("", "type", "required field missing");
  if (!type->is_string()) return FieldError("", "type", "must be a string");
  auto kind = EventTypeFromName(type->get_string());
  if (!kind) {
    return FieldError("", "type",
                      "unknown event type \"" +
                          EscapeForMessage(type->get_string().subview(0, 64)) +
                          "\"");
  }
  e.kind = *kind;
  e.type = std::string(EventTypeName(*kind));
  // The ledger's events name the reserved stream, every other event a
  // convention id.
  if (IsLedgerEventType(e.kind)) {
    const json::value* c = o.if_contains("convention");
    if (c == nullptr || !c->is_string() || c->get_string() != kLedgerStream) {
      return FieldError("", "convention",
                        e.type + " belongs to the ledger stream: must be \"" +
                            std::string(kLedgerStream) + "\"");
    }
    e.convention = kLedgerStream;
  } else {
    PARAPHE_ASSIGN_OR_RETURN(e.convention, GetId(o, "", "convention"));
  }
  PARAPHE_ASSIGN_OR_RETURN(int64_t ev,
                           GetInt(o, "", "expected_version", 0, INT64_MAX));
  e.expected_version = static_cast<uint64_t>(ev);
  PARAPHE_ASSIGN_OR_RETURN(e.date, GetDate(o, "", "date"));
  PARAPHE_ASSIGN_OR_RETURN(const json::object* actor, GetObject(o, "", "actor"));
  PARAPHE_RETURN_IF_ERROR(CheckNoUnknown(*actor, "actor", {"party", "role"}));
  PARAPHE_ASSIGN_OR_RETURN(e.actor_party, GetId(*actor, "actor", "party"));
  PARAPHE_ASSIGN_OR_RETURN(
      e.actor_role,
      GetEnum(*actor, "actor", "role",
              {"operator", "signatory", "finance", "clerk", "committee"}));
  PARAPHE_ASSIGN_OR_RETURN(const json::object* data, GetObject(o, "", "data"));
  PARAPHE_RETURN_IF_ERROR(ValidateData(e.kind, *data));
  e.data = *data;
  return e;
}

std::string EventToJson(const Event& e) {
  json::object o;
  o["type"] = e.type;
  o["convention"] = e.convention;
  o["expected_version"] = e.expected_version;
  o["date"] = e.date.ToString();
  o["actor"] = json::object{{"party", e.actor_party}, {"role", e.actor_role}};
  o["data"] = e.data;
  return json::serialize(o);
}

}  // namespace paraphe::ledger
