// Status and Result<T>: how every fallible function in Paraphe reports
// failure. In the spirit of absl::Status / absl::StatusOr, small enough to
// compile with GCC 12 and clang 14 (no std::expected).
//
// A Status is a code from one small enum, a message a person can act on and,
// for domain rejections, a stable rule id ("payment.before_notification").
// Which code to use:
//   kInvalidArgument    malformed input (bad JSON, bad base64, bad flag).
//   kNotFound           the named thing does not exist.
//   kConflict           a lost optimistic race: expected version is stale.
//   kRuleViolation      well-formed and authenticated, but the convention's
//                       clauses forbid it now (absl's kFailedPrecondition).
//   kUnauthenticated    bad signature, unknown or revoked key.
//   kPermissionDenied   the key is valid but its party/role may not do this.
//   kDataLoss           stored data is corrupt or does not match its proofs.
//   kUnavailable        transient: queue full, I/O error, disk full.
//   kResourceExhausted  input over a configured size limit.
//   kInternal           a bug.
//
// Thread-safety: values; safe to copy and move between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace paraphe {

enum class StatusCode : uint8_t {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kConflict,
  kRuleViolation,
  kUnauthenticated,
  kPermissionDenied,
  kDataLoss,
  kUnavailable,
  kResourceExhausted,
  kInternal,
};

// "ok", "invalid_argument", ...: stable names used in JSON and logs.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message, std::string rule = {})
      : code_(code), message_(std::move(message)), rule_(std::move(rule)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Stable rule id for domain rejections, empty otherwise.
  const std::string& rule() const { return rule_; }

  // "rule_violation: [payment.twice] the installment was already paid".
  std::string ToString() const;

  // Returns a copy whose message is "context: message".
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_ && a.rule_ == b.rule_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string rule_;
};

inline Status InvalidArgument(std::string m) {
  return Status(StatusCode::kInvalidArgument, std::move(m));
}
inline Status NotFound(std::string m) {
  return Status(StatusCode::kNotFound, std::move(m));
}
inline Status Conflict(std::string m) {
  return Status(StatusCode::kConflict, std::move(m));
}
inline Status RuleViolation(std::string rule, std::string m) {
  return Status(StatusCode::kRuleViolation, std::move(m), std::move(rule));
}
inline Status Unauthenticated(std::string m, std::string rule = {}) {
  return Status(StatusCode::kUnauthenticated, std::move(m), std::move(rule));
}
inline Status PermissionDenied(std::string m, std::string rule = {}) {
  return Status(StatusCode::kPermissionDenied, std::move(m), std::move(rule));
}
inline Status DataLoss(std::string m) {
  return Status(StatusCode::kDataLoss, std::move(m));
}
inline Status Unavailable(std::string m) {
  return Status(StatusCode::kUnavailable, std::move(m));
}
inline Status ResourceExhausted(std::string m) {
  return Status(StatusCode::kResourceExhausted, std::move(m));
}
inline Status Internal(std::string m) {
  return Status(StatusCode::kInternal, std::move(m));
}

// Result<T>: either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    if (std::get<Status>(v_).ok()) {
      v_ = Status(StatusCode::kInternal, "Result built from an OK status");
    }
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }

  // Requires ok().
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace paraphe

// Early return on error. PARAPHE_RETURN_IF_ERROR(expr) works on a Status;
// PARAPHE_ASSIGN_OR_RETURN(lhs, expr) on a Result<T>.
#define PARAPHE_RETURN_IF_ERROR(expr)          \
  do {                                         \
    ::paraphe::Status paraphe_st_ = (expr);    \
    if (!paraphe_st_.ok()) return paraphe_st_; \
  } while (0)

#define PARAPHE_CONCAT_INNER_(a, b) a##b
#define PARAPHE_CONCAT_(a, b) PARAPHE_CONCAT_INNER_(a, b)
#define PARAPHE_ASSIGN_OR_RETURN(lhs, expr) \
  PARAPHE_ASSIGN_OR_RETURN_IMPL_(PARAPHE_CONCAT_(paraphe_r_, __LINE__), lhs, expr)
#define PARAPHE_ASSIGN_OR_RETURN_IMPL_(r, lhs, expr) \
  auto r = (expr);                                   \
  if (!r.ok()) return r.status();                    \
  lhs = std::move(r).value()
