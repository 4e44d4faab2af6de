"""The box the user types into: Enter sends, Shift+Enter starts a new line, Up/Down
recall what was sent before; it grows with its text up to a few lines, then scrolls."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent, QTextCursor
from PySide6.QtWidgets import QFrame, QPlainTextEdit, QSizePolicy, QWidget

__all__ = ["InputLine", "HISTORY_SIZE", "MAX_VISIBLE_LINES"]

HISTORY_SIZE = 200
"""Lines remembered for Up/Down, as a shell would."""

MAX_VISIBLE_LINES = 6
"""Lines the box grows to before it scrolls: a short paragraph shows whole, and the
chat above keeps most of the window."""

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_NEW_LINE_MODIFIERS = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier


class InputLine(QPlainTextEdit):
    """A plain-text box with a shell-like history of what was sent.

    It offers the parts of :class:`QLineEdit`'s interface the window uses (``text``,
    ``setText``, ``cursorPosition``, ``end``), so that the rest of the window does not
    care that a message may hold several lines. Only plain text gets in: a paste of rich text keeps its
    characters, never its markup.
    """

    enter_pressed = Signal()  # Enter without Shift: send
    edited = Signal(str)  # the whole text, after every change

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._history: list[str] = []
        self._position = 0  # == len(history): editing a new line
        self._draft = ""
        self.setTabChangesFocus(True)  # Tab moves on, as in a line edit
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.document().setDocumentMargin(3)
        self.textChanged.connect(self._on_text_changed)
        self._fit_height()

    # --- QLineEdit's interface --------------------------------------------------------

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:
        self.setPlainText(text)
        self.end(False)

    def cursorPosition(self) -> int:
        return self.textCursor().position()

    def end(self, mark: bool) -> None:
        """Put the cursor after the last character (``mark``: select up to there)."""
        mode = QTextCursor.MoveMode.KeepAnchor if mark else QTextCursor.MoveMode.MoveAnchor
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End, mode)
        self.setTextCursor(cursor)

    # --- history --------------------------------------------------------------------

    @property
    def history(self) -> list[str]:
        return list(self._history)

    def remember(self, line: str) -> None:
        """Add a sent text to the history (not twice in a row) and start a new one."""
        if line and (not self._history or self._history[-1] != line):
            self._history.append(line)
            del self._history[:-HISTORY_SIZE]
        self._position = len(self._history)
        self._draft = ""

    def _recall(self, text: str) -> None:
        self.setText(text)

    # --- keys and pastes --------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        modifiers = event.modifiers()
        if key in _ENTER_KEYS:
            if modifiers & _NEW_LINE_MODIFIERS:
                # Shift+Enter (and Ctrl+Enter) starts a new line, as in Slack and Element.
                self.textCursor().insertText("\n")
                self.ensureCursorVisible()
            else:
                self.enter_pressed.emit()
            return
        cursor = self.textCursor()
        # Up on the first line and Down on the last recall the history; inside a
        # text of several lines they move the cursor, as anywhere else.
        if key == Qt.Key.Key_Up and self._history and self._on_first_line(cursor):
            if self._position == len(self._history):
                self._draft = self.text()  # what was being typed comes back with Down
            if self._position > 0:
                self._position -= 1
                self._recall(self._history[self._position])
            return
        if key == Qt.Key.Key_Down and self._position < len(self._history) and self._on_last_line(cursor):
            self._position += 1
            at_draft = self._position == len(self._history)
            self._recall(self._draft if at_draft else self._history[self._position])
            return
        super().keyPressEvent(event)

    def _on_first_line(self, cursor: QTextCursor) -> bool:
        probe = QTextCursor(cursor)
        return not probe.movePosition(QTextCursor.MoveOperation.Up)

    def _on_last_line(self, cursor: QTextCursor) -> bool:
        probe = QTextCursor(cursor)
        return not probe.movePosition(QTextCursor.MoveOperation.Down)

    def insertFromMimeData(self, source: QMimeData) -> None:
        # Plain text only, its line breaks kept: a pasted paragraph stays one message.
        if source.hasText():
            self.textCursor().insertText(source.text().replace("\r\n", "\n").replace("\r", "\n"))
            self.ensureCursorVisible()

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasText()

    # --- size -----------------------------------------------------------------------

    def _on_text_changed(self) -> None:
        self.edited.emit(self.toPlainText())
        self._fit_height()

    def visible_lines(self) -> int:
        """Lines the box shows now: its text's lines (wrapped ones count), 1 to
        :data:`MAX_VISIBLE_LINES`."""
        lines = int(self.document().documentLayout().documentSize().height())
        return max(1, min(MAX_VISIBLE_LINES, lines))

    def _height_for(self, lines: int) -> int:
        margins = self.contentsMargins()
        document_margin = 2 * int(self.document().documentMargin())
        # A few pixels of slack: the last line's descent, so that no scroll bar shows
        # while every line fits.
        slack = self.fontMetrics().descent()
        return (
            lines * self.fontMetrics().lineSpacing()
            + document_margin
            + margins.top()
            + margins.bottom()
            + slack
        )

    def _fit_height(self) -> None:
        height = self._height_for(self.visible_lines())
        if height != self.height() or self.minimumHeight() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()  # a narrower box wraps into more lines

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_height()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), self._height_for(self.visible_lines()))

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(hint.width(), self._height_for(1))
