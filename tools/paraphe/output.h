// Output helpers for the paraphe CLI: exit codes, error lines, JSON
// printing, aligned tables and a progress bar. Presentation only.
//
// Thread-safety: ProgressBar is used from one thread; the rest are pure
// functions or write to stdout/stderr.
#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/status.h"

namespace paraphe::cli {

// Exit codes (docs/CLI.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitRejected = 1;  // the ledger (or a proof) said no
inline constexpr int kExitUsage = 2;     // usage or input error
inline constexpr int kExitIo = 3;        // I/O, server unreachable, internal

int ExitCodeFor(const Status& status);

// Prints "paraphe: <what>" to stderr (with the rule id for rejections) and,
// when json is set, {"error":{"code","rule","message"}} to stdout. Returns
// the exit code.
int ReportError(const Status& status, bool json);

// Indented JSON, 2 spaces, keys in their stored order, final newline.
std::string PrettyJson(const boost::json::value& v);
void PrintJson(const boost::json::value& v);

// Display width of UTF-8 text (code points; good enough for French text).
size_t DisplayWidth(std::string_view s);

// An aligned text table: a header row, a rule, then the rows.
std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

// "200 000,00 €" from integer cents (French grouping).
std::string FormatCents(int64_t cents, std::string_view currency = "EUR");

// A JSON scalar as plain text ("" for null; numbers as written).
std::string ScalarText(const boost::json::value& v);

// Progress on stderr with rate and ETA, only when stderr is a terminal.
class ProgressBar {
 public:
  ProgressBar(std::string label, uint64_t total);
  ~ProgressBar();  // finishes the line if still drawn
  void SetTotal(uint64_t total) { total_ = total; }
  void Update(uint64_t done);
  void Finish();

 private:
  void Draw(bool final);
  std::string label_;
  uint64_t total_;
  uint64_t done_ = 0;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace paraphe::cli
