"""Emitting a Qt signal from Python: every ``.emit`` of the program goes through ``emit``.

PySide6 6.12.0's ``SignalInstance.emit`` returns its bool one reference short: each emit from
Python takes a reference from ``True`` (or ``False``) for good, and after a few hundred emits
(a worker's progress, a form's changes) the interpreter frees ``True`` itself and aborts —
"bool_dealloc: deallocating True or False" — in the middle of a clerk's work or at exit. The
binding is probed once; where it is short, the missing reference is given back."""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    fired = Signal()


def _returns_short() -> bool:
    """Emit once: a binding that is right hands back its bool with a reference for the caller."""
    probe = _Probe()
    true_before, false_before = sys.getrefcount(True), sys.getrefcount(False)
    result: object = probe.fired.emit()  # type: ignore[func-returns-value]  # it returns a bool
    if not isinstance(result, bool):
        return False
    short = sys.getrefcount(result) - (true_before if result else false_before) < 1
    if short:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
    return short


SHORT = _returns_short()


def emit(signal: Any, *args: Any) -> None:
    """``signal.emit(*args)``, giving back the reference a short binding takes."""
    result = signal.emit(*args)
    if SHORT and isinstance(result, bool):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
