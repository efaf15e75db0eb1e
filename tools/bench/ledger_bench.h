// In-process measurements of the ledger library: concurrent appends
// (Ledger::Submit, fsync on), and, on a big log, replay, current state with
// snapshots, proofs, audit, open-time integrity check and bytes on disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "crypto/status.h"
#include "tools/bench/machine_limits.h"
#include "tools/bench/report.h"

namespace paraphe::bench {

// The append workload shared by the in-process, HTTP and PostgreSQL runs:
// the same pre-signed events, in the same per-producer order.
struct AppendWorkload {
  std::vector<std::string> conventions;
  std::vector<std::string> registrations;  // one per convention, setup only
  // per_producer[p]: the committee events producer p submits, in order. A
  // convention belongs to one producer, so versions arrive in order.
  std::vector<std::vector<std::string>> per_producer;
  uint64_t events = 0;
};

// Builds and signs (on all cores) `events` committee events over enough
// conventions for `producers` producers.
AppendWorkload BuildAppendWorkload(uint64_t events, int producers);

// Registers the workload's conventions in a fresh ledger at dir (setup, not
// timed, sync = false).
Status PrepareLedger(const std::filesystem::path& dir, const AppendWorkload& w);

// Figure 2. Returns the append rate (events/s), or a negative value.
double MeasureAppendInProcess(const std::filesystem::path& tmp, const AppendWorkload& w,
                              const MachineLimits& limits, Report& report);

struct BigLogConfig {
  uint64_t events = 1'000'000;     // total, approximately
  uint64_t big_convention = 4128;  // events of the one long convention
  size_t proof_samples = 20000;
  int snapshot_opens = 7;
};

// Figures 4, 5, 6 and bytes per event (8). Returns the full audit rate
// (events/s), negative when not measured.
double MeasureBigLog(const std::filesystem::path& tmp, const BigLogConfig& config,
                   const MachineLimits& limits, Report& report);

}  // namespace paraphe::bench
