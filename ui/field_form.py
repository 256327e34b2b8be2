"""A form built from the field table: each field's label, its input widget (by the field's kind)
and its error line; loading a record and reading it back with the rule book's parsing."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from models import fields
from models.errors import Problem
from models.fields import FieldSpec
from models.rules.values import parse_input, to_text
from ui.widgets import CodeCombo, FieldErrors, YesNoCombo

_PLACEHOLDERS = {"year": "如 2016", "fen": "元", "date": "yyyy-MM-dd"}


def widget_for(spec: FieldSpec) -> QWidget:
    """The input a field's kind calls for: a code list's dropdown, a box for a yes/no that is
    always known, 是/否/(未填) for one that may be unknown, a line for the rest."""
    if spec.kind == "code" and spec.codes is not None:
        return CodeCombo(spec.codes, optional=not spec.required)
    if spec.kind == "flag":
        return QCheckBox() if spec.default == 0 else YesNoCombo()
    edit = QLineEdit()
    edit.setPlaceholderText(spec.placeholder or _PLACEHOLDERS.get(spec.kind, ""))
    return edit


class FieldForm(QWidget):
    """Fields of one record kind in columns; each has a red error line under it when a save is
    refused. ``widgets`` supplies an input where the form picks from something else (a group)."""

    def __init__(
        self,
        table: str,
        names: Sequence[str],
        errors: FieldErrors,
        *,
        widgets: Mapping[str, QWidget] | None = None,
        readonly: Sequence[str] = (),
        parent: QWidget | None = None,
        columns: int = 2,
    ) -> None:
        super().__init__(parent)
        self.table = table
        record = fields.record(table)
        self.specs = [record[n] for n in names]
        self.readonly = set(readonly)
        self.prefix = (table,)
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
        per_column = (len(self.specs) + columns - 1) // columns
        for i, spec in enumerate(self.specs):
            widget = (widgets or {}).get(spec.name) or widget_for(spec)
            if spec.name in self.readonly and isinstance(widget, QLineEdit):
                widget.setReadOnly(True)
            widget.setObjectName(f"field-{spec.name}")
            self.widgets[spec.name] = widget
            cell = QWidget()
            box = QVBoxLayout(cell)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(1)
            box.addWidget(widget)
            box.addWidget(errors.add((*self.prefix, spec.name), widget))
            forms[i // per_column].addRow(spec.header, cell)
        outer.addWidget(row)
        outer.addStretch(1)
        # Tab goes down the fields in the order listed, whenever each widget was made.
        for first, second in itertools.pairwise(self.widgets.values()):
            QWidget.setTabOrder(first, second)

    # --- Loading and reading back ---------------------------------------------------

    def load(self, record: Any) -> None:
        for spec in self.specs:
            value = getattr(record, spec.name, None)
            w = self.widgets[spec.name]
            if isinstance(w, CodeCombo):
                w.set_key(value)
            elif isinstance(w, YesNoCombo):
                w.set_value(value)
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(value))
            elif isinstance(w, QComboBox):
                w.setCurrentIndex(max(w.findData(value), 0))
            elif isinstance(w, QLineEdit):
                w.setText(
                    to_text(spec, value)
                    if spec.kind in ("fen", "real", "int", "year")
                    else ""
                    if value is None
                    else str(value)
                )

    def raw(self) -> dict[str, object]:
        """What is on screen, unparsed (for telling whether anything changed)."""
        out: dict[str, object] = {}
        for name, w in self.widgets.items():
            if isinstance(w, QCheckBox):
                out[name] = w.isChecked()
            elif isinstance(w, QComboBox):
                out[name] = w.currentData()
            elif isinstance(w, QLineEdit):
                out[name] = w.text()
        return out

    def apply(self, record: Any, problems: list[Problem]) -> Any:
        """A copy of ``record`` with the typed values; a text that cannot be read becomes a
        problem (and the field keeps its empty value). The rules are the services' to apply."""
        values: dict[str, object] = {}
        for spec in self.specs:
            if spec.name in self.readonly:
                continue
            w = self.widgets[spec.name]
            if isinstance(w, CodeCombo):
                values[spec.name] = w.key()
            elif isinstance(w, YesNoCombo):
                values[spec.name] = w.value()
            elif isinstance(w, QCheckBox):
                values[spec.name] = 1 if w.isChecked() else 0
            elif isinstance(w, QComboBox):
                values[spec.name] = w.currentData()
            elif isinstance(w, QLineEdit):
                value = parse_input(spec, w.text(), (*self.prefix, spec.name), problems)
                values[spec.name] = spec.empty if value is None else value
        return dataclasses.replace(record, **values)
