#include "ledger/domain/internal/json_fields.h"

#include <algorithm>
#include <cstdio>
#include <limits>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "crypto/base64.h"
#include "crypto/ed25519.h"
#include "ledger/domain/event.h"

namespace paraphe::ledger::internal {
namespace json = boost::json;

std::string FieldPath(std::string_view path, std::string_view key) {
  std::string p(path);
  if (!p.empty()) p += '.';
  p += key;
  return p;
}

Status FieldError(std::string_view path, std::string_view key,
                  std::string_view what) {
  return InvalidArgument("field \"" + EscapeForMessage(FieldPath(path, key)) +
                         "\": " + std::string(what));
}

Status CheckNoUnknown(const json::object& o, std::string_view path,
                      std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : o) {
    std::string_view k = kv.key();
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      return FieldError(path, k, "unknown field");
    }
  }
  return Status::Ok();
}

namespace {

Result<const json::value*> Get(const json::object& o, std::string_view path,
                               std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return FieldError(path, key, "required field missing");
  return v;
}

}  // namespace

namespace {

// Decodes one UTF-8 sequence at s[i]; returns the code point and advances i,
// or returns -1 for an invalid sequence (bad lead or continuation byte,
// overlong form, surrogate, above U+10FFFF, truncated).
int32_t NextCodePoint(std::string_view s, size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len = 0;
  int32_t cp = 0;
  int32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return -1;
  }
  if (i + len > s.size()) return -1;
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  i += len;
  return cp;
}

// What a forbidden code point is, or nullptr if it may appear in a text.
const char* ForbiddenKind(int32_t cp, bool multi_line) {
  if (cp == '\n' || cp == '\t') {
    return multi_line ? nullptr : "control character";
  }
  if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
    return "control character";
  }
  if (cp == 0x061C || cp == 0x200E || cp == 0x200F ||
      (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
    return "bidirectional control";
  }
  if (cp == 0x2028 || cp == 0x2029) return "line separator";
  return nullptr;
}

std::string CodePointName(int32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

Result<std::string> GetTextOfClass(const json::object& o, std::string_view path,
                                   std::string_view key, bool multi_line) {
  PARAPHE_ASSIGN_OR_RETURN(const json::value* v, Get(o, path, key));
  if (!v->is_string()) return FieldError(path, key, "must be a string");
  std::string_view s = v->get_string();
  if (s.empty()) return FieldError(path, key, "must not be empty");
  if (s.size() > 2000) return FieldError(path, key, "longer than 2000 bytes");
  PARAPHE_RETURN_IF_ERROR(CheckText(s, FieldPath(path, key), multi_line));
  return std::string(s);
}

}  // namespace

Status CheckText(std::string_view s, std::string_view field, bool multi_line) {
  const char* text_class = multi_line ? "a multi-line" : "a single-line";
  for (size_t i = 0; i < s.size();) {
    const size_t at = i;
    const int32_t cp = NextCodePoint(s, i);
    if (cp < 0) {
      return InvalidArgument("field \"" + std::string(field) +
                             "\": invalid UTF-8 at byte " + std::to_string(at));
    }
    if (const char* kind = ForbiddenKind(cp, multi_line)) {
      return InvalidArgument("field \"" + std::string(field) + "\": " + kind +
                             " " + CodePointName(cp) +
                             " is not allowed in " + text_class + " text");
    }
  }
  return Status::Ok();
}

Result<std::string> GetSingleLineText(const json::object& o,
                                      std::string_view path,
                                      std::string_view key) {
  return GetTextOfClass(o, path, key, /*multi_line=*/false);
}

Result<std::string> GetMultiLineText(const json::object& o,
                                     std::string_view path,
                                     std::string_view key) {
  return GetTextOfClass(o, path, key, /*multi_line=*/true);
}

std::string EscapeForMessage(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7F) {
      out += c;
    } else {
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    }
  }
  return out;
}

bool IsValidReference(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
  };
  if (!alnum(s.front()) || !alnum(s.back())) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (alnum(c) || c == '.' || c == '_' || c == '-' || c == '/') continue;
    if (c == ' ' && s[i - 1] != ' ') continue;
    return false;
  }
  return true;
}

Result<std::string> GetReference(const json::object& o, std::string_view path,
                                 std::string_view key) {
  PARAPHE_ASSIGN_OR_RETURN(const json::value* v, Get(o, path, key));
  if (!v->is_string()) return FieldError(path, key, "must be a string");
  std::string_view s = v->get_string();
  if (!IsValidReference(s)) {
    return FieldError(path, key,
                      "must be 1-64 ASCII characters of [A-Za-z0-9._/-] and "
                      "single spaces, starting and ending with a letter or "
                      "digit");
  }
  return std::string(s);
}

Result<std::string> GetKid(const json::object& o, std::string_view path,
                           std::string_view key) {
  PARAPHE_ASSIGN_OR_RETURN(const json::value* v, Get(o, path, key));
  if (!v->is_string()) return FieldError(path, key, "must be a string");
  std::string_view s = v->get_string();
  const bool ok =
      s.size() == 43 && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= '0' && c <= '9') || c == '-' || c == '_';
      });
  if (!ok) {
    return FieldError(path, key,
                      "must be a key id: an RFC 7638 thumbprint, 43 "
                      "characters of base64url");
  }
  return std::string(s);
}

bool IsValidId(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '-' && c != '_' && c != '.'))) return false;
  }
  return true;
}

Result<std::string> GetId(const json::object& o, std::string_view path,
                          std::string_view key) {
  PARAPHE_ASSIGN_OR_RETURN(const json::value* v, Get(o, path, key));
  if (!v->is_string()) return FieldError(path, key, "must be a string");
  std::string_view s = v->get_string();
  if (!IsValidId(s)) {
    return FieldError(path, key,
                      "must be 1-64 characters of [a-z0-9._-] starting with a "
                      "letter or digit");
  }
  return std::string(s);
}

bool IsHexSha256(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Result<std::string> GetHash(const json::object& o, std::string_view path,
                            std::string_view key) {
  PARAPHE_ASSIGN_OR_RETURN(const json::value* v, Get(o, path, key));
  if (!v->is_string() || !IsHexSha256(v->get_string())) {
    return FieldError(path, key,
                      "must be a SHA-256 as 64 lowercase hex digits");
  }
  return std::string(v->get_string());
}

Result<int64_t> GetInt(const json::object& o, std::string_view path,
                       std::string_view key, int64_t min, int64_t max) {
  PARAPHE_ASSIGN_OR_RETURN(const json::value* v, Get(o, path, key));
  int64_t n = 0;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64()) {
    return FieldError(path, key,
                      "out of range (max " + std::to_string(max) + ")");
  } else {
    return FieldError(path, key, "must be an integer");
  }
  if (n < min || n > max) {
    return FieldError(path, key,
                      "out of range [" + std::to_string(min) + ", " +
                          std::to_string(max) + "]: " + std::to_string(n));
  }
  return n;
}

Result<int64_t> GetAmount(const json::object& o, std::string_view path,
                          std::string_view key) {
  PARAPHE_ASSIGN_OR_RETURN(const json::value* v, Get(o, path, key));
  if (v->is_uint64()) {
    return FieldError(path, key, "amount in cents exceeds int64");
  }
  if (!v->is_int64() || v->get_int64() < 0) {
    return FieldError(path, key,
                      "must be a non-negative integer number of cents");
  }
  return v->get_int64();
}

Result<Date> GetDate(const json::object& o, std::string_view path,
                     std::string_view key) {
  PARAPHE_ASSIGN_OR_RETURN(const json::value* v, Get(o, path, key));
  if (!v->is_string()) return FieldError(path, key, "must be a date string");
  auto d = Date::Parse(v->get_string());
  if (!d.ok()) return FieldError(path, key, d.status().message());
  return *d;
}

Result<bool> GetBool(const json::object& o, std::string_view path,
                     std::string_view key) {
  PARAPHE_ASSIGN_OR_RETURN(const json::value* v, Get(o, path, key));
  if (!v->is_bool()) return FieldError(path, key, "must be true or false");
  return v->get_bool();
}

Result<std::string> GetEnum(const json::object& o, std::string_view path,
                            std::string_view key,
                            std::initializer_list<std::string_view> allowed) {
  PARAPHE_ASSIGN_OR_RETURN(const json::value* v, Get(o, path, key));
  std::string list;
  for (auto a : allowed) {
    if (!list.empty()) list += ", ";
    list += '"';
    list += a;
    list += '"';
  }
  if (!v->is_string() ||
      std::find(allowed.begin(), allowed.end(),
                std::string_view(v->get_string())) == allowed.end()) {
    return FieldError(path, key, "must be one of " + list);
  }
  return std::string(v->get_string());
}

Result<std::string> GetPublicKey(const json::object& o, std::string_view path,
                                 std::string_view key) {
  PARAPHE_ASSIGN_OR_RETURN(const json::value* v, Get(o, path, key));
  if (!v->is_string()) return FieldError(path, key, "must be a string");
  auto raw = crypto::Base64UrlDecode(v->get_string());
  if (!raw.ok() || raw->size() != 32) {
    return FieldError(path, key,
                      "must be the base64url (unpadded) encoding of a 32-byte "
                      "Ed25519 public key");
  }
  // The Ed25519 acceptance rule (docs/FORMAT.md section 1): a weak key is
  // refused when the event is parsed, naming the field.
  if (auto pk = crypto::PublicKey::FromRaw(*raw); !pk.ok()) {
    return FieldError(path, key, pk.status().message());
  }
  return *raw;
}

Result<std::vector<std::string>> GetRoles(const json::object& o,
                                          std::string_view path,
                                          std::string_view key) {
  PARAPHE_ASSIGN_OR_RETURN(const json::value* v, Get(o, path, key));
  if (!v->is_array() || v->get_array().empty()) {
    return FieldError(path, key, "must be a non-empty array of roles");
  }
  std::vector<std::string> roles;
  for (const auto& r : v->get_array()) {
    if (!r.is_string() || !IsPartyRole(r.get_string())) {
      return FieldError(path, key,
                        "roles must be \"signatory\", \"finance\", \"clerk\" "
                        "or \"committee\"");
    }
    std::string s(r.get_string());
    if (std::find(roles.begin(), roles.end(), s) != roles.end()) {
      return FieldError(path, key, "duplicate role \"" + s + "\"");
    }
    roles.push_back(std::move(s));
  }
  return roles;
}

Result<const json::object*> GetObject(const json::object& o,
                                      std::string_view path,
                                      std::string_view key) {
  PARAPHE_ASSIGN_OR_RETURN(const json::value* v, Get(o, path, key));
  if (!v->is_object()) return FieldError(path, key, "must be an object");
  return &v->get_object();
}

Result<const json::array*> GetArray(const json::object& o,
                                    std::string_view path,
                                    std::string_view key) {
  PARAPHE_ASSIGN_OR_RETURN(const json::value* v, Get(o, path, key));
  if (!v->is_array()) return FieldError(path, key, "must be an array");
  return &v->get_array();
}

}  // namespace paraphe::ledger::internal
