#include "tests/crypto/merkle_reference.h"

#include <map>
#include <string>
#include <utility>

namespace paraphe::crypto::reference {

struct MthMemo::Cache {
  std::map<std::pair<const std::string*, size_t>, Hash> hashes;
};

namespace {

thread_local MthMemo::Cache* memo = nullptr;

Hash MthUncached(Leaves d);

// "k be the largest power of two smaller than n" (n > 1).
uint64_t K(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

std::vector<Hash> SubProof(uint64_t m, Leaves d, bool b) {
  const uint64_t n = d.size();
  if (m == n) {
    // SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) = {MTH(D[m])}.
    if (b) return {};
    return {Mth(d)};
  }
  const uint64_t k = K(n);
  std::vector<Hash> out;
  if (m <= k) {
    // SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
    out = SubProof(m, d.subspan(0, k), b);
    out.push_back(Mth(d.subspan(k)));
  } else {
    // SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
    out = SubProof(m - k, d.subspan(k), false);
    out.push_back(Mth(d.subspan(0, k)));
  }
  return out;
}

}  // namespace

MthMemo::MthMemo() : cache_(std::make_unique<Cache>()), previous_(memo) {
  memo = cache_.get();
}
MthMemo::~MthMemo() { memo = previous_; }

Hash Mth(Leaves d) {
  if (memo == nullptr) return MthUncached(d);
  auto key = std::make_pair(d.data(), d.size());
  auto it = memo->hashes.find(key);
  if (it != memo->hashes.end()) return it->second;
  Hash h = MthUncached(d);
  memo->hashes.emplace(key, h);
  return h;
}

namespace {

Hash MthUncached(Leaves d) {
  static constexpr char k00 = 0x00, k01 = 0x01;
  const uint64_t n = d.size();
  if (n == 0) return Sha256("");  // MTH({}) = SHA-256()
  if (n == 1) {
    // MTH({d(0)}) = SHA-256(0x00 || d(0))
    return Sha256Parts({std::string_view(&k00, 1), d[0]});
  }
  // MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))
  const uint64_t k = K(n);
  const Hash left = Mth(d.subspan(0, k));
  const Hash right = Mth(d.subspan(k));
  return Sha256Parts(
      {std::string_view(&k01, 1), HashBytes(left), HashBytes(right)});
}

}  // namespace

std::vector<Hash> Path(uint64_t m, Leaves d) {
  const uint64_t n = d.size();
  if (n == 1) return {};  // PATH(0, {d(0)}) = {}
  const uint64_t k = K(n);
  std::vector<Hash> out;
  if (m < k) {
    // PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n])
    out = Path(m, d.subspan(0, k));
    out.push_back(Mth(d.subspan(k)));
  } else {
    // PATH(m, D[n]) = PATH(m - k, D[k:n]) : MTH(D[0:k])
    out = Path(m - k, d.subspan(k));
    out.push_back(Mth(d.subspan(0, k)));
  }
  return out;
}

std::vector<Hash> Proof(uint64_t m, Leaves d) { return SubProof(m, d, true); }

}  // namespace paraphe::crypto::reference
