#include "api/access_log.h"

#include <fmt/format.h>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <chrono>
#include <string>

#include "ledger/record.h"

namespace paraphe::api {
namespace {

// The query parameters of docs/API.md: their values are logged.
bool IsApiParameter(std::string_view name) {
  for (std::string_view known :
       {"seq", "tree_size", "from", "to", "start", "end", "limit", "as_of_seq",
        "as_of_date", "from_seq"}) {
    if (name == known) return true;
  }
  return false;
}

void AppendPrintable(std::string& out, std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (c > 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
}

}  // namespace

std::string RedactTarget(std::string_view target) {
  constexpr size_t kMaxLogged = 512;
  target = target.substr(0, kMaxLogged);
  std::string out;
  size_t q = target.find('?');
  AppendPrintable(out, target.substr(0, q));
  if (q == std::string_view::npos) return out;
  out += '?';
  std::string_view query = target.substr(q + 1);
  bool first = true;
  while (true) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    if (!first) out += '&';
    first = false;
    AppendPrintable(out, name);
    if (eq != std::string_view::npos) {
      out += '=';
      if (IsApiParameter(name)) {
        AppendPrintable(out, pair.substr(eq + 1));
      } else {
        out += "REDACTED";
      }
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

void AccessLog::Write(const AccessLogLine& line) {
  if (out_ == nullptr) return;
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  auto str = [](std::string_view v) {  // a JSON string literal
    return boost::json::serialize(boost::json::string(v));
  };
  // Bound what a hostile client can make us write.
  std::string text = fmt::format(
      "{{\"time\":{},\"method\":{},\"target\":{},\"route\":{},"
      "\"status\":{},\"ms\":{:.3f}",
      str(ledger::FormatTimestampMs(now_ms)), str(line.method),
      str(RedactTarget(line.target)), str(line.route), line.status, line.ms);
  if (!line.remote.empty()) text += ",\"remote\":" + str(line.remote);
  text += "}\n";
  std::lock_guard lock(mu_);
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
}

}  // namespace paraphe::api
