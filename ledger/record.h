// A log record and its leaf bytes: the exact bytes hashed into the Merkle
// tree (specified for outsiders in docs/FORMAT.md):
//
//   leaf = 0x02                      leaf format version
//       || uint64 big-endian seq     0-based position in the log
//       || int64 big-endian time     recording time, Unix milliseconds UTC
//       || JWS compact bytes         verbatim, as received, to the end
//
// The stored record (private, cereal) wraps the leaf bytes with the stream
// (convention id) and stream version so that reads need not parse the JWS.
//
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/sha256.h"
#include "crypto/status.h"

namespace paraphe::ledger {

// Version 2 (Paraphe 0.2): the log's seq 0 is its genesis record. Version 1
// leaves (Paraphe 0.1) are refused by DecodeLeaf, naming the version.
inline constexpr uint8_t kLeafFormat = 0x02;
inline constexpr size_t kLeafHeaderBytes = 1 + 8 + 8;

struct Record {
  uint64_t seq = 0;
  int64_t recorded_at_ms = 0;
  std::string stream;     // convention id
  uint64_t version = 0;   // stream version after this record (1-based)
  std::string jws;        // the signed event, verbatim

  std::string LeafBytes() const;
  crypto::Hash LeafHash() const;
};

std::string EncodeLeaf(uint64_t seq, int64_t recorded_at_ms, std::string_view jws);

struct DecodedLeaf {
  uint64_t seq = 0;
  int64_t recorded_at_ms = 0;
  std::string jws;
};
// kInvalidArgument if too short or of an unknown format version.
Result<DecodedLeaf> DecodeLeaf(std::string_view leaf);

// Private storage encoding (cereal portable binary, versioned).
std::string EncodeStoredRecord(const Record& r);
// kDataLoss on any malformed input; never crashes.
Result<Record> DecodeStoredRecord(uint64_t seq, std::string_view bytes);

// Big-endian helpers shared by the storage keys.
std::string BigEndian64(uint64_t v);
uint64_t ReadBigEndian64(std::string_view bytes);  // requires size() >= 8

// "2026-11-26T14:53:12.123Z"
std::string FormatTimestampMs(int64_t unix_ms);

}  // namespace paraphe::ledger
