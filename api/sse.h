// Server-Sent Events framing for GET /v1/subscribe (docs/API.md):
//   id: <seq>\nevent: record\ndata: <RecordJson, one line>\n\n
// plus comment lines (": heartbeat") that keep proxies from timing out.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace paraphe::api {

// One event; `json` must hold no newline (Boost.JSON output never does).
std::string SseEvent(uint64_t seq, std::string_view event,
                     std::string_view json);
std::string SseComment(std::string_view text);
// The response head: 200, text/event-stream, no caching, no length (the
// stream ends when the connection closes).
std::string SseResponseHead(unsigned http_version, uint64_t from_seq);

}  // namespace paraphe::api
