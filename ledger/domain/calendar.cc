#include "ledger/domain/calendar.h"

#include <cstdio>

#include "ledger/domain/internal/json_fields.h"

namespace paraphe::ledger {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;
constexpr int64_t kMsPerHour = 3'600'000;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Ymd {
  int y;
  int m;
  int d;
};

Ymd CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Ymd{static_cast<int>(y + (m <= 2)), static_cast<int>(m),
             static_cast<int>(d)};
}

// The last Sunday of a month, 01:00 UTC, in ms since the epoch.
int64_t LastSundayAt1Utc(int year, int month) {
  Date last = Date::FromYmd(year, month, DaysInMonth(year, month));
  Date sunday = last.AddDays(-(last.DayOfWeek() % 7));
  return sunday.days() * kMsPerDay + kMsPerHour;
}

}  // namespace

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (m == 2 && IsLeapYear(y)) return 29;
  return kDays[m - 1];
}

Date Date::FromYmd(int year, int month, int day) {
  return Date(DaysFromCivil(year, static_cast<unsigned>(month),
                            static_cast<unsigned>(day)));
}

Result<Date> Date::Parse(std::string_view s) {
  auto bad = [&]() {
    return InvalidArgument("expected a date YYYY-MM-DD, got \"" +
                           internal::EscapeForMessage(s.substr(0, 40)) + "\"");
  };
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return bad();
  int parts[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8};
  const int lens[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (int i = 0; i < lens[p]; ++i) {
      char c = s[starts[p] + i];
      if (c < '0' || c > '9') return bad();
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  const int y = parts[0], m = parts[1], d = parts[2];
  if (y < 1000 || m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) {
    return InvalidArgument("not a calendar date: \"" + std::string(s) + "\"");
  }
  return FromYmd(y, m, d);
}

std::string Date::ToString() const {
  Ymd c = CivilFromDays(days_);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.y, c.m, c.d);
  return buf;
}

int Date::year() const { return CivilFromDays(days_).y; }
int Date::month() const { return CivilFromDays(days_).m; }
int Date::day() const { return CivilFromDays(days_).d; }

Date Date::AddMonths(int n) const {
  Ymd c = CivilFromDays(days_);
  int64_t total = static_cast<int64_t>(c.y) * 12 + (c.m - 1) + n;
  int y = static_cast<int>(FloorDiv(total, 12));
  int m = static_cast<int>(total - static_cast<int64_t>(y) * 12) + 1;
  int d = c.d;
  if (d > DaysInMonth(y, m)) d = DaysInMonth(y, m);
  return FromYmd(y, m, d);
}

int Date::DayOfWeek() const {
  // 1970-01-01 was a Thursday (ISO 4).
  int64_t r = (days_ + 3) % 7;
  if (r < 0) r += 7;
  return static_cast<int>(r) + 1;
}

Date ParisDateOf(int64_t unix_ms) {
  const Date utc_date = Date::FromDays(FloorDiv(unix_ms, kMsPerDay));
  const int y = utc_date.year();
  const bool summer = unix_ms >= LastSundayAt1Utc(y, 3) &&
                      unix_ms < LastSundayAt1Utc(y, 10);
  const int64_t local_ms = unix_ms + (summer ? 2 : 1) * kMsPerHour;
  return Date::FromDays(FloorDiv(local_ms, kMsPerDay));
}

int64_t RecordingLagDays(Date business_date, int64_t recorded_at_ms) {
  return ParisDateOf(recorded_at_ms).days() - business_date.days();
}

Date EasterSunday(int year) {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const int a = year % 19, b = year / 100, c = year % 100;
  const int d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = (h + l - 7 * m + 114) % 31 + 1;
  return Date::FromYmd(year, month, day);
}

bool IsFrenchPublicHoliday(Date d) {
  const int m = d.month(), day = d.day();
  if ((m == 1 && day == 1) || (m == 5 && (day == 1 || day == 8)) ||
      (m == 7 && day == 14) || (m == 8 && day == 15) ||
      (m == 11 && (day == 1 || day == 11)) || (m == 12 && day == 25)) {
    return true;
  }
  const Date easter = EasterSunday(d.year());
  const int64_t off = d.days() - easter.days();
  return off == 1 || off == 39 || off == 50;  // Monday, Ascension, Whit Monday
}

bool IsWorkingDay(Date d) {
  return d.DayOfWeek() < 6 && !IsFrenchPublicHoliday(d);
}

Date NextWorkingDay(Date d) {
  while (!IsWorkingDay(d)) d = d.AddDays(1);
  return d;
}

}  // namespace paraphe::ledger
