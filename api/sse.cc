#include "api/sse.h"

namespace paraphe::api {

std::string SseEvent(uint64_t seq, std::string_view event,
                     std::string_view json) {
  std::string out;
  out.reserve(json.size() + 48);
  out += "id: ";
  out += std::to_string(seq);
  out += "\nevent: ";
  out += event;
  out += "\ndata: ";
  out += json;
  out += "\n\n";
  return out;
}

std::string SseComment(std::string_view text) {
  std::string out = ": ";
  out += text;
  out += "\n\n";
  return out;
}

std::string SseResponseHead(unsigned http_version, uint64_t from_seq) {
  std::string out = http_version == 10 ? "HTTP/1.0" : "HTTP/1.1";
  out +=
      " 200 OK\r\n"
      "Server: paraphed\r\n"
      "Content-Type: text/event-stream; charset=utf-8\r\n"
      "Cache-Control: no-store\r\n"
      "X-Accel-Buffering: no\r\n"
      "Connection: close\r\n"
      "\r\n"
      "retry: 1000\n";
  out += SseComment("paraphe subscription from seq " +
                    std::to_string(from_seq));
  return out;
}

}  // namespace paraphe::api
