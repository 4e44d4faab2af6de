"""shared.resources: the same paths from a checkout and from a PyInstaller bundle."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import shared.resources
from shared.resources import (
    APPS,
    ICON_SIZES,
    LANGUAGES,
    icon_files,
    pick_language,
    resources_dir,
    translation_file,
)

ROOT = Path(__file__).resolve().parents[2]


def test_a_checkout_finds_the_repositorys_resources() -> None:
    assert resources_dir() == ROOT / "resources"


def test_a_bundle_finds_them_under_meipass(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_dir() == tmp_path / "resources"
    (tmp_path / "resources" / "icons").mkdir(parents=True)
    (tmp_path / "resources" / "icons" / "chat-client-32.png").write_bytes(b"")
    assert icon_files("chat-client") == [tmp_path / "resources" / "icons" / "chat-client-32.png"]
    assert translation_file("it") == tmp_path / "resources" / "translations" / "parla_it.qm"


def test_meipass_alone_is_not_a_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Only PyInstaller's bootloader sets ``sys.frozen``; a stray ``_MEIPASS`` changes nothing."""
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_dir() == ROOT / "resources"


@pytest.mark.parametrize("app", APPS)
def test_every_icon_size_is_in_the_checkout(app: str) -> None:
    files = icon_files(app)
    assert [int(path.stem.rsplit("-", 1)[1]) for path in files] == list(ICON_SIZES)
    assert (ROOT / "resources" / "icons" / f"{app}.svg").is_file()
    assert (ROOT / "resources" / "icons" / f"{app}.ico").is_file()
    assert (ROOT / "resources" / "icons" / f"{app}.icns").is_file()


def test_unknown_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown app"):
        icon_files("chat-bot")
    with pytest.raises(ValueError, match="unknown language"):
        translation_file("fr")
    with pytest.raises(ValueError, match="unknown language"):
        pick_language("fr", [])


@pytest.mark.parametrize(
    ("requested", "preferred", "expected"),
    [
        ("it", ["en-US", "en"], "it"),  # --lang wins over the system
        ("en", ["it-IT", "it"], "en"),
        (None, ["it-IT", "it"], "it"),
        (None, ["it_CH.UTF-8"], "it"),
        (None, ["fr-FR", "fr", "it-IT"], "it"),  # the first one Parla ships
        (None, ["de-DE", "de"], "en"),  # nothing shipped: the source language
        (None, ["C"], "en"),
        (None, [], "en"),
    ],
)
def test_pick_language(requested: str | None, preferred: list[str], expected: str) -> None:
    assert pick_language(requested, preferred) == expected
    assert expected in LANGUAGES


def test_resources_imports_neither_qt_nor_sockets() -> None:
    """shared/ stays pure: this module is pathlib and sys only."""
    tree = ast.parse(Path(shared.resources.__file__).read_text(encoding="utf-8"))
    imported = {
        name.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
    }
    assert imported <= {"__future__", "sys", "pathlib", "collections"}
