#include "tools/bench/workload.h"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include <boost/json.hpp>

#include "crypto/base64.h"
#include "crypto/jws.h"
#include "crypto/sha256.h"
#include "ledger/log.h"
#include "tools/bench/report.h"
#include "tools/bench/util.h"

namespace paraphe::bench {

namespace json = boost::json;
namespace fs = std::filesystem;

crypto::PrivateKey DemoKey(const std::string& name) {
  crypto::Hash seed = crypto::Sha256("paraphe demo key " + name);
  return std::move(*crypto::PrivateKey::FromSeed(crypto::HashBytes(seed)));
}

const DemoKeys& DemoKeys::Get() {
  static const DemoKeys* keys = [] {
    auto* k = new DemoKeys{DemoKey("operator"), DemoKey("metropole-signatory"),
                           DemoKey("committee"), DemoKey("crpv-signatory"), {}};
    for (const crypto::PrivateKey* p :
         {&k->op, &k->metropole_signatory, &k->committee, &k->crpv_signatory}) {
      k->by_kid.emplace(p->public_key().Thumbprint(), p->public_key());
    }
    return k;
  }();
  return *keys;
}

std::string ConventionId(const std::string& prefix, uint64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08llu", static_cast<unsigned long long>(i));
  return "bench-" + prefix + "-" + buf;
}

namespace {

std::string Pub(const crypto::PrivateKey& k) {
  return crypto::Base64UrlEncode(k.public_key().raw());
}

json::object KeyEntry(const crypto::PrivateKey& k, std::initializer_list<const char*> roles) {
  json::array r;
  for (const char* role : roles) r.emplace_back(role);
  return json::object{{"public_key", Pub(k)}, {"roles", std::move(r)}};
}

}  // namespace

std::string RegistrationJws(const std::string& convention) {
  const DemoKeys& keys = DemoKeys::Get();
  json::object data{
      {"title", "Convention de partenariat (paraphe-bench) " + convention},
      {"document_sha256", crypto::HashHex(crypto::Sha256("document " + convention))},
      {"currency", "EUR"},
      {"amount_cents", 20000000},
      {"parties",
       json::array{
           json::object{{"id", "metropole"},
                        {"name", "Métropole Aix-Marseille-Provence"},
                        {"siren", "200054807"},
                        {"keys", json::array{KeyEntry(keys.metropole_signatory, {"signatory"}),
                                             KeyEntry(keys.committee, {"committee"})}}},
           json::object{{"id", "crpv-paca"},
                        {"name", "GIP Centre de Ressources pour la Politique de la Ville PACA"},
                        {"siren", "130000001"},
                        {"keys", json::array{KeyEntry(keys.crpv_signatory, {"signatory"})}}}}},
      {"terms",
       json::object{{"end_date", "2026-12-31"},
                    {"funder", "metropole"},
                    {"installments", json::array{json::object{{"amount_cents", 20000000},
                                                              {"trigger", "AttributionNotified"}}}},
                    {"dispute_amicable_days", 30},
                    {"termination_notice_months", 6},
                    {"extend_to_working_day", true},
                    {"letter_reference", "delivery"},
                    // Recorded on the wall clock, long after these dates.
                    {"max_recording_lag_days", 36500}}}};
  json::object payload{{"type", "ConventionRegistered"},
                       {"convention", convention},
                       {"expected_version", 0},
                       {"date", "2026-01-20"},
                       {"actor", json::object{{"party", "operator"}, {"role", "operator"}}},
                       {"data", std::move(data)}};
  return crypto::JwsSign(json::serialize(payload), keys.op);
}

std::string CommitteeJws(const std::string& convention, uint64_t version) {
  json::object payload{
      {"type", "CommitteeDecision"},
      {"convention", convention},
      {"expected_version", version},
      {"date", "2026-04-15"},
      {"actor", json::object{{"party", "metropole"}, {"role", "committee"}}},
      {"data",
       json::object{
           {"minutes_sha256",
            crypto::HashHex(crypto::Sha256(convention + "/" + std::to_string(version)))},
           {"decisions",
            "Le Comité technique valide la feuille de route 2026 : appui aux 66 projets de "
            "quartier, cycle de formation des équipes PDV, veille sur les fonds européens."}}}};
  return crypto::JwsSign(json::serialize(payload), DemoKeys::Get().committee);
}

std::string SampleCommitteeJws() { return CommitteeJws(ConventionId("sample", 0), 1); }

Status InitBenchLedger(const fs::path& dir) {
  ledger::InitOptions io;
  io.origin = kOrigin;
  io.operator_key_pem = DemoKeys::Get().op.ToPem();
  auto r = ledger::Ledger::Init(dir, io);
  return r.ok() ? Status::Ok() : r.status();
}

namespace {

// At most `limit` operations in flight; the first error is kept.
class Window {
 public:
  explicit Window(size_t limit) : limit_(limit) {}
  void Acquire() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return in_flight_ < limit_; });
    ++in_flight_;
  }
  void Release(const Status& st) {
    std::lock_guard<std::mutex> l(mu_);
    --in_flight_;
    if (!st.ok() && error_.ok()) error_ = st;
    cv_.notify_all();
  }
  Status Drain() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return in_flight_ == 0; });
    return error_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  size_t limit_;
  size_t in_flight_ = 0;
  Status error_;
};

}  // namespace

Status SubmitLists(ledger::Ledger& ledger, const std::vector<std::vector<std::string>>& lists,
                   size_t window) {
  std::mutex mu;
  Status first;
  std::vector<std::thread> pool;
  for (const auto& list : lists) {
    pool.emplace_back([&, &list = list] {
      Window w(window);
      for (const std::string& jws : list) {
        w.Acquire();
        ledger.SubmitAsync(jws, [&w](Result<ledger::Receipt> r) { w.Release(r.status()); });
      }
      Status st = w.Drain();
      std::lock_guard<std::mutex> l(mu);
      if (!st.ok() && first.ok()) first = st;
    });
  }
  for (auto& t : pool) t.join();
  return first;
}

Status AppendBigLog(const fs::path& dir, const std::string& prefix, uint64_t count,
                    uint64_t events_per_convention) {
  auto key = crypto::PrivateKey::Load(dir / "keys" / "ledger.pem");
  if (!key.ok()) return key.status().WithContext("ledger key");
  PARAPHE_ASSIGN_OR_RETURN(crypto::NoteSigner signer,
                           crypto::NoteSigner::Create(kOrigin, std::move(*key)));
  ledger::LogOptions lo;
  lo.signer.emplace(std::move(signer));
  lo.check = ledger::IntegrityCheck::kNone;
  lo.sync = false;
  PARAPHE_ASSIGN_OR_RETURN(std::unique_ptr<ledger::Log> log,
                           ledger::Log::Open(dir / "db", std::move(lo)));
  const int threads = Cores();
  std::mutex mu;
  Status first;
  std::atomic<uint64_t> done{0};
  std::vector<std::thread> pool;
  Stopwatch sw;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      Window w(512);
      for (uint64_t c = static_cast<uint64_t>(t); c < count; c += static_cast<uint64_t>(threads)) {
        std::string id = ConventionId(prefix, c);
        for (uint64_t v = 0; v < events_per_convention; ++v) {
          ledger::AppendRequest req;
          req.jws = v == 0 ? RegistrationJws(id) : CommitteeJws(id, v);
          req.stream = id;
          req.expected_version = v;
          w.Acquire();
          Status q = log->AppendAsync(std::move(req), [&w](Result<ledger::Receipt> r) {
            w.Release(r.status());
          });
          if (!q.ok()) w.Release(q);
        }
        uint64_t n = done.fetch_add(1) + 1;
        if (t == 0 && count >= 4000 && n % 2000 < static_cast<uint64_t>(threads)) {
          Progress("  setup: %llu / %llu conventions (%.0f s)",
                   static_cast<unsigned long long>(n), static_cast<unsigned long long>(count),
                   sw.Seconds());
        }
      }
      Status st = w.Drain();
      std::lock_guard<std::mutex> l(mu);
      if (!st.ok() && first.ok()) first = st;
    });
  }
  for (auto& th : pool) th.join();
  return first;
}

}  // namespace paraphe::bench
