#!/usr/bin/env python3
"""Regenerates the committed seed corpus of the fuzz targets (tests/fuzz/
corpus/<name>/) and their fixture data (tests/fuzz/data/) from a demo ledger.

Usage: tests/fuzz/make_corpus.py PATH/TO/paraphe

Runs `paraphe demo` in a temp dir, then export, checkpoint and proof
commands, and writes small real inputs (the demo's signed events, leaves,
stored records, notes, proofs, HTTP requests) and near-valid variants of
them. Run once and commit the result; the fuzzers only ever read it (they
fuzz into a scratch copy). The demo's event keys are deterministic, its
checkpoint key is not: data/verifier_key.txt pins the one the corpus uses.
"""
import base64
import json
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONVENTION = "metropole-amp-crpv-paca-2026"


def run(*args):
    return subprocess.run(args, check=True, capture_output=True).stdout


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=")


def unb64url(s):
    return base64.urlsafe_b64decode(s + b"=" * (-len(s) % 4))


class Corpus:
    def __init__(self, name):
        self.dir = HERE / "corpus" / name
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)

    def add(self, name, data):
        if isinstance(data, str):
            data = data.encode()
        assert len(data) <= 8192, (name, len(data))
        (self.dir / name).write_bytes(data)


def stored_record(recorded_at_ms, stream, version, jws):
    # cereal portable binary, little endian: flag, class version, fields.
    return (b"\x01" + struct.pack("<I", 1) + struct.pack("<q", recorded_at_ms)
            + struct.pack("<Q", len(stream)) + stream
            + struct.pack("<Q", version) + struct.pack("<Q", len(jws)) + jws)


def main():
    paraphe = sys.argv[1]
    tmp = Path(tempfile.mkdtemp(prefix="paraphe-corpus-"))
    try:
        data = tmp / "demo"
        run(paraphe, "demo", "--data", str(data))
        bundle = tmp / "bundle.jsonl"
        run(paraphe, "export", "--data", str(data), "--out", str(bundle))
        lines = bundle.read_text().splitlines()
        header = json.loads(lines[0])
        records = [json.loads(l) for l in lines[1:]]
        vkey = run(paraphe, "verifier-key", "--data", str(data)).strip()
        checkpoint = run(paraphe, "checkpoint", "--data", str(data))
        size = len(records)

        def proof(seq, tree_size, as_json=False):
            args = [paraphe, "proof", "inclusion", "--data", str(data),
                    "--seq", str(seq), "--tree-size", str(tree_size)]
            return run(*(args + (["--json"] if as_json else [])))

        def consistency(a, b):
            return run(paraphe, "proof", "consistency", "--data", str(data),
                       "--from", str(a), "--to", str(b), "--json")

        leaves = [base64.b64decode(r["leaf"]) for r in records]
        jwss = [leaf[17:] for leaf in leaves]
        payloads = [unb64url(j.split(b".")[1]) for j in jwss]

        (HERE / "data").mkdir(exist_ok=True)
        (HERE / "data" / "verifier_key.txt").write_bytes(vkey + b"\n")
        # The http fuzzer's ledger starts with the first three events.
        (HERE / "data" / "http_fixture.jws").write_bytes(
            b"".join(j + b"\n" for j in jwss[:3]))

        # --- base64 ---
        c = Corpus("base64")
        c.add("empty", b"")
        c.add("hash_b64", json.loads(proof(5, size, True))["root"])
        c.add("kid_b64url", header["operator_keys"][0]["kid"])
        c.add("pubkey_b64url", header["operator_keys"][0]["public_key"])
        c.add("sha256_hex", "e9a9f76cdabe997e12c380b1e723dd23f48d4fea76065c205d5fcc8e6ae4873e")
        c.add("hex_upper", "E9A9F76CDABE")
        c.add("pad1", "aGVsbG8=")
        c.add("pad2", "aGVsbA==")
        c.add("bad_trailing_bits", "aGVsbG9=")
        c.add("bad_char", "aGV*bG8=")
        c.add("padding_inside", "aG=sbG8=")
        c.add("whitespace", "aGVs bG8=")
        c.add("jws_header", jwss[0].split(b".")[0])
        c.add("jws_signature", jwss[0].split(b".")[2])
        c.add("odd_hex", "abc")

        # --- jws ---
        c = Corpus("jws")
        for i, j in enumerate(jwss):
            if len(j) <= 8192:
                c.add(f"demo_{i:02d}", j)
        h, p, s = jwss[1].split(b".")
        c.add("trailing_newline", jwss[1] + b"\n")
        c.add("two_segments", h + b"." + p)
        c.add("four_segments", jwss[1] + b"." + s)
        c.add("bad_signature", h + b"." + p + b"." + s[:-2] + (b"AA" if s[-2:] != b"AA" else b"BA"))
        c.add("short_signature", h + b"." + p + b"." + s[:40])
        for name, hdr in [
            ("alg_none", b'{"alg":"none","kid":"x"}'),
            ("alg_es256", b'{"alg":"ES256","kid":"x"}'),
            ("no_kid", b'{"alg":"EdDSA"}'),
            ("kid_number", b'{"alg":"EdDSA","kid":7}'),
            ("crit", b'{"alg":"EdDSA","kid":"x","crit":["b64"]}'),
            ("dup_member", b'{"alg":"EdDSA","kid":"x","kid":"y"}'),
            ("typ", b'{"alg":"EdDSA","kid":"x","typ":"JOSE"}'),
            ("comment", b'{"alg":"EdDSA",/*c*/"kid":"x"}'),
            ("array", b'["EdDSA"]'),
        ]:
            c.add("header_" + name, b64url(hdr) + b"." + p + b"." + s)
        c.add("padded_payload", h + b"." + base64.urlsafe_b64encode(payloads[1]) + b"." + s)

        # --- event ---
        c = Corpus("event")
        for i, pl in enumerate(payloads):
            if len(pl) <= 8192:
                c.add(f"demo_{i:02d}.json", pl)
        ev = json.loads(payloads[1])
        def variant(name, f):
            e = json.loads(payloads[1])
            f(e)
            c.add(name + ".json", json.dumps(e, separators=(",", ":"), ensure_ascii=False))
        variant("extra_member", lambda e: e.update(extra=1))
        variant("missing_date", lambda e: e.pop("date"))
        variant("bad_date", lambda e: e.update(date="2026-02-30"))
        variant("version_string", lambda e: e.update(expected_version="1"))
        variant("version_negative", lambda e: e.update(expected_version=-1))
        variant("version_float", lambda e: e.update(expected_version=1.0))
        variant("unknown_type", lambda e: e.update(type="Nope"))
        variant("unknown_role", lambda e: e["actor"].update(role="king"))
        variant("data_array", lambda e: e.update(data=[]))
        c.add("reordered.json", json.dumps(dict(reversed(list(ev.items())))))
        c.add("duplicate_member.json", payloads[1][:-1] + b',"type":"PartySigned"}')
        c.add("unicode_escapes.json", payloads[1].replace(b'"date"', b'"\\u0064ate"'))
        c.add("trailing_comma.json", payloads[1][:-1] + b",}")
        c.add("not_object.json", b"[]")
        c.add("big_number.json", payloads[1].replace(b'"expected_version":', b'"expected_version":184467440737095516160+'))

        # --- record: leaves and stored records ---
        c = Corpus("record")
        for i, (r, leaf) in enumerate(zip(records, leaves)):
            if len(leaf) > 8192:
                continue
            c.add(f"leaf_{i:02d}", leaf)
            pl = json.loads(payloads[i])
            c.add(f"stored_{i:02d}", stored_record(
                r["recorded_at_ms"], pl["convention"].encode(),
                pl["expected_version"] + 1, jwss[i]))
        c.add("leaf_header_only", leaves[1][:17])
        c.add("leaf_short", leaves[1][:16])
        c.add("leaf_v2", b"\x02" + leaves[1][1:])
        c.add("leaf_min_time", b"\x01" + b"\x00" * 8 + b"\x80" + b"\x00" * 7 + jwss[1])
        c.add("leaf_max_time", b"\x01" + b"\x00" * 8 + b"\x7f" + b"\xff" * 7 + jwss[1])
        st = stored_record(1, b"c", 1, jwss[1])
        c.add("stored_truncated", st[:-1])
        c.add("stored_trailing", st + b"\x00")
        c.add("stored_huge_length", st[:13] + b"\xff" * 8 + st[21:])
        c.add("stored_big_endian_flag", b"\x00" + st[1:])

        # --- note ---
        c = Corpus("note")
        c.add("checkpoint_note", checkpoint)
        text, sig = checkpoint.split(b"\n\n")
        c.add("checkpoint_body", text + b"\n")
        c.add("verifier_key", vkey)
        for n in (1, 3, 7, 10):
            cp = proof(0, n).split(b"\n\n", 1)[1]
            c.add(f"checkpoint_{n}", cp)
        c.add("two_signatures", checkpoint + sig.replace(b"paraphe.demo/ledger", b"other.example/log"))
        c.add("extension_line", checkpoint.replace(b"\n\n", b"\nextension\n\n", 1))
        c.add("no_blank_line", checkpoint.replace(b"\n\n", b"\n"))
        c.add("no_final_newline", checkpoint.rstrip(b"\n"))
        c.add("crlf", checkpoint.replace(b"\n", b"\r\n"))
        c.add("size_leading_zero", checkpoint.replace(b"\n14\n", b"\n014\n"))
        c.add("size_overflow", checkpoint.replace(b"\n14\n", b"\n18446744073709551616\n"))
        c.add("bad_utf8", checkpoint.replace(b"paraphe.demo", b"paraphe\xc3\x28demo", 1))
        c.add("hyphen_not_dash", checkpoint.replace(b"\xe2\x80\x94", b"-"))
        c.add("vkey_bad_id", vkey.replace(b"+", b"+0", 1))
        c.add("vkey_no_alg", vkey.rsplit(b"+", 1)[0] + b"+" + base64.b64encode(b"\x02" + b"\x00" * 32))

        # --- proof ---
        c = Corpus("proof")
        for seq, n in [(0, 1), (0, size), (5, size), (13, size), (3, 7), (6, 7), (2, 4)]:
            c.add(f"text_{seq}_of_{n}", proof(seq, n))
        for seq, n in [(5, size), (0, 1), (8, 9)]:
            c.add(f"json_{seq}_of_{n}.json", proof(seq, n, True))
        receipt = {"seq": 5, "inclusion_proof": json.loads(proof(5, size, True))}
        c.add("receipt.json", json.dumps(receipt))
        for a, b in [(0, size), (1, size), (3, 7), (4, 8), (7, size), (size, size)]:
            c.add(f"consistency_{a}_{b}.json", consistency(a, b))
        t = proof(5, size)
        c.add("text_extra", t.replace(b"\nindex", b"\nextra aGVsbG8=\nindex", 1))
        c.add("text_index_leading_zero", t.replace(b"index 5", b"index 05"))
        c.add("text_short_hash", t.replace(b"=\n", b"\n", 1))
        c.add("text_no_checkpoint", t.split(b"\n\n", 1)[0] + b"\n\n")
        c.add("text_wrong_index", t.replace(b"index 5", b"index 6"))
        j = json.loads(proof(5, size, True))
        j["tree_size"] = 99
        c.add("json_wrong_tree_size.json", json.dumps(j))
        j = json.loads(proof(5, size, True))
        j["index"] = -1
        c.add("json_negative_index.json", json.dumps(j))
        j = json.loads(proof(5, size, True))
        del j["checkpoint"]
        c.add("json_no_checkpoint.json", json.dumps(j))

        # --- http ---
        c = Corpus("http")
        def req(name, method, target, headers=(), body=b""):
            lines = [f"{method} {target} HTTP/1.1", "Host: localhost"]
            lines += list(headers)
            if body or method == "POST":
                lines.append(f"Content-Length: {len(body)}")
            c.add(name, ("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        conv = f"/v1/conventions/{CONVENTION}"
        for name, target in [
            ("conventions", "/v1/conventions"),
            ("state", conv),
            ("state_as_of_seq", conv + "?as_of_seq=1"),
            ("state_as_of_date", conv + "?as_of_date=2026-02-10"),
            ("events", conv + "/events"),
            ("payments", conv + "/payments"),
            ("unknown_convention", "/v1/conventions/nope/events"),
            ("checkpoint", "/v1/log/checkpoint"),
            ("entries", "/v1/log/entries?start=0&end=3&limit=2"),
            ("inclusion", "/v1/log/proof/inclusion?seq=1&tree_size=3"),
            ("inclusion_bad", "/v1/log/proof/inclusion?seq=9&tree_size=3"),
            ("consistency", "/v1/log/proof/consistency?from=1&to=3"),
            ("verifier_key", "/v1/log/verifier-key"),
            ("operator_keys", "/v1/log/operator-keys"),
            ("subscribe", "/v1/subscribe?from_seq=1"),
            ("healthz", "/healthz"),
            ("readyz", "/readyz"),
            ("metrics", "/metrics"),
            ("openapi", "/v1/openapi.json"),
            ("percent_encoding", "/v1/conventions/%6Detropole-amp-crpv-paca-2026?as_of_seq=%31"),
            ("bad_percent", "/v1/conventions/%zz"),
            ("dot_segments", "/v1/../v1/log/checkpoint"),
            ("absolute_form", "http://localhost/v1/log/checkpoint"),
        ]:
            req("get_" + name, "GET", target)
        req("get_with_token", "GET", "/v1/conventions", ["Authorization: Bearer fuzz-token"])
        req("get_wrong_token", "GET", "/v1/log/entries", ["Authorization: Basic Zm9vOmJhcg=="])
        req("subscribe_last_event_id", "GET", "/v1/subscribe", ["Last-Event-ID: 18446744073709551615"])
        req("head", "HEAD", "/v1/log/checkpoint")
        req("options", "OPTIONS", "/v1/events")
        req("delete", "DELETE", "/v1/events")
        for i in range(3, min(size, 7)):
            req(f"post_event_{i:02d}", "POST", "/v1/events",
                ["Content-Type: application/jose"], jwss[i])
        req("post_duplicate", "POST", "/v1/events", ["Content-Type: application/jose"], jwss[1] + b"\n")
        req("post_json_type", "POST", "/v1/events", ["Content-Type: application/json"], jwss[3])
        req("post_no_type", "POST", "/v1/events", [], jwss[3])
        req("post_garbage", "POST", "/v1/events", ["Content-Type: Application/JOSE; charset=utf-8"], b"a.b.c")
        body = jwss[3]
        chunked = (
            b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/jose\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
            + b"".join(b"%x\r\n%s\r\n" % (len(body[k:k + 500]), body[k:k + 500])
                       for k in range(0, len(body), 500)) + b"0\r\n\r\n")
        c.add("post_chunked", chunked)
        c.add("pipelined", b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
              b"GET /v1/log/checkpoint HTTP/1.1\r\nHost: x\r\n\r\n"
              b"GET /v1/conventions HTTP/1.0\r\n\r\n")
        c.add("http10", b"GET /v1/log/checkpoint HTTP/1.0\r\n\r\n")
        c.add("bare_lf", b"GET /healthz HTTP/1.1\nHost: x\n\n")
        c.add("no_version", b"GET /healthz\r\n\r\n")
        c.add("content_length_conflict", b"POST /v1/events HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
