"""Both apps' strings are translatable and translated: the ``.ts`` sources against the code.

The windows in Italian are tested beside them (``tests/client/test_translations.py``,
``tests/server/test_dashboard_i18n.py``); here, the files and the code.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "resources" / "translations"

_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%n")

# Calls that put their first argument on screen: a literal there skips translation.
_TEXT_SETTERS = {
    "setText",
    "setWindowTitle",
    "setToolTip",
    "setStatusTip",
    "setWhatsThis",
    "setPlaceholderText",
    "setAccessibleName",
    "setAccessibleDescription",
    "setSpecialValueText",
    "setInformativeText",
    "setDetailedText",
    "setTitle",
    "setLabelText",
    "setPrefix",
    "setSuffix",
    "showMessage",
    "addMenu",
    "addAction",
    "addButton",
    "addRow",
    "addTab",
    "QLabel",
    "QPushButton",
    "QAction",
    "QCheckBox",
    "QRadioButton",
    "QGroupBox",
    "QMenu",
}
_NOT_WORDS = {"Parla"}  # the name of the program is the same in every language


def messages(ts: Path) -> list[tuple[str, str, list[str]]]:
    """``(context, source, translations)``; a plural has one translation per form."""
    found = []
    for context in ET.parse(ts).getroot().iter("context"):
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            forms = [form.text or "" for form in translation.iter("numerusform")]
            source = message.findtext("source") or ""
            found.append((context.findtext("name") or "", source, forms or [translation.text or ""]))
    return found


def test_every_string_of_both_apps_is_in_the_ts_files_and_translated() -> None:
    """pyside6-lupdate over the code, into copies of the .ts: nothing new, nothing unfinished."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "translations.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, "run `make translations`, then translate:\n" + result.stderr


def test_both_apps_have_italian_and_english_has_its_plurals() -> None:
    italian = messages(TRANSLATIONS / "parla_it.ts")
    contexts = {context for context, _, _ in italian}
    assert {"MainWindow", "HeaderPanel", "LogFeed", "UsersModel"} <= contexts  # the dashboard
    assert {"ChatWindow", "ConnectDialog", "Failures", "Commands"} <= contexts  # the client
    assert len(italian) > 200
    english = messages(TRANSLATIONS / "parla_en.ts")
    assert english
    assert all("%n" in source and len(forms) == 2 for _, source, forms in english)


@pytest.mark.parametrize("language", ["it", "en"])
def test_translations_keep_placeholders_and_accelerators(language: str) -> None:
    wrong = []
    for context, source, forms in messages(TRANSLATIONS / f"parla_{language}.ts"):
        for form in forms:
            same_fields = sorted(_PLACEHOLDER.findall(form)) == sorted(_PLACEHOLDER.findall(source))
            if not same_fields or form.count("&") != source.count("&"):
                wrong.append((context, source, form))
    assert wrong == []


def _literal_words(node: ast.expr) -> str | None:
    """The text of a literal (or of an f-string's literal parts) if it has words in it."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
        text = "".join(parts)
    else:
        return None
    for word in _NOT_WORDS:
        text = text.replace(word, "")
    return text if re.search(r"[^\W\d_]{2,}", text) else None


def test_no_text_reaches_a_widget_without_tr() -> None:
    """A literal handed straight to a widget would stay English in every language."""
    # The server's other modules write to a terminal or a log, which stay English.
    sources = [*(ROOT / "chat_client_app").rglob("*.py"), *(ROOT / "chat_server_app/dashboard").rglob("*.py")]
    found = []
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            text = _literal_words(node.args[0]) if name in _TEXT_SETTERS else None
            if text is not None:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}({text!r})")
    assert found == []
