#include "crypto/ed25519.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

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
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                               key.raw_.data(), kSize);
  if (pkey == nullptr) {
    ERR_clear_error();
    return InvalidArgument("not a valid Ed25519 public key");
  }
  key.pkey_.reset(pkey, EVP_PKEY_free);
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
  if (signature.size() != kSignatureSize) return false;
  PkeyPtr owned;
  EVP_PKEY* pkey = pkey_.get();
  if (pkey == nullptr) {  // a default-constructed key
    owned.reset(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                            raw_.data(), kSize));
    if (!owned) return false;
    pkey = owned.get();
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return false;
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey) !=
      1) {
    return false;
  }
  bool ok =
      EVP_DigestVerify(ctx.get(),
                       reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(),
                       reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

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
