// Measurements through paraphed on loopback (figures 3, 7 and the server's
// peak RSS, 8): the bench starts `paraphed --data DIR --listen 127.0.0.1:0`
// as a child process and drives it with keep-alive HTTP/1.1 connections, one
// thread each.
#pragma once

#include <filesystem>
#include <string>

#include "tools/bench/ledger_bench.h"
#include "tools/bench/machine_limits.h"
#include "tools/bench/report.h"

namespace paraphe::bench {

struct HttpConfig {
  std::filesystem::path paraphed;  // the server binary
  double read_seconds = 5;         // per read endpoint
};

// Returns the HTTP append rate (events/s), or a negative value.
double MeasureHttp(const std::filesystem::path& tmp, const HttpConfig& config,
                   const AppendWorkload& w, const MachineLimits& limits, Report& report);

}  // namespace paraphe::bench
