""" "等待…" in the status bar while a save waits for another window's or program's write to end."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMainWindow

from models.storage import base
from models.wording import WAITING
from ui.emit import emit

MESSAGE = WAITING


class WaitingNotice(QObject):
    """Told by the storage layer when a write has waited a second for the lock, and when it ends.
    A save on the window's own thread is blocked meanwhile, so the notice paints at once."""

    changed = Signal(bool)

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.waiting = False
        self.changed.connect(self._show)  # queued when told from a worker thread
        base.waiting_listeners.append(self._tell)
        window.destroyed.connect(self._forget)

    def _tell(self, started: bool) -> None:
        emit(self.changed, started)

    def _forget(self, *_args: object) -> None:
        if self._tell in base.waiting_listeners:
            base.waiting_listeners.remove(self._tell)

    def _show(self, started: bool) -> None:
        self.waiting = started
        bar = self.window.statusBar()
        if started:
            bar.showMessage(MESSAGE)
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            bar.repaint()
        else:
            bar.clearMessage()
            QApplication.restoreOverrideCursor()
