#include "api/router.h"

#include <openssl/crypto.h>

#include <boost/url/parse.hpp>

#include "api/problem.h"
#include "crypto/sha256.h"

namespace paraphe::api {
namespace {

std::vector<std::string_view> SplitPattern(std::string_view pattern) {
  std::vector<std::string_view> out;
  if (!pattern.empty() && pattern.front() == '/') pattern.remove_prefix(1);
  while (true) {
    size_t slash = pattern.find('/');
    out.push_back(pattern.substr(0, slash));
    if (slash == std::string_view::npos) break;
    pattern.remove_prefix(slash + 1);
  }
  return out;
}

bool IsCapture(std::string_view seg) {
  return seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
}

// Matches decoded segments against a pattern; fills captures on success.
bool Match(std::string_view pattern, const std::vector<std::string>& segs,
           std::map<std::string, std::string, std::less<>>* captures) {
  std::vector<std::string_view> pat = SplitPattern(pattern);
  if (pat.size() != segs.size()) return false;
  std::map<std::string, std::string, std::less<>> out;
  for (size_t i = 0; i < pat.size(); ++i) {
    if (IsCapture(pat[i])) {
      if (segs[i].empty()) return false;
      out.emplace(std::string(pat[i].substr(1, pat[i].size() - 2)), segs[i]);
    } else if (pat[i] != segs[i]) {
      return false;
    }
  }
  *captures = std::move(out);
  return true;
}

}  // namespace

std::optional<std::string_view> Call::Query(std::string_view name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::string Route::Name() const {
  return std::string(http::to_string(method)) + " " + pattern;
}

Router::Router(std::optional<std::string> read_token)
    : read_token_(std::move(read_token)) {}

void Router::Add(Route route) { routes_.push_back(std::move(route)); }

void Router::Get(std::string pattern, SyncHandler handler, bool needs_token) {
  Route r;
  r.method = http::verb::get;
  r.pattern = std::move(pattern);
  r.kind = RouteKind::kSync;
  r.needs_token = needs_token;
  r.sync = std::move(handler);
  Add(std::move(r));
}

Resolved Router::Resolve(const Request& request) const {
  Resolved out;
  out.call.request = &request;
  auto target = boost::urls::parse_origin_form(
      std::string_view(request.target().data(), request.target().size()));
  if (!target) {
    out.error = ProblemResponse(http::status::bad_request, "bad_target",
                                "the request target is not a valid path");
    return out;
  }
  std::vector<std::string> segs;
  for (auto seg : target->segments()) segs.push_back(std::string(seg));
  if (segs.empty()) segs.push_back("");

  const Route* found = nullptr;
  std::string allow;
  for (const Route& r : routes_) {
    std::map<std::string, std::string, std::less<>> captures;
    if (!Match(r.pattern, segs, &captures)) continue;
    if (r.method == request.method()) {
      found = &r;
      out.call.path = std::move(captures);
      break;
    }
    if (!allow.empty()) allow += ", ";
    allow += std::string(http::to_string(r.method));
  }
  if (found == nullptr) {
    if (allow.empty()) {
      out.error = ProblemResponse(http::status::not_found, "no_route",
                                  "no such endpoint: " +
                                      std::string(target->encoded_path()));
    } else {
      out.error = ProblemResponse(
          http::status::method_not_allowed, "method_not_allowed",
          "method " + std::string(request.method_string()) +
              " is not allowed here; allowed: " + allow);
      out.error->set(http::field::allow, allow);
    }
    return out;
  }
  out.route_name = found->Name();

  if (read_token_ && found->needs_token && found->method == http::verb::get) {
    auto it = request.find(http::field::authorization);
    std::string_view header;
    if (it != request.end()) {
      header = std::string_view(it->value().data(), it->value().size());
    }
    if (!BearerTokenMatches(header, *read_token_)) {
      out.error = ProblemResponse(http::status::unauthorized, "read_token",
                                  "this endpoint needs Authorization: Bearer "
                                  "<read token>");
      out.error->set(http::field::www_authenticate, "Bearer");
      return out;
    }
  }

  for (auto param : target->params()) {
    std::string key(param.key);
    if (out.call.query.count(key) != 0) {
      out.error = ProblemResponse(http::status::bad_request, "bad_parameter",
                                  "query parameter '" + key +
                                      "' is given more than once");
      return out;
    }
    out.call.query.emplace(std::move(key),
                           param.has_value ? std::string(param.value) : "");
  }
  out.route = found;
  return out;
}

bool BearerTokenMatches(std::string_view header, std::string_view token) {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() < kScheme.size() || token.empty()) return false;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    char c = header[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kScheme[i]) return false;
  }
  std::string_view given = header.substr(kScheme.size());
  while (!given.empty() && given.front() == ' ') given.remove_prefix(1);
  while (!given.empty() && given.back() == ' ') given.remove_suffix(1);
  // Compare the SHA-256 digests in constant time: the time taken depends
  // neither on where the bytes differ nor on the given token's length.
  crypto::Hash a = crypto::Sha256(given), b = crypto::Sha256(token);
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace paraphe::api
