#include "api/problem.h"

#include <algorithm>
#include <boost/json/object.hpp>
#include <cctype>

namespace paraphe::api {
namespace {

constexpr std::string_view kTypePrefix = "urn:paraphe:problem:";
constexpr size_t kMaxDetailBytes = 1024;

// Length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF), or 0.
size_t Utf8SequenceLength(std::string_view s) {
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  auto cont = [&](size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  unsigned char c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

// A detail may quote what the client sent: keep the JSON body valid UTF-8
// (each invalid byte becomes U+FFFD) and bounded.
std::string SafeDetail(std::string_view detail) {
  std::string out;
  out.reserve(std::min(detail.size(), kMaxDetailBytes) + 3);
  while (!detail.empty() && out.size() < kMaxDetailBytes) {
    size_t n = Utf8SequenceLength(detail);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      n = 1;
    } else {
      out.append(detail.substr(0, n));
    }
    detail.remove_prefix(n);
  }
  if (!detail.empty()) out += "...";
  return out;
}

Response Build(http::status http_status, std::string_view slug,
               std::string detail, const boost::json::object& extra) {
  boost::json::object o;
  o["type"] = std::string(kTypePrefix) + std::string(slug);
  o["title"] = std::string(http::obsolete_reason(http_status));
  o["status"] = static_cast<int>(http_status);
  o["detail"] = SafeDetail(detail);
  for (const auto& kv : extra) o[kv.key()] = kv.value();
  Response res = JsonResponse(http_status, o);
  res.set(http::field::content_type, kProblemType);
  if (http_status == http::status::service_unavailable) {
    res.set(http::field::retry_after, std::to_string(kRetryAfterSeconds));
  }
  return res;
}

}  // namespace

http::status HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return http::status::ok;
    case StatusCode::kInvalidArgument:
      return http::status::bad_request;
    case StatusCode::kUnauthenticated:
      return http::status::unauthorized;
    case StatusCode::kPermissionDenied:
      return http::status::forbidden;
    case StatusCode::kNotFound:
      return http::status::not_found;
    case StatusCode::kConflict:
      return http::status::conflict;
    case StatusCode::kResourceExhausted:
      return http::status::payload_too_large;
    case StatusCode::kRuleViolation:
      return http::status::unprocessable_entity;
    case StatusCode::kUnavailable:
      return http::status::service_unavailable;
    case StatusCode::kDataLoss:
      return http::status::internal_server_error;
    case StatusCode::kInternal:
      return http::status::internal_server_error;
  }
  return http::status::internal_server_error;
}

Response ProblemResponse(const Status& status) {
  boost::json::object extra;
  if (!status.rule().empty()) extra["rule"] = status.rule();
  if (status.code() == StatusCode::kConflict) {
    if (auto v = CurrentVersionFromMessage(status.message())) {
      extra["current_version"] = *v;
    }
  }
  return Build(HttpStatusFor(status.code()), StatusCodeName(status.code()),
               status.message(), extra);
}

Response ProblemResponse(http::status http_status, std::string_view slug,
                         std::string detail) {
  return Build(http_status, slug, std::move(detail), {});
}

std::optional<uint64_t> CurrentVersionFromMessage(std::string_view message) {
  std::string lower(message);
  for (char& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  for (std::string_view key : {"current version", "current_version",
                               "current stream version", "version is"}) {
    size_t pos = lower.find(key);
    if (pos == std::string::npos) continue;
    pos += key.size();
    while (pos < lower.size() &&
           !std::isdigit(static_cast<unsigned char>(lower[pos])) &&
           pos - (lower.find(key) + key.size()) < 4) {
      ++pos;  // skip " ", "=", ": ", " is "
    }
    uint64_t v = 0;
    size_t digits = 0;
    while (pos < lower.size() && digits < 19 &&
           std::isdigit(static_cast<unsigned char>(lower[pos]))) {
      v = v * 10 + static_cast<uint64_t>(lower[pos] - '0');
      ++pos;
      ++digits;
    }
    if (digits > 0) return v;
  }
  return std::nullopt;
}

}  // namespace paraphe::api
