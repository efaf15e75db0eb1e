// Operations endpoints: /healthz, /readyz, /metrics, /v1/openapi.json.
#include "api/handlers.h"
#include "api/openapi_data.h"
#include "api/problem.h"

namespace paraphe::api {

Response HandleHealthz(ApiContext&, const Call&) {
  boost::json::object o;
  o["status"] = "ok";
  return JsonResponse(http::status::ok, o);
}

Response HandleReadyz(ApiContext& ctx, const Call&) {
  if (!ctx.accepting.load()) {
    return ProblemResponse(Unavailable("the server is shutting down"));
  }
  boost::json::object o;
  o["status"] = "ready";
  o["log_size"] = ctx.ledger->size();
  o["queue_depth"] = ctx.ledger->queue_depth();
  return JsonResponse(http::status::ok, o);
}

Response HandleMetrics(ApiContext& ctx, const Call&) {
  return MakeResponse(http::status::ok, "text/plain; version=0.0.4",
                      ctx.metrics->Render(ctx.ledger));
}

Response HandleOpenApi(ApiContext&, const Call&) {
  return MakeResponse(http::status::ok, kJsonType, std::string(OpenApiJson()));
}

}  // namespace paraphe::api
