// Snapshots: a ConventionState as private binary bytes, so that readers can
// resume replay from a cut point instead of the stream's start. A snapshot is
// a cache, never the truth: decoding it and applying the remaining events
// must equal a full replay.
//
// Bytes: "PRPHSNP1" | cereal portable-binary archive of the state (every
// struct carries a CEREAL_CLASS_VERSION) | SHA-256 of the archive (32 bytes).
// The checksum is verified before cereal sees the bytes.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "crypto/status.h"
#include "ledger/domain/state.h"

namespace paraphe::ledger {

std::string EncodeSnapshot(const ConventionState& s);

// kDataLoss on anything that is not a complete, intact snapshot (bad magic,
// truncated, checksum mismatch, archive error, trailing bytes). Never
// crashes or throws.
Result<ConventionState> DecodeSnapshot(std::string_view bytes);

}  // namespace paraphe::ledger
