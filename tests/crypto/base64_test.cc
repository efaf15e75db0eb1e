#include "crypto/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace paraphe::crypto {
namespace {

void ExpectInvalid(const Result<std::string>& r, std::string_view fragment) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find(fragment), std::string::npos)
      << r.status().message();
}

// RFC 4648 section 10.
TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<std::string, std::string> kVectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : kVectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    Result<std::string> d = Base64Decode(encoded);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(*d, plain);
  }
}

TEST(Base64Test, Rfc4648UrlVectorsUnpadded) {
  const std::pair<std::string, std::string> kVectors[] = {
      {"", ""},
      {"f", "Zg"},
      {"fo", "Zm8"},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg"},
      {"fooba", "Zm9vYmE"},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : kVectors) {
    EXPECT_EQ(Base64UrlEncode(plain), encoded);
    Result<std::string> d = Base64UrlDecode(encoded);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(*d, plain);
  }
}

TEST(Base64Test, AlphabetsDiffer) {
  std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(Base64Encode(bytes), "+/+/");
  EXPECT_EQ(Base64UrlEncode(bytes), "-_-_");
  ExpectInvalid(Base64Decode("-_-_"), "invalid character '-' at position 0");
  ExpectInvalid(Base64UrlDecode("+/+/"), "invalid character '+' at position 0");
}

TEST(Base64Test, RoundTripAllLengths) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    Result<std::string> d = Base64Decode(Base64Encode(bytes));
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*d, bytes);
    Result<std::string> u = Base64UrlDecode(Base64UrlEncode(bytes));
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(*u, bytes);
    bytes.push_back(static_cast<char>(i * 37 + 11));
  }
}

TEST(Base64Test, StdRejections) {
  ExpectInvalid(Base64Decode("Zg="), "length 3 is not a multiple of 4");
  ExpectInvalid(Base64Decode("Zg"), "not a multiple of 4");
  ExpectInvalid(Base64Decode("Z==="), "invalid character '=' at position 1");
  ExpectInvalid(Base64Decode("===="), "invalid character '=' at position 0");
  ExpectInvalid(Base64Decode("Zg==Zg=="), "'=' at position 2");
  ExpectInvalid(Base64Decode("Zm9v YmFy"), "not a multiple of 4");
  ExpectInvalid(Base64Decode("Zm9v\nYmE"), "byte 0x0a at position 4");
  ExpectInvalid(Base64Decode("Zm9*"), "'*' at position 3");
  ExpectInvalid(Base64Decode("Zm9\x80"), "byte 0x80 at position 3");
  // Non-zero trailing bits: "Zh==" and "Zm9=" decode to the same bytes as
  // "Zg==" and "Zm8=" in lenient decoders.
  ExpectInvalid(Base64Decode("Zh=="), "non-zero trailing bits");
  ExpectInvalid(Base64Decode("Zm9="), "non-zero trailing bits");
}

TEST(Base64Test, UrlRejections) {
  ExpectInvalid(Base64UrlDecode("Zg=="), "invalid character '=' at position 2");
  ExpectInvalid(Base64UrlDecode("Zm8="), "'=' at position 3");
  ExpectInvalid(Base64UrlDecode("Z"), "invalid length 1");
  ExpectInvalid(Base64UrlDecode("Zm9vY"), "invalid length 5");
  ExpectInvalid(Base64UrlDecode("Zh"), "non-zero trailing bits");
  ExpectInvalid(Base64UrlDecode("Zm9"), "non-zero trailing bits");
  ExpectInvalid(Base64UrlDecode("Zm 9"), "byte 0x20 at position 2");
}

TEST(HexTest, EncodeDecode) {
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  Result<std::string> d = HexDecode("0001ABff");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, std::string("\x00\x01\xab\xff", 4));
  EXPECT_EQ(*HexDecode(""), "");
}

TEST(HexTest, Rejections) {
  ExpectInvalid(HexDecode("abc"), "odd length 3");
  ExpectInvalid(HexDecode("0g"), "'g' at position 1");
  ExpectInvalid(HexDecode(" 0"), "byte 0x20 at position 0");
}

}  // namespace
}  // namespace paraphe::crypto
