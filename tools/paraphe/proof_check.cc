#include "tools/paraphe/proof_check.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>

#include "crypto/base64.h"
#include "crypto/merkle.h"
#include "crypto/note.h"
#include "tools/paraphe/backend.h"

namespace paraphe::cli {
namespace {

constexpr std::string_view kTlogProofHeader = "c2sp.org/tlog-proof@v1";

Result<crypto::Hash> DecodeHash(std::string_view b64, std::string_view what) {
  auto raw = crypto::Base64Decode(b64);
  if (!raw.ok()) {
    return InvalidArgument(std::string(what) + ": not standard base64 (" +
                           raw.status().message() + ")");
  }
  if (raw->size() != 32) {
    return InvalidArgument(std::string(what) +
                           ": a hash must be 32 bytes, got " +
                           std::to_string(raw->size()));
  }
  crypto::Hash h;
  std::copy(raw->begin(), raw->end(), h.begin());
  return h;
}

Result<uint64_t> ParseDecimal(std::string_view s, std::string_view what) {
  uint64_t v = 0;
  if (s.empty() || (s.size() > 1 && s[0] == '0')) {
    return InvalidArgument(std::string(what) +
                           ": not a decimal number without leading zeros");
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return InvalidArgument(std::string(what) + ": not a decimal number");
  }
  return v;
}

}  // namespace

Result<ParsedInclusionProof> ParseTlogProofText(std::string_view text) {
  ParsedInclusionProof out;
  size_t pos = 0;
  size_t line_no = 0;
  auto next_line = [&](std::string_view* line) -> bool {
    if (pos >= text.size()) return false;
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) return false;  // every line ends in \n
    *line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    return true;
  };
  auto at = [&](std::string_view msg) {
    return InvalidArgument("line " + std::to_string(line_no) + ": " +
                           std::string(msg));
  };
  std::string_view line;
  if (!next_line(&line) || line != kTlogProofHeader) {
    return InvalidArgument("line 1: expected \"" +
                           std::string(kTlogProofHeader) + "\"");
  }
  if (!next_line(&line)) return at("unexpected end of proof");
  if (line.rfind("extra ", 0) == 0) {
    auto extra = crypto::Base64Decode(line.substr(6));
    if (!extra.ok()) return at("extra: not standard base64");
    if (!next_line(&line)) return at("unexpected end of proof");
  }
  if (line.rfind("index ", 0) != 0) return at("expected \"index N\"");
  auto index = ParseDecimal(line.substr(6), "index");
  if (!index.ok()) return at(index.status().message());
  out.index = *index;
  for (;;) {
    if (!next_line(&line))
      return at("missing blank line before the checkpoint");
    if (line.empty()) break;
    auto h = DecodeHash(line, "proof hash");
    if (!h.ok()) return at(h.status().message());
    out.proof.push_back(*h);
  }
  out.checkpoint = std::string(text.substr(pos));
  if (out.checkpoint.empty()) return at("missing checkpoint");
  return out;
}

Result<ParsedInclusionProof> ParseInclusionProofFile(
    std::string_view contents) {
  if (contents.rfind(kTlogProofHeader, 0) == 0) {
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
  PARAPHE_ASSIGN_OR_RETURN(ledger::ProofResult p, InclusionFromJson(v));
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
  auto body = verifier->Open(proof.checkpoint);
  if (!body.ok()) {
    if (body.status().code() == StatusCode::kUnauthenticated) {
      return Unauthenticated(
          "the checkpoint is not signed by the trusted key " +
          verifier->name() + ": " + body.status().message());
    }
    return DataLoss("checkpoint: " + body.status().message());
  }
  auto cp = crypto::Checkpoint::Parse(*body);
  if (!cp.ok()) return DataLoss("checkpoint body: " + cp.status().message());
  if (cp->origin != verifier->name()) {
    return DataLoss("checkpoint origin \"" + cp->origin +
                    "\" differs from the trusted key's name \"" +
                    verifier->name() + "\"");
  }
  if (proof.tree_size && *proof.tree_size != cp->size) {
    return DataLoss("tree_size " + std::to_string(*proof.tree_size) +
                    " differs from the checkpoint's size " +
                    std::to_string(cp->size));
  }
  if (proof.root && *proof.root != cp->root) {
    return DataLoss("root differs from the checkpoint's root");
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
