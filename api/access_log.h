// AccessLog: one structured JSON line per request on stderr:
//   {"time":"2026-11-26T14:53:12.123Z","method":"POST","target":"/v1/events",
//    "route":"POST /v1/events","status":201,"ms":3.2,"remote":"127.0.0.1"}
// Never logs bodies, headers, tokens or keys: the target is logged through
// RedactTarget.
// Thread-safety: Write may be called from any thread; lines never interleave.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace paraphe::api {

struct AccessLogLine {
  std::string_view method;
  std::string_view target;
  std::string_view route;
  unsigned status = 0;
  double ms = 0;
  std::string_view remote;
};

// The request target as logged: printable ASCII only (other bytes as %XX),
// at most 512 bytes, and the value of every query parameter that is not one
// of the API's own (docs/API.md) replaced by "REDACTED", so that a secret a
// client puts in the URL (?token=...) never reaches the log.
std::string RedactTarget(std::string_view target);

class AccessLog {
 public:
  // `out` must outlive the log; null disables logging.
  explicit AccessLog(std::FILE* out = stderr) : out_(out) {}
  void Write(const AccessLogLine& line);

 private:
  std::FILE* out_;
  std::mutex mu_;
};

}  // namespace paraphe::api
