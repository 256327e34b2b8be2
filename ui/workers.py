"""Long work off the UI thread: a QRunnable that runs a plain function with progress and cancel."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from models.errors import Cancelled
from ui.emit import emit

if TYPE_CHECKING:
    from PySide6.QtWidgets import QProgressDialog

T = TypeVar("T")  # what the work function returns


class WorkerSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)  # the exception


class Worker(QRunnable):
    """Runs ``fn(progress=..., cancelled=...)``. Create it on the UI thread; ``cancel()`` sets a flag
    the function polls. The function never touches widgets."""

    dialog: QProgressDialog  # set by run_with_progress (tests watch it)

    def __init__(self, fn: Callable[..., object]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = WorkerSignals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            result = self.fn(
                progress=lambda n, total: emit(self.signals.progress, n, total), cancelled=self._cancel.is_set
            )
        except BaseException as exc:  # reported to the UI thread, which words it
            traceback.print_exc()
            emit(self.signals.failed, exc)
        else:
            if self._cancel.is_set():  # cancelled after the last check: still a cancel, not a result
                emit(self.signals.failed, Cancelled())
            else:
                emit(self.signals.finished, result)


_writer_pool: QThreadPool | None = None


def pool() -> QThreadPool:
    """One worker at a time: jobs that write (notices are recorded) never overlap."""
    global _writer_pool
    if _writer_pool is None:
        _writer_pool = QThreadPool()
        _writer_pool.setMaxThreadCount(1)
    return _writer_pool


def run_with_progress(
    parent,
    title: str,
    fn: Callable[..., T],
    on_done: Callable[[T], None],
    on_failed: Callable[[BaseException], None],
    *,
    label: str = "正在处理……",
) -> Worker:
    """Run ``fn(progress, cancelled)`` on the worker pool behind a modal progress dialog whose
    取消 stops it; ``on_done``/``on_failed`` are called on the UI thread."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QProgressDialog

    worker = Worker(fn)
    dialog = QProgressDialog(label, "取消", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.canceled.connect(worker.cancel)

    def progress(done: int, total: int) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done)

    def finish(callback: Callable, value: object) -> None:
        dialog.reset()
        dialog.deleteLater()
        callback(value)

    worker.signals.progress.connect(progress)
    worker.signals.finished.connect(lambda result: finish(on_done, result))
    worker.signals.failed.connect(lambda error: finish(on_failed, error))
    worker.dialog = dialog
    pool().start(worker)
    dialog.show()
    return worker
