"""Paints one row of the chat view.

Message text is untrusted and always *plain*: it goes into a :class:`QTextLayout`,
which takes characters, never markup, so ``<b>`` or ``<img src=...>`` in a message is
shown as typed. Web links are found by :mod:`chat_client_app.links` and shown as
underlined ranges of that plain text; the view opens them on click.

Each row's height is computed once per view width and cached on the row's
:class:`~chat_client_app.message_model.Entry`, so that laying out 10 000 rows does
not lay out their text again on every pass.

A text longer than :data:`~chat_client_app.row_text.DISPLAY_MAX_CHARS` is cut there and
the cut is marked (:mod:`chat_client_app.row_text`); the model keeps the whole text,
so Copy gives all of it.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QPen,
    QTextCharFormat,
    QTextLayout,
    QTextLine,
    QTextOption,
)
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from chat_client_app.colours import readable
from chat_client_app.controller import SendState
from chat_client_app.day_rule import day_label, day_of, starts_day, starts_day_at
from chat_client_app.links import find_links
from chat_client_app.message_model import Entry, EntryKind, MessageModel, Role
from chat_client_app.row_colours import (
    FAILED_COLOUR,
    FAILED_COLOUR_DARK,
    PRIVATE_COLOUR,
    dim_colour,
    link_colour,
    name_colour_on,
    row_tint,
)
from chat_client_app.row_text import (
    DISPLAY_MAX_CHARS,
    NAME_SHOWN_CHARS,
    Composed,
    display_text,
    find_marks,
    isolated,
)
from shared.limits import NAME_MAX_CHARS

__all__ = ["MessageDelegate", "MARKS"]

AnyIndex = QModelIndex | QPersistentModelIndex

PAD_X = 8
PAD_Y = 3
GAP = 8

MARKS = {SendState.PENDING: "…", SendState.SENT: "✓", SendState.FAILED: "✗"}
"""The send-state marks of the user's own messages (all in DejaVu Sans, the fallback font)."""

_MATCH_BACKGROUND = QColor(255, 214, 0)
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class MessageDelegate(QStyledItemDelegate):
    """Draws messages, events, the divider and the unread marker of a chat view."""

    def __init__(self, view: QAbstractItemView, parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else view)
        self._view = view
        self._viewport = view.viewport()
        self._highlight = ""
        self._metrics: dict[str, tuple[QFontMetrics, int, int]] = {}
        self._line_heights: dict[str, tuple[QFontMetrics, float]] = {}
        self._option = QTextOption()
        self._option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self._bold = QTextCharFormat()
        self._bold.setFontWeight(QFont.Weight.Bold)
        self._italic = QTextCharFormat()
        self._italic.setFontItalic(True)
        self._demibold = QTextCharFormat()
        self._demibold.setFontWeight(QFont.Weight.DemiBold)
        self._you = self.tr("you")
        self._private_label = self.tr("private")
        self._failed_text = self.tr("Not sent: {reason}. Right-click the message to send it again.")
        self._offline_text = self.tr("Will be delivered when {name} is back.")
        self._cut_text = self.tr("… ({count} more characters: Copy gives the whole text)")

    # --- settings --------------------------------------------------------------------

    def set_highlight(self, text: str) -> None:
        """Mark every occurrence of ``text`` (the find bar's search), case-insensitively."""
        self._highlight = text.casefold()

    @property
    def highlight(self) -> str:
        return self._highlight

    # --- geometry --------------------------------------------------------------------

    def _font_info(self, font: QFont) -> tuple[QFontMetrics, int, int]:
        """Metrics, time column width and send-state mark width for ``font`` (cached)."""
        key = font.key()
        info = self._metrics.get(key)
        if info is None:
            metrics = QFontMetrics(font)
            info = (metrics, metrics.horizontalAdvance("00:00") + GAP, metrics.horizontalAdvance("✓✓") + GAP)
            self._metrics[key] = info
        return info

    def _text_width(self, total: int, font: QFont) -> int:
        _, time_width, mark_width = self._font_info(font)
        return max(40, total - 2 * PAD_X - time_width - mark_width)

    def _row_width(self) -> int:
        return max(100, self._viewport.width())

    @staticmethod
    def _entry(index: AnyIndex) -> Entry | None:
        model = index.model()
        # Straight to the row for the main view (this runs for every row at every
        # layout pass); through the data role for a proxy such as the mentions view.
        entry = model.entry(index.row()) if isinstance(model, MessageModel) else index.data(Role.ENTRY)
        return entry if isinstance(entry, Entry) else None

    def _cut_note(self, entry: Entry) -> str:
        """What marks the end of a cut text (nothing when the whole text is shown)."""
        more = len(entry.text) - DISPLAY_MAX_CHARS
        return self._cut_text.format(count=more) if more > 0 else ""

    def _compose(self, entry: Entry) -> Composed:
        if entry.kind is not EntryKind.MESSAGE:
            text = display_text(entry.text)
            return Composed(text + self._cut_note(entry), 0, 0, len(text))
        header = isolated(display_text(entry.sender, NAME_SHOWN_CHARS))
        if entry.peer is not None:
            target = entry.peer if entry.own else self._you
            header = f"{header} → {isolated(display_text(target, NAME_SHOWN_CHARS))} ({self._private_label})"
        body = display_text(entry.text)
        text = f"{header}: {isolated(body)}{self._cut_note(entry)}"
        body_start = len(header) + 3  # ": " and the isolate's start
        return Composed(text, len(header), body_start, body_start + len(body))

    def _layout(
        self, entry: Entry, font: QFont, width: int, formats: list[QTextLayout.FormatRange] | None = None
    ) -> tuple[QTextLayout, float]:
        composed = self._compose(entry)
        layout = QTextLayout(composed.text, font)
        layout.setTextOption(self._option)
        ranges = formats if formats is not None else self._metric_formats(entry, composed)
        if ranges:
            layout.setFormats(ranges)
        return layout, self._wrap(layout, width)

    def _note_layout(self, note: str, font: QFont, width: int) -> tuple[QTextLayout, float]:
        """The note under an own message, wrapped: a reason cut at the row's edge would
        hide the way out ("Right-click…") exactly where the window is narrow."""
        layout = QTextLayout(display_text(note), font)
        layout.setTextOption(self._option)
        return layout, self._wrap(layout, width)

    @staticmethod
    def _wrap(layout: QTextLayout, width: int) -> float:
        """Lay ``layout`` out in lines of ``width``; its height."""
        layout.beginLayout()
        y = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            line.setPosition(QPointF(0, y))
            y += line.height()
        layout.endLayout()
        return y

    @staticmethod
    def _range(start: int, length: int, fmt: QTextCharFormat) -> QTextLayout.FormatRange:
        out = QTextLayout.FormatRange()
        out.start = start
        out.length = length
        out.format = fmt
        return out

    def _metric_formats(self, entry: Entry, composed: Composed) -> list[QTextLayout.FormatRange]:
        """Only the formats that change text metrics (bold name, italic events)."""
        if entry.kind is EntryKind.MESSAGE:
            return [self._range(0, composed.header_len, self._bold)]
        if entry.kind in (EntryKind.JOINED, EntryKind.LEFT, EntryKind.INFO):
            return [self._range(0, len(composed.text), self._italic)]
        if entry.kind is EntryKind.NOTICE:
            return [self._range(0, len(composed.text), QTextCharFormat(self._demibold))]
        return []

    def _height(self, entry: Entry, font: QFont, total_width: int) -> int:
        cached_width, cached_height = entry.size_cache
        if cached_width == total_width:
            return cached_height
        metrics, _, _ = self._font_info(font)
        if entry.kind in (EntryKind.DIVIDER, EntryKind.UNREAD):
            height = metrics.height() + 2 * PAD_Y + 6
        else:
            width = self._text_width(total_width, font)
            text_height = self._single_line_height(entry, font, width)
            if text_height is None:
                _, text_height = self._layout(entry, font, width)
            note = self.note(entry)
            if note:  # under the text: why it was not sent, or when it arrives
                text_height += self._note_layout(note, font, width)[1]
            height = int(text_height + 0.999) + 2 * PAD_Y
        entry.size_cache = (total_width, height)
        return height

    def _single_line_height(self, entry: Entry, font: QFont, width: int) -> float | None:
        """The height of a row that surely fits on one line, without a full text layout.

        Most chat lines are short: measuring them is a third of the cost of laying
        them out, which counts when a burst brings 10 000 rows at once.
        """
        if entry.kind is not EntryKind.MESSAGE or entry.peer is not None or len(entry.text) > 200:
            return None
        if len(entry.sender) > NAME_MAX_CHARS:
            return None
        if "\n" in entry.text or "\r" in entry.text:
            return None
        key = font.key()
        line = self._line_heights.get(key)
        if line is None:
            bold = QFont(font)
            bold.setWeight(QFont.Weight.Bold)
            _, one_line = self._layout(Entry(kind=EntryKind.MESSAGE, text="Xy", sender="Xy"), font, 1000)
            line = (QFontMetrics(bold), one_line)
            self._line_heights[key] = line
        bold_metrics, one_line = line
        metrics, _, _ = self._font_info(font)
        needed = bold_metrics.horizontalAdvance(entry.sender) + metrics.horizontalAdvance(": " + entry.text)
        # A margin for kerning across the two measurements: when in doubt, lay it out.
        return one_line if needed <= width - 8 else None

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        width = self._row_width()
        model = index.model()
        if isinstance(model, MessageModel):  # the main view: every row, every layout pass
            rows, row = model.entries(), index.row()
            entry: Entry | None = rows[row]
            new_day = starts_day_at(rows, row)
        else:
            entry = self._entry(index)
            new_day = entry is not None and starts_day(index, entry)
        if entry is None:
            return QSize(width, 0)
        # The cache holds the row without its date band: the row above decides that.
        band = self._band_height(option.font) if new_day else 0
        cached_width, cached_height = entry.size_cache
        if cached_width == width:
            return QSize(width, cached_height + band)  # the common case: no font, no layout
        return QSize(width, self._height(entry, option.font, width) + band)

    def _band_height(self, font: QFont) -> int:
        metrics, _, _ = self._font_info(font)
        return metrics.height() + 2 * PAD_Y + 4

    # --- painting --------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        entry = self._entry(index)
        if entry is None:
            return
        rect: QRect = option.rect
        palette: QPalette = option.palette
        font: QFont = option.font
        state = option.state
        widget = self._view
        painter.save()
        try:
            selected = bool(state & QStyle.StateFlag.State_Selected)
            if starts_day(index, entry):
                band = self._band_height(font)
                rule = QRect(rect.left(), rect.top(), rect.width(), band)
                self._paint_rule(painter, rule, font, day_label(day_of(entry)), dim_colour(palette), True)
                rect = rect.adjusted(0, band, 0, 0)
                option = QStyleOptionViewItem(option)
                option.rect = rect
            if entry.kind is EntryKind.DIVIDER:
                link = readable(
                    palette.color(QPalette.ColorRole.Link), palette.color(QPalette.ColorRole.Base)
                )
                self._paint_rule(painter, rect, font, entry.text, link, True)
                return
            if entry.kind is EntryKind.UNREAD:
                dark = palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5
                red = FAILED_COLOUR_DARK if dark else FAILED_COLOUR
                self._paint_rule(painter, rect, font, entry.text, red, False)
                return
            self._paint_background(painter, rect, entry, palette)
            panel = QStyle.PrimitiveElement.PE_PanelItemViewItem
            widget.style().drawPrimitive(panel, option, painter, widget)
            self._paint_entry(painter, rect, font, palette, entry, index, selected)
            if state & QStyle.StateFlag.State_HasFocus and widget.hasFocus():
                self._paint_focus(painter, rect, palette)
        finally:
            painter.restore()

    @staticmethod
    def _paint_focus(painter: QPainter, rect: QRect, palette: QPalette) -> None:
        # The styles' dotted focus frame is faint or absent on item views (Fusion draws
        # none): a keyboard user must see which row Enter, Copy and the menu act on.
        base = palette.color(QPalette.ColorRole.Base)
        pen = QPen(readable(palette.color(QPalette.ColorRole.Highlight), base), 2)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(1, 1, -2, -2))

    def _paint_background(self, painter: QPainter, rect: QRect, entry: Entry, palette: QPalette) -> None:
        tint = row_tint(entry, palette)
        if tint is not None:
            painter.fillRect(rect, tint)
        stripe = QRect(rect.left(), rect.top(), 3, rect.height())
        if entry.kind is EntryKind.MESSAGE and entry.private:
            painter.fillRect(stripe, PRIVATE_COLOUR)
        elif entry.mention:
            painter.fillRect(stripe, link_colour(entry, palette))

    def _paint_entry(
        self,
        painter: QPainter,
        rect: QRect,
        font: QFont,
        palette: QPalette,
        entry: Entry,
        index: AnyIndex,
        selected: bool,
    ) -> None:
        metrics, time_width, mark_width = self._font_info(font)
        dark = palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text_colour = palette.color(role)
        dim = QColor(text_colour)
        dim.setAlphaF(0.6)

        # Time column.
        painter.setFont(font)
        painter.setPen(dim)
        time_rect = QRect(rect.left() + PAD_X, rect.top() + PAD_Y, time_width, metrics.height())
        painter.drawText(time_rect, _LEFT, entry.local_time())

        # Text.
        composed = self._compose(entry)
        formats = self._formats(entry, composed, palette, index, selected, dark)
        width = self._text_width(rect.width(), font)
        layout, text_height = self._layout(entry, font, width, formats)
        colour = text_colour
        if entry.kind in (EntryKind.JOINED, EntryKind.LEFT, EntryKind.INFO):
            colour = dim
        elif entry.kind is EntryKind.ERROR and not selected:
            colour = FAILED_COLOUR_DARK if dark else FAILED_COLOUR
        elif entry.state is SendState.PENDING:
            colour = dim
        painter.setPen(colour)
        origin = QPointF(rect.left() + PAD_X + time_width, rect.top() + PAD_Y)
        layout.draw(painter, origin)

        # Send state of the user's own messages, and why one failed.
        if entry.own and entry.state is not None:
            failed = entry.state is SendState.FAILED
            mark_colour = (FAILED_COLOUR_DARK if dark else FAILED_COLOUR) if failed else dim
            painter.setPen(mark_colour)
            mark_left = rect.right() - PAD_X - mark_width + GAP
            mark_rect = QRect(mark_left, rect.top() + PAD_Y, mark_width, metrics.height())
            painter.drawText(mark_rect, _RIGHT, MARKS[entry.state])
            note = self.note(entry)
            if note:
                note_layout, _ = self._note_layout(note, font, width)
                note_layout.draw(painter, QPointF(origin.x(), origin.y() + text_height))

    def note(self, entry: Entry) -> str:
        """The line under one of the user's own messages: why it failed, or when it arrives."""
        if entry.state is SendState.FAILED:
            return self._failed_text.format(reason=entry.reason)
        if entry.offline and entry.peer is not None:
            return self._offline_text.format(name=entry.peer)
        return ""

    def _formats(
        self,
        entry: Entry,
        composed: Composed,
        palette: QPalette,
        index: AnyIndex,
        selected: bool,
        dark: bool,
    ) -> list[QTextLayout.FormatRange]:
        ranges = self._metric_formats(entry, composed)
        if entry.kind is EntryKind.MESSAGE and not selected:
            colour = index.data(Role.COLOUR)
            if isinstance(colour, QColor):
                header = QTextCharFormat()
                header.setFontWeight(QFont.Weight.Bold)
                header.setForeground(name_colour_on(entry, palette, colour))
                ranges = [self._range(0, composed.header_len, header)]
        if entry.kind is EntryKind.NOTICE and not selected:
            notice = QTextCharFormat(self._demibold)
            notice.setForeground(link_colour(entry, palette))
            ranges = [self._range(0, len(composed.text), notice)]
        body = composed.body
        link_format = QTextCharFormat()
        link_format.setFontUnderline(True)
        if not selected:
            link_format.setForeground(link_colour(entry, palette))
        for start, end, _ in find_links(body):
            ranges.append(self._range(composed.body_start + start, end - start, link_format))
        if self._highlight:
            match = QTextCharFormat()
            match.setBackground(_MATCH_BACKGROUND)
            match.setForeground(QColor(Qt.GlobalColor.black))
            for start, end in find_marks(body, self._highlight):
                ranges.append(self._range(composed.body_start + start, end - start, match))
        return ranges

    def _paint_rule(
        self, painter: QPainter, rect: QRect, font: QFont, text: str, colour: QColor, centred: bool
    ) -> None:
        bold = QFont(font)
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        label_width = bold_metrics.horizontalAdvance(text) + 2 * GAP
        mid_y = rect.center().y()
        left, right = rect.left() + PAD_X, rect.right() - PAD_X
        if centred:
            label_left = rect.center().x() - label_width // 2
        else:
            label_left = right - label_width
        painter.setPen(QPen(colour, 1))
        painter.drawLine(left, mid_y, max(left, label_left), mid_y)
        if centred:
            painter.drawLine(min(right, label_left + label_width), mid_y, right, mid_y)
        painter.setFont(bold)
        label = QRect(label_left, rect.top(), label_width, rect.height())
        painter.drawText(label, Qt.AlignmentFlag.AlignCenter, text)

    # --- links -----------------------------------------------------------------------

    def link_at(self, index: AnyIndex, rect: QRect, pos: QPoint, font: QFont) -> str | None:
        """The URL under ``pos`` (view coordinates) in the row drawn in ``rect``, if any."""
        entry = self._entry(index)
        if entry is None or entry.kind not in (EntryKind.MESSAGE, EntryKind.NOTICE):
            return None
        composed = self._compose(entry)
        links = find_links(composed.body)
        if not links:
            return None
        _, time_width, _ = self._font_info(font)
        if starts_day(index, entry):
            rect = rect.adjusted(0, self._band_height(font), 0, 0)
        layout, _ = self._layout(entry, font, self._text_width(rect.width(), font))
        x = pos.x() - (rect.left() + PAD_X + time_width)
        y = pos.y() - (rect.top() + PAD_Y)
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            if line.y() <= y < line.y() + line.height():
                if not 0 <= x <= line.naturalTextWidth():
                    return None
                cursor = line.xToCursor(x, QTextLine.CursorPosition.CursorOnCharacter) - composed.body_start
                for start, end, url in links:
                    if start <= cursor < end:
                        return url
                return None
        return None
