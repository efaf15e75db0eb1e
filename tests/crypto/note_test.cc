#include "crypto/note.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "crypto/base64.h"
#include "tests/crypto/test_util.h"

namespace paraphe::crypto {
namespace {

namespace json = boost::json;
using testing::Str;

const std::string kDash = "\xe2\x80\x94";  // U+2014

json::value Vectors() {
  return testing::ReadJsonTestFile("signed_note_vectors.json");
}

// Go's sumdb skey: PRIVATE+KEY+<name>+<hexid>+base64(0x01 || seed).
struct GoSigner {
  std::string name;
  std::string id_hex;
  std::string seed;
};
GoSigner ParseGoSkey(std::string_view skey) {
  GoSigner out;
  std::vector<std::string_view> parts;
  size_t at = 0;
  for (int i = 0; i < 4; ++i) {
    size_t plus = skey.find('+', at);
    EXPECT_NE(plus, std::string_view::npos) << skey;
    parts.push_back(skey.substr(at, plus - at));
    at = plus + 1;
  }
  parts.push_back(skey.substr(at));
  EXPECT_EQ(parts[0], "PRIVATE");
  EXPECT_EQ(parts[1], "KEY");
  out.name = std::string(parts[2]);
  out.id_hex = std::string(parts[3]);
  Result<std::string> raw = Base64Decode(parts[4]);
  EXPECT_TRUE(raw.ok()) << raw.status().ToString();
  EXPECT_EQ(raw->size(), 33u);
  EXPECT_EQ((*raw)[0], '\x01');
  out.seed = raw->substr(1);
  return out;
}

NoteSigner SignerFromSkey(std::string_view skey) {
  GoSigner g = ParseGoSkey(skey);
  Result<PrivateKey> key = PrivateKey::FromSeed(g.seed);
  EXPECT_TRUE(key.ok());
  Result<NoteSigner> signer =
      NoteSigner::Create(g.name, std::move(key).value());
  EXPECT_TRUE(signer.ok()) << signer.status().ToString();
  return std::move(signer).value();
}

NoteVerifier VerifierFrom(std::string_view vkey) {
  Result<NoteVerifier> v = NoteVerifier::FromVerifierKey(vkey);
  EXPECT_TRUE(v.ok()) << vkey << ": " << v.status().ToString();
  return std::move(v).value();
}

std::string KeyIdHex(uint32_t id) {
  char buf[9];
  std::snprintf(buf, sizeof(buf), "%08x", id);
  return buf;
}

void ExpectInvalid(const Status& st, std::string_view message) {
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  EXPECT_EQ(st.message(), message);
}

// ------------------------------------------------------- published vectors

TEST(NoteTest, GoSumdbPeterNeumann) {
  json::value v = Vectors();
  const json::value& c = v.at("vectors").as_array()[0];
  ASSERT_EQ(Str(c.at("id")), "go-sumdb-note-PeterNeumann");
  NoteSigner signer = SignerFromSkey(Str(c.at("skey")));
  EXPECT_EQ(signer.name(), "PeterNeumann");
  EXPECT_EQ(KeyIdHex(signer.key_id()), Str(c.at("key_id_hex")));
  EXPECT_EQ(signer.Verifier().VerifierKey(), Str(c.at("vkey")));
  EXPECT_EQ(VerifierKeyString(signer.name(), signer.key().public_key()),
            Str(c.at("vkey")));
  // Deterministic re-signing reproduces the published note byte for byte.
  Result<std::string> signed_note = signer.Sign(Str(c.at("note_text")));
  ASSERT_TRUE(signed_note.ok()) << signed_note.status().ToString();
  EXPECT_EQ(*signed_note, Str(c.at("signed_note")));
  EXPECT_EQ(*signed_note,
            Str(c.at("note_text")) + "\n" + Str(c.at("signature_line")) + "\n");
  NoteVerifier verifier = VerifierFrom(Str(c.at("vkey")));
  Result<std::string> text = verifier.Open(Str(c.at("signed_note")));
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, Str(c.at("note_text")));
}

TEST(NoteTest, EveryPublishedVectorVerifies) {
  json::value v = Vectors();
  int checked = 0;
  for (const json::value& c : v.at("vectors").as_array()) {
    const json::object& o = c.as_object();
    std::string id = Str(c.at("id"));
    SCOPED_TRACE(id);
    NoteVerifier verifier = VerifierFrom(Str(c.at("vkey")));
    EXPECT_EQ(verifier.name(), Str(c.at("key_name")));
    EXPECT_EQ(KeyIdHex(verifier.key_id()), Str(c.at("key_id_hex")));
    EXPECT_EQ(verifier.VerifierKey(), Str(c.at("vkey")));
    EXPECT_EQ(KeyIdHex(NoteKeyId(verifier.name(), verifier.key())),
              Str(c.at("key_id_hex")));
    std::string text = Str(c.at("note_text"));
    std::vector<std::string> notes;
    if (o.contains("signed_note")) notes.push_back(Str(c.at("signed_note")));
    if (o.contains("signed_note_two_signatures")) {
      notes.push_back(Str(c.at("signed_note_two_signatures")));
    }
    // The note assembled from the text and the signature line.
    if (o.contains("signature_line")) {
      notes.push_back(text + "\n" + Str(c.at("signature_line")) + "\n");
    }
    ASSERT_FALSE(notes.empty());
    for (const std::string& note : notes) {
      Result<std::string> opened = verifier.Open(note);
      ASSERT_TRUE(opened.ok()) << opened.status().ToString();
      EXPECT_EQ(*opened, text);
      Result<Note> parsed = ParseNote(note);
      ASSERT_TRUE(parsed.ok());
      EXPECT_EQ(parsed->text, text);
    }
    if (o.contains("checkpoint")) {
      const json::value& cp = c.at("checkpoint");
      Result<Checkpoint> parsed = Checkpoint::Parse(text);
      ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
      EXPECT_EQ(parsed->origin, Str(cp.at("origin")));
      EXPECT_EQ(parsed->size, cp.at("tree_size").to_number<uint64_t>());
      EXPECT_EQ(HashBase64(parsed->root), Str(cp.at("root_hash_b64")));
      EXPECT_EQ(HashHex(parsed->root), Str(cp.at("root_hash_hex")));
      EXPECT_TRUE(parsed->extensions.empty());
      EXPECT_EQ(parsed->Body(), text);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 7);
}

// EnochRoot's key is Ed25519 from a zero seed (Go's example_test.go).
TEST(NoteTest, EnochRootFromZeroSeed) {
  json::value v = Vectors();
  const json::value& c = v.at("vectors").as_array()[1];
  ASSERT_EQ(Str(c.at("id")), "go-sumdb-note-EnochRoot");
  Result<PrivateKey> key = PrivateKey::FromSeed(std::string(32, '\0'));
  ASSERT_TRUE(key.ok());
  Result<NoteSigner> signer = NoteSigner::Create("EnochRoot", std::move(*key));
  ASSERT_TRUE(signer.ok());
  EXPECT_EQ(signer->Verifier().VerifierKey(), Str(c.at("vkey")));
  Result<std::string> note = signer->Sign(Str(c.at("note_text")));
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(*note,
            Str(c.at("note_text")) + "\n" + Str(c.at("signature_line")) + "\n");

  // The two-signature note opens with either key; Parse sees both.
  std::string two = Str(c.at("signed_note_two_signatures"));
  Result<Note> parsed = ParseNote(two);
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->signatures.size(), 2u);
  EXPECT_EQ(parsed->signatures[0].name, "PeterNeumann");
  EXPECT_EQ(parsed->signatures[0].key_id, 0xc74f20a3u);
  EXPECT_EQ(parsed->signatures[1].name, "EnochRoot");
  EXPECT_EQ(parsed->signatures[1].key_id, 0xaf0cfe78u);
  EXPECT_EQ(parsed->signatures[1].signature.size(), 64u);
  NoteVerifier peter =
      VerifierFrom(Str(v.at("vectors").as_array()[0].at("vkey")));
  EXPECT_TRUE(peter.Open(two).ok());
  EXPECT_TRUE(signer->Verifier().Open(two).ok());
}

TEST(NoteTest, KeyPairsFromTransparencyDevFormats) {
  json::value v = Vectors();
  int checked = 0;
  for (const json::value& pair : v.at("key_pairs").at("pairs").as_array()) {
    NoteSigner signer = SignerFromSkey(Str(pair.at("skey")));
    EXPECT_EQ(signer.Verifier().VerifierKey(), Str(pair.at("vkey")));
    GoSigner g = ParseGoSkey(Str(pair.at("skey")));
    EXPECT_EQ(KeyIdHex(signer.key_id()), g.id_hex);
    NoteVerifier verifier = VerifierFrom(Str(pair.at("vkey")));
    Result<std::string> note = signer.Sign("checkpoint\n1\nAAAA\n");
    ASSERT_TRUE(note.ok());
    EXPECT_TRUE(verifier.Open(*note).ok());
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

TEST(NoteTest, FormatOnlyExamplesParse) {
  json::value v = Vectors();
  const json::array& examples = v.at("format_only_examples").as_array();
  ASSERT_EQ(examples.size(), 4u);
  // C2SP intro example: text with an internal blank line; the split is at
  // the last blank line.
  Result<Note> poem = ParseNote(Str(examples[0].at("signed_note")));
  ASSERT_TRUE(poem.ok()) << poem.status().ToString();
  EXPECT_EQ(poem->text,
            "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di "
            "sole:\n\ned \xc3\xa8 subito sera.\n");
  ASSERT_EQ(poem->signatures.size(), 1u);
  EXPECT_EQ(poem->signatures[0].name, "quasimodo.example/salvatore");

  Result<Note> cp = ParseNote(Str(examples[1].at("signed_checkpoint")));
  ASSERT_TRUE(cp.ok());
  ASSERT_EQ(cp->signatures.size(), 1u);
  Result<Checkpoint> body = Checkpoint::Parse(cp->text);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(body->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(body->size, 20852163u);

  // Cosigned: the witness line is a 76-byte cosignature/v1 payload; parsed
  // as an opaque signature, ignored by an Ed25519 verifier of another key.
  Result<Note> cosigned = ParseNote(Str(examples[2].at("cosigned_checkpoint")));
  ASSERT_TRUE(cosigned.ok());
  ASSERT_EQ(cosigned->signatures.size(), 2u);
  EXPECT_EQ(cosigned->signatures[1].name, "witness.example.com/w1");
  const json::value& decoded = examples[2].at("decoded_witness_line_locally");
  EXPECT_EQ(cosigned->signatures[1].signature.size() + 4,
            decoded.at("payload_len").to_number<size_t>());
  EXPECT_EQ(KeyIdHex(cosigned->signatures[1].key_id),
            Str(decoded.at("key_id_hex")));

  // tlog tree body with a 12-digit size and the "hello world" record hash.
  Result<Checkpoint> tree = Checkpoint::Parse(Str(examples[3].at("tree_body")));
  ASSERT_TRUE(tree.ok()) << tree.status().ToString();
  EXPECT_EQ(tree->size, 123456789012u);
  EXPECT_EQ(tree->origin, "go.sum database tree");
  EXPECT_EQ(HashBase64(tree->root),
            "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=");
  EXPECT_EQ(tree->Body(), Str(examples[3].at("tree_body")));
}

// ------------------------------------------------ verification across keys

TEST(NoteTest, OpenWithTheWrongKey) {
  json::value v = Vectors();
  const json::array& pairs = v.at("key_pairs").at("pairs").as_array();
  NoteSigner a = SignerFromSkey(Str(pairs[0].at("skey")));
  NoteVerifier b = VerifierFrom(Str(pairs[1].at("vkey")));
  Result<std::string> note = a.Sign("hello\n");
  ASSERT_TRUE(note.ok());
  Result<std::string> opened = b.Open(*note);
  EXPECT_EQ(opened.status(),
            Unauthenticated("no signature by key Known+451c786d"));
  EXPECT_TRUE(a.Verifier().Open(*note).ok());

  // Same name and key id but a different key: the id collision case. The
  // signature is found and does not verify.
  Result<PrivateKey> other = PrivateKey::Generate();
  ASSERT_TRUE(other.ok());
  NoteVerifier impostor("Log", other->public_key());
  Result<Note> parsed = ParseNote(*note);
  ASSERT_TRUE(parsed.ok());
  std::string forged;
  // Re-label the line with the impostor's key id, keeping a's signature.
  std::string sig =
      std::string("\0\0\0\0", 4) + parsed->signatures[0].signature;
  for (int i = 0; i < 4; ++i) {
    sig[i] = static_cast<char>(impostor.key_id() >> (24 - 8 * i));
  }
  forged = parsed->text + "\n" + kDash + " Log " + Base64Encode(sig) + "\n";
  EXPECT_EQ(impostor.Open(forged).status(),
            Unauthenticated("signature by Log does not verify"));
}

TEST(NoteTest, TamperedTextDoesNotVerify) {
  json::value v = Vectors();
  const json::value& c = v.at("vectors").as_array()[0];
  NoteVerifier verifier = VerifierFrom(Str(c.at("vkey")));
  std::string note = Str(c.at("signed_note"));
  std::string tampered = note;
  tampered[3] ^= 0x20;  // "If you" -> "If You"
  EXPECT_EQ(verifier.Open(tampered).status(),
            Unauthenticated("signature by PeterNeumann does not verify"));
  // Appending a line to the text.
  std::string appended =
      Str(c.at("note_text")) + "P.S.\n\n" + Str(c.at("signature_line")) + "\n";
  EXPECT_EQ(verifier.Open(appended).status().code(),
            StatusCode::kUnauthenticated);
  // Flipping a signature byte.
  Result<Note> parsed = ParseNote(note);
  ASSERT_TRUE(parsed.ok());
  std::string sig =
      std::string("\xc7\x4f\x20\xa3", 4) + parsed->signatures[0].signature;
  sig[10] ^= 1;
  std::string bad_sig =
      parsed->text + "\n" + kDash + " PeterNeumann " + Base64Encode(sig) + "\n";
  EXPECT_EQ(verifier.Open(bad_sig).status(),
            Unauthenticated("signature by PeterNeumann does not verify"));
  // A good signature beside a bad one by the same key is refused, as Go's
  // note.Open refuses a repeated signature by a known key.
  EXPECT_EQ(verifier.Open(bad_sig + Str(c.at("signature_line")) + "\n").status(),
            Unauthenticated("note has more than one signature by key PeterNeumann+c74f20a3"));
}

// ------------------------------------------------------- malformed inputs

TEST(NoteTest, ParseRejections) {
  const std::string line =
      kDash +
      " PeterNeumann "
      "x08go/ZJkuBS9UG/"
      "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngo"
      "tpRZb6KE6RyyBwJnAM=\n";
  ASSERT_TRUE(ParseNote("text\n\n" + line).ok());

  ExpectInvalid(ParseNote("").status(),
                "note has no blank line before its signatures");
  ExpectInvalid(ParseNote("text\n" + line).status(),
                "note has no blank line before its signatures");
  ExpectInvalid(ParseNote("text\n\n").status(), "note has no signatures");
  ExpectInvalid(
      ParseNote("text\n\n" + line.substr(0, line.size() - 1)).status(),
      "note does not end with a newline");
  ExpectInvalid(ParseNote("text\n\n" + line + "\n").status(),
                "note has no signatures");  // trailing blank line
  ExpectInvalid(ParseNote("text\n\n- PeterNeumann AAAAAAAA\n").status(),
                "note signature line 1 does not start with \"\xe2\x80\x94 \"");
  ExpectInvalid(
      ParseNote("text\n\n" + line + kDash + "PeterNeumann AAAA\n").status(),
      "note signature line 2 does not start with \"\xe2\x80\x94 \"");
  ExpectInvalid(ParseNote("text\n\n" + kDash + " PeterNeumann\n").status(),
                "note signature line 1 has no space between name and "
                "signature");
  ExpectInvalid(ParseNote("text\n\n" + kDash + " PeterNeumann \n").status(),
                "note signature line 1 has an empty signature");
  ExpectInvalid(ParseNote("text\n\n" + kDash + "  AAAAAAAA\n").status(),
                "note signature line 1: key name is empty");
  ExpectInvalid(ParseNote("text\n\n" + kDash + " a+b AAAAAAAA\n").status(),
                "note signature line 1: key name has a '+' at byte 1");
  ExpectInvalid(
      ParseNote("text\n\n" + kDash + " name AAAAAAAA AAAA\n").status(),
      "note signature line 1: base64: length 13 is not a multiple of 4");
  ExpectInvalid(ParseNote("text\n\n" + kDash + " name AAAA*AAA\n").status(),
                "note signature line 1: base64: invalid character '*' at "
                "position 4");
  ExpectInvalid(ParseNote("text\n\n" + kDash + " name AAAAAA==\n").status(),
                "note signature line 1 signature is 4 bytes; need a 4-byte key "
                "id and a signature");
  ExpectInvalid(ParseNote("te\txt\n\n" + line).status(),
                "note has a control character at byte 2");
  ExpectInvalid(ParseNote("text\r\n\n" + line).status(),
                "note has a control character at byte 4");
  ExpectInvalid(ParseNote("t\xff"
                          "ext\n\n" +
                          line)
                    .status(),
                "note is not valid UTF-8 at byte 1");
  ExpectInvalid(ParseNote("t\xc0\xaf\n\n" + line).status(),  // overlong '/'
                "note is not valid UTF-8 at byte 1");

  // Signature count: 100 is the limit.
  std::string many = "text\n\n";
  for (int i = 0; i < 100; ++i) many += line;
  Result<Note> hundred = ParseNote(many);
  ASSERT_TRUE(hundred.ok()) << hundred.status().ToString();
  EXPECT_EQ(hundred->signatures.size(), 100u);
  ExpectInvalid(ParseNote(many + line).status(),
                "note has more than 100 signatures");

  // Size limit.
  std::string big(kMaxNoteBytes, 'a');
  big += "\n\n" + line;
  ExpectInvalid(ParseNote(big).status(),
                "note is " + std::to_string(big.size()) +
                    " bytes, over the limit of 1048576");
}

TEST(NoteTest, OpenPassesParseErrorsThrough) {
  Result<PrivateKey> key = PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  NoteVerifier v("k", key->public_key());
  ExpectInvalid(v.Open("no signatures\n").status(),
                "note has no blank line before its signatures");
}

TEST(NoteTest, SignRequirements) {
  Result<PrivateKey> key = PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  Result<NoteSigner> signer =
      NoteSigner::Create("example.com/log", std::move(*key));
  ASSERT_TRUE(signer.ok());
  ExpectInvalid(signer->Sign("no newline").status(),
                "note text must end with a newline");
  ExpectInvalid(signer->Sign("").status(), "note text must end with a newline");
  ExpectInvalid(signer->Sign("tab\there\n").status(),
                "note text has a control character at byte 3");
  // Blank lines inside the text are fine: the split is at the last one.
  Result<std::string> note = signer->Sign("a\n\nb\n\n");
  ASSERT_TRUE(note.ok());
  Result<std::string> text = signer->Verifier().Open(*note);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "a\n\nb\n\n");
  ExpectInvalid(signer->Sign(std::string(kMaxNoteBytes, 'a') + "\n").status(),
                "signed note would be " + std::to_string(kMaxNoteBytes + 115) +
                    " bytes, over the limit of 1048576");
}

TEST(NoteTest, KeyNames) {
  EXPECT_TRUE(ValidateKeyName("example.com/log").ok());
  EXPECT_TRUE(ValidateKeyName("caf\xc3\xa9").ok());
  ExpectInvalid(ValidateKeyName(""), "key name is empty");
  ExpectInvalid(ValidateKeyName("a b"),
                "key name has a space or control character at byte 1");
  ExpectInvalid(ValidateKeyName("a\nb"),
                "key name has a space or control character at byte 1");
  ExpectInvalid(ValidateKeyName("a\xc2\xa0"
                                "b"),  // NBSP
                "key name has a space or control character at byte 1");
  ExpectInvalid(ValidateKeyName("a\xe3\x80\x80"
                                "b"),  // ideographic space
                "key name has a space or control character at byte 1");
  ExpectInvalid(ValidateKeyName("a+b"), "key name has a '+' at byte 1");
  ExpectInvalid(ValidateKeyName("a\xff"),
                "key name is not valid UTF-8 at byte 1");
  Result<PrivateKey> key = PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  ExpectInvalid(NoteSigner::Create("bad name", std::move(*key)).status(),
                "key name has a space or control character at byte 3");
}

TEST(NoteTest, VerifierKeyRejections) {
  const std::string good =
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  ASSERT_TRUE(NoteVerifier::FromVerifierKey(good).ok());
  // Go accepts an upper-case id too.
  EXPECT_TRUE(NoteVerifier::FromVerifierKey(
                  "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/"
                  "LDE4izWy10TW")
                  .ok());
  auto err = [](std::string_view vkey) {
    return NoteVerifier::FromVerifierKey(vkey).status();
  };
  ExpectInvalid(err("PeterNeumann"),
                "verifier key is not of the form name+hexid+base64key");
  ExpectInvalid(err("PeterNeumann+c74f20a3"),
                "verifier key is not of the form name+hexid+base64key");
  ExpectInvalid(err("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
                "verifier key: key name is empty");
  ExpectInvalid(
      err("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
      "verifier key id must be 8 hex digits, got \"c74f20a\"");
  ExpectInvalid(
      err("PeterNeumann+c74f20ag+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
      "verifier key id: hex: invalid character 'g' at position 7");
  ExpectInvalid(
      err("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
      "verifier key id c74f20a4 does not match the key (want c74f20a3)");
  ExpectInvalid(
      err("PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
      "verifier key algorithm 2 is not supported; only 1 (Ed25519) is");
  ExpectInvalid(err("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq"),
                "verifier key: base64: length 31 is not a multiple of 4");
  ExpectInvalid(err("PeterNeumann+c74f20a3+ARpc"),
                "Ed25519 public key must be 32 bytes, got 2");
  ExpectInvalid(err("PeterNeumann+c74f20a3+"), "verifier key is empty");
}

// ---------------------------------------------------------------- checkpoint

TEST(CheckpointTest, BodyRoundTrip) {
  Checkpoint cp;
  cp.origin = "example.com/paraphe";
  cp.size = 0;
  cp.root = Sha256("");
  EXPECT_EQ(cp.Body(), "example.com/paraphe\n0\n" + HashBase64(cp.root) + "\n");
  cp.size = 18446744073709551615u;
  cp.extensions = {"ext one", "ext two"};
  std::string body = cp.Body();
  Result<Checkpoint> back = Checkpoint::Parse(body);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->origin, cp.origin);
  EXPECT_EQ(back->size, cp.size);
  EXPECT_EQ(back->root, cp.root);
  EXPECT_EQ(back->extensions, cp.extensions);
  EXPECT_EQ(back->Body(), body);
}

TEST(CheckpointTest, ParseRejections) {
  const std::string root = "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=";
  auto err = [](std::string_view body) {
    return Checkpoint::Parse(body).status();
  };
  ASSERT_TRUE(Checkpoint::Parse("o\n1\n" + root + "\n").ok());
  ExpectInvalid(err(""), "checkpoint body must end with a newline");
  ExpectInvalid(err("o\n1\n" + root),
                "checkpoint body must end with a newline");
  ExpectInvalid(err("o\n1\n"),
                "checkpoint body needs origin, size and root lines, has 2 "
                "lines");
  ExpectInvalid(err("\n1\n" + root + "\n"), "checkpoint origin is empty");
  ExpectInvalid(err("o\n\n" + root + "\n"), "checkpoint size is empty");
  ExpectInvalid(err("o\n01\n" + root + "\n"),
                "checkpoint size \"01\" has a leading zero");
  ExpectInvalid(err("o\n-1\n" + root + "\n"),
                "checkpoint size \"-1\" is not a decimal number");
  ExpectInvalid(err("o\n+1\n" + root + "\n"),
                "checkpoint size \"+1\" is not a decimal number");
  ExpectInvalid(err("o\n1 \n" + root + "\n"),
                "checkpoint size \"1 \" is not a decimal number");
  ExpectInvalid(err("o\n18446744073709551616\n" + root + "\n"),
                "checkpoint size \"18446744073709551616\" does not fit in 64 "
                "bits");
  ExpectInvalid(err("o\n1\nAAAA\n"), "checkpoint root is 3 bytes, want 32");
  ExpectInvalid(err("o\n1\n" + root.substr(0, 43) + "\n"),
                "checkpoint root: base64: length 43 is not a multiple of 4");
  ExpectInvalid(err("o\n1\n" + root + "\n\nafter blank\n"),
                "checkpoint extension line 4 is empty");
  EXPECT_TRUE(Checkpoint::Parse("o\n0\n" + root + "\n").ok());
}

}  // namespace
}  // namespace paraphe::crypto
