// The peer, side by side: PostgreSQL 15 started by the bench on a temporary
// directory (loopback only), an append-only table whose rows carry a hash
// chain computed by pgcrypto (chain = digest(prev_chain || jws, 'sha256'),
// serialized through a one-row head table), synchronous_commit = on, and
// the application verifying each JWS signature before inserting. The same
// producers send the same pre-signed events as to Paraphe; the audit
// recomputes the chain and verifies every signature (on all cores).
//
// If PostgreSQL cannot start (no binaries, no libpq at build time, initdb
// failing) the peer's rows say why and the run goes on.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "tools/bench/ledger_bench.h"
#include "tools/bench/machine_limits.h"
#include "tools/bench/report.h"

namespace paraphe::bench {

struct PeerConfig {
  std::filesystem::path pg_bin = "/usr/lib/postgresql/15/bin";
  // Events per producer: a prefix of each producer's list (same events,
  // fewer of them: PostgreSQL commits the chain one row at a time).
  size_t events = 20000;
};

struct ParapheRates {
  double append_inprocess = -1;
  double append_http = -1;
  double audit = -1;  // negative: not measured
};

void MeasurePostgresPeer(const std::filesystem::path& tmp, const PeerConfig& config,
                         const AppendWorkload& w, const MachineLimits& limits,
                         const ParapheRates& paraphe, Report& report);

}  // namespace paraphe::bench
