"""The Linux menu entries: valid keys, the programs' names, icons that install-desktop installs."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest

from chat_client_app import APPLICATION as CLIENT_APPLICATION

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"


def entry(name: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(LINUX / f"parla-{name}.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


@pytest.mark.parametrize(
    ("name", "program", "wm_class"),
    [
        ("server", "chat-server", "Parla Server"),
        ("client", "chat-client", CLIENT_APPLICATION),
    ],
)
def test_the_menu_entries_run_the_programs_with_their_icons(name: str, program: str, wm_class: str) -> None:
    desktop = entry(name)
    assert desktop["Type"] == "Application"
    assert desktop["Exec"] == desktop["TryExec"] == program  # install-desktop makes them absolute
    assert desktop["Icon"] == f"parla-{name}"
    assert desktop["Terminal"] == "false"
    assert desktop["Categories"].endswith(";")
    assert "Network" in desktop["Categories"].split(";")
    assert desktop["StartupWMClass"] == wm_class  # Qt's WM_CLASS is the application name
    assert {"Name", "GenericName[it]", "Comment[it]"} <= set(desktop)


def test_the_server_sets_the_application_name_the_entry_expects() -> None:
    source = (ROOT / "chat_server_app" / "app.py").read_text(encoding="utf-8")
    assert re.search(r'setApplicationName\("Parla Server"\)', source)
    assert 'setDesktopFileName("parla-server")' in source


def test_install_desktop_installs_the_icon_names_the_entries_use() -> None:
    script = (LINUX / "install-desktop.sh").read_text(encoding="utf-8")
    assert "icons/hicolor/${size}x${size}/apps/parla-$app.png" in script
    assert "icons/hicolor/scalable/apps/parla-$app.svg" in script
