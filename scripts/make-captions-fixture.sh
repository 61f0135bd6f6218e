#!/usr/bin/env bash
# Generates the committed captions fixture of the player's browser tests:
# packages/player/test/fixtures/captions/ — an HLS recording with a WebVTT subtitles rendition.
#
# CI does not run this: the output is committed (about 140 KB) and the test runner serves it as
# static files. Run it again only to change the fixture (needs ffmpeg with libx264, e.g. Debian's
# `apt-get install -y ffmpeg`), then packages/player/test/captions.browser.test.ts.
#
# What it makes, and why:
# - index.m3u8, a multivariant playlist: one variant (media.m3u8: H.264 Main 180x320 15 fps +
#   AAC-LC mono, 8 s in four 2 s segments, one closed GOP each) in the subtitles group "subs",
#   whose one rendition is English WebVTT (subtitles.m3u8 → subtitles-0.vtt…, one cue per segment,
#   the cues in cues.vtt below). DEFAULT=NO: captions start off, the viewer turns them on.
# - EXT-X-PROGRAM-DATE-TIME on every segment, from a fixed start (2026-01-01T00:00:00Z) rather
#   than the generation time, so the fixture is reproducible and looks like the live shows whose
#   pins need it (which is why Chromium plays them through hls.js: its native HLS has no
#   getStartDate()).
# - Segments named .m2ts (MPEG-TS all the same), not .ts: the test runner compiles files named
#   *.ts as TypeScript.
# - Small and reproducible byte for byte with a given ffmpeg build (x264 on one thread,
#   -bitexact), like scripts/make-hls-fixture.sh.
#
# Usage: scripts/make-captions-fixture.sh [output folder]   (default packages/player/test/fixtures/captions)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/packages/player/test/fixtures/captions}"
start_epoch=1767225600 # 2026-01-01T00:00:00Z
duration=8
segment_seconds=2
fps=15

command -v ffmpeg >/dev/null || { echo "ffmpeg not found (apt-get install -y ffmpeg)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat >"$work/cues.vtt" <<'VTT'
WEBVTT

00:00:00.000 --> 00:00:01.900
Welcome to the Night Market

00:00:02.000 --> 00:00:03.900
This ceramic mug holds 350 ml

00:00:04.000 --> 00:00:05.900
It is dishwasher safe

00:00:06.000 --> 00:00:07.900
Tap the bag to see every product
VTT

ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=180x320:rate=${fps}:duration=${duration}" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=${duration}" \
  -i "$work/cues.vtt" \
  -map 0:v -map 1:a -map 2:s \
  -c:v libx264 -threads:v 1 -preset veryfast -profile:v main -pix_fmt yuv420p \
  -b:v 80k -maxrate 100k -bufsize 200k \
  -g $((fps * segment_seconds)) -keyint_min $((fps * segment_seconds)) -sc_threshold 0 -flags:v +cgop+bitexact \
  -c:a aac -b:a 24k -ac 1 -ar 48000 -flags:a +bitexact \
  -c:s webvtt -fflags +bitexact \
  -f hls -hls_time "$segment_seconds" -hls_playlist_type vod -hls_list_size 0 -hls_flags independent_segments \
  -master_pl_name index.m3u8 -var_stream_map "v:0,a:0,s:0,sgroup:subs,language:en" \
  -hls_segment_filename "$work/seg-%03d.m2ts" "$work/media.m3u8"

rm -rf "$out"
mkdir -p "$out"
cp "$work"/seg-*.m2ts "$out/"
# ffmpeg names the rendition "subtitle_0", its playlist media_vtt.m3u8 and segments media<n>.vtt:
# give them names a reader (and a screen reader: NAME is the track's label) understands.
for vtt in "$work"/media*.vtt; do
  n="${vtt##*/media}"
  cp "$vtt" "$out/subtitles-${n}"
done
sed -e 's/^media\([0-9]*\)\.vtt$/subtitles-\1.vtt/' "$work/media_vtt.m3u8" >"$out/subtitles.m3u8"
sed -e 's/NAME="subtitle_0",DEFAULT=YES/NAME="English",DEFAULT=NO,AUTOSELECT=YES/' -e 's/URI="media_vtt.m3u8"/URI="subtitles.m3u8"/' \
  "$work/index.m3u8" >"$out/index.m3u8"
# A program date-time before each segment, counted from the fixed start.
awk -v start="$start_epoch" '
  /^#EXTINF:/ {
    ms = int(t * 1000 + 0.5)
    printf "#EXT-X-PROGRAM-DATE-TIME:%s.%03dZ\n", strftime("%Y-%m-%dT%H:%M:%S", start + int(ms / 1000), 1), ms % 1000
    split(substr($0, 9), d, ",")
    t += d[1]
  }
  { print }
' "$work/media.m3u8" >"$out/media.m3u8"

grep -q 'SUBTITLES="subs"' "$out/index.m3u8" || { echo "index.m3u8 has no subtitles group" >&2; exit 1; }
echo "wrote $out:"
ls -l "$out"
du -cb "$out" | tail -1
