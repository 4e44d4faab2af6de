#!/usr/bin/env bash
# Installs the Debian packages Parla needs on a bare machine, if any is missing.
# Qt's wheels carry Qt itself but not libGL/libEGL, a font or the X11 glue:
# without a font Qt silently draws boxes, without the xcb libraries no window opens.
set -euo pipefail

packages=(
    # Qt under QT_QPA_PLATFORM=offscreen (the tests) and in any window
    libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3
    fonts-dejavu-core fontconfig-config fonts-noto-color-emoji
    # a real window on X11 (make run) and on a virtual screen (screenshots)
    libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
    libxcb-shape0 libxkbcommon-x11-0 xvfb xauth
    # typing into the real client on that screen, as a user would (tests/security/test_client_as_a_user.py)
    xdotool
    # a private session bus for the desktop-notification tests (tests/client/test_notifications.py)
    dbus
    # the accessibility bus, and a screen reader's view of it: both programs driven
    # through AT-SPI (tests/accessibility/)
    at-spi2-core python3-pyatspi
    # the benchmark's C load generator (make bench, and its smoke test in make test);
    # gcc brings binutils, which PyInstaller needs too (make package)
    gcc libc6-dev
)

command -v dpkg-query >/dev/null 2>&1 || exit 0   # not Debian-like: nothing we know to do

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing system packages Qt needs: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
else
    echo "Cannot install them: not root and no sudo. Install them by hand: apt-get install ${missing[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
