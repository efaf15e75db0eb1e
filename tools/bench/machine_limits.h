// Limits of the machine, measured at the start of every run so that each
// figure can be read as a fraction of what the hardware allows right now:
// raw OpenSSL Ed25519 verification on one core and on all cores, SHA-256
// throughput, and RocksDB synced WriteBatch commits (the fsync rate).
#pragma once

#include <filesystem>

#include "tools/bench/report.h"

namespace paraphe::bench {

struct MachineLimits {
  int cores = 1;
  double verify_one_core = 0;   // Ed25519 verifications/s, one thread
  double verify_all_cores = 0;  // Ed25519 verifications/s, one thread per core
  double sign_all_cores = 0;    // Ed25519 signatures/s, all cores
  double sha256_mb_s = 0;       // MB/s over 1 MiB buffers, one core
  double rocksdb_synced_batches = 0;  // synced WriteBatch commits/s, one writer
};

// `seconds` per measurement; `tmp` holds the scratch RocksDB.
MachineLimits MeasureMachineLimits(double seconds, const std::filesystem::path& tmp,
                                   Report& report);

}  // namespace paraphe::bench
