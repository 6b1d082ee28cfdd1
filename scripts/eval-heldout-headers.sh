#!/usr/bin/env bash
# An independent estimate of false positives on whole real files: headers of Debian -dev
# packages that are not installed here and were never read while designing or training the
# default model (fetched with `apt-get download`, unpacked under $WORK, never installed or
# committed). Files whose path also exists under /usr/include are dropped, so nothing
# overlaps the trees the model card reports. Runs scripts/eval-real-tree.sh on the rest and
# writes reports/heldout-headers.md.
#
#   scripts/eval-heldout-headers.sh
#   MODEL=m.safetensors scripts/eval-heldout-headers.sh   # another checkpoint (report to stdout only)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${WORK:-/tmp/nestnet-heldout}
packages=(libglib2.0-dev libgtk-3-dev libsqlite3-dev libcurl4-openssl-dev libsdl2-dev libavcodec-dev
  libavformat-dev libavutil-dev libpq-dev libevent-dev libuv1-dev libsodium-dev libcairo2-dev libpango1.0-dev
  libharfbuzz-dev libgstreamer1.0-dev libdbus-1-dev libsystemd-dev libusb-1.0-0-dev libpcap-dev libyaml-dev
  libjansson-dev libarchive-dev liblzma-dev libzstd-dev libmpfr-dev libgsl-dev libfftw3-dev liblua5.4-dev
  libopus-dev libvorbis-dev libflac-dev libsndfile1-dev libasound2-dev libpulse-dev libwayland-dev libdrm-dev
  libxcb1-dev)
mkdir -p "$work/debs"
for p in "${packages[@]}"; do
  ls "$work/debs/${p}_"*.deb >/dev/null 2>&1 || (cd "$work/debs" && apt-get download "$p" >/dev/null)
done
rm -rf "$work/root" && mkdir -p "$work/root"
for d in "$work"/debs/*.deb; do dpkg -x "$d" "$work/root"; done
# Keep C and C++ sources only; drop anything also under /usr/include.
find "$work/root" -type f ! \( -name '*.h' -o -name '*.hh' -o -name '*.hpp' -o -name '*.c' -o -name '*.cc' -o -name '*.cpp' \) -delete
(cd "$work/root/usr/include" && find . -type f) | while read -r f; do
  if [ -e "/usr/include/$f" ]; then rm -f "$work/root/usr/include/$f"; fi
done
table=$(scripts/eval-real-tree.sh "$work/root/usr/include")
echo "$table"
[ -n "${MODEL:-}" ] && exit 0
commit=$(git rev-parse --short HEAD)
tmp=reports/.heldout-headers.md.tmp
cat > "$tmp" <<MD
# False positives on held-out headers

Whole header files of ${#packages[@]} Debian development packages that are not installed on the
machine and were never looked at while the default model was designed or trained, checked by
\`nestnet check --engine both\` with the default model and threshold. Files whose path also
exists under \`/usr/include\` are dropped. These headers compile, so every file the model flags
is a false positive (the oracle is the judge). Written by \`scripts/eval-heldout-headers.sh\`
at commit $commit; run it again to reproduce it.

Packages: $(printf '%s, ' "${packages[@]}" | sed 's/, $//').

\`\`\`
$(echo "$table" | head -1)
\`\`\`

$(echo "$table" | tail -n +2)
MD
mv "$tmp" reports/heldout-headers.md
echo "wrote reports/heldout-headers.md"
