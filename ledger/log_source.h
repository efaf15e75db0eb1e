// VerifySource: the one interface through which Paraphe reads a log it does
// not trust: an open Ledger, a ledger directory, an export bundle, or (in
// tools/) a server over HTTP. The verifier (verify.h) and the exporter
// (bundle.h WriteBundle) both read through it, so a bundle written from a
// server is the same bytes as one written from the ledger directory.
//
// Nothing a source returns is trusted: the trust roots (origin, verifier
// key, operator keys) are records of the log itself (the genesis and the
// ledger stream, ledger/domain/ledger_state.h), checked against the keys an
// auditor pinned.
//
// Thread-safety: sources must not be modified during a read. Sources
// returned by the Open*/Make* functions own what they read, except
// MakeLedgerSource whose Ledger must outlive it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/sha256.h"
#include "crypto/status.h"
#include "ledger/bundle.h"
#include "ledger/ledger.h"

namespace paraphe::ledger {

// ------------------------------------------------------------------ sources

// One record as a source delivers it.
struct SourceRecord {
  uint64_t position = 0;   // index in the source's order, 0-based
  std::string leaf;        // exact leaf bytes (empty when `missing`)
  // Set when the source could not produce the record at this position (a
  // deleted or unreadable record): the verifier reports it and goes on.
  Status missing;
  // What the source claims besides the leaf, when it has it (a bundle line's
  // seq and time; a ledger's stored stream index). Checked, never trusted.
  std::optional<uint64_t> claimed_seq;
  std::optional<int64_t> claimed_recorded_at_ms;
  std::optional<std::string> stream;
  std::optional<uint64_t> stream_version;
};

// Where the verifier reads a log from. Implementations: an open Ledger, an
// export bundle; the CLI adds a server (HTTP) source. Nothing a source
// returns is trusted.
class VerifySource {
 public:
  virtual ~VerifySource() = default;
  // "ledger /path", "bundle file.jsonl", "server http://...".
  virtual std::string Describe() const = 0;
  // Number of record positions the source holds.
  virtual uint64_t size() const = 0;
  // The latest signed checkpoint note, verbatim.
  virtual Result<std::string> checkpoint() const = 0;
  // The verifier key the data claims (used only without a pinned key, and
  // by the exporter to check the cut it writes).
  virtual std::string claimed_verifier_key() const = 0;
  // Calls fn for positions [from, size()) in order; stops at the first
  // non-OK status fn returns and returns it. A record that cannot be read is
  // delivered with `missing` set; only a failure to read the source as a
  // whole (I/O) is returned as an error.
  virtual Status ForEachRecord(uint64_t from,
                               const std::function<Status(SourceRecord&&)>& fn) const = 0;
  // RFC 9162 consistency proof between two tree sizes of this log.
  virtual Result<std::vector<crypto::Hash>> ConsistencyProof(uint64_t old_size,
                                                             uint64_t new_size) const = 0;
  // Inclusion proof for leaf `index` in the tree of `size` leaves, used only
  // to name the leaves a failed root does not commit to. Default: kNotFound
  // (the source has no proofs; a bundle carries none).
  virtual Result<std::vector<crypto::Hash>> InclusionProof(uint64_t index,
                                                           uint64_t size) const;
};

// Opens DIR read-only (no keys needed, safe beside a running server) without
// the open-time integrity check, so that corruption is reported by the
// verifier rather than refused by Open. Errors of Ledger::Open (a database
// whose latest checkpoint does not verify or does not match the number of
// records still fails here, kDataLoss).
Result<std::unique_ptr<VerifySource>> OpenLedgerSource(const std::filesystem::path& dir);
// `ledger` must outlive the source, and should not be written to during a
// run (records appended after the checkpoint was read show up as a size
// mismatch, `root`); OpenLedgerSource reads a fixed read-only view.
std::unique_ptr<VerifySource> MakeLedgerSource(const Ledger& ledger, std::string description);
// Reads FILE with ReadBundle (its errors, plus kNotFound for a missing file).
Result<std::unique_ptr<VerifySource>> OpenBundleSource(const std::filesystem::path& file);
std::unique_ptr<VerifySource> MakeBundleSource(Bundle bundle, std::string description);

}  // namespace paraphe::ledger
