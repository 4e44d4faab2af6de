"""Loading the interface language (``--lang it|en``, or the system's)."""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator

__all__ = ["install_translators", "install_plurals", "EnglishPlurals", "CatalogueTranslator", "LANGUAGES"]

LANGUAGES = ("it", "en")
"""Languages the client knows; English is the source language of every string."""


_PLURAL = re.compile(r"\((s|es)\)")


class EnglishPlurals(QTranslator):
    """English plurals for the source strings: "%n user(s)" becomes "1 user" or "3 users".

    Qt leaves numerus forms to a translation file even for the source language; this
    resolves the "(s)" convention instead, so no English ``.qm`` has to be built.
    """

    def translate(
        self, context: str, source_text: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        if n < 0 or "(" not in source_text:
            return None  # type: ignore[return-value]  # a null QString: Qt uses the source text
        return _PLURAL.sub(lambda m: "" if n == 1 else m.group(1), source_text)

    def isEmpty(self) -> bool:
        return False


class CatalogueTranslator(QTranslator):
    """Translations from a Python catalogue keyed by the English source text.

    Plurals are ``(one, other)`` pairs, for languages with two forms (Italian).
    """

    def __init__(self, catalogue: dict[str, str | tuple[str, str]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._catalogue = catalogue

    def translate(
        self, context: str, source_text: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        entry = self._catalogue.get(source_text)
        if entry is None:
            return None  # type: ignore[return-value]  # a null QString: the next translator, or the source
        if isinstance(entry, tuple):
            return entry[0] if n == 1 else entry[1]
        return entry

    def isEmpty(self) -> bool:
        return not self._catalogue


def install_plurals(app: QCoreApplication) -> QTranslator:
    """Install :class:`EnglishPlurals` once (the fallback after every real translation)."""
    existing = app.findChild(EnglishPlurals)
    if existing is not None:
        return existing
    plurals = EnglishPlurals(app)
    app.installTranslator(plurals)
    return plurals


def install_translators(app: QCoreApplication, lang: str | None) -> list[QTranslator]:
    """Install Qt's own and the client's translations for ``lang``; returns them (keep them alive)."""
    locale = QLocale(lang) if lang else QLocale.system()
    installed: list[QTranslator] = [install_plurals(app)]
    if locale.language() == QLocale.Language.English:
        return installed
    qt_own = QTranslator(app)
    # Qt's standard buttons and dialogs (Cancel, Yes...) in the same language.
    if qt_own.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_own)
        installed.append(qt_own)
    if locale.language() == QLocale.Language.Italian:
        from chat_client_app.italian import CATALOGUE

        italian = CatalogueTranslator(CATALOGUE, app)
        app.installTranslator(italian)
        installed.append(italian)
    return installed
