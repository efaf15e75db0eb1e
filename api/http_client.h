// A small synchronous HTTP/1.1 client for paraphed: one request per
// connection, plain TCP or TLS, with an overall deadline. Used by the
// `paraphe` CLI's --server mode and by the tests.
//
//   auto res = HttpGet("http://127.0.0.1:8080/v1/log/checkpoint");
//   auto res = HttpPost(url + "/v1/events", jws,
//                       {{"Content-Type", "application/jose"}});
//
// Errors: kInvalidArgument for a bad URL; kUnavailable when the server
// cannot be reached, the TLS handshake fails or the deadline passes. Any
// HTTP status, 4xx and 5xx included, is a successful result.
//
// Thread-safety: free functions, each with its own io_context; safe to call
// from several threads at once.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/status.h"

namespace paraphe::api {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;
  // The first header named `name` (case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

struct HttpClientOptions {
  std::chrono::milliseconds timeout{10000};  // connect to last byte
  // TLS: verify the server certificate against this CA file (PEM), or the
  // system store when empty; `insecure` skips verification (tests only).
  std::string ca_file;
  bool insecure = false;
  size_t max_body = 64 * 1024 * 1024;
};

// method: "GET", "POST", ... url: "http[s]://host:port/path?query".
Result<HttpResponse> HttpRequest(std::string_view method, std::string_view url,
                                 std::string_view body,
                                 const HttpHeaders& headers = {},
                                 const HttpClientOptions& options = {});

inline Result<HttpResponse> HttpGet(std::string_view url,
                                    const HttpHeaders& headers = {},
                                    const HttpClientOptions& options = {}) {
  return HttpRequest("GET", url, {}, headers, options);
}

inline Result<HttpResponse> HttpPost(std::string_view url,
                                     std::string_view body,
                                     const HttpHeaders& headers = {},
                                     const HttpClientOptions& options = {}) {
  return HttpRequest("POST", url, body, headers, options);
}

// Reads a bearer-token file (paraphed --read-token-file, paraphe
// --token-file): the token is the first line without surrounding
// whitespace. kNotFound if unreadable, kPermissionDenied if group or others
// have any access to the file (a token is a secret, like a private key),
// kInvalidArgument if empty.
Result<std::string> LoadBearerToken(const std::filesystem::path& path);

}  // namespace paraphe::api
