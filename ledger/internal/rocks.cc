#include "ledger/internal/rocks.h"

namespace paraphe::ledger::internal {

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsNotFound()) return NotFound(std::move(msg));
  if (s.IsCorruption()) return DataLoss(std::move(msg));
  if (s.IsIOError() || s.IsBusy() || s.IsTimedOut() || s.IsTryAgain() ||
      s.IsIncomplete() || s.IsShutdownInProgress() ||
      s.subcode() == rocksdb::Status::kNoSpace) {
    return Unavailable(std::move(msg));
  }
  return Internal(std::move(msg));
}

}  // namespace paraphe::ledger::internal
