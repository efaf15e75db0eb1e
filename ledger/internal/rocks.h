// The one place RocksDB statuses become Paraphe statuses, and small RocksDB
// helpers shared by the log's reader and writer code.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/status.h>

#include <memory>
#include <string>
#include <string_view>

#include "crypto/status.h"

namespace paraphe::ledger::internal {

// IOError/NoSpace/Busy/TimedOut -> kUnavailable, Corruption -> kDataLoss,
// NotFound -> kNotFound, anything else -> kInternal. `what` says what we
// were doing ("writing batch of 12 appends").
Status FromRocks(const rocksdb::Status& s, std::string_view what);

inline rocksdb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }
inline std::string_view ToView(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

using IteratorPtr = std::unique_ptr<rocksdb::Iterator>;

}  // namespace paraphe::ledger::internal
