// Export bundle: write from any log source, strict read (format in bundle.h
// and docs/FORMAT.md section 8).
#include "ledger/bundle.h"

#include <algorithm>
#include <set>

#include <boost/json.hpp>

#include "crypto/base64.h"
#include "crypto/merkle.h"
#include "crypto/note.h"
#include "ledger/domain/internal/json_strict.h"
#include "ledger/log_source.h"

namespace paraphe::ledger {

namespace json = boost::json;

namespace {

constexpr uint64_t kChunk = 1024;

Status LineError(uint64_t line, std::string_view what) {
  return InvalidArgument("bundle line " + std::to_string(line) + ": " + std::string(what));
}

// Exactly these members, nothing else.
Status RequireMembers(const json::object& o, std::initializer_list<std::string_view> names,
                      uint64_t line) {
  for (std::string_view n : names) {
    if (!o.contains(n)) return LineError(line, "missing member \"" + std::string(n) + "\"");
  }
  for (const auto& kv : o) {
    if (std::find(names.begin(), names.end(), std::string_view(kv.key())) == names.end()) {
      return LineError(line, "unknown member \"" + std::string(kv.key()) + "\"");
    }
  }
  return Status::Ok();
}

Result<std::string> StringMember(const json::object& o, std::string_view name, uint64_t line) {
  const json::value& v = o.at(name);
  if (!v.is_string()) return LineError(line, "\"" + std::string(name) + "\" is not a string");
  return std::string(v.get_string());
}

Result<uint64_t> UintMember(const json::object& o, std::string_view name, uint64_t line) {
  const json::value& v = o.at(name);
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64() && v.get_int64() >= 0) return static_cast<uint64_t>(v.get_int64());
  return LineError(line, "\"" + std::string(name) + "\" is not a non-negative integer");
}

Result<int64_t> IntMember(const json::object& o, std::string_view name, uint64_t line) {
  const json::value& v = o.at(name);
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v.get_uint64());
  }
  return LineError(line, "\"" + std::string(name) + "\" is not an int64");
}

Result<json::object> ParseLine(std::string_view text, uint64_t line) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return LineError(line, "not JSON (" + ec.message() + ")");
  if (!v.is_object()) return LineError(line, "not a JSON object");
  // Boost.JSON keeps the last of duplicated members, other parsers the
  // first: a line whose meaning depends on the parser is refused.
  Status dup = internal::CheckNoDuplicateKeys(text);
  if (!dup.ok()) return LineError(line, dup.message());
  return std::move(v.get_object());
}

// The header must agree with its own checkpoint (without verifying the
// signature, which is the Verifier's finding against the pinned key).
Status CheckHeaderAgrees(const Bundle& b) {
  auto note = crypto::ParseNote(b.checkpoint);
  if (!note.ok()) return LineError(1, "\"checkpoint\": " + note.status().message());
  auto cp = crypto::Checkpoint::Parse(note->text);
  if (!cp.ok()) return LineError(1, "\"checkpoint\" body: " + cp.status().message());
  auto vkey = crypto::NoteVerifier::FromVerifierKey(b.verifier_key);
  if (!vkey.ok()) return LineError(1, "\"verifier_key\": " + vkey.status().message());
  if (b.origin != cp->origin) {
    return LineError(1, "\"origin\" is \"" + b.origin + "\" but the checkpoint's origin is \"" +
                            cp->origin + "\"");
  }
  if (vkey->name() != cp->origin) {
    return LineError(1, "\"verifier_key\" is named \"" + vkey->name() +
                            "\" but the checkpoint's origin is \"" + cp->origin + "\"");
  }
  if (b.tree_size != cp->size) {
    return LineError(1, "\"tree_size\" is " + std::to_string(b.tree_size) +
                            " but the checkpoint's size is " + std::to_string(cp->size));
  }
  const bool signed_by_header_key =
      std::any_of(note->signatures.begin(), note->signatures.end(), [&](const auto& sig) {
        return sig.name == vkey->name() && sig.key_id == vkey->key_id();
      });
  if (!signed_by_header_key) {
    return LineError(1, "the checkpoint carries no signature line by \"verifier_key\" " +
                            b.verifier_key);
  }
  return Status::Ok();
}

Status ParseHeader(std::string_view text, Bundle& b) {
  PARAPHE_ASSIGN_OR_RETURN(json::object o, ParseLine(text, 1));
  if (const json::value* f = o.if_contains("format");
      f != nullptr && f->is_string() && f->get_string() != kBundleFormat) {
    const std::string format(f->get_string());
    if (format == "paraphe-bundle/v1") {
      return LineError(1, "format \"paraphe-bundle/v1\" (Paraphe 0.1, operator keys in the "
                          "header, no genesis record) is no longer read: export the ledger "
                          "again with this version (" + std::string(kBundleFormat) + ")");
    }
    return LineError(1, "unknown format \"" + format + "\" (expected " + kBundleFormat + ")");
  }
  PARAPHE_RETURN_IF_ERROR(
      RequireMembers(o, {"format", "origin", "verifier_key", "checkpoint", "tree_size"}, 1));
  PARAPHE_ASSIGN_OR_RETURN(std::string format, StringMember(o, "format", 1));
  if (format != kBundleFormat) {
    return LineError(1, "\"format\" is not a string naming " + std::string(kBundleFormat));
  }
  PARAPHE_ASSIGN_OR_RETURN(b.origin, StringMember(o, "origin", 1));
  PARAPHE_ASSIGN_OR_RETURN(b.verifier_key, StringMember(o, "verifier_key", 1));
  PARAPHE_ASSIGN_OR_RETURN(b.checkpoint, StringMember(o, "checkpoint", 1));
  PARAPHE_ASSIGN_OR_RETURN(b.tree_size, UintMember(o, "tree_size", 1));
  return CheckHeaderAgrees(b);
}

Status ParseRecordLine(std::string_view text, uint64_t line, BundleRecord& r) {
  PARAPHE_ASSIGN_OR_RETURN(json::object o, ParseLine(text, line));
  PARAPHE_RETURN_IF_ERROR(RequireMembers(o, {"seq", "recorded_at_ms", "leaf"}, line));
  PARAPHE_ASSIGN_OR_RETURN(r.seq, UintMember(o, "seq", line));
  PARAPHE_ASSIGN_OR_RETURN(r.recorded_at_ms, IntMember(o, "recorded_at_ms", line));
  PARAPHE_ASSIGN_OR_RETURN(std::string leaf64, StringMember(o, "leaf", line));
  auto leaf = crypto::Base64Decode(leaf64);
  if (!leaf.ok()) return LineError(line, "leaf: " + leaf.status().message());
  r.leaf = std::move(*leaf);
  return Status::Ok();
}

}  // namespace

std::string BundleHeaderLine(const Bundle& b) {
  json::object header{{"format", kBundleFormat},
                      {"origin", b.origin},
                      {"verifier_key", b.verifier_key},
                      {"checkpoint", b.checkpoint},
                      {"tree_size", b.tree_size}};
  return json::serialize(header) + "\n";
}

std::string BundleRecordLine(uint64_t seq, int64_t recorded_at_ms, std::string_view leaf) {
  return json::serialize(json::object{{"seq", seq},
                                      {"recorded_at_ms", recorded_at_ms},
                                      {"leaf", crypto::Base64Encode(leaf)}}) +
         "\n";
}

Status WriteBundle(const VerifySource& source, std::ostream& out,
                   const BundleProgress& progress) {
  const std::string vkey = source.claimed_verifier_key();
  PARAPHE_ASSIGN_OR_RETURN(crypto::NoteVerifier verifier,
                           crypto::NoteVerifier::FromVerifierKey(vkey));
  PARAPHE_ASSIGN_OR_RETURN(std::string note, source.checkpoint());
  auto opened = crypto::OpenCheckpoint(verifier, note);
  if (!opened.ok()) {
    return DataLoss("the latest checkpoint does not open with " + vkey + ": " +
                    opened.status().message());
  }
  const crypto::Checkpoint cp = std::move(*opened);

  Bundle header;
  header.origin = cp.origin;
  header.verifier_key = vkey;
  header.checkpoint = note;
  header.tree_size = cp.size;
  out << BundleHeaderLine(header);

  crypto::MerkleFrontier frontier;
  uint64_t next = 0;
  bool cut = false;
  // Only the records the checkpoint covers: a source may hold more.
  Status st = source.ForEachRecord(0, [&](SourceRecord&& r) -> Status {
    if (next == cp.size) {
      cut = true;
      return Internal("stop: the checkpoint's size is reached");
    }
    if (!r.missing.ok()) {
      return DataLoss("record " + std::to_string(r.position) +
                      " cannot be read: " + r.missing.message());
    }
    auto leaf = DecodeLeaf(r.leaf);
    if (!leaf.ok()) {
      return DataLoss("record " + std::to_string(r.position) + ": " + leaf.status().message());
    }
    frontier.Append(crypto::LeafHash(r.leaf), [](uint8_t, uint64_t, const crypto::Hash&) {});
    out << BundleRecordLine(leaf->seq, leaf->recorded_at_ms, r.leaf);
    ++next;
    if (next % kChunk == 0) {
      if (!out) return Unavailable("writing the bundle failed (disk full?)");
      if (progress) progress(next, cp.size);
    }
    return Status::Ok();
  });
  if (!st.ok() && !cut) return st;
  if (next != cp.size) {
    return DataLoss("the checkpoint covers " + std::to_string(cp.size) +
                    " records but the source gave " + std::to_string(next));
  }
  if (progress && next % kChunk != 0) progress(next, cp.size);
  if (cp.size == 0 && progress) progress(0, 0);
  out.flush();
  if (!out) return Unavailable("writing the bundle failed (disk full?)");
  if (frontier.Root() != cp.root) {
    return DataLoss("the exported records do not hash to the checkpoint's root");
  }
  return Status::Ok();
}

Result<Bundle> ReadBundle(std::istream& in) {
  Bundle b;
  std::string text;
  uint64_t line = 0;
  bool header_seen = false;
  for (;;) {
    // Bounded read of one line: never more than the limit in memory.
    text.clear();
    bool newline = false;
    std::streambuf* sb = in.rdbuf();
    for (;;) {
      const int c = sb->sbumpc();
      if (c == std::char_traits<char>::eof()) break;
      if (c == '\n') {
        newline = true;
        break;
      }
      if (text.size() == kMaxBundleLineBytes) {
        return LineError(line + 1, "longer than " + std::to_string(kMaxBundleLineBytes) +
                                       " bytes (the format's limit)");
      }
      text.push_back(static_cast<char>(c));
    }
    if (text.empty() && !newline) break;  // end of input
    ++line;
    if (!newline) return LineError(line, "the last line does not end with a newline");
    if (text.find('\r') != std::string::npos) {
      return LineError(line, "carriage return: lines end with \\n only (no CRLF)");
    }
    if (text.empty()) return LineError(line, "blank line");
    if (!header_seen) {
      PARAPHE_RETURN_IF_ERROR(ParseHeader(text, b));
      header_seen = true;
      continue;
    }
    BundleRecord r;
    PARAPHE_RETURN_IF_ERROR(ParseRecordLine(text, line, r));
    b.records.push_back(std::move(r));
  }
  if (in.bad()) return Unavailable("reading the bundle failed");
  if (!header_seen) return InvalidArgument("bundle is empty: no header line");
  return b;
}

}  // namespace paraphe::ledger
