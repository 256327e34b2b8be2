"""The 家庭成员 table of the household form: members edited in place, with code-list dropdowns."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QLineEdit, QStyledItemDelegate, QWidget

from models import codes, fields
from models.domain import Member
from models.errors import Problem
from models.fields.views import MEMBER_STATE
from models.privacy import masked
from models.rules.members import completed, id_facts, id_number_problem, upgrade_notices
from models.rules.values import clean_text
from models.wording import describe
from ui.emit import emit

Index = QModelIndex | QPersistentModelIndex

COLUMNS = (
    "name",
    "id_type",
    "id_number",
    "sex",
    "birth_date",
    "relation",
    "ethnicity",
    "politics",
    "education",
    "school_status",
    "dropout_reason",
    "compulsory_done",
    "health",
    "disability_kind",
    "disability_grade",
    "labour",
    "work_status",
    "work_months",
    "medical_insurance",
    "serious_illness_insurance",
    "pension_insurance",
    "dibao",
    "tekun",
    "soldier",
)
STATE = "state"  # a last, read-only column: 现有 or how the member left

# 健康状况 holds one or more values; every combination a clerk may need is one choice.
HEALTH_CHOICES = (
    "healthy",
    "chronic",
    "serious",
    "disabled",
    "chronic,disabled",
    "serious,disabled",
    "chronic,serious",
    "chronic,serious,disabled",
)


def health_label(keys: str) -> str:
    return "、".join(codes.HEALTH.label(k) for k in keys.split(",") if k)


_M = fields.record("members")


def choices(column: str) -> list[tuple[Any, str]] | None:
    """(value, label) pairs for a dropdown column, None for free text."""
    spec = _M[column]
    if column == "health":
        return [("", "")] + [(k, health_label(k)) for k in HEALTH_CHOICES]
    if spec.kind == "code" and spec.codes is not None:
        required = spec.required or column == "sex"
        return ([] if required else [("", "")]) + list(spec.codes.items)
    if spec.kind == "flag":
        unknown = [(None, "")] if spec.default is None else []
        return [*unknown, (1, codes.YES_NO.label("1")), (0, codes.YES_NO.label("0"))]
    return None


class MemberTableModel(QAbstractTableModel):
    def __init__(self, members: list[Member] | None = None) -> None:
        super().__init__()
        self.members: list[Member] = []
        self.errors: dict[tuple[int, str], str] = {}
        self.notices: dict[tuple[int, str], str] = {}  # said, not refused (a 15-digit ID made 18)
        self.masked = False  # an operator without 查看完整号码: numbers masked, nothing editable
        self.set_members(members or [])

    def set_members(self, members: list[Member]) -> None:
        self.beginResetModel()
        self.members = [dataclasses.replace(m) for m in members]
        self.errors, self.notices = {}, {}
        self.endResetModel()

    # --- Qt ---------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.members)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS) + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return MEMBER_STATE.label if section == len(COLUMNS) else _M.header(COLUMNS[section])

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() < len(COLUMNS) and self.members[index.row()].is_current and not self.masked:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        m = self.members[index.row()]
        if index.column() == len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return "现有" if m.is_current else f"{codes.MEMBER_LEAVE.label(m.left_kind)} {m.left_date}"
            return None
        column = COLUMNS[index.column()]
        value = getattr(m, column)
        error = self.errors.get((index.row(), column))
        notice = self.notices.get((index.row(), column))
        if role == Qt.ItemDataRole.DisplayRole:
            options = choices(column)
            if options is not None:
                return dict(options).get(value, "" if value in (None, "") else str(value))
            if self.masked:
                return masked(column, "" if value is None else str(value))
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.EditRole:
            return masked(column, value) if self.masked and isinstance(value, str) else value
        if role == Qt.ItemDataRole.BackgroundRole:
            if error:
                return QBrush(QColor("#f8d7da"))
            if notice:
                return QBrush(QColor("#fff3cd"))
            if not m.is_current:
                return QBrush(QColor("#eeeeee"))
        if role == Qt.ItemDataRole.ToolTipRole and (error or notice):
            return error or notice
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        row, column = index.row(), COLUMNS[index.column()]
        m = self.members[row]
        if column == "work_months":
            text = str(value).strip()
            value = int(text) if text.isdigit() else (None if not text else text)
        elif isinstance(value, str) and column not in ("health",):
            value = value.strip()
        setattr(m, column, value)
        self.errors.pop((row, column), None)
        if column == "id_number":
            self._fill_from_id(row)
        emit(self.dataChanged, self.index(row, 0), self.index(row, len(COLUMNS)))
        return True

    def _fill_from_id(self, row: int) -> None:
        """Typing an ID number checks it at once (the rule book's ID rule) and fills in birth
        date and sex."""
        m = self.members[row]
        typed = clean_text(_M["id_number"], m.id_number)
        done = completed(dataclasses.replace(m, id_number=typed, birth_date="", sex=""))
        m.id_number, m.id_type = done.id_number, done.id_type
        self.notices.pop((row, "id_number"), None)
        for notice in upgrade_notices([dataclasses.replace(m, id_number=typed)], [done]):
            self.notices[(row, "id_number")] = describe(notice.error)
        problem = id_number_problem(m.id_type, m.id_number)
        if problem is not None and m.id_number:
            self.errors[(row, "id_number")] = describe(problem)
            return
        info = id_facts(m.id_type, m.id_number)
        if info is None:
            return
        m.birth_date, m.sex = info.birth_date.isoformat(), info.sex
        for column in ("birth_date", "sex"):
            self.errors.pop((row, column), None)

    # --- Editing the list ---------------------------------------------------------------

    def add(self, member: Member | None = None) -> int:
        row = len(self.members)
        self.beginInsertRows(QModelIndex(), row, row)
        self.members.append(member or Member(relation="" if row else codes.HEAD, sex="", id_type="resident"))
        self.endInsertRows()
        return row

    def remove(self, row: int) -> None:
        """Only rows never saved may be removed; saved members leave through events."""
        if self.members[row].id is not None:
            raise ValueError("saved members leave through 人员变更")
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.members[row]
        self.endRemoveRows()
        self.errors = {}

    def make_head(self, row: int) -> None:
        for i, m in enumerate(self.members):
            if m.is_current and m.relation == codes.HEAD and i != row:
                m.relation = ""  # the clerk now says how the old head is related
        self.members[row].relation = codes.HEAD
        emit(self.dataChanged, self.index(0, 0), self.index(len(self.members) - 1, len(COLUMNS)))

    def show_problems(self, problems: list[Problem]) -> None:
        self.errors = {}
        for p in problems:
            if p.where[0] == "members" and isinstance(p.where[1], int) and str(p.where[2]) in COLUMNS:
                self.errors.setdefault((p.where[1], str(p.where[2])), describe(p.error))
        emit(self.dataChanged, self.index(0, 0), self.index(max(len(self.members) - 1, 0), len(COLUMNS)))

    def raw(self) -> list[dict[str, Any]]:
        return [dataclasses.asdict(m) for m in self.members]


class MemberDelegate(QStyledItemDelegate):
    """Dropdowns for coded columns, plain text elsewhere."""

    def createEditor(self, parent: QWidget, option: Any, index: Index) -> QWidget:
        options = choices(COLUMNS[index.column()])
        if options is None:
            editor = super().createEditor(parent, option, index)
            if COLUMNS[index.column()] == "birth_date":
                assert isinstance(editor, QLineEdit)  # a text cell's editor
                editor.setPlaceholderText("yyyy-MM-dd")
            return editor
        combo = QComboBox(parent)
        for value, label in options:
            combo.addItem(label, value)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            value = index.data(Qt.ItemDataRole.EditRole)
            editor.setCurrentIndex(max(editor.findData(value if value is not None else None), 0))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)
