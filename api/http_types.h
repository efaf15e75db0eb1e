// HTTP vocabulary shared by paraphed's router, handlers and sessions: the
// request and response types (Beast string bodies) and small helpers that
// build responses. Pure values and functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>

namespace paraphe::api {

namespace http = boost::beast::http;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

inline constexpr std::string_view kJsonType = "application/json";
inline constexpr std::string_view kProblemType = "application/problem+json";
inline constexpr std::string_view kTextType = "text/plain; charset=utf-8";
inline constexpr std::string_view kJoseType = "application/jose";

// A response with `body` of `content_type`, Content-Length set.
Response MakeResponse(http::status status, std::string_view content_type,
                      std::string body);
// Serializes `value` (compact) with Content-Type application/json.
Response JsonResponse(http::status status, const boost::json::value& value);

// The media type of a Content-Type value, lowercased, without parameters:
// "Application/JOSE; charset=x" -> "application/jose".
std::string MediaType(std::string_view content_type);

}  // namespace paraphe::api
