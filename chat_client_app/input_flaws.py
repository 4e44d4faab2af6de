"""What is wrong with a name or a message the user typed, in the user's language.

The rules are shared/validation.py's, the same the server applies; only the words are
the client's: the server's sentences are English, for its log and for peers that
show them as they are.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from shared.limits import NAME_MAX_CHARS, TEXT_MAX_CHARS
from shared.validation import Flaw

__all__ = ["name_flaw_sentence", "text_flaw_sentence"]


def name_flaw_sentence(flaw: Flaw, ch: str = "") -> str:
    """Why a name cannot be used, as the end of "This name cannot be used: …"."""
    if flaw is Flaw.TOO_LONG:
        text = QCoreApplication.translate("InputFlaws", "it is longer than {count} characters")
        return text.format(count=NAME_MAX_CHARS)
    if flaw is Flaw.INVISIBLE:
        text = QCoreApplication.translate(
            "InputFlaws", "it holds an invisible or control character (U+{code})"
        )
        return text.format(code=f"{ord(ch):04X}")
    return QCoreApplication.translate("InputFlaws", "it is empty")


def text_flaw_sentence(flaw: Flaw) -> str:
    """Why a message cannot be sent, as the end of "Not sent: …"."""
    if flaw is Flaw.TOO_LONG:
        text = QCoreApplication.translate("InputFlaws", "the message is longer than {count} characters")
        return text.format(count=TEXT_MAX_CHARS)
    return QCoreApplication.translate("InputFlaws", "the message is empty")
