// The --server backend: a paraphed instance reached through ApiClient
// (tools/paraphe/api_client.h), whose calls return kUnavailable when the
// HTTP client library is not part of the build.
#pragma once

#include <memory>
#include <string>

#include "crypto/status.h"

namespace paraphe::cli {

class Backend;

// kInvalidArgument for a malformed URL, kUnavailable if unreachable.
Result<std::unique_ptr<Backend>> OpenRemoteBackend(
    const std::string& url, const std::string& token_file = {});

}  // namespace paraphe::cli
