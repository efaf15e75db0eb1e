// Export bundle: write from a Ledger, strict read (format in bundle.h and
// docs/FORMAT.md section 8).
#include "ledger/bundle.h"

#include <algorithm>
#include <set>

#include <boost/json.hpp>

#include "crypto/base64.h"
#include "crypto/merkle.h"
#include "crypto/note.h"

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
  return std::move(v.get_object());
}

Status ParseHeader(std::string_view text, Bundle& b) {
  PARAPHE_ASSIGN_OR_RETURN(json::object o, ParseLine(text, 1));
  PARAPHE_RETURN_IF_ERROR(RequireMembers(
      o, {"format", "origin", "verifier_key", "checkpoint", "tree_size", "operator_keys"}, 1));
  PARAPHE_ASSIGN_OR_RETURN(std::string format, StringMember(o, "format", 1));
  if (format != kBundleFormat) {
    return LineError(1, "unknown format \"" + format + "\" (expected " + kBundleFormat + ")");
  }
  PARAPHE_ASSIGN_OR_RETURN(b.origin, StringMember(o, "origin", 1));
  PARAPHE_ASSIGN_OR_RETURN(b.verifier_key, StringMember(o, "verifier_key", 1));
  PARAPHE_ASSIGN_OR_RETURN(b.checkpoint, StringMember(o, "checkpoint", 1));
  PARAPHE_ASSIGN_OR_RETURN(b.tree_size, UintMember(o, "tree_size", 1));
  const json::value& ops = o.at("operator_keys");
  if (!ops.is_array()) return LineError(1, "\"operator_keys\" is not an array");
  size_t i = 0;
  for (const json::value& e : ops.get_array()) {
    const std::string where = "operator_keys[" + std::to_string(i++) + "]";
    if (e.is_string()) {
      b.operator_kids_without_key.emplace_back(e.get_string());
      continue;
    }
    if (!e.is_object()) return LineError(1, where + " is neither an object nor a kid");
    const json::object& k = e.get_object();
    Status members = RequireMembers(k, {"kid", "public_key"}, 1);
    if (!members.ok()) return LineError(1, where + ": " + members.message());
    if (!k.at("kid").is_string() || !k.at("public_key").is_string()) {
      return LineError(1, where + ": kid and public_key must be strings");
    }
    auto raw = crypto::Base64UrlDecode(k.at("public_key").get_string());
    if (!raw.ok()) return LineError(1, where + ".public_key: " + raw.status().message());
    auto key = crypto::PublicKey::FromRaw(*raw);
    if (!key.ok()) return LineError(1, where + ".public_key: " + key.status().message());
    std::string kid(k.at("kid").get_string());
    if (kid != key->Thumbprint()) {
      return LineError(1, where + ": kid \"" + kid + "\" is not the key's RFC 7638 thumbprint " +
                              key->Thumbprint());
    }
    b.operator_keys.emplace(std::move(kid), *key);
  }
  return Status::Ok();
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
  json::array ops;
  for (const auto& [kid, key] : b.operator_keys) {
    ops.push_back(json::object{{"kid", kid}, {"public_key", crypto::Base64UrlEncode(key.raw())}});
  }
  for (const auto& kid : b.operator_kids_without_key) ops.push_back(json::value(kid));
  json::object header{{"format", kBundleFormat},
                      {"origin", b.origin},
                      {"verifier_key", b.verifier_key},
                      {"checkpoint", b.checkpoint},
                      {"tree_size", b.tree_size},
                      {"operator_keys", std::move(ops)}};
  return json::serialize(header) + "\n";
}

std::string BundleRecordLine(uint64_t seq, int64_t recorded_at_ms, std::string_view leaf) {
  return json::serialize(json::object{{"seq", seq},
                                      {"recorded_at_ms", recorded_at_ms},
                                      {"leaf", crypto::Base64Encode(leaf)}}) +
         "\n";
}

Status WriteBundle(const Ledger& ledger, std::ostream& out, const BundleProgress& progress) {
  PARAPHE_ASSIGN_OR_RETURN(crypto::NoteVerifier verifier,
                           crypto::NoteVerifier::FromVerifierKey(ledger.verifier_key()));
  PARAPHE_ASSIGN_OR_RETURN(std::string note, ledger.Checkpoint());
  auto opened = crypto::OpenCheckpoint(verifier, note);
  if (!opened.ok()) {
    return DataLoss("the latest checkpoint does not open with the ledger's key: " +
                    opened.status().message());
  }
  const crypto::Checkpoint cp = std::move(*opened);

  Bundle header;
  header.origin = cp.origin;
  header.verifier_key = ledger.verifier_key();
  header.checkpoint = note;
  header.tree_size = cp.size;
  header.operator_keys = ledger.OperatorPublicKeys();
  out << BundleHeaderLine(header);

  crypto::MerkleFrontier frontier;
  for (uint64_t start = 0; start < cp.size; start += kChunk) {
    const uint64_t end = std::min(cp.size, start + kChunk);
    PARAPHE_ASSIGN_OR_RETURN(std::vector<Record> records,
                             ledger.Entries(start, end, static_cast<size_t>(end - start)));
    if (records.size() != end - start) {
      return DataLoss("expected records [" + std::to_string(start) + ", " + std::to_string(end) +
                      "), got " + std::to_string(records.size()));
    }
    for (const Record& r : records) {
      std::string leaf = r.LeafBytes();
      frontier.Append(crypto::LeafHash(leaf), [](uint8_t, uint64_t, const crypto::Hash&) {});
      out << BundleRecordLine(r.seq, r.recorded_at_ms, leaf);
    }
    if (!out) return Unavailable("writing the bundle failed (disk full?)");
    if (progress) progress(end, cp.size);
  }
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
  while (std::getline(in, text)) {
    ++line;
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
