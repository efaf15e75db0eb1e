// Field readers for strict JSON validation. Each takes the object, the path
// of that object for messages ("data", "data.terms") and the member name,
// and returns kInvalidArgument "<path>.<key>: <what is wrong>" on failure.
// Private to ledger/domain.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "crypto/status.h"
#include "ledger/domain/calendar.h"

namespace paraphe::ledger::internal {

std::string FieldPath(std::string_view path, std::string_view key);
Status FieldError(std::string_view path, std::string_view key,
                  std::string_view what);

// kInvalidArgument naming the first member not in `allowed`.
Status CheckNoUnknown(const boost::json::object& o, std::string_view path,
                      std::initializer_list<std::string_view> allowed);

// Non-empty string of at most 2000 bytes without control characters.
Result<std::string> GetText(const boost::json::object& o,
                            std::string_view path, std::string_view key);
// Identifier: 1..64 of [a-z0-9._-], starting with a letter or digit.
Result<std::string> GetId(const boost::json::object& o, std::string_view path,
                          std::string_view key);
bool IsValidId(std::string_view s);
// 64 lowercase hex digits.
Result<std::string> GetHash(const boost::json::object& o,
                            std::string_view path, std::string_view key);
bool IsHexSha256(std::string_view s);
// Non-negative integer (cents) within int64.
Result<int64_t> GetAmount(const boost::json::object& o, std::string_view path,
                          std::string_view key);
// Integer in [min, max].
Result<int64_t> GetInt(const boost::json::object& o, std::string_view path,
                       std::string_view key, int64_t min, int64_t max);
Result<Date> GetDate(const boost::json::object& o, std::string_view path,
                     std::string_view key);
Result<bool> GetBool(const boost::json::object& o, std::string_view path,
                     std::string_view key);
Result<std::string> GetEnum(const boost::json::object& o,
                            std::string_view path, std::string_view key,
                            std::initializer_list<std::string_view> allowed);
// base64url (unpadded) of a 32-byte Ed25519 public key; returns raw bytes.
Result<std::string> GetPublicKey(const boost::json::object& o,
                                 std::string_view path, std::string_view key);
// Non-empty array of distinct party roles (signatory, finance, clerk,
// committee).
Result<std::vector<std::string>> GetRoles(const boost::json::object& o,
                                          std::string_view path,
                                          std::string_view key);
Result<const boost::json::object*> GetObject(const boost::json::object& o,
                                             std::string_view path,
                                             std::string_view key);
Result<const boost::json::array*> GetArray(const boost::json::object& o,
                                           std::string_view path,
                                           std::string_view key);

}  // namespace paraphe::ledger::internal
