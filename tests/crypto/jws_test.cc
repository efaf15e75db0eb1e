#include "crypto/jws.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/base64.h"
#include "tests/crypto/test_util.h"

namespace paraphe::crypto {
namespace {

// RFC 8037 appendix A.1 key.
PrivateKey Rfc8037Key() {
  Result<std::string> d =
      Base64UrlDecode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A");
  EXPECT_TRUE(d.ok());
  Result<PrivateKey> key = PrivateKey::FromSeed(*d);
  EXPECT_TRUE(key.ok());
  return std::move(key).value();
}

std::string B64(std::string_view s) { return Base64UrlEncode(s); }

// Builds a compact JWS with an arbitrary header, signed by key.
std::string SignWithHeader(std::string_view header, std::string_view payload,
                           const PrivateKey& key) {
  std::string input = B64(header) + "." + B64(payload);
  return input + "." + B64(key.Sign(input));
}

void ExpectRejected(std::string_view compact, std::string_view message) {
  Result<Jws> r = JwsParse(compact);
  ASSERT_FALSE(r.ok()) << "accepted: " << compact.substr(0, 200);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), message);
}

// RFC 8037 appendix A.4 (and A.5): Ed25519 signing, with the RFC's exact
// output. The RFC header has no kid, which JwsParse requires, so the
// signature is checked at the signing-input level.
TEST(JwsTest, Rfc8037AppendixA4) {
  const std::string kSigningInput =
      "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
  const std::string kSignature =
      "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7"
      "sVvpAr_MuM0KAg";
  PrivateKey key = Rfc8037Key();
  EXPECT_EQ(Base64UrlEncode(key.public_key().raw()),
            "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
  EXPECT_EQ(*Base64UrlDecode("eyJhbGciOiJFZERTQSJ9"), R"({"alg":"EdDSA"})");
  EXPECT_EQ(B64(key.Sign(kSigningInput)), kSignature);
  Result<std::string> sig = Base64UrlDecode(kSignature);
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(key.public_key().Verify(kSigningInput, *sig));

  // The whole RFC token is rejected by JwsParse only for the missing kid.
  ExpectRejected(kSigningInput + "." + kSignature, "JWS header has no \"kid\"");
  // Same header with a kid added parses and verifies.
  std::string with_kid = SignWithHeader(
      R"({"alg":"EdDSA","kid":"kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"})",
      "Example of Ed25519 signing", key);
  Result<Jws> jws = JwsParse(with_kid);
  ASSERT_TRUE(jws.ok()) << jws.status().ToString();
  EXPECT_TRUE(JwsVerify(*jws, key.public_key()).ok());
}

TEST(JwsTest, SignProducesExactHeaderAndRoundTrips) {
  PrivateKey key = Rfc8037Key();
  std::string compact = JwsSign(R"({"n":1})", key);
  Result<Jws> jws = JwsParse(compact);
  ASSERT_TRUE(jws.ok()) << jws.status().ToString();
  EXPECT_EQ(
      jws->header_json,
      R"({"alg":"EdDSA","kid":"kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"})");
  EXPECT_EQ(jws->kid, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  EXPECT_EQ(jws->payload, R"({"n":1})");
  EXPECT_EQ(jws->signature.size(), 64u);
  EXPECT_EQ(jws->signing_input, compact.substr(0, compact.rfind('.')));
  EXPECT_TRUE(JwsVerify(*jws, key.public_key()).ok());
  // Deterministic: Ed25519 has no randomness.
  EXPECT_EQ(JwsSign(R"({"n":1})", key), compact);
}

TEST(JwsTest, ExplicitKidIsEscaped) {
  PrivateKey key = Rfc8037Key();
  Result<Jws> jws = JwsParse(JwsSign("", key, "party \"a\"\\1"));
  ASSERT_TRUE(jws.ok()) << jws.status().ToString();
  EXPECT_EQ(jws->header_json, R"({"alg":"EdDSA","kid":"party \"a\"\\1"})");
  EXPECT_EQ(jws->kid, "party \"a\"\\1");
  EXPECT_EQ(jws->payload, "");
  EXPECT_TRUE(JwsVerify(*jws, key.public_key()).ok());
}

TEST(JwsTest, VerifyFailures) {
  PrivateKey key = Rfc8037Key();
  Result<PrivateKey> other = PrivateKey::Generate();
  ASSERT_TRUE(other.ok());
  Result<Jws> jws = JwsParse(JwsSign("payload", key));
  ASSERT_TRUE(jws.ok());
  Status st = JwsVerify(*jws, other->public_key());
  EXPECT_EQ(st.code(), StatusCode::kUnauthenticated);

  Jws tampered = *jws;
  tampered.signing_input.back() ^= 1;
  EXPECT_EQ(JwsVerify(tampered, key.public_key()).code(),
            StatusCode::kUnauthenticated);
  tampered = *jws;
  tampered.signature[0] ^= 1;
  EXPECT_EQ(JwsVerify(tampered, key.public_key()).code(),
            StatusCode::kUnauthenticated);

  // Another payload under a valid signature does not verify.
  std::string a = JwsSign("a", key);
  std::string spliced =
      a.substr(0, a.find('.')) + "." + B64("b") + a.substr(a.rfind('.'));
  Result<Jws> s = JwsParse(spliced);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(JwsVerify(*s, key.public_key()).code(),
            StatusCode::kUnauthenticated);
}

TEST(JwsTest, Rejections) {
  PrivateKey key = Rfc8037Key();
  const std::string good = JwsSign("p", key, "k1");
  const std::string h = good.substr(0, good.find('.'));
  const std::string sig = good.substr(good.rfind('.') + 1);

  ExpectRejected("", "JWS is empty");
  ExpectRejected(good + ".x",
                 "JWS compact serialization needs 3 dot-separated segments, "
                 "got 4");
  ExpectRejected(h + "." + sig,
                 "JWS compact serialization needs 3 dot-separated segments, "
                 "got 2");
  ExpectRejected("abc",
                 "JWS compact serialization needs 3 dot-separated "
                 "segments, got 1");
  ExpectRejected(std::string(".") + B64("p") + "." + sig,
                 "JWS header segment is empty");
  ExpectRejected(h + ".c*n." + sig,
                 "JWS payload: base64url: invalid character '*' at position 1");
  ExpectRejected(h + "." + B64("p") + "=." + sig,
                 "JWS payload: base64url: invalid character '=' at position 2");
  ExpectRejected(h + "=." + B64("p") + "." + sig,
                 "JWS header: base64url: invalid character '=' at position " +
                     std::to_string(h.size()));
  ExpectRejected(h + "." + B64("p") + "." + sig + "==",
                 "JWS signature: base64url: invalid character '=' at "
                 "position 86");
  ExpectRejected(h + "." + B64("p") + "." + sig.substr(0, 85),
                 "JWS signature: base64url: invalid length 85");
  ExpectRejected(h + "." + B64("p") + "+." + sig,
                 "JWS payload: base64url: invalid character '+' at position 2");

  std::string big(kMaxJwsBytes + 1, 'A');
  ExpectRejected(big, "JWS is 1048577 bytes, over the limit of 1048576");

  auto with_header = [&](std::string_view header) {
    return SignWithHeader(header, "p", key);
  };
  ExpectRejected(with_header(R"({"alg":"none","kid":"k"})"),
                 "JWS alg \"none\" (unsigned) is refused");
  ExpectRejected(B64(R"({"alg":"none","kid":"k"})") + "." + B64("p") + ".",
                 "JWS alg \"none\" (unsigned) is refused");
  ExpectRejected(with_header(R"({"alg":"HS256","kid":"k"})"),
                 "JWS alg \"HS256\" is not supported; only \"EdDSA\" is");
  ExpectRejected(with_header(R"({"alg":"eddsa","kid":"k"})"),
                 "JWS alg \"eddsa\" is not supported; only \"EdDSA\" is");
  ExpectRejected(with_header(R"({"alg":1,"kid":"k"})"),
                 "JWS header \"alg\" is not a string");
  ExpectRejected(with_header(R"({"kid":"k"})"), "JWS header has no \"alg\"");
  ExpectRejected(with_header(R"({"alg":"EdDSA"})"),
                 "JWS header has no \"kid\"");
  ExpectRejected(with_header(R"({"alg":"EdDSA","kid":""})"),
                 "JWS header \"kid\" is empty");
  ExpectRejected(with_header(R"({"alg":"EdDSA","kid":7})"),
                 "JWS header \"kid\" is not a string");
  ExpectRejected(
      with_header(R"({"alg":"EdDSA","kid":"k","crit":["b64"],"b64":false})"),
      "JWS header has \"crit\"; no critical extensions are supported");
  ExpectRejected(with_header(R"(["alg","EdDSA"])"),
                 "JWS header is not a JSON object");
  ExpectRejected(with_header(R"("EdDSA")"), "JWS header is not a JSON object");
  ExpectRejected(with_header(R"({"alg":"EdDSA","kid":"a","kid":"b"})"),
                 "JWS header has duplicate member \"kid\"");
  ExpectRejected(with_header(R"({"alg":"HS256","alg":"EdDSA","kid":"k"})"),
                 "JWS header has duplicate member \"alg\"");

  for (std::string_view bad :
       {R"({"alg":"EdDSA","kid":"k")", R"({"alg":"EdDSA","kid":"k",})",
        R"({"alg":"EdDSA","kid":"k"} x)", R"({"alg":"EdDSA", /*c*/ "kid":"k"})",
        ""}) {
    Result<Jws> r = JwsParse(with_header(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(r.status().message().rfind("JWS header is not valid JSON", 0) ==
                    0 ||
                r.status().message() == "JWS header segment is empty")
        << r.status().message();
  }

  // Signature of the wrong length (valid base64url).
  ExpectRejected(h + "." + B64("p") + "." + B64(std::string(63, 's')),
                 "JWS signature is 63 bytes; Ed25519 signatures are 64");
  ExpectRejected(h + "." + B64("p") + "." + B64(std::string(65, 's')),
                 "JWS signature is 65 bytes; Ed25519 signatures are 64");
  ExpectRejected(h + "." + B64("p") + ".",
                 "JWS signature is 0 bytes; Ed25519 signatures are 64");
}

TEST(JwsTest, ExtraHeaderMembersAreIgnoredWhenParsing) {
  PrivateKey key = Rfc8037Key();
  Result<Jws> jws = JwsParse(SignWithHeader(
      R"({"typ":"JWT","alg":"EdDSA","kid":"k","x":{"y":[1,2]}})", "p", key));
  ASSERT_TRUE(jws.ok()) << jws.status().ToString();
  EXPECT_EQ(jws->kid, "k");
  EXPECT_TRUE(JwsVerify(*jws, key.public_key()).ok());
}

TEST(JwsTest, LargePayloadUpToTheLimit) {
  PrivateKey key = Rfc8037Key();
  std::string payload(700000, 'x');
  std::string compact = JwsSign(payload, key);
  ASSERT_LE(compact.size(), kMaxJwsBytes);
  Result<Jws> jws = JwsParse(compact);
  ASSERT_TRUE(jws.ok()) << jws.status().ToString();
  EXPECT_EQ(jws->payload, payload);
  std::string too_big = JwsSign(std::string(800000, 'x'), key);
  ASSERT_GT(too_big.size(), kMaxJwsBytes);
  EXPECT_EQ(JwsParse(too_big).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace paraphe::crypto
