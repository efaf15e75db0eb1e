#include "ledger/record.h"

#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/string.hpp>
#include <ctime>
#include <sstream>

#include "crypto/merkle.h"

namespace paraphe::ledger {

namespace {

// The stored form of a record. Class versions let later formats read old
// databases; version 1 is the first.
struct StoredRecordV1 {
  int64_t recorded_at_ms = 0;
  std::string stream;
  uint64_t version = 0;
  std::string jws;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const /*class_version*/) {
    ar(recorded_at_ms, stream, version, jws);
  }
};

void PutBE64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace
}  // namespace paraphe::ledger

CEREAL_CLASS_VERSION(paraphe::ledger::StoredRecordV1, 1);

namespace paraphe::ledger {

std::string BigEndian64(uint64_t v) {
  std::string out;
  out.reserve(8);
  PutBE64(out, v);
  return out;
}

uint64_t ReadBigEndian64(std::string_view b) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(b[i]);
  return v;
}

std::string EncodeLeaf(uint64_t seq, int64_t recorded_at_ms, std::string_view jws) {
  std::string leaf;
  leaf.reserve(kLeafHeaderBytes + jws.size());
  leaf.push_back(static_cast<char>(kLeafFormat));
  PutBE64(leaf, seq);
  PutBE64(leaf, static_cast<uint64_t>(recorded_at_ms));
  leaf.append(jws);
  return leaf;
}

Result<DecodedLeaf> DecodeLeaf(std::string_view leaf) {
  if (leaf.size() < kLeafHeaderBytes) {
    return InvalidArgument("leaf is " + std::to_string(leaf.size()) +
                           " bytes, shorter than its 17-byte header");
  }
  if (static_cast<uint8_t>(leaf[0]) == 0x01) {
    return InvalidArgument(
        "leaf format version 1 (Paraphe 0.1, a log without a genesis record) is no longer "
        "read; this version reads leaf format " + std::to_string(kLeafFormat));
  }
  if (static_cast<uint8_t>(leaf[0]) != kLeafFormat) {
    return InvalidArgument("unknown leaf format version " +
                           std::to_string(static_cast<uint8_t>(leaf[0])));
  }
  DecodedLeaf d;
  d.seq = ReadBigEndian64(leaf.substr(1));
  d.recorded_at_ms = static_cast<int64_t>(ReadBigEndian64(leaf.substr(9)));
  d.jws = std::string(leaf.substr(kLeafHeaderBytes));
  return d;
}

std::string Record::LeafBytes() const { return EncodeLeaf(seq, recorded_at_ms, jws); }

crypto::Hash Record::LeafHash() const { return crypto::LeafHash(LeafBytes()); }

std::string EncodeStoredRecord(const Record& r) {
  std::ostringstream os(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive ar(os);
    StoredRecordV1 s{r.recorded_at_ms, r.stream, r.version, r.jws};
    ar(s);
  }
  return std::move(os).str();
}

Result<Record> DecodeStoredRecord(uint64_t seq, std::string_view bytes) {
  // cereal trusts the string lengths it reads; check them against the input
  // first so that a corrupt length cannot make it allocate gigabytes.
  // Layout: endianness flag (1), class version (4), recorded_at (8),
  // stream (8 + n), version (8), jws (8 + n).
  {
    size_t off = 1 + 4 + 8;
    auto skip_string = [&]() -> bool {
      if (bytes.size() < off + 8) return false;
      uint64_t n = 0;
      for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(bytes[off + i]);
      off += 8;
      if (n > bytes.size() - off) return false;
      off += n;
      return true;
    };
    bool ok = bytes.size() >= off && bytes[0] == 1 && skip_string() &&
              (off += 8, off <= bytes.size()) && skip_string() &&
              off == bytes.size();
    if (!ok) {
      return DataLoss("record " + std::to_string(seq) + " is corrupt: bad layout");
    }
  }
  try {
    std::istringstream is(std::string(bytes), std::ios::binary);
    cereal::PortableBinaryInputArchive ar(is);
    StoredRecordV1 s;
    ar(s);
    if (static_cast<size_t>(is.tellg()) != bytes.size()) {
      return DataLoss("record " + std::to_string(seq) + " has trailing bytes");
    }
    Record r;
    r.seq = seq;
    r.recorded_at_ms = s.recorded_at_ms;
    r.stream = std::move(s.stream);
    r.version = s.version;
    r.jws = std::move(s.jws);
    return r;
  } catch (const std::exception& e) {
    return DataLoss("record " + std::to_string(seq) + " is corrupt: " + e.what());
  }
}

std::string FormatTimestampMs(int64_t unix_ms) {
  // Floor division without overflow: a leaf read from an untrusted bundle
  // may hold any int64, INT64_MIN included (unix_ms - 999 overflowed).
  int64_t secs = unix_ms / 1000;
  int ms = static_cast<int>(unix_ms % 1000);
  if (ms < 0) {
    --secs;
    ms += 1000;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, ms);
  return buf;
}

}  // namespace paraphe::ledger
