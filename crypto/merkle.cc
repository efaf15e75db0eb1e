#include "crypto/merkle.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>

namespace paraphe::crypto {
namespace {

// Largest power of two strictly below n; requires n >= 2.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

std::string NodeName(uint8_t level, uint64_t index) {
  // Appends rather than operator+ chains: GCC 12 at -O3 reports a spurious
  // -Wrestrict for "literal" + std::string.
  std::string out = "(";
  out += std::to_string(level);
  out += ", ";
  out += std::to_string(index);
  out += ")";
  return out;
}

// Hash of the perfect subtree over [begin, begin + 2^level): one read.
Result<Hash> ReadPerfect(uint64_t begin, int level, const NodeReader& nodes) {
  return nodes(static_cast<uint8_t>(level), begin >> level);
}

// MTH(D[begin:end]) for a range the RFC tree has as a node: either a perfect
// subtree, or one on the right edge whose left part is perfect. Such a range
// is the concatenation of the perfect subtrees of (end - begin)'s binary
// decomposition, largest first, and its hash folds them right to left.
// Costs popcount(end - begin) reads. Requires begin < end.
Result<Hash> RangeHash(uint64_t begin, uint64_t end, const NodeReader& nodes) {
  const uint64_t n = end - begin;
  Hash pieces[64];
  int count = 0;
  uint64_t at = begin;
  for (int level = 63; level >= 0; --level) {
    if (((n >> level) & 1) == 0) continue;
    PARAPHE_ASSIGN_OR_RETURN(pieces[count], ReadPerfect(at, level, nodes));
    ++count;
    at += uint64_t{1} << level;
  }
  Hash h = pieces[count - 1];
  for (int i = count - 2; i >= 0; --i) h = NodeHash(pieces[i], h);
  return h;
}

// RFC 9162 proof length decomposition (as in transparency-dev/merkle):
// `inner` levels where the path to leaf `index` stays inside a perfect
// subtree shared with the last leaf, and `border` right-edge levels above.
struct Decomposition {
  int inner;
  int border;
};
Decomposition DecompInclusion(uint64_t index, uint64_t size) {
  int inner = std::bit_width(index ^ (size - 1));
  int border = std::popcount(index >> inner);
  return {inner, border};
}

std::string Sizes(uint64_t a, uint64_t b) {
  return std::to_string(a) + " -> " + std::to_string(b);
}

}  // namespace

Hash LeafHash(std::string_view leaf_bytes) {
  static constexpr char kLeafPrefix = 0x00;
  return Sha256Parts({std::string_view(&kLeafPrefix, 1), leaf_bytes});
}

Hash NodeHash(const Hash& left, const Hash& right) {
  char buf[1 + 2 * 32];
  buf[0] = 0x01;
  std::memcpy(buf + 1, left.data(), 32);
  std::memcpy(buf + 33, right.data(), 32);
  return Sha256(std::string_view(buf, sizeof(buf)));
}

Hash EmptyRoot() {
  static const Hash kEmpty = Sha256({});
  return kEmpty;
}

Result<Hash> RootAt(uint64_t size, const NodeReader& nodes) {
  if (size == 0) return EmptyRoot();
  return RangeHash(0, size, nodes);
}

Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size,
                                         const NodeReader& nodes) {
  if (index >= size) {
    return InvalidArgument("inclusion proof: index " + std::to_string(index) +
                           " is not below tree size " + std::to_string(size));
  }
  // Walk down from the root (RFC 9162 2.1.3.1 PATH), collecting siblings
  // top-down; the proof lists them bottom-up. At most one sibling (the first
  // right sibling on the right edge) is not a perfect subtree.
  std::vector<Hash> proof;
  uint64_t lo = 0, hi = size;
  while (hi - lo > 1) {
    uint64_t k = SplitPoint(hi - lo);
    if (index < lo + k) {
      PARAPHE_ASSIGN_OR_RETURN(Hash h, RangeHash(lo + k, hi, nodes));
      proof.push_back(h);
      hi = lo + k;
    } else {
      PARAPHE_ASSIGN_OR_RETURN(Hash h, RangeHash(lo, lo + k, nodes));
      proof.push_back(h);
      lo += k;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

Result<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                           const NodeReader& nodes) {
  if (old_size > new_size) {
    return InvalidArgument("consistency proof: old size is above new size (" +
                           Sizes(old_size, new_size) + ")");
  }
  std::vector<Hash> proof;
  if (old_size == 0 || old_size == new_size) return proof;
  // RFC 9162 2.1.4.1 SUBPROOF(m, D[lo:hi], b), iteratively. `complete` is
  // b: true while [lo, hi) still starts at leaf 0 of the old tree's root.
  std::vector<Hash> siblings;
  uint64_t lo = 0, hi = new_size;
  bool complete = true;
  while (old_size != hi) {  // old_size is absolute: m == hi - lo
    uint64_t k = SplitPoint(hi - lo);
    if (old_size <= lo + k) {
      PARAPHE_ASSIGN_OR_RETURN(Hash h, RangeHash(lo + k, hi, nodes));
      siblings.push_back(h);
      hi = lo + k;
    } else {
      PARAPHE_ASSIGN_OR_RETURN(Hash h, RangeHash(lo, lo + k, nodes));
      siblings.push_back(h);
      lo += k;
      complete = false;
    }
  }
  if (!complete) {
    PARAPHE_ASSIGN_OR_RETURN(Hash h, RangeHash(lo, hi, nodes));
    proof.push_back(h);
  }
  proof.insert(proof.end(), siblings.rbegin(), siblings.rend());
  return proof;
}

Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root) {
  if (index >= size) {
    return InvalidArgument("inclusion proof: index " + std::to_string(index) +
                           " is not below tree size " + std::to_string(size));
  }
  Decomposition d = DecompInclusion(index, size);
  size_t want = static_cast<size_t>(d.inner + d.border);
  if (proof.size() != want) {
    return InvalidArgument(
        "inclusion proof for index " + std::to_string(index) +
        " in tree size " + std::to_string(size) + " has " +
        std::to_string(proof.size()) + " hashes, want " + std::to_string(want));
  }
  // RFC 9162 2.1.3.2, step by step.
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) {  // unreachable given the length check; kept per the RFC
      return InvalidArgument("inclusion proof is too long");
    }
    if ((fn & 1) == 1 || fn == sn) {
      r = NodeHash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return InvalidArgument("inclusion proof is too short");
  if (r != root) {
    return DataLoss("inclusion proof for index " + std::to_string(index) +
                    " in tree size " + std::to_string(size) +
                    " does not lead to the root " + HashHex(root));
  }
  return Status::Ok();
}

Status VerifyConsistency(uint64_t old_size, uint64_t new_size,
                         const Hash& old_root, const Hash& new_root,
                         std::span<const Hash> proof) {
  if (old_size > new_size) {
    return InvalidArgument("consistency proof: old size is above new size (" +
                           Sizes(old_size, new_size) + ")");
  }
  if (old_size == 0) {
    // Every tree extends the empty tree. Unlike transparency-dev/merkle we
    // also require the claimed old root to be the empty root: a checkpoint
    // of size 0 with another root is itself inconsistent.
    if (!proof.empty()) {
      return InvalidArgument(
          "consistency proof from size 0 must be empty, has " +
          std::to_string(proof.size()) + " hashes");
    }
    if (old_root != EmptyRoot()) {
      return DataLoss("root of the empty tree is not SHA-256(\"\")");
    }
    if (new_size == 0 && new_root != EmptyRoot()) {
      return DataLoss("root of the empty tree is not SHA-256(\"\")");
    }
    return Status::Ok();
  }
  if (old_size == new_size) {
    if (!proof.empty()) {
      return InvalidArgument(
          "consistency proof between equal sizes must be empty, has " +
          std::to_string(proof.size()) + " hashes");
    }
    if (old_root != new_root) {
      return DataLoss("different roots for the same tree size " +
                      std::to_string(old_size));
    }
    return Status::Ok();
  }
  // Expected length: the inclusion path of leaf old_size - 1 in the new
  // tree, minus the levels below the old tree's largest perfect subtree
  // containing it, plus one seed hash unless old_size is a power of two.
  Decomposition d = DecompInclusion(old_size - 1, new_size);
  int shift = std::countr_zero(old_size);
  bool power_of_two = std::has_single_bit(old_size);
  size_t want =
      static_cast<size_t>((power_of_two ? 0 : 1) + d.inner - shift + d.border);
  if (proof.size() != want) {
    return InvalidArgument("consistency proof " + Sizes(old_size, new_size) +
                           " has " + std::to_string(proof.size()) +
                           " hashes, want " + std::to_string(want));
  }
  // RFC 9162 2.1.4.2, step by step.
  // 1. (non-empty: guaranteed by the length check, as want >= 1 here.)
  // 2. If old_size is a power of two, prepend old_root.
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (power_of_two) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  // 3.-4.
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  // 5.
  Hash fr = path[0];
  Hash sr = path[0];
  // 6.
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return InvalidArgument("consistency proof is too long");
    if ((fn & 1) == 1 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  // 7.
  if (sn != 0) return InvalidArgument("consistency proof is too short");
  if (fr != old_root) {
    return DataLoss("consistency proof " + Sizes(old_size, new_size) +
                    " does not lead to the old root " + HashHex(old_root));
  }
  if (sr != new_root) {
    return DataLoss("consistency proof " + Sizes(old_size, new_size) +
                    " does not lead to the new root " + HashHex(new_root));
  }
  return Status::Ok();
}

// ----------------------------------------------------------- MerkleFrontier

Result<MerkleFrontier> MerkleFrontier::Load(uint64_t size,
                                            const NodeReader& nodes) {
  MerkleFrontier f;
  uint64_t at = 0;
  for (int level = 63; level >= 0; --level) {
    if (((size >> level) & 1) == 0) continue;
    Result<Hash> h = ReadPerfect(at, level, nodes);
    if (!h.ok()) {
      return h.status().WithContext(
          "loading frontier of size " + std::to_string(size) + ", node " +
          NodeName(static_cast<uint8_t>(level), at >> level));
    }
    f.stack_.push_back(*h);
    at += uint64_t{1} << level;
  }
  f.size_ = size;
  return f;
}

void MerkleFrontier::Append(const Hash& leaf_hash, const NodeSink& sink) {
  uint64_t index = size_;
  uint8_t level = 0;
  Hash h = leaf_hash;
  if (sink) sink(level, index, h);
  // Each trailing one bit of the old size is a perfect subtree that the new
  // leaf completes into a parent.
  for (uint64_t s = size_; (s & 1) == 1; s >>= 1) {
    h = NodeHash(stack_.back(), h);
    stack_.pop_back();
    ++level;
    index >>= 1;
    if (sink) sink(level, index, h);
  }
  stack_.push_back(h);
  ++size_;
}

Hash MerkleFrontier::Root() const {
  if (stack_.empty()) return EmptyRoot();
  Hash h = stack_.back();
  for (size_t i = stack_.size() - 1; i-- > 0;) h = NodeHash(stack_[i], h);
  return h;
}

// --------------------------------------------------------------- MemoryTree

void MemoryTree::Append(const Hash& leaf_hash) {
  // Nodes of a level complete in index order, so a push_back stores node
  // (level, index) at levels_[level][index].
  frontier_.Append(leaf_hash,
                   [this](uint8_t level, uint64_t /*index*/, const Hash& hash) {
                     if (levels_.size() <= level) levels_.resize(level + 1);
                     levels_[level].push_back(hash);
                   });
}

NodeReader MemoryTree::Reader() const {
  return [this](uint8_t level, uint64_t index) -> Result<Hash> {
    if (level >= levels_.size() || index >= levels_[level].size()) {
      return NotFound("Merkle node " + NodeName(level, index) +
                      " is not in the tree of size " + std::to_string(size()));
    }
    return levels_[level][index];
  };
}

}  // namespace paraphe::crypto
