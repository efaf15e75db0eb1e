#include "api/access_log.h"

#include <chrono>
#include <cmath>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "ledger/record.h"

namespace paraphe::api {

void AccessLog::Write(const AccessLogLine& line) {
  if (out_ == nullptr) return;
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  boost::json::object o;
  o["time"] = ledger::FormatTimestampMs(now_ms);
  o["method"] = line.method;
  // Bound what a hostile client can make us write.
  o["target"] = line.target.substr(0, 512);
  o["route"] = line.route;
  o["status"] = line.status;
  o["ms"] = std::round(line.ms * 1000.0) / 1000.0;
  if (!line.remote.empty()) o["remote"] = line.remote;
  std::string text = boost::json::serialize(o);
  text.push_back('\n');
  std::lock_guard lock(mu_);
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
}

}  // namespace paraphe::api
