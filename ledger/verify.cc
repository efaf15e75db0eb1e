// Verifier: the whole-log check (contract in verify.h).
//
// Records are processed in chunks. For each chunk:
//   1. in parallel: decode the leaf, hash it, parse the JWS and the event;
//   2. in order: Merkle frontier and sequence checks;
//   3. in order, speculatively: resolve each event's signing key on the
//      replayed state and apply the rules as if every signature were good;
//   4. in parallel: verify the signatures with the keys step 3 resolved;
//   5. if a signature turned out bad, the chunk's replay (3) is undone and
//      run again knowing the verdicts (a key resolved differently the second
//      time is verified on the spot). Bad signatures are rare, so the common
//      path verifies every signature once, on all cores.
#include "ledger/verify.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include <boost/json.hpp>

#include "crypto/base64.h"
#include "crypto/jws.h"
#include "crypto/merkle.h"
#include "crypto/note.h"
#include "ledger/domain/event.h"
#include "ledger/domain/snapshot.h"
#include "ledger/domain/state.h"
#include "ledger/record.h"

namespace paraphe::ledger {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr size_t kChunkRecords = 2048;
constexpr size_t kMaxLocalized = 1000;

// A fixed set of threads running ParallelFor jobs; the calling thread takes
// part. One job at a time.
class WorkerPool {
 public:
  explicit WorkerPool(unsigned threads) {
    for (unsigned i = 1; i < threads; ++i) workers_.emplace_back([this] { Loop(); });
  }
  ~WorkerPool() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void ParallelFor(size_t n, const std::function<void(size_t)>& fn) {
    if (n == 0) return;
    if (workers_.empty() || n == 1) {
      for (size_t i = 0; i < n; ++i) fn(i);
      return;
    }
    {
      std::lock_guard<std::mutex> l(mu_);
      fn_ = &fn;
      n_ = n;
      next_.store(0);
      active_ = workers_.size();
      ++generation_;
    }
    cv_.notify_all();
    Work(fn, n);
    std::unique_lock<std::mutex> l(mu_);
    done_cv_.wait(l, [this] { return active_ == 0; });
    fn_ = nullptr;
  }

 private:
  void Work(const std::function<void(size_t)>& fn, size_t n) {
    for (size_t i = next_.fetch_add(1); i < n; i = next_.fetch_add(1)) fn(i);
  }
  void Loop() {
    uint64_t seen = 0;
    for (;;) {
      const std::function<void(size_t)>* fn = nullptr;
      size_t n = 0;
      {
        std::unique_lock<std::mutex> l(mu_);
        cv_.wait(l, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        fn = fn_;
        n = n_;
      }
      Work(*fn, n);
      std::lock_guard<std::mutex> l(mu_);
      if (--active_ == 0) done_cv_.notify_one();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  const std::function<void(size_t)>* fn_ = nullptr;
  size_t n_ = 0;
  std::atomic<size_t> next_{0};
  size_t active_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

// One record of the chunk being verified.
struct Item {
  SourceRecord src;
  bool have_leaf = false;
  DecodedLeaf leaf;
  crypto::Hash leaf_hash{};
  Status leaf_error;
  std::optional<crypto::Jws> jws;
  Status jws_error;
  std::optional<Event> event;
  Status event_error;
  // Signature: the key it was (or is to be) verified with, and the verdict.
  std::optional<crypto::PublicKey> key;
  int verdict = -1;  // -1 not verified, 0 bad, 1 good
  bool assumed_good = false;
};

struct ReplayOut {
  std::vector<VerifyFailure> failures;
  struct Delta {
    uint64_t events = 0, accepted = 0, failures = 0;
  };
  std::map<std::string, Delta> deltas;
  std::vector<std::pair<std::string, TimelineEntry>> timeline;
  uint64_t signatures_checked = 0;
  uint64_t events_replayed = 0;
  uint64_t ledger_events = 0;
};

Result<std::string> ReadWholeFile(const fs::path& p) {
  std::error_code ec;
  if (!fs::exists(p, ec)) return NotFound("no file " + p.string());
  std::ifstream in(p, std::ios::binary);
  if (!in) return Unavailable("cannot read " + p.string());
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Unavailable("cannot read " + p.string());
  return s;
}

Status WriteFileAtomically(const fs::path& p, std::string_view content) {
  fs::path tmp = p;
  tmp += ".partial";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) return Unavailable("cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, p, ec);
  if (ec) return Unavailable("cannot rename " + tmp.string() + " to " + p.string() + ": " + ec.message());
  return Status::Ok();
}

// Everything one run carries along.
class VerifyRun {
 public:
  VerifyRun(const VerifyOptions& options, const VerifySource& source)
      : options_(options), source_(source) {}

  Result<VerifyResult> Execute();

 private:
  void Fail(std::optional<uint64_t> seq, std::string convention, std::string property,
            std::string detail) {
    ++result_.failures_total;
    if (result_.failures.size() < options_.max_failures) {
      result_.failures.push_back(
          {seq, std::move(convention), std::move(property), std::move(detail)});
    }
  }
  void Fail(std::vector<VerifyFailure>& out, uint64_t seq, std::string convention,
            std::string property, std::string detail) {
    out.push_back({seq, std::move(convention), std::move(property), std::move(detail)});
  }

  Status SetUpTrust();
  Status CheckCurrentCheckpoint();
  Status SetUpSince();
  Status ProcessChunk(std::vector<Item>& items);
  void Structural(std::vector<Item>& items, std::vector<VerifyFailure>& out);
  void Replay(std::vector<Item>& items, bool speculative, ReplayOut& out);
  // The signature verdict for `it` with `key` (speculative: assumed good,
  // verified later in parallel). Records a `signature` failure when bad.
  bool CheckSignature(Item& it, const crypto::PublicKey& key, bool speculative,
                      const std::string& conv, ReplayOut& out);
  void ReplayLedgerEvent(Item& it, bool speculative, ReplayOut& out);
  bool IsPinnedOperatorKey(std::string_view kid) const;
  void CheckRoot();
  Status SaveState();
  void Summarize();

  const VerifyOptions& options_;
  const VerifySource& source_;
  VerifyResult result_;
  std::unique_ptr<WorkerPool> pool_;

  std::optional<crypto::NoteVerifier> verifier_;
  std::optional<crypto::Checkpoint> current_;  // parsed current checkpoint
  bool current_verified_ = false;
  LedgerState ledger_;  // replayed from the log's ledger stream

  std::string since_text_;                     // the `since` file
  std::optional<AuditState> saved_;            // from `since` (state file)
  std::optional<crypto::Checkpoint> since_cp_; // the saved checkpoint
  bool consistency_ok_ = true;

  // Streaming state.
  crypto::MerkleFrontier frontier_;
  std::vector<std::optional<crypto::Hash>> last_node_;  // per level
  std::vector<std::optional<crypto::Hash>> hashes_;     // per position of this run
  int64_t last_time_ = INT64_MIN;
  int64_t prev_offset_ = 0;
  std::map<std::string, ConventionState> states_;
  std::map<std::string, ConventionSummary> summaries_;
  uint64_t done_ = 0, total_ = 0;
};

Status VerifyRun::SetUpTrust() {
  std::string vkey;
  if (options_.trusted_vkey) {
    vkey = *options_.trusted_vkey;
    if (saved_ && saved_->verifier_key != vkey) {
      return InvalidArgument("the audit state was saved for verifier key " +
                             saved_->verifier_key + ", not the trusted key " + vkey);
    }
  } else if (saved_) {
    vkey = saved_->verifier_key;
    result_.notes.push_back("verifier key pinned by the audit state file");
  } else {
    vkey = source_.claimed_verifier_key();
    result_.trusted_from_data = true;
    result_.notes.push_back(
        "no trusted verifier key was given: the key found in the data was used, which proves "
        "internal consistency only (pin it with --trusted-key)");
  }
  auto v = crypto::NoteVerifier::FromVerifierKey(vkey);
  if (!v.ok()) {
    if (options_.trusted_vkey || saved_) {
      return v.status().WithContext("trusted verifier key");
    }
    Fail(std::nullopt, "", kPropCheckpointSignature,
         "the verifier key found in the data is malformed: " + v.status().message());
    return Status::Ok();
  }
  verifier_.emplace(std::move(*v));
  result_.verifier_key = verifier_->VerifierKey();
  result_.origin = verifier_->name();
  return Status::Ok();
}

Status VerifyRun::CheckCurrentCheckpoint() {
  auto note = source_.checkpoint();
  if (!note.ok()) {
    if (note.status().code() == StatusCode::kUnavailable) return note.status();
    Fail(std::nullopt, "", kPropCheckpointSignature,
         "the source has no checkpoint: " + note.status().message());
    return Status::Ok();
  }
  result_.checkpoint = *note;
  std::optional<crypto::Checkpoint> cp;
  if (verifier_) {
    auto opened = crypto::OpenCheckpoint(*verifier_, *note);
    if (opened.ok()) {
      cp = std::move(*opened);
      current_verified_ = true;
    } else {
      Fail(std::nullopt, "", kPropCheckpointSignature,
           "the checkpoint does not verify with " + verifier_->VerifierKey() + ": " +
               opened.status().message());
      if (opened.status().rule() == crypto::kRuleCheckpointMalformed) return Status::Ok();
    }
  }
  if (!current_verified_) {
    // Keep checking the rest against what the note claims.
    auto claimed = crypto::ReadCheckpointUnverified(*note);
    if (!claimed.ok()) {
      Fail(std::nullopt, "", kPropCheckpointSignature,
           "the checkpoint is malformed: " + claimed.status().message());
      return Status::Ok();
    }
    cp = std::move(*claimed);
  }
  if (result_.origin.empty()) result_.origin = cp->origin;
  result_.tree_size = cp->size;
  result_.root = cp->root;
  current_ = std::move(*cp);
  return Status::Ok();
}

Status VerifyRun::SetUpSince() {
  if (!options_.since) return Status::Ok();
  std::string old_note;
  old_note = saved_ ? saved_->checkpoint : since_text_;
  if (!verifier_) {
    return InvalidArgument("no usable verifier key to check the saved checkpoint with");
  }
  auto opened = crypto::OpenCheckpoint(*verifier_, old_note);
  if (!opened.ok()) {
    return opened.status().WithContext("the saved checkpoint in " + options_.since->string());
  }
  crypto::Checkpoint old_cp = std::move(*opened);
  if (saved_) {
    if (saved_->tree_size != old_cp.size || saved_->root != old_cp.root) {
      return InvalidArgument("the audit state's size/root differ from its own checkpoint");
    }
  }
  result_.since_size = old_cp.size;
  since_cp_ = old_cp;

  // Consistency of the saved checkpoint with the current one.
  auto fail = [&](std::string detail) {
    consistency_ok_ = false;
    Fail(std::nullopt, "", kPropConsistency, std::move(detail));
  };
  if (!current_) {
    fail("no current checkpoint to prove consistency with the saved one (size " +
         std::to_string(old_cp.size) + ")");
  } else if (current_->size < old_cp.size) {
    fail("rollback: the log's checkpoint has size " + std::to_string(current_->size) +
         " but the saved checkpoint already had size " + std::to_string(old_cp.size));
  } else {
    auto proof = source_.ConsistencyProof(old_cp.size, current_->size);
    if (!proof.ok()) {
      fail("no consistency proof from size " + std::to_string(old_cp.size) + " to " +
           std::to_string(current_->size) + ": " + proof.status().message());
    } else {
      Status st = crypto::VerifyConsistency(old_cp.size, current_->size, old_cp.root,
                                            current_->root, *proof);
      if (!st.ok()) {
        fail("the current checkpoint (size " + std::to_string(current_->size) +
             ") is not an extension of the saved one (size " + std::to_string(old_cp.size) +
             "): the history was rewritten, forked or rolled back: " + st.message());
      }
    }
  }

  if (saved_ && consistency_ok_) {
    // Resume from the saved frontier and states.
    const uint64_t m = saved_->tree_size;
    std::map<std::pair<uint8_t, uint64_t>, crypto::Hash> nodes;
    size_t k = 0;
    for (int level = 63; level >= 0; --level) {
      if (((m >> level) & 1) == 0) continue;
      if (k >= saved_->frontier.size()) break;
      nodes[{static_cast<uint8_t>(level), (m >> level) - 1}] = saved_->frontier[k++];
    }
    if (k != saved_->frontier.size() || nodes.size() != static_cast<size_t>(std::popcount(m))) {
      return InvalidArgument("the audit state's frontier does not fit its tree size");
    }
    auto loaded = crypto::MerkleFrontier::Load(
        m, [&](uint8_t level, uint64_t index) -> Result<crypto::Hash> {
          auto it = nodes.find({level, index});
          if (it == nodes.end()) return NotFound("not in the audit state");
          return it->second;
        });
    if (!loaded.ok()) return loaded.status().WithContext("audit state frontier");
    if (loaded->Root() != saved_->root) {
      return InvalidArgument("the audit state's frontier does not hash to its checkpoint's root");
    }
    frontier_ = std::move(*loaded);
    last_node_.assign(64, std::nullopt);
    for (const auto& [key, hash] : nodes) last_node_[key.first] = hash;
    for (const auto& [id, bytes] : saved_->snapshots) {
      auto state = DecodeSnapshot(bytes);
      if (!state.ok()) {
        return InvalidArgument("the audit state's snapshot of " + id + " is damaged: " +
                               state.status().message());
      }
      states_[id] = std::move(*state);
    }
    last_time_ = saved_->last_recorded_at_ms;
    result_.start = m;
    result_.mode = "incremental";
    result_.notes.push_back("incremental: saved checkpoint (size " + std::to_string(m) +
                            ") verified and proved consistent; records from seq " +
                            std::to_string(m) + " verified, replay resumed from the saved "
                            "states of " + std::to_string(states_.size()) + " convention(s)");
    // The registry continues from the auditor's own file; only records of
    // the log since then change it.
    ledger_ = saved_->ledger;
    if (!options_.operator_keys.empty() && !IsPinnedOperatorKey(ledger_.genesis_kid)) {
      Fail(std::nullopt, "", kPropGenesis,
           "the audit state's genesis was signed by operator key \"" + ledger_.genesis_kid +
               "\", which is not a pinned operator key");
    }
    if (!ledger_.has_genesis() || ledger_.verifier_key != result_.verifier_key) {
      Fail(std::nullopt, "", kPropGenesis,
           "the audit state's registry names verifier key \"" + ledger_.verifier_key +
               "\", not the pinned " + result_.verifier_key);
    }
  } else if (saved_) {
    result_.mode = "full";
    result_.notes.push_back("the audit state could not be used (consistency failed): "
                            "everything was verified from seq 0");
  } else {
    result_.mode = "full_after_checkpoint";
    result_.notes.push_back("a bare checkpoint was given (size " + std::to_string(old_cp.size) +
                            "): consistency checked, then everything replayed from seq 0 "
                            "(save an audit state with --save-state to resume next time)");
  }
  return Status::Ok();
}

void VerifyRun::Structural(std::vector<Item>& items, std::vector<VerifyFailure>& out) {
  for (Item& it : items) {
    const uint64_t pos = it.src.position;
    if (!it.src.missing.ok()) {
      Fail(out, pos, "", kPropSequenceGap,
           "record " + std::to_string(pos) + " cannot be read from the source: " +
               it.src.missing.message());
      prev_offset_ = 0;
      hashes_.push_back(std::nullopt);
      continue;
    }
    frontier_.Append(it.leaf_hash, [&](uint8_t level, uint64_t, const crypto::Hash& h) {
      last_node_[level] = h;
    });
    hashes_.push_back(it.leaf_hash);
    if (since_cp_ && !saved_ && frontier_.size() == since_cp_->size &&
        frontier_.Root() != since_cp_->root) {
      consistency_ok_ = false;
      Fail(out, pos, "", kPropConsistency,
           "the first " + std::to_string(since_cp_->size) +
               " records do not hash to the saved checkpoint's root");
    }
    if (!it.have_leaf) {
      Fail(out, pos, "", kPropLeafHash, "the leaf bytes do not decode: " + it.leaf_error.message());
      prev_offset_ = 0;
      continue;
    }
    const int64_t offset = static_cast<int64_t>(it.leaf.seq - pos);
    if (offset != 0 && offset != prev_offset_) {
      std::string detail = "position " + std::to_string(pos) + " holds the leaf of seq " +
                           std::to_string(it.leaf.seq);
      if (it.leaf.seq > pos) {
        detail += ": " + std::to_string(it.leaf.seq - pos) + " record(s) missing before it";
      } else {
        detail += ": a record out of place or repeated";
      }
      Fail(out, pos, "", kPropSequenceGap, std::move(detail));
    }
    prev_offset_ = offset;
    if (it.src.claimed_seq && *it.src.claimed_seq != it.leaf.seq) {
      Fail(out, pos, "", kPropSequenceGap,
           "the record says seq " + std::to_string(*it.src.claimed_seq) +
               " but its leaf holds seq " + std::to_string(it.leaf.seq));
    }
    if (it.src.claimed_recorded_at_ms && *it.src.claimed_recorded_at_ms != it.leaf.recorded_at_ms) {
      Fail(out, pos, "", kPropSequenceGap,
           "the record says recorded_at_ms " + std::to_string(*it.src.claimed_recorded_at_ms) +
               " but its leaf holds " + std::to_string(it.leaf.recorded_at_ms));
    }
    if (last_time_ != INT64_MIN && it.leaf.recorded_at_ms < last_time_) {
      Fail(out, pos, "", kPropSequenceGap,
           "the recording time goes back: " + FormatTimestampMs(it.leaf.recorded_at_ms) +
               " after " + FormatTimestampMs(last_time_));
    }
    last_time_ = std::max(last_time_, it.leaf.recorded_at_ms);
  }
}

void VerifyRun::Replay(std::vector<Item>& items, bool speculative, ReplayOut& out) {
  for (Item& it : items) {
    const uint64_t pos = it.src.position;
    if (!it.src.missing.ok() || !it.have_leaf) continue;  // reported as structural
    if (!it.jws) {
      Fail(out.failures, pos, "", kPropSignature,
           "the record's JWS does not parse: " + it.jws_error.message());
      continue;
    }
    if (!it.event) {
      // Not an event the ledger could have accepted. Say whether it is at
      // least signed by a key the log knows (rare path: verified here).
      const crypto::PublicKey* known = nullptr;
      if (const OperatorKey* op = ledger_.ActiveAt(it.jws->kid, pos)) known = &op->key;
      std::optional<crypto::PublicKey> registry_key;
      for (const auto& [id, st] : states_) {
        if (known != nullptr) break;
        if (auto k = st.keys.find(it.jws->kid); k != st.keys.end()) {
          auto key = crypto::PublicKey::FromRaw(k->second.public_key);
          if (key.ok()) registry_key = *key;
          if (registry_key) known = &*registry_key;
        }
      }
      if (known == nullptr || !crypto::JwsVerify(*it.jws, *known).ok()) {
        Fail(out.failures, pos, "", kPropSignature,
             "the signed payload is not a valid event and its signature does not verify with "
             "any known key " + it.jws->kid);
      } else {
        Fail(out.failures, pos, "", "rule:event.malformed",
             "the signed payload is not a valid event: " + it.event_error.message());
      }
      continue;
    }
    if (pos == 0 && it.event->kind != EventType::kLedgerGenesis) {
      Fail(out.failures, pos, "", kPropGenesis,
           "the log's first record is a " + it.event->type +
               ", not a LedgerGenesis: nothing in the log names its operator keys");
    }
    if (IsLedgerEventType(it.event->kind)) {
      ReplayLedgerEvent(it, speculative, out);
      continue;
    }
    const Event& e = *it.event;
    const std::string& conv = e.convention;
    ConventionState& state = states_[conv];
    auto& delta = out.deltas[conv];
    ++delta.events;
    const size_t failures_before = out.failures.size();

    // Stream index.
    if (it.src.stream &&
        (*it.src.stream != conv || !it.src.stream_version ||
         *it.src.stream_version != e.expected_version + 1)) {
      Fail(out.failures, pos, conv, kPropIndex,
           "the stored index places this record at " + *it.src.stream + " version " +
               std::to_string(it.src.stream_version.value_or(0)) + " but the event is " + conv +
               " version " + std::to_string(e.expected_version + 1));
    }
    bool applicable = true;
    if (e.expected_version != state.version) {
      Fail(out.failures, pos, conv, kPropIndex,
           "expected_version " + std::to_string(e.expected_version) + " but the convention's " +
               "replayed version is " + std::to_string(state.version) +
               (e.expected_version > state.version ? " (events missing or refused before it)"
                                                   : " (a version repeated or out of order)"));
      applicable = false;
    }

    // Signature with the registry as it stands before this event.
    auto key = ResolveSigningKey(state, ledger_, e, it.jws->kid, pos);
    if (!key.ok()) {
      Fail(out.failures, pos, conv, kPropSignature,
           "[" + key.status().rule() + "] " + key.status().message());
      applicable = false;
    } else {
      if (!CheckSignature(it, *key, speculative, conv, out)) applicable = false;
      auto [pin, pins_end] = options_.party_keys.equal_range(e.actor_party);
      if (pin != pins_end &&
          std::none_of(pin, pins_end, [&](const auto& kv) { return kv.second == *key; })) {
        Fail(out.failures, pos, conv, kPropKeyPin,
             "party \"" + e.actor_party + "\" acts with key " + it.jws->kid +
                 ", which is not one of its pinned keys (the registry says otherwise: the "
                 "operator registered a key the auditor does not trust)");
        applicable = false;
      }
    }

    if (applicable) {
      EventContext ctx{pos, it.leaf.recorded_at_ms, it.jws->kid};
      auto next = Apply(state, e, ctx, ledger_);
      if (!next.ok()) {
        std::string rule = next.status().rule().empty() ? "unknown" : next.status().rule();
        Fail(out.failures, pos, conv, "rule:" + rule, next.status().message());
      } else {
        state = std::move(*next);
        ++delta.accepted;
        ++out.events_replayed;
      }
    }
    const bool ok = out.failures.size() == failures_before;
    if (!ok) delta.failures += out.failures.size() - failures_before;
    if (options_.collect_details) {
      TimelineEntry t;
      t.seq = pos;
      t.recorded_at_ms = it.leaf.recorded_at_ms;
      t.date = e.date.ToString();
      t.recording_lag_days = RecordingLagDays(e.date, it.leaf.recorded_at_ms);
      t.type = e.type;
      t.party = e.actor_party;
      t.role = e.actor_role;
      t.kid = it.jws->kid;
      t.ok = ok;
      out.timeline.emplace_back(conv, std::move(t));
    }
  }
}

bool VerifyRun::IsPinnedOperatorKey(std::string_view kid) const {
  return std::any_of(options_.operator_keys.begin(), options_.operator_keys.end(),
                     [&](const crypto::PublicKey& k) { return k.Thumbprint() == kid; });
}

bool VerifyRun::CheckSignature(Item& it, const crypto::PublicKey& key, bool speculative,
                               const std::string& conv, ReplayOut& out) {
  bool good;
  if (it.verdict >= 0 && it.key && *it.key == key) {
    good = it.verdict == 1;
  } else if (speculative) {
    it.key = key;
    it.verdict = -1;
    it.assumed_good = true;
    good = true;
  } else {
    it.key = key;
    it.verdict = crypto::JwsVerify(*it.jws, key).ok() ? 1 : 0;
    good = it.verdict == 1;
  }
  ++out.signatures_checked;
  if (!good) {
    Fail(out.failures, it.src.position, conv, kPropSignature,
         "the signature does not verify with key " + it.jws->kid);
  }
  return good;
}

void VerifyRun::ReplayLedgerEvent(Item& it, bool speculative, ReplayOut& out) {
  const uint64_t pos = it.src.position;
  const Event& e = *it.event;
  const std::string conv = kLedgerStream;
  ++out.ledger_events;
  if (it.src.stream &&
      (*it.src.stream != conv || !it.src.stream_version ||
       *it.src.stream_version != e.expected_version + 1)) {
    Fail(out.failures, pos, conv, kPropIndex,
         "the stored index places this record at " + *it.src.stream + " version " +
             std::to_string(it.src.stream_version.value_or(0)) + " but the event is " + conv +
             " version " + std::to_string(e.expected_version + 1));
  }
  const bool genesis = e.kind == EventType::kLedgerGenesis;
  // As for a convention stream (FORMAT.md 7.3 `index`); a misplaced genesis
  // is a `genesis` failure (ApplyLedgerEvent below).
  bool applicable = true;
  if (!genesis && ledger_.has_genesis() && e.expected_version != ledger_.version) {
    Fail(out.failures, pos, conv, kPropIndex,
         "expected_version " + std::to_string(e.expected_version) +
             " but the ledger stream's replayed version is " + std::to_string(ledger_.version) +
             (e.expected_version > ledger_.version ? " (events missing or refused before it)"
                                                   : " (a version repeated or out of order)"));
    applicable = false;
  }
  auto key = ResolveLedgerSigningKey(ledger_, e, it.jws->kid, pos);
  if (!key.ok()) {
    Fail(out.failures, pos, conv, kPropSignature,
         "[" + key.status().rule() + "] " + key.status().message());
    return;
  }
  if (!CheckSignature(it, *key, speculative, conv, out)) return;
  if (genesis && !options_.operator_keys.empty() && !IsPinnedOperatorKey(it.jws->kid)) {
    // Reported once, at its root: the genesis is still replayed so that
    // the rest of the log is checked against what it claims, not reported
    // as a cascade of unknown keys.
    Fail(out.failures, pos, conv, kPropGenesis,
         "the genesis is signed by operator key " + it.jws->kid +
             ", which is not a pinned operator key: this is not the ledger the pinned key "
             "created");
  }
  if (!applicable) return;
  Status applied = ApplyLedgerEvent(ledger_, e, EventContext{pos, it.leaf.recorded_at_ms,
                                                             it.jws->kid});
  if (!applied.ok()) {
    const std::string rule = applied.rule().empty() ? "unknown" : applied.rule();
    Fail(out.failures, pos, conv, genesis && pos != 0 ? std::string(kPropGenesis)
                                                      : "rule:" + rule,
         applied.message());
    return;
  }
  if (genesis) {
    if (!result_.verifier_key.empty() && ledger_.verifier_key != result_.verifier_key) {
      Fail(out.failures, pos, conv, kPropGenesis,
           "the genesis names verifier key " + ledger_.verifier_key +
               " but the checkpoints were verified with " + result_.verifier_key);
    }
    if (current_ && ledger_.origin != current_->origin) {
      Fail(out.failures, pos, conv, kPropGenesis,
           "the genesis names origin \"" + ledger_.origin + "\" but the checkpoint's is \"" +
               current_->origin + "\"");
    }
  }
}

Status VerifyRun::ProcessChunk(std::vector<Item>& items) {
  // 1. Decode and parse, in parallel.
  pool_->ParallelFor(items.size(), [&](size_t i) {
    Item& it = items[i];
    if (!it.src.missing.ok()) return;
    it.leaf_hash = crypto::LeafHash(it.src.leaf);
    auto leaf = DecodeLeaf(it.src.leaf);
    if (!leaf.ok()) {
      it.leaf_error = leaf.status();
      return;
    }
    it.leaf = std::move(*leaf);
    it.have_leaf = true;
    auto jws = crypto::JwsParse(it.leaf.jws);
    if (!jws.ok()) {
      it.jws_error = jws.status();
      return;
    }
    it.jws = std::move(*jws);
    auto event = ParseEvent(it.jws->payload);
    if (!event.ok()) {
      it.event_error = event.status();
      return;
    }
    it.event = std::move(*event);
  });

  // 2. Merkle and sequence, in order.
  std::vector<VerifyFailure> structural;
  Structural(items, structural);

  // 3. Speculative replay, remembering the states it may have to undo.
  std::map<std::string, std::optional<ConventionState>> undo;
  for (const Item& it : items) {
    if (!it.event) continue;
    const std::string& conv = it.event->convention;
    if (undo.count(conv)) continue;
    auto s = states_.find(conv);
    undo[conv] = s == states_.end() ? std::nullopt : std::optional<ConventionState>(s->second);
  }
  const LedgerState ledger_before = ledger_;
  ReplayOut out;
  Replay(items, true, out);

  // 4. Signatures, in parallel.
  std::vector<size_t> todo;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].assumed_good) todo.push_back(i);
  }
  pool_->ParallelFor(todo.size(), [&](size_t k) {
    Item& it = items[todo[k]];
    it.verdict = crypto::JwsVerify(*it.jws, *it.key).ok() ? 1 : 0;
  });
  bool all_good = true;
  for (size_t i : todo) all_good = all_good && items[i].verdict == 1;

  // 5. Replay again, knowing the verdicts, if one was bad.
  if (!all_good) {
    ledger_ = ledger_before;
    for (auto& [conv, before] : undo) {
      if (before) {
        states_[conv] = std::move(*before);
      } else {
        states_.erase(conv);
      }
    }
    out = ReplayOut();
    Replay(items, false, out);
  }

  // Commit the chunk's findings in log order.
  std::vector<VerifyFailure> merged;
  merged.reserve(structural.size() + out.failures.size());
  std::merge(structural.begin(), structural.end(), out.failures.begin(), out.failures.end(),
             std::back_inserter(merged),
             [](const VerifyFailure& a, const VerifyFailure& b) { return *a.seq < *b.seq; });
  for (auto& f : merged) Fail(f.seq, std::move(f.convention), std::move(f.property), std::move(f.detail));
  for (const auto& [conv, d] : out.deltas) {
    ConventionSummary& s = summaries_[conv];
    s.id = conv;
    s.events += d.events;
    s.accepted += d.accepted;
    s.failures += d.failures;
  }
  for (auto& [conv, t] : out.timeline) summaries_[conv].timeline.push_back(std::move(t));
  result_.signatures_checked += out.signatures_checked;
  result_.events_replayed += out.events_replayed;
  result_.ledger_events += out.ledger_events;
  result_.records += items.size();
  done_ += items.size();
  if (options_.progress) options_.progress(done_, total_);
  return Status::Ok();
}

void VerifyRun::CheckRoot() {
  if (!current_) return;
  const uint64_t held = source_.size();
  bool root_ok = true;
  if (held != current_->size) {
    root_ok = false;
    Fail(std::nullopt, "", kPropRoot,
         "the checkpoint covers " + std::to_string(current_->size) + " records but the source holds " +
             std::to_string(held));
  } else if (frontier_.size() != current_->size) {
    root_ok = false;
    Fail(std::nullopt, "", kPropRoot,
         std::to_string(current_->size - std::min(current_->size, frontier_.size())) +
             " record(s) could not be read: the root cannot be recomputed");
  } else if (frontier_.Root() != current_->root) {
    root_ok = false;
    Fail(std::nullopt, "", kPropRoot,
         "the records hash to root " + crypto::HashBase64(frontier_.Root()) +
             ", the checkpoint says " + crypto::HashBase64(current_->root));
  }
  if (root_ok || current_->size == 0) return;
  // Name the leaves the checkpoint does not commit to, where the source can
  // prove inclusion (a ledger can; a bundle cannot).
  size_t named = 0;
  for (size_t i = 0; i < hashes_.size() && named < kMaxLocalized; ++i) {
    const uint64_t pos = result_.start + i;
    if (pos >= current_->size) break;
    if (!hashes_[i]) continue;
    auto proof = source_.InclusionProof(pos, current_->size);
    if (!proof.ok()) {
      if (proof.status().code() == StatusCode::kNotFound && i == 0) {
        result_.notes.push_back("the source gives no inclusion proofs: the changed leaves "
                                "cannot be named beyond the other failures");
        return;
      }
      continue;
    }
    if (!crypto::VerifyInclusion(pos, current_->size, *hashes_[i], *proof, current_->root).ok()) {
      Fail(pos, "", kPropLeafHash,
           "the leaf hash recomputed from the record (" + crypto::HashBase64(*hashes_[i]) +
               ") is not the leaf the checkpoint commits to at this position");
      ++named;
    }
  }
}

void VerifyRun::Summarize() {
  for (auto& [id, state] : states_) {
    ConventionSummary& s = summaries_[id];
    s.id = id;
    s.title = state.title;
    s.version = state.version;
    if (options_.collect_details && state.version > 0) s.state = StateToJson(state);
  }
  result_.conventions = std::move(summaries_);
  // Trust anchor first (checkpoint, consistency), then records in log
  // order, then the root.
  auto rank = [](const VerifyFailure& f) {
    return f.seq ? 1 : f.property == kPropRoot ? 2 : 0;
  };
  std::stable_sort(result_.failures.begin(), result_.failures.end(),
                   [&](const VerifyFailure& a, const VerifyFailure& b) {
                     if (rank(a) != rank(b)) return rank(a) < rank(b);
                     return a.seq && b.seq && *a.seq < *b.seq;
                   });
}

Status VerifyRun::SaveState() {
  if (!options_.save_state) return Status::Ok();
  if (!result_.ok() || !current_ || !current_verified_) {
    result_.notes.push_back("audit state NOT saved: the verification failed");
    return Status::Ok();
  }
  AuditState s;
  s.origin = result_.origin;
  s.verifier_key = result_.verifier_key;
  s.checkpoint = result_.checkpoint;
  s.tree_size = current_->size;
  s.root = current_->root;
  for (int level = 63; level >= 0; --level) {
    if (((s.tree_size >> level) & 1) == 0) continue;
    if (!last_node_[level]) return Internal("frontier node at level " + std::to_string(level) + " unknown");
    s.frontier.push_back(*last_node_[level]);
  }
  s.last_recorded_at_ms = last_time_ == INT64_MIN ? 0 : last_time_;
  s.ledger = ledger_;
  for (const auto& [id, state] : states_) {
    if (state.version > 0) s.snapshots[id] = EncodeSnapshot(state);
  }
  PARAPHE_RETURN_IF_ERROR(WriteFileAtomically(*options_.save_state, EncodeAuditState(s)));
  result_.saved_state = *options_.save_state;
  result_.notes.push_back("audit state saved to " + options_.save_state->string() +
                          " (resume with --since)");
  return Status::Ok();
}

Result<VerifyResult> VerifyRun::Execute() {
  const auto t0 = std::chrono::steady_clock::now();
  if (options_.party_keys.count(kOperatorParty) != 0) {
    return InvalidArgument(
        "\"operator\" is not a party: pin operator keys as operator keys, not party keys");
  }
  result_.source = source_.Describe();
  unsigned threads = options_.threads ? options_.threads : std::thread::hardware_concurrency();
  result_.threads = std::max(1u, threads);
  pool_ = std::make_unique<WorkerPool>(result_.threads);
  last_node_.assign(64, std::nullopt);

  if (options_.since) {
    PARAPHE_ASSIGN_OR_RETURN(since_text_, ReadWholeFile(*options_.since));
    if (!since_text_.empty() && since_text_[0] == '{') {
      auto state = DecodeAuditState(since_text_);
      if (!state.ok()) return state.status().WithContext(options_.since->string());
      saved_ = std::move(*state);
    }
  }
  PARAPHE_RETURN_IF_ERROR(SetUpTrust());
  PARAPHE_RETURN_IF_ERROR(CheckCurrentCheckpoint());
  result_.pinned_operator_keys = options_.operator_keys.size();
  result_.pinned_party_keys = options_.party_keys.size();
  PARAPHE_RETURN_IF_ERROR(SetUpSince());

  const uint64_t n = source_.size();
  total_ = n > result_.start ? n - result_.start : 0;
  // The size is the source's claim (a server's is its unverified
  // checkpoint's): it bounds nothing allocated before the records arrive.
  hashes_.reserve(static_cast<size_t>(std::min<uint64_t>(total_, kChunkRecords)));
  std::vector<Item> chunk;
  chunk.reserve(kChunkRecords);
  Status st = source_.ForEachRecord(result_.start, [&](SourceRecord&& r) -> Status {
    chunk.emplace_back();
    chunk.back().src = std::move(r);
    if (chunk.size() == kChunkRecords) {
      PARAPHE_RETURN_IF_ERROR(ProcessChunk(chunk));
      chunk.clear();
    }
    return Status::Ok();
  });
  PARAPHE_RETURN_IF_ERROR(st);
  if (!chunk.empty()) PARAPHE_RETURN_IF_ERROR(ProcessChunk(chunk));
  if (options_.progress && total_ == 0) options_.progress(0, 0);

  CheckRoot();
  if (since_cp_ && !saved_ && consistency_ok_ && frontier_.size() < since_cp_->size) {
    Fail(std::nullopt, "", kPropConsistency,
         "the source holds fewer records than the saved checkpoint's size " +
             std::to_string(since_cp_->size));
  }
  // Every ledger begins with its genesis; the empty log (whose checkpoint
  // every database holds, signed before the genesis was appended) names no
  // operator key and checks no pin, so it is not a verified ledger either.
  if (result_.start == 0 && !ledger_.has_genesis() &&
      std::none_of(result_.failures.begin(), result_.failures.end(),
                   [](const VerifyFailure& f) { return f.property == kPropGenesis; })) {
    if (result_.tree_size == 0) {
      Fail(std::nullopt, "", kPropGenesis,
           "the log is empty: it has no genesis record, so nothing names its operator keys "
           "(every ledger begins with one)");
    } else {
      Fail(0, "", kPropGenesis, "the log has no valid genesis record at seq 0");
    }
  }
  result_.ledger = ledger_;
  Summarize();
  PARAPHE_RETURN_IF_ERROR(SaveState());
  result_.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  result_.records_per_second =
      result_.seconds > 0 ? static_cast<double>(result_.records) / result_.seconds : 0;
  return std::move(result_);
}

}  // namespace

Verifier::Verifier(VerifyOptions options) : options_(std::move(options)) {}

Result<VerifyResult> Verifier::Run(const VerifySource& source) const {
  VerifyRun run(options_, source);
  return run.Execute();
}

Result<VerifyResult> VerifyLog(const VerifySource& source, const VerifyOptions& options) {
  return Verifier(options).Run(source);
}

// ------------------------------------------------------------------- JSON

json::object VerifyFailure::ToJson() const {
  return json::object{{"seq", seq ? json::value(*seq) : json::value(nullptr)},
                      {"convention", convention},
                      {"property", property},
                      {"detail", detail}};
}

json::object VerifyResult::ToJson() const {
  json::array fs;
  for (const auto& f : failures) fs.push_back(f.ToJson());
  json::array cs;
  for (const auto& [id, c] : conventions) {
    cs.push_back(json::object{{"convention", id},
                              {"title", c.title},
                              {"version", c.version},
                              {"events", c.events},
                              {"accepted", c.accepted},
                              {"failures", c.failures}});
  }
  json::array ns;
  for (const auto& n : notes) ns.push_back(json::value(n));
  return json::object{
      {"ok", ok()},
      {"source", source},
      {"origin", origin},
      {"verifier_key", verifier_key},
      {"trusted_from_data", trusted_from_data},
      {"pinned_operator_keys", pinned_operator_keys},
      {"pinned_party_keys", pinned_party_keys},
      {"ledger", LedgerStateToJson(ledger)},
      {"ledger_events", ledger_events},
      {"checkpoint", checkpoint},
      {"tree_size", tree_size},
      {"root", crypto::HashBase64(root)},
      {"mode", mode},
      {"since_size", since_size ? json::value(*since_size) : json::value(nullptr)},
      {"start", start},
      {"records", records},
      {"signatures_checked", signatures_checked},
      {"events_replayed", events_replayed},
      {"seconds", seconds},
      {"records_per_second", records_per_second},
      {"threads", threads},
      {"failures_total", failures_total},
      {"failures", std::move(fs)},
      {"conventions", std::move(cs)},
      {"notes", std::move(ns)},
      {"saved_state", saved_state ? json::value(saved_state->string()) : json::value(nullptr)}};
}

}  // namespace paraphe::ledger
