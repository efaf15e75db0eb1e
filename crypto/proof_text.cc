#include "crypto/proof_text.h"

#include <algorithm>
#include <charconv>

#include "crypto/base64.h"

namespace paraphe::crypto {
namespace {

Result<Hash> DecodeHash(std::string_view b64, std::string_view what) {
  auto raw = Base64Decode(b64);
  if (!raw.ok()) {
    return InvalidArgument(std::string(what) + ": not standard base64 (" +
                           raw.status().message() + ")");
  }
  if (raw->size() != 32) {
    return InvalidArgument(std::string(what) +
                           ": a hash must be 32 bytes, got " +
                           std::to_string(raw->size()));
  }
  Hash h;
  std::copy(raw->begin(), raw->end(), h.begin());
  return h;
}

Result<uint64_t> ParseDecimal(std::string_view s, std::string_view what) {
  uint64_t v = 0;
  if (s.empty() || (s.size() > 1 && s[0] == '0')) {
    return InvalidArgument(std::string(what) +
                           ": not a decimal number without leading zeros");
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return InvalidArgument(std::string(what) + ": not a decimal number");
  }
  return v;
}

}  // namespace

Result<TlogProof> ParseTlogProof(std::string_view text) {
  TlogProof out;
  size_t pos = 0;
  size_t line_no = 0;
  auto next_line = [&](std::string_view* line) -> bool {
    if (pos >= text.size()) return false;
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) return false;  // every line ends in \n
    *line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    return true;
  };
  auto at = [&](std::string_view msg) {
    return InvalidArgument("line " + std::to_string(line_no) + ": " +
                           std::string(msg));
  };
  std::string_view line;
  if (!next_line(&line) || line != kTlogProofHeader) {
    return InvalidArgument("line 1: expected \"" +
                           std::string(kTlogProofHeader) + "\"");
  }
  if (!next_line(&line)) return at("unexpected end of proof");
  if (line.rfind("extra ", 0) == 0) {
    auto extra = Base64Decode(line.substr(6));
    if (!extra.ok()) return at("extra: not standard base64");
    out.extra = std::move(*extra);
    if (!next_line(&line)) return at("unexpected end of proof");
  }
  if (line.rfind("index ", 0) != 0) return at("expected \"index N\"");
  auto index = ParseDecimal(line.substr(6), "index");
  if (!index.ok()) return at(index.status().message());
  out.index = *index;
  for (;;) {
    if (!next_line(&line)) {
      return at("missing blank line before the checkpoint");
    }
    if (line.empty()) break;
    auto h = DecodeHash(line, "proof hash");
    if (!h.ok()) return at(h.status().message());
    out.proof.push_back(*h);
  }
  out.checkpoint = std::string(text.substr(pos));
  if (out.checkpoint.empty()) return at("missing checkpoint");
  return out;
}

}  // namespace paraphe::crypto
