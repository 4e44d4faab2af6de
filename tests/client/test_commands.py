"""chat_client_app/commands.py: what a typed line asks for, without Qt."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chat_client_app.commands import (
    MSG_USAGE,
    AwayCommand,
    BackCommand,
    ClearCommand,
    Command,
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

COMMAND_TYPES = (
    JoinCommand,
    PartCommand,
    AwayCommand,
    BackCommand,
    SayCommand,
    PrivateCommand,
    QuitCommand,
    HelpCommand,
    ClearCommand,
    UnknownCommand,
    UsageProblem,
)


@given(line=st.text(), names=st.lists(st.text(max_size=20), max_size=5))
def test_parse_never_raises_on_any_text(line: str, names: list[str]) -> None:
    command = parse_command(line, names)
    assert command is None or isinstance(command, COMMAND_TYPES)
    if command is None:
        assert not line.strip()


@given(text=st.text(min_size=1).filter(lambda t: t.strip() and not t.strip().startswith(("/", "{quit}"))))
def test_plain_text_is_said_as_typed(text: str) -> None:
    assert parse_command(text) == SayCommand(text)


@given(name=st.text(min_size=1, max_size=20).filter(lambda n: n.strip() == n and '"' not in n))
def test_msg_prefix_parses_back_to_the_same_name(name: str) -> None:
    assert parse_command(msg_prefix(name) + "hi", [name]) == PrivateCommand(name, "hi")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("", None),
        ("   ", None),
        ("hello", SayCommand("hello")),
        ("/", SayCommand("/")),
        ("/ smile", SayCommand("/ smile")),
        ("//help", SayCommand("/help")),
        ("{quit}", QuitCommand()),
        ("/quit", QuitCommand()),
        ("/QUIT", QuitCommand()),
        ("/help", HelpCommand()),
        ("/clear", ClearCommand()),
        ("/dance now", UnknownCommand("/dance")),
        ("/msg", UsageProblem(MSG_USAGE)),
        ("/msg bruno", UsageProblem(MSG_USAGE)),
        ('/msg "" hi', UsageProblem(MSG_USAGE)),
        ("/msg bruno  ciao  ", PrivateCommand("bruno", "ciao")),
        ('/msg "Carla Maria" ciao', PrivateCommand("Carla Maria", "ciao")),
    ],
)
def test_each_command(line: str, expected: Command | None) -> None:
    assert parse_command(line) == expected


def test_a_known_name_with_spaces_needs_no_quotes_and_the_longest_wins() -> None:
    names = ["Carla", "Carla Maria"]
    assert parse_command("/msg carla maria ciao", names) == PrivateCommand("carla maria", "ciao")
    assert parse_command("/msg Carla ciao", names) == PrivateCommand("Carla", "ciao")


@pytest.mark.parametrize(
    ("name", "prefix"),
    [("bruno", "/msg bruno "), ("Carla Maria", '/msg "Carla Maria" '), ('"odd', '/msg ""odd" ')],
)
def test_msg_prefix_quotes_names_with_spaces(name: str, prefix: str) -> None:
    assert msg_prefix(name) == prefix


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("/join #zoo", JoinCommand("zoo")),
        ("/JOIN zoo", JoinCommand("zoo")),
        ("/part", PartCommand(None)),
        ("/part #zoo", PartCommand("zoo")),
        ("/away at lunch", AwayCommand("at lunch")),
        ("/away", AwayCommand("")),
        ("/back", BackCommand()),
    ],
)
def test_room_and_presence_commands(line: str, command: Command) -> None:
    assert parse_command(line) == command


def test_join_without_a_room_shows_its_usage() -> None:
    assert isinstance(parse_command("/join #"), UsageProblem)
