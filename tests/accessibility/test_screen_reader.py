"""Both programs as a screen reader or an automation tool meets them: through AT-SPI.

The server's dashboard and the chat client run as processes on a virtual screen with
the accessibility bus (see conftest). Everything the tests do goes through the
accessibility tree, by accessible names and roles, as Orca or an automation tool
would: the port is read from the dashboard's log, the connect dialog's fields are
filled in and its Connect button pressed, a line is typed into the message input and
sent, and the timeline's rows are read back, with a line from another user. Each
window's whole tree is walked: every control has a role and a name.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from tests.accessibility.conftest import START_S, Desktop, Node, Peer, desktop, require_desktop

pytestmark = pytest.mark.slow

SERVER = "Parla Server"
CLIENT = "Parla Client"

MUST_BE_NAMED = {
    "push button", "toggle button", "check box", "radio button", "text", "password text",
    "spin button", "combo box", "slider", "scroll bar", "list", "list item", "table", "tree",
    "tree table", "tree item", "page tab", "page tab list", "menu bar", "menu", "popup menu",
    "menu item", "check menu item", "radio menu item", "dialog", "frame", "window", "link",
    "status bar", "tool bar", "split pane", "table column header", "progress bar",
}  # fmt: skip
"""What a user operates or reads: a screen reader says its name. Containers (filler,
panel), separators, labels, and a table's cells and row numbers need none of their
own, unless they can be operated: a label's name is its text, a cell's what it holds,
and when that is nothing a screen reader has nothing to say (a label whose text can be
selected is focusable, and still named by its text). (A label named after
what it is, "Connection state", would hide what it says, "Connected": the tests
below read such texts.)"""

NO_ROLE = {"unknown", "invalid"}
"""Qt's AT-SPI bridge says "unknown" for its grips (splitter handles, a status bar's size
grip: AT-SPI has no grip role). They cannot be operated through AT-SPI, only dragged
with a mouse; a name is what a screen reader can say of them, so they need one. Any
other object without a role, and any operable one, fails."""


def lacking(tree: Node) -> list[str]:
    """Every object of ``tree`` without a role, or that a user meets without a name;
    each as its path of roles and names."""
    found: list[str] = []

    def walk(node: Node, path: str) -> None:
        here = f"{path} > [{node['role']}] {node['name']!r}"
        operable = bool(node["actions"]) or "focusable" in node["states"]
        named = bool(node["name"].strip())
        if node["role"] in NO_ROLE and (operable or not named):
            found.append(f"{here}: no role")
        elif not named and (node["role"] in MUST_BE_NAMED or (operable and node["role"] != "label")):
            found.append(f"{here}: no name")
        for child in node["children"]:
            walk(child, here)

    walk(tree, "")
    return found


@dataclass
class Chat:
    """The desktop, the server's port read from its dashboard, the connect dialog as it
    first showed, and the other user once the client is in."""

    desktop: Desktop
    port: int
    dialog_tree: Node
    peers: list[Peer] = field(default_factory=list)
    connected: bool = False

    def connect(self) -> None:
        """Fill in the connect dialog by its fields' names and press Connect (once): first
        with a port where nobody listens, whose error is read back, then with the right one."""
        if self.connected:
            return
        ears = self.desktop.ears
        ears.set_text(CLIENT, "text", "Your name", "anna")
        ears.set_text(CLIENT, "text", "Server address", "127.0.0.1")
        ears.set_value(CLIENT, "spin button", "Server port", closed_port())
        ears.act(CLIENT, "push button", "Connect", "Press")
        ears.wait(CLIENT, "label", ".*Nobody accepted the connection.*", description="Connection error")
        ears.set_value(CLIENT, "spin button", "Server port", self.port)
        ears.act(CLIENT, "push button", "Connect", "Press")
        ears.wait(CLIENT, "text", "Message", timeout=START_S)
        self.connected = True


def closed_port() -> int:
    """A port of 127.0.0.1 where nothing listens (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def chat() -> Iterator[Chat]:
    require_desktop()
    with desktop() as screen:
        ears = screen.ears
        screen.start(
            "chat_server_app", "--lang", "en", "--name", "Lab 3", "--host", "127.0.0.1", "--port", "0",
            "--no-announce", "--data-dir", str(screen.folder / "data"),
        )  # fmt: skip
        # As its operator would: the dashboard's log says where it listens.
        line = ears.wait(
            SERVER, "list item", r".*127\.0\.0\.1:\d+.*",
            within={"role": "list", "name": "Message log"}, timeout=START_S,
        )  # fmt: skip
        port = int(re.findall(r"127\.0\.0\.1:(\d+)", line["name"])[0])
        screen.start("chat_client_app", "--lang", "en")
        ears.wait(CLIENT, "dialog", ".+", timeout=START_S)
        chat = Chat(screen, port, ears.tree(CLIENT))
        try:
            yield chat
        finally:
            for peer in chat.peers:
                peer.close()


def test_every_control_of_the_connect_dialog_has_a_role_and_a_name(chat: Chat) -> None:
    assert chat.dialog_tree["children"], chat.dialog_tree
    missing = lacking(chat.dialog_tree)
    assert not missing, "\n".join(missing)


def test_a_user_connects_sends_and_reads_the_timeline_through_the_accessibility_tree(chat: Chat) -> None:
    ears = chat.desktop.ears
    chat.connect()
    bruno = Peer(chat.port, "bruno")
    chat.peers.append(bruno)
    timeline = {"role": "list", "name": "Messages"}
    ears.wait(CLIENT, "list item", ".*bruno.*", within=timeline)  # he joined

    ears.set_text(CLIENT, "text", "Message", "Hello from a screen reader")
    ears.act(CLIENT, "push button", "Send", "Press")
    said = bruno.wait_for("message", text="Hello from a screen reader")
    assert said["from"] == "anna"
    row = ears.wait(CLIENT, "list item", ".*Hello from a screen reader.*", within=timeline)
    assert "anna" in row["name"], row

    bruno.say("Heard you, anna")
    row = ears.wait(CLIENT, "list item", ".*Heard you, anna.*", within=timeline)
    assert "bruno" in row["name"], row
    rows = ears.children(CLIENT, "list", "Messages")
    assert sum("Hello from a screen reader" in r for r in rows) == 1, rows
    # what the status bar and the users list say, not only what they are
    ears.wait(CLIENT, "label", "Connected", description="Connection state")
    ears.wait(CLIENT, "list item", "bruno.*", within={"role": "list", "name": "Users"})


def test_every_control_of_the_chat_window_has_a_role_and_a_name(chat: Chat) -> None:
    chat.connect()
    tree = chat.desktop.ears.tree(CLIENT)
    assert [w["role"] for w in tree["children"]] == ["frame"], tree
    # the window's name is its title: who, where
    assert "anna" in tree["children"][0]["name"], tree["children"][0]["name"]
    assert "Lab 3" in tree["children"][0]["name"], tree["children"][0]["name"]
    missing = lacking(tree)
    assert not missing, "\n".join(missing)


def test_every_control_of_the_dashboard_has_a_role_and_a_name(chat: Chat) -> None:
    chat.connect()  # a user in its tables
    tree = chat.desktop.ears.tree(SERVER)
    missing = lacking(tree)
    assert not missing, "\n".join(missing)
