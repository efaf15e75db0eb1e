#include "tools/paraphe/log_trust.h"

#include <boost/json.hpp>
#include <filesystem>
#include <limits>
#include <mutex>
#include <utility>

#include "crypto/jws.h"
#include "crypto/sha256.h"
#include "ledger/record.h"
#include "tools/paraphe/server_source.h"

namespace paraphe::cli {
namespace json = boost::json;
namespace fs = std::filesystem;

Result<std::unique_ptr<ledger::VerifySource>> OpenVerifySource(
    const std::string& data, const std::string& bundle,
    const std::string& server, const std::string& token_file) {
  if (!server.empty()) return OpenServerSource(server, token_file);
  if (!bundle.empty()) return ledger::OpenBundleSource(bundle);
  const fs::path dir = data.empty() ? fs::path("paraphe-data") : fs::path(data);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return NotFound("no ledger at " + dir.string() +
                    " (pass --data DIR, --bundle FILE or --server URL)");
  }
  auto source = ledger::OpenLedgerSource(dir);
  if (!source.ok()) {
    return source.status().WithContext("opening " + dir.string());
  }
  return source;
}

namespace {

// Forwards to `inner` and keeps the leaves at the positions asked for, as
// the verifier reads them.
class KeepingSource : public ledger::VerifySource {
 public:
  KeepingSource(const ledger::VerifySource& inner, const std::set<uint64_t>& want,
                std::map<uint64_t, std::string>* kept)
      : inner_(inner), want_(want), kept_(kept) {}

  std::string Describe() const override { return inner_.Describe(); }
  uint64_t size() const override { return inner_.size(); }
  Result<std::string> checkpoint() const override { return inner_.checkpoint(); }
  std::string claimed_verifier_key() const override {
    return inner_.claimed_verifier_key();
  }
  Status ForEachRecord(
      uint64_t from,
      const std::function<Status(ledger::SourceRecord&&)>& fn) const override {
    return inner_.ForEachRecord(from, [&](ledger::SourceRecord&& r) {
      if (r.missing.ok() && want_.count(r.position) > 0) {
        std::lock_guard<std::mutex> lock(mu_);
        (*kept_)[r.position] = r.leaf;
      }
      return fn(std::move(r));
    });
  }
  Result<std::vector<crypto::Hash>> ConsistencyProof(
      uint64_t old_size, uint64_t new_size) const override {
    return inner_.ConsistencyProof(old_size, new_size);
  }
  Result<std::vector<crypto::Hash>> InclusionProof(uint64_t index,
                                                   uint64_t size) const override {
    return inner_.InclusionProof(index, size);
  }

 private:
  const ledger::VerifySource& inner_;
  const std::set<uint64_t>& want_;
  std::map<uint64_t, std::string>* kept_;
  mutable std::mutex mu_;
};

std::string FailureText(const ledger::VerifyFailure& f) {
  return f.property + ": " + f.detail;
}

}  // namespace

Result<LogTrust> LogTrust::Check(const Source& source,
                                 const std::string& trusted_key,
                                 const std::string& convention,
                                 const std::set<uint64_t>& seqs) {
  LogTrust t;
  if (trusted_key.empty()) return t;
  PARAPHE_ASSIGN_OR_RETURN(
      std::unique_ptr<ledger::VerifySource> inner,
      OpenVerifySource(source.data.string(), "", source.server,
                       source.token_file));
  KeepingSource keeping(*inner, seqs, &t.leaves_);
  ledger::VerifyOptions options;
  options.trusted_vkey = trusted_key;
  options.collect_details = true;
  // Every failure kept: a record's verdict needs all of them.
  options.max_failures = std::numeric_limits<size_t>::max();
  auto run = ledger::VerifyLog(keeping, options);
  if (!run.ok()) return run.status().WithContext("trusted key (--trusted-key)");
  const ledger::VerifyResult& r = *run;

  t.pinned_ = !r.trusted_from_data;
  t.verifier_key_ = r.verifier_key;
  t.tree_size_ = r.tree_size;
  t.log_failure_.clear();
  if (!t.pinned_) t.log_failure_ = kNoPinnedKey;
  for (const auto& f : r.failures) {
    if (!f.seq) {
      if (t.log_failure_.empty()) {
        t.log_failure_ = "the log does not verify with the pinned key (" +
                         FailureText(f) + ")";
      }
    } else {
      t.failures_.emplace(*f.seq, FailureText(f));  // keeps the first
    }
  }
  if (t.log_failure_.empty() && r.failures_total > r.failures.size()) {
    t.log_failure_ = "the log does not verify with the pinned key (more "
                     "failures than could be kept)";
  }
  if (auto c = r.conventions.find(convention); c != r.conventions.end()) {
    for (const auto& e : c->second.timeline) t.timeline_[e.seq] = e.ok;
  }
  return t;
}

Verdict LogTrust::Seq(uint64_t seq,
                      const std::optional<crypto::Hash>& leaf_hash) const {
  if (!log_failure_.empty()) return {false, log_failure_};
  if (seq >= tree_size_) {
    return {false, "recorded after the verified checkpoint (size " +
                       std::to_string(tree_size_) + ")"};
  }
  if (auto f = failures_.find(seq); f != failures_.end()) {
    return {false, f->second};
  }
  auto e = timeline_.find(seq);
  if (e == timeline_.end()) {
    return {false, "the verified log holds no event of this convention at seq " +
                       std::to_string(seq)};
  }
  auto leaf = leaves_.find(seq);
  if (!e->second || leaf == leaves_.end()) {
    return {false, "the event at seq " + std::to_string(seq) +
                       " did not pass every check"};
  }
  if (leaf_hash && *leaf_hash != crypto::LeafHash(leaf->second)) {
    return {false, "the proof's leaf is not the verified record at seq " +
                       std::to_string(seq)};
  }
  return {true, ""};
}

Verdict LogTrust::Record(uint64_t seq, std::string_view jws,
                         int64_t recorded_at_ms) const {
  Verdict v = Seq(seq);
  if (!v.verified) return v;
  if (ledger::EncodeLeaf(seq, recorded_at_ms, jws) != leaves_.at(seq)) {
    return {false, "the source's record at seq " + std::to_string(seq) +
                       " differs from the verified log"};
  }
  return v;
}

std::optional<json::value> LogTrust::SignedEvent(uint64_t seq) const {
  if (!Seq(seq).verified) return std::nullopt;
  auto leaf = ledger::DecodeLeaf(leaves_.at(seq));
  if (!leaf.ok()) return std::nullopt;
  auto jws = crypto::JwsParse(leaf->jws);
  if (!jws.ok()) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(jws->payload, ec);
  if (ec) return std::nullopt;
  return v;
}

std::vector<uint64_t> LogTrust::Omitted(const std::set<uint64_t>& shown) const {
  std::vector<uint64_t> out;
  for (const auto& [seq, ok] : timeline_) {
    if (shown.count(seq) == 0) out.push_back(seq);
  }
  return out;
}

}  // namespace paraphe::cli
