// BuildRouter: the route table of docs/API.md.
#include "api/handlers.h"
#include "api/params.h"

namespace paraphe::api {

Result<uint64_t> SubscribeStart(const Call& call) {
  const Request& req = *call.request;
  auto last = req.find("Last-Event-ID");
  if (last != req.end()) {
    PARAPHE_ASSIGN_OR_RETURN(
        uint64_t seen,
        ParseUint64("Last-Event-ID", std::string_view(last->value().data(),
                                                       last->value().size())));
    if (seen == UINT64_MAX) return InvalidArgument("Last-Event-ID too large");
    return seen + 1;
  }
  PARAPHE_ASSIGN_OR_RETURN(std::optional<uint64_t> from,
                           OptionalUint(call, "from_seq"));
  return from.value_or(0);
}

Router BuildRouter(ApiContext& ctx, std::optional<std::string> read_token) {
  Router router(std::move(read_token));
  auto bind = [&ctx](Response (*fn)(ApiContext&, const Call&)) {
    return [&ctx, fn](const Call& call) { return fn(ctx, call); };
  };

  Route submit;
  submit.method = http::verb::post;
  submit.pattern = "/v1/events";
  submit.kind = RouteKind::kAsync;
  submit.needs_token = false;  // the signature authenticates
  submit.async = [&ctx](const Call& call, Reply reply) {
    HandleSubmit(ctx, call, std::move(reply));
  };
  router.Add(std::move(submit));

  router.Get("/v1/conventions", bind(HandleListConventions));
  router.Get("/v1/conventions/{id}", bind(HandleConventionState));
  router.Get("/v1/conventions/{id}/events", bind(HandleConventionEvents));
  router.Get("/v1/conventions/{id}/payments", bind(HandleConventionPayments));

  router.Get("/v1/log/checkpoint", bind(HandleCheckpoint));
  router.Get("/v1/log/entries", bind(HandleEntries));
  router.Get("/v1/log/proof/inclusion", bind(HandleInclusionProof));
  router.Get("/v1/log/proof/consistency", bind(HandleConsistencyProof));
  router.Get("/v1/log/verifier-key", bind(HandleVerifierKey));
  router.Get("/v1/log/operator-keys", bind(HandleOperatorKeys));

  Route subscribe;
  subscribe.method = http::verb::get;
  subscribe.pattern = "/v1/subscribe";
  subscribe.kind = RouteKind::kStream;
  subscribe.stream = SubscribeStart;
  router.Add(std::move(subscribe));

  router.Get("/healthz", bind(HandleHealthz), /*needs_token=*/false);
  router.Get("/readyz", bind(HandleReadyz));
  router.Get("/metrics", bind(HandleMetrics));
  router.Get("/v1/openapi.json", bind(HandleOpenApi));
  return router;
}

}  // namespace paraphe::api
