"""Helpers that drive the real widgets by keyboard and mouse."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox, QTableView

from ui import look
from ui.events import AppEvents
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def close_windows_after_test(qtbot, monkeypatch):
    """Close every window a test left open, discarding unsaved edits, so no modal form
    outlives its test."""
    yield
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.close()


@pytest.fixture
def window(qtbot, store, village):
    look.apply(QApplication.instance())
    w = MainWindow(store, AppEvents())
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def demo_window(qtbot, demo_store):
    look.apply(QApplication.instance())
    w = MainWindow(demo_store, AppEvents())
    qtbot.addWidget(w)
    w.show()
    return w


def type_text(qtbot, widget, text: str) -> None:
    """Type as a clerk would: ASCII by keys, Chinese as an input method commits it."""
    for chunk in re.findall(r"[\x00-\x7f]+|[^\x00-\x7f]+", text):
        if chunk.isascii():
            qtbot.keyClicks(widget, chunk)
        else:
            event = QInputMethodEvent()
            event.setCommitString(chunk)
            QApplication.sendEvent(widget, event)


def type_cell(qtbot, view: QTableView, row: int, column: int, text: str) -> None:
    """Select a cell, start editing it from the keyboard (F2), type, and press Enter."""
    index = view.model().index(row, column)
    view.window().activateWindow()
    qtbot.waitUntil(lambda: view.window().isActiveWindow())
    view.setCurrentIndex(index)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not view and editor is not None
    if isinstance(editor, QComboBox):
        target = editor.findText(text)
        assert target >= 0, f"{text} is not a choice"
        while editor.currentIndex() != target:  # arrow keys, as a clerk would
            qtbot.keyClick(editor, Qt.Key.Key_Down if editor.currentIndex() < target else Qt.Key.Key_Up)
    else:
        qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # replace what is there
        type_text(qtbot, editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits on Return through a queued call: let the event loop run it.
    qtbot.waitUntil(lambda: index.data() == text)


def choose(qtbot, combo: QComboBox, text: str) -> None:
    """Pick a dropdown entry with the arrow keys."""
    combo.setFocus()
    target = combo.findText(text)
    assert target >= 0, f"{text} is not a choice"
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)
