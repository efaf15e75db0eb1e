#include "crypto/sha256.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace paraphe::crypto {
namespace {

// FIPS 180-2 examples and the empty string.
TEST(Sha256Test, KnownAnswers) {
  EXPECT_EQ(HashHex(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HashHex(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HashHex(Sha256(
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(HashHex(Sha256(std::string(1000000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, Encodings) {
  Hash h = Sha256("hello world");
  EXPECT_EQ(HashBytes(h).size(), 32u);
  EXPECT_EQ(HashHex(h),
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
  EXPECT_EQ(HashBase64(h), "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=");
}

TEST(Sha256Test, PartsEqualsConcatenation) {
  EXPECT_EQ(Sha256Parts({"ab", "", "c"}), Sha256("abc"));
  EXPECT_EQ(Sha256Parts({}), Sha256(""));
}

TEST(Sha256Test, IncrementalAndReuse) {
  Sha256Hasher hasher;
  hasher.Update("a");
  hasher.Update("bc");
  EXPECT_EQ(hasher.Finish(), Sha256("abc"));
  // Finish resets.
  EXPECT_EQ(hasher.Finish(), Sha256(""));
  hasher.Update("abc");
  Sha256Hasher moved = std::move(hasher);
  EXPECT_EQ(moved.Finish(), Sha256("abc"));
}

}  // namespace
}  // namespace paraphe::crypto
