// GET /v1/log/*: checkpoint, entries, proofs, verifier key, operator keys.
#include <algorithm>

#include <boost/json/array.hpp>

#include "api/handlers.h"
#include "ledger/domain/ledger_state.h"
#include "api/params.h"
#include "api/problem.h"
#include "crypto/base64.h"

namespace paraphe::api {

Response HandleCheckpoint(ApiContext& ctx, const Call&) {
  Result<std::string> note = ctx.ledger->Checkpoint();
  if (!note.ok()) return ProblemResponse(note.status());
  return MakeResponse(http::status::ok, kTextType, std::move(*note));
}

Response HandleVerifierKey(ApiContext& ctx, const Call&) {
  return MakeResponse(http::status::ok, kTextType,
                      ctx.ledger->verifier_key() + "\n");
}

Response HandleOperatorKeys(ApiContext& ctx, const Call&) {
  // Informative: a verifier builds the registry from the log itself.
  boost::json::array keys;
  const ledger::LedgerState trust = ctx.ledger->Trust();
  for (const std::string& kid : trust.ActiveKids()) {
    keys.push_back(boost::json::object{
        {"kid", kid},
        {"public_key", trust.operators.at(kid).key.ToBase64Url()}});
  }
  return JsonResponse(http::status::ok, keys);
}

Response HandleEntries(ApiContext& ctx, const Call& call) {
  const uint64_t size = ctx.ledger->size();
  auto start = OptionalUint(call, "start");
  if (!start.ok()) return ProblemResponse(start.status());
  auto end = OptionalUint(call, "end");
  if (!end.ok()) return ProblemResponse(end.status());
  auto limit = OptionalUint(call, "limit");
  if (!limit.ok()) return ProblemResponse(limit.status());

  uint64_t first = start->value_or(0);
  uint64_t last = std::min(end->value_or(size), size);
  if (end->has_value() && **end < first) {
    return ProblemResponse(InvalidArgument(
        "end (" + std::to_string(**end) + ") is before start (" +
        std::to_string(first) + ")"));
  }
  if (first > size) {
    return ProblemResponse(InvalidArgument(
        "start (" + std::to_string(first) + ") is past the log size (" +
        std::to_string(size) + ")"));
  }
  uint64_t page = ctx.max_page;
  if (limit->has_value()) {
    if (**limit == 0 || **limit > ctx.max_page) {
      return ProblemResponse(InvalidArgument(
          "limit: must be between 1 and " + std::to_string(ctx.max_page)));
    }
    page = **limit;
  }
  uint64_t stop = first + std::min<uint64_t>(page, last - first);
  auto records = ctx.ledger->Entries(first, stop, page);
  if (!records.ok()) return ProblemResponse(records.status());

  boost::json::array entries;
  for (const ledger::Record& r : *records) {
    auto json = ctx.ledger->RecordJson(r);
    if (!json.ok()) return ProblemResponse(json.status());
    entries.push_back(std::move(*json));
  }
  uint64_t next = first + records->size();
  boost::json::object o;
  o["start"] = first;
  o["end"] = next;
  o["tree_size"] = size;
  o["entries"] = std::move(entries);
  if (next < last) {
    o["next"] = next;
  } else {
    o["next"] = nullptr;
  }
  return JsonResponse(http::status::ok, o);
}

Response HandleInclusionProof(ApiContext& ctx, const Call& call) {
  const uint64_t size = ctx.ledger->size();
  auto seq = RequiredUint(call, "seq");
  if (!seq.ok()) return ProblemResponse(seq.status());
  auto tree_size = OptionalUint(call, "tree_size");
  if (!tree_size.ok()) return ProblemResponse(tree_size.status());
  uint64_t ts = tree_size->value_or(size);
  if (ts > size) {
    return ProblemResponse(InvalidArgument(
        "tree_size (" + std::to_string(ts) + ") is past the log size (" +
        std::to_string(size) + ")"));
  }
  if (*seq >= size) {
    return ProblemResponse(NotFound("no record with seq " +
                                    std::to_string(*seq) + " (log size " +
                                    std::to_string(size) + ")"));
  }
  if (*seq >= ts) {
    return ProblemResponse(InvalidArgument(
        "seq (" + std::to_string(*seq) + ") must be below tree_size (" +
        std::to_string(ts) + ")"));
  }
  auto proof = ctx.ledger->ProveInclusion(*seq, ts);
  if (!proof.ok()) return ProblemResponse(proof.status());
  return JsonResponse(http::status::ok, ledger::InclusionProofJson(*proof));
}

Response HandleConsistencyProof(ApiContext& ctx, const Call& call) {
  const uint64_t size = ctx.ledger->size();
  auto from = RequiredUint(call, "from");
  if (!from.ok()) return ProblemResponse(from.status());
  auto to = OptionalUint(call, "to");
  if (!to.ok()) return ProblemResponse(to.status());
  uint64_t t = to->value_or(size);
  if (t > size) {
    return ProblemResponse(InvalidArgument(
        "to (" + std::to_string(t) + ") is past the log size (" +
        std::to_string(size) + ")"));
  }
  if (*from > t) {
    return ProblemResponse(InvalidArgument(
        "from (" + std::to_string(*from) + ") is greater than to (" +
        std::to_string(t) + ")"));
  }
  auto proof = ctx.ledger->ProveConsistency(*from, t);
  if (!proof.ok()) return ProblemResponse(proof.status());
  return JsonResponse(http::status::ok, ledger::ConsistencyProofJson(*proof));
}

}  // namespace paraphe::api
