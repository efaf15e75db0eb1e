// The JSON proof parsers: the inverse of InclusionProofJson and
// ConsistencyProofJson (ledger_views.cc), for what a client receives.
#include <algorithm>
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "crypto/base64.h"
#include "ledger/ledger.h"

namespace paraphe::ledger {
namespace json = boost::json;

namespace {

Result<crypto::Hash> HashFromJson(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) {
    return InvalidArgument(std::string(key) + ": missing or not a string");
  }
  auto raw = crypto::Base64Decode(v->get_string());
  if (!raw.ok()) {
    return InvalidArgument(std::string(key) + ": " + raw.status().message());
  }
  if (raw->size() != 32) {
    return InvalidArgument(std::string(key) +
                           ": a hash must be 32 bytes, got " +
                           std::to_string(raw->size()));
  }
  crypto::Hash h;
  std::copy(raw->begin(), raw->end(), h.begin());
  return h;
}

Result<uint64_t> UintFromJson(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return InvalidArgument(std::string(key) + ": missing");
  if (v->is_uint64()) return v->get_uint64();
  if (v->is_int64() && v->get_int64() >= 0) {
    return static_cast<uint64_t>(v->get_int64());
  }
  return InvalidArgument(std::string(key) + ": not a non-negative integer");
}

Result<std::vector<crypto::Hash>> ProofFromJson(const json::object& o) {
  const json::value* v = o.if_contains("proof");
  if (v == nullptr || !v->is_array()) {
    return InvalidArgument("proof: missing or not an array");
  }
  std::vector<crypto::Hash> out;
  for (size_t i = 0; i < v->get_array().size(); ++i) {
    const auto& e = v->get_array()[i];
    json::object tmp;
    tmp["h"] = e;
    auto h = HashFromJson(tmp, "h");
    if (!h.ok()) {
      return InvalidArgument("proof[" + std::to_string(i) +
                             "]: " + h.status().message().substr(3));
    }
    out.push_back(*h);
  }
  return out;
}

}  // namespace

Result<ProofResult> InclusionProofFromJson(const boost::json::value& v) {
  if (!v.is_object()) return InvalidArgument("inclusion proof: not an object");
  const auto& o = v.get_object();
  ProofResult p;
  PARAPHE_ASSIGN_OR_RETURN(p.index, UintFromJson(o, "index"));
  PARAPHE_ASSIGN_OR_RETURN(p.tree_size, UintFromJson(o, "tree_size"));
  PARAPHE_ASSIGN_OR_RETURN(p.root, HashFromJson(o, "root"));
  PARAPHE_ASSIGN_OR_RETURN(p.leaf_hash, HashFromJson(o, "leaf_hash"));
  PARAPHE_ASSIGN_OR_RETURN(p.proof, ProofFromJson(o));
  if (const auto* ld = o.if_contains("leaf_data"); ld && ld->is_string()) {
    auto raw = crypto::Base64Decode(ld->get_string());
    if (!raw.ok())
      return InvalidArgument("leaf_data: " + raw.status().message());
    p.leaf_data = *raw;
  }
  if (const auto* cp = o.if_contains("checkpoint"); cp && cp->is_string()) {
    p.checkpoint = std::string(cp->get_string());
  }
  return p;
}

Result<ProofResult> ConsistencyProofFromJson(const boost::json::value& v) {
  if (!v.is_object()) {
    return InvalidArgument("consistency proof: not an object");
  }
  const auto& o = v.get_object();
  ProofResult p;
  PARAPHE_ASSIGN_OR_RETURN(p.old_size, UintFromJson(o, "old_size"));
  PARAPHE_ASSIGN_OR_RETURN(p.tree_size, UintFromJson(o, "tree_size"));
  PARAPHE_ASSIGN_OR_RETURN(p.old_root, HashFromJson(o, "old_root"));
  PARAPHE_ASSIGN_OR_RETURN(p.root, HashFromJson(o, "root"));
  PARAPHE_ASSIGN_OR_RETURN(p.proof, ProofFromJson(o));
  return p;
}

}  // namespace paraphe::ledger
