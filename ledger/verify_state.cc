// The auditor's state file (docs/FORMAT.md section 9): JSON.
#include <boost/json.hpp>

#include "crypto/base64.h"
#include "ledger/domain/ledger_state.h"
#include "ledger/verify.h"

namespace paraphe::ledger {

namespace json = boost::json;

namespace {

inline constexpr char kAuditStateFormat[] = "paraphe-audit-state/v2";

Status Bad(std::string what) { return InvalidArgument("audit state: " + std::move(what)); }

Result<std::string> Str(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  if (v == nullptr || !v->is_string()) return Bad("\"" + std::string(k) + "\" must be a string");
  return std::string(v->get_string());
}

Result<uint64_t> Uint(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  if (v != nullptr && v->is_uint64()) return v->get_uint64();
  if (v != nullptr && v->is_int64() && v->get_int64() >= 0) return static_cast<uint64_t>(v->get_int64());
  return Bad("\"" + std::string(k) + "\" must be a non-negative integer");
}

Result<crypto::Hash> HashFrom(std::string_view b64, std::string_view what) {
  auto raw = crypto::Base64Decode(b64);
  if (!raw.ok() || raw->size() != 32) return Bad(std::string(what) + " is not a base64 SHA-256 hash");
  crypto::Hash h;
  std::copy(raw->begin(), raw->end(), h.begin());
  return h;
}

}  // namespace

std::string EncodeAuditState(const AuditState& s) {
  json::array frontier;
  for (const auto& h : s.frontier) frontier.push_back(json::value(crypto::HashBase64(h)));
  json::array conventions;
  for (const auto& [id, bytes] : s.snapshots) {
    conventions.push_back(json::object{{"id", id}, {"snapshot", crypto::Base64Encode(bytes)}});
  }
  json::object o{{"format", kAuditStateFormat},
                 {"origin", s.origin},
                 {"verifier_key", s.verifier_key},
                 {"checkpoint", s.checkpoint},
                 {"tree_size", s.tree_size},
                 {"root", crypto::HashBase64(s.root)},
                 {"frontier", std::move(frontier)},
                 {"last_recorded_at_ms", s.last_recorded_at_ms},
                 {"ledger", LedgerStateToJson(s.ledger)},
                 {"conventions", std::move(conventions)}};
  return json::serialize(o) + "\n";
}

Result<AuditState> DecodeAuditState(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Bad("not a JSON object");
  const json::object& o = v.get_object();
  AuditState s;
  PARAPHE_ASSIGN_OR_RETURN(std::string format, Str(o, "format"));
  if (format == "paraphe-audit-state/v1") {
    return Bad("format \"paraphe-audit-state/v1\" (Paraphe 0.1, operator keys not taken from "
               "the log) is no longer read: verify the whole log once with this version and "
               "--save-state");
  }
  if (format != kAuditStateFormat) return Bad("unknown format \"" + format + "\"");
  PARAPHE_ASSIGN_OR_RETURN(s.origin, Str(o, "origin"));
  PARAPHE_ASSIGN_OR_RETURN(s.verifier_key, Str(o, "verifier_key"));
  PARAPHE_ASSIGN_OR_RETURN(s.checkpoint, Str(o, "checkpoint"));
  PARAPHE_ASSIGN_OR_RETURN(s.tree_size, Uint(o, "tree_size"));
  PARAPHE_ASSIGN_OR_RETURN(std::string root, Str(o, "root"));
  PARAPHE_ASSIGN_OR_RETURN(s.root, HashFrom(root, "root"));
  const json::value* t = o.if_contains("last_recorded_at_ms");
  if (t == nullptr || !t->is_int64()) return Bad("\"last_recorded_at_ms\" must be an integer");
  s.last_recorded_at_ms = t->get_int64();
  const json::value* fr = o.if_contains("frontier");
  if (fr == nullptr || !fr->is_array()) return Bad("\"frontier\" must be an array");
  for (const json::value& h : fr->get_array()) {
    if (!h.is_string()) return Bad("frontier hashes must be strings");
    PARAPHE_ASSIGN_OR_RETURN(crypto::Hash hash, HashFrom(h.get_string(), "a frontier hash"));
    s.frontier.push_back(hash);
  }
  const json::value* ledger = o.if_contains("ledger");
  if (ledger == nullptr) return Bad("\"ledger\" (the ledger stream's registry) is missing");
  auto trust = LedgerStateFromJson(*ledger);
  if (!trust.ok()) return Bad(trust.status().message());
  s.ledger = std::move(*trust);
  const json::value* cs = o.if_contains("conventions");
  if (cs == nullptr || !cs->is_array()) return Bad("\"conventions\" must be an array");
  for (const json::value& c : cs->get_array()) {
    if (!c.is_object()) return Bad("conventions must be objects");
    PARAPHE_ASSIGN_OR_RETURN(std::string id, Str(c.get_object(), "id"));
    PARAPHE_ASSIGN_OR_RETURN(std::string snap64, Str(c.get_object(), "snapshot"));
    auto bytes = crypto::Base64Decode(snap64);
    if (!bytes.ok()) return Bad("snapshot of " + id + ": " + bytes.status().message());
    s.snapshots[id] = std::move(*bytes);
  }
  return s;
}

}  // namespace paraphe::ledger
