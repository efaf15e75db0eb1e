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

// Texts: a non-empty string of at most 2000 bytes of valid UTF-8 in which
// no code point is a C0 control (U+0000-U+001F), DEL (U+007F), a C1 control
// (U+0080-U+009F), a Unicode Bidi_Control (U+061C, U+200E, U+200F,
// U+202A-U+202E, U+2066-U+2069) or a line/paragraph separator (U+2028,
// U+2029). A single-line text (names, titles, references, reasons) allows
// none of them; a multi-line text allows newline (U+000A) and tab (U+0009)
// only. The error names the field and the code point: `field
// "data.signatory": control character U+000A is not allowed in a single-line
// text`. Every text field of an event is read by one of these two.
Result<std::string> GetSingleLineText(const boost::json::object& o,
                                      std::string_view path,
                                      std::string_view key);
Result<std::string> GetMultiLineText(const boost::json::object& o,
                                     std::string_view path,
                                     std::string_view key);
// The check behind both, on a string already read; `field` is the path used
// in the message.
Status CheckText(std::string_view s, std::string_view field, bool multi_line);

// Identifier: 1..64 of [a-z0-9._-], starting with a letter or digit.
Result<std::string> GetId(const boost::json::object& o, std::string_view path,
                          std::string_view key);
bool IsValidId(std::string_view s);
// Reference issued by an outside system (mandat, bordereau, letter id,
// postal tracking number, bank reference): 1..64 ASCII characters of
// [A-Za-z0-9], '.', '_', '-', '/' and single spaces, starting and ending
// with a letter or digit. ASCII only, so no two distinct references look
// alike.
Result<std::string> GetReference(const boost::json::object& o,
                                 std::string_view path, std::string_view key);
bool IsValidReference(std::string_view s);
// Key id: an RFC 7638 thumbprint, 43 characters of base64url.
Result<std::string> GetKid(const boost::json::object& o, std::string_view path,
                           std::string_view key);

// `s` as it may appear inside an error message: printable ASCII kept,
// every other byte written as \xNN, so that no input can add a line or a
// control sequence to a message.
std::string EscapeForMessage(std::string_view s);
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
