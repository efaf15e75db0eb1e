// Fuzzes the strict decoders of crypto/base64.h. Invariant: each accepts
// exactly one encoding per byte string (the header's promise), so whatever
// decodes re-encodes to the very same text; and every encoding decodes back.
#include <cctype>

#include "crypto/base64.h"
#include "tests/fuzz/fuzz_util.h"

using namespace paraphe;

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in = fuzz::AsText(data, size);

  auto b64 = crypto::Base64Decode(in);
  if (b64.ok()) {
    FUZZ_CHECK(crypto::Base64Encode(*b64) == in);
  } else {
    FUZZ_CHECK(b64.status().code() == StatusCode::kInvalidArgument);
  }
  auto url = crypto::Base64UrlDecode(in);
  if (url.ok()) {
    FUZZ_CHECK(crypto::Base64UrlEncode(*url) == in);
  } else {
    FUZZ_CHECK(url.status().code() == StatusCode::kInvalidArgument);
  }
  // Hex accepts both cases; HexEncode writes lowercase.
  auto hex = crypto::HexDecode(in);
  if (hex.ok()) {
    FUZZ_CHECK(crypto::HexEncode(*hex) == Lower(in));
  } else {
    FUZZ_CHECK(hex.status().code() == StatusCode::kInvalidArgument);
  }

  // The other direction: the input as bytes.
  auto back = crypto::Base64Decode(crypto::Base64Encode(in));
  FUZZ_CHECK(back.ok() && *back == in);
  auto back_url = crypto::Base64UrlDecode(crypto::Base64UrlEncode(in));
  FUZZ_CHECK(back_url.ok() && *back_url == in);
  auto back_hex = crypto::HexDecode(crypto::HexEncode(in));
  FUZZ_CHECK(back_hex.ok() && *back_hex == in);
  return 0;
}
