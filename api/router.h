// Router: maps (method, path) to a handler. Patterns are literal segments and
// "{name}" captures ("/v1/conventions/{id}/events"). Resolution is a pure
// function of the request, so every routing outcome (404 unknown route, 405
// wrong method with Allow, 400 malformed target or query, 401 missing or
// wrong read token) is testable without sockets.
//
// Handlers come in three kinds:
//   kSync    Response(const Call&): plain function, run on the worker pool.
//   kAsync   void(const Call&, Reply): for appends; must copy what it needs
//            from the call before returning; Reply is called exactly once,
//            from any thread.
//   kStream  Result<uint64_t>(const Call&): validates a subscription and
//            returns its first sequence number; the session then streams.
//
// Thread-safety: build with Add* before serving; Resolve is then const and
// safe from any thread.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.h"
#include "crypto/status.h"

namespace paraphe::api {

struct Call {
  const Request* request = nullptr;  // must outlive the handler call
  std::map<std::string, std::string, std::less<>> path;   // captures, decoded
  std::map<std::string, std::string, std::less<>> query;  // decoded
  // The query parameter `name`, if present.
  std::optional<std::string_view> Query(std::string_view name) const;
};

using Reply = std::function<void(Response)>;
using SyncHandler = std::function<Response(const Call&)>;
using AsyncHandler = std::function<void(const Call&, Reply)>;
using StreamHandler = std::function<Result<uint64_t>(const Call&)>;

enum class RouteKind { kSync, kAsync, kStream };

struct Route {
  http::verb method = http::verb::get;
  std::string pattern;
  RouteKind kind = RouteKind::kSync;
  bool needs_token = true;  // when a read token is configured; GETs only
  SyncHandler sync;
  AsyncHandler async;
  StreamHandler stream;
  // "GET /v1/conventions/{id}": the label used in metrics and logs.
  std::string Name() const;
};

struct Resolved {
  const Route* route = nullptr;  // null when `error` is set
  Call call;
  std::optional<Response> error;
  std::string route_name = "unmatched";
};

class Router {
 public:
  // read_token: when set, routes with needs_token (GET) require
  // "Authorization: Bearer <token>", compared in constant time.
  explicit Router(std::optional<std::string> read_token = std::nullopt);

  void Add(Route route);
  void Get(std::string pattern, SyncHandler handler, bool needs_token = true);

  Resolved Resolve(const Request& request) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::optional<std::string> read_token_;
  std::vector<Route> routes_;
};

// True iff `header` is "Bearer <token>" (scheme case-insensitive), compared
// in constant time with CRYPTO_memcmp.
bool BearerTokenMatches(std::string_view header, std::string_view token);

}  // namespace paraphe::api
