"""Emitting from Python leaves True's and False's reference counts alone (PySide6 6.12.0's emit
does not: enough emits freed True and aborted the interpreter)."""

import sys

from PySide6.QtCore import QObject, Signal

from ui.emit import emit


class _Source(QObject):
    changed = Signal(object)


def test_emitting_many_times_takes_no_reference_from_true_or_false(qtbot):
    source = _Source()
    got = []
    source.changed.connect(got.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for i in range(300):  # fewer than True's references: on a short binding this would not abort yet
        emit(source.changed, i)
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert len(got) == 300
    assert after[0] >= before[0] and after[1] >= before[1]


def test_nothing_in_the_program_emits_around_the_helper():
    """Every emit of ui/ and desktop/ goes through ui.emit.emit."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    direct = [
        f"{p.relative_to(root)}:{n}"
        for folder in ("ui", "desktop")
        for p in (root / folder).rglob("*.py")
        if p.name != "emit.py"
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if ".emit(" in line
    ]
    assert direct == []
