// GET /v1/conventions[/{id}[/events|/payments]].
#include <boost/json/array.hpp>

#include "api/handlers.h"
#include "api/params.h"
#include "api/problem.h"

namespace paraphe::api {
namespace {

const std::string& ConventionId(const Call& call) {
  return call.path.find("id")->second;  // the route guarantees {id}
}

}  // namespace

Response HandleListConventions(ApiContext& ctx, const Call&) {
  boost::json::object o;
  o["conventions"] = ctx.ledger->ListConventions();
  o["log_size"] = ctx.ledger->size();
  return JsonResponse(http::status::ok, o);
}

Response HandleConventionState(ApiContext& ctx, const Call& call) {
  ledger::AsOf as_of;
  auto seq = OptionalUint(call, "as_of_seq");
  if (!seq.ok()) return ProblemResponse(seq.status());
  auto date = OptionalDate(call, "as_of_date");
  if (!date.ok()) return ProblemResponse(date.status());
  as_of.seq = *seq;
  as_of.date = *date;
  auto state = ctx.ledger->StateJson(ConventionId(call), as_of);
  if (!state.ok()) return ProblemResponse(state.status());
  return JsonResponse(http::status::ok, *state);
}

Response HandleConventionEvents(ApiContext& ctx, const Call& call) {
  const std::string& id = ConventionId(call);
  auto history = ctx.ledger->History(id);
  if (!history.ok()) return ProblemResponse(history.status());
  boost::json::array events;
  for (const ledger::Record& r : *history) {
    auto json = ctx.ledger->RecordJson(r);
    if (!json.ok()) return ProblemResponse(json.status());
    events.push_back(std::move(*json));
  }
  boost::json::object o;
  o["convention"] = id;
  o["events"] = std::move(events);
  return JsonResponse(http::status::ok, o);
}

Response HandleConventionPayments(ApiContext& ctx, const Call& call) {
  auto payments = ctx.ledger->PaymentsJson(ConventionId(call));
  if (!payments.ok()) return ProblemResponse(payments.status());
  return JsonResponse(http::status::ok, *payments);
}

}  // namespace paraphe::api
