#!/usr/bin/env bash
# Proves the README's two commands on a fresh Debian 12 of the kind CI runs on: a debootstrap chroot with Node 20
# and npm (this host's), cmake, g++, git and the X11 base headers, and none of libzstd-dev, libxtst-dev,
# libxrandr-dev, Chromium, Xvfb or ffmpeg. In it, a clone of this repository's HEAD runs `npm install && npm start`
# (the server must answer /api/health) and `npm install && npm test`, which must install its own tools.
#   sudo test/freshMachine/run.sh [ROOT] [TEST FILTERS...]   # default ROOT /tmp/tessera-fresh
# TEST FILTERS go to vitest (e.g. `native/ scripts/`); without them the whole suite runs. Needs root, debootstrap
# and the Debian and npm mirrors. The chroot is kept (a second run skips debootstrap); delete ROOT to start over.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
root="${1:-/tmp/tessera-fresh}"
shift || true
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
[ "$(id -u)" = 0 ] || { echo "run as root (chroot, mount)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "needs debootstrap: apt-get install -y debootstrap" >&2; exit 1; }
say() { printf '\n== %s\n' "$*"; }

if [ ! -x "$root/usr/bin/apt-get" ]; then
  say "debootstrap bookworm (minbase) into $root"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
fi
for m in proc sys dev dev/pts dev/shm; do mountpoint -q "$root/$m" || mount --bind "/$m" "$root/$m"; done
trap 'for m in dev/shm dev/pts dev sys proc; do umount -l "$root/$m" 2>/dev/null || true; done' EXIT
cp /etc/resolv.conf "$root/etc/resolv.conf"
in_root() { chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin TERM=dumb LANG=C.UTF-8 "$@"; }

say "the fresh machine: cmake, g++, git, the X11 base headers; Node and npm copied from this host"
in_root apt-get update -q >/dev/null
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  cmake g++ make git ca-certificates curl zlib1g-dev libx11-dev libxext-dev libxfixes-dev >/dev/null
cp /usr/bin/node "$root/usr/bin/node"
rm -rf "$root/usr/lib/node_modules/npm" && mkdir -p "$root/usr/lib/node_modules"
cp -a "$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")" "$root/usr/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/bin/npm"
# A warm copy of this host's npm cache only saves downloads; npm still resolves everything from the registry.
[ -d /root/.npm ] && [ ! -d "$root/root/.npm" ] && cp -a /root/.npm "$root/root/.npm"
in_root node -v

say "packages the fresh machine must not have"
for p in libzstd-dev libxtst-dev libxrandr-dev chromium xvfb ffmpeg; do
  if in_root dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -q '^installed'; then
    echo "$p is installed: not a fresh machine" >&2; exit 1
  fi
  echo "not installed: $p"
done
if in_root sh -c 'ls /usr/include/zstd.h /usr/include/X11/extensions/XTest.h /usr/include/X11/extensions/Xrandr.h' 2>/dev/null; then
  echo "zstd, XTest or XRandR headers are present" >&2; exit 1
fi

say "clone of HEAD ($(git -C "$repo" rev-parse --short HEAD))"
rm -rf "$root/root/tessera"
git clone -q "$repo" "$root/root/tessera"

say "npm install && npm start"
in_root sh -c 'cd /root/tessera && npm install --no-audit --no-fund'
in_root sh -c 'ldd /root/tessera/build/Release/tessera.node'
if in_root ldd /root/tessera/build/Release/tessera.node | grep -Ei 'zstd|Xtst|Xrandr'; then
  echo "the addon links zstd, XTest or XRandR" >&2; exit 1
fi
port=$((20000 + RANDOM % 20000))
# Its own session, so the server and everything npm start ran are stopped together, by this group's id only.
setsid chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8 \
  sh -c "cd /root/tessera && TESSERA_PORT=$port TESSERA_DATA=/tmp/tessera-data exec npm start" >"$root/tmp/start.log" 2>&1 &
server=$!
started=""
for _ in $(seq 1 240); do
  if in_root curl -sf "http://127.0.0.1:$port/api/health" >/dev/null 2>&1; then started=yes; break; fi
  kill -0 "$server" 2>/dev/null || break
  sleep 1
done
kill -TERM -- "-$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
tail -n 8 "$root/tmp/start.log"
[ -n "$started" ] || { echo "npm start: no answer on /api/health" >&2; exit 1; }
echo "npm start: /api/health answered on port $port"

say "npm install && npm test $*"
in_root sh -c "cd /root/tessera && npm install --no-audit --no-fund >/dev/null && npm test -- $*"
