// Fuzzes ledger/record.h: DecodeLeaf (the bytes hashed into the Merkle
// tree, read back from bundles and proofs) and DecodeStoredRecord (the
// private RocksDB value), then follows a decoded leaf as the verifier does:
// its JWS, the event inside and the recording time's rendering.
// Invariants: DecodeLeaf inverts EncodeLeaf byte for byte; a stored record
// that decodes re-encodes to a record that decodes to the same fields;
// rejections carry the documented codes (kInvalidArgument, kDataLoss).
#include <cstdio>

#include "crypto/jws.h"
#include "ledger/domain/event.h"
#include "ledger/record.h"
#include "tests/fuzz/fuzz_util.h"

using namespace paraphe;

namespace {

// The rendering ends with the millisecond of the floor division, for every
// int64 (regressions/record/format_timestamp_int64_min: INT64_MIN overflowed
// and gave a wrong millisecond even where that overflow went unnoticed).
void CheckTimestamp(int64_t unix_ms) {
  const std::string text = ledger::FormatTimestampMs(unix_ms);
  int ms = static_cast<int>(unix_ms % 1000);
  if (ms < 0) ms += 1000;
  char tail[8];
  std::snprintf(tail, sizeof(tail), ".%03dZ", ms);
  FUZZ_CHECK_MSG(text.size() >= 24 && text.ends_with(tail), text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in = fuzz::AsText(data, size);

  auto leaf = ledger::DecodeLeaf(in);
  if (leaf.ok()) {
    FUZZ_CHECK(ledger::EncodeLeaf(leaf->seq, leaf->recorded_at_ms, leaf->jws) ==
               in);
    CheckTimestamp(leaf->recorded_at_ms);
    auto jws = crypto::JwsParse(leaf->jws);
    if (jws.ok()) {
      auto event = ledger::ParseEvent(jws->payload);
      FUZZ_CHECK(event.ok() ||
                 event.status().code() == StatusCode::kInvalidArgument);
    }
  } else {
    FUZZ_CHECK_MSG(leaf.status().code() == StatusCode::kInvalidArgument,
                   leaf.status().ToString());
  }

  auto record = ledger::DecodeStoredRecord(42, in);
  if (record.ok()) {
    FUZZ_CHECK(record->seq == 42);
    const std::string encoded = ledger::EncodeStoredRecord(*record);
    auto again = ledger::DecodeStoredRecord(42, encoded);
    FUZZ_CHECK_MSG(again.ok(), again.status().ToString());
    FUZZ_CHECK(again->recorded_at_ms == record->recorded_at_ms &&
               again->stream == record->stream &&
               again->version == record->version && again->jws == record->jws);
    FUZZ_CHECK(ledger::EncodeStoredRecord(*again) == encoded);
    FUZZ_CHECK(ledger::DecodeLeaf(record->LeafBytes()).ok());
    CheckTimestamp(record->recorded_at_ms);
  } else {
    FUZZ_CHECK_MSG(record.status().code() == StatusCode::kDataLoss,
                   record.status().ToString());
  }
  return 0;
}
