#include "tools/paraphe/api_client.h"

#include <boost/json.hpp>
#include <cctype>

#include "crypto/base64.h"
#include "crypto/ed25519.h"

#ifdef PARAPHE_HAVE_HTTP_CLIENT
#include "api/http_client.h"
#endif

namespace paraphe::cli {
namespace json = boost::json;

std::string PathSegment(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

namespace {

[[maybe_unused]] StatusCode CodeForHttp(int http) {
  switch (http) {
    case 400:
      return StatusCode::kInvalidArgument;
    case 401:
      return StatusCode::kUnauthenticated;
    case 403:
      return StatusCode::kPermissionDenied;
    case 404:
      return StatusCode::kNotFound;
    case 409:
      return StatusCode::kConflict;
    case 413:
      return StatusCode::kResourceExhausted;
    case 422:
      return StatusCode::kRuleViolation;
    case 503:
      return StatusCode::kUnavailable;
    default:
      return StatusCode::kInternal;
  }
}

// The Status a problem+json response (RFC 9457, api/problem.h) carries.
[[maybe_unused]] Status ProblemStatus(int http, const std::string& body) {
  StatusCode code = CodeForHttp(http);
  std::string message = "HTTP " + std::to_string(http);
  std::string rule;
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (!ec && v.is_object()) {
    const auto& o = v.get_object();
    if (const auto* d = o.if_contains("detail"); d && d->is_string()) {
      message = std::string(d->get_string());
    }
    if (const auto* r = o.if_contains("rule"); r && r->is_string()) {
      rule = std::string(r->get_string());
    }
    if (const auto* t = o.if_contains("type"); t && t->is_string()) {
      std::string_view type = t->get_string();
      constexpr std::string_view kPrefix = "urn:paraphe:problem:";
      if (type.substr(0, kPrefix.size()) == kPrefix) {
        type.remove_prefix(kPrefix.size());
        if (type == "read_token") {
          message += " (the server was started with --read-token-file: pass "
                     "--token-file FILE)";
        }
        for (int c = 1; c <= static_cast<int>(StatusCode::kInternal); ++c) {
          if (StatusCodeName(static_cast<StatusCode>(c)) == type) {
            code = static_cast<StatusCode>(c);
          }
        }
      }
    }
  }
  return Status(code, message, rule);
}

}  // namespace

Result<ApiClient> ApiClient::Make(const std::string& url,
                                  const std::string& token_file) {
  std::string base = url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.rfind("http://", 0) != 0 && base.rfind("https://", 0) != 0) {
    return InvalidArgument(
        "--server: expected http://HOST:PORT or https://..., got \"" + url +
        "\"");
  }
  std::string token;
  if (!token_file.empty()) {
#ifdef PARAPHE_HAVE_HTTP_CLIENT
    auto loaded = api::LoadBearerToken(token_file);
    if (!loaded.ok()) return loaded.status().WithContext("--token-file");
    token = std::move(*loaded);
#else
    return Unavailable("--token-file: this paraphe was built without the "
                       "HTTP client (api/http_client.h)");
#endif
  }
  return ApiClient(std::move(base), std::move(token));
}

Result<std::string> ApiClient::Request(std::string_view method,
                                       const std::string& path,
                                       std::string_view body,
                                       std::string_view content_type) const {
#ifdef PARAPHE_HAVE_HTTP_CLIENT
  api::HttpHeaders headers;
  if (!content_type.empty()) {
    headers.emplace_back("Content-Type", std::string(content_type));
  }
  if (!token_.empty()) headers.emplace_back("Authorization", "Bearer " + token_);
  auto res = api::HttpRequest(method, base_ + path, body, headers);
  if (!res.ok()) {
    if (res.status().code() == StatusCode::kUnavailable) {
      return Unavailable("cannot reach " + base_ + ": " +
                         res.status().message());
    }
    return res.status();
  }
  if (res->status < 200 || res->status >= 300) {
    return ProblemStatus(res->status, res->body);
  }
  return std::move(res->body);
#else
  (void)method, (void)path, (void)body, (void)content_type;
  return Unavailable("cannot reach " + base_ +
                     ": this paraphe was built without the HTTP client "
                     "(api/http_client.h); use --data DIR");
#endif
}

Result<json::value> ApiClient::GetJson(const std::string& path) const {
  PARAPHE_ASSIGN_OR_RETURN(std::string body, Get(path));
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return Internal("the server's answer to " + path + " is not JSON");
  return v;
}

}  // namespace paraphe::cli
