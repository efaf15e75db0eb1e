// Log: the open-time integrity check. Recomputes leaf hashes from the stored
// records, compares them and every parent they complete with the stored
// Merkle nodes, and the resulting root with the latest signed checkpoint.
#include <rocksdb/db.h>

#include "ledger/internal/keys.h"
#include "ledger/internal/rocks.h"
#include "ledger/log.h"

namespace paraphe::ledger {

namespace ik = internal;
using internal::FromRocks;
using internal::ToView;

namespace {
constexpr uint64_t kTailRecords = 1024;

std::string NodeName(uint8_t level, uint64_t index) {
  return "(" + std::to_string(level) + ", " + std::to_string(index) + ")";
}
}  // namespace

Status Log::CheckIntegrity(IntegrityCheck check) {
  const uint64_t n = size();
  // The latest checkpoint must be signed by this ledger's key and name
  // exactly this tree.
  std::string note;
  {
    std::lock_guard<std::mutex> l(checkpoint_mu_);
    note = latest_checkpoint_;
  }
  // Our own stored data: any failure to open it is corruption.
  auto cp = crypto::OpenCheckpoint(*verifier_, note, {.size = n});
  if (!cp.ok()) {
    return DataLoss("the latest checkpoint does not open with the ledger key: " +
                    cp.status().message());
  }
  if (cp->origin != origin_) {
    return DataLoss("the latest checkpoint names " + cp->origin + ", expected " + origin_);
  }
  if (check == IntegrityCheck::kNone) return Status::Ok();

  uint64_t start = 0;
  crypto::MerkleFrontier frontier;
  if (check == IntegrityCheck::kTail && n > kTailRecords) {
    start = n - kTailRecords;
    auto loaded = crypto::MerkleFrontier::Load(start, Nodes());
    if (!loaded.ok()) return loaded.status();
    frontier = std::move(*loaded);
  }

  // Walk records and level-0..k nodes together. Stored nodes of each level
  // are read with one forward iterator per level.
  std::vector<ik::IteratorPtr> level_its;
  auto node_at = [&](uint8_t level, uint64_t index) -> Result<std::string> {
    while (level_its.size() <= level) {
      level_its.emplace_back(db_->NewIterator(rocksdb::ReadOptions(), cfs_[ik::kNodes]));
      level_its.back()->Seek(ik::NodeKey(static_cast<uint8_t>(level_its.size() - 1),
                                         start >> (level_its.size() - 1)));
    }
    auto& it = level_its[level];
    std::string want = ik::NodeKey(level, index);
    if (!it->Valid() || ToView(it->key()) != want) it->Seek(want);
    if (!it->Valid() || ToView(it->key()) != want) {
      PARAPHE_RETURN_IF_ERROR(FromRocks(it->status(), "reading Merkle nodes"));
      return NotFound("missing");
    }
    std::string v(ToView(it->value()));
    it->Next();
    return v;
  };

  Status bad;
  uint64_t current_seq = start;
  Status scan = Scan(start, n, [&](const Record& r) -> Status {
    current_seq = r.seq;
    if (r.stream.empty() || r.version == 0) {
      return DataLoss("record " + std::to_string(r.seq) + " has no stream or version");
    }
    crypto::Hash leaf = r.LeafHash();
    frontier.Append(leaf, [&](uint8_t level, uint64_t index, const crypto::Hash& h) {
      if (!bad.ok()) return;
      auto stored = node_at(level, index);
      if (!stored.ok()) {
        bad = DataLoss("seq " + std::to_string(r.seq) + ": Merkle node " +
                       NodeName(level, index) + " is missing");
      } else if (*stored != crypto::HashBytes(h)) {
        bad = DataLoss(level == 0
                           ? "seq " + std::to_string(r.seq) +
                                 ": the record does not match its leaf hash in the tree"
                           : "seq " + std::to_string(r.seq) + ": Merkle node " +
                                 NodeName(level, index) + " does not match the records");
      }
    });
    return bad;
  });
  if (!scan.ok()) {
    if (scan.code() == StatusCode::kDataLoss &&
        scan.message().rfind("seq ", 0) != 0 && scan.message().rfind("record ", 0) != 0) {
      return DataLoss("seq " + std::to_string(current_seq) + ": " + scan.message());
    }
    return scan;
  }
  if (frontier.Root() != cp->root) {
    return DataLoss("the records' Merkle root differs from the latest checkpoint's root"
                    " (size " + std::to_string(n) + ")");
  }
  return Status::Ok();
}

}  // namespace paraphe::ledger
