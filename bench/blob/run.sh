#!/usr/bin/env bash
# Object storage's costs, measured with the app's own BlobMediaStore and VideoProbe against Azurite (from npm, started and
# stopped here): bytes and time of ffprobe and the poster frame through a read-only link (Range requests) beside a local
# copy, and playback over HTTP through a small Kestrel app three ways: the store's seekable stream (what /media did), one
# ranged GET of the blob per response relayed by the app, and a redirect to a read-only link (what /media does now).
# The video is a real MP4 rebuilt with its index (moov) at the end behind MiB of padding, the hard case for a reader.
# Usage: bench/blob/run.sh [MiB]   (default 512)
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SIZE_MIB="${1:-512}"
source "$REPO_ROOT/scripts/azurite.sh"
source "$REPO_ROOT/scripts/ffmpeg.sh"
ensure_ffmpeg
ensure_azurite
WORK="$REPO_ROOT/.data/bench-blob"
rm -rf "$WORK"; mkdir -p "$WORK"
trap 'stop_azurite; rm -rf "$WORK"' EXIT
start_azurite

# ftyp, a "free" box of random bytes, the sample's media data, then its moov with every chunk offset moved by the padding.
python3 - "$REPO_ROOT/tests/fixtures/sample-16x9.mp4" "$WORK/big.mp4" "$SIZE_MIB" <<'PY'
import os, struct, sys
src, dst, mib = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, "rb").read()
boxes, i = {}, 0
while i < len(data):
    size, kind = struct.unpack(">I4s", data[i:i + 8]); boxes[kind] = (i, size); i += size
ftyp = data[:boxes[b"ftyp"][1]]
mdat_at, mdat_size = boxes[b"mdat"]
moov = bytearray(data[boxes[b"moov"][0]:boxes[b"moov"][0] + boxes[b"moov"][1]])
pad = mib * 1048576 - len(data)
delta = len(ftyp) + pad - mdat_at
j = moov.find(b"stco")
while j >= 0:
    count = struct.unpack(">I", moov[j + 8:j + 12])[0]
    for k in range(count):
        at = j + 12 + 4 * k
        moov[at:at + 4] = struct.pack(">I", struct.unpack(">I", moov[at:at + 4])[0] + delta)
    j = moov.find(b"stco", j + 4)
with open(dst, "wb") as out:
    out.write(ftyp)
    out.write(struct.pack(">I", pad) + b"free")
    left = pad - 8
    while left > 0:
        n = min(left, 1 << 24); out.write(os.urandom(n)); left -= n
    out.write(data[mdat_at:mdat_at + mdat_size])
    out.write(moov)
PY
ffprobe -v error -show_entries format=duration -of csv=p=0 "$WORK/big.mp4" >/dev/null || { echo "the rebuilt video does not play" >&2; exit 1; }
dotnet build "$REPO_ROOT/bench/blob/Blob.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
dotnet "$REPO_ROOT/bench/blob/bin/Release/net10.0/Blob.dll" "$VIDEOSTUDIO_AZURITE" "$WORK/big.mp4"
