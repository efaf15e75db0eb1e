// Base64 (RFC 4648 section 4, padded) and base64url (section 5, no padding,
// as JWS requires). Decoders are strict: they reject characters outside the
// alphabet, wrong padding, non-zero trailing bits and whitespace, so that
// every byte string has exactly one accepted encoding.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "crypto/status.h"

namespace paraphe::crypto {

std::string Base64Encode(std::string_view bytes);
// kInvalidArgument naming the offending position on any malformed input.
Result<std::string> Base64Decode(std::string_view text);

std::string Base64UrlEncode(std::string_view bytes);
// Unpadded only: a '=' is rejected.
Result<std::string> Base64UrlDecode(std::string_view text);

std::string HexEncode(std::string_view bytes);  // lowercase
Result<std::string> HexDecode(std::string_view text);

}  // namespace paraphe::crypto
