// The Ed25519 acceptance rule (docs/FORMAT.md section 1, "Ed25519 acceptance
// rule"): every weak public key and every edge-case signature, including the
// 914 C2SP/CCTV edge vectors, each checked against the stated rule.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "crypto/base64.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "tests/crypto/test_util.h"

namespace paraphe::crypto {
namespace {

using ::testing::HasSubstr;
using testing::ReadJsonTestFile;
using testing::Str;
using testing::Unhex;

constexpr char kNotCanonical[] = "is not a canonical encoding";
constexpr char kLowOrder[] = "has low order";
constexpr char kNotOnCurve[] = "is not a point on the curve";
constexpr char kNotInSubgroup[] = "is not in the prime-order subgroup";

// RFC 8032 section 7.1, TEST 1 (empty message).
constexpr char kTest1Seed[] =
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr char kTest1Public[] =
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
constexpr char kTest1Signature[] =
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb882"
    "1590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

// L, little-endian.
constexpr char kGroupOrderHex[] =
    "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010";

// The canonical encodings of the 8 points of order 1, 2, 4 and 8, with their
// order (each checked with libsodium: [order]P is the identity).
struct LowOrder {
  const char* hex;
  int order;
};
const LowOrder kLowOrderPoints[] = {
    {"0100000000000000000000000000000000000000000000000000000000000000", 1},
    {"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", 2},
    {"0000000000000000000000000000000000000000000000000000000000000000", 4},
    {"0000000000000000000000000000000000000000000000000000000000000080", 4},
    {"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", 8},
    {"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", 8},
    {"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", 8},
    {"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", 8},
};

// Asserts that FromRaw refuses raw with kInvalidArgument and a message
// holding what.
void ExpectRefused(const std::string& raw, const std::string& what) {
  Result<PublicKey> r = PublicKey::FromRaw(raw);
  ASSERT_FALSE(r.ok()) << HexEncode(raw) << " was accepted";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument)
      << r.status().ToString();
  EXPECT_THAT(r.status().message(), HasSubstr(what)) << HexEncode(raw);
}

PublicKey Test1Key() {
  Result<PublicKey> k = PublicKey::FromRaw(Unhex(kTest1Public));
  EXPECT_TRUE(k.ok()) << k.status().ToString();
  return k.ok() ? *k : PublicKey();
}

// Little-endian 256-bit a + b (no overflow for the values used here).
std::string Add256(const std::string& a, const std::string& b) {
  std::string out(32, '\0');
  unsigned carry = 0;
  for (size_t i = 0; i < 32; ++i) {
    unsigned s = static_cast<uint8_t>(a[i]) + static_cast<uint8_t>(b[i]) + carry;
    out[i] = static_cast<char>(s & 0xff);
    carry = s >> 8;
  }
  EXPECT_EQ(carry, 0u);
  return out;
}

// ------------------------------------------------------------ public keys

// The one text codec of public keys goes through the same rule.
TEST(Ed25519StrictKeyTest, Base64UrlCodecRoundTripsAndAppliesTheRule) {
  auto k = PrivateKey::Generate();
  ASSERT_TRUE(k.ok());
  const std::string text = k->public_key().ToBase64Url();
  EXPECT_EQ(text.size(), 43u);
  auto back = PublicKey::FromBase64Url(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, k->public_key());
  // Identity point (01 00..00): refused by the rule, not only by length.
  std::string identity(32, '\0');
  identity[0] = 1;
  auto weak = PublicKey::FromBase64Url(Base64UrlEncode(identity));
  EXPECT_EQ(weak.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(weak.status().message(), ::testing::HasSubstr("low order"));
  EXPECT_THAT(PublicKey::FromBase64Url(Base64UrlEncode(std::string(31, 'a'))).status().message(),
              ::testing::HasSubstr("31 bytes"));
  EXPECT_EQ(PublicKey::FromBase64Url(text + "=").status().code(), StatusCode::kInvalidArgument);
}

TEST(Ed25519StrictKeyTest, IdentityIsRefused) {
  ExpectRefused(Unhex(kLowOrderPoints[0].hex),
                "has low order (a point of order 1)");
}

TEST(Ed25519StrictKeyTest, EveryLowOrderPointIsRefusedWithItsOrder) {
  for (const LowOrder& p : kLowOrderPoints) {
    SCOPED_TRACE(p.hex);
    ExpectRefused(Unhex(p.hex), "Ed25519 public key has low order (a point of "
                                "order " + std::to_string(p.order) + ")");
  }
}

TEST(Ed25519StrictKeyTest, NonCanonicalEncodingsAreRefused) {
  for (const char* hex : {
           // The identity (y = 1) with the sign bit set: x = 0 is even.
           "0100000000000000000000000000000000000000000000000000000000000080",
           // (0, -1) with the sign bit set.
           "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
           // y = p + 1, the identity again, with and without the sign bit.
           "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
           "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
           // y = p (= 0, order 4).
           "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
           // y = p + 18, the largest value that fits in 255 bits.
           "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
       }) {
    SCOPED_TRACE(hex);
    ExpectRefused(Unhex(hex), kNotCanonical);
  }
}

TEST(Ed25519StrictKeyTest, AllOnesAndAllZerosAreRefused) {
  ExpectRefused(std::string(32, '\xff'), kNotCanonical);
  ExpectRefused(std::string(32, '\0'), "has low order (a point of order 4)");
}

TEST(Ed25519StrictKeyTest, OffCurvePointIsRefused) {
  // y = 2: (y^2 - 1) / (d y^2 + 1) is not a square mod p.
  ExpectRefused(
      Unhex("0200000000000000000000000000000000000000000000000000000000000000"),
      kNotOnCurve);
}

TEST(Ed25519StrictKeyTest, MixedOrderPointIsRefused) {
  // RFC 8032 TEST 1's public key plus the order-8 point 26e8...05: on the
  // curve, canonical, not of low order, but not in the prime-order subgroup.
  ExpectRefused(
      Unhex("3b5b475c4b82dd1572799fc546f4c6c03e478c6654aa4c7f945b347ea32af60d"),
      kNotInSubgroup);
}

TEST(Ed25519StrictKeyTest, RefusalIsNotCachedAndAcceptanceIsRepeatable) {
  // FromRaw keeps a per-thread cache of accepted keys: a refused key must be
  // refused every time, an accepted one accepted every time.
  for (int i = 0; i < 3; ++i) {
    ExpectRefused(Unhex(kLowOrderPoints[0].hex), kLowOrder);
    EXPECT_TRUE(PublicKey::FromRaw(Unhex(kTest1Public)).ok());
  }
}

TEST(Ed25519StrictKeyTest, PemOfAWeakKeyIsRefused) {
  // RFC 8410 SubjectPublicKeyInfo: fixed 12-byte DER prefix, then the key.
  std::string der = Unhex("302a300506032b6570032100") +
                    Unhex(kLowOrderPoints[0].hex);
  std::string pem = "-----BEGIN PUBLIC KEY-----\n" + Base64Encode(der) +
                    "\n-----END PUBLIC KEY-----\n";
  Result<PublicKey> r = PublicKey::FromPem(pem);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr(kLowOrder));
  // The same PEM with a valid key reads back.
  std::string good = Unhex("302a300506032b6570032100") + Unhex(kTest1Public);
  Result<PublicKey> ok = PublicKey::FromPem(
      "-----BEGIN PUBLIC KEY-----\n" + Base64Encode(good) +
      "\n-----END PUBLIC KEY-----\n");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(HexEncode(ok->raw()), kTest1Public);
}

// ------------------------------------------------------------- signatures

TEST(Ed25519StrictSignatureTest, IdentityRWithZeroSDoesNotVerify) {
  // The forgery of issue 12: R = identity, S = 0 (valid for an identity
  // key under the bare cofactorless equation). Refused for any key.
  std::string forged = Unhex(kLowOrderPoints[0].hex) + std::string(32, '\0');
  PublicKey key = Test1Key();
  EXPECT_FALSE(key.Verify("", forged));
  EXPECT_FALSE(key.Verify("anything", forged));
}

TEST(Ed25519StrictSignatureTest, DefaultConstructedKeyVerifiesNothing) {
  std::string forged = Unhex(kLowOrderPoints[0].hex) + std::string(32, '\0');
  EXPECT_FALSE(PublicKey().Verify("", forged));
  EXPECT_FALSE(PublicKey().Verify("", Unhex(kTest1Signature)));
}

TEST(Ed25519StrictSignatureTest, NonCanonicalSIsRefused) {
  PublicKey key = Test1Key();
  std::string sig = Unhex(kTest1Signature);
  ASSERT_TRUE(key.Verify("", sig));
  // S + L satisfies the same equation ([S + L]B = [S]B): a verifier that
  // reduced S would accept it.
  std::string r = sig.substr(0, 32);
  std::string s = sig.substr(32);
  std::string l = Unhex(kGroupOrderHex);
  EXPECT_FALSE(key.Verify("", r + Add256(s, l)));
  // S = L and S = 2^256 - 1.
  EXPECT_FALSE(key.Verify("", r + l));
  EXPECT_FALSE(key.Verify("", r + std::string(32, '\xff')));
}

TEST(Ed25519StrictSignatureTest, LowOrderRIsRefusedForAValidKey) {
  PublicKey key = Test1Key();
  std::string s = Unhex(kTest1Signature).substr(32);
  for (const LowOrder& p : kLowOrderPoints) {
    SCOPED_TRACE(p.hex);
    EXPECT_FALSE(key.Verify("", Unhex(p.hex) + s));
  }
}

TEST(Ed25519StrictSignatureTest, SignaturesStayDeterministic) {
  // RFC 8032 TEST 1 through PrivateKey: Sign is unchanged byte for byte.
  Result<PrivateKey> key = PrivateKey::FromSeed(Unhex(kTest1Seed));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(HexEncode(key->Sign("")), kTest1Signature);
  EXPECT_TRUE(key->public_key().Verify("", key->Sign("")));
}

// ------------------------------------------- the 914 CCTV edge vectors
//
// Flags (C2SP/CCTV ed25519/README.md): low_order_A/R: one of the 8 low-order
// points or one of 6 alternative encodings of them; non_canonical_A/R: a
// non-canonical encoding of a low-order point; low_order_component_A/R: the
// point has a low-order component (every low-order point except the identity
// has one); low_order_residue: the low-order parts of R and [k]A do not
// cancel (only a cofactored equation accepts it); reencoded_k: k computed
// over re-encoded (canonical) A and R.
//
// The rule, applied to each vector:
//  - A is refused by FromRaw iff it is non-canonical, or of low order, or
//    has a low-order component. The first failed test names the refusal:
//    non_canonical_A -> "not a canonical encoding"; else low_order_A -> "has
//    low order"; else low_order_component_A -> "not in the prime-order
//    subgroup". A key with none of the three is accepted.
//  - For an accepted A (in the prime-order subgroup), the signature verifies
//    iff it has none of the R flags and no residue: a non-canonical or
//    low-order R is refused outright; a mixed-order R cannot equal [S]B -
//    [k]A, which is in the prime-order subgroup; a residue means the
//    cofactorless equation fails; reencoded_k occurs only with a
//    non-canonical point.

struct VectorTally {
  int keys_accepted = 0;
  int keys_not_canonical = 0;
  int keys_low_order = 0;
  int keys_mixed_order = 0;
  int signatures_verified = 0;
  int signatures_refused = 0;
};

TEST(Ed25519EdgeVectorsTest, EveryVectorFollowsTheRule) {
  boost::json::value doc = ReadJsonTestFile("ed25519_edge_vectors.json");
  ASSERT_TRUE(doc.is_array());
  const boost::json::array& vectors = doc.as_array();
  ASSERT_EQ(vectors.size(), 914u);

  const std::set<std::string> kKnownFlags = {
      "low_order_A",           "low_order_R",           "non_canonical_A",
      "non_canonical_R",       "low_order_component_A", "low_order_component_R",
      "low_order_residue",     "reencoded_k"};
  VectorTally t;
  std::set<int64_t> numbers;
  for (const boost::json::value& item : vectors) {
    const boost::json::object& v = item.as_object();
    const int64_t number = v.at("number").as_int64();
    numbers.insert(number);
    SCOPED_TRACE("vector " + std::to_string(number));
    std::set<std::string> flags;
    if (const boost::json::value* f = v.if_contains("flags");
        f != nullptr && !f->is_null()) {
      for (const boost::json::value& s : f->as_array()) {
        ASSERT_TRUE(kKnownFlags.count(Str(s)) == 1)
            << "vector " << number << ": unknown flag " << Str(s);
        flags.insert(Str(s));
      }
    }
    auto has = [&flags](const char* f) { return flags.count(f) == 1; };
    const std::string key_raw = Unhex(Str(v.at("key")));
    const std::string sig = Unhex(Str(v.at("sig")));
    const std::string msg = Str(v.at("msg"));
    ASSERT_EQ(key_raw.size(), 32u) << "vector " << number;
    ASSERT_EQ(sig.size(), 64u) << "vector " << number;

    Result<PublicKey> key = PublicKey::FromRaw(key_raw);
    const char* refusal = has("non_canonical_A")         ? kNotCanonical
                          : has("low_order_A")           ? kLowOrder
                          : has("low_order_component_A") ? kNotInSubgroup
                                                         : nullptr;
    if (refusal != nullptr) {
      ASSERT_FALSE(key.ok()) << "vector " << number
                             << ": weak public key accepted";
      EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument)
          << "vector " << number;
      EXPECT_THAT(key.status().message(), HasSubstr(refusal))
          << "vector " << number;
      if (refusal == kNotCanonical) ++t.keys_not_canonical;
      if (refusal == kLowOrder) ++t.keys_low_order;
      if (refusal == kNotInSubgroup) ++t.keys_mixed_order;
      continue;
    }
    ASSERT_TRUE(key.ok()) << "vector " << number << ": "
                          << key.status().ToString();
    ++t.keys_accepted;
    const bool expect_valid =
        !has("non_canonical_R") && !has("low_order_R") &&
        !has("low_order_component_R") && !has("low_order_residue") &&
        !has("reencoded_k");
    EXPECT_EQ(key->Verify(msg, sig), expect_valid)
        << "vector " << number << ": signature "
        << (expect_valid ? "refused" : "accepted");
    ++(expect_valid ? t.signatures_verified : t.signatures_refused);
  }
  // Every vector was looked at, once.
  EXPECT_EQ(numbers.size(), 914u);
  EXPECT_EQ(*numbers.begin(), 0);
  EXPECT_EQ(*numbers.rbegin(), 913);
  EXPECT_EQ(t.keys_not_canonical, 226);
  EXPECT_EQ(t.keys_low_order, 300);
  EXPECT_EQ(t.keys_mixed_order, 360);
  EXPECT_EQ(t.keys_accepted, 28);
  EXPECT_EQ(t.signatures_verified, 1);
  EXPECT_EQ(t.signatures_refused, 27);
}

TEST(Ed25519EdgeVectorsTest, CanonicalLowOrderKeysAreExactlyTheListedEight) {
  // The vectors' canonical low-order keys are the 8 encodings the rule
  // lists in docs/FORMAT.md; no other one exists.
  boost::json::value doc = ReadJsonTestFile("ed25519_edge_vectors.json");
  std::set<std::string> from_vectors;
  for (const boost::json::value& item : doc.as_array()) {
    const boost::json::object& v = item.as_object();
    bool low = false, non_canonical = false;
    if (v.at("flags").is_null()) continue;  // vector 305: no edge case
    for (const boost::json::value& s : v.at("flags").as_array()) {
      low |= Str(s) == "low_order_A";
      non_canonical |= Str(s) == "non_canonical_A";
    }
    if (low && !non_canonical) from_vectors.insert(Str(v.at("key")));
  }
  std::set<std::string> listed;
  for (const LowOrder& p : kLowOrderPoints) listed.insert(p.hex);
  EXPECT_EQ(from_vectors, listed);
}

}  // namespace
}  // namespace paraphe::crypto
