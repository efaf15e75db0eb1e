// Helpers for the domain tests: the demo keys of examples/conventions, a
// harness that builds event payloads, parses them with ParseEvent and applies
// them with consecutive seqs, and a registration builder.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "crypto/base64.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "ledger/domain/calendar.h"
#include "ledger/domain/event.h"
#include "ledger/domain/rules.h"
#include "ledger/domain/state.h"

namespace paraphe::ledger::testing {

namespace json = boost::json;

// Demo key: Ed25519 seed = SHA-256("paraphe demo key " + name).
inline crypto::PublicKey DemoKey(const std::string& name) {
  static std::map<std::string, crypto::PublicKey> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  crypto::Hash seed = crypto::Sha256("paraphe demo key " + name);
  auto k = crypto::PrivateKey::FromSeed(crypto::HashBytes(seed));
  EXPECT_TRUE(k.ok()) << k.status().ToString();
  crypto::PublicKey pk = k->public_key();
  cache.emplace(name, pk);
  return pk;
}
inline std::string DemoKid(const std::string& name) {
  return DemoKey(name).Thumbprint();
}
inline std::string DemoPub(const std::string& name) {
  return crypto::Base64UrlEncode(DemoKey(name).raw());
}

// The ledger stream's registry after a genesis (seq 0) naming the demo
// operator key.
inline LedgerState DemoOperators() {
  LedgerState s;
  s.version = 1;
  s.origin = "paraphe.test/ledger";
  s.genesis_kid = DemoKid("operator");
  OperatorKey k;
  k.key = DemoKey("operator");
  k.holder = "genesis";
  s.operators.emplace(DemoKid("operator"), k);
  return s;
}

inline std::string Sha(const std::string& s) {
  return crypto::HashHex(crypto::Sha256(s));
}
inline const std::string& DocHash() {
  static const std::string h = Sha("convention document");
  return h;
}

inline Date D(std::string_view s) {
  auto d = Date::Parse(s);
  EXPECT_TRUE(d.ok()) << s;
  return d.ok() ? *d : Date();
}

// Milliseconds since the epoch of a UTC date and time.
inline int64_t UtcMs(std::string_view date, int h = 0, int m = 0, int s = 0) {
  return (D(date).days() * 86400 + h * 3600 + m * 60 + s) * 1000LL;
}

struct RegOptions {
  std::string end_date = "2026-12-31";
  bool extend = true;
  std::optional<std::string> letter_reference;
  std::vector<std::pair<int64_t, std::string>> installments = {
      {20000000, "AttributionNotified"}};
  int64_t amount_cents = 20000000;
  bool third_party = false;  // adds "etat" with key etat-signatory
  std::optional<int64_t> max_recording_lag_days;  // absent: the default

  RegOptions& WithEnd(std::string d) { end_date = std::move(d); return *this; }
  RegOptions& WithExtend(bool e) { extend = e; return *this; }
  RegOptions& WithLetterReference(std::string r) {
    letter_reference = std::move(r);
    return *this;
  }
  RegOptions& WithInstallments(
      std::vector<std::pair<int64_t, std::string>> i) {
    installments = std::move(i);
    return *this;
  }
  RegOptions& WithThirdParty() { third_party = true; return *this; }
  RegOptions& WithMaxLag(int64_t days) {
    max_recording_lag_days = days;
    return *this;
  }
};

inline json::object RegistrationData(const RegOptions& o = {}) {
  json::array inst;
  for (const auto& [a, t] : o.installments) {
    inst.push_back(json::object{{"amount_cents", a}, {"trigger", t}});
  }
  json::object terms{{"end_date", o.end_date},
                     {"funder", "metropole"},
                     {"installments", inst},
                     {"dispute_amicable_days", 30},
                     {"termination_notice_months", 6},
                     {"extend_to_working_day", o.extend}};
  if (o.letter_reference) terms["letter_reference"] = *o.letter_reference;
  if (o.max_recording_lag_days) {
    terms["max_recording_lag_days"] = *o.max_recording_lag_days;
  }
  auto key = [](const std::string& name, const std::string& role) {
    return json::object{{"public_key", DemoPub(name)},
                        {"roles", json::array{json::value(role)}}};
  };
  json::object reg{
      {"title", "Convention de partenariat"},
      {"document_sha256", DocHash()},
      {"currency", "EUR"},
      {"amount_cents", o.amount_cents},
      {"parties",
       json::array{
           json::object{{"id", "metropole"},
                        {"name", "Métropole Aix-Marseille-Provence"},
                        {"siren", "200054807"},
                        {"keys", json::array{key("metropole-signatory", "signatory"),
                                             key("metropole-finance", "finance"),
                                             key("metropole-clerk", "clerk"),
                                             key("committee", "committee")}}},
           json::object{{"id", "crpv-paca"},
                        {"name", "GIP CRPV PACA"},
                        {"siren", "130000001"},
                        {"keys", json::array{key("crpv-signatory", "signatory"),
                                             key("crpv-clerk", "clerk")}}}}},
      {"terms", terms}};
  if (o.third_party) {
    reg["parties"].as_array().push_back(json::object{
        {"id", "etat"},
        {"name", "Préfecture de région"},
        {"siren", "110000001"},
        {"keys", json::array{key("etat-signatory", "signatory")}}});
  }
  return reg;
}

// Party and role each demo key acts as by default.
inline std::pair<std::string, std::string> DefaultActor(const std::string& key) {
  if (key == "operator") return {"operator", "operator"};
  if (key == "committee") return {"metropole", "committee"};
  const auto dash = key.find('-');
  std::string party = key.substr(0, dash);
  if (party == "crpv") party = "crpv-paca";
  return {party, key.substr(dash + 1)};
}

inline constexpr char kConvention[] = "conv-test";

// Applies events to one convention, committing each accepted one.
class Harness {
 public:
  // Recording time of the next events. Unset (the default): each event is
  // recorded on its own business date, at 10:00 UTC (the same day in
  // Paris), so its recording lag is 0; tests of the date rules set it.
  std::optional<int64_t> recorded_at_ms;
  ConventionState state;
  uint64_t next_seq = 1;
  LedgerState ops = DemoOperators();
  // Every accepted event with its context, in order.
  std::vector<std::pair<Event, EventContext>> log;

  static std::string Payload(const std::string& type, const std::string& date,
                             const std::string& party, const std::string& role,
                             const json::object& data, uint64_t version,
                             const std::string& convention = kConvention) {
    json::object o{{"type", type},
                   {"convention", convention},
                   {"expected_version", version},
                   {"date", date},
                   {"actor", json::object{{"party", party}, {"role", role}}},
                   {"data", data}};
    return json::serialize(o);
  }

  // Full control: who signs (key name), who the event claims to be.
  Status ActAs(const std::string& key, const std::string& party,
               const std::string& role, const std::string& type,
               const std::string& date, const json::object& data,
               std::optional<uint64_t> version = std::nullopt) {
    auto e = ParseEvent(Payload(type, date, party, role, data,
                                version.value_or(state.version)));
    if (!e.ok()) return e.status();
    EventContext ctx{next_seq, recorded_at_ms.value_or(UtcMs(date, 10)),
                     DemoKid(key)};
    auto r = Apply(state, *e, ctx, ops);
    if (!r.ok()) return r.status();
    state = std::move(r).value();
    log.emplace_back(std::move(e).value(), ctx);
    ++next_seq;
    return Status::Ok();
  }

  Status Act(const std::string& key, const std::string& type,
             const std::string& date, const json::object& data) {
    auto [party, role] = DefaultActor(key);
    return ActAs(key, party, role, type, date, data);
  }

  Status Register(const RegOptions& o = {}, const std::string& date = "2026-01-20") {
    return Act("operator", "ConventionRegistered", date, RegistrationData(o));
  }
  Status Sign(const std::string& party_key, const std::string& date) {
    auto [party, role] = DefaultActor(party_key);
    return Act(party_key, "PartySigned", date,
               {{"party", party}, {"signatory", "Someone"},
                {"document_sha256", DocHash()}});
  }
  // Registered and in force from `date`.
  void RegisterAndSign(const RegOptions& o = {},
                       const std::string& date = "2026-02-12") {
    ASSERT_TRUE(Register(o).ok());
    ASSERT_TRUE(Sign("metropole-signatory", date).ok());
    ASSERT_TRUE(Sign("crpv-signatory", date).ok());
    if (o.third_party) {
      ASSERT_TRUE(Sign("etat-signatory", date).ok());
    }
  }
  Status Notify(const std::string& date) {
    return Act("metropole-clerk", "AttributionNotified", date,
               {{"reference", "AMP-1"}, {"channel", "mail"}});
  }
  Status Order(const std::string& date, const std::string& mandat,
               int64_t amount = 20000000, int64_t exercice = 2026,
               const std::string& payee = "crpv-paca") {
    return Act("metropole-finance", "PaymentOrdered", date,
               {{"exercice", exercice}, {"mandat", mandat},
                {"bordereau", "B-1"}, {"amount_cents", amount},
                {"payee", payee}});
  }
  Status Execute(const std::string& date, const std::string& mandat,
                 int64_t amount = 20000000, int64_t exercice = 2026) {
    return Act("metropole-finance", "PaymentExecuted", date,
               {{"exercice", exercice}, {"mandat", mandat},
                {"amount_cents", amount}, {"bank_reference", "BANK-1"}});
  }
  Status Suspend(const std::string& date, const std::string& mandat,
                 int64_t exercice = 2026) {
    return Act("metropole-finance", "PaymentSuspended", date,
               {{"exercice", exercice}, {"mandat", mandat},
                {"reason", "pièce manquante"}});
  }
  Status Propose(const std::string& date, int64_t number,
                 const json::object& changes,
                 const std::string& key = "metropole-signatory") {
    return Act(key, "AmendmentProposed", date,
               {{"number", number},
                {"document_sha256", Sha("avenant " + std::to_string(number))},
                {"changes", changes}});
  }
  Status SignAmendment(const std::string& key, const std::string& date,
                       int64_t number,
                       std::optional<std::string> hash = std::nullopt) {
    auto [party, role] = DefaultActor(key);
    return Act(key, "AmendmentSigned", date,
               {{"number", number}, {"party", party},
                {"document_sha256",
                 hash.value_or(Sha("avenant " + std::to_string(number)))}});
  }
  Status SendLetter(const std::string& key, const std::string& date,
                    const std::string& id, const std::string& purpose) {
    auto [party, role] = DefaultActor(key);
    const std::string to = party == "metropole" ? "crpv-paca" : "metropole";
    return Act(key, "LetterSent", date,
               {{"letter_id", id}, {"purpose", purpose},
                {"from_party", party}, {"to_party", to},
                {"deposit_date", date}, {"tracking_number", "1A-" + id},
                {"content_sha256", Sha(id)}});
  }
  // Delivered on `delivery` (or unclaimed/refused), first presented on
  // `presented`, recorded on `date`.
  Status Deliver(const std::string& id, const std::string& presented,
                 std::optional<std::string> delivery,
                 const std::string& outcome = "delivered",
                 std::optional<std::string> date = std::nullopt,
                 const std::string& key = "metropole-clerk") {
    json::object data{{"letter_id", id},
                      {"first_presentation_date", presented},
                      {"outcome", outcome}};
    if (delivery) data["delivery_date"] = *delivery;
    return Act(key, "LetterDelivered",
               date.value_or(delivery.value_or(presented)), data);
  }
  Status Settle(const std::string& key, const std::string& date,
                const std::string& id, const std::string& doc = "settlement") {
    auto [party, role] = DefaultActor(key);
    return Act(key, "SettlementReached", date,
               {{"letter_id", id}, {"party", party},
                {"settlement_sha256", Sha(doc)}});
  }
  Status Court(const std::string& key, const std::string& date,
               const std::string& id) {
    return Act(key, "CourtReferral", date,
               {{"letter_id", id}, {"court", "Tribunal administratif de Marseille"},
                {"case_number", "2600123"}});
  }
};

// Asserts a rejection with an exact code and rule id.
#define EXPECT_REJECTED(expr, code_, rule_)                     \
  do {                                                          \
    ::paraphe::Status st_ = (expr);                             \
    EXPECT_EQ(st_.code(), ::paraphe::StatusCode::code_)         \
        << st_.ToString();                                      \
    EXPECT_EQ(st_.rule(), rule_) << st_.ToString();             \
  } while (0)

#define EXPECT_VIOLATION(expr, rule_) EXPECT_REJECTED(expr, kRuleViolation, rule_)

#define EXPECT_ACCEPTED(expr)                       \
  do {                                              \
    ::paraphe::Status st_ = (expr);                 \
    EXPECT_TRUE(st_.ok()) << st_.ToString();        \
  } while (0)

}  // namespace paraphe::ledger::testing
