"""packaging/bundle.py: what the specs keep of Qt, and the version they stamp."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from tests.packaging.conftest import load

bundle = load("bundle")

ROOT = Path(__file__).resolve().parents[2]
Q = "PySide6/Qt/"


def entry(name: str, typecode: str = "BINARY") -> tuple[str, str, str]:
    return (name, f"/src/{name}", typecode)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux layout of the PySide6 wheel")
def test_only_the_listed_plugins_and_what_they_link_to_stay() -> None:
    binaries = [
        entry("PySide6/QtGui.abi3.so", "EXTENSION"),
        entry(f"{Q}lib/libQt6Gui.so.6"),
        entry(f"{Q}lib/libQt6XcbQpa.so.6"),
        entry(f"{Q}lib/libQt6WaylandClient.so.6"),
        entry(f"{Q}plugins/platforms/libqxcb.so"),
        entry(f"{Q}plugins/platforms/libqwayland.so"),
        entry(f"{Q}plugins/platformthemes/libqgtk3.so"),
        entry("libgtk-3.so.0"),
        entry("libpython3.11.so.1.0"),
    ]
    links = {
        "/src/PySide6/QtGui.abi3.so": ["libQt6Gui.so.6"],
        f"/src/{Q}plugins/platforms/libqxcb.so": ["libQt6XcbQpa.so.6", "libQt6Gui.so.6"],
        f"/src/{Q}plugins/platforms/libqwayland.so": ["libQt6WaylandClient.so.6"],
        f"/src/{Q}plugins/platformthemes/libqgtk3.so": ["libgtk-3.so.0"],
    }
    left_out: list[str] = []
    kept = bundle.trim_binaries(binaries, lambda path: links.get(path, []), left_out.append)
    assert [name for name, _, _ in kept] == [
        "PySide6/QtGui.abi3.so",
        f"{Q}lib/libQt6Gui.so.6",
        f"{Q}lib/libQt6XcbQpa.so.6",
        f"{Q}plugins/platforms/libqxcb.so",
        "libpython3.11.so.1.0",
    ]
    assert len(left_out) == 4


def test_qt_translations_but_italian_and_dangling_links_go() -> None:
    datas = [
        entry(f"{Q}translations/qtbase_it.qm", "DATA"),
        entry(f"{Q}translations/qtbase_de.qm", "DATA"),
        ("libQt6Gui.so.6", f"{Q}lib/libQt6Gui.so.6", "SYMLINK"),
        ("libQt6OpenGL.so.6", f"{Q}lib/libQt6OpenGL.so.6", "SYMLINK"),
        entry("resources/translations/parla_it.qm", "DATA"),
    ]
    kept = bundle.trim_datas(datas, [entry(f"{Q}lib/libQt6Gui.so.6")])
    assert [name for name, _, _ in kept] == [
        f"{Q}translations/qtbase_it.qm",
        "libQt6Gui.so.6",
        "resources/translations/parla_it.qm",
    ]


def test_the_windows_version_resource_carries_pyprojects_version(tmp_path: Path) -> None:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        version = tomllib.load(handle)["project"]["version"]
    path = Path(bundle.windows_version_file("chat-client", "Parla chat client", str(tmp_path)))
    text = path.read_text(encoding="utf-8")
    numbers = tuple(int(part) for part in version.split("."))
    assert f"filevers={(*numbers, 0, 0, 0, 0)[:4]}" in text
    assert f"StringStruct('ProductVersion', '{version}')" in text
    assert "StringStruct('OriginalFilename', 'chat-client.exe')" in text


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="an ELF library")
def test_the_icu_stub_is_a_tiny_library_with_the_data_symbol(tmp_path: Path) -> None:
    log: list[str] = []
    libraries = [entry(f"{Q}lib/libicudata.so.73"), entry("other.so")]
    entries = bundle.icu_data_stub(libraries, str(tmp_path), log.append)
    stub = Path(entries[0][1])
    if not log or "stays" in log[0]:
        pytest.skip("no binutils on this machine: the build keeps the real ICU data")
    assert stub.stat().st_size < 64 * 1024
    assert b"icudt73_dat" in stub.read_bytes()
    assert entries[1] == entry("other.so")


def test_the_resources_of_each_app_go_into_the_bundle() -> None:
    datas = bundle.resource_datas("chat-server")
    folders = {folder for _, folder in datas}
    assert folders == {"resources/icons", "resources/translations", "resources/unicode"}
    assert all("chat-client" not in source for source, _ in datas)
    assert {Path(source).name for source, _ in datas} >= {"chat-server-32.png", "parla_it.qm", "parla_en.qm"}


@pytest.mark.parametrize("app", ["chat-server", "chat-client"])
def test_both_apps_carry_the_confusables(app: str) -> None:
    """The client checks names as the server does: both compare them by skeleton."""
    table = ROOT / "resources" / "unicode" / "confusables.txt"
    assert (str(table), "resources/unicode") in bundle.resource_datas(app)
