#!/usr/bin/env python3
"""Runs verify_bundle.py on each tampered bundle make_demo_bundle wrote and
expects the named finding: exit 1 with a "FAIL seq=N property:" line, or
exit 2 (unreadable input) with a message part.

Also the forged genesis of issue 12 (a thief of the ledger key re-writes the
log under an operator key of their own): internally consistent, so it
passes without pins, and fails with the demo operator key pinned (genesis)
or the funder's keys pinned (key_pin).

Usage: check_tampered.py VERIFY_BUNDLE_PY OUTDIR
"""

import hashlib
import subprocess
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
import base64
import json

# Records before the first event of the example history: the genesis.
K_GENESIS = 1
K_PAYMENT = K_GENESIS + 4  # 04-PaymentOrdered
K_LAST = K_GENESIS + 13    # 13-SettlementReached
# The forged log: genesis, registration, 3 events, the order, the thief's
# KeyRegistered, then the payment executed with the thief's key.
K_FORGED_PAYMENT = K_PAYMENT + 2


def demo_public(name):
    """Demo keys: Ed25519 seed = SHA-256("paraphe demo key " || name)."""
    seed = hashlib.sha256(("paraphe demo key " + name).encode()).digest()
    raw = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(
        Encoding.Raw, PublicFormat.Raw)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


# (file, extra args) -> (exit status, text that must appear: on stdout for
# exit 1 and 0, on stderr for exit 2).
def cases():
    op = ["--operator-key", demo_public("operator")]
    funder = ["--party-key", "metropole=" + demo_public("metropole-finance"),
              "--party-key", "metropole=" + demo_public("metropole-signatory"),
              "--party-key", "metropole=" + demo_public("metropole-clerk"),
              "--party-key", "metropole=" + demo_public("committee")]
    return [
        ("demo.jsonl", op + funder, 0, "VERIFIED: 15 record(s)"),
        ("tampered-signature.jsonl", [], 1, "FAIL seq=%d signature:" % K_PAYMENT),
        ("tampered-root.jsonl", [], 1, "FAIL seq=- root:"),
        ("tampered-sequence.jsonl", [], 1, "FAIL seq=%d sequence_gap:" % K_PAYMENT),
        ("tampered-checkpoint.jsonl", [], 1, "FAIL seq=- checkpoint_signature:"),
        ("tampered-swap.jsonl", [], 1, "FAIL seq=%d sequence_gap:" % (K_PAYMENT - 1)),
        ("tampered-version.jsonl", [], 1, "FAIL seq=%d index:" % K_LAST),
        ("tampered-genesis-missing.jsonl", [], 1, "FAIL seq=0 genesis:"),
        ("tampered-header-operator-keys.jsonl", [], 2, "line 1: unknown member 'operator_keys'"),
        ("forged-genesis.jsonl", [], 0, "VERIFIED: 8 record(s)"),
        ("forged-genesis.jsonl", op, 1, "FAIL seq=0 genesis:"),
        ("forged-genesis.jsonl", funder, 1, "FAIL seq=%d key_pin:" % K_FORGED_PAYMENT),
        # Operator key rotation in the ledger stream (15 registers a second
        # key, 16 revokes the first, 17 is signed by the new or the old one).
        ("rotated.jsonl", op, 0, "VERIFIED: 18 record(s)"),
        ("tampered-operator-revoked.jsonl", op, 1, "FAIL seq=17 signature: [key.revoked]"),
    ] + [(name, [], 2, want) for name, _, want in READING]


# FORMAT.md 8, reading rules: copies of demo.jsonl broken one way each, all
# unreadable input (exit 2, the message naming the line).
def _dup_member(lines):
    lines[0] = lines[0][:-1] + ',"tree_size":%s}' % json.loads(lines[0])["tree_size"]
    return lines


def _header_size(lines):
    h = json.loads(lines[0])
    h["tree_size"] += 1
    lines[0] = json.dumps(h, separators=(",", ":"), ensure_ascii=False)
    return lines


def _header_origin(lines):
    h = json.loads(lines[0])
    h["origin"] = "paraphe.other/ledger"
    lines[0] = json.dumps(h, separators=(",", ":"), ensure_ascii=False)
    return lines


def _v1(lines):
    lines[0] = lines[0].replace("paraphe-bundle/v2", "paraphe-bundle/v1")
    return lines


def _record_member(lines):
    lines[3] = lines[3][:-1] + ',"kid":"x"}'
    return lines


def _bytes(fn):
    return fn


def _lines(fn):
    """A breaker working on the lines (str, without their newlines)."""
    def on_bytes(data):
        lines = fn(data.decode("utf-8").split("\n")[:-1])
        return ("\n".join(lines) + "\n").encode("utf-8")
    return on_bytes


def _blank_line(data):
    i = data.index(b"\n") + 1
    return data[:i] + b"\n" + data[i:]


# name, how to break demo.jsonl's bytes, message part
READING = [
    ("reading-crlf.jsonl", _bytes(lambda b: b.replace(b"\n", b"\r\n")), "line 1: carriage return"),
    ("reading-no-final-newline.jsonl", _bytes(lambda b: b[:-1]), "does not end with a newline"),
    ("reading-blank-line.jsonl", _bytes(_blank_line), "line 2: blank line"),
    ("reading-long-line.jsonl", _bytes(lambda b: b + b"x" * (1433600 + 1) + b"\n"),
     "longer than 1433600"),
    ("reading-duplicate-member.jsonl", _lines(_dup_member), "given twice"),
    ("reading-header-size.jsonl", _lines(_header_size), "tree_size"),
    ("reading-header-origin.jsonl", _lines(_header_origin), "origin"),
    ("reading-format-v1.jsonl", _lines(_v1), "paraphe-bundle/v1"),
    ("reading-record-member.jsonl", _lines(_record_member), "line 4: unknown member 'kid'"),
]


def write_reading_cases(outdir):
    with open(outdir + "/demo.jsonl", "rb") as f:
        demo = f.read()
    for name, breaker, _ in READING:
        with open(outdir + "/" + name, "wb") as f:
            f.write(breaker(demo))


def main(verifier, outdir):
    vkey = outdir + "/demo.vkey"
    write_reading_cases(outdir)
    bad = 0
    for name, extra, status, want in cases():
        p = subprocess.run([sys.executable, verifier, "--vkey-file", vkey] + extra +
                           [outdir + "/" + name], capture_output=True, text=True)
        seen = p.stderr if status == 2 else p.stdout
        label = "%s%s" % (name, " (pinned: %s)" % " ".join(extra[::2]) if extra else "")
        if p.returncode != status or want not in seen:
            bad += 1
            print("%s: expected exit %d with %r, got %d:\n%s%s" % (label, status, want,
                                                                   p.returncode, p.stdout,
                                                                   p.stderr))
        else:
            print("%s: exit %d, %s" % (label, status, want))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
