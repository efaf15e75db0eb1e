// LedgerState: the ledger's own trust roots, as a pure function of the
// ledger stream (kLedgerStream, docs/EVENTS.md "The ledger stream"):
//   - LedgerGenesis, the log's first record (seq 0), names the origin, the
//     checkpoint verifier key and the first operator keys, and is signed by
//     one of those keys;
//   - OperatorKeyRegistered / OperatorKeyRevoked, signed by an operator key
//     active at that point of the log, add and revoke operator keys.
// Operator keys sign ConventionRegistered, KeyRegistered and KeyRevoked.
// Nothing outside the log (a bundle header, a server answer, a file beside
// the database) adds an operator key: the ledger and the verifier both build
// this registry by replaying the stream with ApplyLedgerEvent.
//
// The registry keeps every key ever registered with the seq range in which
// it may sign, so that replaying an old convention event against today's
// registry gives the answer the ledger gave then.
//
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "crypto/ed25519.h"
#include "crypto/status.h"
#include "ledger/domain/calendar.h"

namespace paraphe::ledger {

struct Event;
struct EventContext;

struct OperatorKey {
  crypto::PublicKey key;
  std::string holder;  // who holds it ("genesis" for the genesis keys)
  uint64_t registered_seq = 0;
  std::optional<uint64_t> revoked_seq;
  std::string revocation_reason;
  friend bool operator==(const OperatorKey&, const OperatorKey&) = default;
};

struct LedgerState {
  uint64_t version = 0;  // events of the ledger stream applied
  std::string origin;
  std::string verifier_key;  // C2SP verifier key named by the genesis
  Date genesis_date;
  std::string genesis_kid;  // the operator key that signed the genesis
  // Every operator key ever registered, by kid (RFC 7638 thumbprint).
  std::map<std::string, OperatorKey, std::less<>> operators;

  bool has_genesis() const { return version > 0; }
  // The key `kid` if it is registered and not revoked at or before `seq`
  // (a key may sign from the record that registers it: the genesis is
  // signed by one of the keys it names).
  const OperatorKey* ActiveAt(std::string_view kid, uint64_t seq) const;
  // Kids of the keys active after the last applied event.
  std::vector<std::string> ActiveKids() const;

  friend bool operator==(const LedgerState&, const LedgerState&) = default;
};

// The key that must verify a ledger-stream event: for a genesis, the key
// among those it names whose thumbprint is `kid`; otherwise an operator key
// active at ctx.seq. kUnauthenticated "key.unknown" / "key.revoked".
Result<crypto::PublicKey> ResolveLedgerSigningKey(const LedgerState& s,
                                                  const Event& e,
                                                  std::string_view kid,
                                                  uint64_t seq);

// Validates a ledger-stream event and applies it to `s`. Checks, in order:
// the stream (ledger.genesis_not_first: a genesis anywhere but seq 0 of an
// empty stream; ledger.no_genesis: another event before the genesis;
// version.conflict), the signer (key.unknown, key.revoked, role.not_allowed:
// actor must be operator/operator), date.in_future, then the type's rules:
// genesis: ledger.verifier_key_invalid (not a C2SP verifier key, or its name
// is not the origin), key.duplicate; OperatorKeyRegistered: key.duplicate;
// OperatorKeyRevoked: key.target_unknown, key.already_revoked,
// operator.last_key (the last active operator key cannot be revoked).
// On failure `s` is unchanged.
Status ApplyLedgerEvent(LedgerState& s, const Event& e, const EventContext& ctx);

// JSON view and its strict inverse (the auditor's saved state keeps it):
// {"version","origin","verifier_key","genesis_date","genesis_kid","operator_keys":[
//   {"kid","public_key","holder","registered_seq","revoked_seq"|null,
//    "revocation_reason"}]}
boost::json::object LedgerStateToJson(const LedgerState& s);
Result<LedgerState> LedgerStateFromJson(const boost::json::value& v);

}  // namespace paraphe::ledger
