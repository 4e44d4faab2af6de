"""The dashboard's files tile: the space the files take and the transfers in progress."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from chat_server_app.dashboard.header import HeaderPanel


def test_the_files_tile_shows_space_and_transfers_with_names_as_plain_text(qtbot: QtBot) -> None:
    header = HeaderPanel()
    qtbot.addWidget(header)
    label = header.findChild(QLabel, "files_label")
    assert label is not None
    assert label.text() == "0 B of 0 B"
    header.set_files(
        used=3 * 1024 * 1024,
        quota=10 * 1024**3,
        transfers=[("anna", "<b>x</b>.png", True, 50, 100), ("bruno", "log.txt", False, 1, 4)],
    )
    assert label.text() == "3.0 MiB of 10.0 GiB  ↑1 ↓1"
    expected = "<html>↑ anna: &lt;b&gt;x&lt;/b&gt;.png (50 %)<br>↓ bruno: log.txt (25 %)</html>"
    assert label.toolTip() == expected
    header.set_files(used=0, quota=1024, transfers=[])
    assert label.toolTip() == "No transfers in progress"
