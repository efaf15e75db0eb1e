// Log sources (log_source.h): an open Ledger and an export bundle.
#include <fstream>
#include <mutex>

#include "crypto/merkle.h"
#include "ledger/log_source.h"

namespace paraphe::ledger {

namespace fs = std::filesystem;

Result<std::vector<crypto::Hash>> VerifySource::InclusionProof(uint64_t, uint64_t) const {
  return NotFound(Describe() + " provides no inclusion proofs");
}

namespace {

constexpr uint64_t kChunk = 1024;

class LedgerSource : public VerifySource {
 public:
  LedgerSource(const Ledger* ledger, std::unique_ptr<Ledger> owned, std::string description)
      : ledger_(ledger), owned_(std::move(owned)), description_(std::move(description)) {}

  std::string Describe() const override { return description_; }
  uint64_t size() const override { return ledger_->size(); }
  Result<std::string> checkpoint() const override { return ledger_->Checkpoint(); }
  std::string claimed_verifier_key() const override { return ledger_->verifier_key(); }

  Status ForEachRecord(uint64_t from,
                       const std::function<Status(SourceRecord&&)>& fn) const override {
    const uint64_t n = size();
    for (uint64_t start = from; start < n; start += kChunk) {
      const uint64_t end = std::min(n, start + kChunk);
      auto records = ledger_->Entries(start, end, static_cast<size_t>(end - start));
      if (records.ok() && records->size() == end - start) {
        for (const Record& r : *records) PARAPHE_RETURN_IF_ERROR(fn(FromRecord(r)));
        continue;
      }
      // Something in this chunk cannot be read: go record by record so that
      // each unreadable one is reported and the others still verified.
      for (uint64_t seq = start; seq < end; ++seq) {
        auto r = ledger_->Entry(seq);
        if (r.ok()) {
          PARAPHE_RETURN_IF_ERROR(fn(FromRecord(*r)));
        } else {
          if (r.status().code() == StatusCode::kUnavailable) return r.status();
          SourceRecord s;
          s.position = seq;
          s.missing = r.status();
          PARAPHE_RETURN_IF_ERROR(fn(std::move(s)));
        }
      }
    }
    return Status::Ok();
  }

  Result<std::vector<crypto::Hash>> ConsistencyProof(uint64_t old_size,
                                                     uint64_t new_size) const override {
    PARAPHE_ASSIGN_OR_RETURN(ProofResult p, ledger_->ProveConsistency(old_size, new_size));
    return std::move(p.proof);
  }

  Result<std::vector<crypto::Hash>> InclusionProof(uint64_t index, uint64_t size) const override {
    PARAPHE_ASSIGN_OR_RETURN(ProofResult p, ledger_->ProveInclusion(index, size));
    return std::move(p.proof);
  }

 private:
  static SourceRecord FromRecord(const Record& r) {
    SourceRecord s;
    s.position = r.seq;
    s.leaf = r.LeafBytes();
    s.stream = r.stream;
    s.stream_version = r.version;
    return s;
  }

  const Ledger* ledger_;
  std::unique_ptr<Ledger> owned_;
  std::string description_;
};

class BundleSource : public VerifySource {
 public:
  BundleSource(Bundle bundle, std::string description)
      : bundle_(std::move(bundle)), description_(std::move(description)) {}

  std::string Describe() const override { return description_; }
  uint64_t size() const override { return bundle_.records.size(); }
  Result<std::string> checkpoint() const override { return bundle_.checkpoint; }
  std::string claimed_verifier_key() const override { return bundle_.verifier_key; }

  Status ForEachRecord(uint64_t from,
                       const std::function<Status(SourceRecord&&)>& fn) const override {
    for (uint64_t i = from; i < bundle_.records.size(); ++i) {
      const BundleRecord& r = bundle_.records[i];
      SourceRecord s;
      s.position = i;
      s.leaf = r.leaf;
      s.claimed_seq = r.seq;
      s.claimed_recorded_at_ms = r.recorded_at_ms;
      PARAPHE_RETURN_IF_ERROR(fn(std::move(s)));
    }
    return Status::Ok();
  }

  // Built from the bundle's own leaves: the proof is only as good as the
  // leaves, which is the point (it is checked against two signed roots).
  Result<std::vector<crypto::Hash>> ConsistencyProof(uint64_t old_size,
                                                     uint64_t new_size) const override {
    if (new_size > bundle_.records.size() || old_size > new_size) {
      return InvalidArgument("the bundle holds " + std::to_string(bundle_.records.size()) +
                             " records: no proof from " + std::to_string(old_size) + " to " +
                             std::to_string(new_size));
    }
    std::call_once(tree_once_, [this] {
      for (const BundleRecord& r : bundle_.records) tree_.AppendLeaf(r.leaf);
    });
    return crypto::ConsistencyProof(old_size, new_size, tree_.Reader());
  }

 private:
  Bundle bundle_;
  std::string description_;
  mutable std::once_flag tree_once_;
  mutable crypto::MemoryTree tree_;
};

}  // namespace

Result<std::unique_ptr<VerifySource>> OpenLedgerSource(const fs::path& dir) {
  LedgerOptions o;
  o.read_only = true;
  o.check = IntegrityCheck::kNone;
  PARAPHE_ASSIGN_OR_RETURN(std::unique_ptr<Ledger> ledger, Ledger::Open(dir, o));
  const Ledger* raw = ledger.get();
  return std::unique_ptr<VerifySource>(
      new LedgerSource(raw, std::move(ledger), "ledger " + dir.string()));
}

std::unique_ptr<VerifySource> MakeLedgerSource(const Ledger& ledger, std::string description) {
  return std::make_unique<LedgerSource>(&ledger, nullptr, std::move(description));
}

Result<std::unique_ptr<VerifySource>> OpenBundleSource(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return NotFound("no bundle file " + file.string());
  std::ifstream in(file, std::ios::binary);
  if (!in) return Unavailable("cannot read " + file.string());
  auto bundle = ReadBundle(in);
  if (!bundle.ok()) return bundle.status().WithContext(file.string());
  return MakeBundleSource(std::move(*bundle), "bundle " + file.string());
}

std::unique_ptr<VerifySource> MakeBundleSource(Bundle bundle, std::string description) {
  return std::make_unique<BundleSource>(std::move(bundle), std::move(description));
}

}  // namespace paraphe::ledger
