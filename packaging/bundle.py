"""What the PyInstaller specs share: the Qt parts each program needs, and nothing else.

The specs (``chat-server.spec``, ``chat-client.spec``) import this module; it does not
import PyInstaller itself, so mypy and the tests can read it. PyInstaller's PySide6
hooks collect every plugin and translation a Qt module *might* use; :func:`trim_binaries`
keeps those listed here, then (on Linux) drops every shared library that nothing
kept links to any more (the GTK stack of the GTK platform theme, Wayland, EGL).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"

Entry = tuple[str, str, str]
"""A PyInstaller TOC entry: (name in the bundle, source path, type code)."""

QT_PREFIX = "PySide6/Qt/" if sys.platform != "win32" else "PySide6/"

# Qt plugins kept, by plugin folder: a name is kept when it contains one of the words.
KEEP_PLUGINS: dict[str, tuple[str, ...]] = {
    # X11, the virtual screen of the tests and CI; Windows and macOS for builds there.
    # Without the Wayland plugin a Wayland desktop runs us through XWayland.
    "platforms": ("xcb", "offscreen", "windows", "cocoa"),
    # TLS (--tls, and a client meeting a TLS server): the system's OpenSSL on Linux.
    "tls": ("openssl", "schannel", "securetransport"),
    # The icons are PNG (built into QtGui); SVG for the desktop theme's icons Qt may load.
    "imageformats": ("svg",),
    "iconengines": ("svg",),
    # Typing: dead keys and compose sequences (è, à), and IBus input methods.
    "platforminputcontexts": ("compose", "ibus"),
    # The native look on Windows; there is no style plugin on Linux.
    "styles": ("windows",),
}

TRANSLATIONS_KEPT = ("qtbase_it.qm",)
"""Qt's own strings (Cancel, the context menus of text fields) in the one language
Parla ships besides English, the language Qt is written in."""

EXCLUDED_MODULES = [
    # Qt modules nothing imports; listed so that no hook or stray import pulls them in.
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtPdf",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.Qt3DCore",
    "PySide6.QtWebEngineCore",
    "PySide6.QtMultimedia",
    "PySide6.QtDesigner",
    "PySide6.QtUiTools",
    "PySide6.QtHelp",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtPrintSupport",
    "PySide6.QtXml",
    "PySide6.QtConcurrent",
    "PySide6.QtDBus",  # the library stays (QtGui links it); its Python module goes
    # Python's own parts a GUI program does not use.
    "tkinter",
    "unittest",
    "pydoc",
    "doctest",
    "lib2to3",
    "pdb",
    "setuptools",
    "pkg_resources",
    # Qt does TLS, with the system's OpenSSL (see the README); without its OpenSSL
    # module hashlib uses its built-in SHA-256 and BLAKE2, so no libcrypto is bundled.
    "ssl",
    "_ssl",
    "_hashlib",
    # East Asian legacy codecs: every text Parla handles is UTF-8.
    "_codecs_cn",
    "_codecs_hk",
    "_codecs_iso2022",
    "_codecs_jp",
    "_codecs_kr",
    "_codecs_tw",
]


class BuildLog:
    """What the trimming did, one line each, in ``<workpath>/<app>-bundle.txt``: the build's
    own output stays short."""

    def __init__(self, workpath: str, app: str) -> None:
        self.path = Path(workpath) / f"{app}-bundle.txt"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("", encoding="utf-8")
        self.lines = 0

    def __call__(self, line: str) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        self.lines += 1


def version() -> str:
    """The version in pyproject.toml: one number for the package, the bundle and Windows."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def version_tuple() -> tuple[int, int, int, int]:
    """``0.1.0`` as Windows wants it: four numbers."""
    numbers = [int("".join(ch for ch in part if ch.isdigit()) or 0) for part in version().split(".")[:4]]
    return (*numbers, 0, 0, 0, 0)[:4]  # type: ignore[return-value]


def icon_for_platform(app: str) -> str | None:
    """The executable's own icon: .ico on Windows, .icns on macOS (Linux executables have none)."""
    if sys.platform == "win32":
        return str(RESOURCES / "icons" / f"{app}.ico")
    if sys.platform == "darwin":
        return str(RESOURCES / "icons" / f"{app}.icns")
    return None


def resource_datas(app: str) -> list[tuple[str, str]]:
    """(source, folder in the bundle): the app's icon PNGs, the compiled translations, and
    the Unicode data both apps compare names with (shared/confusables.py)."""
    translations = sorted((RESOURCES / "translations").glob("*.qm"))
    if not translations:
        raise SystemExit("no compiled translations: run `make qm` (make package does)")
    unicode = sorted((RESOURCES / "unicode").glob("*.txt"))
    if not unicode:
        # Committed, unlike the translations: missing means a broken checkout, and a
        # bundle without it would fail at the first name it compares.
        raise SystemExit("no resources/unicode/*.txt: the checkout is incomplete")
    icons = sorted((RESOURCES / "icons").glob(f"{app}-*.png"))
    return (
        [(str(p), "resources/icons") for p in icons]
        + [(str(p), "resources/translations") for p in translations]
        + [(str(p), "resources/unicode") for p in unicode]
    )


def _plugin_kept(name: str) -> bool | None:
    """Whether a Qt plugin is kept; ``None`` if ``name`` is not a plugin."""
    parts = PurePosixPath(name.replace(os.sep, "/")).parts
    prefix = PurePosixPath(QT_PREFIX, "plugins").parts
    if parts[: len(prefix)] != prefix or len(parts) < len(prefix) + 2:
        return None
    folder, file = parts[len(prefix)], parts[-1]
    return any(word in file for word in KEEP_PLUGINS.get(folder, ()))


def _translation_kept(name: str) -> bool | None:
    path = PurePosixPath(name.replace(os.sep, "/"))
    if not str(path).startswith(f"{QT_PREFIX}translations/"):
        return None
    return path.name in TRANSLATIONS_KEPT


def trim_datas(datas: Iterable[Entry], binaries: Iterable[Entry]) -> list[Entry]:
    """Qt's translations of TRANSLATIONS_KEPT only, and no symbolic link left dangling.

    PyInstaller lists its top-level aliases of libraries (``libQt6Gui.so.6`` ->
    ``PySide6/Qt/lib/libQt6Gui.so.6``) as SYMLINK data entries: those of the
    libraries :func:`trim_binaries` left out go too.
    """
    datas = [entry for entry in datas if _translation_kept(entry[0]) is not False]
    present = {entry[0] for entry in (*datas, *binaries) if entry[2] != "SYMLINK"}

    def kept(entry: Entry) -> bool:
        if entry[2] != "SYMLINK":
            return True
        return os.path.normpath(os.path.join(os.path.dirname(entry[0]), entry[1])) in present

    return [entry for entry in datas if kept(entry)]


def trim_binaries(
    binaries: Iterable[Entry], imports: Callable[[str], Iterable[str]], log: Callable[[str], None]
) -> list[Entry]:
    """The plugins of KEEP_PLUGINS, then (on Linux) only the libraries something kept needs.

    ``imports(path)`` gives the names of the libraries a binary links to (PyInstaller's
    ``bindepend.get_imports``); the extension modules, the kept plugins and libpython
    are the roots everything else must be reachable from.
    """
    binaries = list(binaries)
    entries = [entry for entry in binaries if _plugin_kept(entry[0]) is not False]
    if sys.platform.startswith("linux"):
        by_name = {PurePosixPath(entry[0]).name: entry for entry in entries}
        roots = [
            entry
            for entry in entries
            if entry[2] == "EXTENSION" or _plugin_kept(entry[0]) or entry[0].startswith("libpython")
        ]
        needed = {entry[0] for entry in roots}
        pending = list(roots)
        while pending:
            entry = pending.pop()
            for library in imports(entry[1]):
                found = by_name.get(PurePosixPath(library).name)
                if found is not None and found[0] not in needed:
                    needed.add(found[0])
                    pending.append(found)
        entries = [entry for entry in entries if entry[0] in needed]
    for name in sorted({entry[0] for entry in binaries} - {entry[0] for entry in entries}):
        log(f"bundle: left out {name}")
    return entries


ICU_DATA_STUB = """\
# ICU's "stub data": a data library with an empty table of contents (ICU's own
# stubdata/stubdata.cpp, written in assembler so that binutils suffice).
    .section .rodata
    .globl {symbol}
    .type {symbol}, %object
    .balign 16
{symbol}:
    .short 32                 # header size
    .byte 0xda, 0x27          # magic
    .short 20                 # UDataInfo: size
    .short 0                  #   reserved
    .byte 0, 0, 2, 0          #   little endian, ASCII, 2-byte UChar, reserved
    .ascii "ToCP"             #   data format: a table of contents
    .byte 1, 0, 0, 0          #   format version
    .byte 0, 0, 0, 0          #   data version
    .zero 8                   # padding to the header size
    .long 0                   # entries: none
    .long 0                   # reserved
    .zero 16
    .size {symbol}, .-{symbol}
    .section .note.GNU-stack,"",%progbits
"""


def icu_data_stub(binaries: Iterable[Entry], folder: str, log: Callable[[str], None]) -> list[Entry]:
    """Qt's ICU data library (31 MB, the largest file of the bundle) swapped for an empty one.

    Qt links ICU but reads its data only for collation (locale-aware sorting, which
    Parla does not use: it would fall back to code-point order with a warning) and
    for legacy text codecs (Parla speaks UTF-8); locales, time zones, text layout and
    case mapping are Qt's own. The whole test suite passes against the stub
    (``LD_LIBRARY_PATH`` pointing at it). Linux only; without binutils' ``as`` and
    ``ld`` (PyInstaller's ``strip`` comes with them) the real library stays.
    """
    result = []
    for dest, source, typecode in binaries:
        match = re.fullmatch(r"libicudata\.so\.(\d+)", PurePosixPath(dest).name)
        if match and typecode != "SYMLINK" and sys.platform.startswith("linux"):
            stub = _build_icu_stub(int(match.group(1)), Path(folder), log)
            if stub is not None:
                log(f"bundle: {dest} is ICU's data-less stub ({stub.stat().st_size} bytes)")
                source = str(stub)
        result.append((dest, source, typecode))
    return result


def _build_icu_stub(major: int, folder: Path, log: Callable[[str], None]) -> Path | None:
    assembler, linker = shutil.which("as"), shutil.which("ld")
    if assembler is None or linker is None:
        log("bundle: no as/ld (binutils): the full ICU data library stays")
        return None
    folder.mkdir(parents=True, exist_ok=True)
    source, obj = folder / "icudata-stub.s", folder / "icudata-stub.o"
    library = folder / f"libicudata.so.{major}"
    source.write_text(ICU_DATA_STUB.format(symbol=f"icudt{major}_dat"), encoding="ascii")
    subprocess.run([assembler, "-o", str(obj), str(source)], check=True)
    subprocess.run([linker, "-shared", "-soname", library.name, "-o", str(library), str(obj)], check=True)
    return library


def windows_version_file(app: str, description: str, folder: str) -> str:
    """Write ``app``'s Windows version resource, from pyproject's version; return its path.

    The text is PyInstaller's version-file format (``--version-file``), which it reads
    on Windows only; written everywhere, so that it can be checked anywhere.
    """
    numbers = version_tuple()
    fields = {
        "CompanyName": "The Parla team",
        "FileDescription": description,
        "FileVersion": version(),
        "InternalName": app,
        "LegalCopyright": "MIT licence",
        "OriginalFilename": f"{app}.exe",
        "ProductName": "Parla",
        "ProductVersion": version(),
    }
    strings = ",\n".join(f"          StringStruct({key!r}, {value!r})" for key, value in fields.items())
    text = f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0,
                    OS=0x40004, fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([
      StringTable('040904B0', [
{strings}
      ])
    ]),
    VarFileInfo([VarStruct('Translation', [0x0409, 1200])])
  ]
)
"""
    path = Path(folder) / f"{app}-version.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)
