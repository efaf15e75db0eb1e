// paraphe-bench: measures Paraphe against the limits of the machine it runs
// on, in one run (docs/PERFORMANCE.md).
//
//   paraphe-bench [--quick] [--json] [--tmp DIR] [--paraphed PATH]
//                 [--pg-bin DIR] [--no-postgres] [--producers N]
//                 [--events N] [--log-events N] [--seconds S]
//
// Prints a table (or, with --json, one JSON object per figure on stdout;
// progress and the table go to stderr). Exit 0 when every measurement ran
// (a target not met is a result, not a failure; a peer that cannot start is
// reported and skipped), 1 when a measurement failed, 2 for bad flags.
#include <openssl/crypto.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <CLI/CLI.hpp>

#include "tools/bench/http_bench.h"
#include "tools/bench/ledger_bench.h"
#include "tools/bench/machine_limits.h"
#include "tools/bench/postgres_peer.h"
#include "tools/bench/report.h"
#include "tools/bench/util.h"

namespace {

namespace fs = std::filesystem;
using namespace paraphe::bench;

fs::path DefaultParaphed() {
#if defined(PARAPHE_BENCH_PARAPHED)
  if (fs::exists(PARAPHE_BENCH_PARAPHED)) return PARAPHE_BENCH_PARAPHED;
#endif
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return self.parent_path().parent_path().parent_path() / "api" / "paraphed";
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"paraphe-bench: Paraphe's figures next to the limits of this machine"};
  bool quick = false, json = false, no_postgres = false;
  std::string tmp = fs::temp_directory_path().string();
  std::string paraphed = DefaultParaphed().string();
  std::string pg_bin = "/usr/lib/postgresql/15/bin";
  int producers = 0;
  uint64_t events = 0, log_events = 0;
  double seconds = 0;
  app.add_flag("--quick", quick, "small sizes, under a minute (smoke run)");
  app.add_flag("--json", json, "one JSON object per figure on stdout");
  app.add_option("--tmp", tmp, "where temporary ledgers and databases go (deleted)")
      ->capture_default_str();
  app.add_option("--paraphed", paraphed, "the paraphed binary")->capture_default_str();
  app.add_option("--pg-bin", pg_bin, "PostgreSQL server binaries (initdb, pg_ctl)")
      ->capture_default_str();
  app.add_flag("--no-postgres", no_postgres, "skip the PostgreSQL peer");
  app.add_option("--producers", producers,
                 "concurrent producers / connections (default 64; quick 32)");
  app.add_option("--events", events, "events appended per append run (default 100000; quick 2000)");
  app.add_option("--log-events", log_events,
                 "events of the big log for replay/proofs (default 1000000; quick 20000)");
  app.add_option("--seconds", seconds, "seconds per machine-limit measurement (default 2; quick 0.3)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (producers <= 0) producers = quick ? 32 : 64;
  if (events == 0) events = quick ? 2000 : 100000;
  if (log_events == 0) log_events = quick ? 20000 : 1000000;
  if (seconds <= 0) seconds = quick ? 0.3 : 2;

  Report report;
  report.set_json(json);
  struct utsname un {};
  uname(&un);
  Progress("paraphe-bench %s: %s, %d hardware threads, Linux %s, %s", quick ? "--quick" : "full",
           CpuModel().c_str(), Cores(), un.release, OpenSSL_version(OPENSSL_VERSION));
  Stopwatch total;

  MachineLimits limits = MeasureMachineLimits(seconds, tmp, report);

  Progress("signing the append workload (%llu events) on all cores",
           static_cast<unsigned long long>(events));
  AppendWorkload workload = BuildAppendWorkload(events, producers);

  ParapheRates rates;
  rates.append_inprocess = MeasureAppendInProcess(tmp, workload, limits, report);

  HttpConfig http;
  http.paraphed = paraphed;
  http.read_seconds = quick ? 1 : 5;
  rates.append_http = MeasureHttp(tmp, http, workload, limits, report);

  BigLogConfig big;
  big.events = log_events;
  big.big_convention = quick ? 64 * 16 + 32 : 64 * 64 + 32;
  big.proof_samples = quick ? 1000 : 20000;
  big.snapshot_opens = quick ? 3 : 7;
  rates.audit = MeasureBigLog(tmp, big, limits, report);

  if (no_postgres) {
    report.NotMeasured("peer.postgres.append", "events/s", "--no-postgres");
    report.NotMeasured("peer.postgres.audit", "events/s", "--no-postgres");
  } else {
    PeerConfig peer;
    peer.pg_bin = pg_bin;
    peer.events = quick ? 1000 : 20000;
    MeasurePostgresPeer(tmp, peer, workload, limits, rates, report);
  }

  Progress("done in %.0f s", total.Seconds());
  report.PrintTable(json ? stderr : stdout);
  return report.errors().empty() ? 0 : 1;
}
