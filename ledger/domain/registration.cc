#include "ledger/domain/registration.h"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "ledger/domain/internal/json_fields.h"

namespace paraphe::ledger {
namespace json = boost::json;
using namespace internal;  // NOLINT: field readers

namespace {

std::string Indexed(std::string_view path, std::string_view key, size_t i) {
  return FieldPath(path, key) + "[" + std::to_string(i) + "]";
}

Result<RegisteredParty> ParseParty(const json::value& v,
                                   const std::string& path) {
  if (!v.is_object()) return InvalidArgument("field \"" + path + "\": must be an object");
  const json::object& o = v.get_object();
  PARAPHE_RETURN_IF_ERROR(CheckNoUnknown(o, path, {"id", "name", "siren", "keys"}));
  RegisteredParty p;
  PARAPHE_ASSIGN_OR_RETURN(p.info.id, GetId(o, path, "id"));
  if (p.info.id == kOperatorParty) {
    return FieldError(path, "id", "\"operator\" is reserved for the ledger operator");
  }
  PARAPHE_ASSIGN_OR_RETURN(p.info.name, GetSingleLineText(o, path, "name"));
  PARAPHE_ASSIGN_OR_RETURN(p.info.siren, GetSingleLineText(o, path, "siren"));
  if (p.info.siren.size() != 9 ||
      p.info.siren.find_first_not_of("0123456789") != std::string::npos) {
    return FieldError(path, "siren", "must be exactly 9 digits");
  }
  PARAPHE_ASSIGN_OR_RETURN(const json::array* keys, GetArray(o, path, "keys"));
  for (size_t i = 0; i < keys->size(); ++i) {
    const std::string kp = Indexed(path, "keys", i);
    if (!(*keys)[i].is_object()) {
      return InvalidArgument("field \"" + kp + "\": must be an object");
    }
    const json::object& ko = (*keys)[i].get_object();
    PARAPHE_RETURN_IF_ERROR(CheckNoUnknown(ko, kp, {"public_key", "roles"}));
    RegisteredKey k;
    PARAPHE_ASSIGN_OR_RETURN(k.public_key, GetPublicKey(ko, kp, "public_key"));
    PARAPHE_ASSIGN_OR_RETURN(k.roles, GetRoles(ko, kp, "roles"));
    p.keys.push_back(std::move(k));
  }
  return p;
}

Status ParseTerms(const json::object& o, Registration& r) {
  const std::string path = "data.terms";
  PARAPHE_RETURN_IF_ERROR(CheckNoUnknown(
      o, path,
      {"end_date", "funder", "installments", "dispute_amicable_days",
       "termination_notice_months", "extend_to_working_day",
       "letter_reference", "max_recording_lag_days"}));
  PARAPHE_ASSIGN_OR_RETURN(r.end_date, GetDate(o, path, "end_date"));
  PARAPHE_ASSIGN_OR_RETURN(r.funder, GetId(o, path, "funder"));
  PARAPHE_ASSIGN_OR_RETURN(const json::array* inst,
                           GetArray(o, path, "installments"));
  if (inst->empty()) {
    return FieldError(path, "installments", "must not be empty");
  }
  for (size_t i = 0; i < inst->size(); ++i) {
    const std::string ip = Indexed(path, "installments", i);
    if (!(*inst)[i].is_object()) {
      return InvalidArgument("field \"" + ip + "\": must be an object");
    }
    const json::object& io = (*inst)[i].get_object();
    PARAPHE_RETURN_IF_ERROR(CheckNoUnknown(io, ip, {"amount_cents", "trigger"}));
    Installment in;
    PARAPHE_ASSIGN_OR_RETURN(in.amount_cents, GetAmount(io, ip, "amount_cents"));
    if (in.amount_cents == 0) {
      return FieldError(ip, "amount_cents", "must be positive");
    }
    PARAPHE_ASSIGN_OR_RETURN(
        in.trigger, GetEnum(io, ip, "trigger", {"AttributionNotified", "InForce"}));
    r.installments.push_back(std::move(in));
  }
  PARAPHE_ASSIGN_OR_RETURN(r.dispute_amicable_days,
                           GetInt(o, path, "dispute_amicable_days", 1, 3650));
  PARAPHE_ASSIGN_OR_RETURN(
      r.termination_notice_months,
      GetInt(o, path, "termination_notice_months", 0, 120));
  PARAPHE_ASSIGN_OR_RETURN(r.extend_to_working_day,
                           GetBool(o, path, "extend_to_working_day"));
  if (o.contains("letter_reference")) {
    PARAPHE_ASSIGN_OR_RETURN(
        r.letter_reference,
        GetEnum(o, path, "letter_reference", {"delivery", "first_presentation"}));
  }
  if (o.contains("max_recording_lag_days")) {
    PARAPHE_ASSIGN_OR_RETURN(
        r.max_recording_lag_days,
        GetInt(o, path, "max_recording_lag_days", 0,
               kMaxMaxRecordingLagDays));
  }
  return Status::Ok();
}

}  // namespace

Result<Registration> ParseRegistration(const json::object& data) {
  const std::string path = "data";
  PARAPHE_RETURN_IF_ERROR(CheckNoUnknown(
      data, path,
      {"title", "document_sha256", "currency", "amount_cents", "parties",
       "terms"}));
  Registration r;
  PARAPHE_ASSIGN_OR_RETURN(r.title, GetSingleLineText(data, path, "title"));
  PARAPHE_ASSIGN_OR_RETURN(r.document_sha256,
                           GetHash(data, path, "document_sha256"));
  PARAPHE_ASSIGN_OR_RETURN(r.currency, GetEnum(data, path, "currency", {"EUR"}));
  PARAPHE_ASSIGN_OR_RETURN(r.amount_cents, GetAmount(data, path, "amount_cents"));
  PARAPHE_ASSIGN_OR_RETURN(const json::array* parties,
                           GetArray(data, path, "parties"));
  if (parties->size() < 2) {
    return FieldError(path, "parties", "a convention needs at least 2 parties");
  }
  for (size_t i = 0; i < parties->size(); ++i) {
    const std::string pp = Indexed(path, "parties", i);
    PARAPHE_ASSIGN_OR_RETURN(RegisteredParty p, ParseParty((*parties)[i], pp));
    for (const auto& q : r.parties) {
      if (q.info.id == p.info.id) {
        return FieldError(pp, "id", "duplicate party id \"" + p.info.id + "\"");
      }
    }
    r.parties.push_back(std::move(p));
  }
  PARAPHE_ASSIGN_OR_RETURN(const json::object* terms,
                           GetObject(data, path, "terms"));
  PARAPHE_RETURN_IF_ERROR(ParseTerms(*terms, r));
  bool funder_found = false;
  for (const auto& p : r.parties) funder_found |= p.info.id == r.funder;
  if (!funder_found) {
    return FieldError("data.terms", "funder",
                      "\"" + r.funder + "\" is not one of the parties");
  }
  int64_t sum = 0;
  for (const auto& in : r.installments) {
    if (in.amount_cents > INT64_MAX - sum) {
      return FieldError("data.terms", "installments", "sum exceeds int64");
    }
    sum += in.amount_cents;
  }
  if (sum != r.amount_cents) {
    return FieldError("data.terms", "installments",
                      "amounts sum to " + std::to_string(sum) +
                          " cents but amount_cents is " +
                          std::to_string(r.amount_cents));
  }
  return r;
}

}  // namespace paraphe::ledger
