// Ledger: Paraphe's library facade. Joins the signed Merkle log (log.h) and
// the convention domain (domain/): an event is accepted only if its JWS
// verifies with a key registered for the acting party and role, and the
// convention's rules allow it at that point of its replayed history.
//
// A ledger directory holds:
//   DIR/db/             RocksDB (records, indexes, Merkle nodes, checkpoints,
//                       snapshots)
//   DIR/keys/ledger.pem the checkpoint signing key (0600)
//   DIR/keys/operator.pem  the first operator key (0600), created by Init
//
// Current state is never stored as truth: it is rebuilt by replaying the
// log, with snapshots (a cache, every `snapshot_every` versions) so the
// current state of a convention costs O(events since the last snapshot).
//
// Thread-safety: every method may be called from any thread. Submit* does
// the JSON parsing and the signature check on the calling thread, so callers
// that want parallel verification call it from several threads (the server
// uses a worker pool); the rule checks and the write run on the log's single
// writer thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "crypto/ed25519.h"
#include "crypto/note.h"
#include "crypto/status.h"
#include "ledger/log.h"

namespace paraphe::ledger {

struct ConventionState;  // ledger/domain/state.h
struct LedgerState;      // ledger/domain/ledger_state.h
class Date;              // ledger/domain/calendar.h

struct InitOptions {
  std::string origin = "paraphe.local/ledger";  // checkpoint origin / key name
  bool overwrite_keys = false;
  // Use this operator key (PKCS#8 PEM) instead of generating one; it is
  // written to DIR/keys/operator.pem. `paraphe demo` passes its demo key.
  std::optional<std::string> operator_key_pem;
  // Records the genesis (seq 0); pass the clock the ledger will be opened
  // with (recording times never decrease along the log).
  Clock clock = SystemClockMs;
};

struct InitResult {
  std::string verifier_key;          // C2SP vkey of the checkpoint key
  std::string operator_kid;          // RFC 7638 thumbprint
  std::filesystem::path operator_key_path;
  std::filesystem::path ledger_key_path;
};

struct LedgerOptions {
  bool read_only = false;  // no writer, no keys needed; safe beside a server
  IntegrityCheck check = IntegrityCheck::kFull;
  size_t max_batch = 1024;
  size_t queue_capacity = 16384;
  uint64_t snapshot_every = 64;  // versions between snapshots of a convention
  bool sync = true;
  Clock clock = SystemClockMs;
  rocksdb::Env* env = nullptr;  // fault injection; must outlive the Ledger
};

// Which prefix of a convention's history a read sees.
struct AsOf {
  std::optional<uint64_t> seq;        // records with seq <= this
  std::optional<std::string> date;    // YYYY-MM-DD: events up to the first
                                      // dated after it; phase evaluated then
};

struct ProofResult {
  uint64_t index = 0;          // inclusion: leaf index (== seq)
  uint64_t old_size = 0;       // consistency
  uint64_t tree_size = 0;
  crypto::Hash old_root{};     // consistency
  crypto::Hash root{};
  crypto::Hash leaf_hash{};    // inclusion
  std::string leaf_data;       // inclusion: exact leaf bytes
  std::vector<crypto::Hash> proof;
  std::string checkpoint;      // signed note of tree_size, when one exists
};

// JSON shapes shared by the CLI and the server (docs/API.md, docs/CLI.md):
//   inclusion:   {"index","tree_size","root","leaf_hash","leaf_data","proof":[],"checkpoint"}
//   consistency: {"old_size","old_root","tree_size","root","proof":[]}
//   receipt:     {"seq","convention","version","leaf_hash","recorded_at","duplicate","checkpoint","inclusion_proof":{...}}
// Hashes and leaf_data are standard base64.
boost::json::object InclusionProofJson(const ProofResult& p);
boost::json::object ConsistencyProofJson(const ProofResult& p);
// The inverse, for clients: strict shapes (hashes exactly 32 bytes, sizes
// non-negative integers); kInvalidArgument naming the member at fault. They
// parse; they do not verify (crypto::VerifyInclusion/VerifyConsistency do).
Result<ProofResult> InclusionProofFromJson(const boost::json::value& v);
Result<ProofResult> ConsistencyProofFromJson(const boost::json::value& v);
// C2SP tlog-proof text form of an inclusion proof (the receipt a finance
// department keeps): "c2sp.org/tlog-proof@v1\nindex N\n<b64>...\n\n<checkpoint>".
std::string InclusionProofText(const ProofResult& p);

// The JWS of a genesis record (docs/EVENTS.md "The ledger stream"): a
// LedgerGenesis dated at the Paris date of now_ms, naming origin, the
// verifier key and the operator key that signs it. Init appends it as seq 0;
// tests and tools that build logs by hand use it too.
std::string SignGenesis(const crypto::PrivateKey& operator_key, std::string_view origin,
                        std::string_view verifier_key, int64_t now_ms);

class Ledger {
 public:
  // Creates DIR (must be absent or empty), its keys and its database, whose
  // first record (seq 0) is the genesis: a LedgerGenesis event signed by the
  // operator key, naming the origin, the verifier key and the operator key.
  // All private whatever the umask: DIR, DIR/db and DIR/keys mode 0700,
  // every file 0600 (an absent or empty DIR is made 0700; a non-empty one
  // that group or others can access is refused, kPermissionDenied).
  static Result<InitResult> Init(const std::filesystem::path& dir,
                                 const InitOptions& options);
  // kNotFound if DIR holds no ledger; kPermissionDenied, unless read_only,
  // if group or others have any access to DIR, DIR/db or DIR/keys (the
  // message says "fix: chmod 700 <dir>"); kDataLoss if the tree does not
  // match the records (naming the first bad seq), or the log does not begin
  // with a genesis matching the checkpoint key; kInvalidArgument for a
  // database of an older format (named); kUnavailable on I/O errors.
  static Result<std::unique_ptr<Ledger>> Open(const std::filesystem::path& dir,
                                              LedgerOptions options = {});
  ~Ledger();

  // --- writes ---
  // Parses the JWS and its event, resolves the key, verifies the signature
  // (on this thread), then appends through the single writer. Errors:
  // kInvalidArgument (malformed JWS or event), kUnauthenticated (bad
  // signature, unknown or revoked key), kPermissionDenied (party/role),
  // kConflict (expected_version stale: names the current version),
  // kRuleViolation (rule id in status.rule()), kUnavailable (queue full,
  // I/O), kResourceExhausted (JWS over the size limit). Retry is always
  // safe: JWS bytes already in the log return their original receipt
  // (`duplicate` set) before any of these checks can refuse them, even if
  // the key was revoked since.
  Result<Receipt> Submit(std::string_view jws);
  // Asynchronous form: verification runs on the calling thread; `done`
  // runs on the writer thread (or on this thread for early errors).
  void SubmitAsync(std::string jws, std::function<void(Result<Receipt>)> done);

  // --- reads ---
  uint64_t size() const;
  // Number of events of the convention (0 if unknown): the expected_version
  // its next event must carry.
  uint64_t StreamVersion(std::string_view convention) const;
  const std::string& origin() const;
  const std::string& verifier_key() const;
  // The ledger stream's registry as of the latest durable record: origin,
  // verifier key and operator keys, replayed from the log (never from a
  // file beside it).
  LedgerState Trust() const;

  // Replayed state of one convention (kNotFound if unknown).
  Result<ConventionState> State(std::string_view convention,
                                const AsOf& as_of = {}) const;
  // State as JSON (domain/state.h StateToJson), the phase evaluated at
  // as_of.date, or at today's Paris date when absent.
  Result<boost::json::value> StateJson(std::string_view convention,
                                       const AsOf& as_of = {}) const;
  // Every convention: {"convention","title","phase","version"}.
  boost::json::array ListConventions() const;
  // The convention's records, in stream order.
  Result<std::vector<Record>> History(std::string_view convention) const;
  // One record as JSON: {"seq","recorded_at","convention","version","kid",
  //  "leaf_hash","jws","event":{payload}}
  Result<boost::json::object> RecordJson(const Record& r) const;
  // An append's receipt as JSON (docs/API.md, POST /v1/events):
  // {"seq","convention","version","leaf_hash","recorded_at","duplicate",
  //  "checkpoint","inclusion_proof"}, the proof against the receipt's own
  // checkpoint. Waits (2 s at most) for size() to cover a receipt the writer
  // has just returned.
  Result<boost::json::object> ReceiptJson(const Receipt& receipt) const;
  // The finance view: installments, mandats, orders and executions, each
  // with its seq and an inclusion proof against the latest checkpoint.
  Result<boost::json::object> PaymentsJson(std::string_view convention) const;

  Result<Record> Entry(uint64_t seq) const;
  Result<std::vector<Record>> Entries(uint64_t start, uint64_t end,
                                      size_t limit) const;
  Result<std::string> Checkpoint() const;
  Result<std::string> CheckpointAt(uint64_t size) const;
  // tree_size 0 means the latest size.
  Result<ProofResult> ProveInclusion(uint64_t seq, uint64_t tree_size = 0) const;
  Result<ProofResult> ProveConsistency(uint64_t from, uint64_t to) const;

  // Blocks until size() > known or timeout; returns size(). For live
  // subscriptions (SSE): only durable records are ever visible.
  uint64_t WaitForGrowth(uint64_t known, std::chrono::milliseconds timeout) const;
  Log::Stats stats() const;
  size_t queue_depth() const;

 private:
  class Impl;
  explicit Ledger(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace paraphe::ledger
