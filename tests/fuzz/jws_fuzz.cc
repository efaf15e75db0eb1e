// Fuzzes crypto::JwsParse and JwsVerify. Invariants: a rejection is
// kInvalidArgument; what parses has a 64-byte signature and a non-empty kid,
// and (base64url being strict) re-encodes to exactly the input; verification
// with the key its kid names among the demo keys, or with the operator key
// when the kid is unknown, either succeeds or is kUnauthenticated.
#include "crypto/base64.h"
#include "crypto/jws.h"
#include "tests/fuzz/fuzz_util.h"

using namespace paraphe;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const crypto::PublicKey operator_key =
      fuzz::DemoKey("operator").public_key();
  const std::string_view in = fuzz::AsText(data, size);

  auto jws = crypto::JwsParse(in);
  if (!jws.ok()) {
    FUZZ_CHECK_MSG(jws.status().code() == StatusCode::kInvalidArgument,
                   jws.status().ToString());
    return 0;
  }
  FUZZ_CHECK(size <= crypto::kMaxJwsBytes);
  FUZZ_CHECK(jws->signature.size() == 64);
  FUZZ_CHECK(!jws->kid.empty());
  const std::string signing_input = crypto::Base64UrlEncode(jws->header_json) +
                                    "." + crypto::Base64UrlEncode(jws->payload);
  FUZZ_CHECK(jws->signing_input == signing_input);
  FUZZ_CHECK(signing_input + "." + crypto::Base64UrlEncode(jws->signature) ==
             in);

  const auto& keys = fuzz::DemoKeysByKid();
  auto it = keys.find(jws->kid);
  const crypto::PublicKey& key = it != keys.end() ? it->second : operator_key;
  Status st = crypto::JwsVerify(*jws, key);
  FUZZ_CHECK_MSG(st.ok() || st.code() == StatusCode::kUnauthenticated,
                 st.ToString());
  return 0;
}
