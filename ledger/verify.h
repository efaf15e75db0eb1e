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
#include "ledger/log_source.h"
#include "ledger/domain/ledger_state.h"
#include "ledger/domain/rules.h"
#include "ledger/ledger.h"

namespace paraphe::ledger {

// ------------------------------------------------------------------ results

// Property names of failures.
inline constexpr char kPropSignature[] = "signature";
inline constexpr char kPropLeafHash[] = "leaf_hash";
inline constexpr char kPropRoot[] = "root";
inline constexpr char kPropCheckpointSignature[] = "checkpoint_signature";
inline constexpr char kPropConsistency[] = "consistency";
inline constexpr char kPropSequenceGap[] = "sequence_gap";
inline constexpr char kPropIndex[] = "index";
// The log does not begin with a valid genesis, or its genesis contradicts
// the pinned verifier key, the checkpoint's origin or the pinned operator
// keys.
inline constexpr char kPropGenesis[] = "genesis";
// An event of a party whose keys the auditor pinned is signed by another key.
inline constexpr char kPropKeyPin[] = "key_pin";
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
  // The ledger stream's registry (origin, verifier key, operator keys) as
  // replayed from the log by this run, and how many of its records it saw.
  LedgerState ledger;
  uint64_t ledger_events = 0;
  // Pins the run checked against (counts; the keys are the caller's).
  size_t pinned_operator_keys = 0;
  size_t pinned_party_keys = 0;
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
  // Operator keys the auditor pinned: the genesis must be signed by one of
  // them (protects even against a stolen ledger key: a forged genesis
  // fails, property `genesis`).
  std::vector<crypto::PublicKey> operator_keys;
  // Party keys the auditor pinned, by party id (in every convention): an
  // event whose actor is such a party must be signed by one of its pinned
  // keys (property `key_pin`), whatever the registry says. The party
  // "operator" is refused (kInvalidArgument): use operator_keys.
  std::multimap<std::string, crypto::PublicKey> party_keys;
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
  LedgerState ledger;  // the ledger stream's registry replayed up to tree_size
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
