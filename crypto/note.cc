#include "crypto/note.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "crypto/base64.h"

namespace paraphe::crypto {
namespace {

constexpr std::string_view kSigPrefix = "\xe2\x80\x94 ";  // "— "
constexpr uint8_t kAlgEd25519 = 0x01;
constexpr size_t kMaxSignatures = 100;

// Decodes the UTF-8 sequence at s[i]; returns its code point and sets len,
// or returns -1 for an invalid sequence (overlong, surrogate, > U+10FFFF,
// truncated), like Go's utf8.DecodeRune.
int32_t DecodeRune(std::string_view s, size_t i, size_t& len) {
  auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t c = b(i);
  len = 1;
  if (c < 0x80) return c;
  int32_t cp;
  size_t n;
  int32_t min;
  if ((c & 0xe0) == 0xc0) {
    cp = c & 0x1f, n = 2, min = 0x80;
  } else if ((c & 0xf0) == 0xe0) {
    cp = c & 0x0f, n = 3, min = 0x800;
  } else if ((c & 0xf8) == 0xf0) {
    cp = c & 0x07, n = 4, min = 0x10000;
  } else {
    return -1;
  }
  if (i + n > s.size()) return -1;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return -1;
    cp = (cp << 6) | (b(i + k) & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
  len = n;
  return cp;
}

// Go's unicode.IsSpace.
bool IsSpace(int32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200a;
  }
}

// Note text (and whole notes) must be UTF-8 without control characters
// other than newline, as Go's note.Open requires.
Status ValidateText(std::string_view text, std::string_view what) {
  for (size_t i = 0; i < text.size();) {
    size_t len;
    int32_t r = DecodeRune(text, i, len);
    if (r < 0) {
      return InvalidArgument(std::string(what) +
                             " is not valid UTF-8 at byte " +
                             std::to_string(i));
    }
    if (r < 0x20 && r != '\n') {
      return InvalidArgument(std::string(what) +
                             " has a control character at byte " +
                             std::to_string(i));
    }
    i += len;
  }
  return Status::Ok();
}

std::string KeyIdHex(uint32_t id) {
  char buf[9];
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) buf[i] = kHex[(id >> (28 - 4 * i)) & 15];
  buf[8] = '\0';
  return buf;
}

std::string KeyIdBytes(uint32_t id) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) {
    out[i] = static_cast<char>((id >> (24 - 8 * i)) & 0xff);
  }
  return out;
}

uint32_t ReadKeyId(std::string_view b) {
  uint32_t id = 0;
  for (int i = 0; i < 4; ++i) id = (id << 8) | static_cast<uint8_t>(b[i]);
  return id;
}

}  // namespace

Status ValidateKeyName(std::string_view name) {
  if (name.empty()) return InvalidArgument("key name is empty");
  for (size_t i = 0; i < name.size();) {
    size_t len;
    int32_t r = DecodeRune(name, i, len);
    if (r < 0) {
      return InvalidArgument("key name is not valid UTF-8 at byte " +
                             std::to_string(i));
    }
    if (IsSpace(r) || r < 0x20) {
      return InvalidArgument(
          "key name has a space or control character at "
          "byte " +
          std::to_string(i));
    }
    if (r == '+') {
      return InvalidArgument("key name has a '+' at byte " + std::to_string(i));
    }
    i += len;
  }
  return Status::Ok();
}

uint32_t NoteKeyId(std::string_view name, const PublicKey& key) {
  static constexpr char kSep[2] = {'\n', static_cast<char>(kAlgEd25519)};
  Hash h = Sha256Parts({name, std::string_view(kSep, 2), key.raw()});
  return ReadKeyId(HashBytes(h));
}

std::string VerifierKeyString(std::string_view name, const PublicKey& key) {
  std::string alg_and_key(1, static_cast<char>(kAlgEd25519));
  alg_and_key.append(key.raw());
  return std::string(name) + "+" + KeyIdHex(NoteKeyId(name, key)) + "+" +
         Base64Encode(alg_and_key);
}

Result<Note> ParseNote(std::string_view note) {
  if (note.size() > kMaxNoteBytes) {
    return InvalidArgument("note is " + std::to_string(note.size()) +
                           " bytes, over the limit of " +
                           std::to_string(kMaxNoteBytes));
  }
  PARAPHE_RETURN_IF_ERROR(ValidateText(note, "note"));
  // Signature lines contain no blank line, so the last one separates.
  size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) {
    return InvalidArgument("note has no blank line before its signatures");
  }
  Note out;
  out.text = std::string(note.substr(0, split + 1));
  std::string_view sigs = note.substr(split + 2);
  if (sigs.empty()) return InvalidArgument("note has no signatures");
  if (sigs.back() != '\n') {
    return InvalidArgument("note does not end with a newline");
  }
  int line_no = 0;
  while (!sigs.empty()) {
    ++line_no;
    size_t nl = sigs.find('\n');
    std::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    const std::string where = "note signature line " + std::to_string(line_no);
    if (out.signatures.size() == kMaxSignatures) {
      return InvalidArgument("note has more than " +
                             std::to_string(kMaxSignatures) + " signatures");
    }
    if (line.substr(0, kSigPrefix.size()) != kSigPrefix) {
      return InvalidArgument(where + " does not start with \"\xe2\x80\x94 \"");
    }
    line.remove_prefix(kSigPrefix.size());
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos) {
      return InvalidArgument(where +
                             " has no space between name and "
                             "signature");
    }
    std::string_view name = line.substr(0, sp);
    std::string_view b64 = line.substr(sp + 1);
    Status st = ValidateKeyName(name);
    if (!st.ok()) return st.WithContext(where);
    if (b64.empty()) return InvalidArgument(where + " has an empty signature");
    Result<std::string> raw = Base64Decode(b64);
    if (!raw.ok()) return raw.status().WithContext(where);
    if (raw->size() < 5) {
      return InvalidArgument(where + " signature is " +
                             std::to_string(raw->size()) +
                             " bytes; need a 4-byte key id and a signature");
    }
    NoteSignature sig;
    sig.name = std::string(name);
    sig.key_id = ReadKeyId(*raw);
    sig.signature = raw->substr(4);
    out.signatures.push_back(std::move(sig));
  }
  return out;
}

// ------------------------------------------------------------- NoteVerifier

NoteVerifier::NoteVerifier(std::string name, PublicKey key)
    : name_(std::move(name)), key_(key), key_id_(NoteKeyId(name_, key_)) {}

Result<NoteVerifier> NoteVerifier::FromVerifierKey(std::string_view vkey) {
  // name "+" hex8 "+" base64; the base64 may itself contain '+'.
  size_t p1 = vkey.find('+');
  size_t p2 = p1 == std::string_view::npos ? p1 : vkey.find('+', p1 + 1);
  if (p2 == std::string_view::npos) {
    return InvalidArgument(
        "verifier key is not of the form name+hexid+base64key");
  }
  std::string_view name = vkey.substr(0, p1);
  std::string_view id_hex = vkey.substr(p1 + 1, p2 - p1 - 1);
  std::string_view key64 = vkey.substr(p2 + 1);
  Status st = ValidateKeyName(name);
  if (!st.ok()) return st.WithContext("verifier key");
  if (id_hex.size() != 8) {
    return InvalidArgument("verifier key id must be 8 hex digits, got \"" +
                           std::string(id_hex) + "\"");
  }
  Result<std::string> id_raw = HexDecode(id_hex);
  if (!id_raw.ok()) return id_raw.status().WithContext("verifier key id");
  Result<std::string> key_raw = Base64Decode(key64);
  if (!key_raw.ok()) return key_raw.status().WithContext("verifier key");
  if (key_raw->empty()) return InvalidArgument("verifier key is empty");
  if (static_cast<uint8_t>((*key_raw)[0]) != kAlgEd25519) {
    return InvalidArgument("verifier key algorithm " +
                           std::to_string(static_cast<uint8_t>((*key_raw)[0])) +
                           " is not supported; only 1 (Ed25519) is");
  }
  PARAPHE_ASSIGN_OR_RETURN(PublicKey pub,
                           PublicKey::FromRaw(key_raw->substr(1)));
  NoteVerifier v(std::string(name), pub);
  if (v.key_id() != ReadKeyId(*id_raw)) {
    return InvalidArgument("verifier key id " + std::string(id_hex) +
                           " does not match the key (want " +
                           KeyIdHex(v.key_id()) + ")");
  }
  return v;
}

std::string NoteVerifier::VerifierKey() const {
  return VerifierKeyString(name_, key_);
}

Result<std::string> NoteVerifier::Open(std::string_view note) const {
  PARAPHE_ASSIGN_OR_RETURN(Note parsed, ParseNote(note));
  const NoteSignature* mine = nullptr;
  for (const NoteSignature& sig : parsed.signatures) {
    if (sig.name != name_ || sig.key_id != key_id_) continue;
    if (mine != nullptr) {
      // Go's note.Open refuses a repeated signature by a known key too: two
      // lines by one key have no meaning but to confuse a reader. The note
      // is well formed; it is not authenticated by one clear signature.
      return Unauthenticated("note has more than one signature by key " +
                             name_ + "+" + KeyIdHex(key_id_));
    }
    mine = &sig;
  }
  if (mine == nullptr) {
    return Unauthenticated("no signature by key " + name_ + "+" +
                           KeyIdHex(key_id_));
  }
  if (!key_.Verify(parsed.text, mine->signature)) {
    return Unauthenticated("signature by " + name_ + " does not verify");
  }
  return std::move(parsed.text);
}

// --------------------------------------------------------------- NoteSigner

NoteSigner::NoteSigner(std::string name, PrivateKey key)
    : name_(std::move(name)),
      key_(std::move(key)),
      key_id_(NoteKeyId(name_, key_.public_key())) {}

Result<NoteSigner> NoteSigner::Create(std::string name, PrivateKey key) {
  PARAPHE_RETURN_IF_ERROR(ValidateKeyName(name));
  return NoteSigner(std::move(name), std::move(key));
}

Result<std::string> NoteSigner::Sign(std::string_view text) const {
  if (text.empty() || text.back() != '\n') {
    return InvalidArgument("note text must end with a newline");
  }
  PARAPHE_RETURN_IF_ERROR(ValidateText(text, "note text"));
  std::string sig = KeyIdBytes(key_id_) + key_.Sign(text);
  std::string out;
  out.reserve(text.size() + name_.size() + 128);
  out.append(text);
  out.push_back('\n');
  out.append(kSigPrefix);
  out.append(name_);
  out.push_back(' ');
  out.append(Base64Encode(sig));
  out.push_back('\n');
  if (out.size() > kMaxNoteBytes) {
    return InvalidArgument(
        "signed note would be " + std::to_string(out.size()) +
        " bytes, over the limit of " + std::to_string(kMaxNoteBytes));
  }
  return out;
}

// --------------------------------------------------------------- Checkpoint

std::string Checkpoint::Body() const {
  std::string out =
      origin + "\n" + std::to_string(size) + "\n" + HashBase64(root) + "\n";
  for (const std::string& ext : extensions) {
    out += ext;
    out += '\n';
  }
  return out;
}

Result<Checkpoint> Checkpoint::Parse(std::string_view body) {
  if (body.empty() || body.back() != '\n') {
    return InvalidArgument("checkpoint body must end with a newline");
  }
  std::vector<std::string_view> lines;
  for (std::string_view rest = body; !rest.empty();) {
    size_t nl = rest.find('\n');
    lines.push_back(rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
  }
  if (lines.size() < 3) {
    return InvalidArgument(
        "checkpoint body needs origin, size and root "
        "lines, has " +
        std::to_string(lines.size()) + " lines");
  }
  Checkpoint cp;
  if (lines[0].empty()) return InvalidArgument("checkpoint origin is empty");
  cp.origin = std::string(lines[0]);

  std::string_view size = lines[1];
  if (size.empty()) return InvalidArgument("checkpoint size is empty");
  if (size.size() > 1 && size[0] == '0') {
    return InvalidArgument("checkpoint size \"" + std::string(size) +
                           "\" has a leading zero");
  }
  uint64_t n = 0;
  for (char c : size) {
    if (c < '0' || c > '9') {
      return InvalidArgument("checkpoint size \"" + std::string(size) +
                             "\" is not a decimal number");
    }
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (n > (UINT64_MAX - d) / 10) {
      return InvalidArgument("checkpoint size \"" + std::string(size) +
                             "\" does not fit in 64 bits");
    }
    n = n * 10 + d;
  }
  cp.size = n;

  Result<std::string> root = Base64Decode(lines[2]);
  if (!root.ok()) return root.status().WithContext("checkpoint root");
  if (root->size() != cp.root.size()) {
    return InvalidArgument("checkpoint root is " +
                           std::to_string(root->size()) + " bytes, want 32");
  }
  std::memcpy(cp.root.data(), root->data(), cp.root.size());

  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) {
      return InvalidArgument("checkpoint extension line " +
                             std::to_string(i + 1) + " is empty");
    }
    cp.extensions.emplace_back(lines[i]);
  }
  return cp;
}

// ----------------------------------------------------------- OpenCheckpoint

namespace {

Status WithRule(const Status& st, std::string_view rule) {
  return Status(st.code(), st.message(), std::string(rule));
}

}  // namespace

Result<Checkpoint> OpenCheckpoint(const NoteVerifier& verifier,
                                  std::string_view note,
                                  const CheckpointExpect& expect) {
  Result<std::string> text = verifier.Open(note);
  if (!text.ok()) {
    const bool forged = text.status().code() == StatusCode::kUnauthenticated;
    return WithRule(text.status().WithContext("checkpoint"),
                    forged ? kRuleCheckpointSignature : kRuleCheckpointMalformed);
  }
  Result<Checkpoint> cp = Checkpoint::Parse(*text);
  if (!cp.ok()) return WithRule(cp.status(), kRuleCheckpointMalformed);
  if (cp->origin != verifier.name()) {
    return Unauthenticated("checkpoint names origin \"" + cp->origin +
                               "\", but is signed by the key of \"" +
                               verifier.name() + "\"",
                           std::string(kRuleCheckpointOrigin));
  }
  if (expect.size && *expect.size != cp->size) {
    return Status(StatusCode::kInvalidArgument,
                  "checkpoint size " + std::to_string(cp->size) +
                      " differs from the expected " +
                      std::to_string(*expect.size),
                  std::string(kRuleCheckpointSize));
  }
  if (expect.root && *expect.root != cp->root) {
    return Status(StatusCode::kInvalidArgument,
                  "checkpoint root " + HashBase64(cp->root) +
                      " differs from the expected " + HashBase64(*expect.root),
                  std::string(kRuleCheckpointRoot));
  }
  return cp;
}

Result<Checkpoint> ReadCheckpointUnverified(std::string_view note) {
  Result<Note> parsed = ParseNote(note);
  if (!parsed.ok()) {
    return WithRule(parsed.status().WithContext("checkpoint"),
                    kRuleCheckpointMalformed);
  }
  Result<Checkpoint> cp = Checkpoint::Parse(parsed->text);
  if (!cp.ok()) return WithRule(cp.status(), kRuleCheckpointMalformed);
  return cp;
}

}  // namespace paraphe::crypto
