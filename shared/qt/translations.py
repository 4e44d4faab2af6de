"""Loading the interface language (``--lang it|en``, or the system's).

Where the files are and which language wins is :mod:`shared.resources`; this only
installs the translators, for both apps (QtCore only).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from shared.resources import SOURCE_LANGUAGE, pick_language, translation_file

__all__ = ["install_translators"]


def install_translators(app: QCoreApplication, lang: str | None) -> list[QTranslator]:
    """Install Parla's and Qt's own translations for ``lang`` (``None``: the system's).

    Returns the translators installed; the caller keeps them alive. A missing
    ``.qm`` (a checkout where ``make`` has not run) leaves the English source text.
    """
    language = pick_language(lang, QLocale.system().uiLanguages())
    if lang is not None:
        # Numbers and dates follow the language asked for, not only the words.
        QLocale.setDefault(QLocale(language))
    installed: list[QTranslator] = []
    # English loads its file too: the plural forms ("1 user", "3 users") are there.
    parla = QTranslator(app)
    if parla.load(str(translation_file(language))):
        installed.append(parla)
    # Qt's own dialogs and buttons (Cancel, Undo in a context menu…) in the same language.
    qt_own = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if language != SOURCE_LANGUAGE and qt_own.load(QLocale(language), "qtbase", "_", qt_dir):
        installed.append(qt_own)
    for translator in installed:
        app.installTranslator(translator)
    return installed
