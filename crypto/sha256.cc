#include "crypto/sha256.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

#include "crypto/base64.h"

namespace paraphe::crypto {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct MdDeleter {
  void operator()(EVP_MD* m) const { EVP_MD_free(m); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// SHA-256 can only fail on allocation failure or a broken OpenSSL install;
// neither is recoverable, and a wrong hash would be worse than stopping.
[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "paraphe: fatal OpenSSL failure in %s\n", what);
  std::abort();
}

// Fetched once: EVP_Digest with an implicit fetch costs a provider lookup on
// every call, which shows on the Merkle hot path.
const EVP_MD* Sha256Md() {
  static const std::unique_ptr<EVP_MD, MdDeleter> md(
      EVP_MD_fetch(nullptr, "SHA256", nullptr));
  if (!md) Fatal("EVP_MD_fetch(SHA256)");
  return md.get();
}

MdCtxPtr NewCtx() {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) Fatal("EVP_MD_CTX_new");
  return ctx;
}

// One context per thread, reused: no allocation per hash.
EVP_MD_CTX* ThreadCtx() {
  thread_local MdCtxPtr ctx = NewCtx();
  return ctx.get();
}

}  // namespace

Hash Sha256(std::string_view bytes) {
  EVP_MD_CTX* ctx = ThreadCtx();
  Hash out;
  unsigned int len = 0;
  if (EVP_DigestInit_ex2(ctx, Sha256Md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx, bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, out.data(), &len) != 1 || len != out.size()) {
    Fatal("SHA-256");
  }
  return out;
}

Hash Sha256Parts(std::initializer_list<std::string_view> parts) {
  EVP_MD_CTX* ctx = ThreadCtx();
  Hash out;
  unsigned int len = 0;
  if (EVP_DigestInit_ex2(ctx, Sha256Md(), nullptr) != 1) Fatal("SHA-256");
  for (std::string_view p : parts) {
    if (EVP_DigestUpdate(ctx, p.data(), p.size()) != 1) Fatal("SHA-256");
  }
  if (EVP_DigestFinal_ex(ctx, out.data(), &len) != 1 || len != out.size()) {
    Fatal("SHA-256");
  }
  return out;
}

std::string_view HashBytes(const Hash& h) {
  return std::string_view(reinterpret_cast<const char*>(h.data()), h.size());
}

std::string HashHex(const Hash& h) { return HexEncode(HashBytes(h)); }

std::string HashBase64(const Hash& h) { return Base64Encode(HashBytes(h)); }

struct Sha256Hasher::Impl {
  MdCtxPtr ctx;
};

Sha256Hasher::Sha256Hasher() : impl_(std::make_unique<Impl>()) {
  impl_->ctx = NewCtx();
  if (EVP_DigestInit_ex2(impl_->ctx.get(), Sha256Md(), nullptr) != 1) {
    Fatal("EVP_DigestInit_ex2");
  }
}

Sha256Hasher::~Sha256Hasher() = default;
Sha256Hasher::Sha256Hasher(Sha256Hasher&&) noexcept = default;
Sha256Hasher& Sha256Hasher::operator=(Sha256Hasher&&) noexcept = default;

void Sha256Hasher::Update(std::string_view bytes) {
  if (EVP_DigestUpdate(impl_->ctx.get(), bytes.data(), bytes.size()) != 1) {
    Fatal("EVP_DigestUpdate");
  }
}

Hash Sha256Hasher::Finish() {
  Hash out;
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(impl_->ctx.get(), out.data(), &len) != 1 ||
      len != out.size() ||
      EVP_DigestInit_ex2(impl_->ctx.get(), Sha256Md(), nullptr) != 1) {
    Fatal("SHA-256");
  }
  return out;
}

}  // namespace paraphe::crypto
