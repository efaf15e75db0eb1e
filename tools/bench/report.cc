#include "tools/bench/report.h"

#include <cmath>
#include <cstdarg>

#include <boost/json.hpp>
#include <fmt/core.h>

namespace paraphe::bench {

namespace json = boost::json;

namespace {

std::string FormatNumber(double v) {
  double a = std::fabs(v);
  if (a == 0) return "0";
  if (a >= 1e6) return fmt::format("{:.3g}e{}", v / std::pow(10, std::floor(std::log10(a))),
                                   static_cast<int>(std::floor(std::log10(a))));
  if (a >= 100) return fmt::format("{:.0f}", v);
  if (a >= 1) return fmt::format("{:.2f}", v);
  return fmt::format("{:.3g}", v);
}

std::string Threshold(double t) {
  if (std::fabs(t) >= 1e5) return fmt::format("{:.0f}", t);
  return fmt::format("{:g}", t);
}

}  // namespace

Figure& Report::Add(std::string name, double value, std::string unit,
                    std::optional<double> limit, std::string limit_name, Cmp cmp,
                    double threshold, std::string note) {
  Figure f;
  f.name = std::move(name);
  f.value = value;
  f.unit = std::move(unit);
  f.limit = limit;
  f.limit_name = std::move(limit_name);
  if (limit && *limit > 0) f.ratio = value / *limit;
  switch (cmp) {
    case Cmp::kNone:
      break;
    case Cmp::kRatioAtLeast:
      f.target = "ratio >= " + Threshold(threshold);
      if (f.ratio) f.met = *f.ratio >= threshold;
      break;
    case Cmp::kValueAtLeast:
      f.target = ">= " + Threshold(threshold) + " " + f.unit;
      f.met = value >= threshold;
      break;
    case Cmp::kValueAtMost:
      f.target = "<= " + Threshold(threshold) + " " + f.unit;
      f.met = value <= threshold;
      break;
  }
  f.note = std::move(note);
  figures_.push_back(std::move(f));
  Emit(figures_.back());
  return figures_.back();
}

Figure& Report::NotMeasured(std::string name, std::string unit, std::string why,
                            std::string target) {
  Figure f;
  f.name = std::move(name);
  f.unit = std::move(unit);
  f.target = std::move(target);
  f.note = "not measured: " + why;
  figures_.push_back(std::move(f));
  Emit(figures_.back());
  return figures_.back();
}

void Report::Error(std::string what) {
  Progress("ERROR: %s", what.c_str());
  errors_.push_back(std::move(what));
}

void Report::Emit(const Figure& f) {
  if (json_) {
    std::fputs((FigureJson(f) + "\n").c_str(), stdout);
    std::fflush(stdout);
  } else {
    Progress("%s = %s %s%s", f.name.c_str(), f.value ? FormatNumber(*f.value).c_str() : "-",
             f.unit.c_str(), f.note.empty() ? "" : ("  (" + f.note + ")").c_str());
  }
}

std::string FigureJson(const Figure& f) {
  json::object o;
  o["name"] = f.name;
  o["value"] = f.value ? json::value(*f.value) : json::value(nullptr);
  o["unit"] = f.unit;
  o["limit"] = f.limit ? json::value(*f.limit) : json::value(nullptr);
  o["ratio"] = f.ratio ? json::value(*f.ratio) : json::value(nullptr);
  o["target"] = f.target.empty() ? json::value(nullptr) : json::value(f.target);
  o["met"] = f.met ? json::value(*f.met) : json::value(nullptr);
  o["limit_name"] = f.limit_name.empty() ? json::value(nullptr) : json::value(f.limit_name);
  if (!f.note.empty()) o["note"] = f.note;
  return json::serialize(o);
}

void Report::PrintTable(std::FILE* out) const {
  size_t wn = 6, wl = 5;
  for (const auto& f : figures_) {
    wn = std::max(wn, f.name.size());
    wl = std::max(wl, f.limit_name.size());
  }
  std::string header = fmt::format("{:<{}}  {:>10} {:<9} {:>10}  {:<{}}  {:>6}  {:<18} {}\n",
                                   "figure", wn, "value", "unit", "limit", "limit is", wl,
                                   "ratio", "target", "met");
  std::fputs(header.c_str(), out);
  std::fputs((std::string(header.size() - 1, '-') + "\n").c_str(), out);
  for (const auto& f : figures_) {
    std::string line = fmt::format(
        "{:<{}}  {:>10} {:<9} {:>10}  {:<{}}  {:>6}  {:<18} {}", f.name, wn,
        f.value ? FormatNumber(*f.value) : "-", f.unit, f.limit ? FormatNumber(*f.limit) : "",
        f.limit_name, wl, f.ratio ? fmt::format("{:.2f}", *f.ratio) : "", f.target,
        f.met ? (*f.met ? "yes" : "NO") : "");
    if (!f.note.empty()) line += "  " + f.note;
    std::fputs((line + "\n").c_str(), out);
  }
  for (const auto& e : errors_) std::fputs(("ERROR: " + e + "\n").c_str(), out);
}

void Progress(const char* format, ...) {
  std::va_list ap;
  va_start(ap, format);
  std::fputs("[bench] ", stderr);
  std::vfprintf(stderr, format, ap);
  std::fputs("\n", stderr);
  va_end(ap);
}

}  // namespace paraphe::bench
