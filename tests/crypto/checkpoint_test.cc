// crypto::OpenCheckpoint: each check it makes, forged one at a time, with the
// exact code and rule id (crypto/note.h, docs/FORMAT.md section 5).
#include <gtest/gtest.h>

#include <string>

#include "crypto/base64.h"
#include "crypto/note.h"

namespace paraphe::crypto {
namespace {

const std::string kDash = "\xe2\x80\x94";  // U+2014

NoteSigner MakeSigner(std::string name) {
  Result<PrivateKey> key = PrivateKey::Generate();
  EXPECT_TRUE(key.ok());
  Result<NoteSigner> s = NoteSigner::Create(std::move(name), std::move(key).value());
  EXPECT_TRUE(s.ok());
  return std::move(s).value();
}

Checkpoint MakeCheckpoint(std::string origin, uint64_t size) {
  Checkpoint cp;
  cp.origin = std::move(origin);
  cp.size = size;
  cp.root = Sha256("root of " + std::to_string(size));
  return cp;
}

std::string SignBody(const NoteSigner& signer, std::string_view body) {
  Result<std::string> note = signer.Sign(body);
  EXPECT_TRUE(note.ok()) << note.status().ToString();
  return *note;
}

void ExpectError(const Status& st, StatusCode code, std::string_view rule,
                 std::string_view message) {
  EXPECT_EQ(st.code(), code) << st.ToString();
  EXPECT_EQ(st.rule(), rule) << st.ToString();
  EXPECT_EQ(st.message(), message) << st.ToString();
}

class OpenCheckpointTest : public ::testing::Test {
 protected:
  NoteSigner log_ = MakeSigner("example.com/log");
  NoteVerifier verifier_ = log_.Verifier();
  Checkpoint cp_ = MakeCheckpoint("example.com/log", 7);
  std::string note_ = SignBody(log_, cp_.Body());
  std::string id_ = [&] {
    std::string vkey = verifier_.VerifierKey();
    return vkey.substr(0, vkey.find('+', vkey.find('+') + 1));
  }();  // "name+hexid"
};

TEST_F(OpenCheckpointTest, OpensAGoodCheckpoint) {
  Result<Checkpoint> got = OpenCheckpoint(verifier_, note_, {.size = 7, .root = cp_.root});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->origin, "example.com/log");
  EXPECT_EQ(got->size, 7u);
  EXPECT_EQ(got->root, cp_.root);
  EXPECT_TRUE(OpenCheckpoint(verifier_, note_).ok());
}

TEST_F(OpenCheckpointTest, WrongKeyIsUnauthenticated) {
  NoteSigner other = MakeSigner("example.com/log");  // same name, other key
  std::string forged = SignBody(other, cp_.Body());
  ExpectError(OpenCheckpoint(verifier_, forged).status(), StatusCode::kUnauthenticated,
              kRuleCheckpointSignature, "checkpoint: no signature by key " + id_);
}

TEST_F(OpenCheckpointTest, BadSignatureIsUnauthenticated) {
  // The signed body altered after signing: size 7 -> 8.
  std::string forged = note_;
  forged.replace(forged.find("\n7\n"), 3, "\n8\n");
  ExpectError(OpenCheckpoint(verifier_, forged).status(), StatusCode::kUnauthenticated,
              kRuleCheckpointSignature,
              "checkpoint: signature by example.com/log does not verify");
}

TEST_F(OpenCheckpointTest, OriginOtherThanTheKeyNameIsUnauthenticated) {
  // Validly signed by the pinned key, but for another log's origin.
  std::string other_origin = SignBody(log_, MakeCheckpoint("example.com/other", 7).Body());
  ExpectError(OpenCheckpoint(verifier_, other_origin).status(), StatusCode::kUnauthenticated,
              kRuleCheckpointOrigin,
              "checkpoint names origin \"example.com/other\", but is signed by the key of "
              "\"example.com/log\"");
}

TEST_F(OpenCheckpointTest, MalformedBodyIsInvalidArgument) {
  // Validly signed, but the size has a leading zero.
  std::string bad = SignBody(log_, "example.com/log\n07\n" + HashBase64(cp_.root) + "\n");
  ExpectError(OpenCheckpoint(verifier_, bad).status(), StatusCode::kInvalidArgument,
              kRuleCheckpointMalformed, "checkpoint size \"07\" has a leading zero");
  // Two lines only.
  std::string short_body = SignBody(log_, "example.com/log\n7\n");
  ExpectError(OpenCheckpoint(verifier_, short_body).status(), StatusCode::kInvalidArgument,
              kRuleCheckpointMalformed,
              "checkpoint body needs origin, size and root lines, has 2 lines");
}

TEST_F(OpenCheckpointTest, MalformedNoteIsInvalidArgument) {
  ExpectError(OpenCheckpoint(verifier_, cp_.Body()).status(), StatusCode::kInvalidArgument,
              kRuleCheckpointMalformed,
              "checkpoint: note has no blank line before its signatures");
}

TEST_F(OpenCheckpointTest, SizeOrRootOtherThanExpectedIsInvalidArgument) {
  ExpectError(OpenCheckpoint(verifier_, note_, {.size = 8}).status(),
              StatusCode::kInvalidArgument, kRuleCheckpointSize,
              "checkpoint size 7 differs from the expected 8");
  const Hash other = Sha256("other");
  ExpectError(OpenCheckpoint(verifier_, note_, {.size = 7, .root = other}).status(),
              StatusCode::kInvalidArgument, kRuleCheckpointRoot,
              "checkpoint root " + HashBase64(cp_.root) + " differs from the expected " +
                  HashBase64(other));
}

TEST_F(OpenCheckpointTest, ExtensionLinesAreAcceptedAndIgnored) {
  Checkpoint ext = cp_;
  ext.extensions = {"an extension", "another"};
  Result<Checkpoint> got =
      OpenCheckpoint(verifier_, SignBody(log_, ext.Body()), {.size = 7, .root = cp_.root});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->extensions, ext.extensions);
}

TEST_F(OpenCheckpointTest, OtherKeysLinesAreIgnored) {
  // A cosigner's line (another name) and a line by another key of the same
  // name: neither counts, neither hurts.
  NoteSigner witness = MakeSigner("witness.example");
  NoteSigner same_name = MakeSigner("example.com/log");
  std::string witness_line = SignBody(witness, cp_.Body()).substr(cp_.Body().size() + 1);
  std::string same_name_line = SignBody(same_name, cp_.Body()).substr(cp_.Body().size() + 1);
  std::string cosigned = note_ + witness_line + same_name_line;
  Result<Checkpoint> got = OpenCheckpoint(verifier_, cosigned);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  // Without the pinned key's own line, the others do not open it.
  std::string only_others = cp_.Body() + "\n" + witness_line + same_name_line;
  ExpectError(OpenCheckpoint(verifier_, only_others).status(), StatusCode::kUnauthenticated,
              kRuleCheckpointSignature, "checkpoint: no signature by key " + id_);
}

TEST_F(OpenCheckpointTest, TwoLinesByThePinnedKeyAreRefused) {
  std::string own_line = note_.substr(cp_.Body().size() + 1);
  ExpectError(OpenCheckpoint(verifier_, note_ + own_line).status(),
              StatusCode::kUnauthenticated, kRuleCheckpointSignature,
              "checkpoint: note has more than one signature by key " + id_);
}

TEST(ReadCheckpointUnverifiedTest, ReadsTheClaimWithoutAKey) {
  NoteSigner anyone = MakeSigner("anyone");
  Checkpoint cp = MakeCheckpoint("claimed.origin", 3);
  Result<Checkpoint> got = ReadCheckpointUnverified(SignBody(anyone, cp.Body()));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->origin, "claimed.origin");
  EXPECT_EQ(got->size, 3u);
  ExpectError(ReadCheckpointUnverified(cp.Body()).status(), StatusCode::kInvalidArgument,
              kRuleCheckpointMalformed,
              "checkpoint: note has no blank line before its signatures");
}

}  // namespace
}  // namespace paraphe::crypto
