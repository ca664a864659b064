#!/usr/bin/env bash
# Install a built bundle for the current user: the folder, a `noc-console` command on
# PATH, the desktop entry and the icon. With --wall, also autostart the wall display.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bundle="${BUNDLE:-$here/dist/noc-console}"
[ -x "$bundle/noc-console" ] || { echo "install: no bundle at $bundle (make bundle)" >&2; exit 1; }
prefix="${PREFIX:-$HOME/.local}"
mkdir -p "$prefix/opt" "$prefix/bin" "$prefix/share/applications" \
         "$prefix/share/icons/hicolor/256x256/apps" "$prefix/share/icons/hicolor/scalable/apps"
rm -rf "$prefix/opt/noc-console"
cp -a "$bundle" "$prefix/opt/noc-console"
ln -sf "$prefix/opt/noc-console/noc-console" "$prefix/bin/noc-console"
install -m 644 "$here/resources/linux/noc-console.desktop" "$prefix/share/applications/"
install -m 644 "$here/resources/icons/noc-console.png" "$prefix/share/icons/hicolor/256x256/apps/"
install -m 644 "$here/resources/icons/noc-console.svg" "$prefix/share/icons/hicolor/scalable/apps/"
if [ "${1:-}" = "--wall" ]; then
  mkdir -p "$HOME/.config/autostart"
  install -m 644 "$here/resources/linux/noc-console-wall.desktop" "$HOME/.config/autostart/"
fi
echo "installed in $prefix/opt/noc-console; run: noc-console"
