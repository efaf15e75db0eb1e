// JWS compact serialization (RFC 7515) with alg EdDSA over Ed25519
// (RFC 8037). Paraphe's events travel as JWS; the ledger stores the exact
// bytes it received.
//
// Parsing is strict; each rejection is kInvalidArgument with a precise
// message: not three segments, empty or oversized input, bad base64url in
// any segment (padding '=' included), header not a JSON object (strict
// JSON: no comments, no trailing commas, no duplicate member names at any
// depth), missing/unsupported `alg` (`none` and anything but "EdDSA"
// refused), missing, empty or non-string `kid`, `crit` present, a signature
// that is not 64 bytes. Other header members (`typ`, ...) are ignored.
// Verification failure is kUnauthenticated.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "crypto/ed25519.h"
#include "crypto/status.h"

namespace paraphe::crypto {

inline constexpr size_t kMaxJwsBytes = 1 << 20;  // 1 MiB

struct Jws {
  std::string header_json;   // decoded protected header
  std::string payload;       // decoded payload bytes
  std::string signature;     // 64 bytes
  std::string kid;           // from the header
  std::string signing_input; // "<b64 header>.<b64 payload>", what was signed
};

// Signs payload with key; the header is {"alg":"EdDSA","kid":<kid>} with
// `kid` defaulting to the key's RFC 7638 thumbprint. Extra header members
// are not supported on purpose.
std::string JwsSign(std::string_view payload, const PrivateKey& key,
                    std::string_view kid = {});

// Parses without verifying (the key is found from `kid` afterwards).
Result<Jws> JwsParse(std::string_view compact);

// Verifies a parsed JWS against key: kUnauthenticated on a bad signature.
Status JwsVerify(const Jws& jws, const PublicKey& key);

}  // namespace paraphe::crypto
