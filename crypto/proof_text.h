// The C2SP tlog-proof text form of an inclusion proof
// (https://c2sp.org/tlog-proof): what an auditor or a finance department
// keeps as a receipt.
//
//   "c2sp.org/tlog-proof@v1\n"
//   ["extra " base64 "\n"]
//   "index " decimal "\n"
//   (base64(hash[32]) "\n")*
//   "\n"
//   signed checkpoint note, verbatim
//
// Parsing is strict and does not verify anything: every line ends in "\n",
// the index is decimal without leading zeros and fits in 64 bits, every
// proof hash is exactly 32 bytes of standard base64 (crypto/base64.h), the
// optional extra data is standard base64, and a non-empty checkpoint follows
// the blank line. The checkpoint is returned verbatim for
// NoteVerifier::Open and Checkpoint::Parse (crypto/note.h).
//
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/sha256.h"
#include "crypto/status.h"

namespace paraphe::crypto {

inline constexpr std::string_view kTlogProofHeader = "c2sp.org/tlog-proof@v1";

struct TlogProof {
  std::string extra;  // decoded "extra" data, empty when absent
  uint64_t index = 0;
  std::vector<Hash> proof;
  std::string checkpoint;  // the signed note, verbatim
};

// kInvalidArgument naming the line at fault ("line 3: proof hash: a hash
// must be 32 bytes, got 31") for anything that does not match the grammar
// above.
Result<TlogProof> ParseTlogProof(std::string_view text);

}  // namespace paraphe::crypto
