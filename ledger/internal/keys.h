// Storage keys of the log's column families (private to ledger/).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/record.h"

namespace paraphe::ledger::internal {

enum Cf : size_t {
  kMeta = 0,  // the default column family
  kRecords,
  kStreams,
  kIdempotency,
  kNodes,
  kCheckpoints,
  kSnapshots,
  kCfCount,
};

inline const char* const kCfNames[kCfCount] = {
    "default", "records", "streams", "idempotency",
    "nodes",   "checkpoints", "snapshots"};

inline std::string SeqKey(uint64_t seq) { return BigEndian64(seq); }

// stream || 0x00 || version (stream ids never contain 0x00).
inline std::string StreamKey(std::string_view stream, uint64_t version) {
  std::string k(stream);
  k.push_back('\0');
  k += BigEndian64(version);
  return k;
}

inline std::string NodeKey(uint8_t level, uint64_t index) {
  std::string k(1, static_cast<char>(level));
  k += BigEndian64(index);
  return k;
}

}  // namespace paraphe::ledger::internal
