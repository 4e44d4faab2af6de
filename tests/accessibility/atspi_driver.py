"""The hands and ears of an assistive technology: reads and drives programs over AT-SPI.

Run by a Python that has pyatspi (Debian's python3-pyatspi, for the system's
``/usr/bin/python3``; the project's virtualenv may be another Python), with the
private session bus and display of the programs under test in its environment. It
reads one JSON request a line on stdin and answers each with one JSON line on
stdout: ``{"ok": true, "result": ...}`` or ``{"ok": false, "error": "..."}``.

Requests (``app`` is the application's accessible name, e.g. "Parla Client"; a
``target`` is ``{"role": "push button", "name": "Connect"}``, the name matched
whole, as a regular expression, on showing objects only unless ``"hidden": true``;
``"description": ...`` asks for that description too):

- ``{"op": "apps"}``: the names of the applications on the desktop.
- ``{"op": "tree", "app": ...}``: the application's whole tree, every node as
  ``{"role", "name", "description", "states", "actions", "text", "children"}``.
- ``{"op": "wait", "app": ..., "target": ..., "within": target?, "timeout": s}``:
  polls the tree until ``target`` (inside ``within``, if given) is there, then
  answers with that node (children left out); an error after ``timeout``.
- ``{"op": "set_text", "app": ..., "target": ..., "text": ...}``: EditableText.
- ``{"op": "set_value", "app": ..., "target": ..., "value": ...}``: Value.
- ``{"op": "action", "app": ..., "target": ..., "action": "Press"}``: Action.
- ``{"op": "children", "app": ..., "target": ...}``: the names of its children.

Only this file imports pyatspi: the tests talk to it through a pipe, so they run
in whichever Python the project's virtualenv has.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Iterator
from typing import Any

import pyatspi
from gi.repository import Atspi, GLib

POLL_MS = 50
"""Between two looks at the tree while waiting: the programs answer over D-Bus in
a few milliseconds, and the wait ends when the target is there or at its deadline."""
MAX_CHILDREN = 500
"""Children read of one node: a long list shows the first ones (a timeline's rows)."""
MAX_DEPTH = 40
TEXT_CHARS = 200


class DriverError(Exception):
    """A request that cannot be done; its text goes back to the test."""


def app_named(name: str) -> Any:
    desktop = pyatspi.Registry.getDesktop(0)
    for index in range(desktop.childCount):
        app = desktop.getChildAtIndex(index)
        if app is not None and app.name == name:
            # Read every property afresh: the programs change under us, and GLib's
            # loop runs only while a wait does, too seldom to keep a cache up to date.
            app.set_cache_mask(Atspi.Cache.NONE)
            app.clear_cache()
            return app
    raise DriverError(f"no application named {name!r} on the desktop")


def children(node: Any) -> Iterator[Any]:
    for index in range(min(node.childCount, MAX_CHILDREN)):
        child = node.getChildAtIndex(index)
        if child is not None:
            yield child


def states(node: Any) -> list[str]:
    return sorted(state.value_nick for state in node.getState().getStates())


def actions(node: Any) -> list[str]:
    try:
        action = node.queryAction()
    except NotImplementedError:
        return []
    return [action.getName(i) for i in range(action.nActions)]


def text_of(node: Any) -> str | None:
    try:
        text = node.queryText()
    except NotImplementedError:
        return None
    return str(text.getText(0, min(text.characterCount, TEXT_CHARS)))


def describe(node: Any, depth: int = 0, *, deep: bool = True) -> dict[str, Any]:
    found: dict[str, Any] = {
        "role": node.getRoleName(),
        "name": node.name or "",
        "description": node.description or "",
        "states": states(node),
        "actions": actions(node),
        "text": text_of(node),
    }
    if deep and depth < MAX_DEPTH:
        found["children"] = [describe(child, depth + 1) for child in children(node)]
    else:
        found["children"] = []
    return found


def matches(node: Any, target: dict[str, Any]) -> bool:
    if node.getRoleName() != target["role"]:
        return False
    if re.fullmatch(target["name"], node.name or "", re.DOTALL) is None:
        return False
    if "description" in target and node.description != target["description"]:
        return False
    return bool(target.get("hidden")) or node.getState().contains(pyatspi.STATE_SHOWING)


def find(root: Any, target: dict[str, Any], depth: int = 0) -> Any | None:
    if depth > 0 and matches(root, target):
        return root
    if depth >= MAX_DEPTH:
        return None
    for child in children(root):
        found = find(child, target, depth + 1)
        if found is not None:
            return found
    return None


def located(request: dict[str, Any]) -> Any:
    root = app_named(request["app"])
    if "within" in request:
        root = find(root, request["within"])
        if root is None:
            raise DriverError(f"no {request['within']} in {request['app']}")
    node = find(root, request["target"])
    if node is None:
        raise DriverError(f"no {request['target']} in {request['app']}")
    return node


def wait(request: dict[str, Any]) -> dict[str, Any]:
    """The target's description once it is in the tree, or a :class:`DriverError` at
    the deadline. GLib's main loop runs meanwhile (D-Bus traffic, AT-SPI's events), and
    looks again every :data:`POLL_MS`: what ``qtbot.waitUntil`` does on Qt's loop."""
    deadline = time.monotonic() + float(request["timeout"])
    loop = GLib.MainLoop()
    outcome: dict[str, Any] = {}

    def look() -> bool:
        try:
            outcome["found"] = describe(located(request), deep=False)
        except (DriverError, GLib.Error) as exc:
            if time.monotonic() < deadline:
                return True  # again at the next tick
            outcome["error"] = DriverError(f"after {request['timeout']} s: {exc}")
        if loop.is_running():
            loop.quit()
        return False

    if look():
        GLib.timeout_add(POLL_MS, look)
        loop.run()
    if "error" in outcome:
        raise outcome["error"]
    found: dict[str, Any] = outcome["found"]
    return found


def handle(request: dict[str, Any]) -> Any:
    op = request["op"]
    if op == "apps":
        desktop = pyatspi.Registry.getDesktop(0)
        return [app.name for app in children(desktop)]
    if op == "tree":
        return describe(app_named(request["app"]))
    if op == "wait":
        return wait(request)
    node = located(request)
    if op == "set_text":
        return bool(node.queryEditableText().setTextContents(request["text"]))
    if op == "set_value":
        node.queryValue().currentValue = float(request["value"])
        return True
    if op == "action":
        action = node.queryAction()
        names = [action.getName(i) for i in range(action.nActions)]
        if request["action"] not in names:
            raise DriverError(f"{request['target']} has no action {request['action']!r}, only {names}")
        return bool(action.doAction(names.index(request["action"])))
    if op == "children":
        return [child.name or "" for child in children(node)]
    raise DriverError(f"unknown op {op!r}")


def main() -> int:
    for line in sys.stdin:
        try:
            answer = {"ok": True, "result": handle(json.loads(line))}
        except (DriverError, GLib.Error, NotImplementedError) as exc:
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
