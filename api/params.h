// Query parameter parsing for paraphed's handlers. Every malformed value is
// kInvalidArgument naming the parameter, so the client gets a 400 that says
// what to fix ("seq: expected a non-negative decimal integer, got 'abc'").
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/router.h"
#include "crypto/status.h"

namespace paraphe::api {

// Strict decimal: digits only, no sign, no spaces, at most UINT64_MAX.
Result<uint64_t> ParseUint64(std::string_view name, std::string_view text);

Result<std::optional<uint64_t>> OptionalUint(const Call& call,
                                             std::string_view name);
Result<uint64_t> RequiredUint(const Call& call, std::string_view name);

// A calendar date "YYYY-MM-DD" that exists (2025-02-29 is refused).
Result<std::optional<std::string>> OptionalDate(const Call& call,
                                                std::string_view name);

}  // namespace paraphe::api
