#!/usr/bin/env python3
"""Independent verifier for Paraphe export bundles (paraphe-bundle/v2).

Written from docs/FORMAT.md (sections 1, 2, 3, 5, 7, 8) and docs/EVENTS.md
("The ledger stream") alone, with the Python standard library and the
`cryptography` package (Debian: python3-cryptography). It shares no code with
the C++ verifier, on purpose: two implementations that agree are evidence
that the format documents are complete.

What it checks:
  - reading (FORMAT.md 8; any breach is unreadable input, exit 2): LF line
    ends only, a final newline, no blank line, the line length limit, one
    JSON object per line with exactly the specified members and types, no
    member given twice, format paraphe-bundle/v2, and a header that agrees
    with its own checkpoint (origin, verifier key name and id, tree size);
  - the checkpoint (a C2SP signed note) carries exactly one valid Ed25519
    signature by the PINNED verifier key, and names that key's origin;
  - the checkpoint's size and the number of record lines agree;
  - every record line: the leaf decodes (format byte 0x02), its embedded seq
    equals its position and the line's seq, its time equals the line's
    recorded_at_ms, recording times never decrease;
  - the RFC 6962 Merkle root over all leaves equals the checkpoint's root;
  - trust roots from the log only (FORMAT.md 7.1): record 0 is a
    LedgerGenesis signed by one of the operator keys it lists, naming the
    pinned verifier key and the checkpoint's origin; OperatorKeyRegistered /
    OperatorKeyRevoked of the ledger stream change the operator registry in
    log order (a key registered at r signs from r, a key revoked at v signs
    nothing after v, the last active key cannot be revoked);
  - optional pins: with --operator-key, the genesis must be signed by a
    pinned operator key; with --party-key PARTY=KEY, every event of PARTY
    must be signed by one of its pinned keys (property key_pin);
  - every event's JWS (alg EdDSA, no crit, no duplicated member) verifies
    with the key its kid names, as the registry stood at that seq: operator
    keys from the ledger stream, convention keys from ConventionRegistered /
    KeyRegistered / KeyRevoked payloads in log order, the key belonging to
    the acting party;
  - each event's expected_version equals the number of earlier events of its
    stream (a convention, or _ledger) that passed these checks.

Failures are printed with the property names of FORMAT.md 7.3.

Out of scope: the convention's business rules (payments, amendments,
deadlines, roles per event type...). Re-validating them needs the rules of
docs/EVENTS.md; the C++ verifier (`paraphe verify`) does that. The rules of
the ledger stream are checked here.

Usage:
  verify_bundle.py (--vkey VKEY | --vkey-file FILE) [--operator-key B64URL]...
                   [--party-key PARTY=B64URL]... BUNDLE.jsonl
Exit status: 0 verified; 1 a check failed (one "FAIL" line per failure on
stdout); 2 usage error or a bundle that cannot be read (FORMAT.md 8).
"""

import argparse
import base64
import functools
import hashlib
import json
import struct
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class Unreadable(Exception):
    """The input cannot be read at all (exit 2)."""


def b64url_decode(text):
    if "=" in text:
        raise ValueError("padding in base64url")
    if any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" for c in text):
        raise ValueError("character outside the base64url alphabet")
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url_encode(raw) != text:
        raise ValueError("non-canonical base64url")
    return raw


def b64url_encode(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64_decode(text):
    raw = base64.b64decode(text, validate=True)
    if base64.b64encode(raw).decode("ascii") != text:
        raise ValueError("non-canonical base64")
    return raw


def sha256(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.digest()


def thumbprint(pub):
    """RFC 7638 JWK thumbprint of an Ed25519 public key, base64url."""
    jwk = '{"crv":"Ed25519","kty":"OKP","x":"' + b64url_encode(pub) + '"}'
    return b64url_encode(sha256(jwk.encode("ascii")))


# The Ed25519 acceptance rule of FORMAT.md section 1. The `cryptography`
# package checks S < L and the cofactorless equation; the tests on the points
# are done here, in affine coordinates (slow, so each key is checked once).
ED25519_P = 2**255 - 19
ED25519_L = 2**252 + 27742317777372353535851937790883648493
ED25519_D = -121665 * pow(121666, ED25519_P - 2, ED25519_P) % ED25519_P
ED25519_LOW_ORDER = {bytes.fromhex(h) for h in (
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa")}


def ed25519_point_ok(enc):
    """Canonical (y < p, not x = 0 with the sign bit set) and not one of the
    8 low-order points."""
    y = int.from_bytes(enc, "little") & ((1 << 255) - 1)
    if y >= ED25519_P or (enc[31] & 0x80 and y in (1, ED25519_P - 1)):
        return False
    return enc not in ED25519_LOW_ORDER


def _ed25519_add(a, b):
    p, d = ED25519_P, ED25519_D
    (x1, y1), (x2, y2) = a, b
    t = d * x1 * x2 * y1 * y2 % p
    return ((x1 * y2 + x2 * y1) * pow(1 + t, p - 2, p) % p,
            (y1 * y2 + x1 * x2) * pow(1 - t, p - 2, p) % p)


@functools.lru_cache(maxsize=1024)
def ed25519_key_ok(pub):
    """The whole rule for a public key: canonical, not of low order, on the
    curve, and [L]A = identity."""
    if len(pub) != 32 or not ed25519_point_ok(pub):
        return False
    p = ED25519_P
    y = int.from_bytes(pub, "little") & ((1 << 255) - 1)
    x2 = (y * y - 1) * pow(ED25519_D * y * y + 1, p - 2, p) % p
    x = pow(x2, (p + 3) // 8, p)
    if (x * x - x2) % p:
        x = x * pow(2, (p - 1) // 4, p) % p
    if (x * x - x2) % p:
        return False  # not on the curve
    if x & 1 != pub[31] >> 7:
        x = p - x
    acc, point, n = (0, 1), (x, y), ED25519_L
    while n:
        if n & 1:
            acc = _ed25519_add(acc, point)
        point = _ed25519_add(point, point)
        n >>= 1
    return acc == (0, 1)


def ed25519_ok(pub, message, signature):
    if len(signature) != 64 or not ed25519_key_ok(pub):
        return False
    if not ed25519_point_ok(signature[:32]):
        return False
    try:
        Ed25519PublicKey.from_public_bytes(pub).verify(signature, message)
        return True
    except (InvalidSignature, ValueError):
        return False


# ----------------------------------------------------------------- notes

def parse_vkey(vkey):
    """C2SP verifier key: name+hex8(key id)+base64(0x01 || pub)."""
    parts = vkey.strip().split("+", 2)  # the base64 key may itself hold '+'
    if len(parts) != 3:
        raise ValueError("a verifier key is name+keyid+key")
    name, key_id_hex, key64 = parts
    key = b64_decode(key64)
    if len(key) != 33 or key[0] != 0x01:
        raise ValueError("not an Ed25519 verifier key")
    pub = key[1:]
    key_id = sha256(name.encode("utf-8"), b"\n", b"\x01", pub)[:4]
    if key_id.hex() != key_id_hex:
        raise ValueError("the key id does not match the key")
    return name, key_id, pub


def open_note(note, name, key_id, pub):
    """Returns (text, None) when a signature by (name, key) verifies, else
    (text or None, reason)."""
    if not note.endswith("\n"):
        return None, "the note does not end with a newline"
    split = note.rfind("\n\n")
    if split < 0:
        return None, "the note has no blank line before its signatures"
    text = note[: split + 1]
    mine = None  # FORMAT.md section 5: exactly one line by the pinned key
    for line in note[split + 2 :].split("\n")[:-1]:
        if not line.startswith("\u2014 "):
            return text, "malformed signature line %r" % line
        fields = line[2:].split(" ")
        if len(fields) != 2:
            return text, "malformed signature line %r" % line
        try:
            sig = b64_decode(fields[1])
        except ValueError:
            return text, "signature line is not base64"
        if fields[0] != name or len(sig) < 4 or sig[:4] != key_id:
            continue
        if mine is not None:
            return text, "more than one signature by key %s+%s" % (name, key_id.hex())
        mine = sig
    if mine is None:
        return text, "no signature by key %s+%s" % (name, key_id.hex())
    if ed25519_ok(pub, text.encode("utf-8"), mine[4:]):
        return text, None
    return text, "the signature by %s does not verify" % name


def parse_checkpoint(text):
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise ValueError("a checkpoint has origin, size and root lines")
    origin, size, root64 = lines[0], lines[1], lines[2]
    # Extension lines (lines[3:-1]) are accepted and ignored, but not empty.
    if not origin or "" in lines[3:-1]:
        raise ValueError("an empty origin or extension line")
    if not size.isdigit() or (size != "0" and size.startswith("0")):
        raise ValueError("bad tree size %r" % size)
    root = b64_decode(root64)
    if len(root) != 32:
        raise ValueError("the root is not 32 bytes")
    return origin, int(size), root


# ----------------------------------------------------------------- merkle

def leaf_hash(leaf):
    return sha256(b"\x00", leaf)


def node_hash(left, right):
    return sha256(b"\x01", left, right)


class Frontier:
    """RFC 6962 root over leaves appended in order, O(log n) memory."""

    def __init__(self):
        self.size = 0
        self.stack = []  # perfect subtree roots, largest first

    def append(self, h):
        s = self.size
        while s & 1:
            h = node_hash(self.stack.pop(), h)
            s >>= 1
        self.stack.append(h)
        self.size += 1

    def root(self):
        if not self.stack:
            return sha256(b"")
        h = self.stack[-1]
        for left in reversed(self.stack[:-1]):
            h = node_hash(left, h)
        return h


# ------------------------------------------------------------------ check

LEDGER_STREAM = "_ledger"
LEDGER_TYPES = ("LedgerGenesis", "OperatorKeyRegistered", "OperatorKeyRevoked")
MAX_LINE_BYTES = 1433600  # FORMAT.md 8: 1400 KiB without the newline
BUNDLE_FORMAT = "paraphe-bundle/v2"
LEAF_VERSION = 0x02


class Report:
    def __init__(self):
        self.failures = []

    def fail(self, seq, prop, detail, stream=None):
        self.failures.append((seq, prop, detail))
        where = "-" if seq is None else str(seq)
        ctx = "" if not stream else " (stream %s)" % stream
        print("FAIL seq=%s %s: %s%s" % (where, prop, detail, ctx))


def strict_json(raw):
    """One JSON value; a member given twice anywhere is refused; NaN and
    Infinity are not JSON."""
    def pairs(items):
        obj = {}
        for k, v in items:
            if k in obj:
                raise ValueError("member %r given twice" % k)
            obj[k] = v
        return obj

    def constant(name):
        raise ValueError("%s is not JSON" % name)

    return json.loads(raw, object_pairs_hook=pairs, parse_constant=constant)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def decode_jws(compact):
    """FORMAT.md 2. Returns (kid, payload bytes, signature, signing input)."""
    parts = compact.split(".")
    if len(parts) != 3:
        raise ValueError("a JWS has three segments")
    if not parts[0]:
        raise ValueError("the JWS header segment is empty")
    header = strict_json(b64url_decode(parts[0]))
    if not isinstance(header, dict):
        raise ValueError("the JWS header is not an object")
    if header.get("alg") != "EdDSA":
        raise ValueError("alg must be EdDSA")
    if "crit" in header:
        raise ValueError("crit is not supported")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise ValueError("the header has no kid")
    payload = b64url_decode(parts[1])
    signature = b64url_decode(parts[2])
    if len(signature) != 64:
        raise ValueError("the signature is not 64 bytes")
    signing_input = (parts[0] + "." + parts[1]).encode("ascii")
    return kid, payload, signature, signing_input


def split_note(note):
    """The signed note's text and its signature lines [(name, bytes)], without
    verifying anything (FORMAT.md 5, step 1)."""
    if not note.endswith("\n"):
        raise ValueError("the note does not end with a newline")
    split = note.rfind("\n\n")
    if split < 0:
        raise ValueError("the note has no blank line before its signatures")
    sigs = []
    for line in note[split + 2 :].split("\n")[:-1]:
        fields = line[2:].split(" ") if line.startswith("\u2014 ") else []
        if len(fields) != 2:
            raise ValueError("malformed signature line %r" % line)
        raw = b64_decode(fields[1])
        if len(raw) < 5:
            raise ValueError("a signature line holds fewer than 5 bytes")
        sigs.append((fields[0], raw))
    if not sigs:
        raise ValueError("the note has no signature line")
    return note[: split + 1], sigs


def paris_date(ms):
    """The Europe/Paris calendar date of a recording time, YYYY-MM-DD."""
    import datetime
    try:
        from zoneinfo import ZoneInfo
        tz = ZoneInfo("Europe/Paris")
    except Exception:  # no time zone database: UTC+1, close enough for tests
        tz = datetime.timezone(datetime.timedelta(hours=1))
    return datetime.datetime.fromtimestamp(ms / 1000, tz).strftime("%Y-%m-%d")


# ----------------------------------------------------------------- reading

def read_lines(path):
    """FORMAT.md 8, reading rules: the lines of the file (str, without their
    newline), or Unreadable naming the 1-based line."""
    with open(path, "rb") as f:
        data = f.read()
    if not data:
        raise Unreadable("the bundle is empty: no header line")
    raw_lines = data.split(b"\n")
    last = raw_lines.pop()  # after the final newline: empty when there is one
    if last:
        raise Unreadable("line %d: the last line does not end with a newline"
                         % (len(raw_lines) + 1))
    out = []
    for i, raw in enumerate(raw_lines, 1):
        if len(raw) > MAX_LINE_BYTES:
            raise Unreadable("line %d: longer than %d bytes" % (i, MAX_LINE_BYTES))
        if b"\r" in raw:
            raise Unreadable("line %d: carriage return: lines end with \\n only (no CRLF)" % i)
        if not raw:
            raise Unreadable("line %d: blank line" % i)
        try:
            out.append(raw.decode("utf-8"))
        except UnicodeDecodeError as e:
            raise Unreadable("line %d: not UTF-8: %s" % (i, e))
    return out


def parse_line(text, line_no, members):
    try:
        obj = strict_json(text)
    except ValueError as e:
        raise Unreadable("line %d: not a JSON object: %s" % (line_no, e))
    if not isinstance(obj, dict):
        raise Unreadable("line %d: not a JSON object" % line_no)
    if line_no == 1 and obj.get("format") == "paraphe-bundle/v1":
        raise Unreadable("line 1: format paraphe-bundle/v1 (version 1, Paraphe 0.1) is no "
                         "longer read")
    for m in members:
        if m not in obj:
            raise Unreadable("line %d: missing member %r" % (line_no, m))
    for m in obj:
        if m not in members:
            raise Unreadable("line %d: unknown member %r" % (line_no, m))
    return obj


def read_bundle(path):
    """Returns (header dict, [(line_seq, line_time, leaf bytes)])."""
    lines = read_lines(path)
    h = parse_line(lines[0], 1, ("format", "origin", "verifier_key", "checkpoint", "tree_size"))
    for m in ("format", "origin", "verifier_key", "checkpoint"):
        if not isinstance(h[m], str):
            raise Unreadable("line 1: %r is not a string" % m)
    if h["format"] != BUNDLE_FORMAT:
        raise Unreadable("line 1: unknown format %r (expected %s)" % (h["format"], BUNDLE_FORMAT))
    if not is_int(h["tree_size"]) or h["tree_size"] < 0:
        raise Unreadable("line 1: tree_size is not a non-negative integer")
    # The header agrees with its own checkpoint (not verified here: that is
    # the pinned key's job, checkpoint_signature).
    try:
        text, sigs = split_note(h["checkpoint"])
        origin, size, _ = parse_checkpoint(text)
        name, key_id, _ = parse_vkey(h["verifier_key"])
    except ValueError as e:
        raise Unreadable("line 1: %s" % e)
    if h["origin"] != origin or name != origin:
        raise Unreadable("line 1: origin %r and verifier key name %r must be the checkpoint's "
                         "origin %r" % (h["origin"], name, origin))
    if h["tree_size"] != size:
        raise Unreadable("line 1: tree_size %d but the checkpoint's size is %d"
                         % (h["tree_size"], size))
    if not any(n == name and s[:4] == key_id for n, s in sigs):
        raise Unreadable("line 1: the checkpoint carries no signature line by verifier_key")
    records = []
    for i, text in enumerate(lines[1:], 2):
        r = parse_line(text, i, ("seq", "recorded_at_ms", "leaf"))
        if not is_int(r["seq"]) or r["seq"] < 0:
            raise Unreadable("line %d: seq is not a non-negative integer" % i)
        if not is_int(r["recorded_at_ms"]) or not -2**63 <= r["recorded_at_ms"] < 2**63:
            raise Unreadable("line %d: recorded_at_ms is not an int64" % i)
        if not isinstance(r["leaf"], str):
            raise Unreadable("line %d: leaf is not a string" % i)
        try:
            leaf = b64_decode(r["leaf"])
        except ValueError as e:
            raise Unreadable("line %d: leaf: %s" % (i, e))
        records.append((r["seq"], r["recorded_at_ms"], leaf))
    return h, records


# ------------------------------------------------------------ verification

class Verifier:
    def __init__(self, report, vkey_name, vkey_text, origin, operator_pins, party_pins):
        self.report = report
        self.vkey_name = vkey_name
        self.vkey_text = vkey_text
        self.origin = origin  # the checkpoint's, when it could be read
        self.operator_pins = {thumbprint(k) for k in operator_pins}
        self.party_pins = party_pins  # party -> set of raw keys
        self.operators = {}  # kid -> {"pub","registered","revoked"}
        self.ledger_version = 0
        self.registries = {}  # convention -> kid -> {"pub","party","revoked"}
        self.versions = {}    # convention -> events accepted so far
        self.genesis_failed = False

    def fail(self, seq, prop, detail, stream=None):
        if prop == "genesis":
            self.genesis_failed = True
        self.report.fail(seq, prop, detail, stream)

    # FORMAT.md 7.1: a key registered at r signs from r; revoked at v signs
    # nothing after v.
    def operator_key(self, kid, seq):
        k = self.operators.get(kid)
        if k is None or k["registered"] > seq:
            return None, "[key.unknown] kid %s is not an operator key" % kid
        if k["revoked"] is not None and k["revoked"] < seq:
            return None, "[key.revoked] operator key %s was revoked at seq %d" % (kid, k["revoked"])
        return k["pub"], None

    def event(self, pos, when, kid, event, signature, signing_input):
        etype, conv = event["type"], event["convention"]
        if pos == 0 and etype != "LedgerGenesis":
            self.fail(0, "genesis", "the log's first record is a %s, not a LedgerGenesis: "
                      "nothing in the log names its operator keys" % etype)
        if (etype in LEDGER_TYPES) != (conv == LEDGER_STREAM):
            self.fail(pos, "rule:convention.mismatch",
                      "%s may not name stream %r" % (etype, conv), conv)
            return
        if conv == LEDGER_STREAM:
            self.ledger_event(pos, when, kid, event, signature, signing_input)
        else:
            self.convention_event(pos, kid, event, signature, signing_input)

    def ledger_event(self, pos, when, kid, event, signature, signing_input):
        etype, data = event["type"], event["data"]
        s = LEDGER_STREAM
        genesis = etype == "LedgerGenesis"
        # The stream version, as for a convention (FORMAT.md 7.3 `index`); a
        # misplaced genesis is the genesis property's finding, below.
        applicable = True
        if not genesis and self.ledger_version > 0 and \
                event["expected_version"] != self.ledger_version:
            self.fail(pos, "index", "expected_version %s but the ledger stream's replayed version "
                      "is %d" % (event["expected_version"], self.ledger_version), s)
            applicable = False
        # The signer.
        if genesis:
            pub = None
            for k in data.get("operator_keys", []) if isinstance(data, dict) else []:
                try:
                    raw = b64url_decode(k)
                except (ValueError, TypeError):
                    continue
                if len(raw) == 32 and thumbprint(raw) == kid:
                    pub = raw
            if pub is None:
                self.fail(pos, "signature", "[key.unknown] the genesis is signed by key %s, "
                          "which is not one of the operator keys it names" % kid, s)
                return
        else:
            pub, why = self.operator_key(kid, pos)
            if pub is None:
                self.fail(pos, "signature", why, s)
                return
        if not ed25519_ok(pub, signing_input, signature):
            self.fail(pos, "signature", "the signature does not verify with key %s" % kid, s)
            return
        if genesis and self.operator_pins and kid not in self.operator_pins:
            # Reported once, at its root; the genesis is still replayed so
            # that the rest is checked against what it claims.
            self.fail(pos, "genesis", "the genesis is signed by operator key %s, which is not "
                      "a pinned operator key: this is not the ledger the pinned key created"
                      % kid, s)
        if not applicable:
            return
        # The stream's rules (EVENTS.md, "The ledger stream").
        rule, detail = self.ledger_rules(pos, when, kid, event)
        if rule:
            # A genesis anywhere but seq 0 is the genesis property's finding.
            self.fail(pos, "genesis" if genesis and pos != 0 else "rule:" + rule, detail, s)
            return
        self.ledger_version += 1
        if genesis:
            if data["verifier_key"] != self.vkey_text:
                self.fail(pos, "genesis", "the genesis names verifier key %s but the checkpoints "
                          "were verified with %s" % (data["verifier_key"], self.vkey_text), s)
            if self.origin is not None and data["origin"] != self.origin:
                self.fail(pos, "genesis", "the genesis names origin %r but the checkpoint's is %r"
                          % (data["origin"], self.origin), s)

    def ledger_rules(self, pos, when, kid, event):
        """Applies a ledger-stream event; (rule id, detail) when refused."""
        etype, data = event["type"], event["data"]
        if etype == "LedgerGenesis":
            if self.ledger_version != 0 or pos != 0:
                return "ledger.genesis_not_first", ("a LedgerGenesis must be the log's first "
                                                    "record (seq 0); this one is at seq %d" % pos)
        elif self.ledger_version == 0:
            return "ledger.no_genesis", "%s before the ledger's genesis record" % etype
        if event["expected_version"] != self.ledger_version:
            return "version.conflict", ("expected_version %s but the ledger stream is at "
                                        "version %d" % (event["expected_version"],
                                                        self.ledger_version))
        if event["actor"].get("party") != "operator" or event["actor"].get("role") != "operator":
            return "role.not_allowed", "%s may only be emitted by operator/operator" % etype
        if not isinstance(event["date"], str) or event["date"] > paris_date(when):
            return "date.in_future", "event dated %s but recorded on %s" % (
                event["date"], paris_date(when))
        if not isinstance(data, dict):
            return "event.malformed", "data is not an object"
        if etype == "LedgerGenesis":
            try:
                name, _, _ = parse_vkey(data["verifier_key"])
            except (ValueError, KeyError, TypeError, AttributeError) as e:
                return "ledger.verifier_key_invalid", "data.verifier_key: %s" % e
            if name != data.get("origin"):
                return "ledger.verifier_key_invalid", ("data.verifier_key is named %r but the "
                                                       "origin is %r" % (name, data.get("origin")))
            keys = data.get("operator_keys")
            if not isinstance(keys, list) or not 1 <= len(keys) <= 16:
                return "event.malformed", "data.operator_keys must list 1 to 16 keys"
            new = {}
            for k in keys:
                raw, why = self.accept_key(k)
                if why:
                    return "key.invalid", "data.operator_keys: " + why
                if thumbprint(raw) in new:
                    return "key.duplicate", "data.operator_keys lists key %s twice" % thumbprint(raw)
                new[thumbprint(raw)] = {"pub": raw, "registered": pos, "revoked": None}
            self.operators = new
        elif etype == "OperatorKeyRegistered":
            raw, why = self.accept_key(data.get("public_key"))
            if why:
                return "key.invalid", "data.public_key: " + why
            if thumbprint(raw) in self.operators:
                return "key.duplicate", "key %s is already an operator key" % thumbprint(raw)
            self.operators[thumbprint(raw)] = {"pub": raw, "registered": pos, "revoked": None}
        else:  # OperatorKeyRevoked
            target = self.operators.get(data.get("kid"))
            if target is None:
                return "key.target_unknown", "no operator key %r" % data.get("kid")
            if target["revoked"] is not None:
                return "key.already_revoked", "operator key %s was already revoked at seq %d" % (
                    data["kid"], target["revoked"])
            active = [k for k in self.operators.values() if k["revoked"] is None]
            if len(active) == 1:
                return "operator.last_key", "operator key %s is the last active one" % data["kid"]
            target["revoked"] = pos
        return None, None

    @staticmethod
    def accept_key(text):
        try:
            raw = b64url_decode(text)
        except (ValueError, TypeError):
            return None, "not base64url"
        if not ed25519_key_ok(raw):
            return None, "refused by the Ed25519 acceptance rule"
        return raw, None

    def convention_event(self, pos, kid, event, signature, signing_input):
        conv, party, etype = event["convention"], event["actor"]["party"], event["type"]
        expected = event["expected_version"]
        good = True
        if expected != self.versions.get(conv, 0):
            self.fail(pos, "index", "expected_version %d but %d earlier event(s)"
                      % (expected, self.versions.get(conv, 0)), conv)
            good = False
        registry = self.registries.get(conv, {})
        pub = None
        if party == "operator":
            pub, why = self.operator_key(kid, pos)
            if pub is None:
                self.fail(pos, "signature", why, conv)
                good = False
        else:
            entry = registry.get(kid)
            if entry is None:
                self.fail(pos, "signature", "[key.unknown] kid %s is not registered for %s"
                          % (kid, conv), conv)
                good = False
            elif entry["revoked"] is not None:
                self.fail(pos, "signature", "[key.revoked] key %s was revoked at seq %d"
                          % (kid, entry["revoked"]), conv)
                good = False
            elif entry["party"] != party:
                self.fail(pos, "rule:key.wrong_party", "key %s belongs to %s, not %s"
                          % (kid, entry["party"], party), conv)
                good = False
            else:
                pub = entry["pub"]
        if pub is not None:
            if not ed25519_ok(pub, signing_input, signature):
                self.fail(pos, "signature", "the signature does not verify with key %s" % kid, conv)
                good = False
            pins = self.party_pins.get(party)
            if pins and pub not in pins:
                self.fail(pos, "key_pin", "party %r acts with key %s, which is not one of its "
                          "pinned keys" % (party, kid), conv)
                good = False
        if not good:
            return
        self.versions[conv] = self.versions.get(conv, 0) + 1
        # Registry changes, in log order.
        data = event.get("data", {})
        try:
            if etype == "ConventionRegistered":
                registry = self.registries.setdefault(conv, {})
                for p in data["parties"]:
                    for k in p["keys"]:
                        kpub = b64url_decode(k["public_key"])
                        registry[thumbprint(kpub)] = {"pub": kpub, "party": p["id"], "revoked": None}
            elif etype == "KeyRegistered":
                kpub = b64url_decode(data["public_key"])
                self.registries.setdefault(conv, {})[thumbprint(kpub)] = {
                    "pub": kpub, "party": data["party"], "revoked": None}
            elif etype == "KeyRevoked":
                target = self.registries.get(conv, {}).get(data["kid"])
                if target is not None and target["revoked"] is None:
                    target["revoked"] = pos
        except (ValueError, KeyError, TypeError) as e:
            self.fail(pos, "rule:event.malformed", "malformed key registry event: %s" % e, conv)


def parse_event(payload_bytes):
    """The envelope of EVENTS.md, strictly: exactly its members."""
    event = strict_json(payload_bytes.decode("utf-8"))
    if not isinstance(event, dict) or set(event) != {
            "type", "convention", "expected_version", "date", "actor", "data"}:
        raise ValueError("not an event envelope")
    if not isinstance(event["type"], str) or not isinstance(event["convention"], str):
        raise ValueError("bad type or convention")
    if not is_int(event["expected_version"]) or event["expected_version"] < 0:
        raise ValueError("bad expected_version")
    actor = event["actor"]
    if not isinstance(actor, dict) or set(actor) != {"party", "role"}:
        raise ValueError("bad actor")
    return event


def verify(bundle_path, vkey, operator_pins=(), party_pins=None):
    report = Report()
    name, key_id, ledger_pub = parse_vkey(vkey)
    header, records = read_bundle(bundle_path)

    # Checkpoint, with the pinned key (FORMAT.md 5).
    text, reason = open_note(header["checkpoint"], name, key_id, ledger_pub)
    if reason:
        report.fail(None, "checkpoint_signature", reason)
    checkpoint = None
    if text is not None:
        try:
            checkpoint = parse_checkpoint(text)
        except ValueError as e:
            report.fail(None, "checkpoint_signature", "malformed checkpoint body: %s" % e)
    if checkpoint and checkpoint[0] != name:
        report.fail(None, "checkpoint_signature",
                    "the checkpoint names origin %r, the key %r" % (checkpoint[0], name))

    v = Verifier(report, name, vkey.strip(), checkpoint[0] if checkpoint else None,
                 operator_pins, party_pins or {})
    frontier = Frontier()
    last_time = None
    prev_offset = 0
    for pos, (line_seq, line_time, leaf) in enumerate(records):
        frontier.append(leaf_hash(leaf))
        if len(leaf) < 17 or leaf[0] != LEAF_VERSION:
            report.fail(pos, "leaf_hash", "the leaf is not a version-2 leaf%s" % (
                " (version 1, Paraphe 0.1, is no longer read)" if leaf[:1] == b"\x01" else ""))
            prev_offset = 0
            continue
        seq, when = struct.unpack(">Qq", leaf[1:17])
        offset = seq - pos
        if offset != 0 and offset != prev_offset:
            report.fail(pos, "sequence_gap", "position %d holds the leaf of seq %d" % (pos, seq))
        prev_offset = offset
        if line_seq != seq or line_time != when:
            report.fail(pos, "sequence_gap", "the line says seq %s time %s, the leaf seq %d time %d"
                        % (line_seq, line_time, seq, when))
        if last_time is not None and when < last_time:
            report.fail(pos, "sequence_gap", "the recording time goes back")
        last_time = when if last_time is None else max(last_time, when)

        try:
            kid, payload_bytes, signature, signing_input = decode_jws(leaf[17:].decode("ascii"))
        except (ValueError, UnicodeDecodeError) as e:
            report.fail(pos, "signature", "the record's JWS does not parse: %s" % e)
            continue
        try:
            event = parse_event(payload_bytes)
        except (ValueError, UnicodeDecodeError) as e:
            report.fail(pos, "signature", "the signed payload is not a valid event: %s" % e)
            continue
        v.event(pos, when, kid, event, signature, signing_input)

    if v.ledger_version == 0 and not v.genesis_failed:
        if records:
            v.fail(0, "genesis", "the log has no valid genesis record at seq 0")
        else:
            v.fail(None, "genesis", "the log is empty: it has no genesis record, so nothing "
                   "names its operator keys")

    # Sizes and root.
    n = len(records)
    if checkpoint:
        if n != checkpoint[1]:
            report.fail(None, "root", "the checkpoint covers %d records, the bundle holds %d"
                        % (checkpoint[1], n))
        elif frontier.root() != checkpoint[2]:
            report.fail(None, "root", "the leaves hash to %s, the checkpoint says %s"
                        % (base64.b64encode(frontier.root()).decode(),
                           base64.b64encode(checkpoint[2]).decode()))
    return report, n


def parse_key_arg(text, what):
    raw = b64url_decode(text)
    if not ed25519_key_ok(raw):
        raise ValueError("%s %r is not an acceptable Ed25519 public key" % (what, text))
    return raw


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--vkey", help="the ledger's C2SP verifier key")
    g.add_argument("--vkey-file", help="a file holding the verifier key")
    ap.add_argument("--operator-key", action="append", default=[], metavar="B64URL",
                    help="pin an operator key: the genesis must be signed by a pinned one")
    ap.add_argument("--party-key", action="append", default=[], metavar="PARTY=B64URL",
                    help="pin a party key: the party's events must be signed by a pinned one")
    ap.add_argument("bundle")
    args = ap.parse_args(argv)
    try:
        vkey = args.vkey
        if args.vkey_file:
            with open(args.vkey_file, encoding="utf-8") as f:
                vkey = f.read().strip()
        operator_pins = [parse_key_arg(k, "--operator-key") for k in args.operator_key]
        party_pins = {}
        for pk in args.party_key:
            party, sep, key = pk.partition("=")
            if not sep or not party:
                raise ValueError("--party-key takes PARTY=B64URL")
            party_pins.setdefault(party, set()).add(parse_key_arg(key, "--party-key"))
        report, n = verify(args.bundle, vkey, operator_pins, party_pins)
    except (OSError, Unreadable, ValueError) as e:
        print("verify_bundle: %s" % e, file=sys.stderr)
        return 2
    if report.failures:
        print("NOT VERIFIED: %d failure(s) in %d record(s)" % (len(report.failures), n))
        return 1
    print("VERIFIED: %d record(s)" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
