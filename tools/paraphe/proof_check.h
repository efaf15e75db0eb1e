// Offline checking of an inclusion proof, as an auditor or a finance
// department does with a receipt: the C2SP tlog-proof text form
// (https://c2sp.org/tlog-proof) or the JSON form of ledger.h's
// InclusionProofJson, against a pinned checkpoint verifier key.
//
// Strict RFC 6962 / 9162: every hash exactly 32 bytes of standard base64,
// the proof of exactly the expected length, index below the tree size, the
// checkpoint note signed by the trusted key and its body well formed.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/sha256.h"
#include "crypto/status.h"

namespace paraphe::cli {

struct ParsedInclusionProof {
  uint64_t index = 0;
  std::vector<crypto::Hash> proof;
  std::string checkpoint;  // the signed note, verbatim
  // JSON form only: the claims to cross-check against the checkpoint.
  std::optional<uint64_t> tree_size;
  std::optional<crypto::Hash> root;
  std::optional<crypto::Hash> leaf_hash;
};

// The C2SP text form, parsed by crypto::ParseTlogProof (crypto/proof_text.h):
// kInvalidArgument naming the line at fault.
Result<ParsedInclusionProof> ParseTlogProofText(std::string_view text);
// Text form if it starts with the c2sp header, JSON form if with '{'.
Result<ParsedInclusionProof> ParseInclusionProofFile(std::string_view contents);

struct CheckedProof {
  std::string origin;
  uint64_t index = 0;
  uint64_t tree_size = 0;
  crypto::Hash root{};
};

// Opens the checkpoint with `trusted_vkey` (crypto::OpenCheckpoint, which
// also checks the proof's tree_size and root against it), then verifies the
// inclusion of `leaf_hash` at the proof's index. kInvalidArgument for a bad
// key string; kUnauthenticated if the checkpoint is not signed by the key or
// names another origin than the key's name; kDataLoss (with the reason) for
// anything else that does not verify (a malformed checkpoint included).
Result<CheckedProof> CheckInclusionProof(const ParsedInclusionProof& proof,
                                         std::string_view trusted_vkey,
                                         const crypto::Hash& leaf_hash);

}  // namespace paraphe::cli
