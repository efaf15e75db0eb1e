// ApiClient: the paraphed HTTP API (docs/API.md) as the CLI's --server
// modes see it: requests against a base URL, non-2xx answers turned back
// into the ledger's Status (from their problem+json), JSON bodies parsed.
// Shared by the --server Backend and the verifier's server source. Built
// over api/http_client.h; without the client library every call returns
// kUnavailable.
//
// Thread-safety: const methods, safe from several threads (each request has
// its own connection).
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "crypto/status.h"
#include "ledger/domain/rules.h"

namespace paraphe::cli {

class ApiClient {
 public:
  // kInvalidArgument unless `url` is http://... or https://...; trailing
  // slashes are dropped. With `token_file`, every request carries
  // "Authorization: Bearer <token>" (for a server started with
  // --read-token-file); the file's errors are api::LoadBearerToken's.
  static Result<ApiClient> Make(const std::string& url,
                                const std::string& token_file = {});

  const std::string& base() const { return base_; }

  // The body of a 2xx answer. kUnavailable "cannot reach ..." when the
  // server cannot be reached; otherwise the Status of the problem answer.
  Result<std::string> Request(std::string_view method, const std::string& path,
                              std::string_view body = {},
                              std::string_view content_type = {}) const;
  Result<std::string> Get(const std::string& path) const {
    return Request("GET", path);
  }
  // kInternal if the answer is not JSON.
  Result<boost::json::value> GetJson(const std::string& path) const;

  // GET /v1/log/operator-keys, by kid. kDataLoss for a key that is not an
  // Ed25519 key or whose kid is not its thumbprint.


 private:
  ApiClient(std::string base, std::string token)
      : base_(std::move(base)), token_(std::move(token)) {}
  std::string base_;
  std::string token_;  // empty: no Authorization header
};

// A query or path segment, percent-encoded (RFC 3986 unreserved kept).
std::string PathSegment(std::string_view s);

}  // namespace paraphe::cli
