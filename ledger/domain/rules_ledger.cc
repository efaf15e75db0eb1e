// The ledger stream: LedgerGenesis, OperatorKeyRegistered,
// OperatorKeyRevoked (contract in ledger_state.h).
#include <algorithm>

#include <boost/json.hpp>

#include "crypto/base64.h"
#include "crypto/note.h"
#include "ledger/domain/event.h"
#include "ledger/domain/ledger_state.h"
#include "ledger/domain/rules.h"
#include "ledger/domain/state.h"

namespace paraphe::ledger {
namespace json = boost::json;

namespace {

Result<crypto::PublicKey> KeyFromField(const json::value& v) {
  return crypto::PublicKey::FromBase64Url(v.as_string());
}

size_t ActiveCount(const LedgerState& s) {
  return static_cast<size_t>(std::count_if(
      s.operators.begin(), s.operators.end(),
      [](const auto& kv) { return !kv.second.revoked_seq.has_value(); }));
}

Status ApplyGenesis(LedgerState& s, const Event& e, const EventContext& ctx) {
  const std::string origin = e.Str("origin");
  const std::string vkey = e.Str("verifier_key");
  auto verifier = crypto::NoteVerifier::FromVerifierKey(vkey);
  if (!verifier.ok()) {
    return RuleViolation("ledger.verifier_key_invalid",
                         "data.verifier_key is not a usable C2SP verifier key: " +
                             verifier.status().message());
  }
  if (verifier->name() != origin) {
    return RuleViolation("ledger.verifier_key_invalid",
                         "data.verifier_key is named \"" + verifier->name() +
                             "\" but the origin is \"" + origin + "\"");
  }
  std::map<std::string, OperatorKey, std::less<>> keys;
  for (const json::value& v : e.data.at("operator_keys").as_array()) {
    auto key = KeyFromField(v);
    if (!key.ok()) {
      return Status(StatusCode::kInvalidArgument,
                    "data.operator_keys: " + key.status().message(), "key.invalid");
    }
    OperatorKey k;
    k.key = *key;
    k.holder = "genesis";
    k.registered_seq = ctx.seq;
    if (!keys.emplace(key->Thumbprint(), std::move(k)).second) {
      return RuleViolation("key.duplicate",
                           "data.operator_keys lists key \"" + key->Thumbprint() + "\" twice");
    }
  }
  s.origin = origin;
  s.verifier_key = verifier->VerifierKey();
  s.genesis_date = e.date;
  s.genesis_kid = ctx.kid;
  s.operators = std::move(keys);
  return Status::Ok();
}

}  // namespace

const OperatorKey* LedgerState::ActiveAt(std::string_view kid, uint64_t seq) const {
  auto it = operators.find(kid);
  if (it == operators.end() || it->second.registered_seq > seq) return nullptr;
  if (it->second.revoked_seq && *it->second.revoked_seq < seq) return nullptr;
  return &it->second;
}

std::vector<std::string> LedgerState::ActiveKids() const {
  std::vector<std::string> out;
  for (const auto& [kid, k] : operators) {
    if (!k.revoked_seq) out.push_back(kid);
  }
  return out;
}

Result<crypto::PublicKey> ResolveLedgerSigningKey(const LedgerState& s, const Event& e,
                                                  std::string_view kid, uint64_t seq) {
  if (e.kind == EventType::kLedgerGenesis) {
    for (const json::value& v : e.data.at("operator_keys").as_array()) {
      auto key = KeyFromField(v);
      if (key.ok() && key->Thumbprint() == kid) return *key;
    }
    return Unauthenticated("the genesis is signed by key \"" + std::string(kid) +
                               "\", which is not one of the operator keys it names",
                           "key.unknown");
  }
  auto it = s.operators.find(kid);
  if (it == s.operators.end() || it->second.registered_seq > seq) {
    return Unauthenticated("kid \"" + std::string(kid) + "\" is not an operator key",
                           "key.unknown");
  }
  // The record that revokes a key may itself be signed by it; nothing after.
  if (it->second.revoked_seq && *it->second.revoked_seq < seq) {
    return Unauthenticated("operator key \"" + std::string(kid) + "\" was revoked at seq " +
                               std::to_string(*it->second.revoked_seq),
                           "key.revoked");
  }
  return it->second.key;
}

Status ApplyLedgerEvent(LedgerState& s, const Event& e, const EventContext& ctx) {
  if (!IsLedgerEventType(e.kind) || e.convention != kLedgerStream) {
    return Status(StatusCode::kInvalidArgument,
                  e.type + " is not an event of the ledger stream", "convention.mismatch");
  }
  if (e.kind == EventType::kLedgerGenesis) {
    if (s.version != 0 || ctx.seq != 0) {
      return Status(StatusCode::kConflict,
                    "a LedgerGenesis must be the log's first record (seq 0); this one is at seq " +
                        std::to_string(ctx.seq),
                    "ledger.genesis_not_first");
    }
  } else if (s.version == 0) {
    return RuleViolation("ledger.no_genesis", e.type + " before the ledger's genesis record");
  }
  if (e.expected_version != s.version) {
    return Status(StatusCode::kConflict,
                  "expected_version " + std::to_string(e.expected_version) +
                      " but the ledger stream is at version " + std::to_string(s.version),
                  "version.conflict");
  }
  if (e.actor_party != kOperatorParty || e.actor_role != kOperatorRole) {
    return PermissionDenied(e.type + " may only be emitted by party \"operator\" in role "
                                "\"operator\"",
                            "role.not_allowed");
  }
  PARAPHE_RETURN_IF_ERROR(ResolveLedgerSigningKey(s, e, ctx.kid, ctx.seq).status());
  const Date recorded = ParisDateOf(ctx.recorded_at_ms);
  if (e.date > recorded) {
    return RuleViolation("date.in_future", "event dated " + e.date.ToString() +
                                               " but recorded on " + recorded.ToString() +
                                               " (Europe/Paris)");
  }
  LedgerState next = s;
  switch (e.kind) {
    case EventType::kLedgerGenesis:
      PARAPHE_RETURN_IF_ERROR(ApplyGenesis(next, e, ctx));
      break;
    case EventType::kOperatorKeyRegistered: {
      auto key = KeyFromField(e.data.at("public_key"));
      if (!key.ok()) {
        return Status(StatusCode::kInvalidArgument,
                      "data.public_key: " + key.status().message(), "key.invalid");
      }
      const std::string kid = key->Thumbprint();
      if (next.operators.count(kid) != 0) {
        return RuleViolation("key.duplicate",
                             "key \"" + kid + "\" is already an operator key");
      }
      OperatorKey k;
      k.key = *key;
      k.holder = e.Str("holder");
      k.registered_seq = ctx.seq;
      next.operators.emplace(kid, std::move(k));
      break;
    }
    case EventType::kOperatorKeyRevoked: {
      const std::string kid = e.Str("kid");
      auto it = next.operators.find(kid);
      if (it == next.operators.end()) {
        return RuleViolation("key.target_unknown", "no operator key \"" + kid + "\"");
      }
      if (it->second.revoked_seq) {
        return RuleViolation("key.already_revoked",
                             "operator key \"" + kid + "\" was already revoked at seq " +
                                 std::to_string(*it->second.revoked_seq));
      }
      if (ActiveCount(next) == 1) {
        return RuleViolation("operator.last_key",
                             "operator key \"" + kid +
                                 "\" is the last active one: register its successor first");
      }
      it->second.revoked_seq = ctx.seq;
      it->second.revocation_reason = e.Str("reason");
      break;
    }
    default:
      return Internal("unhandled ledger event type");
  }
  ++next.version;
  s = std::move(next);
  return Status::Ok();
}

json::object LedgerStateToJson(const LedgerState& s) {
  json::array keys;
  for (const auto& [kid, k] : s.operators) {
    keys.push_back(json::object{
        {"kid", kid},
        {"public_key", k.key.ToBase64Url()},
        {"holder", k.holder},
        {"registered_seq", k.registered_seq},
        {"revoked_seq", k.revoked_seq ? json::value(*k.revoked_seq) : json::value(nullptr)},
        {"revocation_reason", k.revocation_reason}});
  }
  return json::object{{"version", s.version},
                      {"origin", s.origin},
                      {"verifier_key", s.verifier_key},
                      {"genesis_date", s.has_genesis() ? s.genesis_date.ToString() : ""},
                      {"genesis_kid", s.genesis_kid},
                      {"operator_keys", std::move(keys)}};
}

Result<LedgerState> LedgerStateFromJson(const json::value& v) {
  auto bad = [](std::string what) { return InvalidArgument("ledger state: " + what); };
  const json::object* o = v.if_object();
  if (o == nullptr) return bad("not an object");
  auto str = [&](std::string_view k) -> const json::string* {
    const json::value* x = o->if_contains(k);
    return x && x->is_string() ? &x->get_string() : nullptr;
  };
  auto u64 = [](const json::value* x) -> std::optional<uint64_t> {
    if (x == nullptr) return std::nullopt;
    if (x->is_uint64()) return x->get_uint64();
    if (x->is_int64() && x->get_int64() >= 0) return static_cast<uint64_t>(x->get_int64());
    return std::nullopt;
  };
  if (o->size() != 6) return bad("expected exactly 6 members");
  LedgerState s;
  auto version = u64(o->if_contains("version"));
  const json::string* origin = str("origin");
  const json::string* vkey = str("verifier_key");
  const json::string* gdate = str("genesis_date");
  const json::string* gkid = str("genesis_kid");
  const json::value* keys = o->if_contains("operator_keys");
  if (!version || !origin || !vkey || !gdate || !gkid || !keys || !keys->is_array()) {
    return bad("a member is missing or mistyped");
  }
  s.version = *version;
  s.origin = std::string(*origin);
  s.verifier_key = std::string(*vkey);
  s.genesis_kid = std::string(*gkid);
  if (s.version > 0) {
    auto d = Date::Parse(*gdate);
    if (!d.ok()) return bad("genesis_date: " + d.status().message());
    s.genesis_date = *d;
  }
  for (const json::value& kv : keys->get_array()) {
    const json::object* k = kv.if_object();
    if (k == nullptr || k->size() != 6) return bad("an operator key is not a 6-member object");
    const json::value* kid = k->if_contains("kid");
    const json::value* pub = k->if_contains("public_key");
    const json::value* holder = k->if_contains("holder");
    const json::value* reason = k->if_contains("revocation_reason");
    const json::value* revoked = k->if_contains("revoked_seq");
    auto reg = u64(k->if_contains("registered_seq"));
    if (!kid || !kid->is_string() || !pub || !pub->is_string() || !holder ||
        !holder->is_string() || !reason || !reason->is_string() || !revoked || !reg ||
        (!revoked->is_null() && !u64(revoked))) {
      return bad("an operator key has a missing or mistyped member");
    }
    PARAPHE_ASSIGN_OR_RETURN(crypto::PublicKey key, KeyFromField(*pub));
    if (key.Thumbprint() != kid->get_string()) {
      return bad("operator key \"" + std::string(kid->get_string()) +
                 "\" is not the thumbprint of its public key");
    }
    OperatorKey ok;
    ok.key = key;
    ok.holder = std::string(holder->get_string());
    ok.registered_seq = *reg;
    if (!revoked->is_null()) ok.revoked_seq = u64(revoked);
    ok.revocation_reason = std::string(reason->get_string());
    s.operators.emplace(std::string(kid->get_string()), std::move(ok));
  }
  return s;
}

}  // namespace paraphe::ledger
