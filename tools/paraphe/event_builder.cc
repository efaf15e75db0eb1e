#include "tools/paraphe/event_builder.h"

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "crypto/base64.h"
#include "crypto/sha256.h"
#include "ledger/domain/calendar.h"
#include "ledger/log.h"

namespace paraphe::cli {
namespace json = boost::json;

json::object BuildEvent(const Envelope& env, json::object data) {
  json::object o;
  o["type"] = env.type;
  o["convention"] = env.convention;
  if (env.expected_version) o["expected_version"] = *env.expected_version;
  o["date"] = env.date.empty() ? TodayParis() : env.date;
  o["actor"] = json::object{{"party", env.party}, {"role", env.role}};
  o["data"] = std::move(data);
  return o;
}

std::string TodayParis() {
  return ledger::ParisDateOf(ledger::SystemClockMs()).ToString();
}

Result<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return NotFound(path + ": no such file");
  }
  if (std::filesystem::is_directory(path, ec)) {
    return InvalidArgument(path + ": is a directory, not a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return InvalidArgument(path + ": cannot read (" + std::strerror(errno) +
                           ")");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<std::string> HashArgument(std::string_view value,
                                 std::string_view flag) {
  auto is_hex = [](std::string_view s) {
    if (s.size() != 64) return false;
    for (char c : s) {
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
  };
  if (is_hex(value)) return std::string(value);
  std::error_code ec;
  if (std::filesystem::is_regular_file(std::string(value), ec)) {
    PARAPHE_ASSIGN_OR_RETURN(std::string bytes, ReadFile(std::string(value)));
    return crypto::HashHex(crypto::Sha256(bytes));
  }
  return InvalidArgument(std::string(flag) + ": \"" + std::string(value) +
                         "\" is neither 64 lowercase hex digits nor a file");
}

Result<int64_t> ParseAmount(std::string_view text) {
  std::string digits;
  std::string cents;
  bool in_cents = false;
  for (char c : text) {
    if (c == ' ' || c == '_') continue;
    if (c == '.' || c == ',') {
      if (in_cents) {
        return InvalidArgument(
            "amount \"" + std::string(text) +
            "\": expected euros such as 200000 or 200000.00");
      }
      in_cents = true;
      continue;
    }
    if (c < '0' || c > '9') {
      return InvalidArgument("amount \"" + std::string(text) +
                             "\": expected euros such as 200000 or 200000.00");
    }
    (in_cents ? cents : digits) += c;
  }
  if (digits.empty() || cents.size() > 2 || digits.size() > 15 ||
      (in_cents && cents.empty())) {
    return InvalidArgument("amount \"" + std::string(text) +
                           "\": expected euros such as 200000 or 200000.00");
  }
  while (cents.size() < 2) cents += '0';
  return std::stoll(digits) * 100 + std::stoll(cents);
}

Result<crypto::PrivateKey> LoadKey(const std::string& path) {
  if (path.empty()) return InvalidArgument("--key FILE is required");
  auto key = crypto::PrivateKey::Load(path);
  if (!key.ok()) {
    return InvalidArgument("key " + path + ": " + key.status().message());
  }
  return std::move(key).value();
}

}  // namespace paraphe::cli
