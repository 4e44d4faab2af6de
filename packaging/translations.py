"""``make translations``: refresh the ``.ts`` sources from both apps' code with pyside6-lupdate.

New strings arrive unfinished: translate them in ``resources/translations/parla_it.ts``
(Qt Linguist, or any text editor) and, for a plural such as ``"%n user(s)"``, give the
two English forms in ``parla_en.ts`` too (English is the source language; its file
holds only plurals). The build compiles both to ``.qm`` (``make qm``, pyside6-lrelease).

``--check`` (run by the tests) updates temporary copies instead, and lists every
string of the code that is missing or unfinished in them: it changes nothing.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"
APPS = ("chat_client_app", "chat_server_app", "shared_gui")

# language -> extra lupdate options
FILES: dict[str, list[str]] = {
    "it": [],
    "en": ["-pluralonly"],  # the source language needs only its plural forms
}

LUPDATE_OPTIONS = [
    # chat_client_app.commands marks strings without importing Qt.
    "-tr-function-alias",
    "QT_TRANSLATE_NOOP+=_translatable",
    # Strings that left the code leave the file: no stale entries to translate.
    "-no-obsolete",
    # No file names or line numbers: a change elsewhere in a file does not touch the .ts.
    "-locations",
    "none",
    "-source-language",
    "en",
    "-silent",
]


def sources() -> list[Path]:
    return sorted(path for app in APPS for path in (ROOT / app).rglob("*.py"))


def lupdate(ts: Path, language: str) -> None:
    tool = Path(sys.executable).with_name("pyside6-lupdate")
    command = [str(tool), *map(str, sources()), *LUPDATE_OPTIONS, *FILES[language]]
    command += ["-target-language", language, "-ts", str(ts)]
    subprocess.run(command, check=True)


def untranslated(ts: Path) -> list[str]:
    """``context: source`` of every message with no finished translation."""
    found = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            forms = [] if translation is None else [f.text for f in translation.iter("numerusform")]
            if translation is None or translation.get("type") == "unfinished":
                found.append(f"{name}: {message.findtext('source')!r}")
                continue
            text = (translation.text or "").strip()
            if not text and not (forms and all(forms)):
                found.append(f"{name}: {message.findtext('source')!r}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="only report what is untranslated")
    args = parser.parse_args(argv)
    missing: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        for language in FILES:
            ts = TRANSLATIONS / f"parla_{language}.ts"
            target = Path(scratch) / ts.name if args.check else ts
            if args.check:
                shutil.copyfile(ts, target)
            lupdate(target, language)
            missing += [f"{ts.relative_to(ROOT)}: {entry}" for entry in untranslated(target)]
    for entry in missing:
        print(f"untranslated: {entry}", file=sys.stderr)
    if missing:
        print(f"{len(missing)} string(s) to translate: see the top of {Path(__file__).name}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
