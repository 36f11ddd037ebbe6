#!/usr/bin/env bash
# Build assets/icc/FOGRA39L-coated.icc, the CMYK output-intent profile of the print PDFs,
# from colord's FOGRA39L_coated.iccprofile.xml (CC0; Fogra's FOGRA39L characterisation data)
# with ArgyllCMS's colprof, exactly as colord's own cd-create-profile does it
# (client/cd-create-profile.c: colprof -nc -qm -bm -kp STLE STPO ENPO ENLE SHAPE -lTLIMIT).
#
# Inputs (all in this folder, see README.md here for provenance and licence):
#   FOGRA39L_coated.iccprofile.xml   colord commit f5220d8e (file unchanged since 158fba0b, 2017)
#                                    sha256 d132982babf3ae78675d76c227c6f14b10be7c761654a54739fd710716e4b286
# Tool: ArgyllCMS colprof (Debian package `argyll`; built and checked with 2.3.1).
# Settings: read from the XML itself (stle, stpo, enpo, enle, shape, tlimit), colord's
#   fixed options (-nc no embedded .ti3, -qm medium quality A2B, -bm medium quality B2A),
#   the description and copyright below.
# Reproducible: colprof's output is the same on every run except the ICC header's creation
#   date (bytes 24-35), which this script sets to the date of the XML's last change,
#   2017-07-31 00:00:00. colprof writes an ICC v2.2 profile, whose header has no profile ID
#   to recompute. Run it twice: the two outputs are byte-identical.
#
# Usage: assets/icc/build-profile.sh [OUTPUT]   (default: assets/icc/FOGRA39L-coated.icc)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
xml="$here/FOGRA39L_coated.iccprofile.xml"
out="${1:-$here/FOGRA39L-coated.icc}"
expected=d132982babf3ae78675d76c227c6f14b10be7c761654a54739fd710716e4b286

command -v colprof >/dev/null || {
    echo "colprof (ArgyllCMS) is missing: sudo apt-get install argyll" >&2
    exit 1
}
command -v python3 >/dev/null || { echo "python3 is missing" >&2; exit 1; }
actual="$(sha256sum "$xml" | cut -d' ' -f1)"
[ "$actual" = "$expected" ] || {
    echo "$xml: sha256 $actual, expected $expected (not colord's file)" >&2
    exit 1
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The .ti3 measurement data and colprof's settings, as they stand in the XML.
settings="$(python3 - "$xml" "$work/FOGRA39L.ti3" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
def tag(name):
    found = re.search(rf"<{name}>(.*?)</{name}>", text, re.S)
    if not found:
        sys.exit(f"{sys.argv[1]}: no <{name}>")
    return found.group(1)
open(sys.argv[2], "w", encoding="utf-8").write(tag("data_ti3"))
kp = " ".join(f"{float(tag(n)):f}" for n in ("stle", "stpo", "enpo", "enle", "shape"))
print(f"-kp {kp} -l{float(tag('tlimit')):.0f}")
EOF
)"

# shellcheck disable=SC2086  # $settings is a list of options
(cd "$work" && colprof -nc -qm -bm $settings \
    -D "FOGRA39L Coated (charterpress, from colord's CC0 FOGRA39L data)" \
    -C "No copyright, CC0 1.0. Characterisation data FOGRA39L by Fogra (www.fogra.org)" \
    -O FOGRA39L.icc FOGRA39L >colprof.log 2>&1) || {
    cat "$work/colprof.log" >&2
    exit 1
}

python3 - "$work/FOGRA39L.icc" "$out" <<'EOF'
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
assert data[36:40] == b"acsp" and data[16:20] == b"CMYK", "not an ICC CMYK profile"
data[24:36] = struct.pack(">6H", 2017, 7, 31, 0, 0, 0)
open(sys.argv[2], "wb").write(data)
EOF
echo "$out: $(wc -c <"$out") bytes, sha256 $(sha256sum "$out" | cut -d' ' -f1)"
