"""What a line typed into the input means: a message, a private message or a command.

Pure Python. The seed's users leave with ``{quit}``; ``/quit`` does the same.
``//text`` sends ``/text`` as an ordinary message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeAlias

from shared.validation import name_key

__all__ = [
    "SayCommand",
    "PrivateCommand",
    "QuitCommand",
    "HelpCommand",
    "ClearCommand",
    "UnknownCommand",
    "UsageProblem",
    "JoinCommand",
    "PartCommand",
    "AwayCommand",
    "BackCommand",
    "Command",
    "parse_command",
    "msg_prefix",
    "COMMANDS",
    "TRANSLATION_CONTEXT",
]


@dataclass(frozen=True, slots=True)
class SayCommand:
    text: str


@dataclass(frozen=True, slots=True)
class PrivateCommand:
    name: str
    text: str


@dataclass(frozen=True, slots=True)
class QuitCommand:
    pass


@dataclass(frozen=True, slots=True)
class HelpCommand:
    pass


@dataclass(frozen=True, slots=True)
class ClearCommand:
    pass


@dataclass(frozen=True, slots=True)
class UnknownCommand:
    word: str


@dataclass(frozen=True, slots=True)
class UsageProblem:
    """A known command used wrongly; ``usage`` is the command's usage line."""

    usage: str


@dataclass(frozen=True, slots=True)
class JoinCommand:
    room: str  # without its ``#``


@dataclass(frozen=True, slots=True)
class PartCommand:
    room: str | None  # None: the room being looked at


@dataclass(frozen=True, slots=True)
class AwayCommand:
    text: str


@dataclass(frozen=True, slots=True)
class BackCommand:
    pass


Command: TypeAlias = (
    SayCommand
    | PrivateCommand
    | QuitCommand
    | HelpCommand
    | ClearCommand
    | UnknownCommand
    | UsageProblem
    | JoinCommand
    | PartCommand
    | AwayCommand
    | BackCommand
)

TRANSLATION_CONTEXT = "Commands"
"""The context the window translates :data:`MSG_USAGE` and :data:`COMMANDS` in."""


def _translatable(context: str, text: str) -> str:
    """Marks ``text`` for ``make translations`` and returns it untranslated.

    The module stays free of Qt; ``pyside6-lupdate`` is told that this is Qt's
    ``QT_TRANSLATE_NOOP`` (``-tr-function-alias``), and the window translates the
    value when it shows it.
    """
    del context
    return text


MSG_USAGE = _translatable(
    "Commands", '/msg NAME text   (a name with spaces in quotes: /msg "Anna Maria" ciao)'
)

JOIN_USAGE = _translatable("Commands", "/join #room")

COMMANDS: tuple[tuple[str, str], ...] = (
    (
        _translatable("Commands", "/msg NAME text"),
        _translatable("Commands", "send a private message to NAME"),
    ),
    (JOIN_USAGE, _translatable("Commands", "enter a room (made if it does not exist)")),
    (
        _translatable("Commands", "/part [#room]"),
        _translatable("Commands", "leave this room (or the one named)"),
    ),
    (_translatable("Commands", "/away [text]"), _translatable("Commands", "show the others you are away")),
    ("/back", _translatable("Commands", "show the others you are back")),
    ("/help", _translatable("Commands", "list the commands")),
    ("/clear", _translatable("Commands", "clear the message view")),
    (
        _translatable("Commands", "/quit or {quit}"),
        _translatable("Commands", "leave the chat and close the window"),
    ),
    (_translatable("Commands", "//text"), _translatable("Commands", "send a message that starts with /")),
)
"""The commands and what they do, in the order ``/help`` lists them (English source
strings: the window translates both columns in :data:`TRANSLATION_CONTEXT`; a usage
without words to translate stays as it is)."""


def msg_prefix(name: str) -> str:
    """The input that starts a private message to ``name`` (quoted when it has spaces)."""
    if any(ch.isspace() for ch in name) or name.startswith('"'):
        return f'/msg "{name}" '
    return f"/msg {name} "


def _split_private(rest: str, known: Iterable[str]) -> tuple[str, str] | None:
    rest = rest.lstrip()
    if rest.startswith('"'):
        close = rest.find('"', 1)
        if close <= 1:
            return None
        return rest[1:close], rest[close + 1 :].strip()
    # A name may hold spaces: prefer the longest user we know whose name starts the rest.
    folded = name_key(rest)
    for name in sorted(known, key=len, reverse=True):
        key = name_key(name)
        if folded.startswith(key) and (len(folded) == len(key) or folded[len(key)].isspace()):
            return rest[: len(name)], rest[len(name) :].strip()
    word, text = _first_word(rest)
    return (word, text.strip()) if word else None


def _first_word(text: str) -> tuple[str, str]:
    """``text`` split at its first white space (a space or a line break): the word, the rest."""
    for i, ch in enumerate(text):
        if ch.isspace():
            return text[:i], text[i + 1 :]
    return text, ""


def parse_command(line: str, known_names: Iterable[str] = ()) -> Command | None:
    """What ``line`` asks for; ``None`` for a line with nothing to send."""
    stripped = line.strip()
    if not stripped:
        return None
    if stripped == "{quit}":
        return QuitCommand()
    if stripped.startswith("//"):
        return SayCommand(line.lstrip()[1:])
    if not stripped.startswith("/") or len(stripped) == 1 or stripped[1].isspace():
        return SayCommand(line)
    # The command's word ends at any white space: "/help" then a new line is /help.
    word, rest = _first_word(stripped[1:])
    word = word.lower()
    if word == "quit":
        return QuitCommand()
    if word == "help":
        return HelpCommand()
    if word == "clear":
        return ClearCommand()
    if word == "join":
        room = rest.strip().removeprefix("#").strip()
        return JoinCommand(room) if room else UsageProblem(JOIN_USAGE)
    if word == "part":
        room = rest.strip().removeprefix("#").strip()
        return PartCommand(room or None)
    if word == "away":
        return AwayCommand(rest.strip())
    if word == "back":
        return BackCommand()
    if word == "msg":
        parts = _split_private(rest, known_names)
        if parts is None or not parts[0] or not parts[1]:
            return UsageProblem(MSG_USAGE)
        return PrivateCommand(*parts)
    return UnknownCommand("/" + word)
