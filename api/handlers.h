// The endpoints of paraphed (docs/API.md): plain functions from a routed
// call to a response, over the Ledger facade. No domain logic here: each
// handler parses parameters, calls one Ledger method and renders its result
// or its Status as problem+json.
//
// Thread-safety: handlers may run concurrently on the worker pool; ApiContext
// members are thread-safe (the Ledger is, Metrics is).
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "api/http_types.h"
#include "api/metrics.h"
#include "api/router.h"
#include "ledger/ledger.h"

namespace paraphe::api {

struct ApiContext {
  ledger::Ledger* ledger = nullptr;  // must outlive the router
  Metrics* metrics = nullptr;        // must outlive the router
  // Runs a task off the io threads (the worker pool); inline when unset.
  std::function<void(std::function<void()>)> run_on_worker;
  // False while the server drains: /readyz is 503, appends are refused.
  std::atomic<bool> accepting{true};
  // Appends submitted and not yet answered (graceful shutdown waits on it).
  std::atomic<int64_t> appends_in_flight{0};
  // Entries per page of GET /v1/log/entries.
  size_t max_page = 1000;
};

// Every route of docs/API.md. `ctx` must outlive the router.
Router BuildRouter(ApiContext& ctx, std::optional<std::string> read_token);

// --- /v1/events ---
void HandleSubmit(ApiContext& ctx, const Call& call, Reply reply);

// --- /v1/conventions ---
Response HandleListConventions(ApiContext& ctx, const Call& call);
Response HandleConventionState(ApiContext& ctx, const Call& call);
Response HandleConventionEvents(ApiContext& ctx, const Call& call);
Response HandleConventionPayments(ApiContext& ctx, const Call& call);

// --- /v1/log ---
Response HandleCheckpoint(ApiContext& ctx, const Call& call);
Response HandleEntries(ApiContext& ctx, const Call& call);
Response HandleInclusionProof(ApiContext& ctx, const Call& call);
Response HandleConsistencyProof(ApiContext& ctx, const Call& call);
Response HandleVerifierKey(ApiContext& ctx, const Call& call);
// [{"kid","public_key"}]: the operator keys, kid order, base64url raw key.
Response HandleOperatorKeys(ApiContext& ctx, const Call& call);

// --- /v1/subscribe: the first sequence number to stream ---
// Last-Event-ID (the last seq the client saw) wins over ?from_seq=.
Result<uint64_t> SubscribeStart(const Call& call);

// --- operations ---
Response HandleHealthz(ApiContext& ctx, const Call& call);
Response HandleReadyz(ApiContext& ctx, const Call& call);
Response HandleMetrics(ApiContext& ctx, const Call& call);
Response HandleOpenApi(ApiContext& ctx, const Call& call);

}  // namespace paraphe::api
