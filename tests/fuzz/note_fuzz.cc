// Fuzzes crypto/note.h: ParseNote, NoteVerifier::Open with the demo ledger's
// key, NoteVerifier::FromVerifierKey and Checkpoint::Parse, all on the same
// input. Invariants: rejections carry the documented codes; what parses
// re-serializes to exactly the input (signatures are strict base64, bodies
// strict decimal and base64), and an opened checkpoint's text is the text
// ParseNote saw.
#include <cctype>

#include "crypto/base64.h"
#include "crypto/note.h"
#include "tests/fuzz/fuzz_util.h"

using namespace paraphe;

namespace {

std::string SerializeNote(const crypto::Note& note) {
  std::string out = note.text + "\n";
  for (const auto& sig : note.signatures) {
    std::string raw(4, '\0');
    for (int i = 0; i < 4; ++i) {
      raw[i] = static_cast<char>((sig.key_id >> (24 - 8 * i)) & 0xff);
    }
    raw += sig.signature;
    out += "\xe2\x80\x94 " + sig.name + " " + crypto::Base64Encode(raw) + "\n";
  }
  return out;
}

void CheckCheckpoint(std::string_view body) {
  auto cp = crypto::Checkpoint::Parse(body);
  if (!cp.ok()) {
    FUZZ_CHECK_MSG(cp.status().code() == StatusCode::kInvalidArgument,
                   cp.status().ToString());
    return;
  }
  FUZZ_CHECK(!cp->origin.empty());
  FUZZ_CHECK_MSG(cp->Body() == body, cp->Body());
  auto again = crypto::Checkpoint::Parse(cp->Body());
  FUZZ_CHECK(again.ok() && again->size == cp->size && again->root == cp->root &&
             again->origin == cp->origin &&
             again->extensions == cp->extensions);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const crypto::NoteVerifier verifier = [] {
    auto v = crypto::NoteVerifier::FromVerifierKey(fuzz::DemoVerifierKey());
    FUZZ_CHECK_MSG(v.ok(), v.status().ToString());
    return std::move(*v);
  }();
  const std::string_view in = fuzz::AsText(data, size);

  auto note = crypto::ParseNote(in);
  if (note.ok()) {
    FUZZ_CHECK(!note->signatures.empty() && note->signatures.size() <= 100);
    FUZZ_CHECK(!note->text.empty() && note->text.back() == '\n');
    FUZZ_CHECK(SerializeNote(*note) == in);
  } else {
    FUZZ_CHECK_MSG(note.status().code() == StatusCode::kInvalidArgument,
                   note.status().ToString());
  }

  auto text = verifier.Open(in);
  if (text.ok()) {
    FUZZ_CHECK(note.ok() && *text == note->text);
    CheckCheckpoint(*text);
  } else {
    FUZZ_CHECK_MSG(text.status().code() == StatusCode::kInvalidArgument ||
                       text.status().code() == StatusCode::kUnauthenticated,
                   text.status().ToString());
    // Malformed notes fail as ParseNote does, well-formed ones as
    // unauthenticated.
    FUZZ_CHECK((text.status().code() == StatusCode::kUnauthenticated) ==
               note.ok());
  }

  CheckCheckpoint(in);

  auto vkey = crypto::NoteVerifier::FromVerifierKey(in);
  if (vkey.ok()) {
    // The hex key id may be in either case (as Go's note.NewVerifier
    // accepts); VerifierKey() writes lowercase.
    std::string lowered(in);
    const size_t id = lowered.find('+') + 1;
    for (size_t i = id; i < id + 8 && i < lowered.size(); ++i) {
      lowered[i] = static_cast<char>(
          std::tolower(static_cast<unsigned char>(lowered[i])));
    }
    FUZZ_CHECK_MSG(vkey->VerifierKey() == lowered, vkey->VerifierKey());
    FUZZ_CHECK(crypto::ValidateKeyName(vkey->name()).ok());
  } else {
    FUZZ_CHECK_MSG(vkey.status().code() == StatusCode::kInvalidArgument,
                   vkey.status().ToString());
  }
  return 0;
}
