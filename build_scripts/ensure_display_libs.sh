#!/usr/bin/env bash
# Before `make run` opens a real window: Qt's xcb platform plugin needs a handful of
# X11 client libraries that minimal Linux images lack. Install them on Debian/Ubuntu
# when we are root; otherwise name the packages. Offscreen runs (tests, --screenshot)
# need none of this.
set -u
[ "$(uname -s)" = Linux ] || exit 0
case "${QT_QPA_PLATFORM:-}" in offscreen|minimal|wayland*) exit 0 ;; esac
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "make run: no display found (DISPLAY is unset). Run it on a desktop, or under a virtual one: xvfb-run -a make run" >&2
  exit 1
fi
[ -n "${WAYLAND_DISPLAY:-}" ] && exit 0
pkgs="libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-render-util0 libxcb-image0 libegl1 libfontconfig1 libdbus-1-3"
command -v dpkg-query >/dev/null || exit 0
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing X11 libraries Qt needs:$missing"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "make run: Qt needs these system packages to open a window:$missing (sudo apt-get install$missing)" >&2
  exit 1
fi
