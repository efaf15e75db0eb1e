// The --server backend: a paraphed instance reached with the HTTP client
// library (api/http_client.h). Built as a stub returning kUnavailable when
// the client library is not part of the build.
#pragma once

#include <memory>
#include <string>

#include "crypto/status.h"

namespace paraphe::cli {

class Backend;

// kInvalidArgument for a malformed URL, kUnavailable if unreachable.
Result<std::unique_ptr<Backend>> OpenRemoteBackend(const std::string& url);

}  // namespace paraphe::cli
