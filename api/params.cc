#include "api/params.h"

namespace paraphe::api {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::string Quote(std::string_view text) {
  constexpr size_t kMax = 40;
  std::string out(text.substr(0, kMax));
  if (text.size() > kMax) out += "...";
  return "'" + out + "'";
}

}  // namespace

Result<uint64_t> ParseUint64(std::string_view name, std::string_view text) {
  std::string error = std::string(name) +
                      ": expected a non-negative decimal integer, got " +
                      Quote(text);
  if (text.empty() || text.size() > 20) return InvalidArgument(error);
  uint64_t v = 0;
  for (char c : text) {
    if (!IsDigit(c)) return InvalidArgument(error);
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) {
      return InvalidArgument(std::string(name) + ": " + Quote(text) +
                             " is too large");
    }
    v = v * 10 + d;
  }
  return v;
}

Result<std::optional<uint64_t>> OptionalUint(const Call& call,
                                             std::string_view name) {
  auto text = call.Query(name);
  if (!text) return std::optional<uint64_t>();
  PARAPHE_ASSIGN_OR_RETURN(uint64_t v, ParseUint64(name, *text));
  return std::optional<uint64_t>(v);
}

Result<uint64_t> RequiredUint(const Call& call, std::string_view name) {
  auto text = call.Query(name);
  if (!text) {
    return InvalidArgument("missing query parameter '" + std::string(name) +
                           "'");
  }
  return ParseUint64(name, *text);
}

Result<std::optional<std::string>> OptionalDate(const Call& call,
                                                std::string_view name) {
  auto text = call.Query(name);
  if (!text) return std::optional<std::string>();
  std::string_view t = *text;
  Status bad = InvalidArgument(std::string(name) +
                               ": expected a date YYYY-MM-DD, got " + Quote(t));
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return bad;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsDigit(t[i])) return bad;
  }
  int year = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 +
             (t[3] - '0');
  int month = (t[5] - '0') * 10 + (t[6] - '0');
  int day = (t[8] - '0') * 10 + (t[9] - '0');
  if (year < 1 || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, month)) {
    return InvalidArgument(std::string(name) + ": " + Quote(t) +
                           " is not a calendar date");
  }
  return std::optional<std::string>(std::string(t));
}

}  // namespace paraphe::api
