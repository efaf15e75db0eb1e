#include "tools/paraphe/output.h"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <iostream>

namespace paraphe::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kRuleViolation:
    case StatusCode::kConflict:
    case StatusCode::kUnauthenticated:
    case StatusCode::kPermissionDenied:
    case StatusCode::kDataLoss:
      return kExitRejected;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kResourceExhausted:
      return kExitUsage;
    case StatusCode::kUnavailable:
    case StatusCode::kInternal:
      return kExitIo;
  }
  return kExitIo;
}

int ReportError(const Status& status, bool json) {
  std::string line = "paraphe: ";
  switch (status.code()) {
    case StatusCode::kRuleViolation:
      line += "rejected";
      break;
    case StatusCode::kConflict:
      line += "conflict";
      break;
    case StatusCode::kUnauthenticated:
      line += "not authenticated";
      break;
    case StatusCode::kPermissionDenied:
      line += "permission denied";
      break;
    case StatusCode::kDataLoss:
      line += "verification failed";
      break;
    case StatusCode::kUnavailable:
      line += "unavailable";
      break;
    case StatusCode::kInternal:
      line += "internal error";
      break;
    default:
      line += "error";
      break;
  }
  if (!status.rule().empty()) line += " [" + DisplayText(status.rule()) + "]";
  line += ": " + DisplayText(status.message());
  std::fflush(stdout);
  std::fprintf(stderr, "%s\n", line.c_str());
  if (json) {
    boost::json::object err;
    err["code"] = std::string(StatusCodeName(status.code()));
    err["rule"] = status.rule();
    err["message"] = status.message();
    boost::json::object o;
    o["error"] = std::move(err);
    PrintJson(o);
  }
  return ExitCodeFor(status);
}

namespace {

// The code point at s[i] and its length in bytes; length 0 when s[i] does
// not start a valid UTF-8 sequence (RFC 3629: no overlong form, no
// surrogate, nothing above U+10FFFF).
std::pair<char32_t, size_t> DecodeUtf8(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return {c, 1};
  size_t n = 0;
  char32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return {0, 0};
  }
  if (i + n > s.size()) return {0, 0};
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return {0, 0};
  }
  return {cp, n};
}

// Characters that can break, hide or reorder a line on a terminal.
bool IsUnsafeToShow(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C ||
         cp == 0x200E || cp == 0x200F || cp == 0x2028 || cp == 0x2029 ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

// A JSON string literal (quotes included); see PrettyJson.
std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    auto [cp, n] = DecodeUtf8(s, i);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (cp == '"') {
      out += "\\\"";
    } else if (cp == '\\') {
      out += "\\\\";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\b') {
      out += "\\b";
    } else if (cp == '\f') {
      out += "\\f";
    } else if (IsUnsafeToShow(cp)) {
      out += fmt::format("\\u{:04x}", static_cast<uint32_t>(cp));
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  out += '"';
  return out;
}

}  // namespace

std::string DisplayText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto [cp, n] = DecodeUtf8(s, i);
    if (n == 0) {
      out += fmt::format("\\x{{{:02X}}}", static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\\') {
      out += "\\\\";
    } else if (IsUnsafeToShow(cp)) {
      out += fmt::format("\\u{{{:X}}}", static_cast<uint32_t>(cp));
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string DisplayLines(std::string_view s) {
  std::string out;
  size_t start = 0;
  while (start < s.size()) {
    const size_t end = s.find('\n', start);
    if (end == std::string_view::npos) {
      out += DisplayText(s.substr(start));
      break;
    }
    out += DisplayText(s.substr(start, end - start));
    out += '\n';
    start = end + 1;
  }
  return out;
}

namespace {

void Pretty(std::string& out, const boost::json::value& v, int indent) {
  const std::string pad(static_cast<size_t>(indent) * 2, ' ');
  const std::string pad_in(static_cast<size_t>(indent + 1) * 2, ' ');
  switch (v.kind()) {
    case boost::json::kind::object: {
      const auto& o = v.get_object();
      if (o.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      bool first = true;
      for (const auto& kv : o) {
        if (!first) out += ",\n";
        first = false;
        out += pad_in;
        out += JsonString(kv.key());
        out += ": ";
        Pretty(out, kv.value(), indent + 1);
      }
      out += "\n" + pad + "}";
      return;
    }
    case boost::json::kind::array: {
      const auto& a = v.get_array();
      if (a.empty()) {
        out += "[]";
        return;
      }
      out += "[\n";
      bool first = true;
      for (const auto& e : a) {
        if (!first) out += ",\n";
        first = false;
        out += pad_in;
        Pretty(out, e, indent + 1);
      }
      out += "\n" + pad + "]";
      return;
    }
    case boost::json::kind::string:
      out += JsonString(v.get_string());
      return;
    default:
      out += boost::json::serialize(v);
  }
}

}  // namespace

std::string PrettyJson(const boost::json::value& v) {
  std::string out;
  Pretty(out, v, 0);
  out += "\n";
  return out;
}

void PrintJson(const boost::json::value& v) {
  std::fputs(PrettyJson(v).c_str(), stdout);
}

size_t DisplayWidth(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::vector<std::string>> shown;
  shown.reserve(rows.size());
  for (const auto& row : rows) {
    std::vector<std::string>& cells = shown.emplace_back();
    for (const auto& cell : row) cells.push_back(DisplayText(cell));
  }
  std::vector<size_t> width(header.size(), 0);
  for (size_t i = 0; i < header.size(); ++i) width[i] = DisplayWidth(header[i]);
  for (const auto& row : shown) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], DisplayWidth(row[i]));
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < width.size(); ++i) {
      const std::string cell = i < cells.size() ? cells[i] : "";
      out += cell;
      if (i + 1 < width.size()) {
        out.append(width[i] - DisplayWidth(cell) + 2, ' ');
      }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(header);
  std::vector<std::string> rule;
  for (size_t w : width) rule.push_back(std::string(w, '-'));
  out += line(rule);
  for (const auto& row : shown) out += line(row);
  return out;
}

std::string FormatCents(int64_t cents, std::string_view currency) {
  const bool negative = cents < 0;
  uint64_t abs = negative ? 0 - static_cast<uint64_t>(cents)
                          : static_cast<uint64_t>(cents);
  std::string units = std::to_string(abs / 100);
  std::string grouped;
  for (size_t i = 0; i < units.size(); ++i) {
    if (i > 0 && (units.size() - i) % 3 == 0) grouped += ' ';
    grouped += units[i];
  }
  std::string out =
      fmt::format("{}{},{:02}", negative ? "-" : "", grouped, abs % 100);
  if (currency == "EUR" || currency.empty()) {
    out += " €";
  } else {
    out += " ";
    out += currency;
  }
  return out;
}

std::string ScalarText(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return "";
    case boost::json::kind::string:
      return std::string(v.get_string());
    case boost::json::kind::bool_:
      return v.get_bool() ? "yes" : "no";
    default:
      return boost::json::serialize(v);
  }
}

namespace {

std::string ScalarWithMoney(std::string_view key, const boost::json::value& v) {
  std::string text = ScalarText(v);
  const bool cents = key.size() > 6 && key.substr(key.size() - 6) == "_cents";
  if (cents && (v.is_int64() || v.is_uint64())) {
    text += " (" + FormatCents(v.to_number<int64_t>()) + ")";
  }
  return text;
}

bool IsScalar(const boost::json::value& v) { return !v.is_object() && !v.is_array(); }

}  // namespace

void RenderTree(std::string& out, const boost::json::value& v, int indent) {
  const std::string pad(static_cast<size_t>(indent) * 2, ' ');
  if (v.is_object()) {
    for (const auto& kv : v.get_object()) {
      const auto& val = kv.value();
      std::string key(kv.key());
      if (IsScalar(val)) {
        out += pad + DisplayText(key) + ": " + DisplayText(ScalarWithMoney(key, val)) + "\n";
      } else if ((val.is_array() && val.get_array().empty()) ||
                 (val.is_object() && val.get_object().empty())) {
        out += pad + DisplayText(key) + ": (none)\n";
      } else {
        out += pad + DisplayText(key) + ":\n";
        RenderTree(out, val, indent + 1);
      }
    }
    return;
  }
  if (v.is_array()) {
    for (const auto& e : v.get_array()) {
      if (IsScalar(e)) {
        out += pad + "- " + DisplayText(ScalarText(e)) + "\n";
        continue;
      }
      std::string inner;
      RenderTree(inner, e, indent + 1);
      if (inner.size() >= pad.size() + 2) {
        inner.replace(0, pad.size() + 2, pad + "- ");
      }
      out += inner;
    }
    return;
  }
  out += pad + DisplayText(ScalarText(v)) + "\n";
}

ProgressBar::ProgressBar(std::string label, uint64_t total)
    : label_(std::move(label)),
      total_(total),
      enabled_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_ - std::chrono::seconds(1)) {}

ProgressBar::~ProgressBar() {
  if (enabled_ && !finished_ && done_ > 0) Finish();
}

void ProgressBar::Update(uint64_t done) {
  done_ = done;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100) && done_ < total_) {
    return;
  }
  last_draw_ = now;
  Draw(false);
}

void ProgressBar::Finish() {
  if (finished_) return;
  finished_ = true;
  if (!enabled_) return;
  Draw(true);
  std::fputc('\n', stderr);
}

void ProgressBar::Draw(bool final) {
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
          .count();
  const double rate = secs > 0 ? static_cast<double>(done_) / secs : 0.0;
  const double frac = total_ == 0
                          ? 1.0
                          : std::min(1.0, static_cast<double>(done_) /
                                              static_cast<double>(total_));
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(frac * kWidth);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  std::string eta;
  if (final) {
    eta = fmt::format("in {:.1f}s", secs);
  } else if (rate > 0 && total_ >= done_) {
    eta =
        fmt::format("ETA {:.0f}s", static_cast<double>(total_ - done_) / rate);
  } else {
    eta = "ETA --";
  }
  std::fprintf(stderr, "\r%s [%s] %llu/%llu  %.0f/s  %s\x1b[K", label_.c_str(),
               bar.c_str(), static_cast<unsigned long long>(done_),
               static_cast<unsigned long long>(total_), rate, eta.c_str());
  std::fflush(stderr);
}

}  // namespace paraphe::cli
