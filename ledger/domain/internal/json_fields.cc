#include "ledger/domain/internal/json_fields.h"

#include <algorithm>
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
  return InvalidArgument("field \"" + FieldPath(path, key) + "\": " +
                         std::string(what));
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

Result<std::string> GetText(const json::object& o, std::string_view path,
                            std::string_view key) {
  PARAPHE_ASSIGN_OR_RETURN(const json::value* v, Get(o, path, key));
  if (!v->is_string()) return FieldError(path, key, "must be a string");
  std::string_view s = v->get_string();
  if (s.empty()) return FieldError(path, key, "must not be empty");
  if (s.size() > 2000) return FieldError(path, key, "longer than 2000 bytes");
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20) {
      if (c != '\n' && c != '\t') {
        return FieldError(path, key, "contains a control character");
      }
    }
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
