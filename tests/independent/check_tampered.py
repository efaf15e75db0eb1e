#!/usr/bin/env python3
"""Runs verify_bundle.py on each tampered bundle make_demo_bundle wrote and
expects exit status 1 with the named failure.

Usage: check_tampered.py VERIFY_BUNDLE_PY OUTDIR
"""

import subprocess
import sys

# file -> (seq, property) that must be reported ("-" for whole-log failures).
EXPECTED = {
    "tampered-signature.jsonl": ("4", "signature"),
    "tampered-root.jsonl": ("-", "root"),
    "tampered-sequence.jsonl": ("4", "sequence_gap"),
    "tampered-checkpoint.jsonl": ("-", "checkpoint_signature"),
    "tampered-swap.jsonl": ("3", "sequence_gap"),
    "tampered-version.jsonl": ("13", "index"),
}


def main(verifier, outdir):
    vkey = outdir + "/demo.vkey"
    bad = 0
    for name, (seq, prop) in sorted(EXPECTED.items()):
        p = subprocess.run([sys.executable, verifier, "--vkey-file", vkey, outdir + "/" + name],
                           capture_output=True, text=True)
        want = "FAIL seq=%s %s:" % (seq, prop)
        if p.returncode != 1 or want not in p.stdout:
            bad += 1
            print("%s: expected exit 1 with %r, got %d:\n%s%s" % (name, want, p.returncode,
                                                                  p.stdout, p.stderr))
        else:
            print("%s: detected (%s)" % (name, want))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
