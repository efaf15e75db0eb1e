// RFC 6962 / RFC 9162 Merkle tree hashing and proofs over SHA-256.
//
//   leaf hash  = SHA-256(0x00 || leaf bytes)
//   node hash  = SHA-256(0x01 || left || right)
//   empty root = SHA-256("")
//
// Storage-independent: proofs and roots are computed from *perfect subtree
// hashes*, read through a NodeReader. Node (level, index) is the root of the
// perfect subtree over leaves [index << level, (index + 1) << level); level 0
// is the leaf hashes. A store only needs to keep the nodes of completed
// perfect subtrees, which MerkleFrontier::Append emits, so every read here
// costs O(log n) node reads and never rebuilds the tree.
//
// Verification follows RFC 9162 section 2.1.3.2 / 2.1.4.2 strictly: index
// must be below size, the proof must have exactly the expected length, and
// old_size <= new_size. A malformed proof or request is kInvalidArgument; a
// well-formed proof that does not lead to the given root is kDataLoss.
// Consistency from old_size == 0 needs an empty proof (as in
// transparency-dev/merkle) and, stricter than it, old_root == EmptyRoot().
// old_size == new_size needs an empty proof and equal roots.
//
// Thread-safety: pure functions; MerkleFrontier and MemoryTree are values
// that are not internally synchronized.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/sha256.h"
#include "crypto/status.h"

namespace paraphe::crypto {

Hash LeafHash(std::string_view leaf_bytes);
Hash NodeHash(const Hash& left, const Hash& right);
Hash EmptyRoot();

// Returns the hash of node (level, index), or an error (kNotFound, kDataLoss)
// that is passed through unchanged.
using NodeReader = std::function<Result<Hash>(uint8_t level, uint64_t index)>;

// Root of the tree over the first `size` leaves. Requires the nodes of that
// tree to be readable; reads popcount(size) nodes.
Result<Hash> RootAt(uint64_t size, const NodeReader& nodes);

// Audit path for leaf `index` in the tree of `size` leaves (RFC 9162 2.1.3.1).
Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size,
                                         const NodeReader& nodes);

// Consistency proof between sizes old_size <= new_size (RFC 9162 2.1.4.1).
// Empty when old_size == new_size or old_size == 0.
Result<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                           const NodeReader& nodes);

Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root);

Status VerifyConsistency(uint64_t old_size, uint64_t new_size,
                         const Hash& old_root, const Hash& new_root,
                         std::span<const Hash> proof);

// The right edge of a growing tree: the roots of its perfect subtrees, at
// most 64 hashes. Appending a leaf is O(1) amortized and reports every node
// that becomes complete, which is exactly what a store must persist.
class MerkleFrontier {
 public:
  using NodeSink =
      std::function<void(uint8_t level, uint64_t index, const Hash& hash)>;

  MerkleFrontier() = default;
  // Rebuilds the frontier of a tree of `size` leaves from stored nodes.
  static Result<MerkleFrontier> Load(uint64_t size, const NodeReader& nodes);

  uint64_t size() const { return size_; }
  // Appends a leaf hash; calls sink (if non-null) for the leaf node (level 0)
  // and for each parent completed by it, lowest level first.
  void Append(const Hash& leaf_hash, const NodeSink& sink);
  Hash Root() const;

 private:
  uint64_t size_ = 0;
  std::vector<Hash> stack_;  // perfect subtree roots, largest first
};

// All completed nodes of a tree, in memory. For tests, export bundles and
// offline verification.
class MemoryTree {
 public:
  void Append(const Hash& leaf_hash);
  void AppendLeaf(std::string_view leaf_bytes) { Append(LeafHash(leaf_bytes)); }
  uint64_t size() const { return frontier_.size(); }
  Hash Root() const { return frontier_.Root(); }
  NodeReader Reader() const;  // valid while *this lives and is not modified

 private:
  MerkleFrontier frontier_;
  std::vector<std::vector<Hash>> levels_;  // levels_[l][i] = node (l, i)
};

}  // namespace paraphe::crypto
