#include "tools/bench/ledger_bench.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "crypto/jws.h"
#include "ledger/domain/event.h"
#include "ledger/domain/rules.h"
#include "ledger/domain/state.h"
#include "ledger/ledger.h"
#include "ledger/log.h"
#if __has_include("ledger/verify.h")
#include "ledger/verify.h"
#endif
#include "tools/bench/util.h"
#include "tools/bench/workload.h"

namespace paraphe::bench {

namespace fs = std::filesystem;
using ledger::Ledger;
using ledger::LedgerOptions;

AppendWorkload BuildAppendWorkload(uint64_t events, int producers) {
  AppendWorkload w;
  const uint64_t per_conv = kEventsPerConvention - 1;  // committee events
  uint64_t count = std::max<uint64_t>(static_cast<uint64_t>(producers),
                                      (events + per_conv - 1) / per_conv);
  // Committee events of convention c: versions 1..len[c].
  std::vector<uint64_t> len(count, events / count);
  for (uint64_t c = 0; c < events % count; ++c) ++len[c];
  struct Item {
    uint64_t convention, version;
  };
  std::vector<std::vector<Item>> plan(static_cast<size_t>(producers));
  for (int p = 0; p < producers; ++p) {
    uint64_t longest = 0;
    for (uint64_t c = static_cast<uint64_t>(p); c < count; c += producers) {
      longest = std::max(longest, len[c]);
    }
    for (uint64_t v = 1; v <= longest; ++v) {
      for (uint64_t c = static_cast<uint64_t>(p); c < count; c += producers) {
        if (v <= len[c]) plan[p].push_back({c, v});
      }
    }
  }
  for (uint64_t c = 0; c < count; ++c) w.conventions.push_back(ConventionId("append", c));
  w.registrations.resize(count);
  ParallelFor(count, [&](int, size_t c) { w.registrations[c] = RegistrationJws(w.conventions[c]); });
  w.per_producer.resize(plan.size());
  for (size_t p = 0; p < plan.size(); ++p) {
    w.per_producer[p].resize(plan[p].size());
    ParallelFor(plan[p].size(), [&](int, size_t i) {
      w.per_producer[p][i] = CommitteeJws(w.conventions[plan[p][i].convention], plan[p][i].version);
    });
    w.events += plan[p].size();
  }
  return w;
}

Status PrepareLedger(const fs::path& dir, const AppendWorkload& w) {
  PARAPHE_RETURN_IF_ERROR(InitBenchLedger(dir));
  LedgerOptions o;
  o.sync = false;
  PARAPHE_ASSIGN_OR_RETURN(std::unique_ptr<Ledger> l, Ledger::Open(dir, o));
  std::vector<std::vector<std::string>> lists(static_cast<size_t>(Cores()));
  for (size_t i = 0; i < w.registrations.size(); ++i) {
    lists[i % lists.size()].push_back(w.registrations[i]);
  }
  return SubmitLists(*l, lists, 256);
}

double MeasureAppendInProcess(const fs::path& tmp, const AppendWorkload& w,
                              const MachineLimits& limits, Report& report) {
  auto dir = TempDir::Create(tmp, "paraphe-bench-append-");
  if (!dir.ok()) {
    report.Error(dir.status().ToString());
    return -1;
  }
  Progress("append in-process: %llu events, %zu producers (Ledger::Submit, sync=true)",
           static_cast<unsigned long long>(w.events), w.per_producer.size());
  if (Status st = PrepareLedger(dir->path() / "ledger", w); !st.ok()) {
    report.Error("append setup: " + st.ToString());
    return -1;
  }
  LedgerOptions o;
  o.sync = true;
  o.check = ledger::IntegrityCheck::kTail;
  auto opened = Ledger::Open(dir->path() / "ledger", o);
  if (!opened.ok()) {
    report.Error("append open: " + opened.status().ToString());
    return -1;
  }
  Ledger& l = **opened;
  const auto before = l.stats();
  std::atomic<uint64_t> ok{0};
  std::mutex mu;
  std::string first_error;
  std::vector<std::thread> pool;
  Stopwatch sw;
  for (const auto& list : w.per_producer) {
    pool.emplace_back([&, &list = list] {
      for (const std::string& jws : list) {
        auto r = l.Submit(jws);
        if (r.ok()) {
          ok.fetch_add(1, std::memory_order_relaxed);
        } else {
          std::lock_guard<std::mutex> g(mu);
          if (first_error.empty()) first_error = r.status().ToString();
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  const double seconds = sw.Seconds();
  const auto after = l.stats();
  if (!first_error.empty()) {
    report.Error("append in-process rejected an event: " + first_error);
    return -1;
  }
  double rate = static_cast<double>(ok.load()) / seconds;
  uint64_t batches = after.batches - before.batches;
  double per_batch = batches ? static_cast<double>(after.appends - before.appends) /
                                   static_cast<double>(batches)
                             : 0;
  char note[160];
  std::snprintf(note, sizeof note, "%zu producers, %llu events, %.1f appends per fsync'ed batch",
                w.per_producer.size(), static_cast<unsigned long long>(ok.load()), per_batch);
  report.Add("append.inprocess", rate, "events/s", limits.verify_all_cores,
             "verify all cores", Cmp::kRatioAtLeast, 0.85, note);
  report.Add("append.inprocess.vs_fsync", rate, "events/s", limits.rocksdb_synced_batches,
             "synced batch/s", Cmp::kNone, 0, "events per fsync the group commit achieved");
  return rate;
}

namespace {

Result<std::unique_ptr<Ledger>> OpenReadOnly(const fs::path& dir,
                                             ledger::IntegrityCheck check =
                                                 ledger::IntegrityCheck::kNone) {
  LedgerOptions o;
  o.read_only = true;
  o.check = check;
  return Ledger::Open(dir, o);
}

// Replays every convention with ledger.State(id, as of the last seq): the
// stream is read and every event parsed and applied; snapshots are not used
// and signatures are not checked. Returns events replayed, or an error.
Result<uint64_t> ReplayAll(const Ledger& l, const std::vector<std::string>& ids, int threads) {
  std::atomic<uint64_t> events{0};
  std::mutex mu;
  Status first;
  ledger::AsOf as_of;
  as_of.seq = UINT64_MAX;
  ParallelFor(
      ids.size(),
      [&](int, size_t i) {
        auto s = l.State(ids[i], as_of);
        if (!s.ok()) {
          std::lock_guard<std::mutex> g(mu);
          if (first.ok()) first = s.status().WithContext(ids[i]);
          return;
        }
        events.fetch_add(s->version, std::memory_order_relaxed);
      },
      threads);
  if (!first.ok()) return first;
  return events.load();
}

// The same by one sequential Log::Scan, parse and Apply per record.
// Records of `skip` are not replayed.
Result<uint64_t> ReplayScan(const fs::path& db, const std::string& skip) {
  ledger::LogOptions lo;
  lo.read_only = true;
  lo.check = ledger::IntegrityCheck::kNone;
  PARAPHE_ASSIGN_OR_RETURN(std::unique_ptr<ledger::Log> log, ledger::Log::Open(db, std::move(lo)));
  ledger::LedgerState trust;  // the ledger stream, replayed as met
  std::map<std::string, ledger::ConventionState, std::less<>> states;
  uint64_t n = 0;
  PARAPHE_RETURN_IF_ERROR(log->Scan(0, log->size(), [&](const ledger::Record& r) -> Status {
    if (r.stream == skip) return Status::Ok();
    PARAPHE_ASSIGN_OR_RETURN(crypto::Jws jws, crypto::JwsParse(r.jws));
    PARAPHE_ASSIGN_OR_RETURN(ledger::Event e, ledger::ParseEvent(jws.payload));
    ledger::EventContext ctx{r.seq, r.recorded_at_ms, jws.kid};
    if (r.stream == ledger::kLedgerStream) {
      PARAPHE_RETURN_IF_ERROR(ledger::ApplyLedgerEvent(trust, e, ctx));
      return Status::Ok();
    }
    ledger::ConventionState& s = states[r.stream];
    PARAPHE_ASSIGN_OR_RETURN(s, ledger::Apply(s, e, ctx, trust));
    ++n;
    return Status::Ok();
  }));
  return n;
}


#if __has_include("ledger/verify.h")
// Full audit of the log with the verifier (all cores), saving the audit
// state; then 1,000 more events are appended and the incremental audit
// from that state is timed. Returns the full audit rate.
double MeasureAudit(const fs::path& dir, const TempDir& root, uint64_t size,
                    const MachineLimits& limits, Report& report) {
  std::string vkey;
  {
    auto l = OpenReadOnly(dir);
    if (!l.ok()) {
      report.Error("audit: " + l.status().ToString());
      return -1;
    }
    vkey = (*l)->verifier_key();
  }
  const fs::path state = root.path() / "audit.state";
  double rate = -1;
  {
    auto source = ledger::OpenLedgerSource(dir);
    if (!source.ok()) {
      report.Error("audit source: " + source.status().ToString());
      return -1;
    }
    ledger::VerifyOptions vo;
    vo.trusted_vkey = vkey;
    vo.save_state = state;
    Stopwatch sw;
    auto r = ledger::Verifier(vo).Run(**source);
    double s = sw.Seconds();
    if (!r.ok()) {
      report.Error("audit: " + r.status().ToString());
      return -1;
    }
    if (!r->ok()) {
      report.Error("audit found " + std::to_string(r->failures_total) + " failures, first: " +
                   (r->failures.empty() ? std::string("?")
                                        : r->failures[0].property + " " + r->failures[0].detail));
      return -1;
    }
    rate = static_cast<double>(r->records) / s;
    report.Add("audit.full", rate, "events/s", limits.verify_all_cores, "verify all cores",
               Cmp::kRatioAtLeast, 0.9,
               std::to_string(r->records) + " records, " + std::to_string(r->threads) +
                   " threads: checkpoint, leaf hashes, root, signatures, rules");
  }
  // 1,000 more events (31 conventions x 32 + 1 x 8), then the incremental audit.
  Status st = AppendBigLog(dir, "tail", 31, kEventsPerConvention);
  if (st.ok()) st = AppendBigLog(dir, "tailb", 1, 8);
  if (!st.ok()) {
    report.Error("audit tail setup: " + st.ToString());
    return rate;
  }
  auto source = ledger::OpenLedgerSource(dir);
  if (!source.ok()) {
    report.Error("audit source: " + source.status().ToString());
    return rate;
  }
  ledger::VerifyOptions vo;
  vo.trusted_vkey = vkey;
  vo.since = state;
  Stopwatch sw;
  auto r = ledger::Verifier(vo).Run(**source);
  double s = sw.Seconds();
  if (!r.ok() || !r->ok()) {
    report.Error("incremental audit: " +
                 (r.ok() ? std::to_string(r->failures_total) + " failures" : r.status().ToString()));
    return rate;
  }
  report.Add("audit.incremental.last1000", s, "s", std::nullopt, {}, Cmp::kValueAtMost, 1,
             std::to_string(r->records) + " new records after " + std::to_string(size) +
                 " (mode " + r->mode + ")");
  return rate;
}
#else
double MeasureAudit(const fs::path&, const TempDir&, uint64_t, const MachineLimits&,
                    Report& report) {
  report.NotMeasured("audit.full", "events/s", "verifier missing (ledger/verify.h); TODO(lead)",
                     "ratio >= 0.9");
  report.NotMeasured("audit.incremental.last1000", "s",
                     "verifier missing (ledger/verify.h); TODO(lead)", "<= 1 s");
  return -1;
}
#endif

}  // namespace

double MeasureBigLog(const fs::path& tmp, const BigLogConfig& config,
                     const MachineLimits& limits, Report& report) {
  double audit_rate = -1;
  auto root = TempDir::Create(tmp, "paraphe-bench-log-");
  if (!root.ok()) {
    report.Error(root.status().ToString());
    return -1;
  }
  const fs::path dir = root->path() / "ledger";
  const uint64_t count =
      std::max<uint64_t>(1, (config.events - config.big_convention) / kEventsPerConvention);
  const std::string big_id = ConventionId("long", 0);
  Progress("big log: %llu conventions x %llu events + 1 x %llu events (setup: sign on all cores, "
           "append with sync=false)",
           static_cast<unsigned long long>(count),
           static_cast<unsigned long long>(kEventsPerConvention),
           static_cast<unsigned long long>(config.big_convention));
  Stopwatch setup;
  if (Status st = InitBenchLedger(dir); !st.ok()) {
    report.Error("big log init: " + st.ToString());
    return -1;
  }
  if (Status st = AppendBigLog(dir, "log", count, kEventsPerConvention); !st.ok()) {
    report.Error("big log setup: " + st.ToString());
    return -1;
  }
  {
    // The long convention goes through the Ledger so that it gets snapshots.
    LedgerOptions o;
    o.sync = false;
    o.check = ledger::IntegrityCheck::kNone;
    auto l = Ledger::Open(dir, o);
    if (!l.ok()) {
      report.Error("big log open: " + l.status().ToString());
      return -1;
    }
    auto reg = (*l)->Submit(RegistrationJws(big_id));
    if (!reg.ok()) {
      report.Error("big log registration: " + reg.status().ToString());
      return -1;
    }
    std::vector<std::string> events(config.big_convention - 1);
    ParallelFor(events.size(), [&](int, size_t i) { events[i] = CommitteeJws(big_id, i + 1); });
    if (Status st = SubmitLists(**l, {events}, 256); !st.ok()) {
      report.Error("big log long convention: " + st.ToString());
      return -1;
    }
  }
  Progress("big log ready in %.0f s", setup.Seconds());

  // The long convention is replayed on its own: replaying one event copies
  // the convention's state, so a long history costs O(events^2).
  std::vector<std::string> ids;
  for (uint64_t c = 0; c < count; ++c) ids.push_back(ConventionId("log", c));
  uint64_t size = 0;

  // --- 4. Replay ---
  {
    auto l = OpenReadOnly(dir);
    if (!l.ok()) {
      report.Error("read-only open: " + l.status().ToString());
      return -1;
    }
    size = (*l)->size();
    Stopwatch sw;
    auto n = ReplayAll(**l, ids, 1);
    double s1 = sw.Seconds();
    if (!n.ok()) {
      report.Error("replay: " + n.status().ToString());
    } else {
      std::string note = std::to_string(*n) + " events, " + std::to_string(ids.size()) +
                         " conventions of " + std::to_string(kEventsPerConvention) +
                         " events, State(id, as of last seq), 1 thread";
      report.Add("replay.full.1thread", static_cast<double>(*n) / s1, "events/s", std::nullopt,
                 {}, Cmp::kValueAtLeast, 1e6, note);
    }
  }
  {
    auto l = OpenReadOnly(dir);
    if (l.ok()) {
      Stopwatch sw;
      auto n = ReplayAll(**l, ids, Cores());
      double s = sw.Seconds();
      if (n.ok()) {
        report.Add("replay.full.all_cores", static_cast<double>(*n) / s, "events/s",
                   std::nullopt, {}, Cmp::kNone, 0,
                   "the same on " + std::to_string(Cores()) + " threads");
      } else {
        report.Error("replay (all cores): " + n.status().ToString());
      }
    }
  }
  {
    auto l = OpenReadOnly(dir);
    if (l.ok()) {
      Stopwatch sw;
      auto n = ReplayAll(**l, {big_id}, 1);
      double s = sw.Seconds();
      if (n.ok()) {
        report.Add("replay.long_convention", static_cast<double>(*n) / s, "events/s",
                   std::nullopt, {}, Cmp::kNone, 0,
                   "one convention of " + std::to_string(*n) + " events, no snapshot");
      } else {
        report.Error("replay (long convention): " + n.status().ToString());
      }
    }
  }
  {
    Stopwatch sw;
    auto n = ReplayScan(dir / "db", big_id);
    double s = sw.Seconds();
    if (n.ok()) {
      report.Add("replay.scan.1thread", static_cast<double>(*n) / s, "events/s", std::nullopt,
                 {}, Cmp::kValueAtLeast, 1e6,
                 "Log::Scan in seq order + JwsParse + ParseEvent + Apply");
    } else {
      report.Error("replay scan: " + n.status().ToString());
    }
  }

  // --- 4b. Current state of the long convention, with snapshots ---
  {
    std::vector<double> ms;
    uint64_t version = 0;
    for (int i = 0; i < config.snapshot_opens; ++i) {
      auto l = OpenReadOnly(dir);
      if (!l.ok()) {
        report.Error("read-only open: " + l.status().ToString());
        break;
      }
      Stopwatch sw;
      auto s = (*l)->State(big_id);
      ms.push_back(sw.Seconds() * 1e3);
      if (!s.ok()) {
        report.Error("state: " + s.status().ToString());
        break;
      }
      version = s->version;
    }
    if (!ms.empty()) {
      double median = Percentile(ms, 0.5);
      report.Add("state.current.snapshot", median, "ms", std::nullopt, {}, Cmp::kValueAtMost, 1,
                 "median of " + std::to_string(ms.size()) + " fresh read-only opens; " +
                     std::to_string(version) + " events, tail after snapshot " +
                     std::to_string(version % 64) + ", log " + std::to_string(size));
    }
  }

  // --- 6. Proofs ---
  {
    auto l = OpenReadOnly(dir);
    if (l.ok()) {
      std::mt19937_64 rng(42);
      std::vector<double> incl, cons;
      incl.reserve(config.proof_samples);
      cons.reserve(config.proof_samples);
      bool failed = false;
      for (size_t i = 0; i < config.proof_samples && !failed; ++i) {
        uint64_t seq = rng() % size;
        Stopwatch sw;
        auto p = (*l)->ProveInclusion(seq, 0);
        incl.push_back(sw.Seconds() * 1e6);
        if (!p.ok()) {
          report.Error("inclusion proof: " + p.status().ToString());
          failed = true;
        }
      }
      for (size_t i = 0; i < config.proof_samples && !failed; ++i) {
        uint64_t from = 1 + rng() % (size - 1);
        Stopwatch sw;
        auto p = (*l)->ProveConsistency(from, size);
        cons.push_back(sw.Seconds() * 1e6);
        if (!p.ok()) {
          report.Error("consistency proof: " + p.status().ToString());
          failed = true;
        }
      }
      if (!failed) {
        std::string note = std::to_string(config.proof_samples) + " random proofs at " +
                           std::to_string(size) + " leaves, Ledger on a fresh read-only open";
        report.Add("proof.inclusion.p50", Percentile(incl, 0.5), "us", std::nullopt, {},
                   Cmp::kValueAtMost, 100, note);
        report.Add("proof.inclusion.p99", Percentile(incl, 0.99), "us");
        report.Add("proof.consistency.p50", Percentile(cons, 0.5), "us", std::nullopt, {},
                   Cmp::kValueAtMost, 100, note);
        report.Add("proof.consistency.p99", Percentile(cons, 0.99), "us");
      }
    }
  }

  // --- 5. Audit ---
  audit_rate = MeasureAudit(dir, *root, size, limits, report);

  // --- paraphed's start-up cost at this size: the full integrity check ---
  {
    Stopwatch sw;
    auto l = OpenReadOnly(dir, ledger::IntegrityCheck::kFull);
    double s = sw.Seconds();
    if (l.ok()) {
      size = (*l)->size();  // the audit appended its tail
      report.Add("open.check_full", s, "s", std::nullopt, {}, Cmp::kNone, 0,
                 "Ledger::Open with IntegrityCheck::kFull (what paraphed does) at " +
                     std::to_string(size) + " records");
    } else {
      report.Error("open with full check: " + l.status().ToString());
    }
  }

  // --- 8. Bytes on disk per event ---
  uint64_t bytes = DiskUsageBytes(dir / "db");
  report.Add("disk.bytes_per_event", static_cast<double>(bytes) / static_cast<double>(size),
             "B/event", static_cast<double>(SampleCommitteeJws().size()), "JWS bytes",
             Cmp::kNone, 0,
             "du of the RocksDB dir / " + std::to_string(size) + " events (no manual compaction)");
  return audit_rate;
}

}  // namespace paraphe::bench
