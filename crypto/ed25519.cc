#include "crypto/ed25519.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "crypto/base64.h"
#include "crypto/sha256.h"

namespace paraphe::crypto {
namespace {

struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

constexpr size_t kSignatureSize = 64;
constexpr size_t kSeedSize = 32;
// A PEM key is a few hundred bytes; anything much larger is not a key.
constexpr off_t kMaxKeyFileBytes = 64 * 1024;

// Failures of OpenSSL on a valid key (allocation failure) are not
// recoverable; signing must never silently produce a bad signature.
[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "paraphe: fatal OpenSSL failure in %s\n", what);
  std::abort();
}

// Never prompt on a terminal for an encrypted PEM: refuse it.
int NoPassword(char*, int, int, void*) { return -1; }

BioPtr MemBio(std::string_view data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

// ------------------------------------------------ the Ed25519 acceptance rule
// docs/FORMAT.md section 1, "Ed25519 acceptance rule". Encodings are 32
// bytes little-endian: bits 0..254 hold y, bit 255 the sign of x.

using Bytes32 = std::array<uint8_t, 32>;

constexpr Bytes32 Hex32(const char (&hex)[65]) {
  Bytes32 out{};
  auto nibble = [](char c) {
    return static_cast<uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  };
  for (size_t i = 0; i < 32; ++i) {
    out[i] = static_cast<uint8_t>(nibble(hex[2 * i]) << 4 |
                                  nibble(hex[2 * i + 1]));
  }
  return out;
}

// L = 2^252 + 27742317777372353535851937790883648493, the prime order of B.
constexpr Bytes32 kGroupOrder = Hex32(
    "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");

// B, the base point (y = 4/5).
constexpr Bytes32 kBasePoint = Hex32(
    "5866666666666666666666666666666666666666666666666666666666666666");

// The canonical encodings of the 8 points of order dividing 8 (the torsion
// subgroup), with their order.
struct LowOrderPoint {
  Bytes32 encoding;
  int order;
};
constexpr LowOrderPoint kLowOrderPoints[] = {
    // (0, 1), the identity; (0, -1).
    {Hex32("0100000000000000000000000000000000000000000000000000000000000000"),
     1},
    {Hex32("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
     2},
    // (x, 0) with x^2 = -1.
    {Hex32("0000000000000000000000000000000000000000000000000000000000000000"),
     4},
    {Hex32("0000000000000000000000000000000000000000000000000000000000000080"),
     4},
    {Hex32("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
     8},
    {Hex32("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"),
     8},
    {Hex32("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
     8},
    {Hex32("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"),
     8},
};

// Little-endian a < b.
bool LessThan(const uint8_t* a, const Bytes32& b) {
  for (size_t i = 32; i-- > 0;) {
    if (a[i] != b[i]) return a[i] < b[i];
  }
  return false;
}

// S < L.
bool IsCanonicalScalar(const uint8_t* s) { return LessThan(s, kGroupOrder); }

// y < p = 2^255 - 19, and not x = 0 with the sign bit set (RFC 8032 5.1.3
// refuses it when decoding; only y = 1 and y = -1 have x = 0).
bool IsCanonicalPoint(const uint8_t* e) {
  // y >= p iff bits 255..5 of y are all ones and the low byte is >= 0xed.
  bool high_all_ones = (e[31] & 0x7f) == 0x7f;
  for (size_t i = 1; i < 31 && high_all_ones; ++i) {
    high_all_ones = e[i] == 0xff;
  }
  if (high_all_ones && e[0] >= 0xed) return false;
  if ((e[31] & 0x80) != 0) {
    Bytes32 y;
    std::memcpy(y.data(), e, 32);
    y[31] &= 0x7f;
    if (y == kLowOrderPoints[0].encoding || y == kLowOrderPoints[1].encoding) {
      return false;
    }
  }
  return true;
}

// The order (1, 2, 4 or 8) of a canonical encoding of a low-order point, 0
// for any other encoding.
int LowOrder(const uint8_t* e) {
  for (const LowOrderPoint& p : kLowOrderPoints) {
    if (std::memcmp(e, p.encoding.data(), 32) == 0) return p.order;
  }
  return 0;
}

void EnsureSodium() {
  // sodium_init is thread-safe; the static makes it run once.
  static const bool ok = sodium_init() >= 0;
  if (!ok) {
    std::fprintf(stderr, "paraphe: fatal: libsodium failed to initialise\n");
    std::abort();
  }
}

// Keys that passed FromRaw's full check on this thread. The ledger builds a
// PublicKey from stored bytes for every event it checks, and the subgroup
// check costs about as much as a verification; a hit skips it. Only keys
// that passed enter, so a hit proves the key passes. Direct-mapped by the
// first key bytes; per thread, so no lock.
class CheckedKeyCache {
 public:
  bool Contains(const uint8_t* raw) const {
    const Slot& s = slots_[Index(raw)];
    return s.used && std::memcmp(s.key.data(), raw, 32) == 0;
  }
  void Insert(const uint8_t* raw) {
    Slot& s = slots_[Index(raw)];
    std::memcpy(s.key.data(), raw, 32);
    s.used = true;
  }

 private:
  static constexpr size_t kSlots = 64;
  struct Slot {
    Bytes32 key{};
    bool used = false;
  };
  static size_t Index(const uint8_t* raw) {
    return (static_cast<size_t>(raw[0]) | static_cast<size_t>(raw[1]) << 8) %
           kSlots;
  }
  std::array<Slot, kSlots> slots_{};
};

// OK iff raw (32 bytes) passes the rule for a public key A.
Status CheckPublicKey(const uint8_t* raw) {
  if (!IsCanonicalPoint(raw)) {
    return InvalidArgument(
        "Ed25519 public key is not a canonical encoding (y >= p, or x = 0 "
        "with the sign bit set)");
  }
  if (int order = LowOrder(raw); order != 0) {
    return InvalidArgument("Ed25519 public key has low order (a point of "
                           "order " + std::to_string(order) + ")");
  }
  EnsureSodium();
  // Canonical + not of small order + on the curve + [L]A = identity.
  if (crypto_core_ed25519_is_valid_point(raw) == 1) return Status::Ok();
  // Tell the two remaining cases apart: crypto_core_ed25519_add decodes
  // its operands and checks only that they are on the curve.
  unsigned char sum[crypto_core_ed25519_BYTES];
  if (crypto_core_ed25519_add(sum, raw, kBasePoint.data()) != 0) {
    return InvalidArgument("Ed25519 public key is not a point on the curve");
  }
  return InvalidArgument(
      "Ed25519 public key is not in the prime-order subgroup (it has a "
      "low-order component)");
}

Result<PublicKey> PublicFromPkey(EVP_PKEY* pkey) {
  if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
    return InvalidArgument("PEM key is not an Ed25519 key");
  }
  unsigned char raw[PublicKey::kSize];
  size_t len = sizeof(raw);
  if (EVP_PKEY_get_raw_public_key(pkey, raw, &len) != 1 ||
      len != PublicKey::kSize) {
    return InvalidArgument("cannot extract the Ed25519 public key");
  }
  return PublicKey::FromRaw(
      std::string_view(reinterpret_cast<const char*>(raw), len));
}

std::string ErrnoText(int err) { return std::strerror(err); }

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now and reports the error (close can report a failed write).
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

Status WriteAll(int fd, std::string_view data, const std::string& where) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Unavailable("writing " + where + ": " + ErrnoText(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// Writes pem into a freshly created fd, syncs and closes it.
Status WriteKeyFile(Fd& fd, std::string_view pem, const std::string& where) {
  // The mode given to open() is filtered by the umask; fchmod states it.
  if (::fchmod(fd.get(), 0600) != 0) {
    return Unavailable("chmod " + where + ": " + ErrnoText(errno));
  }
  PARAPHE_RETURN_IF_ERROR(WriteAll(fd.get(), pem, where));
  if (::fsync(fd.get()) != 0) {
    return Unavailable("fsync " + where + ": " + ErrnoText(errno));
  }
  if (fd.Close() != 0) {
    return Unavailable("close " + where + ": " + ErrnoText(errno));
  }
  return Status::Ok();
}

}  // namespace

// ---------------------------------------------------------------- PublicKey

Result<PublicKey> PublicKey::FromRaw(std::string_view raw) {
  if (raw.size() != kSize) {
    return InvalidArgument("Ed25519 public key must be 32 bytes, got " +
                           std::to_string(raw.size()));
  }
  PublicKey key;
  std::memcpy(key.raw_.data(), raw.data(), kSize);
  thread_local CheckedKeyCache checked;
  if (!checked.Contains(key.raw_.data())) {
    PARAPHE_RETURN_IF_ERROR(CheckPublicKey(key.raw_.data()));
    checked.Insert(key.raw_.data());
  }
  key.checked_ = true;
  return key;
}

Result<PublicKey> PublicKey::FromPem(std::string_view pem) {
  {
    BioPtr bio = MemBio(pem);
    if (!bio) Fatal("BIO_new_mem_buf");
    PkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassword, nullptr));
    if (pkey) return PublicFromPkey(pkey.get());
    ERR_clear_error();  // not a public key; try a private one
  }
  BioPtr bio = MemBio(pem);
  if (!bio) Fatal("BIO_new_mem_buf");
  PkeyPtr pkey(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr));
  if (!pkey) {
    ERR_clear_error();
    return InvalidArgument(
        "not a PEM public key (SubjectPublicKeyInfo) or unencrypted private "
        "key");
  }
  return PublicFromPkey(pkey.get());
}

std::string_view PublicKey::raw() const {
  return std::string_view(reinterpret_cast<const char*>(raw_.data()), kSize);
}

std::string PublicKey::ToPem() const {
  PkeyPtr pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                           raw_.data(), kSize));
  if (!pkey) Fatal("EVP_PKEY_new_raw_public_key");
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), pkey.get()) != 1) {
    Fatal("PEM_write_bio_PUBKEY");
  }
  return BioContents(bio.get());
}

bool PublicKey::Verify(std::string_view message,
                       std::string_view signature) const {
  if (!checked_ || signature.size() != kSignatureSize) return false;
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  // The rule for R and S, checked here rather than left to how libsodium
  // was built (ED25519_COMPAT would skip its own checks).
  if (!IsCanonicalScalar(sig + 32)) return false;
  if (!IsCanonicalPoint(sig) || LowOrder(sig) != 0) return false;
  EnsureSodium();
  // Cofactorless: encodes [S]B - [k]A and compares it with R byte for byte.
  static const unsigned char kEmpty = 0;
  const auto* m = message.empty()
                      ? &kEmpty
                      : reinterpret_cast<const unsigned char*>(message.data());
  return crypto_sign_verify_detached(sig, m, message.size(), raw_.data()) == 0;
}

Result<PublicKey> PublicKey::FromBase64Url(std::string_view text) {
  Result<std::string> raw = Base64UrlDecode(text);
  if (!raw.ok()) return raw.status().WithContext("Ed25519 public key");
  if (raw->size() != kSize) {
    return InvalidArgument("Ed25519 public key is " + std::to_string(raw->size()) +
                           " bytes, not 32 (base64url of the raw key expected)");
  }
  return FromRaw(*raw);
}

std::string PublicKey::ToBase64Url() const { return Base64UrlEncode(raw()); }

std::string PublicKey::Thumbprint() const {
  // RFC 7638: required members only, lexicographic order, no whitespace.
  std::string jwk = R"({"crv":"Ed25519","kty":"OKP","x":")" +
                    Base64UrlEncode(raw()) + R"("})";
  return Base64UrlEncode(HashBytes(Sha256(jwk)));
}

// --------------------------------------------------------------- PrivateKey

struct PrivateKey::Impl {
  PkeyPtr pkey;
};

PrivateKey::PrivateKey(std::unique_ptr<Impl> impl, PublicKey pub)
    : impl_(std::move(impl)), public_(pub) {}
PrivateKey::PrivateKey(PrivateKey&&) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&&) noexcept = default;
PrivateKey::~PrivateKey() = default;

Result<PrivateKey> PrivateKey::Generate() {
  PkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!pkey) return Internal("Ed25519 key generation failed");
  PARAPHE_ASSIGN_OR_RETURN(PublicKey pub, PublicFromPkey(pkey.get()));
  auto impl = std::make_unique<Impl>();
  impl->pkey = std::move(pkey);
  return PrivateKey(std::move(impl), pub);
}

Result<PrivateKey> PrivateKey::FromSeed(std::string_view seed) {
  if (seed.size() != kSeedSize) {
    return InvalidArgument("Ed25519 seed must be 32 bytes, got " +
                           std::to_string(seed.size()));
  }
  PkeyPtr pkey(EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr,
      reinterpret_cast<const unsigned char*>(seed.data()), seed.size()));
  if (!pkey) return Internal("EVP_PKEY_new_raw_private_key failed");
  PARAPHE_ASSIGN_OR_RETURN(PublicKey pub, PublicFromPkey(pkey.get()));
  auto impl = std::make_unique<Impl>();
  impl->pkey = std::move(pkey);
  return PrivateKey(std::move(impl), pub);
}

Result<PrivateKey> PrivateKey::FromPem(std::string_view pem) {
  BioPtr bio = MemBio(pem);
  if (!bio) Fatal("BIO_new_mem_buf");
  PkeyPtr pkey(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr));
  if (!pkey) {
    ERR_clear_error();  // leave no stale errors for the next OpenSSL caller
    return InvalidArgument("not an unencrypted PEM private key");
  }
  PARAPHE_ASSIGN_OR_RETURN(PublicKey pub, PublicFromPkey(pkey.get()));
  auto impl = std::make_unique<Impl>();
  impl->pkey = std::move(pkey);
  return PrivateKey(std::move(impl), pub);
}

Result<PrivateKey> PrivateKey::Load(const std::filesystem::path& path) {
  const std::string where = path.string();
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      return NotFound("private key file " + where + " does not exist");
    }
    if (err == EACCES) {
      return PermissionDenied("cannot read private key file " + where + ": " +
                              ErrnoText(err));
    }
    return Unavailable("opening " + where + ": " + ErrnoText(err));
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) {
    return Unavailable("stat " + where + ": " + ErrnoText(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return InvalidArgument(where + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o",
                  static_cast<unsigned>(st.st_mode & 07777));
    return PermissionDenied("private key file " + where + " has mode " + mode +
                            "; it must not be accessible by group or others "
                            "(chmod 600)");
  }
  if (st.st_size > kMaxKeyFileBytes) {
    return InvalidArgument(where + " is too large to be a private key");
  }
  std::string pem;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Unavailable("reading " + where + ": " + ErrnoText(errno));
    }
    if (n == 0) break;
    pem.append(buf, static_cast<size_t>(n));
    if (pem.size() > static_cast<size_t>(kMaxKeyFileBytes)) {
      return InvalidArgument(where + " is too large to be a private key");
    }
  }
  Result<PrivateKey> key = FromPem(pem);
  OPENSSL_cleanse(pem.data(), pem.size());
  OPENSSL_cleanse(buf, sizeof(buf));
  if (!key.ok()) return key.status().WithContext(where);
  return key;
}

std::string PrivateKey::Seed() const {
  std::string seed(kSeedSize, '\0');
  size_t len = seed.size();
  if (EVP_PKEY_get_raw_private_key(
          impl_->pkey.get(), reinterpret_cast<unsigned char*>(seed.data()),
          &len) != 1 ||
      len != kSeedSize) {
    Fatal("EVP_PKEY_get_raw_private_key");
  }
  return seed;
}

std::string PrivateKey::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  // For Ed25519, OpenSSL 3 writes unencrypted PKCS#8 ("PRIVATE KEY").
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), impl_->pkey.get(), nullptr,
                                       nullptr, 0, nullptr, nullptr) != 1) {
    Fatal("PEM_write_bio_PrivateKey");
  }
  return BioContents(bio.get());
}

Status PrivateKey::Save(const std::filesystem::path& path,
                        bool overwrite) const {
  const std::string where = path.string();
  std::string pem = ToPem();
  Status st;
  if (!overwrite) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.get() < 0) {
      int err = errno;
      OPENSSL_cleanse(pem.data(), pem.size());
      if (err == EEXIST) {
        return Conflict("private key file " + where + " already exists");
      }
      if (err == ENOENT) return NotFound("directory of " + where + " missing");
      if (err == EACCES) {
        return PermissionDenied("cannot create " + where + ": " +
                                ErrnoText(err));
      }
      return Unavailable("creating " + where + ": " + ErrnoText(err));
    }
    st = WriteKeyFile(fd, pem, where);
    if (!st.ok()) ::unlink(path.c_str());
  } else {
    // Replace atomically: write a sibling temporary file, then rename.
    std::string tmp = where + ".tmp.XXXXXX";
    Fd fd(::mkstemp(tmp.data()));  // creates with mode 0600
    if (fd.get() < 0) {
      int err = errno;
      OPENSSL_cleanse(pem.data(), pem.size());
      if (err == ENOENT) return NotFound("directory of " + where + " missing");
      if (err == EACCES) {
        return PermissionDenied("cannot create " + tmp + ": " + ErrnoText(err));
      }
      return Unavailable("creating " + tmp + ": " + ErrnoText(err));
    }
    st = WriteKeyFile(fd, pem, tmp);
    if (st.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
      st = Unavailable("renaming " + tmp + " to " + where + ": " +
                       ErrnoText(errno));
    }
    if (!st.ok()) ::unlink(tmp.c_str());
  }
  OPENSSL_cleanse(pem.data(), pem.size());
  return st;
}

std::string PrivateKey::Sign(std::string_view message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) Fatal("EVP_MD_CTX_new");
  // Ed25519 is pure EdDSA: no separate digest, hence the NULL md.
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr,
                         impl_->pkey.get()) != 1) {
    Fatal("EVP_DigestSignInit");
  }
  std::string sig(kSignatureSize, '\0');
  size_t len = sig.size();
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()),
                     &len,
                     reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1 ||
      len != kSignatureSize) {
    Fatal("EVP_DigestSign");
  }
  return sig;
}

}  // namespace paraphe::crypto
