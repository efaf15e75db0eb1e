#include "tools/paraphe/remote_backend.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>

#include "crypto/jws.h"
#include "crypto/merkle.h"
#include "crypto/note.h"
#include "ledger/record.h"
#include "tools/paraphe/api_client.h"
#include "tools/paraphe/backend.h"

namespace paraphe::cli {
namespace json = boost::json;

namespace {

class RemoteBackend : public Backend {
 public:
  explicit RemoteBackend(ApiClient api) : api_(std::move(api)) {}

  Result<json::value> GetJson(const std::string& path) {
    return api_.GetJson(path);
  }

  Result<json::object> Submit(const std::string& jws) override {
    PARAPHE_ASSIGN_OR_RETURN(
        std::string res,
        api_.Request("POST", "/v1/events", jws, "application/jose"));
    boost::system::error_code ec;
    json::value v = json::parse(res, ec);
    if (ec || !v.is_object())
      return Internal("the server's receipt is not JSON");
    return std::move(v.get_object());
  }

  Result<json::array> Conventions() override {
    PARAPHE_ASSIGN_OR_RETURN(json::value v, GetJson("/v1/conventions"));
    if (const auto* c =
            v.is_object() ? v.get_object().if_contains("conventions") : nullptr;
        c && c->is_array()) {
      return c->get_array();
    }
    return Internal("unexpected answer to /v1/conventions");
  }

  Result<uint64_t> ConventionVersion(const std::string& id) override {
    PARAPHE_ASSIGN_OR_RETURN(json::array list, Conventions());
    for (const auto& c : list) {
      if (!c.is_object()) continue;
      const auto& o = c.get_object();
      const auto* cid = o.if_contains("convention");
      const auto* v = o.if_contains("version");
      if (cid && cid->is_string() && cid->get_string() == id && v &&
          v->is_number()) {
        return v->to_number<uint64_t>();
      }
    }
    return uint64_t{0};
  }

  Result<json::value> State(const std::string& id,
                            const ledger::AsOf& as_of) override {
    std::string path = "/v1/conventions/" + PathSegment(id);
    std::string sep = "?";
    if (as_of.seq) {
      path += sep + "as_of_seq=" + std::to_string(*as_of.seq);
      sep = "&";
    }
    if (as_of.date) path += sep + "as_of_date=" + PathSegment(*as_of.date);
    return GetJson(path);
  }

  Result<json::array> History(const std::string& id) override {
    PARAPHE_ASSIGN_OR_RETURN(
        json::value v,
        GetJson("/v1/conventions/" + PathSegment(id) + "/events"));
    if (const auto* e =
            v.is_object() ? v.get_object().if_contains("events") : nullptr;
        e && e->is_array()) {
      return e->get_array();
    }
    return Internal("unexpected answer to the events request");
  }

  Result<json::object> Payments(const std::string& id) override {
    PARAPHE_ASSIGN_OR_RETURN(
        json::value v,
        GetJson("/v1/conventions/" + PathSegment(id) + "/payments"));
    if (!v.is_object())
      return Internal("unexpected answer to the payments request");
    return std::move(v.get_object());
  }

  Result<std::string> Checkpoint() override {
    return api_.Get("/v1/log/checkpoint");
  }

  Result<std::string> VerifierKey() override {
    PARAPHE_ASSIGN_OR_RETURN(std::string k, api_.Get("/v1/log/verifier-key"));
    while (!k.empty() && (k.back() == '\n' || k.back() == '\r')) k.pop_back();
    return k;
  }

  Result<ledger::OperatorKeys> OperatorKeys() override {
    return api_.OperatorKeys();
  }

  Result<ledger::ProofResult> Inclusion(uint64_t seq,
                                        uint64_t tree_size) override {
    std::string path = "/v1/log/proof/inclusion?seq=" + std::to_string(seq);
    if (tree_size > 0) path += "&tree_size=" + std::to_string(tree_size);
    PARAPHE_ASSIGN_OR_RETURN(json::value v, GetJson(path));
    return ledger::InclusionProofFromJson(v);
  }

  Result<ledger::ProofResult> Consistency(uint64_t from, uint64_t to) override {
    PARAPHE_ASSIGN_OR_RETURN(
        json::value v,
        GetJson("/v1/log/proof/consistency?from=" + std::to_string(from) +
                "&to=" + std::to_string(to)));
    return ledger::ConsistencyProofFromJson(v);
  }

  Status Export(std::ostream& out,
                const ledger::BundleProgress& progress) override {
    PARAPHE_ASSIGN_OR_RETURN(std::string vkey, VerifierKey());
    auto verifier = crypto::NoteVerifier::FromVerifierKey(vkey);
    if (!verifier.ok()) {
      return DataLoss("the server's verifier key is malformed: " +
                      verifier.status().message());
    }
    PARAPHE_ASSIGN_OR_RETURN(std::string note, Checkpoint());
    auto cp = crypto::OpenCheckpoint(*verifier, note);
    if (!cp.ok()) {
      return DataLoss(
          "the latest checkpoint does not open with the server's key: " +
          cp.status().message());
    }
    ledger::Bundle header;
    header.origin = cp->origin;
    header.verifier_key = vkey;
    header.checkpoint = note;
    header.tree_size = cp->size;
    PARAPHE_ASSIGN_OR_RETURN(header.operator_keys, api_.OperatorKeys());
    out << ledger::BundleHeaderLine(header);

    crypto::MerkleFrontier frontier;
    constexpr uint64_t kChunk = 1024;
    for (uint64_t start = 0; start < cp->size; start += kChunk) {
      const uint64_t end = std::min(cp->size, start + kChunk);
      PARAPHE_ASSIGN_OR_RETURN(std::vector<ledger::Record> records,
                               Entries(start, end, end - start));
      if (records.size() != end - start) {
        return DataLoss("expected records [" + std::to_string(start) + ", " +
                        std::to_string(end) + "), got " +
                        std::to_string(records.size()));
      }
      for (const auto& r : records) {
        const std::string leaf = r.LeafBytes();
        frontier.Append(crypto::LeafHash(leaf), nullptr);
        out << ledger::BundleRecordLine(r.seq, r.recorded_at_ms, leaf);
      }
      if (!out) return Unavailable("writing the bundle failed");
      if (progress) progress(end, cp->size);
    }
    if (frontier.Root() != cp->root) {
      return DataLoss(
          "the server's records do not hash to its checkpoint's root");
    }
    return Status::Ok();
  }

 private:
  // Records [start, end), at most limit, through /v1/log/entries pages.
  Result<std::vector<ledger::Record>> Entries(uint64_t start, uint64_t end,
                                              size_t limit) {
    std::vector<ledger::Record> out;
    uint64_t next = start;
    while (next < end && out.size() < limit) {
      PARAPHE_ASSIGN_OR_RETURN(
          json::value v,
          GetJson("/v1/log/entries?start=" + std::to_string(next) +
                  "&end=" + std::to_string(end)));
      const auto* entries =
          v.is_object() ? v.get_object().if_contains("entries") : nullptr;
      if (entries == nullptr || !entries->is_array() ||
          entries->get_array().empty()) {
        break;
      }
      for (const auto& e : entries->get_array()) {
        PARAPHE_ASSIGN_OR_RETURN(ledger::Record r, RecordFromJson(e));
        out.push_back(std::move(r));
        ++next;
      }
    }
    return out;
  }

  // Rebuilds a record from RecordJson; its leaf hash must match.
  static Result<ledger::Record> RecordFromJson(const json::value& v) {
    if (!v.is_object()) return Internal("entry is not an object");
    const auto& o = v.get_object();
    ledger::Record r;
    const auto* seq = o.if_contains("seq");
    const auto* at = o.if_contains("recorded_at");
    const auto* jws = o.if_contains("jws");
    const auto* lh = o.if_contains("leaf_hash");
    if (!seq || !seq->is_number() || !at || !at->is_string() || !jws ||
        !jws->is_string() || !lh || !lh->is_string()) {
      return Internal("entry lacks seq, recorded_at, jws or leaf_hash");
    }
    r.seq = seq->to_number<uint64_t>();
    r.jws = std::string(jws->get_string());
    if (const auto* c = o.if_contains("convention"); c && c->is_string()) {
      r.stream = std::string(c->get_string());
    }
    if (const auto* ver = o.if_contains("version"); ver && ver->is_number()) {
      r.version = ver->to_number<uint64_t>();
    }
    PARAPHE_ASSIGN_OR_RETURN(r.recorded_at_ms,
                             ParseTimestampMs(at->get_string()));
    if (crypto::HashBase64(r.LeafHash()) != lh->get_string()) {
      return DataLoss("entry " + std::to_string(r.seq) +
                      ": its leaf_hash is not the hash of its leaf");
    }
    return r;
  }

  // "2026-11-26T14:53:12.123Z" -> Unix ms (ledger::FormatTimestampMs).
  static Result<int64_t> ParseTimestampMs(std::string_view s) {
    int y, mo, d, h, mi, sec, ms;
    char z = 0;
    if (std::sscanf(std::string(s).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &y,
                    &mo, &d, &h, &mi, &sec, &ms, &z) != 8 ||
        z != 'Z') {
      return Internal("bad recorded_at \"" + std::string(s) + "\"");
    }
    // Days from civil (Howard Hinnant's algorithm).
    y -= mo <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const int64_t days = era * 146097 + doe - 719468;
    return ((days * 24 + h) * 60 + mi) * 60'000 + sec * 1000 + ms;
  }

  ApiClient api_;
};

}  // namespace

Result<std::unique_ptr<Backend>> OpenRemoteBackend(
    const std::string& url, const std::string& token_file) {
  PARAPHE_ASSIGN_OR_RETURN(ApiClient api, ApiClient::Make(url, token_file));
  std::unique_ptr<Backend> b = std::make_unique<RemoteBackend>(std::move(api));
  return b;
}

}  // namespace paraphe::cli
