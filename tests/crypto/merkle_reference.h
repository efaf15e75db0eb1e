// A plain, recursive RFC 6962 Merkle tree written straight from the RFC's
// definitions (section 2.1: MTH, PATH, PROOF/SUBPROOF), over the leaf data
// itself. Slow on purpose (every call rehashes the subtrees it needs); used
// only to check the fast code in crypto/merkle.cc.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "crypto/sha256.h"

namespace paraphe::crypto::reference {

using Leaves = std::span<const std::string>;

// While an MthMemo lives, Mth results on this thread are cached by the
// identity (address, length) of the span: the RFC definitions stay literal,
// only repeated evaluations of the same pure function are skipped. The
// leaves must not be modified or freed while it lives.
class MthMemo {
 public:
  struct Cache;  // defined in merkle_reference.cc

  MthMemo();
  ~MthMemo();
  MthMemo(const MthMemo&) = delete;
  MthMemo& operator=(const MthMemo&) = delete;

 private:
  std::unique_ptr<Cache> cache_;
  Cache* previous_;
};

// MTH(D[n]).
Hash Mth(Leaves d);
// PATH(m, D[n]); requires m < n.
std::vector<Hash> Path(uint64_t m, Leaves d);
// PROOF(m, D[n]); requires 0 < m <= n.
std::vector<Hash> Proof(uint64_t m, Leaves d);

}  // namespace paraphe::crypto::reference
