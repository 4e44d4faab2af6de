"""Render the app icons from their SVG sources: the PNG set, a Windows .ico, a macOS .icns.

Run by ``make icons`` after an SVG changes; the outputs are committed, so a source
checkout and ``make package`` use them as they are, without rendering anything.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, size: int) -> QImage:
    renderer = QSvgRenderer(str(svg))
    image = QImage(QSize(size, size), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    del app
    for svg in sorted(ICONS.glob("*.svg")):
        stem = svg.stem
        for size in PNG_SIZES:
            out = ICONS / f"{stem}-{size}.png"
            if not render(svg, size).save(str(out)):
                print(f"cannot write {out}", file=sys.stderr)
                return 1
        # The suffix picks the writer (Qt's ico and icns plugins). Windows scales the 256 px
        # picture of the .ico down itself; macOS wants 512 px in the .icns.
        if not render(svg, 256).save(str(ICONS / f"{stem}.ico")):
            print(f"cannot write {stem}.ico", file=sys.stderr)
            return 1
        if not render(svg, 512).save(str(ICONS / f"{stem}.icns")):
            print(f"cannot write {stem}.icns", file=sys.stderr)
            return 1
        print(f"{stem}: {len(PNG_SIZES)} PNGs, .ico, .icns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
