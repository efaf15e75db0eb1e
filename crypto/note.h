// C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys, and
// C2SP tlog-checkpoint bodies (https://c2sp.org/tlog-checkpoint).
//
//   note      = text (ends with "\n") || "\n" || signature lines
//   sig line  = "— " name " " base64(key_id[4] || ed25519 sig[64]) "\n"
//   key id    = SHA-256(name || 0x0A || 0x01 || pubkey)[:4], big endian
//   vkey      = name "+" hex8(key id) "+" base64(0x01 || pubkey)
//   checkpoint body = origin "\n" decimal size "\n" base64(root) "\n" ext*
//
// Go's golang.org/x/mod/sumdb/note accepts what these functions produce.
// Errors: kInvalidArgument for malformed notes, keys or bodies (each with
// its own message); kUnauthenticated when no signature by the expected key
// verifies.
//
// Thread-safety: NoteSigner and NoteVerifier are immutable after creation
// and safe to share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "crypto/status.h"

namespace paraphe::crypto {

inline constexpr size_t kMaxNoteBytes = 1 << 20;

// A key name is non-empty UTF-8 without spaces, newlines or '+'.
Status ValidateKeyName(std::string_view name);
uint32_t NoteKeyId(std::string_view name, const PublicKey& key);
std::string VerifierKeyString(std::string_view name, const PublicKey& key);

struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  std::string signature;  // bytes after the key id (64 for Ed25519)
};

struct Note {
  std::string text;  // includes its final "\n"
  std::vector<NoteSignature> signatures;
};

// Splits a signed note into text and signature lines (no verification).
// kInvalidArgument when: over kMaxNoteBytes; not UTF-8 or has a control
// character other than "\n"; no blank line; no signature line; not ending
// in "\n"; a line not of the form "— name base64\n" (bad name, bad base64,
// fewer than 5 bytes); more than 100 signatures.
Result<Note> ParseNote(std::string_view note);

class NoteVerifier {
 public:
  // Parses "name+hexid+base64(0x01||pub)"; checks that the id matches.
  static Result<NoteVerifier> FromVerifierKey(std::string_view vkey);
  NoteVerifier(std::string name, PublicKey key);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  const PublicKey& key() const { return key_; }
  std::string VerifierKey() const;

  // Verifies that the note carries a valid signature by this key and
  // returns its text. Lines by other keys (another name, or this name with
  // another key id) are ignored, as C2SP requires of unknown keys. As Go's
  // note.Open: ParseNote's errors for a malformed note; kUnauthenticated
  // "note has more than one signature by key <name>+<hexid>" when two lines
  // carry this name and key id, "no signature by key <name>+<hexid>" when
  // none does, or "signature by <name> does not verify" when that line does
  // not verify.
  Result<std::string> Open(std::string_view note) const;

 private:
  std::string name_;
  PublicKey key_;
  uint32_t key_id_ = 0;
};

class NoteSigner {
 public:
  // kInvalidArgument for a bad name.
  static Result<NoteSigner> Create(std::string name, PrivateKey key);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  NoteVerifier Verifier() const { return NoteVerifier(name_, key_.public_key()); }
  const PrivateKey& key() const { return key_; }

  // Returns the whole signed note. kInvalidArgument unless text ends with
  // "\n" and is UTF-8 without control characters other than "\n" (what
  // ParseNote accepts), or if the note would exceed kMaxNoteBytes. The text
  // may contain blank lines: ParseNote splits at the last one.
  Result<std::string> Sign(std::string_view text) const;

 private:
  NoteSigner(std::string name, PrivateKey key);
  std::string name_;
  PrivateKey key_;
  uint32_t key_id_ = 0;
};

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;  // extra lines, without "\n"

  std::string Body() const;
  // Strict: origin non-empty, size decimal without leading zeros, root
  // exactly 32 bytes of standard base64, every line ends with "\n".
  static Result<Checkpoint> Parse(std::string_view body);
};

// What a caller knows of the checkpoint it opens, besides its key.
struct CheckpointExpect {
  std::optional<uint64_t> size = std::nullopt;
  std::optional<Hash> root = std::nullopt;
};

// Stable rule ids of OpenCheckpoint's errors (Status::rule()).
inline constexpr std::string_view kRuleCheckpointMalformed = "checkpoint.malformed";
inline constexpr std::string_view kRuleCheckpointSignature = "checkpoint.signature";
inline constexpr std::string_view kRuleCheckpointOrigin = "checkpoint.origin";
inline constexpr std::string_view kRuleCheckpointSize = "checkpoint.size";
inline constexpr std::string_view kRuleCheckpointRoot = "checkpoint.root";

// THE way to trust a checkpoint (docs/FORMAT.md section 5); every caller
// that acts on a checkpoint's size or root opens it with this. In order:
//  1. the note parses and carries exactly one line by `verifier`'s name and
//     key id, and it verifies (NoteVerifier::Open); lines by other keys,
//     cosignatures included, are ignored;
//  2. the text is a strict checkpoint body (Checkpoint::Parse); extension
//     lines after the root are accepted, returned, and given no meaning;
//  3. the origin equals the verifier key's name: a key vouches only for its
//     own log;
//  4. `expect.size` and `expect.root`, when set, equal the checkpoint's.
// Errors (message from the step, rule id as above):
//  kInvalidArgument [checkpoint.malformed]: the note or the body is
//    malformed;
//  kUnauthenticated [checkpoint.signature]: no line by the key, two lines
//    by the key, or its line does not verify;
//  kUnauthenticated [checkpoint.origin]: signed by the key but names another
//    origin (the key did not vouch for this log);
//  kInvalidArgument [checkpoint.size] / [checkpoint.root]: an authentic
//    checkpoint, but not the tree the caller expected.
// A caller opening its own stored checkpoint (the ledger at open, the bundle
// writer) maps any error to kDataLoss at its boundary, once.
Result<Checkpoint> OpenCheckpoint(const NoteVerifier& verifier,
                                  std::string_view note,
                                  const CheckpointExpect& expect = {});

// Reads what a checkpoint note CLAIMS, checking no signature: for display
// and for sizing a download only, never as a basis for trust (use
// OpenCheckpoint). kInvalidArgument [checkpoint.malformed] as OpenCheckpoint.
Result<Checkpoint> ReadCheckpointUnverified(std::string_view note);

}  // namespace paraphe::crypto
