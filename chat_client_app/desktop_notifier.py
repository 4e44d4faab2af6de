"""Desktop notifications through the freedesktop Notifications service on D-Bus.

Any Linux desktop has the service (GNOME, KDE, Xfce, dunst, mako...), with or without
a system tray. The call is ``Notify`` with the signature ``susssasa{sv}i``: PySide6's
QtDBus cannot send the ``u`` (replaces_id) nor the byte ``urgency`` hint (a Python int
always goes out as a 16- or 32-bit signed integer, and strict servers refuse the call),
so jeepney marshals the message and talks to the bus, on a worker thread: a bus or
service that does not answer never freezes the window.

The body is markup for servers that advertise ``body-markup``, so there it is escaped;
everywhere else it goes as the characters sent.
"""

from __future__ import annotations

import contextlib
import html
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jeepney import DBusAddress, MessageType, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from PySide6.QtCore import QObject, Signal

__all__ = ["DesktopNotifier", "NoticeRequest", "session_bus_address", "SERVICE", "NOTIFY_SIGNATURE"]

SERVICE = "org.freedesktop.Notifications"
NOTIFY_SIGNATURE = "susssasa{sv}i"
_OBJECT = DBusAddress("/org/freedesktop/Notifications", bus_name=SERVICE, interface=SERVICE)

CALL_TIMEOUT_S = 2.0
"""A notification service answers in a millisecond; one that does not is not there."""

RETRY_AFTER_S = 60.0
"""After a failure, notices go another way this long before the bus is asked again
(a notification daemon may start later in the session)."""

_MAX_CHARS = 200


def session_bus_address(environ: dict[str, str] | None = None) -> str:
    """The session bus to use: ``DBUS_SESSION_BUS_ADDRESS`` (set but empty: none), else
    systemd's per-user socket when it is there, else none (``""``)."""
    env = os.environ if environ is None else environ
    if "DBUS_SESSION_BUS_ADDRESS" in env:
        return env["DBUS_SESSION_BUS_ADDRESS"]
    if hasattr(os, "getuid"):
        socket = Path(f"/run/user/{os.getuid()}/bus")
        if socket.exists():
            return f"unix:path={socket}"
    return ""


def _clean(text: str) -> str:
    # D-Bus strings are UTF-8 with no NUL: one would make the whole message invalid
    # and the bus would drop the connection.
    text = text[:_MAX_CHARS].replace("\0", "")
    return text.encode("utf-8", "replace").decode("utf-8")


@dataclass(frozen=True, slots=True)
class NoticeRequest:
    """One notification: plain texts (escaped here if the server reads markup)."""

    summary: str
    body: str
    urgent: bool = False
    sound: bool = False


class DesktopNotifier(QObject):
    """Sends :class:`NoticeRequest` s to the Notifications service on ``address``.

    Signals (emitted on the worker thread, delivered queued to this object's thread):
        shown(NoticeRequest, bool): the service took it; whether it plays the sound.
        failed(NoticeRequest): no service answered: show it another way.
    """

    shown = Signal(object, bool)
    failed = Signal(object)

    def __init__(self, address: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._address = session_bus_address() if address is None else address
        self._pool: ThreadPoolExecutor | None = None
        self._down_until = 0.0
        # Only the worker thread touches these two.
        self._connection: DBusConnection | None = None
        self._capabilities: frozenset[str] = frozenset()

    @property
    def available(self) -> bool:
        """Whether a notice now goes to the bus (``False``: no bus, or it just failed)."""
        return bool(self._address) and time.monotonic() >= self._down_until

    def notify(self, request: NoticeRequest) -> bool:
        """Send ``request`` in the background; ``False`` when there is no service to ask."""
        if not self.available:
            return False
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parla-notify")
        self._pool.submit(self._send, request).add_done_callback(
            lambda future: self._on_done(request, future)
        )
        return True

    def close(self) -> None:
        """No more notices: the worker ends after what it is sending."""
        if self._pool is not None:
            self._pool.submit(self._disconnect)
            self._pool.shutdown(wait=False)
            self._pool = None

    # --- on the worker thread ---------------------------------------------------------

    def _on_done(self, request: NoticeRequest, future: Future[bool]) -> None:
        failed = future.exception() is not None
        if failed:
            self._down_until = time.monotonic() + RETRY_AFTER_S
        try:
            if failed:
                self.failed.emit(request)
            else:
                self.shown.emit(request, future.result())
        except RuntimeError:
            pass  # the window closed meanwhile: nobody to tell

    def _call(self, member: str, signature: str | None = None, body: tuple[Any, ...] = ()) -> tuple[Any, ...]:
        assert self._connection is not None
        message = new_method_call(_OBJECT, member, signature, body)
        reply = self._connection.send_and_get_reply(message, timeout=CALL_TIMEOUT_S)
        if reply.header.message_type is MessageType.error:
            raise ConnectionError(f"{member}: {reply.header.fields}")
        return tuple(reply.body)

    def _send(self, request: NoticeRequest) -> bool:
        try:
            if self._connection is None:
                self._connection = open_dbus_connection(self._address, auth_timeout=CALL_TIMEOUT_S)
                self._capabilities = frozenset(self._call("GetCapabilities")[0])
            caps = self._capabilities
            body = _clean(request.body)
            if "body-markup" in caps:
                body = html.escape(body, quote=False)
            hints: dict[str, tuple[str, Any]] = {
                # 2 (critical) keeps a private message or a mention on screen until seen
                # and lets it through "do not disturb"; 1 is an ordinary message.
                "urgency": ("y", 2 if request.urgent else 1),
                "category": ("s", "im.received"),
                "desktop-entry": ("s", "parla-client"),
            }
            plays = request.sound and "sound" in caps
            if plays:
                hints["sound-name"] = ("s", "message-new-instant")
            elif not request.sound:
                hints["suppress-sound"] = ("b", True)
            args: tuple[Any, ...] = ("Parla", 0, "parla-client", _clean(request.summary), body, [], hints, -1)
            self._call("Notify", NOTIFY_SIGNATURE, args)
            return plays
        except BaseException:
            self._disconnect()
            raise

    def _disconnect(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            with contextlib.suppress(OSError):
                connection.close()
