// Ed25519 keys (RFC 8032), strict: one acceptance rule for public keys and
// signatures, stated in docs/FORMAT.md ("Ed25519 acceptance rule").
//
// PrivateKey owns an OpenSSL key and can sign (OpenSSL 3 EVP); PublicKey is
// 32 raw bytes that passed the rule and can verify (libsodium). Keys are
// saved as PKCS#8 / SubjectPublicKeyInfo PEM (OpenSSL). Private
// key files are written with mode 0600 and refused on load when group- or
// world-readable (kPermissionDenied), so a key leaked by a bad umask is
// noticed.
//
// Thread-safety: a PrivateKey may sign from several threads at once (each
// call uses its own EVP_MD_CTX); PublicKey is a value.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/status.h"

namespace paraphe::crypto {

class PublicKey {
 public:
  static constexpr size_t kSize = 32;
  // An empty key: verifies nothing.
  PublicKey() = default;
  // The one entry point for a public key. kInvalidArgument unless raw is 32
  // bytes encoding a point A that is canonical (y < p; not x = 0 with the
  // sign bit set), not of low order (not one of the 8 points of order 1, 2,
  // 4 or 8), on the curve, and in the prime-order subgroup ([L]A = identity).
  // The message says which test failed.
  static Result<PublicKey> FromRaw(std::string_view raw);
  // Accepts a PEM SubjectPublicKeyInfo or a PEM private key (its public
  // half); the key then goes through FromRaw.
  static Result<PublicKey> FromPem(std::string_view pem);
  // The text form of the key registries, the genesis and the CLI:
  // base64url without padding of the 32 raw bytes (docs/FORMAT.md section
  // 1). kInvalidArgument for bad base64url, a length other than 32, or a key
  // FromRaw refuses.
  static Result<PublicKey> FromBase64Url(std::string_view text);

  std::string_view raw() const;  // 32 bytes
  std::string ToPem() const;
  std::string ToBase64Url() const;

  // True iff signature (64 bytes R || S) is a valid Ed25519 signature of
  // message under the strict rule: S < L, R canonical and not of low order,
  // and the cofactorless equation [S]B = R + [k]A checked by comparing the
  // encoding of [S]B - [k]A with R byte for byte (k = SHA-512(R || A || M)
  // mod L). False for a default-constructed key.
  bool Verify(std::string_view message, std::string_view signature) const;

  // RFC 7638 JWK thumbprint, base64url: the `kid` Paraphe puts in JWS headers.
  // SHA-256 of {"crv":"Ed25519","kty":"OKP","x":"<base64url(raw)>"}.
  std::string Thumbprint() const;

  friend bool operator==(const PublicKey& a, const PublicKey& b) {
    return a.raw_ == b.raw_;
  }

 private:
  std::array<uint8_t, kSize> raw_{};
  bool checked_ = false;  // set by FromRaw only
};

class PrivateKey {
 public:
  static Result<PrivateKey> Generate();
  // From a 32-byte RFC 8032 seed.
  static Result<PrivateKey> FromSeed(std::string_view seed);
  static Result<PrivateKey> FromPem(std::string_view pem);
  // Reads a PEM file. kNotFound if absent, kPermissionDenied if the file is
  // readable by group or others, kInvalidArgument if it is not a key.
  static Result<PrivateKey> Load(const std::filesystem::path& path);

  PrivateKey(PrivateKey&&) noexcept;
  PrivateKey& operator=(PrivateKey&&) noexcept;
  ~PrivateKey();

  const PublicKey& public_key() const { return public_; }
  std::string Seed() const;     // 32 bytes; handle with care
  std::string ToPem() const;    // PKCS#8 PEM
  // Writes the PEM with mode 0600 (created exclusively: kConflict if the
  // file exists, unless overwrite).
  Status Save(const std::filesystem::path& path, bool overwrite = false) const;

  std::string Sign(std::string_view message) const;  // 64 bytes

 private:
  struct Impl;
  explicit PrivateKey(std::unique_ptr<Impl> impl, PublicKey pub);
  std::unique_ptr<Impl> impl_;
  PublicKey public_;
};

}  // namespace paraphe::crypto
