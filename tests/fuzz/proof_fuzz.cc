// Fuzzes proof parsing and checking: crypto::ParseTlogProof (the C2SP
// tlog-proof text receipt), and the CLI's `paraphe proof check` path
// (tools/paraphe/proof_check.h: text or JSON inclusion proof, then the
// checkpoint signature and the inclusion against the demo ledger's key),
// and the JSON consistency proof parser (tools/paraphe/backend.h) followed
// by VerifyConsistency.
// Invariants: text proofs re-serialize to exactly the input; both text
// parsers agree; checking returns only the documented codes; whatever
// verifies has its index below the checkpoint's size.
#include <boost/json/parse.hpp>

#include "crypto/base64.h"
#include "crypto/merkle.h"
#include "crypto/proof_text.h"
#include "ledger/ledger.h"
#include "tests/fuzz/fuzz_util.h"
#include "tools/paraphe/proof_check.h"

using namespace paraphe;

namespace {

void CheckText(std::string_view in) {
  auto proof = crypto::ParseTlogProof(in);
  if (!proof.ok()) {
    FUZZ_CHECK_MSG(proof.status().code() == StatusCode::kInvalidArgument,
                   proof.status().ToString());
    return;
  }
  std::string text = std::string(crypto::kTlogProofHeader) + "\n";
  if (in.substr(text.size()).starts_with("extra ")) {
    text += "extra " + crypto::Base64Encode(proof->extra) + "\n";
  }
  text += "index " + std::to_string(proof->index) + "\n";
  for (const auto& h : proof->proof) text += crypto::HashBase64(h) + "\n";
  text += "\n" + proof->checkpoint;
  FUZZ_CHECK_MSG(text == in, text);
}

void CheckFile(std::string_view in) {
  auto parsed = cli::ParseInclusionProofFile(in);
  if (in.starts_with(crypto::kTlogProofHeader)) {
    auto text = crypto::ParseTlogProof(in);
    FUZZ_CHECK(parsed.ok() == text.ok());
    if (text.ok()) {
      FUZZ_CHECK(parsed->index == text->index && parsed->proof == text->proof &&
                 parsed->checkpoint == text->checkpoint);
    }
  }
  if (!parsed.ok()) {
    FUZZ_CHECK_MSG(parsed.status().code() == StatusCode::kInvalidArgument,
                   parsed.status().ToString());
    return;
  }
  // The JSON form names its leaf; the text form is checked against a leaf
  // it does not prove, which must fail cleanly.
  const crypto::Hash leaf = parsed->leaf_hash.value_or(crypto::LeafHash(in));
  auto checked =
      cli::CheckInclusionProof(*parsed, fuzz::DemoVerifierKey(), leaf);
  if (checked.ok()) {
    FUZZ_CHECK(checked->index < checked->tree_size);
    FUZZ_CHECK(crypto::VerifyInclusion(checked->index, checked->tree_size, leaf,
                                       parsed->proof, checked->root)
                   .ok());
  } else {
    FUZZ_CHECK_MSG(checked.status().code() == StatusCode::kUnauthenticated ||
                       checked.status().code() == StatusCode::kDataLoss,
                   checked.status().ToString());
  }
}

void CheckConsistency(std::string_view in) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(in, ec);
  if (ec) return;
  auto p = ledger::ConsistencyProofFromJson(v);
  if (!p.ok()) {
    FUZZ_CHECK_MSG(p.status().code() == StatusCode::kInvalidArgument,
                   p.status().ToString());
    return;
  }
  Status st = crypto::VerifyConsistency(p->old_size, p->tree_size, p->old_root,
                                        p->root, p->proof);
  FUZZ_CHECK_MSG(st.ok() || st.code() == StatusCode::kDataLoss ||
                     st.code() == StatusCode::kInvalidArgument,
                 st.ToString());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in = fuzz::AsText(data, size);
  CheckText(in);
  CheckFile(in);
  CheckConsistency(in);
  return 0;
}
