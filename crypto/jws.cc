#include "crypto/jws.h"

#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>
#include <set>
#include <string>
#include <vector>

#include "crypto/base64.h"

namespace paraphe::crypto {
namespace {

namespace json = boost::json;

// A basic_parser handler that only looks for duplicate member names, at any
// depth. RFC 7515 section 5.2 allows "last one wins", but two readers that
// disagree on which `kid` or `alg` counts is exactly what a ledger must not
// accept, so duplicates are refused.
class DuplicateKeyFinder {
 public:
  static constexpr std::size_t max_array_size = -1;
  static constexpr std::size_t max_object_size = -1;
  static constexpr std::size_t max_string_size = -1;
  static constexpr std::size_t max_key_size = -1;

  const std::string& duplicate() const { return duplicate_; }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t, json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    keys_.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, json::error_code&) {
    keys_.pop_back();
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) {
    return true;
  }
  bool on_string(json::string_view, std::size_t, json::error_code&) {
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    key_.append(s.data(), s.size());
    bool inserted = keys_.back().insert(key_).second;
    if (!inserted) {
      duplicate_ = key_;
      ec = json::error::syntax;  // any error stops the parse
      return false;
    }
    key_.clear();
    return true;
  }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(int64_t, json::string_view, json::error_code&) { return true; }
  bool on_uint64(uint64_t, json::string_view, json::error_code&) {
    return true;
  }
  bool on_double(double, json::string_view, json::error_code&) { return true; }
  bool on_bool(bool, json::error_code&) { return true; }
  bool on_null(json::error_code&) { return true; }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  std::vector<std::set<std::string>> keys_;
  std::string key_;
  std::string duplicate_;
};

Result<json::object> ParseHeader(std::string_view header_json) {
  {
    json::basic_parser<DuplicateKeyFinder> p{json::parse_options{}};
    json::error_code ec;
    p.write_some(false, header_json.data(), header_json.size(), ec);
    if (!p.handler().duplicate().empty()) {
      return InvalidArgument("JWS header has duplicate member \"" +
                             p.handler().duplicate() + "\"");
    }
    if (ec) {
      return InvalidArgument("JWS header is not valid JSON: " + ec.message());
    }
  }
  json::error_code ec;
  json::value v = json::parse(
      json::string_view(header_json.data(), header_json.size()), ec);
  if (ec) {
    return InvalidArgument("JWS header is not valid JSON: " + ec.message());
  }
  if (!v.is_object()) {
    return InvalidArgument("JWS header is not a JSON object");
  }
  return std::move(v.as_object());
}

// JSON string literal for s (s is UTF-8; boost escapes quotes, backslashes
// and control characters).
std::string JsonString(std::string_view s) {
  return json::serialize(json::string(s.data(), s.size()));
}

}  // namespace

std::string JwsSign(std::string_view payload, const PrivateKey& key,
                    std::string_view kid) {
  std::string kid_value =
      kid.empty() ? key.public_key().Thumbprint() : std::string(kid);
  std::string header = R"({"alg":"EdDSA","kid":)" + JsonString(kid_value) + "}";
  std::string out = Base64UrlEncode(header);
  out += '.';
  out += Base64UrlEncode(payload);
  std::string sig = key.Sign(out);
  out += '.';
  out += Base64UrlEncode(sig);
  return out;
}

Result<Jws> JwsParse(std::string_view compact) {
  if (compact.empty()) return InvalidArgument("JWS is empty");
  if (compact.size() > kMaxJwsBytes) {
    return InvalidArgument("JWS is " + std::to_string(compact.size()) +
                           " bytes, over the limit of " +
                           std::to_string(kMaxJwsBytes));
  }
  size_t dot1 = compact.find('.');
  size_t dot2 =
      dot1 == std::string_view::npos ? dot1 : compact.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos ||
      compact.find('.', dot2 + 1) != std::string_view::npos) {
    size_t segments = 1;
    for (char c : compact) segments += (c == '.');
    return InvalidArgument(
        "JWS compact serialization needs 3 dot-separated segments, got " +
        std::to_string(segments));
  }
  std::string_view h64 = compact.substr(0, dot1);
  std::string_view p64 = compact.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string_view s64 = compact.substr(dot2 + 1);

  Jws jws;
  auto decode = [](std::string_view seg, const char* name,
                   std::string& out) -> Status {
    Result<std::string> r = Base64UrlDecode(seg);
    if (!r.ok()) return r.status().WithContext(std::string("JWS ") + name);
    out = std::move(r).value();
    return Status::Ok();
  };
  if (h64.empty()) return InvalidArgument("JWS header segment is empty");
  PARAPHE_RETURN_IF_ERROR(decode(h64, "header", jws.header_json));
  PARAPHE_RETURN_IF_ERROR(decode(p64, "payload", jws.payload));
  PARAPHE_RETURN_IF_ERROR(decode(s64, "signature", jws.signature));

  PARAPHE_ASSIGN_OR_RETURN(json::object header, ParseHeader(jws.header_json));
  if (header.contains("crit")) {
    return InvalidArgument(
        "JWS header has \"crit\"; no critical extensions are supported");
  }
  const json::value* alg = header.if_contains("alg");
  if (alg == nullptr) return InvalidArgument("JWS header has no \"alg\"");
  if (!alg->is_string()) {
    return InvalidArgument("JWS header \"alg\" is not a string");
  }
  const json::string& alg_s = alg->get_string();
  if (alg_s == "none") {
    return InvalidArgument("JWS alg \"none\" (unsigned) is refused");
  }
  if (alg_s != "EdDSA") {
    return InvalidArgument(
        "JWS alg " + JsonString(std::string_view(alg_s.data(), alg_s.size())) +
        " is not supported; only \"EdDSA\" is");
  }
  const json::value* kid = header.if_contains("kid");
  if (kid == nullptr) return InvalidArgument("JWS header has no \"kid\"");
  if (!kid->is_string()) {
    return InvalidArgument("JWS header \"kid\" is not a string");
  }
  if (kid->get_string().empty()) {
    return InvalidArgument("JWS header \"kid\" is empty");
  }
  jws.kid.assign(kid->get_string().data(), kid->get_string().size());

  if (jws.signature.size() != 64) {
    return InvalidArgument("JWS signature is " +
                           std::to_string(jws.signature.size()) +
                           " bytes; Ed25519 signatures are 64");
  }
  jws.signing_input = std::string(compact.substr(0, dot2));
  return jws;
}

Status JwsVerify(const Jws& jws, const PublicKey& key) {
  if (!key.Verify(jws.signing_input, jws.signature)) {
    return Unauthenticated("JWS signature does not verify with key " +
                           key.Thumbprint() + " (kid \"" + jws.kid + "\")");
  }
  return Status::Ok();
}

}  // namespace paraphe::crypto
