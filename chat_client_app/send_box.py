"""The send box: the message line, its character counter and the Send button.

:class:`SendBox` turns what the user types into requests (say this, leave, show
the help, clear the view); what a typed line means comes from
:mod:`chat_client_app.commands`, and the window decides what each request does.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from chat_client_app.colours import palette_is_dark
from chat_client_app.commands import (
    COMMANDS,
    TRANSLATION_CONTEXT,
    AwayCommand,
    BackCommand,
    ClearCommand,
    HelpCommand,
    JoinCommand,
    PartCommand,
    PrivateCommand,
    QuitCommand,
    SayCommand,
    UnknownCommand,
    UsageProblem,
    msg_prefix,
    parse_command,
)
from chat_client_app.input_flaws import text_flaw_sentence
from chat_client_app.input_line import InputLine
from chat_client_app.user_model import UserListModel
from shared.limits import STATUS_TEXT_MAX_CHARS, TEXT_MAX_CHARS
from shared.messages import PresenceState
from shared.validation import text_flaw

__all__ = ["SendBox", "COUNTER_FROM"]

COUNTER_FROM = TEXT_MAX_CHARS - 500
"""The character counter shows from here on: far enough ahead to stop mid-sentence."""

_WARNING_STYLE_LIGHT = "color: #c62828; font-weight: bold;"
_WARNING_STYLE_DARK = "color: #ff8a80; font-weight: bold;"


class SendBox(QWidget):
    """Signals: say_requested(text, to or None), quit_requested, help_requested,
    clear_requested, info(str) for a line in the view, problem(str) for the status bar."""

    say_requested = Signal(str, object)
    quit_requested = Signal()
    help_requested = Signal()
    clear_requested = Signal()
    info = Signal(str)
    problem = Signal(str)
    join_requested = Signal(str)  # room, without its #
    part_requested = Signal(object)  # room, or None for the one being looked at
    status_requested = Signal(object, str)  # PresenceState, text
    typed = Signal()  # the user is typing a message (not a command)

    def __init__(self, users: UserListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._users = users  # the names /msg completes and checks against
        self.setAccessibleName(self.tr("Send box"))
        self._input = InputLine(self)
        self._input.setAccessibleName(self.tr("Message"))
        self._input.setAccessibleDescription(
            self.tr(
                "Type a message and press Enter to send it; Shift+Enter starts a new line. "
                "Type /help for the commands."
            )
        )
        self._input.setPlaceholderText(
            self.tr("Type a message: Enter sends, Shift+Enter starts a new line, /help lists commands")
        )
        self._counter = QLabel(self)
        self._counter.setAccessibleDescription(self.tr("Characters typed"))
        self._counter.hide()
        self._send = QPushButton(self.tr("&Send"), self)
        self._send.setAccessibleName(self.tr("Send"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._input, 1)
        # The counter and the button stay beside the last line as the box grows.
        bottom = Qt.AlignmentFlag.AlignBottom
        layout.addWidget(self._counter, 0, bottom)
        layout.addWidget(self._send, 0, bottom)
        QWidget.setTabOrder(self._input, self._send)
        self.setFocusProxy(self._input)

        self._input.enter_pressed.connect(self._on_input_return_pressed)
        self._input.edited.connect(self._on_input_text_changed)
        self._send.clicked.connect(self._on_input_return_pressed)

    @property
    def input_line(self) -> InputLine:
        return self._input

    @property
    def send_button(self) -> QPushButton:
        return self._send

    def focus_input(self) -> None:
        self._input.setFocus(Qt.FocusReason.OtherFocusReason)

    def write_privately_to(self, name: str) -> None:
        """Start a private message to ``name``, the cursor after it."""
        self._input.setText(msg_prefix(name))
        self._input.end(False)
        self.focus_input()

    def help_lines(self) -> list[str]:
        """The commands and keys, one line each, in the user's language."""
        lines = [self.tr("Commands:")]
        translate = QCoreApplication.translate
        lines += [
            f"{translate(TRANSLATION_CONTEXT, usage)} — {translate(TRANSLATION_CONTEXT, m)}"
            for usage, m in COMMANDS
        ]
        lines.append(
            self.tr(
                "Enter sends; Shift+Enter starts a new line; Up and Down recall what you sent; "
                "Ctrl+F finds; Ctrl+M shows mentions."
            )
        )
        return lines

    def _on_input_text_changed(self, text: str) -> None:
        if text and not text.startswith("/"):
            self.typed.emit()
        length = len(text)
        over = length > TEXT_MAX_CHARS
        self._counter.setVisible(length >= COUNTER_FROM)
        self._counter.setText(f"{length} / {TEXT_MAX_CHARS}")
        warning = _WARNING_STYLE_DARK if palette_is_dark(self.palette()) else _WARNING_STYLE_LIGHT
        self._counter.setStyleSheet(warning if over else "")
        self._counter.setToolTip(
            self.tr("Too long: a message can have at most {max} characters.").format(max=TEXT_MAX_CHARS)
            if over
            else ""
        )
        self._send.setEnabled(not over)

    def _on_input_return_pressed(self) -> None:
        line = self._input.text()
        command = parse_command(line, self._users.names)
        if command is None:
            return
        if isinstance(command, SayCommand | PrivateCommand):
            flaw = text_flaw(command.text)
            if flaw is not None:
                # Nothing is sent and nothing typed is lost: the user shortens it.
                self.problem.emit(self.tr("Not sent: {problem}.").format(problem=text_flaw_sentence(flaw)))
                return
            to = command.name if isinstance(command, PrivateCommand) else None
            self.say_requested.emit(command.text, to)
        elif isinstance(command, JoinCommand):
            self.join_requested.emit(command.room)
        elif isinstance(command, PartCommand):
            self.part_requested.emit(command.room)
        elif isinstance(command, AwayCommand):
            self.status_requested.emit(PresenceState.AWAY, command.text[:STATUS_TEXT_MAX_CHARS])
        elif isinstance(command, BackCommand):
            self.status_requested.emit(PresenceState.AVAILABLE, "")
        elif isinstance(command, QuitCommand):
            self._input.clear()
            self.quit_requested.emit()
            return
        elif isinstance(command, HelpCommand):
            self.help_requested.emit()
        elif isinstance(command, ClearCommand):
            self.clear_requested.emit()
        elif isinstance(command, UnknownCommand):
            self.info.emit(
                self.tr("Unknown command {command}: nothing was sent. Type /help for the commands.").format(
                    command=command.word
                )
            )
            return  # kept in the line, to correct it
        elif isinstance(command, UsageProblem):
            usage = QCoreApplication.translate(TRANSLATION_CONTEXT, command.usage)
            self.info.emit(self.tr("Usage: {usage}").format(usage=usage))
            return
        self._input.remember(line)
        self._input.clear()
        self.focus_input()
