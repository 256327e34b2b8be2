"""A form built from a list of fields: label, input widget and its error line, load and read back."""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from models import codes, form_input
from models.errors import CundangError, Problem
from models.money import format_fen, parse_yuan
from ui.widgets import CodeCombo, FieldErrors, YesNoCombo


def format_number(value: float) -> str:
    """2.5 -> '2.5', 1234567.0 -> '1234567', 12.345678 -> '12.345678': never rounded away."""
    return repr(float(value)).removesuffix(".0")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, code, flag, yesno, number, int, year, money, readonly, widget
    clist: codes.CodeList | None = None
    widget: QWidget | None = None  # for kind "widget": a combo whose currentData() is the value
    placeholder: str = ""
    ahead: int = 0  # years: how far into the future is allowed


class FieldForm(QWidget):
    """Two columns of fields; each has a red error line under it when a save is refused."""

    def __init__(
        self,
        fields: list[Field],
        errors: FieldErrors,
        prefix: tuple[object, ...],
        parent: QWidget | None = None,
        columns: int = 2,
    ) -> None:
        super().__init__(parent)
        self.fields = fields
        self.prefix = prefix
        self.widgets: dict[str, QWidget] = {}
        outer = QVBoxLayout(self)
        row = QWidget()
        cols = QHBoxLayout(row)
        cols.setContentsMargins(0, 0, 0, 0)
        forms = []
        for _ in range(columns):
            form = QFormLayout()
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            cols.addLayout(form, 1)
            forms.append(form)
        per_column = (len(fields) + columns - 1) // columns
        for i, f in enumerate(fields):
            widget = self._make(f)
            widget.setObjectName(f"field-{f.name}")
            self.widgets[f.name] = widget
            cell = QWidget()
            box = QVBoxLayout(cell)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(1)
            box.addWidget(widget)
            box.addWidget(errors.add(prefix + (f.name,), widget))
            forms[i // per_column].addRow(f.label, cell)
        outer.addWidget(row)
        outer.addStretch(1)
        # Tab goes down the fields in the order listed, whenever each widget was made.
        chain = list(self.widgets.values())
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _make(self, f: Field) -> QWidget:
        if f.kind == "code":
            return CodeCombo(f.clist)  # type: ignore[arg-type]
        if f.kind == "flag":
            return QCheckBox()
        if f.kind == "yesno":
            return YesNoCombo()
        if f.kind == "widget":
            return f.widget  # type: ignore[return-value]
        edit = QLineEdit()
        edit.setPlaceholderText(f.placeholder or {"year": "如 2016", "money": "元"}.get(f.kind, ""))
        if f.kind == "readonly":
            edit.setReadOnly(True)
        return edit

    # --- Loading and reading back ---------------------------------------------------

    def load(self, record: Any) -> None:
        for f in self.fields:
            value = getattr(record, f.name, None)
            w = self.widgets[f.name]
            if isinstance(w, CodeCombo):
                w.set_key(value)
            elif isinstance(w, YesNoCombo):
                w.set_value(value)
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(value))
            elif isinstance(w, QComboBox):
                w.setCurrentIndex(max(w.findData(value), 0))
            elif f.kind == "money":
                w.setText(format_fen(value))  # type: ignore[attr-defined]
            elif f.kind == "number" and value is not None:
                w.setText(format_number(value))  # type: ignore[attr-defined]
            else:
                w.setText("" if value is None else str(value))  # type: ignore[attr-defined]

    def raw(self) -> dict[str, object]:
        """What is on screen, unparsed (for telling whether anything changed)."""
        out: dict[str, object] = {}
        for name, w in self.widgets.items():
            if isinstance(w, QCheckBox):
                out[name] = w.isChecked()
            elif isinstance(w, QComboBox):
                out[name] = w.currentData()
            else:
                out[name] = w.text()  # type: ignore[attr-defined]
        return out

    def apply(self, record: Any, problems: list[Problem]) -> Any:
        """A copy of ``record`` with the typed values; bad ones become problems, keeping the old value."""
        values: dict[str, object] = {}
        for f in self.fields:
            if f.kind == "readonly":
                continue
            w = self.widgets[f.name]
            where = self.prefix + (f.name,)
            if isinstance(w, CodeCombo):
                values[f.name] = w.key()
            elif isinstance(w, YesNoCombo):
                values[f.name] = w.value()
            elif isinstance(w, QCheckBox):
                values[f.name] = 1 if w.isChecked() else 0
            elif isinstance(w, QComboBox):
                values[f.name] = w.currentData()
            else:
                text = w.text()  # type: ignore[attr-defined]
                if f.kind == "text":
                    values[f.name] = text.strip()
                elif f.kind == "number":
                    values[f.name] = form_input.number(text, where, problems)
                elif f.kind == "int":
                    values[f.name] = form_input.number(text, where, problems, integer=True)
                elif f.kind == "year":
                    values[f.name] = form_input.year(text, where, problems, ahead=f.ahead)
                elif f.kind == "money":
                    try:
                        values[f.name] = parse_yuan(text) if text.strip() else None
                    except CundangError as exc:
                        problems.append(Problem(where, exc))
        return dataclasses.replace(record, **values)
