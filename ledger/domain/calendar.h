// Civil dates and the French calendar rules the convention's deadlines use.
//
// Date is a proleptic Gregorian calendar date (no time, no zone), stored as a
// day count from 1970-01-01 so that comparisons and day arithmetic are exact.
// ParisDateOf maps a UTC instant to the Europe/Paris civil date using the EU
// summer-time rule (CEST from the last Sunday of March 01:00 UTC to the last
// Sunday of October 01:00 UTC, CET otherwise). Nothing here reads the system
// clock or the tz database: results depend on the arguments only.
//
// Thread-safety: values and pure functions.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/status.h"

namespace paraphe::ledger {

class Date {
 public:
  Date() = default;  // 1970-01-01
  // Requires a valid month (1..12) and day (1..days in that month).
  static Date FromYmd(int year, int month, int day);
  static Date FromDays(int64_t days_since_epoch) { return Date(days_since_epoch); }

  // Strict "YYYY-MM-DD" (years 1000..9999, zero padded, a real calendar
  // day); kInvalidArgument otherwise.
  static Result<Date> Parse(std::string_view yyyy_mm_dd);

  std::string ToString() const;  // "YYYY-MM-DD"
  int year() const;
  int month() const;  // 1..12
  int day() const;    // 1..31
  int64_t days() const { return days_; }

  Date AddDays(int64_t n) const { return Date(days_ + n); }
  // Month arithmetic date to date, clamped to the last day of the target
  // month: 2025-08-31 + 6 = 2026-02-28, 2027-08-31 + 6 = 2028-02-29.
  Date AddMonths(int n) const;
  // ISO weekday: 1 = Monday ... 7 = Sunday.
  int DayOfWeek() const;

  friend bool operator==(const Date&, const Date&) = default;
  friend auto operator<=>(const Date&, const Date&) = default;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(days_);
  }

 private:
  explicit Date(int64_t days) : days_(days) {}
  int64_t days_ = 0;
};

bool IsLeapYear(int year);
int DaysInMonth(int year, int month);

// Europe/Paris civil date of a UTC instant given in milliseconds since the
// Unix epoch.
Date ParisDateOf(int64_t unix_ms);

// The recording lag of an event: the Europe/Paris date of its recording time
// minus its business date, in whole days (negative when the business date is
// after the recording date, which the rules refuse as date.in_future). The
// one computation used by the rules, the ledger's record view and the
// verifier's timeline.
int64_t RecordingLagDays(Date business_date, int64_t recorded_at_ms);

// Easter Sunday (Gregorian computus).
Date EasterSunday(int year);

// The eleven French public holidays (metropolitan France, outside
// Alsace-Moselle): 1 Jan, Easter Monday, 1 May, 8 May, Ascension, Whit
// Monday, 14 Jul, 15 Aug, 1 Nov, 11 Nov, 25 Dec.
bool IsFrenchPublicHoliday(Date d);

// Saturday, Sunday or a French public holiday.
bool IsWorkingDay(Date d);

// d itself if it is a working day, else the next working day.
Date NextWorkingDay(Date d);

}  // namespace paraphe::ledger
