#include "tests/api/test_events.h"

#include <unistd.h>

#include <random>
#include <stdexcept>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "crypto/base64.h"
#include "crypto/jws.h"

namespace paraphe::api::test {
namespace {

crypto::PrivateKey NewKey() {
  auto key = crypto::PrivateKey::Generate();
  if (!key.ok()) throw std::runtime_error(key.status().ToString());
  return std::move(*key);
}

boost::json::object KeyJson(const crypto::PrivateKey& key,
                            const std::string& role) {
  boost::json::object k;
  k["public_key"] =
      crypto::Base64UrlEncode(key.public_key().raw());
  k["roles"] = boost::json::array{boost::json::value(role)};
  return k;
}

}  // namespace

std::filesystem::path TempDir(const std::string& tag) {
  static std::mt19937_64 rng(std::random_device{}());
  auto p = std::filesystem::temp_directory_path() /
           ("paraphe-api-" + tag + "-" + std::to_string(getpid()) + "-" +
            std::to_string(rng()));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p;
}

TestLedger TestLedger::Create(const std::filesystem::path& dir) {
  ledger::InitOptions options;
  options.origin = "paraphe.test/api";
  auto init = ledger::Ledger::Init(dir, options);
  if (!init.ok()) throw std::runtime_error(init.status().ToString());
  auto key = crypto::PrivateKey::Load(init->operator_key_path);
  if (!key.ok()) throw std::runtime_error(key.status().ToString());
  return TestLedger{dir, std::move(*init), std::move(*key)};
}

TestConvention::TestConvention(std::string convention_id)
    : id(std::move(convention_id)),
      metropole_signatory(NewKey()),
      metropole_finance(NewKey()),
      metropole_clerk(NewKey()),
      crpv_signatory(NewKey()),
      crpv_clerk(NewKey()) {}

std::string TestConvention::Sign(const boost::json::object& event,
                                 const crypto::PrivateKey& key) {
  return crypto::JwsSign(boost::json::serialize(event), key);
}

boost::json::object TestConvention::Envelope(
    const std::string& type, uint64_t version, const std::string& date,
    const std::string& party, const std::string& role,
    boost::json::object data) const {
  boost::json::object e;
  e["type"] = type;
  e["convention"] = id;
  e["expected_version"] = version;
  e["date"] = date;
  e["actor"] = boost::json::object{{"party", party}, {"role", role}};
  e["data"] = std::move(data);
  return e;
}

std::string TestConvention::Registration(const crypto::PrivateKey& operator_key,
                                         const std::string& title) const {
  boost::json::object metropole;
  metropole["id"] = "metropole";
  metropole["name"] = "Métropole Aix-Marseille-Provence";
  metropole["siren"] = "200054807";
  metropole["keys"] = boost::json::array{
      KeyJson(metropole_signatory, "signatory"),
      KeyJson(metropole_finance, "finance"),
      KeyJson(metropole_clerk, "clerk")};
  boost::json::object crpv;
  crpv["id"] = "crpv-paca";
  crpv["name"] = "GIP CRPV PACA";
  crpv["siren"] = "130000001";
  crpv["keys"] = boost::json::array{KeyJson(crpv_signatory, "signatory"),
                                    KeyJson(crpv_clerk, "clerk")};
  boost::json::object terms;
  terms["end_date"] = "2026-12-31";
  terms["funder"] = "metropole";
  terms["installments"] = boost::json::array{boost::json::object{
      {"amount_cents", 20000000}, {"trigger", "AttributionNotified"}}};
  terms["dispute_amicable_days"] = 30;
  terms["termination_notice_months"] = 6;
  terms["extend_to_working_day"] = true;
  terms["letter_reference"] = "delivery";
  // Recorded on the wall clock, months or years after these 2026 dates.
  terms["max_recording_lag_days"] = 36500;
  boost::json::object data;
  data["title"] = title;
  data["document_sha256"] = document_sha256;
  data["currency"] = "EUR";
  data["amount_cents"] = 20000000;
  data["parties"] = boost::json::array{metropole, crpv};
  data["terms"] = terms;
  return Sign(Envelope("ConventionRegistered", 0, "2026-01-20", "operator",
                       "operator", std::move(data)),
              operator_key);
}

std::string TestConvention::PartySigned(const std::string& party,
                                        uint64_t version,
                                        const std::string& signatory) const {
  boost::json::object data;
  data["party"] = party;
  data["signatory"] = signatory;
  data["document_sha256"] = document_sha256;
  const crypto::PrivateKey& key =
      party == "metropole" ? metropole_signatory : crpv_signatory;
  return Sign(Envelope("PartySigned", version, "2026-02-10", party,
                       "signatory", std::move(data)),
              key);
}

std::string TestConvention::AttributionNotified(
    uint64_t version, const std::string& reference) const {
  boost::json::object data;
  data["reference"] = reference;
  data["channel"] = "lettre recommandée avec accusé de réception";
  return Sign(Envelope("AttributionNotified", version, "2026-02-20",
                       "metropole", "clerk", std::move(data)),
              metropole_clerk);
}

std::string TestConvention::PaymentOrdered(uint64_t version) const {
  boost::json::object data;
  data["exercice"] = 2026;
  data["mandat"] = "2026-004512";
  data["bordereau"] = "2026-000318";
  data["amount_cents"] = 20000000;
  data["payee"] = "crpv-paca";
  return Sign(Envelope("PaymentOrdered", version, "2026-03-05", "metropole",
                       "finance", std::move(data)),
              metropole_finance);
}

}  // namespace paraphe::api::test
