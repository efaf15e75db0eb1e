#include "tools/paraphe/proof_check.h"

#include <boost/json.hpp>
#include <utility>

#include "crypto/merkle.h"
#include "crypto/note.h"
#include "crypto/proof_text.h"
#include "ledger/ledger.h"

namespace paraphe::cli {

Result<ParsedInclusionProof> ParseTlogProofText(std::string_view text) {
  PARAPHE_ASSIGN_OR_RETURN(crypto::TlogProof p, crypto::ParseTlogProof(text));
  ParsedInclusionProof out;
  out.index = p.index;
  out.proof = std::move(p.proof);
  out.checkpoint = std::move(p.checkpoint);
  return out;
}

Result<ParsedInclusionProof> ParseInclusionProofFile(
    std::string_view contents) {
  if (contents.rfind(crypto::kTlogProofHeader, 0) == 0) {
    return ParseTlogProofText(contents);
  }
  size_t first = contents.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || contents[first] != '{') {
    return InvalidArgument(
        "not a proof: expected a c2sp.org/tlog-proof@v1 text or a JSON object");
  }
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(contents, ec);
  if (ec) return InvalidArgument("malformed JSON: " + ec.message());
  // The receipt form nests the proof under "inclusion_proof".
  if (v.is_object()) {
    if (const auto* inner = v.get_object().if_contains("inclusion_proof")) {
      v = *inner;
    }
  }
  PARAPHE_ASSIGN_OR_RETURN(ledger::ProofResult p,
                           ledger::InclusionProofFromJson(v));
  if (p.checkpoint.empty()) {
    return InvalidArgument(
        "checkpoint: missing (a proof without a signed "
        "checkpoint proves nothing)");
  }
  ParsedInclusionProof out;
  out.index = p.index;
  out.proof = std::move(p.proof);
  out.checkpoint = std::move(p.checkpoint);
  out.tree_size = p.tree_size;
  out.root = p.root;
  out.leaf_hash = p.leaf_hash;
  return out;
}

Result<CheckedProof> CheckInclusionProof(const ParsedInclusionProof& proof,
                                         std::string_view trusted_vkey,
                                         const crypto::Hash& leaf_hash) {
  auto verifier = crypto::NoteVerifier::FromVerifierKey(trusted_vkey);
  if (!verifier.ok()) {
    return InvalidArgument("trusted key: " + verifier.status().message());
  }
  auto cp = crypto::OpenCheckpoint(*verifier, proof.checkpoint,
                                   {.size = proof.tree_size, .root = proof.root});
  if (!cp.ok()) {
    const Status& st = cp.status();
    if (st.rule() == crypto::kRuleCheckpointSignature) {
      return st.WithContext("the checkpoint is not signed by the trusted key " +
                            verifier->name());
    }
    if (st.code() == StatusCode::kUnauthenticated) return st;  // origin
    // Malformed, or not the proof's tree: the proof does not verify.
    return DataLoss(st.message());
  }
  if (proof.leaf_hash && *proof.leaf_hash != leaf_hash) {
    return DataLoss("the proof's leaf_hash is not the hash of the given leaf");
  }
  if (proof.index >= cp->size) {
    return DataLoss("index " + std::to_string(proof.index) +
                    " is not below the tree size " + std::to_string(cp->size));
  }
  Status st = crypto::VerifyInclusion(proof.index, cp->size, leaf_hash,
                                      proof.proof, cp->root);
  if (!st.ok()) {
    return DataLoss("inclusion proof does not verify: " + st.message());
  }
  CheckedProof out;
  out.origin = cp->origin;
  out.index = proof.index;
  out.tree_size = cp->size;
  out.root = cp->root;
  return out;
}

}  // namespace paraphe::cli
