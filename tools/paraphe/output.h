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
// `verify` without a pinned verifier key (and without --insecure-unpinned).
inline constexpr int kExitUnpinned = 4;

int ExitCodeFor(const Status& status);

// Prints "paraphe: <what>" to stderr (with the rule id for rejections) and,
// when json is set, {"error":{"code","rule","message"}} to stdout. Returns
// the exit code.
int ReportError(const Status& status, bool json);

// The one way a human-readable printer shows a value that came from data
// (a ledger, a bundle, a server answer, a file, an error message quoting
// them): on one line, with every character that could forge, hide or
// reorder a line of paraphe's own output escaped. "\n", "\r", "\t" and
// "\\" (a backslash is doubled so that the escaped text is unambiguous);
// the other C0 controls, DEL, the C1 controls (U+0080-U+009F), the line and
// paragraph separators (U+2028, U+2029) and the bidi controls (U+061C,
// U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) as "\u{1B}", "\u{202E}";
// a byte that is not part of valid UTF-8 as "\x{FF}". Anything else is
// unchanged. FormatTable and RenderTree apply it to every cell and value.
std::string DisplayText(std::string_view s);
// DisplayText of each line of a multi-line text (a signed note), keeping
// its line breaks.
std::string DisplayLines(std::string_view s);

// Indented JSON, 2 spaces, keys in their stored order, final newline.
// Strings are escaped as JSON requires (control characters as \uXXXX) and,
// beyond it, DEL, C1, U+2028/U+2029 and the bidi controls as \uXXXX too, so
// that JSON shown on a terminal cannot be reordered either; a byte that is
// not valid UTF-8 becomes \ufffd.
std::string PrettyJson(const boost::json::value& v);
void PrintJson(const boost::json::value& v);

// Display width of UTF-8 text (code points; good enough for French text).
size_t DisplayWidth(std::string_view s);

// An aligned text table: a header row, a rule, then the rows. Every cell is
// shown with DisplayText: pass raw values.
std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

// "200 000,00 €" from integer cents (French grouping).
std::string FormatCents(int64_t cents, std::string_view currency = "EUR");

// A JSON scalar as plain text ("" for null; numbers as written), raw: show
// it with DisplayText.
std::string ScalarText(const boost::json::value& v);

// Renders a JSON value (a state, a view) as an indented, YAML-like summary,
// `indent` levels deep, appended to `out`: one "key: value" line per scalar,
// keys and values through DisplayText; amounts in cents ("*_cents") are
// shown in euros too.
void RenderTree(std::string& out, const boost::json::value& v, int indent);

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
