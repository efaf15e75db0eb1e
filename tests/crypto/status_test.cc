#include "crypto/status.h"

#include <gtest/gtest.h>

#include <string>

namespace paraphe {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.ToString(), "ok");
  EXPECT_EQ(Status::Ok(), s);
}

TEST(StatusTest, ToStringWithAndWithoutRule) {
  EXPECT_EQ(InvalidArgument("bad flag").ToString(),
            "invalid_argument: bad flag");
  EXPECT_EQ(RuleViolation("payment.twice", "already paid").ToString(),
            "rule_violation: [payment.twice] already paid");
}

TEST(StatusTest, WithContextKeepsCodeAndRule) {
  Status s =
      Unauthenticated("bad signature", "sig.rule").WithContext("event 7");
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(s.message(), "event 7: bad signature");
  EXPECT_EQ(s.rule(), "sig.rule");
  EXPECT_TRUE(Status::Ok().WithContext("x").ok());
}

TEST(StatusTest, CodeNames) {
  EXPECT_EQ(StatusCodeName(StatusCode::kOk), "ok");
  EXPECT_EQ(StatusCodeName(StatusCode::kInvalidArgument), "invalid_argument");
  EXPECT_EQ(StatusCodeName(StatusCode::kNotFound), "not_found");
  EXPECT_EQ(StatusCodeName(StatusCode::kConflict), "conflict");
  EXPECT_EQ(StatusCodeName(StatusCode::kRuleViolation), "rule_violation");
  EXPECT_EQ(StatusCodeName(StatusCode::kUnauthenticated), "unauthenticated");
  EXPECT_EQ(StatusCodeName(StatusCode::kPermissionDenied), "permission_denied");
  EXPECT_EQ(StatusCodeName(StatusCode::kDataLoss), "data_loss");
  EXPECT_EQ(StatusCodeName(StatusCode::kUnavailable), "unavailable");
  EXPECT_EQ(StatusCodeName(StatusCode::kResourceExhausted),
            "resource_exhausted");
  EXPECT_EQ(StatusCodeName(StatusCode::kInternal), "internal");
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<std::string> v = std::string("x");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, "x");
  EXPECT_TRUE(v.status().ok());
  Result<std::string> e = NotFound("nope");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kNotFound);
}

TEST(ResultTest, OkStatusBecomesInternal) {
  Result<int> r = Status::Ok();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  PARAPHE_ASSIGN_OR_RETURN(int h, Half(x));
  PARAPHE_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  PARAPHE_RETURN_IF_ERROR(Half(x).status());
  return Status::Ok();
}

TEST(ResultTest, Macros) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckEven(2).ok());
  EXPECT_EQ(CheckEven(3).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace paraphe
