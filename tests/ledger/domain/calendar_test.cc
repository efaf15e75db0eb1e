#include "ledger/domain/calendar.h"

#include <gtest/gtest.h>

#include "domain_test_util.h"

namespace paraphe::ledger {
namespace {
using testing::D;
using testing::UtcMs;

TEST(DateTest, ParsesAndPrintsRoundTrip) {
  for (const char* s : {"2026-01-01", "2024-02-29", "1999-12-31", "2026-12-31",
                        "1970-01-01", "9999-12-31", "1000-01-01"}) {
    auto d = Date::Parse(s);
    ASSERT_TRUE(d.ok()) << s;
    EXPECT_EQ(d->ToString(), s);
  }
}

TEST(DateTest, RejectsMalformedAndImpossibleDates) {
  for (const char* s : {"", "2026-1-01", "2026/01/01", "2026-01-01T00:00",
                        "20260101", "2026-13-01", "2026-00-10", "2026-02-29",
                        "2025-04-31", "2026-01-32", "2026-01-00", "0999-01-01",
                        "+026-01-01", "2026-01-0a", " 2026-01-01"}) {
    auto d = Date::Parse(s);
    EXPECT_FALSE(d.ok()) << s;
    EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument) << s;
  }
}

TEST(DateTest, DayOfWeekIsIso) {
  EXPECT_EQ(D("1970-01-01").DayOfWeek(), 4);  // Thursday
  EXPECT_EQ(D("2026-11-26").DayOfWeek(), 4);  // Thursday
  EXPECT_EQ(D("2026-01-31").DayOfWeek(), 6);  // Saturday
  EXPECT_EQ(D("2026-02-01").DayOfWeek(), 7);  // Sunday
  EXPECT_EQ(D("2026-04-06").DayOfWeek(), 1);  // Monday
  EXPECT_EQ(D("1969-12-31").DayOfWeek(), 3);  // before the epoch
}

struct MonthCase {
  const char* from;
  int months;
  const char* to;
};

class AddMonthsTest : public ::testing::TestWithParam<MonthCase> {};

TEST_P(AddMonthsTest, DateToDateClampedToMonthEnd) {
  EXPECT_EQ(D(GetParam().from).AddMonths(GetParam().months).ToString(),
            GetParam().to);
}

INSTANTIATE_TEST_SUITE_P(
    Art7, AddMonthsTest,
    ::testing::Values(MonthCase{"2025-08-31", 6, "2026-02-28"},  // clamped
                      MonthCase{"2027-08-31", 6, "2028-02-29"},  // leap year
                      MonthCase{"2025-08-28", 6, "2026-02-28"},  // exact
                      MonthCase{"2025-08-29", 6, "2026-02-28"},
                      MonthCase{"2027-08-29", 6, "2028-02-29"},
                      MonthCase{"2027-08-30", 6, "2028-02-29"},
                      MonthCase{"2026-03-15", 6, "2026-09-15"},
                      MonthCase{"2026-07-31", 6, "2027-01-31"},  // year wrap
                      MonthCase{"2026-10-31", 1, "2026-11-30"},
                      MonthCase{"2026-03-31", -1, "2026-02-28"},
                      MonthCase{"2026-01-15", -13, "2024-12-15"},
                      MonthCase{"2026-05-31", 0, "2026-05-31"}));

TEST(EasterTest, KnownYears) {
  EXPECT_EQ(EasterSunday(2024).ToString(), "2024-03-31");
  EXPECT_EQ(EasterSunday(2025).ToString(), "2025-04-20");
  EXPECT_EQ(EasterSunday(2026).ToString(), "2026-04-05");
  EXPECT_EQ(EasterSunday(2027).ToString(), "2027-03-28");
  EXPECT_EQ(EasterSunday(2038).ToString(), "2038-04-25");
}

TEST(HolidayTest, FrenchPublicHolidays2026) {
  for (const char* s : {"2026-01-01", "2026-04-06" /* Easter Monday */,
                        "2026-05-01", "2026-05-08",
                        "2026-05-14" /* Ascension */,
                        "2026-05-25" /* Whit Monday */, "2026-07-14",
                        "2026-08-15", "2026-11-01", "2026-11-11",
                        "2026-12-25"}) {
    EXPECT_TRUE(IsFrenchPublicHoliday(D(s))) << s;
  }
  for (const char* s : {"2026-04-05" /* Easter Sunday is a Sunday */,
                        "2026-04-07", "2026-05-13", "2026-05-15",
                        "2026-05-26", "2026-12-24", "2026-12-26",
                        "2026-11-26"}) {
    EXPECT_FALSE(IsFrenchPublicHoliday(D(s))) << s;
  }
}

struct WorkingCase {
  const char* day;
  const char* next;
};

class NextWorkingDayTest : public ::testing::TestWithParam<WorkingCase> {};

TEST_P(NextWorkingDayTest, MovesPastWeekendsAndHolidays) {
  EXPECT_EQ(NextWorkingDay(D(GetParam().day)).ToString(), GetParam().next);
}

INSTANTIATE_TEST_SUITE_P(
    French, NextWorkingDayTest,
    ::testing::Values(WorkingCase{"2026-11-26", "2026-11-26"},  // Thursday
                      WorkingCase{"2026-11-28", "2026-11-30"},  // Saturday
                      WorkingCase{"2026-11-29", "2026-11-30"},  // Sunday
                      WorkingCase{"2026-04-04", "2026-04-07"},  // Sat+Easter
                      WorkingCase{"2026-04-06", "2026-04-07"},  // Easter Mon
                      WorkingCase{"2026-05-14", "2026-05-15"},  // Ascension
                      WorkingCase{"2026-05-23", "2026-05-26"},  // Whit
                      WorkingCase{"2026-12-25", "2026-12-28"},  // Fri Xmas
                      WorkingCase{"2027-01-01", "2027-01-04"},  // Fri 1 Jan
                      WorkingCase{"2026-08-15", "2026-08-17"}));

struct ParisCase {
  const char* name;
  int64_t ms;
  const char* paris_date;
};

class ParisDateTest : public ::testing::TestWithParam<ParisCase> {};

TEST_P(ParisDateTest, DateInEuropeParis) {
  EXPECT_EQ(ParisDateOf(GetParam().ms).ToString(), GetParam().paris_date)
      << GetParam().name;
}

// 2026: CEST from Sunday 29 March 01:00 UTC to Sunday 25 October 01:00 UTC.
INSTANTIATE_TEST_SUITE_P(
    DstEdges, ParisDateTest,
    ::testing::Values(
        ParisCase{"winter 22:59 UTC = 23:59 CET", UtcMs("2026-01-15", 22, 59, 59), "2026-01-15"},
        ParisCase{"winter 23:00 UTC = 00:00 CET", UtcMs("2026-01-15", 23), "2026-01-16"},
        ParisCase{"new year", UtcMs("2026-12-31", 23), "2027-01-01"},
        ParisCase{"before the spring switch", UtcMs("2026-03-28", 22, 59, 59), "2026-03-28"},
        ParisCase{"night of the spring switch", UtcMs("2026-03-28", 23), "2026-03-29"},
        ParisCase{"summer 21:59 UTC = 23:59 CEST", UtcMs("2026-03-29", 21, 59, 59), "2026-03-29"},
        ParisCase{"summer 22:00 UTC = 00:00 CEST", UtcMs("2026-03-29", 22), "2026-03-30"},
        ParisCase{"last CEST evening", UtcMs("2026-10-24", 21, 59, 59), "2026-10-24"},
        ParisCase{"last CEST midnight", UtcMs("2026-10-24", 22), "2026-10-25"},
        ParisCase{"autumn switch 00:59 UTC", UtcMs("2026-10-25", 0, 59, 59), "2026-10-25"},
        ParisCase{"autumn after switch 22:59 UTC = 23:59 CET", UtcMs("2026-10-25", 22, 59, 59), "2026-10-25"},
        ParisCase{"autumn 23:00 UTC = 00:00 CET", UtcMs("2026-10-25", 23), "2026-10-26"},
        ParisCase{"summer midday", UtcMs("2026-07-14", 12), "2026-07-14"},
        ParisCase{"before epoch", -1, "1970-01-01"}));

TEST(ParisDateTest, SwitchInstantsExactly) {
  // One millisecond before 01:00 UTC on 29 March is 01:59:59.999 CET; at
  // 01:00 UTC it is 03:00 CEST: same date, offset changes, which shows when
  // the day boundary moves from 23:00 to 22:00 UTC.
  EXPECT_EQ(ParisDateOf(UtcMs("2026-03-29", 1) - 1).ToString(), "2026-03-29");
  EXPECT_EQ(ParisDateOf(UtcMs("2026-03-29", 1)).ToString(), "2026-03-29");
  // 2027 switches: 28 March and 31 October.
  EXPECT_EQ(ParisDateOf(UtcMs("2027-03-27", 23)).ToString(), "2027-03-28");
  EXPECT_EQ(ParisDateOf(UtcMs("2027-03-28", 22)).ToString(), "2027-03-29");
  EXPECT_EQ(ParisDateOf(UtcMs("2027-10-30", 22)).ToString(), "2027-10-31");
  EXPECT_EQ(ParisDateOf(UtcMs("2027-10-31", 22, 30)).ToString(), "2027-10-31");
}

}  // namespace
}  // namespace paraphe::ledger
