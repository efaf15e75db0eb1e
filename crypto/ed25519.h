// Ed25519 keys (RFC 8032) through OpenSSL 3's EVP_PKEY interface.
//
// PrivateKey owns an OpenSSL key and can sign; PublicKey is 32 raw bytes and
// can verify. Keys are saved as PKCS#8 / SubjectPublicKeyInfo PEM. Private
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

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace paraphe::crypto {

class PublicKey {
 public:
  static constexpr size_t kSize = 32;
  PublicKey() = default;
  // kInvalidArgument unless exactly 32 bytes.
  static Result<PublicKey> FromRaw(std::string_view raw);
  // Accepts a PEM SubjectPublicKeyInfo or a PEM private key (its public half).
  static Result<PublicKey> FromPem(std::string_view pem);

  std::string_view raw() const;  // 32 bytes
  std::string ToPem() const;

  // True iff sig (64 bytes) is a valid Ed25519 signature of message.
  bool Verify(std::string_view message, std::string_view signature) const;

  // RFC 7638 JWK thumbprint, base64url: the `kid` Paraphe puts in JWS headers.
  // SHA-256 of {"crv":"Ed25519","kty":"OKP","x":"<base64url(raw)>"}.
  std::string Thumbprint() const;

  friend bool operator==(const PublicKey& a, const PublicKey& b) {
    return a.raw_ == b.raw_;
  }

 private:
  std::array<uint8_t, kSize> raw_{};
  // The OpenSSL key, prepared once by FromRaw: building it per Verify call
  // cost about 10% of a verification. Shared between copies; OpenSSL keys
  // are safe to use from several threads for verification.
  std::shared_ptr<evp_pkey_st> pkey_;
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
