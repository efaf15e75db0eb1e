#!/usr/bin/env python3
"""Recomputes the worked example of docs/FORMAT.md (section 10) from the
example files (examples/conventions/) with the rules of FORMAT.md and
EVENTS.md alone, and fails when a value in the document differs by one
character: every code block of section 10 is rendered from the recomputed
values and compared byte for byte, and so are the values quoted in its
prose.

Usage: check_worked_example.py SOURCE_DIR [EXAMPLE.jsonl]
  SOURCE_DIR     the repository (docs/FORMAT.md, examples/conventions/)
  EXAMPLE.jsonl  optional: the example log written by make_demo_bundle; its
                 leaves must be the recomputed ones (the C++ ledger and the
                 documents agree)
  --print        print the rendered code blocks (to update the document)
Exit status: 0 the document matches; 1 it does not.
"""

import base64
import datetime
import glob
import hashlib
import json
import os
import re
import struct
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

RECORDED_AT_MS = 1795694400000  # 2026-11-26T12:00:00Z
ORIGIN = "paraphe.example/ledger"
DEMO_NAMES = ["operator", "metropole-signatory", "metropole-finance", "metropole-clerk",
              "crpv-signatory", "crpv-clerk", "committee"]
PARTY_RECORD = 2   # the Métropole's signature of the convention
PROOF_INDEX = PARTY_RECORD


def sha256(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.digest()


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64(raw):
    return base64.b64encode(raw).decode("ascii")


def key_from_seed(text):
    return Ed25519PrivateKey.from_private_bytes(sha256(text.encode("utf-8")))


def public_raw(key):
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def thumbprint_input(pub):
    return '{"crv":"Ed25519","kty":"OKP","x":"' + b64url(pub) + '"}'


def kid_of(pub):
    return b64url(sha256(thumbprint_input(pub).encode("ascii")))


def compact(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def jws_sign(payload_text, key):
    header = compact({"alg": "EdDSA", "kid": kid_of(public_raw(key))})
    signing_input = b64url(header.encode()) + "." + b64url(payload_text.encode("utf-8"))
    sig = key.sign(signing_input.encode("ascii"))
    return header, signing_input + "." + b64url(sig), sig


def leaf_of(seq, jws):
    return b"\x02" + struct.pack(">Qq", seq, RECORDED_AT_MS) + jws.encode("ascii")


def leaf_hash(leaf):
    return sha256(b"\x00", leaf)


def node(left, right):
    return sha256(b"\x01", left, right)


def mth(hashes):
    """RFC 6962 root of a list of leaf hashes."""
    n = len(hashes)
    if n == 1:
        return hashes[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node(mth(hashes[:k]), mth(hashes[k:]))


def inclusion(m, hashes):
    """RFC 9162 2.1.3 PATH(m, D[n]), leaf first."""
    n = len(hashes)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return inclusion(m, hashes[:k]) + [mth(hashes[k:])]
    return inclusion(m - k, hashes[k:]) + [mth(hashes[:k])]


def rebuild(src):
    ex = os.path.join(src, "examples", "conventions")
    with open(os.path.join(ex, "registration.json"), encoding="utf-8") as f:
        payloads = [json.load(f)]
    for path in sorted(glob.glob(os.path.join(ex, "history", "*.json"))):
        with open(path, encoding="utf-8") as f:
            payloads.append(json.load(f))
    keys = {n: key_from_seed("paraphe demo key " + n) for n in DEMO_NAMES}
    by_pub = {b64url(public_raw(k)): n for n, k in keys.items()}
    signer = {("operator", "operator"): "operator"}
    for p in payloads[0]["data"]["parties"]:
        for k in p["keys"]:
            if k["public_key"] in by_pub:
                for role in k["roles"]:
                    signer[(p["id"], role)] = by_pub[k["public_key"]]

    ledger_key = key_from_seed("paraphe example ledger key")
    ledger_pub = public_raw(ledger_key)
    key_id = sha256(ORIGIN.encode(), b"\n", b"\x01", ledger_pub)[:4]
    vkey = "%s+%s+%s" % (ORIGIN, key_id.hex(), b64(b"\x01" + ledger_pub))
    paris = datetime.timezone(datetime.timedelta(hours=1))  # November: CET
    genesis = {"type": "LedgerGenesis", "convention": "_ledger", "expected_version": 0,
               "date": datetime.datetime.fromtimestamp(RECORDED_AT_MS / 1000, paris)
               .strftime("%Y-%m-%d"),
               "actor": {"party": "operator", "role": "operator"},
               "data": {"origin": ORIGIN, "verifier_key": vkey,
                        "operator_keys": [b64url(public_raw(keys["operator"]))]}}
    records = []  # (payload text, header json, jws, signature)
    text = compact(genesis)
    records.append((text,) + jws_sign(text, keys["operator"]))
    for i, p in enumerate(payloads):
        p["expected_version"] = i
        text = compact(p)
        name = signer[(p["actor"]["party"], p["actor"]["role"])]
        records.append((text,) + jws_sign(text, keys[name]))
    leaves = [leaf_of(seq, r[2]) for seq, r in enumerate(records)]
    hashes = [leaf_hash(l) for l in leaves]
    root = mth(hashes)
    body = "%s\n%d\n%s\n" % (ORIGIN, len(leaves), b64(root))
    note = body + "\n\u2014 %s %s\n" % (ORIGIN, b64(key_id + ledger_key.sign(body.encode())))
    return {"keys": keys, "records": records, "leaves": leaves, "hashes": hashes, "root": root,
            "note": note, "vkey": vkey, "key_id": key_id, "ledger_pub": ledger_pub,
            "proof": inclusion(PROOF_INDEX, hashes)}


def render(v):
    """The code blocks of FORMAT.md section 10, in order."""
    blocks = []
    op = public_raw(v["keys"]["operator"])
    g_text, g_header, g_jws, g_sig = v["records"][0]
    g_leaf = v["leaves"][0]
    blocks.append("\n".join([
        "public key (hex)   " + op.hex(),
        "base64url          " + b64url(op),
        "kid                " + kid_of(op),
        "header             " + g_header,
        "payload            " + g_text,
        "signature          " + g_sig[:32].hex(),
        "                   " + g_sig[32:].hex(),
        "leaf_hash          " + v["hashes"][0].hex()]))
    pub = public_raw(v["keys"]["metropole-signatory"])
    blocks.append("\n".join([
        "public key (hex)   " + pub.hex(),
        "base64url          " + b64url(pub),
        "thumbprint input   " + thumbprint_input(pub),
        "kid                " + kid_of(pub)]))
    text, header, jws, sig = v["records"][PARTY_RECORD]
    blocks.append("\n".join([
        "header      " + header,
        "b64url      " + jws.split(".")[0],
        "payload     " + text,
        "signature   " + sig[:32].hex(),
        "            " + sig[32:].hex()]))
    leaf, h = v["leaves"][PARTY_RECORD], v["hashes"][PARTY_RECORD]
    blocks.append("\n".join([
        "%02x                  format version" % leaf[0],
        "%s    seq %d" % (leaf[1:9].hex(), PARTY_RECORD),
        "%s    %d ms" % (leaf[9:17].hex(), RECORDED_AT_MS),
        '%s...   "%s..." (the JWS, %d bytes)' % (leaf[17:24].hex(), jws[:36], len(jws)),
        "",
        "leaf_hash = SHA-256(0x00 || leaf)",
        "          = " + h.hex(),
        "          = %s (base64)" % b64(h)]))
    blocks.append("\n".join([
        "public key (hex)  " + v["ledger_pub"].hex(),
        'key id            SHA-256("%s" || 0x0A || 0x01 || pub)[0:4] = %s'
        % (ORIGIN, v["key_id"].hex()),
        "verifier key      " + v["vkey"]]))
    blocks.append(v["note"].rstrip("\n"))
    blocks.append("\n".join(["c2sp.org/tlog-proof@v1", "index %d" % PROOF_INDEX] +
                            [b64(p) for p in v["proof"]] + ["", "<the checkpoint above>"]))
    blocks.append("\n".join(p.hex() for p in v["proof"]))
    return blocks


def prose_values(v):
    """Values the prose of section 10 quotes, each of which must appear."""
    text, header, jws, sig = v["records"][PARTY_RECORD]
    leaf = v["leaves"][PARTY_RECORD]
    proof = v["proof"]
    return [
        "(%d bytes)" % len(v["leaves"][PARTY_RECORD]),
        '`{"seq":%d,"recorded_at_ms":%d,"leaf":"%s..."}`' % (
            PARTY_RECORD, RECORDED_AT_MS, b64(leaf)[:36]),
        "The %d records of the example history" % len(v["leaves"]),
        "root\n`%s`" % v["root"].hex(),
        "Leaf %d in the tree of %d leaves" % (PROOF_INDEX, len(v["leaves"])),
        "decodes to `%s`" % v["key_id"].hex(),
        "`%s…%s` is leaf %d's hash" % (proof[0].hex()[:8], proof[0].hex()[-5:], PROOF_INDEX + 1),
        "`h = NodeHash(%s…, %s…)`" % (v["hashes"][PROOF_INDEX].hex()[:4], proof[0].hex()[:4]),
        "`NodeHash(%s…, h)`" % proof[1].hex()[:4],
        "`NodeHash(h, %s…)`" % proof[2].hex()[:4],
        "`NodeHash(h, %s…)`" % proof[3].hex()[:4],
        "`%s…%s`, the checkpoint's root" % (v["root"].hex()[:4], v["root"].hex()[-4:]),
    ]


def section10(src):
    with open(os.path.join(src, "docs", "FORMAT.md"), encoding="utf-8") as f:
        doc = f.read()
    start = doc.index("\n## 10. Worked example")
    end = doc.find("\n## ", start + 1)
    return doc[start:] if end < 0 else doc[start:end]


def main(argv):
    printing = "--print" in argv
    argv = [a for a in argv if a != "--print"]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    v = rebuild(argv[0])
    blocks = render(v)
    if printing:
        for b in blocks:
            print("```\n%s\n```\n" % b)
        return 0
    bad = 0
    sec = section10(argv[0])
    found = re.findall(r"\n```\n(.*?)\n```", sec, re.S)
    if len(found) != len(blocks):
        print("section 10 has %d code blocks, expected %d" % (len(found), len(blocks)))
        bad += 1
    for i, (want, got) in enumerate(zip(blocks, found), 1):
        if want != got:
            bad += 1
            print("code block %d differs from the recomputed value:" % i)
            for wl, gl in zip(want.split("\n"), got.split("\n")):
                if wl != gl:
                    print("  document:   %s\n  recomputed: %s" % (gl, wl))
            if want.count("\n") != got.count("\n"):
                print("  (%d lines in the document, %d recomputed)" % (
                    got.count("\n") + 1, want.count("\n") + 1))
    flat = re.sub(r"\s*\n\s*", "\n", sec)
    for value in prose_values(v):
        if value not in sec and value not in flat:
            bad += 1
            print("the prose of section 10 does not say %r" % value)
    if len(argv) > 1:
        with open(argv[1], encoding="utf-8") as f:
            lines = f.read().split("\n")[1:-1]
        leaves = [base64.b64decode(json.loads(l)["leaf"]) for l in lines]
        header = json.loads(open(argv[1], encoding="utf-8").readline())
        if leaves != v["leaves"]:
            bad += 1
            diff = [i for i, (a, b) in enumerate(zip(leaves, v["leaves"])) if a != b]
            print("%s: the ledger's leaves differ from the recomputed ones at %s (%d vs %d "
                  "leaves)" % (argv[1], diff, len(leaves), len(v["leaves"])))
        if header.get("checkpoint") != v["note"]:
            bad += 1
            print("%s: the ledger's checkpoint differs from the recomputed one" % argv[1])
    if bad:
        print("docs/FORMAT.md section 10 does not match the example recomputed from "
              "examples/conventions/ (%d difference(s)); regenerate it with --print" % bad)
        return 1
    print("docs/FORMAT.md section 10 matches the recomputed example (%d leaves, root %s)"
          % (len(v["leaves"]), v["root"].hex()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
