// SHA-256 through OpenSSL's EVP interface.
// Thread-safety: pure functions; Sha256Hasher is not shared between threads.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

namespace paraphe::crypto {

using Hash = std::array<uint8_t, 32>;

Hash Sha256(std::string_view bytes);
// SHA-256 of the concatenation of parts, without building it.
Hash Sha256Parts(std::initializer_list<std::string_view> parts);

// View a hash as bytes, and back.
std::string_view HashBytes(const Hash& h);
std::string HashHex(const Hash& h);
std::string HashBase64(const Hash& h);  // standard base64, padded

// Incremental hashing, for inputs built from several pieces. A moved-from
// hasher may only be destroyed or assigned to.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(Sha256Hasher&&) noexcept;
  Sha256Hasher& operator=(Sha256Hasher&&) noexcept;
  void Update(std::string_view bytes);
  Hash Finish();  // resets the hasher for reuse

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace paraphe::crypto
