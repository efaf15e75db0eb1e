// RFC 9457 problem details: how paraphed reports every error.
//
//   {"type","title","status","detail","rule"?,"current_version"?}
//   Content-Type: application/problem+json
//
// Status codes map one to one onto HTTP (docs/API.md): kInvalidArgument 400,
// kUnauthenticated 401, kPermissionDenied 403, kNotFound 404, kConflict 409,
// kResourceExhausted 413, kRuleViolation 422, kUnavailable 503 (with
// Retry-After), kDataLoss and kInternal 500.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_types.h"
#include "crypto/status.h"

namespace paraphe::api {

// Seconds a client should wait after a 503.
inline constexpr int kRetryAfterSeconds = 1;

http::status HttpStatusFor(StatusCode code);

// The problem response for a non-OK status. kConflict carries
// "current_version" when the message names it; kRuleViolation carries
// "rule" (and so does any status with a rule id).
Response ProblemResponse(const Status& status);

// A problem raised by the HTTP layer itself (unknown route, wrong method,
// media type, size limits): `slug` names the type
// ("urn:paraphe:problem:<slug>").
Response ProblemResponse(http::status http_status, std::string_view slug,
                         std::string detail);

// Finds the current stream version named in a kConflict message
// ("... current version 7 ..." or "current_version=7"), if any.
std::optional<uint64_t> CurrentVersionFromMessage(std::string_view message);

}  // namespace paraphe::api
