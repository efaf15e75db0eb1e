// `paraphe demo`: a ledger holding the seed convention's example history
// (examples/conventions/), signed with the deterministic demo keys of
// examples/conventions/README.md: Ed25519 seed = SHA-256("paraphe demo key "
// + name). Recording times are set to 09:00 UTC on each event's business
// date (a second later than the previous event when dates repeat), so the
// demo reads like the real history and does not depend on today's date.
#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <map>
#include <vector>

#include "crypto/base64.h"
#include "crypto/jws.h"
#include "crypto/sha256.h"
#include "ledger/domain/calendar.h"
#include "ledger/ledger.h"
#include "tools/paraphe/commands.h"
#include "tools/paraphe/output.h"

namespace paraphe::cli {
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

// The demo key names (examples/conventions/README.md).
constexpr const char* kDemoKeyNames[] = {
    "operator",        "metropole-signatory", "metropole-finance",
    "metropole-clerk", "crpv-signatory",      "crpv-clerk",
    "committee",
};

Result<crypto::PrivateKey> DemoKey(std::string_view name) {
  const crypto::Hash seed =
      crypto::Sha256("paraphe demo key " + std::string(name));
  return crypto::PrivateKey::FromSeed(crypto::HashBytes(seed));
}

struct DemoEvent {
  std::string file;
  json::object event;
};

Result<json::object> ReadEvent(const fs::path& path) {
  PARAPHE_ASSIGN_OR_RETURN(std::string text, ReadFile(path.string()));
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    return InvalidArgument(path.string() + ": not a JSON object");
  }
  return std::move(v.get_object());
}

// The public key (base64url) registered for party/role in the registration.
std::string RegisteredKey(const json::object& registration,
                          std::string_view party, std::string_view role) {
  const json::value* parties =
      registration.at("data").as_object().if_contains("parties");
  if (parties == nullptr || !parties->is_array()) return "";
  for (const auto& p : parties->get_array()) {
    if (!p.is_object() || p.as_object().at("id") != json::value(party))
      continue;
    const json::value* keys = p.as_object().if_contains("keys");
    if (keys == nullptr || !keys->is_array()) continue;
    for (const auto& k : keys->get_array()) {
      const json::value* roles = k.as_object().if_contains("roles");
      if (roles == nullptr || !roles->is_array()) continue;
      for (const auto& r : roles->get_array()) {
        if (r.is_string() && r.get_string() == role) {
          return std::string(k.as_object().at("public_key").as_string());
        }
      }
    }
  }
  return "";
}

Result<int64_t> BusinessMs(const json::object& event) {
  const json::value* d = event.if_contains("date");
  if (d == nullptr || !d->is_string())
    return InvalidArgument("event without a date");
  PARAPHE_ASSIGN_OR_RETURN(ledger::Date date,
                           ledger::Date::Parse(d->get_string()));
  return date.days() * 86'400'000 + 9 * 3'600'000;
}

Status RunDemoImpl(const Common& c, const std::string& examples, bool force,
                   json::object* summary) {
  const fs::path dir = c.data;
  const fs::path ex = examples;
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    if (!force) {
      return InvalidArgument(
          dir.string() +
          " exists and is not empty (pass --force to replace "
          "a previous demo ledger)");
    }
    if (!fs::exists(dir / "keys" / "ledger.pem", ec)) {
      return InvalidArgument(dir.string() +
                             " is not a paraphe ledger; refusing to delete it");
    }
    fs::remove_all(dir, ec);
    if (ec)
      return Unavailable("removing " + dir.string() + ": " + ec.message());
  }

  // Load the example history.
  if (!fs::is_regular_file(ex / "registration.json", ec)) {
    return NotFound(
        "no examples at " + ex.string() +
        " (expected registration.json and history/; pass --examples DIR)");
  }
  std::vector<DemoEvent> events;
  PARAPHE_ASSIGN_OR_RETURN(json::object registration,
                           ReadEvent(ex / "registration.json"));
  events.push_back({"registration.json", registration});
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(ex / "history", ec)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    PARAPHE_ASSIGN_OR_RETURN(json::object e, ReadEvent(f));
    events.push_back({f.filename().string(), std::move(e)});
  }

  // Demo keys, by public key.
  std::map<std::string, std::pair<std::string, crypto::PrivateKey>> keys;
  for (const char* name : kDemoKeyNames) {
    PARAPHE_ASSIGN_OR_RETURN(crypto::PrivateKey k, DemoKey(name));
    std::string pub = crypto::Base64UrlEncode(k.public_key().raw());
    keys.emplace(pub, std::make_pair(std::string(name), std::move(k)));
  }
  PARAPHE_ASSIGN_OR_RETURN(crypto::PrivateKey op, DemoKey("operator"));

  // The history is replayed at its business dates: the genesis is
  // recorded one second before the first event (recording times never
  // decrease along the log).
  if (events.empty()) return InvalidArgument("the demo history is empty");
  PARAPHE_ASSIGN_OR_RETURN(const int64_t first_ms, BusinessMs(events.front().event));
  const int64_t genesis_ms = first_ms - 1000;
  ledger::InitOptions init;
  init.origin = "paraphe.demo/ledger";
  init.operator_key_pem = op.ToPem();
  init.clock = [genesis_ms] { return genesis_ms; };
  PARAPHE_ASSIGN_OR_RETURN(ledger::InitResult created,
                           ledger::Ledger::Init(dir, init));

  std::atomic<int64_t> now_ms{genesis_ms};
  ledger::LedgerOptions options;
  options.clock = [&now_ms] { return now_ms.load(); };
  PARAPHE_ASSIGN_OR_RETURN(std::unique_ptr<ledger::Ledger> ledger,
                           ledger::Ledger::Open(dir, options));

  ProgressBar bar("demo", events.size());
  std::string convention;
  for (size_t i = 0; i < events.size(); ++i) {
    json::object& e = events[i].event;
    const json::object& actor = e.at("actor").as_object();
    const std::string party(actor.at("party").as_string());
    const std::string role(actor.at("role").as_string());
    const crypto::PrivateKey* key = &op;
    if (party != "operator") {
      auto it = keys.find(RegisteredKey(registration, party, role));
      if (it == keys.end()) {
        return InvalidArgument(events[i].file + ": no demo key for " + party +
                               "/" + role);
      }
      key = &it->second.second;
    }
    if (!e.contains("expected_version")) e["expected_version"] = i;
    convention = std::string(e.at("convention").as_string());
    PARAPHE_ASSIGN_OR_RETURN(int64_t ms, BusinessMs(e));
    now_ms.store(std::max(now_ms.load() + 1000, ms));
    // Envelope order, as a client would send it.
    json::object ordered;
    for (const char* k :
         {"type", "convention", "expected_version", "date", "actor", "data"}) {
      if (const auto* v = e.if_contains(k)) ordered[k] = *v;
    }
    auto receipt =
        ledger->Submit(crypto::JwsSign(json::serialize(ordered), *key));
    if (!receipt.ok()) return receipt.status().WithContext(events[i].file);
    bar.Update(i + 1);
  }
  bar.Finish();

  // The party keys, so that people can act in the demo.
  fs::create_directories(dir / "keys" / "demo", ec);
  json::object key_files;
  for (const char* name : kDemoKeyNames) {
    if (std::string_view(name) == "operator")
      continue;  // DIR/keys/operator.pem
    PARAPHE_ASSIGN_OR_RETURN(crypto::PrivateKey k, DemoKey(name));
    const fs::path path = dir / "keys" / "demo" / (std::string(name) + ".pem");
    PARAPHE_RETURN_IF_ERROR(k.Save(path, /*overwrite=*/true));
    key_files[name] = path.string();
  }

  (*summary)["data"] = dir.string();
  (*summary)["convention"] = convention;
  (*summary)["events"] = events.size();
  (*summary)["tree_size"] = ledger->size();
  (*summary)["verifier_key"] = created.verifier_key;
  (*summary)["operator_kid"] = created.operator_kid;
  (*summary)["operator_key_path"] = created.operator_key_path.string();
  (*summary)["party_keys"] = std::move(key_files);
  return Status::Ok();
}

}  // namespace

int RunDemo(const Common& c, const std::string& examples, bool force) {
  json::object summary;
  Status st = RunDemoImpl(c, examples, force, &summary);
  if (!st.ok()) return ReportError(st, c.json);
  if (c.json) {
    PrintJson(summary);
    return kExitOk;
  }
  std::string keys;
  for (const auto& kv : summary.at("party_keys").as_object()) {
    keys += fmt::format("    {:<22} {}\n", std::string(kv.key()),
                        ScalarText(kv.value()));
  }
  const std::string data = c.data;
  const std::string conv = ScalarText(summary.at("convention"));
  fmt::print(
      "Demo ledger created in {}: convention {}, {} events.\n"
      "  verifier key: {}\n"
      "  operator key: {} (kid {})\n"
      "  party keys:\n{}"
      "Try:\n"
      "  paraphe status {} --data {}\n"
      "  paraphe history {} --data {} --trusted-key {}\n"
      "  paraphe payments {} --data {} --trusted-key {}\n"
      "  paraphe checkpoint --data {}\n"
      "  paraphe proof inclusion --seq 6 --data {}\n",
      data, conv, ScalarText(summary.at("events")),
      ScalarText(summary.at("verifier_key")),
      ScalarText(summary.at("operator_key_path")),
      ScalarText(summary.at("operator_kid")), keys, conv, data, conv, data,
      ScalarText(summary.at("verifier_key")), conv, data,
      ScalarText(summary.at("verifier_key")), data, data);
  return kExitOk;
}

}  // namespace paraphe::cli
