#include "crypto/proof_text.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/base64.h"
#include "crypto/merkle.h"
#include "crypto/note.h"

namespace paraphe::crypto {
namespace {

// `paraphe proof inclusion --seq 5` on the demo ledger (`paraphe demo`).
const std::string kCheckpoint =
    "paraphe.demo/ledger\n"
    "14\n"
    "Hcj8KjpUU14fdhppS9eae0UN93qgXLztqSiGZ5pUZYY=\n"
    "\n"
    "\xe2\x80\x94 paraphe.demo/ledger "
    "AEdnQHkdJt0Jz7hKcemTERANwcm73NfqaQIw844wE1cpTnvgmz5TuQfzeFfBHyyThVkC6fLP"
    "w1uSTznoEJGNDCU7jAU=\n";
const std::string kProofLines =
    "NqXnk90iyIbtoiUavshH/EylFJNCWVYhoEZNYPIibHs=\n"
    "Y5DUt/xFTC0Y0pSyMFke+gOzniZWZ6yVw2HSnWD+rHc=\n"
    "twXHIi+0p4uZf+J2tKtMLFBnaxMmYIZy5BSsyt17WyY=\n"
    "Fc2mccO5vOJ9E215ltkqfYx1SEWIXrIDtNn0YjsJkg8=\n";
const std::string kProof =
    "c2sp.org/tlog-proof@v1\nindex 5\n" + kProofLines + "\n" + kCheckpoint;
const std::string kVerifierKey =
    "paraphe.demo/ledger+00476740+Aa8G5nrjUSAX2tJf6Pc5OACFMSmG+NCpkMqMnjfrRn2H";
const std::string kLeafHash = "qIZdvLnBkP6u/Zfx2X4XYoYWJOdTwJscC76JD2QZj/4=";

Hash HashFrom(const std::string& b64) {
  Result<std::string> raw = Base64Decode(b64);
  EXPECT_TRUE(raw.ok());
  Hash h{};
  std::copy(raw->begin(), raw->end(), h.begin());
  return h;
}

std::string Message(std::string_view text) {
  Result<TlogProof> p = ParseTlogProof(text);
  EXPECT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
  return p.status().message();
}

TEST(ProofTextTest, ParsesAndVerifiesARealReceipt) {
  Result<TlogProof> p = ParseTlogProof(kProof);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->index, 5u);
  EXPECT_EQ(p->extra, "");
  ASSERT_EQ(p->proof.size(), 4u);
  EXPECT_EQ(HashBase64(p->proof[0]),
            "NqXnk90iyIbtoiUavshH/EylFJNCWVYhoEZNYPIibHs=");
  EXPECT_EQ(HashBase64(p->proof[3]),
            "Fc2mccO5vOJ9E215ltkqfYx1SEWIXrIDtNn0YjsJkg8=");
  EXPECT_EQ(p->checkpoint, kCheckpoint);

  // What the parsed proof is for: it verifies against the pinned key.
  auto verifier = NoteVerifier::FromVerifierKey(kVerifierKey);
  ASSERT_TRUE(verifier.ok());
  auto body = verifier->Open(p->checkpoint);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  auto cp = Checkpoint::Parse(*body);
  ASSERT_TRUE(cp.ok());
  EXPECT_TRUE(VerifyInclusion(p->index, cp->size, HashFrom(kLeafHash), p->proof,
                              cp->root)
                  .ok());
}

TEST(ProofTextTest, ExtraLineIsDecoded) {
  Result<TlogProof> p = ParseTlogProof(
      "c2sp.org/tlog-proof@v1\nextra aGVsbG8=\nindex 0\n\n" + kCheckpoint);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->extra, "hello");
  EXPECT_EQ(p->index, 0u);
  EXPECT_TRUE(p->proof.empty());
}

TEST(ProofTextTest, IndexLimits) {
  auto p = ParseTlogProof(
      "c2sp.org/tlog-proof@v1\nindex 18446744073709551615\n\n" + kCheckpoint);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->index, UINT64_MAX);
  EXPECT_EQ(Message("c2sp.org/tlog-proof@v1\nindex 18446744073709551616\n\n" +
                    kCheckpoint),
            "line 2: index: not a decimal number");
  EXPECT_EQ(Message("c2sp.org/tlog-proof@v1\nindex 05\n\n" + kCheckpoint),
            "line 2: index: not a decimal number without leading zeros");
  EXPECT_EQ(Message("c2sp.org/tlog-proof@v1\nindex \n\n" + kCheckpoint),
            "line 2: index: not a decimal number without leading zeros");
  EXPECT_EQ(Message("c2sp.org/tlog-proof@v1\nindex -1\n\n" + kCheckpoint),
            "line 2: index: not a decimal number");
  EXPECT_EQ(Message("c2sp.org/tlog-proof@v1\nindex 5\r\n\n" + kCheckpoint),
            "line 2: index: not a decimal number");
}

TEST(ProofTextTest, RejectsMalformedStructure) {
  EXPECT_EQ(Message(""), "line 1: expected \"c2sp.org/tlog-proof@v1\"");
  EXPECT_EQ(Message("c2sp.org/tlog-proof@v2\nindex 5\n\n" + kCheckpoint),
            "line 1: expected \"c2sp.org/tlog-proof@v1\"");
  EXPECT_EQ(Message("c2sp.org/tlog-proof@v1"),
            "line 1: expected \"c2sp.org/tlog-proof@v1\"");
  EXPECT_EQ(Message("c2sp.org/tlog-proof@v1\n"),
            "line 1: unexpected end of proof");
  EXPECT_EQ(Message("c2sp.org/tlog-proof@v1\nextra aGVsbG8=\n"),
            "line 2: unexpected end of proof");
  EXPECT_EQ(
      Message("c2sp.org/tlog-proof@v1\nextra !!\nindex 0\n\n" + kCheckpoint),
      "line 2: extra: not standard base64");
  EXPECT_EQ(Message("c2sp.org/tlog-proof@v1\nleaf 5\n\n" + kCheckpoint),
            "line 2: expected \"index N\"");
  EXPECT_EQ(Message("c2sp.org/tlog-proof@v1\nindex 5\n" + kProofLines),
            "line 6: missing blank line before the checkpoint");
  EXPECT_EQ(Message("c2sp.org/tlog-proof@v1\nindex 5\n" + kProofLines + "\n"),
            "line 7: missing checkpoint");
}

TEST(ProofTextTest, RejectsBadHashes) {
  EXPECT_EQ(Message("c2sp.org/tlog-proof@v1\nindex 5\n"
                    "NqXnk90iyIbtoiUavshH/EylFJNCWVYhoEZNYPIibA==\n\n" +
                    kCheckpoint),
            "line 3: proof hash: a hash must be 32 bytes, got 31");
  std::string m = Message(
      "c2sp.org/tlog-proof@v1\nindex 5\n"
      "NqXnk90iyIbtoiUavshH_EylFJNCWVYhoEZNYPIibHs=\n\n" +
      kCheckpoint);
  EXPECT_EQ(m.rfind("line 3: proof hash: not standard base64 (", 0), 0u) << m;
  // Trailing whitespace is not part of standard base64.
  m = Message(
      "c2sp.org/tlog-proof@v1\nindex 5\n"
      "NqXnk90iyIbtoiUavshH/EylFJNCWVYhoEZNYPIibHs= \n\n" +
      kCheckpoint);
  EXPECT_EQ(m.rfind("line 3: proof hash: not standard base64 (", 0), 0u) << m;
}

}  // namespace
}  // namespace paraphe::crypto
