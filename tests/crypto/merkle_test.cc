#include "crypto/merkle.h"

#include <gtest/gtest.h>

#include <bit>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "tests/crypto/merkle_reference.h"
#include "tests/crypto/test_util.h"

namespace paraphe::crypto {
namespace {

namespace json = boost::json;
using testing::HashFromHex;
using testing::Str;
using testing::Unhex;

std::vector<std::string> MakeLeaves(uint64_t n) {
  std::vector<std::string> leaves;
  leaves.reserve(n);
  for (uint64_t i = 0; i < n; ++i)
    leaves.push_back("leaf " + std::to_string(i));
  return leaves;
}

MemoryTree TreeOf(const std::vector<std::string>& leaves) {
  MemoryTree tree;
  for (const std::string& l : leaves) tree.AppendLeaf(l);
  return tree;
}

reference::Leaves Prefix(const std::vector<std::string>& leaves, uint64_t n) {
  return reference::Leaves(leaves.data(), n);
}

// A reader limited to the nodes that exist in a tree of `size` leaves, and
// that counts its calls: proofs for an old size must not touch newer nodes.
struct CountingReader {
  NodeReader inner;
  uint64_t size;
  int* reads;
  Result<Hash> operator()(uint8_t level, uint64_t index) const {
    ++*reads;
    if (level >= 64 || ((index + 1) << level) > size ||
        ((index + 1) << level) >> level != index + 1) {
      return NotFound("node beyond size " + std::to_string(size));
    }
    return inner(level, index);
  }
};

std::vector<Hash> Flip(std::vector<Hash> proof, size_t i, size_t byte) {
  proof[i][byte] ^= 0x01;
  return proof;
}

// ---------------------------------------------------------------- hashing

TEST(MerkleTest, HasherVectors) {
  json::value v = testing::ReadJsonTestFile("rfc6962_vectors.json");
  int checked = 0;
  for (const json::value& c : v.at("hasher_vectors").as_array()) {
    std::string kind = Str(c.at("kind"));
    Hash want = HashFromHex(Str(c.at("expected_hex")));
    if (kind == "empty") {
      EXPECT_EQ(EmptyRoot(), want);
    } else if (kind == "leaf") {
      EXPECT_EQ(LeafHash(Unhex(Str(c.at("input_hex")))), want);
    } else if (kind == "node") {
      std::string left = Unhex(Str(c.at("left_hex")));
      std::string right = Unhex(Str(c.at("right_hex")));
      if (left.size() == 32 && right.size() == 32) {
        EXPECT_EQ(NodeHash(HashFromHex(Str(c.at("left_hex"))),
                           HashFromHex(Str(c.at("right_hex")))),
                  want);
      } else {
        // Hasher test on short inputs: NodeHash only takes hashes, so check
        // the definition itself.
        EXPECT_EQ(Sha256(std::string(1, '\x01') + left + right), want);
      }
    } else {
      ADD_FAILURE() << "unknown kind " << kind;
    }
    if (c.as_object().contains("expected_b64")) {
      EXPECT_EQ(HashBase64(want), Str(c.at("expected_b64")));
    }
    ++checked;
  }
  EXPECT_EQ(checked, 8);
}

TEST(MerkleTest, ReferenceTreeVectors) {
  json::value v = testing::ReadJsonTestFile("rfc6962_vectors.json");
  const json::object& ref = v.at("reference_tree").as_object();
  std::vector<std::string> leaves;
  for (const json::value& l : ref.at("leaf_inputs_hex").as_array()) {
    leaves.push_back(Unhex(Str(l)));
  }
  ASSERT_EQ(leaves.size(), 8u);
  EXPECT_EQ(EmptyRoot(), HashFromHex(Str(ref.at("empty_tree_root_hex"))));
  EXPECT_EQ(reference::Mth({}), EmptyRoot());

  MemoryTree tree;
  EXPECT_EQ(tree.Root(), EmptyRoot());
  const json::object& roots = ref.at("roots_hex_by_tree_size").as_object();
  for (size_t n = 1; n <= leaves.size(); ++n) {
    tree.AppendLeaf(leaves[n - 1]);
    Hash want = HashFromHex(Str(roots.at(std::to_string(n))));
    EXPECT_EQ(tree.Root(), want) << n;
    EXPECT_EQ(reference::Mth(Prefix(leaves, n)), want) << n;
  }
  NodeReader reader = tree.Reader();
  for (size_t n = 0; n <= leaves.size(); ++n) {
    Result<Hash> root = RootAt(n, reader);
    ASSERT_TRUE(root.ok());
    EXPECT_EQ(*root, n == 0 ? EmptyRoot()
                            : HashFromHex(Str(roots.at(std::to_string(n)))));
  }
  const json::array& levels =
      ref.at("node_hashes_hex_by_level").at("levels").as_array();
  ASSERT_EQ(levels.size(), 4u);
  for (size_t level = 0; level < levels.size(); ++level) {
    const json::array& hashes = levels[level].as_array();
    for (size_t i = 0; i < hashes.size(); ++i) {
      Result<Hash> h = reader(static_cast<uint8_t>(level), i);
      ASSERT_TRUE(h.ok());
      EXPECT_EQ(*h, HashFromHex(Str(hashes[i]))) << level << "," << i;
    }
  }
}

std::vector<Hash> ProofFromJson(const json::value& c) {
  std::vector<Hash> proof;
  for (const json::value& p : c.at("proof_hex").as_array()) {
    proof.push_back(HashFromHex(Str(p)));
  }
  return proof;
}

TEST(MerkleTest, PublishedInclusionProofs) {
  json::value v = testing::ReadJsonTestFile("rfc6962_vectors.json");
  std::vector<std::string> leaves;
  for (const json::value& l :
       v.at("reference_tree").at("leaf_inputs_hex").as_array()) {
    leaves.push_back(Unhex(Str(l)));
  }
  MemoryTree tree = TreeOf(leaves);
  int checked = 0;
  for (const json::value& c : v.at("inclusion_proofs").as_array()) {
    const json::object& o = c.as_object();
    uint64_t size = c.at("tree_size").to_number<uint64_t>();
    std::vector<Hash> proof = ProofFromJson(c);
    SCOPED_TRACE("size " + std::to_string(size));
    bool want_err = o.contains("wantErr") && c.at("wantErr").as_bool();
    if (!o.contains("leaf_index_0based")) {
      // The degenerate "leaf 0 of the empty tree" entry of the C++ CT test
      // table: there is no such leaf, so both sides refuse it.
      ASSERT_EQ(size, 0u);
      EXPECT_TRUE(proof.empty());
      EXPECT_EQ(InclusionProof(0, 0, tree.Reader()).status().code(),
                StatusCode::kInvalidArgument);
      EXPECT_EQ(VerifyInclusion(0, 0, LeafHash(""), proof, EmptyRoot()).code(),
                StatusCode::kInvalidArgument);
      ++checked;
      continue;
    }
    uint64_t index = c.at("leaf_index_0based").to_number<uint64_t>();
    Hash leaf_hash = o.contains("leaf_hash_hex")
                         ? HashFromHex(Str(c.at("leaf_hash_hex")))
                         : LeafHash(Unhex(Str(c.at("leaf_input_hex"))));
    Hash root = o.contains("root_hex")
                    ? HashFromHex(Str(c.at("root_hex")))
                    : HashFromHex(Str(c.at("root_hex_from_reference_tree")));
    if (o.contains("proof_b64")) {
      const json::array& b64 = c.at("proof_b64").as_array();
      ASSERT_EQ(b64.size(), proof.size());
      for (size_t i = 0; i < proof.size(); ++i) {
        EXPECT_EQ(HashBase64(proof[i]), Str(b64[i]));
      }
    }
    Status st = VerifyInclusion(index, size, leaf_hash, proof, root);
    if (want_err) {
      EXPECT_FALSE(st.ok());
    } else {
      EXPECT_TRUE(st.ok()) << st.ToString();
      EXPECT_EQ(leaf_hash, LeafHash(leaves[index]));
      Result<std::vector<Hash>> ours =
          InclusionProof(index, size, tree.Reader());
      ASSERT_TRUE(ours.ok());
      EXPECT_EQ(*ours, proof);
      // Any flipped bit breaks it.
      for (size_t i = 0; i < proof.size(); ++i) {
        EXPECT_EQ(
            VerifyInclusion(index, size, leaf_hash, Flip(proof, i, 31), root)
                .code(),
            StatusCode::kDataLoss);
      }
    }
    ++checked;
  }
  EXPECT_EQ(checked, 11);
}

TEST(MerkleTest, PublishedConsistencyProofs) {
  json::value v = testing::ReadJsonTestFile("rfc6962_vectors.json");
  std::vector<std::string> leaves;
  for (const json::value& l :
       v.at("reference_tree").at("leaf_inputs_hex").as_array()) {
    leaves.push_back(Unhex(Str(l)));
  }
  MemoryTree tree = TreeOf(leaves);
  int checked = 0;
  for (const json::value& c : v.at("consistency_proofs").as_array()) {
    const json::object& o = c.as_object();
    uint64_t size1 = c.at("size1").to_number<uint64_t>();
    uint64_t size2 = c.at("size2").to_number<uint64_t>();
    SCOPED_TRACE(std::to_string(size1) + " -> " + std::to_string(size2));
    std::vector<Hash> proof = ProofFromJson(c);
    Hash root1 = HashFromHex(Str(o.contains("root1_hex")
                                     ? c.at("root1_hex")
                                     : c.at("root1_hex_from_reference_tree")));
    Hash root2 = HashFromHex(Str(o.contains("root2_hex")
                                     ? c.at("root2_hex")
                                     : c.at("root2_hex_from_reference_tree")));
    bool want_err = o.contains("wantErr") && c.at("wantErr").as_bool();
    Status st = VerifyConsistency(size1, size2, root1, root2, proof);
    if (want_err) {
      EXPECT_FALSE(st.ok());
    } else {
      EXPECT_TRUE(st.ok()) << st.ToString();
      EXPECT_EQ(*RootAt(size1, tree.Reader()), root1);
      EXPECT_EQ(*RootAt(size2, tree.Reader()), root2);
      Result<std::vector<Hash>> ours =
          ConsistencyProof(size1, size2, tree.Reader());
      ASSERT_TRUE(ours.ok());
      EXPECT_EQ(*ours, proof);
      for (size_t i = 0; i < proof.size(); ++i) {
        EXPECT_EQ(
            VerifyConsistency(size1, size2, root1, root2, Flip(proof, i, 0))
                .code(),
            StatusCode::kDataLoss);
      }
    }
    ++checked;
  }
  EXPECT_EQ(checked, 9);
}

// ------------------------------------------------- fast vs. reference code

TEST(MerkleTest, InclusionMatchesReferenceForEverySizeAndIndex) {
  constexpr uint64_t kMax = 300;
  std::vector<std::string> leaves = MakeLeaves(kMax);
  reference::MthMemo memo;  // the reference is O(n) per proof otherwise
  MemoryTree tree = TreeOf(leaves);
  for (uint64_t n = 1; n <= kMax; ++n) {
    int reads = 0;
    NodeReader reader = CountingReader{tree.Reader(), n, &reads};
    Hash root = reference::Mth(Prefix(leaves, n));
    Result<Hash> fast_root = RootAt(n, reader);
    ASSERT_TRUE(fast_root.ok()) << n << ": " << fast_root.status().ToString();
    ASSERT_EQ(*fast_root, root) << n;
    ASSERT_LE(reads, std::popcount(n));
    for (uint64_t m = 0; m < n; ++m) {
      reads = 0;
      Result<std::vector<Hash>> proof = InclusionProof(m, n, reader);
      ASSERT_TRUE(proof.ok())
          << m << "/" << n << ": " << proof.status().ToString();
      ASSERT_EQ(*proof, reference::Path(m, Prefix(leaves, n))) << m << "/" << n;
      ASSERT_LE(reads, 2 * std::bit_width(n)) << m << "/" << n;
      Status st = VerifyInclusion(m, n, LeafHash(leaves[m]), *proof, root);
      ASSERT_TRUE(st.ok()) << m << "/" << n << ": " << st.ToString();
    }
  }
}

TEST(MerkleTest, ConsistencyMatchesReferenceForEveryPair) {
  constexpr uint64_t kMax = 300;
  std::vector<std::string> leaves = MakeLeaves(kMax);
  reference::MthMemo memo;  // the reference is O(n) per proof otherwise
  MemoryTree tree = TreeOf(leaves);
  std::vector<Hash> roots;
  for (uint64_t n = 0; n <= kMax; ++n) {
    roots.push_back(reference::Mth(Prefix(leaves, n)));
  }
  for (uint64_t n = 0; n <= kMax; ++n) {
    int reads = 0;
    NodeReader reader = CountingReader{tree.Reader(), n, &reads};
    for (uint64_t m = 0; m <= n; ++m) {
      reads = 0;
      Result<std::vector<Hash>> proof = ConsistencyProof(m, n, reader);
      ASSERT_TRUE(proof.ok())
          << m << "->" << n << ": " << proof.status().ToString();
      std::vector<Hash> want;
      if (m > 0) want = reference::Proof(m, Prefix(leaves, n));
      ASSERT_EQ(*proof, want) << m << "->" << n;
      ASSERT_LE(reads, 3 * std::bit_width(n)) << m << "->" << n;
      Status st = VerifyConsistency(m, n, roots[m], roots[n], *proof);
      ASSERT_TRUE(st.ok()) << m << "->" << n << ": " << st.ToString();
    }
  }
}

TEST(MerkleTest, LargeRandomSizesMatchReference) {
  std::mt19937_64 rng(20240601);
  std::vector<std::string> leaves = MakeLeaves(5000);
  reference::MthMemo memo;  // the reference is O(n) per proof otherwise
  MemoryTree tree = TreeOf(leaves);
  std::vector<uint64_t> sizes = {1023, 1024, 1025, 4095, 4096, 4097, 5000};
  for (int i = 0; i < 8; ++i) sizes.push_back(1000 + rng() % 4001);
  for (uint64_t n : sizes) {
    SCOPED_TRACE("size " + std::to_string(n));
    int reads = 0;
    NodeReader reader = CountingReader{tree.Reader(), n, &reads};
    Hash root = reference::Mth(Prefix(leaves, n));
    ASSERT_EQ(*RootAt(n, reader), root);
    std::vector<uint64_t> indexes = {0, n - 1, n / 2};
    for (int i = 0; i < 40; ++i) indexes.push_back(rng() % n);
    for (uint64_t m : indexes) {
      reads = 0;
      Result<std::vector<Hash>> proof = InclusionProof(m, n, reader);
      ASSERT_TRUE(proof.ok());
      EXPECT_LE(reads, 2 * std::bit_width(n));
      EXPECT_EQ(*proof, reference::Path(m, Prefix(leaves, n))) << m;
      EXPECT_TRUE(
          VerifyInclusion(m, n, LeafHash(leaves[m]), *proof, root).ok());
    }
    std::vector<uint64_t> olds = {1, n - 1, n, 512};
    for (int i = 0; i < 40; ++i) olds.push_back(1 + rng() % n);
    for (uint64_t m : olds) {
      reads = 0;
      Result<std::vector<Hash>> proof = ConsistencyProof(m, n, reader);
      ASSERT_TRUE(proof.ok());
      EXPECT_LE(reads, 3 * std::bit_width(n));
      EXPECT_EQ(*proof, reference::Proof(m, Prefix(leaves, n))) << m;
      Hash old_root = reference::Mth(Prefix(leaves, m));
      EXPECT_TRUE(VerifyConsistency(m, n, old_root, root, *proof).ok()) << m;
    }
  }
}

// The memo used above only skips repeated evaluations; check that it
// changes nothing.
TEST(MerkleTest, ReferenceMemoIsTransparent) {
  std::vector<std::string> leaves = MakeLeaves(37);
  std::vector<std::vector<Hash>> plain;
  for (uint64_t n = 1; n <= leaves.size(); ++n) {
    for (uint64_t m = 0; m < n; ++m) {
      plain.push_back(reference::Path(m, Prefix(leaves, n)));
      plain.push_back(reference::Proof(m + 1, Prefix(leaves, n)));
    }
    plain.push_back({reference::Mth(Prefix(leaves, n))});
  }
  reference::MthMemo memo;
  size_t i = 0;
  for (uint64_t n = 1; n <= leaves.size(); ++n) {
    for (uint64_t m = 0; m < n; ++m) {
      ASSERT_EQ(reference::Path(m, Prefix(leaves, n)), plain[i++]);
      ASSERT_EQ(reference::Proof(m + 1, Prefix(leaves, n)), plain[i++]);
    }
    ASSERT_EQ(std::vector<Hash>{reference::Mth(Prefix(leaves, n))}, plain[i++]);
  }
}

TEST(MerkleTest, HugeSizesUseFewReads) {
  // A fake store of 2^40 + 12345 leaves: node hashes are a function of their
  // coordinates. Only checks that the read count stays logarithmic.
  const uint64_t n = (uint64_t{1} << 40) + 12345;
  int reads = 0;
  NodeReader fake = [&reads](uint8_t level, uint64_t index) -> Result<Hash> {
    ++reads;
    return Sha256(std::to_string(level) + "/" + std::to_string(index));
  };
  ASSERT_TRUE(RootAt(n, fake).ok());
  EXPECT_LE(reads, 64);
  reads = 0;
  Result<std::vector<Hash>> p = InclusionProof(n - 7, n, fake);
  ASSERT_TRUE(p.ok());
  EXPECT_LE(reads, 2 * 41);
  reads = 0;
  Result<std::vector<Hash>> c = ConsistencyProof(n - 1000, n, fake);
  ASSERT_TRUE(c.ok());
  EXPECT_LE(reads, 3 * 41);
}

// --------------------------------------------------------------- tampering

TEST(MerkleTest, TamperedInclusionProofsAreRejectedWithExactCodes) {
  constexpr uint64_t kMax = 64;
  std::vector<std::string> leaves = MakeLeaves(kMax + 1);
  reference::MthMemo memo;
  MemoryTree tree = TreeOf(leaves);
  std::vector<Hash> roots;
  for (uint64_t n = 0; n <= kMax + 1; ++n) {
    roots.push_back(reference::Mth(Prefix(leaves, n)));
  }
  auto ref_len = [&](uint64_t m, uint64_t n) {
    return reference::Path(m, Prefix(leaves, n)).size();
  };
  for (uint64_t n = 1; n <= kMax; ++n) {
    const Hash& root = roots[n];
    for (uint64_t m = 0; m < n; ++m) {
      SCOPED_TRACE(std::to_string(m) + "/" + std::to_string(n));
      std::vector<Hash> proof = *InclusionProof(m, n, tree.Reader());
      Hash leaf = LeafHash(leaves[m]);
      ASSERT_TRUE(VerifyInclusion(m, n, leaf, proof, root).ok());
      for (size_t i = 0; i < proof.size(); ++i) {
        EXPECT_EQ(
            VerifyInclusion(m, n, leaf, Flip(proof, i, i % 32), root).code(),
            StatusCode::kDataLoss);
      }
      // Extra element, missing element.
      std::vector<Hash> longer = proof;
      longer.push_back(root);
      EXPECT_EQ(VerifyInclusion(m, n, leaf, longer, root).code(),
                StatusCode::kInvalidArgument);
      if (!proof.empty()) {
        std::vector<Hash> shorter(proof.begin(), proof.end() - 1);
        EXPECT_EQ(VerifyInclusion(m, n, leaf, shorter, root).code(),
                  StatusCode::kInvalidArgument);
      }
      // Wrong leaf, wrong root.
      EXPECT_EQ(VerifyInclusion(m, n, LeafHash("other"), proof, root).code(),
                StatusCode::kDataLoss);
      EXPECT_EQ(VerifyInclusion(m, n, leaf, proof, LeafHash("x")).code(),
                StatusCode::kDataLoss);
      // Wrong index / wrong size: a proof of the right length for the
      // claimed position must still fail as a mismatch; otherwise it is
      // malformed. A leaf hash equal to its sibling's could collide, but
      // leaves here are distinct.
      for (uint64_t m2 : {m + 1, m ^ 1, m + 2}) {
        if (m2 == m) continue;
        if (m2 >= n) {
          EXPECT_EQ(VerifyInclusion(m2, n, leaf, proof, root).code(),
                    StatusCode::kInvalidArgument);
          continue;
        }
        StatusCode want = ref_len(m2, n) == proof.size()
                              ? StatusCode::kDataLoss
                              : StatusCode::kInvalidArgument;
        EXPECT_EQ(VerifyInclusion(m2, n, leaf, proof, root).code(), want)
            << "index " << m2;
      }
      // The claimed size comes with that size's root (the proof alone does
      // not bind the size: leaf 0's proof in a tree of 3 also verifies
      // against the same root as if the tree had 4 leaves).
      for (uint64_t n2 : {n + 1, n - 1, 2 * n}) {
        if (n2 == n || n2 > kMax + 1) continue;
        if (m >= n2) {
          EXPECT_EQ(VerifyInclusion(m, n2, leaf, proof, roots[n2]).code(),
                    StatusCode::kInvalidArgument);
          continue;
        }
        StatusCode want = ref_len(m, n2) == proof.size()
                              ? StatusCode::kDataLoss
                              : StatusCode::kInvalidArgument;
        EXPECT_EQ(VerifyInclusion(m, n2, leaf, proof, roots[n2]).code(), want)
            << "size " << n2;
      }
    }
  }
  Hash h = LeafHash("a");
  EXPECT_EQ(VerifyInclusion(0, 0, h, {}, h).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyInclusion(5, 5, h, {}, h).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(VerifyInclusion(0, 1, h, {}, h).ok());
}

TEST(MerkleTest, TamperedConsistencyProofsAreRejectedWithExactCodes) {
  constexpr uint64_t kMax = 64;
  std::vector<std::string> leaves = MakeLeaves(kMax + 1);
  reference::MthMemo memo;
  MemoryTree tree = TreeOf(leaves);
  std::vector<Hash> roots;
  for (uint64_t n = 0; n <= kMax + 1; ++n) {
    roots.push_back(reference::Mth(Prefix(leaves, n)));
  }
  auto ref_len = [&](uint64_t m, uint64_t n) -> size_t {
    return (m == 0 || m == n) ? 0
                              : reference::Proof(m, Prefix(leaves, n)).size();
  };
  for (uint64_t n = 1; n <= kMax; ++n) {
    for (uint64_t m = 1; m < n; ++m) {
      SCOPED_TRACE(std::to_string(m) + "->" + std::to_string(n));
      std::vector<Hash> proof = *ConsistencyProof(m, n, tree.Reader());
      ASSERT_TRUE(VerifyConsistency(m, n, roots[m], roots[n], proof).ok());
      for (size_t i = 0; i < proof.size(); ++i) {
        EXPECT_EQ(VerifyConsistency(m, n, roots[m], roots[n], Flip(proof, i, 7))
                      .code(),
                  StatusCode::kDataLoss);
      }
      std::vector<Hash> longer = proof;
      longer.push_back(roots[n]);
      EXPECT_EQ(VerifyConsistency(m, n, roots[m], roots[n], longer).code(),
                StatusCode::kInvalidArgument);
      std::vector<Hash> shorter(proof.begin(), proof.end() - 1);
      EXPECT_EQ(VerifyConsistency(m, n, roots[m], roots[n], shorter).code(),
                StatusCode::kInvalidArgument);
      EXPECT_EQ(VerifyConsistency(m, n, roots[m], roots[n], {}).code(),
                StatusCode::kInvalidArgument);
      // Wrong roots.
      EXPECT_EQ(VerifyConsistency(m, n, roots[m - 1], roots[n], proof).code(),
                StatusCode::kDataLoss);
      EXPECT_EQ(VerifyConsistency(m, n, roots[m], roots[n - 1], proof).code(),
                StatusCode::kDataLoss);
      EXPECT_EQ(VerifyConsistency(m, n, roots[n], roots[m], proof).code(),
                StatusCode::kDataLoss);
      // Wrong sizes.
      for (auto [m2, n2] : {std::pair{m + 1, n}, std::pair{m - 1, n},
                            std::pair{m, n + 1}, std::pair{m, n - 1}}) {
        if (m2 == m && n2 == n) continue;
        Status st = VerifyConsistency(m2, n2, roots[m2], roots[n2], proof);
        StatusCode want;
        if (m2 > n2 || (m2 == 0 && !proof.empty()) ||
            ref_len(m2, n2) != proof.size()) {
          want = StatusCode::kInvalidArgument;
        } else {
          want = StatusCode::kDataLoss;
        }
        EXPECT_EQ(st.code(), want) << m2 << "->" << n2 << " " << st.ToString();
      }
    }
  }
  // Edge cases of sizes.
  const Hash& r1 = roots[1];
  const Hash& r2 = roots[2];
  EXPECT_EQ(VerifyConsistency(2, 1, r2, r1, {}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(VerifyConsistency(3, 3, roots[3], roots[3], {}).ok());
  EXPECT_EQ(VerifyConsistency(3, 3, roots[3], roots[3], {{r1}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(3, 3, roots[3], roots[4], {}).code(),
            StatusCode::kDataLoss);
  // From the empty tree: trivially consistent with an empty proof, but the
  // claimed empty root must be SHA-256("").
  EXPECT_TRUE(VerifyConsistency(0, 5, EmptyRoot(), roots[5], {}).ok());
  EXPECT_TRUE(VerifyConsistency(0, 0, EmptyRoot(), EmptyRoot(), {}).ok());
  EXPECT_EQ(VerifyConsistency(0, 5, EmptyRoot(), roots[5], {{r1}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(0, 5, r1, roots[5], {}).code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(VerifyConsistency(0, 0, EmptyRoot(), r1, {}).code(),
            StatusCode::kDataLoss);
}

TEST(MerkleTest, ProofRequestErrors) {
  MemoryTree tree = TreeOf(MakeLeaves(10));
  EXPECT_EQ(InclusionProof(10, 10, tree.Reader()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(11, 10, tree.Reader()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(ConsistencyProof(0, 10, tree.Reader())->empty());
  EXPECT_TRUE(ConsistencyProof(10, 10, tree.Reader())->empty());
  EXPECT_TRUE(ConsistencyProof(0, 0, tree.Reader())->empty());
  EXPECT_EQ(*RootAt(0, tree.Reader()), EmptyRoot());
  // Nodes the store does not have: NotFound passes through.
  EXPECT_EQ(RootAt(11, tree.Reader()).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(InclusionProof(3, 12, tree.Reader()).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(ConsistencyProof(3, 12, tree.Reader()).status().code(),
            StatusCode::kNotFound);
  // Reader errors pass through unchanged.
  NodeReader corrupt = [](uint8_t, uint64_t) -> Result<Hash> {
    return DataLoss("checksum mismatch");
  };
  EXPECT_EQ(RootAt(5, corrupt).status(), DataLoss("checksum mismatch"));
  EXPECT_EQ(InclusionProof(1, 5, corrupt).status(),
            DataLoss("checksum mismatch"));
  EXPECT_EQ(ConsistencyProof(3, 5, corrupt).status(),
            DataLoss("checksum mismatch"));
}

// ------------------------------------------------- frontier and MemoryTree

TEST(MerkleFrontierTest, AppendEmitsExactlyTheCompletedNodes) {
  constexpr uint64_t kMax = 100;
  std::vector<std::string> leaves = MakeLeaves(kMax);
  MerkleFrontier frontier;
  EXPECT_EQ(frontier.Root(), EmptyRoot());
  std::vector<std::tuple<uint8_t, uint64_t, Hash>> emitted;
  for (uint64_t i = 0; i < kMax; ++i) {
    emitted.clear();
    frontier.Append(LeafHash(leaves[i]),
                    [&](uint8_t level, uint64_t index, const Hash& h) {
                      emitted.emplace_back(level, index, h);
                    });
    // Expected: the leaf, then every perfect subtree ending at leaf i,
    // lowest level first.
    std::vector<std::tuple<uint8_t, uint64_t, Hash>> want;
    for (uint8_t level = 0; ((i + 1) % (uint64_t{1} << level)) == 0; ++level) {
      uint64_t index = i >> level;
      uint64_t begin = index << level;
      want.emplace_back(level, index,
                        reference::Mth(reference::Leaves(
                            leaves.data() + begin, uint64_t{1} << level)));
    }
    ASSERT_EQ(emitted, want) << "leaf " << i;
    EXPECT_EQ(frontier.size(), i + 1);
    EXPECT_EQ(frontier.Root(), reference::Mth(Prefix(leaves, i + 1)));
  }
  // A null sink is allowed.
  frontier.Append(LeafHash("x"), nullptr);
  EXPECT_EQ(frontier.size(), kMax + 1);
}

TEST(MerkleFrontierTest, LoadReproducesTheFrontier) {
  constexpr uint64_t kMax = 200;
  std::vector<std::string> leaves = MakeLeaves(kMax);
  MemoryTree tree = TreeOf(leaves);
  for (uint64_t n = 0; n <= kMax; n += (n < 70 ? 1 : 13)) {
    int reads = 0;
    Result<MerkleFrontier> loaded =
        MerkleFrontier::Load(n, CountingReader{tree.Reader(), n, &reads});
    ASSERT_TRUE(loaded.ok()) << n << ": " << loaded.status().ToString();
    EXPECT_EQ(reads, std::popcount(n));
    EXPECT_EQ(loaded->size(), n);
    EXPECT_EQ(loaded->Root(), reference::Mth(Prefix(leaves, n)));
    // Continuing from the loaded frontier emits the same nodes as the
    // original tree has.
    MerkleFrontier f = *loaded;
    for (uint64_t i = n; i < std::min(kMax, n + 9); ++i) {
      f.Append(LeafHash(leaves[i]),
               [&](uint8_t level, uint64_t index, const Hash& h) {
                 Result<Hash> stored = tree.Reader()(level, index);
                 ASSERT_TRUE(stored.ok());
                 EXPECT_EQ(h, *stored) << int{level} << "," << index;
               });
      EXPECT_EQ(f.Root(), reference::Mth(Prefix(leaves, i + 1)));
    }
  }
  Result<MerkleFrontier> missing =
      MerkleFrontier::Load(kMax + 1, tree.Reader());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST(MemoryTreeTest, ReaderServesCompletedNodesOnly) {
  MemoryTree tree;
  EXPECT_EQ(tree.size(), 0u);
  EXPECT_EQ(tree.Reader()(0, 0).status().code(), StatusCode::kNotFound);
  std::vector<std::string> leaves = MakeLeaves(6);
  for (const auto& l : leaves) tree.AppendLeaf(l);
  EXPECT_EQ(tree.size(), 6u);
  NodeReader r = tree.Reader();
  EXPECT_EQ(*r(0, 5), LeafHash(leaves[5]));
  EXPECT_EQ(*r(1, 2), reference::Mth(reference::Leaves(leaves.data() + 4, 2)));
  EXPECT_EQ(*r(2, 0), reference::Mth(Prefix(leaves, 4)));
  EXPECT_EQ(r(0, 6).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r(1, 3).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r(2, 1).status().code(), StatusCode::kNotFound);  // incomplete
  EXPECT_EQ(r(3, 0).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r(200, 0).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(tree.Root(), reference::Mth(Prefix(leaves, 6)));
}

}  // namespace
}  // namespace paraphe::crypto
