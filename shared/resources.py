"""Where Parla's resources are (icons, translations, Unicode data), in a checkout or a bundle.

Pure path logic, no Qt: each app turns these paths into a ``QIcon`` or a
``QTranslator`` itself. The same ``resources/`` tree is found

- in a source checkout (or an editable install): next to the packages, at the
  repository's top;
- in a PyInstaller bundle: under ``sys._MEIPASS`` (the one-folder build's
  ``_internal/``, or the folder a one-file build unpacks to), where the specs in
  ``packaging/`` copy it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "APPS",
    "LANGUAGES",
    "SOURCE_LANGUAGE",
    "ICON_SIZES",
    "resources_dir",
    "icon_files",
    "translation_file",
    "confusables_file",
    "pick_language",
]

APPS = ("chat-server", "chat-client")
"""The programs; each has its own icon, named after it."""

SOURCE_LANGUAGE = "en"
"""The language of the strings in the code (a ``.qm`` still supplies its plural forms)."""

LANGUAGES = ("en", "it")
"""The languages shipped, as ``--lang`` takes them."""

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
"""The PNG sizes ``packaging/make_icons.py`` renders: the freedesktop hicolor sizes,
which also cover what a title bar, a task bar and a Retina dock ask for."""


def resources_dir() -> Path:
    """The ``resources/`` folder of this checkout or of this bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and isinstance(bundle, str):
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def icon_files(app: str, root: Path | None = None) -> list[Path]:
    """The PNGs of ``app``'s icon that exist, smallest first (a bundle may carry fewer sizes)."""
    if app not in APPS:
        raise ValueError(f"unknown app {app!r}; expected one of {APPS}")
    icons = (root or resources_dir()) / "icons"
    candidates = (icons / f"{app}-{size}.png" for size in ICON_SIZES)
    return [path for path in candidates if path.is_file()]


def translation_file(language: str, root: Path | None = None) -> Path:
    """The compiled translation (``parla_<language>.qm``); it exists only once ``make`` built it."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {LANGUAGES}")
    return (root or resources_dir()) / "translations" / f"parla_{language}.qm"


def confusables_file(root: Path | None = None) -> Path:
    """Unicode's confusables as ``packaging/make_confusables.py`` derives them (UTS #39)."""
    return (root or resources_dir()) / "unicode" / "confusables.txt"


def pick_language(requested: str | None, preferred: Iterable[str]) -> str:
    """The interface language: ``requested`` (``--lang``) if given, else the first of the
    system's ``preferred`` UI languages that Parla ships, else English.

    ``preferred`` holds locale names as Qt's ``QLocale.uiLanguages()`` or ``$LANG``
    spell them: ``it-IT``, ``it_IT.UTF-8``, ``C``.
    """
    if requested is not None:
        if requested not in LANGUAGES:
            raise ValueError(f"unknown language {requested!r}; expected one of {LANGUAGES}")
        return requested
    for name in preferred:
        code = name.replace("-", "_").split("_", 1)[0].split(".", 1)[0].lower()
        if code in LANGUAGES:
            return code
    return SOURCE_LANGUAGE
