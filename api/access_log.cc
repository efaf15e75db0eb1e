#include "api/access_log.h"

#include <chrono>
#include <string>

#include <boost/json/string.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "ledger/record.h"

namespace paraphe::api {

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
      str(line.target.substr(0, 512)), str(line.route), line.status,
      line.ms);
  if (!line.remote.empty()) text += ",\"remote\":" + str(line.remote);
  text += "}\n";
  std::lock_guard lock(mu_);
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
}

}  // namespace paraphe::api
