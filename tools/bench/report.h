// Figures and how paraphe-bench prints them: a table for people, or JSON
// Lines (--json), one object per figure:
//   {"name","value","unit","limit","ratio","target","met", "limit_name","note"}
// `limit` is a limit of this machine measured in the same run (or the peer's
// figure), `ratio` = value / limit, `target` states what `met` checks.
// A figure that could not be measured has value null and says why in note.
// Thread-safety: Report is not synchronized; fill it from one thread.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace paraphe::bench {

struct Figure {
  std::string name;
  std::optional<double> value;
  std::string unit;
  std::optional<double> limit;
  std::string limit_name;
  std::optional<double> ratio;
  std::string target;        // "ratio >= 0.85", "value <= 1 ms", "" = none
  std::optional<bool> met;   // nullopt when there is no target
  std::string note;
};

enum class Cmp { kNone, kRatioAtLeast, kValueAtLeast, kValueAtMost };

class Report {
 public:
  // A measured figure; ratio is value / limit when a limit is given.
  Figure& Add(std::string name, double value, std::string unit,
              std::optional<double> limit = std::nullopt, std::string limit_name = {},
              Cmp cmp = Cmp::kNone, double threshold = 0, std::string note = {});
  // A figure that was not measured, and why.
  Figure& NotMeasured(std::string name, std::string unit, std::string why,
                      std::string target = {});
  // An error that makes the run fail (exit 1): a measurement went wrong.
  void Error(std::string what);

  // Streams figures as they come (JSON Lines on stdout when json, progress
  // lines on stderr otherwise).
  void set_json(bool json) { json_ = json; }
  void PrintTable(std::FILE* out) const;

  const std::vector<Figure>& figures() const { return figures_; }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  void Emit(const Figure& f);
  std::vector<Figure> figures_;
  std::vector<std::string> errors_;
  bool json_ = false;
};

std::string FigureJson(const Figure& f);

// Progress on stderr ("[bench] ...").
void Progress(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace paraphe::bench
