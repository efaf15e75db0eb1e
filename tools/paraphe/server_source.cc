#include "tools/paraphe/server_source.h"

#include <algorithm>
#include <boost/json.hpp>

#include "crypto/base64.h"
#include "crypto/note.h"
#include "ledger/record.h"
#include "tools/paraphe/api_client.h"
#include "tools/paraphe/backend.h"

namespace paraphe::cli {
namespace json = boost::json;

namespace {

const json::value* Member(const json::value& v, std::string_view key) {
  return v.is_object() ? v.get_object().if_contains(key) : nullptr;
}

// The leaf of one /v1/log/entries entry, rebuilt from what the server
// claims (seq, recorded_at_ms, jws); the verifier checks it against the
// signed root.
ledger::SourceRecord FromEntry(uint64_t position, const json::value& e) {
  ledger::SourceRecord r;
  r.position = position;
  const auto* seq = Member(e, "seq");
  const auto* at = Member(e, "recorded_at_ms");
  const auto* jws = Member(e, "jws");
  if (!seq || !seq->is_number() || !at || !at->is_number() || !jws ||
      !jws->is_string()) {
    r.missing = DataLoss("the server's entry lacks seq, recorded_at_ms or jws");
    return r;
  }
  boost::system::error_code ec, ec2;
  const auto s = seq->to_number<uint64_t>(ec);
  const auto ms = at->to_number<int64_t>(ec2);
  if (ec || ec2) {
    r.missing = DataLoss("the server's entry has a bad seq or recorded_at_ms");
    return r;
  }
  r.leaf = ledger::EncodeLeaf(s, ms, jws->get_string());
  r.claimed_seq = s;
  r.claimed_recorded_at_ms = ms;
  if (const auto* c = Member(e, "convention"); c && c->is_string()) {
    r.stream = std::string(c->get_string());
  }
  if (const auto* v = Member(e, "version"); v && v->is_number()) {
    const auto version = v->to_number<uint64_t>(ec);
    if (!ec) r.stream_version = version;
  }
  return r;
}

class ServerSource : public ledger::VerifySource {
 public:
  ServerSource(ApiClient api, std::string checkpoint, uint64_t size,
               std::string vkey)
      : api_(std::move(api)),
        checkpoint_(std::move(checkpoint)),
        size_(size),
        vkey_(std::move(vkey)) {}

  std::string Describe() const override { return "server " + api_.base(); }
  uint64_t size() const override { return size_; }
  Result<std::string> checkpoint() const override { return checkpoint_; }
  std::string claimed_verifier_key() const override { return vkey_; }

  Status ForEachRecord(
      uint64_t from,
      const std::function<Status(ledger::SourceRecord&&)>& fn) const override {
    uint64_t next = from;
    while (next < size_) {
      PARAPHE_ASSIGN_OR_RETURN(
          json::value page,
          api_.GetJson("/v1/log/entries?start=" + std::to_string(next) +
                       "&end=" + std::to_string(size_)));
      const auto* entries = Member(page, "entries");
      if (entries == nullptr || !entries->is_array() ||
          entries->get_array().empty()) {
        // The server has fewer records than its checkpoint commits to:
        // the first one missing is reported, once, with how many are (the
        // root fails too). Not one report per claimed position: an
        // unverified claim of 2^40 records must not make the run endless.
        ledger::SourceRecord r;
        r.position = next;
        r.missing = DataLoss("the server returned no record from " +
                             std::to_string(next) + " on, although its checkpoint claims " +
                             std::to_string(size_) + " (" + std::to_string(size_ - next) +
                             " missing)");
        return fn(std::move(r));
      }
      for (const auto& e : entries->get_array()) {
        if (next >= size_) break;
        PARAPHE_RETURN_IF_ERROR(fn(FromEntry(next, e)));
        ++next;
      }
    }
    return Status::Ok();
  }

  Result<std::vector<crypto::Hash>> ConsistencyProof(
      uint64_t old_size, uint64_t new_size) const override {
    PARAPHE_ASSIGN_OR_RETURN(json::value v,
                             api_.GetJson("/v1/log/proof/consistency?from=" +
                                          std::to_string(old_size) +
                                          "&to=" + std::to_string(new_size)));
    PARAPHE_ASSIGN_OR_RETURN(ledger::ProofResult p,
                             ledger::ConsistencyProofFromJson(v));
    return p.proof;
  }

  Result<std::vector<crypto::Hash>> InclusionProof(
      uint64_t index, uint64_t size) const override {
    PARAPHE_ASSIGN_OR_RETURN(
        json::value v,
        api_.GetJson("/v1/log/proof/inclusion?seq=" + std::to_string(index) +
                     "&tree_size=" + std::to_string(size)));
    PARAPHE_ASSIGN_OR_RETURN(ledger::ProofResult p,
                             ledger::InclusionProofFromJson(v));
    return p.proof;
  }

 private:
  ApiClient api_;
  std::string checkpoint_;
  uint64_t size_;
  std::string vkey_;
};

}  // namespace

Result<std::unique_ptr<ledger::VerifySource>> OpenServerSource(
    const std::string& url, const std::string& token_file) {
  PARAPHE_ASSIGN_OR_RETURN(ApiClient api, ApiClient::Make(url, token_file));
  PARAPHE_ASSIGN_OR_RETURN(std::string note, api.Get("/v1/log/checkpoint"));
  PARAPHE_ASSIGN_OR_RETURN(std::string vkey, api.Get("/v1/log/verifier-key"));
  while (!vkey.empty() && (vkey.back() == '\n' || vkey.back() == '\r')) {
    vkey.pop_back();
  }
  // The size the checkpoint claims (its signature is the verifier's job).
  auto cp = crypto::ReadCheckpointUnverified(note);
  if (!cp.ok()) {
    return DataLoss("the server's checkpoint: " + cp.status().message());
  }
  return std::unique_ptr<ledger::VerifySource>(std::make_unique<ServerSource>(
      std::move(api), std::move(note), cp->size, std::move(vkey)));
}

}  // namespace paraphe::cli
