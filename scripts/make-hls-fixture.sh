#!/usr/bin/env bash
# Generates the committed video fixture of the simulated live stream:
# packages/server/fixtures/live/{index.m3u8,seg-000.ts…seg-011.ts}.
#
# CI does not run this: the output is committed, and packages/server/src/hls.ts reads
# index.m3u8 at startup to learn the segments and their durations. Run it again only to change the
# fixture (needs ffmpeg with libx264 and drawtext, e.g. Debian's `apt-get install -y ffmpeg`, and
# the DejaVu fonts), then run packages/server/test/hls.test.ts, which checks the fixture's shape.
#
# What it makes, and why:
# - Portrait 540x960 at 30 fps, like phone-shot live commerce, as a test card: testsrc2 under a
#   LIVE badge, a media clock, frame counter and fixture segment number (so a player's position is
#   visible at a glance) and a product lower third. A 440 Hz tone as mono AAC.
# - H.264 Main + AAC-LC mono 48 kHz in MPEG-TS, 24 s in twelve 2 s segments. Each segment is one
#   closed GOP (-g = fps*2, -keyint_min, -sc_threshold 0, +cgop) starting with an IDR frame, so every
#   segment decodes on its own (EXT-X-INDEPENDENT-SEGMENTS) and the simulator can loop the fixture
#   and start a window anywhere.
# - Small (about 1.1 MB): 300 kb/s video (capped at 360 kb/s), 32 kb/s audio.
# - Reproducible byte for byte with a given ffmpeg build (checked with Debian 12's ffmpeg 5.1):
#   x264 runs on one thread (its multi-threaded rate control is not deterministic), -bitexact leaves
#   out version strings, and the VOD playlist has no EXT-X-PROGRAM-DATE-TIME (the generation time);
#   the simulator writes its own program date-times from the simulated live timeline.
#
# Usage: scripts/make-hls-fixture.sh [output folder]   (default packages/server/fixtures/live)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/packages/server/fixtures/live}"
font="${FONT:-/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf}"
mono="${MONO_FONT:-/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf}"

width=540
height=960
fps=30
segment_seconds=2
duration=24 # a whole number of segments, so the last one is full length too
gop=$((fps * segment_seconds))

command -v ffmpeg >/dev/null || { echo "ffmpeg not found (apt-get install -y ffmpeg)" >&2; exit 1; }
for f in "$font" "$mono"; do
  [[ -f "$f" ]] || { echo "font not found: $f (apt-get install -y fonts-dejavu-core, or set FONT/MONO_FONT)" >&2; exit 1; }
done

# drawtext: ':' inside an option value is escaped as '\:'; text in '…' may hold spaces.
text="drawtext=fontfile=$font"
mono_text="drawtext=fontfile=$mono"
filter="[0:v]format=yuv420p,
drawbox=x=0:y=0:w=iw:h=150:color=black@0.55:t=fill,
$text:text='LIVE':fontsize=34:fontcolor=white:box=1:boxcolor=0xE0245E:boxborderw=12:x=28:y=28,
$text:text='Night Market':fontsize=34:fontcolor=white:x=150:y=34,
$mono_text:text='%{pts\:hms}  #%{frame_num}':fontsize=30:fontcolor=0xFFE066:x=28:y=100,
$mono_text:text='seg %{eif\:trunc(t/$segment_seconds)\:d\:3}':fontsize=30:fontcolor=0xFFE066:x=w-tw-28:y=100,
drawbox=x=0:y=ih-190:w=iw:h=190:color=black@0.6:t=fill,
$text:text='Test card  -  not a real product':fontsize=24:fontcolor=0xBBBBBB:x=28:y=h-170,
$text:text='Ceramic mug':fontsize=40:fontcolor=white:x=28:y=h-130,
$text:text='EUR 24.00':fontsize=40:fontcolor=0x7CFC9A:x=28:y=h-75[v]"

rm -f "$out"/index.m3u8 "$out"/seg-*.ts # only what this script writes
mkdir -p "$out"

ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=${width}x${height}:rate=${fps}:duration=${duration}" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=${duration}" \
  -filter_complex "${filter//$'\n'/}" -map '[v]' -map 1:a \
  -c:v libx264 -threads:v 1 -preset veryfast -profile:v main -pix_fmt yuv420p \
  -b:v 300k -maxrate 360k -bufsize 600k \
  -g "$gop" -keyint_min "$gop" -sc_threshold 0 -flags:v +cgop+bitexact \
  -c:a aac -b:a 32k -ac 1 -ar 48000 -flags:a +bitexact \
  -fflags +bitexact \
  -f hls -hls_time "$segment_seconds" -hls_playlist_type vod -hls_list_size 0 \
  -hls_flags independent_segments \
  -hls_segment_filename "$out/seg-%03d.ts" \
  "$out/index.m3u8"

echo "wrote $out:"
ls -l "$out"
du -cb "$out"/*.ts | tail -1
