"""Small input widgets shared by the forms: code-list combos, yes/no combos, errors by field, and
the gate that withholds a control from an operator whose roles may not do what it does."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QLayout, QLineEdit, QVBoxLayout, QWidget

from models import access, codes
from models.errors import ControlCharacter, Problem
from models.rules.values import without_controls
from models.wording import CONTROLS_REMOVED, describe, describe_problem

if TYPE_CHECKING:
    from models.store import Store

ERROR_STYLE = "color: #c0392b;"


def ok_cancel(dialog: QDialog, *parts: QWidget | QLayout, on_ok: Callable[[], object]) -> QDialogButtonBox:
    """Lay ``parts`` out in ``dialog`` one under the other, then 确定/取消: 确定 calls ``on_ok``
    (which accepts the dialog when what was typed is right), 取消 rejects it."""
    layout = QVBoxLayout(dialog)
    for part in parts:
        if isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    layout.addWidget(buttons)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


class CodeCombo(QComboBox):
    """A choice from a code list; shows labels, gives keys. An empty first item when optional."""

    def __init__(
        self, clist: codes.CodeList, *, optional: bool = True, empty_label: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.clist = clist
        if optional:
            self.addItem(empty_label, "")
        for key, label in clist.items:
            self.addItem(label, key)

    def key(self) -> str:
        return self.currentData() or ""

    def set_key(self, key: str | None) -> None:
        index = self.findData(key or "")
        self.setCurrentIndex(max(index, 0))


class YesNoCombo(QComboBox):
    """是 / 否 / (not recorded)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.addItem("", None)
        self.addItem(codes.YES_NO.label("1"), 1)
        self.addItem(codes.YES_NO.label("0"), 0)

    def value(self) -> int | None:
        return self.currentData()

    def set_value(self, value: int | None) -> None:
        self.setCurrentIndex({None: 0, 1: 1, 0: 2}.get(None if value is None else int(bool(value)), 0))


class ErrorLabel(QLabel):
    """The red line under a field that says what is wrong with it; hidden when all is well."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(ERROR_STYLE)
        self.setWordWrap(True)
        self.hide()

    def set_error(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


class FieldErrors:
    """Maps problem places to the error labels beside their fields; the rest go to a summary."""

    def __init__(self, summary: ErrorLabel) -> None:
        self.summary = summary
        self.labels: dict[tuple[object, ...], ErrorLabel] = {}
        self.fields: dict[tuple[object, ...], QWidget] = {}

    def add(self, where: tuple[object, ...], field: QWidget) -> ErrorLabel:
        label = ErrorLabel()
        self.labels[where] = label
        self.fields[where] = field
        return label

    def clear(self) -> None:
        for label in self.labels.values():
            label.set_error("")
        for field in self.fields.values():
            field.setStyleSheet("")
        self.summary.set_error("")

    def show(self, problems: list[Problem]) -> list[Problem]:
        """Show each problem beside its field; returns those that have no field here."""
        self.clear()
        rest = []
        for p in problems:
            label = self.labels.get(p.where)
            if label is None:
                rest.append(p)
                continue
            field = self.fields[p.where]
            text = describe(p.error)
            if isinstance(p.error, ControlCharacter) and isinstance(field, QLineEdit):
                # Invisible characters cannot be found by eye: take them out, and say so.
                field.setText(without_controls(field.text()))
                text += CONTROLS_REMOVED
            label.set_error(text)
            field.setStyleSheet("border: 1px solid #c0392b;")
        if problems:
            lines = [describe_problem(p) for p in problems]
            self.summary.set_error(f"有 {len(problems)} 处需要改正，未保存：\n" + "\n".join(lines[:12]))
        return rest

    def first_field(self, problems: list[Problem]) -> QWidget | None:
        for p in problems:
            if p.where in self.fields:
                return self.fields[p.where]
        return None


def line(text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    return edit


def right(label: QLabel) -> QLabel:
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return label


READ_ONLY_TIP = "只读打开（这个数据文件夹正在另一个窗口中打开）：不能修改"


def gate(control: QWidget | QAction, store: Store, actions: str | Iterable[str]) -> bool:
    """Withhold a ``control`` that writes unless the operator may do one of ``actions``
    (access.ACTION keys; access.TABLE_ACTIONS of the table it writes) and the store is not opened
    read-only: disabled, its tooltip saying which role may. The services refuse the same; this
    spares the clerk the refusal. Returns whether the control is offered, for a screen that enables
    it again by its own state (``button.setEnabled(ready and offered)``)."""
    wanted = (actions,) if isinstance(actions, str) else tuple(actions)
    if store.read_only:
        tip = READ_ONLY_TIP
    elif not any(store.may(a) for a in wanted):
        tip = access.only(wanted)
    else:
        return True
    control.setEnabled(False)
    control.setToolTip(tip)
    return False
