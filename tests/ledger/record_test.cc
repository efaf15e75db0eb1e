// Tests of the leaf bytes and the stored record encoding (ledger/record.h).
#include "ledger/record.h"

#include <gtest/gtest.h>

#include "crypto/base64.h"

namespace paraphe::ledger {
namespace {

TEST(LeafTest, LayoutIsVersionSeqTimeThenJws) {
  std::string leaf = EncodeLeaf(0x0102030405060708ULL, 1'780'000'000'123LL, "a.b.c");
  EXPECT_EQ(crypto::HexEncode(leaf.substr(0, 17)),
            "02" "0102030405060708" "0000019e7044887b");
  EXPECT_EQ(static_cast<uint8_t>(leaf[0]), kLeafFormat);
  EXPECT_EQ(leaf.substr(17), "a.b.c");
  auto d = DecodeLeaf(leaf);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->seq, 0x0102030405060708ULL);
  EXPECT_EQ(d->recorded_at_ms, 1'780'000'000'123LL);
  EXPECT_EQ(d->jws, "a.b.c");
}

TEST(LeafTest, DecodeRejectsShortAndUnknownVersion) {
  EXPECT_EQ(DecodeLeaf("short").status().code(), StatusCode::kInvalidArgument);
  std::string leaf = EncodeLeaf(1, 2, "x");
  leaf[0] = 0x03;
  auto d = DecodeLeaf(leaf);
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(d.status().message().find("version 3"), std::string::npos);
  // The previous format (a log without a genesis record) is refused by name.
  leaf[0] = 0x01;
  auto v1 = DecodeLeaf(leaf);
  EXPECT_EQ(v1.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(v1.status().message().find("leaf format version 1"), std::string::npos)
      << v1.status().message();
}

TEST(StoredRecordTest, RoundTrips) {
  Record r{42, 1'780'000'000'000LL, "conv-1", 7, "header.payload.sig"};
  auto back = DecodeStoredRecord(42, EncodeStoredRecord(r));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->seq, 42u);
  EXPECT_EQ(back->recorded_at_ms, r.recorded_at_ms);
  EXPECT_EQ(back->stream, "conv-1");
  EXPECT_EQ(back->version, 7u);
  EXPECT_EQ(back->jws, r.jws);
  EXPECT_EQ(back->LeafBytes(), EncodeLeaf(42, r.recorded_at_ms, r.jws));
}

TEST(StoredRecordTest, EveryTruncationAndHugeLengthIsDataLoss) {
  Record r{1, 5, "c", 1, "jws-bytes"};
  std::string enc = EncodeStoredRecord(r);
  for (size_t n = 0; n < enc.size(); ++n) {
    auto d = DecodeStoredRecord(1, enc.substr(0, n));
    EXPECT_EQ(d.status().code(), StatusCode::kDataLoss) << n;
  }
  std::string huge = enc;
  // The stream length (little-endian u64 after flag, class version, time).
  huge[13 + 7] = '\x7f';
  EXPECT_EQ(DecodeStoredRecord(1, huge).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(DecodeStoredRecord(1, enc + "x").status().code(), StatusCode::kDataLoss);
}

TEST(TimestampTest, FormatsUtcMilliseconds) {
  EXPECT_EQ(FormatTimestampMs(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestampMs(1'780'000'000'123LL), "2026-05-28T20:26:40.123Z");
}

}  // namespace
}  // namespace paraphe::ledger
