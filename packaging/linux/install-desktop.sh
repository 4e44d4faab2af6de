#!/usr/bin/env bash
# Menu entries and icons for the builds in dist/, for this user only (no root needed):
#   packaging/linux/install-desktop.sh            install (make install-desktop)
#   packaging/linux/install-desktop.sh --remove   take them away again
# The .desktop files go to $XDG_DATA_HOME/applications, the icons to the hicolor theme
# (every PNG size, and the SVG as "scalable"), named parla-server and parla-client.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
data="${XDG_DATA_HOME:-$HOME/.local/share}"
sizes=(16 24 32 48 64 128 256 512)

for app in server client; do
    desktop="$data/applications/parla-$app.desktop"
    if [ "${1:-}" = "--remove" ]; then
        rm -f "$desktop" "$data/icons/hicolor/scalable/apps/parla-$app.svg"
        for size in "${sizes[@]}"; do rm -f "$data/icons/hicolor/${size}x${size}/apps/parla-$app.png"; done
        continue
    fi
    program="$root/dist/chat-$app/chat-$app"
    if [ ! -x "$program" ]; then
        echo "No $program: build it first with make package." >&2
        exit 1
    fi
    mkdir -p "$data/applications"
    # The entry runs the build where it is; quoted, in case the path has spaces.
    sed -e "s|^TryExec=.*|TryExec=$program|" -e "s|^Exec=.*|Exec=\"$program\"|" \
        "packaging/linux/parla-$app.desktop" > "$desktop"
    for size in "${sizes[@]}"; do
        install -D -m 644 "resources/icons/chat-$app-$size.png" "$data/icons/hicolor/${size}x${size}/apps/parla-$app.png"
    done
    install -D -m 644 "resources/icons/chat-$app.svg" "$data/icons/hicolor/scalable/apps/parla-$app.svg"
    echo "Installed $desktop"
done

# Menus notice new entries by themselves; these only make it immediate where they exist.
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$data/applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$data/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
fi
