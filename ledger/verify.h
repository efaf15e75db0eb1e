// Verifier: the auditor's check of a whole Paraphe log, trusting nothing but
// the ledger's verifier key (docs/FORMAT.md section 7).
//
// Every run checks, for every record it covers:
//   - the latest checkpoint's signed note against the trusted verifier key
//     (pinned, or taken from the data and flagged `trusted_from_data`);
//   - the leaf's embedded seq against its position (`sequence_gap`);
//   - the leaf hash recomputed from the record bytes, and the RFC 6962 root
//     over all leaves against the checkpoint's root (`root`); when the root
//     differs and the source can give inclusion proofs, the leaves that the
//     checkpoint does not commit to are named (`leaf_hash`);
//   - the JWS signature against the key registry as it stood at that point
//     of the log (`signature`);
//   - stream versions: expected_version equals the convention's replayed
//     version, and matches the stored (stream, version) where the source has
//     one (`index`);
//   - the convention's rules, replayed from the start with the domain's pure
//     Apply (`rule:<id>`).
// A failed event is not applied: its convention's replay continues from the
// last good state. Signature checks run on a pool of threads; the rest
// streams in log order.
//
// Incremental audit (`since`): the auditor keeps the file the previous run
// saved (`save_state`): the checkpoint it verified, the Merkle frontier at
// that size, every convention's replayed state (snapshot bytes) and the
// operator keys (docs/FORMAT.md section 9). The next run verifies that
// checkpoint's signature, a consistency proof from its size to the current
// one (`consistency`: a rollback, a fork or a rewritten history fails here
// even when signed by the real ledger key), then only the records added
// since: O(new records + log n). A bare saved checkpoint (a signed note) is
// also accepted: consistency is checked, then everything is replayed.
//
// Thread-safety: Verifier::Run may be called from one thread at a time per
// Verifier; sources must not be modified during a run. Sources returned by
// the Open*/Make* functions own what they read, except MakeLedgerSource whose
// Ledger must outlive it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "crypto/sha256.h"
#include "crypto/status.h"
#include "ledger/bundle.h"
#include "ledger/domain/rules.h"
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
  // The verifier key the data claims (used only without a pinned key).
  virtual std::string claimed_verifier_key() const = 0;
  // Operator public keys by kid (recomputed thumbprints).
  virtual Result<OperatorKeys> operator_keys() const = 0;
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

// ------------------------------------------------------------------ results

// Property names of failures.
inline constexpr char kPropSignature[] = "signature";
inline constexpr char kPropLeafHash[] = "leaf_hash";
inline constexpr char kPropRoot[] = "root";
inline constexpr char kPropCheckpointSignature[] = "checkpoint_signature";
inline constexpr char kPropConsistency[] = "consistency";
inline constexpr char kPropSequenceGap[] = "sequence_gap";
inline constexpr char kPropIndex[] = "index";
// Rule failures are "rule:<rule id>", e.g. "rule:payment.twice".

struct VerifyFailure {
  std::optional<uint64_t> seq;  // position in the log; none for whole-log facts
  std::string convention;       // empty when unknown or not about one
  std::string property;
  std::string detail;
  boost::json::object ToJson() const;
};

// One event as the auditor's timeline shows it (only with collect_details).
struct TimelineEntry {
  uint64_t seq = 0;
  int64_t recorded_at_ms = 0;
  std::string date;   // business date
  int64_t recording_lag_days = 0;  // RecordingLagDays (calendar.h)
  std::string type;
  std::string party;
  std::string role;
  std::string kid;
  bool ok = true;     // false if the event failed a check
};

struct ConventionSummary {
  std::string id;
  std::string title;
  uint64_t events = 0;     // records of this convention verified in this run
  uint64_t accepted = 0;   // of which every check passed and the rules applied
  uint64_t failures = 0;
  uint64_t version = 0;    // replayed version at the end
  std::vector<TimelineEntry> timeline;  // with collect_details
  boost::json::value state;             // StateToJson, with collect_details
};

struct VerifyResult {
  // What was verified.
  std::string source;
  std::string origin;
  std::string verifier_key;      // the key checkpoints were checked with
  bool trusted_from_data = false;  // true: no key was pinned (weak)
  std::string checkpoint;        // the latest checkpoint note
  uint64_t tree_size = 0;        // the checkpoint's size
  crypto::Hash root{};           // the checkpoint's root
  // "full", "incremental" (from an audit state file) or
  // "full_after_checkpoint" (a bare checkpoint was given: consistency was
  // checked, then everything replayed).
  std::string mode = "full";
  std::optional<uint64_t> since_size;  // size of the saved checkpoint
  uint64_t start = 0;                  // first position verified this run
  uint64_t records = 0;                // records verified this run
  uint64_t signatures_checked = 0;
  uint64_t events_replayed = 0;        // events the rules accepted
  double seconds = 0;
  double records_per_second = 0;
  unsigned threads = 0;
  std::vector<VerifyFailure> failures;  // in log order; capped
  uint64_t failures_total = 0;          // including those over the cap
  std::map<std::string, ConventionSummary> conventions;
  std::vector<std::string> notes;       // what was done, warnings
  std::optional<std::filesystem::path> saved_state;

  bool ok() const { return failures_total == 0; }
  boost::json::object ToJson() const;
};

// ------------------------------------------------------------------ verifier

struct VerifyOptions {
  // C2SP verifier key to trust. Without it (and without an audit state that
  // carries one) the key found in the data is used and the result says so.
  std::optional<std::string> trusted_vkey;
  // An audit state file saved by a previous run, or a bare signed
  // checkpoint note (the file's content decides).
  std::optional<std::filesystem::path> since;
  // Write the audit state here at the end when the run found no failure.
  std::optional<std::filesystem::path> save_state;
  // Signature worker threads; 0 = every core.
  unsigned threads = 0;
  // (records done, records to verify this run).
  std::function<void(uint64_t done, uint64_t total)> progress;
  // Keep the timeline and final state of each convention (for the report).
  bool collect_details = false;
  // Failures kept in VerifyResult::failures (all are counted).
  size_t max_failures = 10000;
};

class Verifier {
 public:
  explicit Verifier(VerifyOptions options);
  // Verifies the source. Findings are failures in the result, not errors;
  // an error is returned only when verification could not be carried out:
  // kInvalidArgument for a malformed trusted key, a `since` file that is
  // neither an audit state nor a checkpoint, or an audit state whose
  // frontier does not match its own checkpoint; kUnauthenticated when the
  // `since` checkpoint does not verify with the trusted key; kNotFound for a
  // missing `since` file; kUnavailable for I/O (the source, save_state).
  Result<VerifyResult> Run(const VerifySource& source) const;

 private:
  VerifyOptions options_;
};

// One call for `paraphe verify`: Verifier(options).Run(source).
Result<VerifyResult> VerifyLog(const VerifySource& source, const VerifyOptions& options);

// --------------------------------------------------------------- audit state

// What an incremental audit resumes from (docs/FORMAT.md section 9).
struct AuditState {
  std::string origin;
  std::string verifier_key;
  std::string checkpoint;  // the verified note at tree_size
  uint64_t tree_size = 0;
  crypto::Hash root{};
  std::vector<crypto::Hash> frontier;  // perfect subtree roots, largest first
  int64_t last_recorded_at_ms = 0;
  OperatorKeys operator_keys;
  std::map<std::string, std::string> snapshots;  // convention -> EncodeSnapshot
};

std::string EncodeAuditState(const AuditState& s);
// kInvalidArgument for anything that is not a well-formed audit state file.
Result<AuditState> DecodeAuditState(std::string_view text);

// ------------------------------------------------------------------- report

// A self-contained HTML page (no external resources): the ledger's identity
// and checkpoint, the verification figures and failures, and per convention
// its timeline, payments against the contract amount, amendments, letters
// and deadlines. Needs a result produced with collect_details for the
// per-convention sections.
std::string RenderVerifyReportHtml(const VerifyResult& result);

}  // namespace paraphe::ledger
