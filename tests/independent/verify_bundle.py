#!/usr/bin/env python3
"""Independent verifier for Paraphe export bundles (paraphe-bundle/v1).

Written from docs/FORMAT.md alone, with the Python standard library and the
`cryptography` package (Debian: python3-cryptography). It shares no code with
the C++ verifier, on purpose: two implementations that agree are evidence
that the format document is complete.

What it checks:
  - the checkpoint (a C2SP signed note) carries a valid Ed25519 signature by
    the verifier key given on the command line, and names that key's origin;
  - the header's tree_size, the checkpoint's size and the number of record
    lines agree;
  - every record line: the leaf decodes (format byte 0x01), its embedded seq
    equals its position and the line's seq, its time equals the line's
    recorded_at_ms, recording times never decrease;
  - the RFC 6962 Merkle root over all leaves equals the checkpoint's root;
  - every event's JWS (alg EdDSA, no crit) verifies with the key its kid
    names in the key registry as it stood at that point of the log: operator
    keys from the bundle header (kid recomputed as the RFC 7638 thumbprint),
    convention keys from ConventionRegistered / KeyRegistered / KeyRevoked
    payloads in log order (a key revoked at seq r signs nothing after r), the
    key belonging to the acting party;
  - each event's expected_version equals the number of earlier events of its
    convention that passed these checks.

Out of scope: the convention's business rules (payments, amendments,
deadlines, roles per event type...). Re-validating them needs the rules of
docs/EVENTS.md; the C++ verifier (`paraphe verify`) does that.

Usage:
  verify_bundle.py (--vkey VKEY | --vkey-file FILE) BUNDLE.jsonl
Exit status: 0 verified; 1 a check failed (one "FAIL" line per failure on
stdout); 2 usage error or a bundle that cannot be read at all.
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

class Report:
    def __init__(self):
        self.failures = []

    def fail(self, seq, prop, detail):
        self.failures.append((seq, prop, detail))
        where = "-" if seq is None else str(seq)
        print("FAIL seq=%s %s: %s" % (where, prop, detail))


def decode_jws(compact):
    parts = compact.split(".")
    if len(parts) != 3:
        raise ValueError("a JWS has three segments")
    header = json.loads(b64url_decode(parts[0]))
    if not isinstance(header, dict):
        raise ValueError("the JWS header is not an object")
    if header.get("alg") != "EdDSA":
        raise ValueError("alg must be EdDSA")
    if "crit" in header:
        raise ValueError("crit is not supported")
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise ValueError("the header has no kid")
    payload = b64url_decode(parts[1])
    signature = b64url_decode(parts[2])
    signing_input = (parts[0] + "." + parts[1]).encode("ascii")
    return kid, payload, signature, signing_input


def verify(bundle_path, vkey):
    report = Report()
    name, key_id, ledger_pub = parse_vkey(vkey)
    with open(bundle_path, "rb") as f:
        lines = f.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if not lines:
        raise Unreadable("the bundle is empty")
    try:
        header = json.loads(lines[0])
        if header.get("format") != "paraphe-bundle/v1":
            raise ValueError("unknown format %r" % header.get("format"))
        note = header["checkpoint"]
        header_size = header["tree_size"]
        op_entries = header["operator_keys"]
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise Unreadable("line 1: %s" % e)

    # Operator keys: kid recomputed from the public key.
    operator_keys = {}
    for entry in op_entries:
        if isinstance(entry, dict):
            try:
                pub = b64url_decode(entry["public_key"])
            except (KeyError, ValueError) as e:
                raise Unreadable("line 1: operator key: %s" % e)
            if len(pub) != 32:
                raise Unreadable("line 1: operator key is not 32 bytes")
            kid = thumbprint(pub)
            if entry.get("kid") != kid:
                report.fail(None, "signature", "operator kid %r is not its key's thumbprint %s"
                            % (entry.get("kid"), kid))
            operator_keys[kid] = pub

    # Checkpoint.
    text, reason = open_note(note, name, key_id, ledger_pub)
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

    # Records.
    frontier = Frontier()
    registries = {}  # convention -> kid -> {"pub","party","revoked"}
    versions = {}    # convention -> events accepted so far
    last_time = None
    prev_offset = 0
    records = lines[1:]
    for pos, raw_line in enumerate(records):
        line_no = pos + 2
        try:
            rec = json.loads(raw_line)
            leaf = b64_decode(rec["leaf"])
            line_seq, line_time = rec["seq"], rec["recorded_at_ms"]
        except (ValueError, KeyError, TypeError) as e:
            raise Unreadable("line %d: %s" % (line_no, e))
        frontier.append(leaf_hash(leaf))
        if len(leaf) < 17 or leaf[0] != 0x01:
            report.fail(pos, "leaf_hash", "the leaf is not a version-1 leaf")
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

        # The event.
        try:
            kid, payload_bytes, signature, signing_input = decode_jws(leaf[17:].decode("ascii"))
            event = json.loads(payload_bytes)
            conv = event["convention"]
            party = event["actor"]["party"]
            etype = event["type"]
            expected = event["expected_version"]
            if not isinstance(conv, str) or not isinstance(expected, int):
                raise ValueError("bad convention or expected_version")
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
            report.fail(pos, "signature", "the JWS or its event cannot be read: %s" % e)
            continue
        good = True
        if expected != versions.get(conv, 0):
            report.fail(pos, "index", "%s: expected_version %d but %d earlier event(s)"
                        % (conv, expected, versions.get(conv, 0)))
            good = False
        registry = registries.get(conv, {})
        if party == "operator":
            pub = operator_keys.get(kid)
            if pub is None:
                report.fail(pos, "signature", "kid %s is not an operator key" % kid)
                good = False
        else:
            entry = registry.get(kid)
            pub = None
            if entry is None:
                report.fail(pos, "signature", "kid %s is not registered for %s" % (kid, conv))
                good = False
            elif entry["revoked"] is not None:
                report.fail(pos, "signature", "key %s was revoked at seq %d" % (kid, entry["revoked"]))
                good = False
            elif entry["party"] != party:
                report.fail(pos, "signature", "key %s belongs to %s, not %s" % (kid, entry["party"], party))
                good = False
            else:
                pub = entry["pub"]
        if pub is not None and not ed25519_ok(pub, signing_input, signature):
            report.fail(pos, "signature", "the signature does not verify with key %s" % kid)
            good = False
        if not good:
            continue
        versions[conv] = versions.get(conv, 0) + 1
        # Registry changes, in log order.
        data = event.get("data", {})
        try:
            if etype == "ConventionRegistered":
                registry = registries.setdefault(conv, {})
                for p in data["parties"]:
                    for k in p["keys"]:
                        kpub = b64url_decode(k["public_key"])
                        registry[thumbprint(kpub)] = {"pub": kpub, "party": p["id"], "revoked": None}
            elif etype == "KeyRegistered":
                kpub = b64url_decode(data["public_key"])
                registries.setdefault(conv, {})[thumbprint(kpub)] = {
                    "pub": kpub, "party": data["party"], "revoked": None}
            elif etype == "KeyRevoked":
                target = registries.get(conv, {}).get(data["kid"])
                if target is not None and target["revoked"] is None:
                    target["revoked"] = pos
        except (ValueError, KeyError, TypeError) as e:
            report.fail(pos, "signature", "malformed key registry event: %s" % e)

    # Sizes and root.
    n = len(records)
    if checkpoint:
        if header_size != checkpoint[1] or n != checkpoint[1]:
            report.fail(None, "root", "the checkpoint covers %d records, the header says %s, "
                        "the bundle holds %d" % (checkpoint[1], header_size, n))
        elif frontier.root() != checkpoint[2]:
            report.fail(None, "root", "the leaves hash to %s, the checkpoint says %s"
                        % (base64.b64encode(frontier.root()).decode(),
                           base64.b64encode(checkpoint[2]).decode()))
    return report, n


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--vkey", help="the ledger's C2SP verifier key")
    g.add_argument("--vkey-file", help="a file holding the verifier key")
    ap.add_argument("bundle")
    args = ap.parse_args(argv)
    try:
        vkey = args.vkey
        if args.vkey_file:
            with open(args.vkey_file, encoding="utf-8") as f:
                vkey = f.read().strip()
        report, n = verify(args.bundle, vkey)
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
