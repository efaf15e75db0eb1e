// POST /v1/events: hands the JWS to the Ledger from the worker pool (so the
// signature is verified there, never on an io thread) and answers once the
// single writer has made the append durable.
#include <memory>

#include "api/handlers.h"
#include "api/problem.h"
#include "crypto/sha256.h"
#include "ledger/record.h"

namespace paraphe::api {
namespace {

void RunOnWorker(ApiContext& ctx, std::function<void()> task) {
  if (ctx.run_on_worker) {
    ctx.run_on_worker(std::move(task));
  } else {
    task();
  }
}

// JWS compact serializations hold no whitespace: a trailing newline from
// `curl --data-binary @file` is not part of the event.
std::string TrimTrailingSpace(std::string body) {
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r' ||
                           body.back() == ' ' || body.back() == '\t')) {
    body.pop_back();
  }
  return body;
}

}  // namespace

void HandleSubmit(ApiContext& ctx, const Call& call, Reply reply) {
  const Request& req = *call.request;
  auto ct = req.find(http::field::content_type);
  std::string media =
      ct == req.end()
          ? std::string()
          : MediaType(std::string_view(ct->value().data(), ct->value().size()));
  if (media != kJoseType) {
    reply(ProblemResponse(
        http::status::unsupported_media_type, "unsupported_media_type",
        "POST /v1/events takes a JWS compact serialization with "
        "Content-Type: application/jose" +
            (media.empty() ? std::string() : ", not " + media)));
    return;
  }
  if (!ctx.accepting.load()) {
    reply(ProblemResponse(Unavailable("the server is shutting down")));
    return;
  }
  ctx.appends_in_flight.fetch_add(1);
  std::string jws = TrimTrailingSpace(req.body());
  // Shared so that exactly one completion path answers and decrements.
  auto finish = std::make_shared<Reply>(
      [&ctx, reply = std::move(reply)](Response res) {
        reply(std::move(res));
        ctx.appends_in_flight.fetch_sub(1);
      });
  RunOnWorker(ctx, [&ctx, jws = std::move(jws), finish]() mutable {
    ctx.ledger->SubmitAsync(
        std::move(jws), [&ctx, finish](Result<ledger::Receipt> result) {
          if (!result.ok()) {
            ctx.metrics->CountRejection(result.status());
            (*finish)(ProblemResponse(result.status()));
            return;
          }
          // Building the proof reads RocksDB: not on the writer thread.
          RunOnWorker(ctx, [&ctx, finish,
                            receipt = std::move(*result)]() {
            auto json = ctx.ledger->ReceiptJson(receipt);
            if (!json.ok()) {
              (*finish)(ProblemResponse(json.status()));
              return;
            }
            ctx.metrics->CountAppend(receipt.duplicate);
            http::status code = receipt.duplicate ? http::status::ok
                                                  : http::status::created;
            Response res = JsonResponse(code, *json);
            res.set(http::field::location,
                    "/v1/log/entries?start=" + std::to_string(receipt.seq) +
                        "&end=" + std::to_string(receipt.seq + 1));
            (*finish)(std::move(res));
          });
        });
  });
}

}  // namespace paraphe::api
