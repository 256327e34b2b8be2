"""The members' facts of one year (年度动态调整), on the 两不愁三保障 tab: school status, 初中
finished and basic medical insurance as they were that year. A year shows its own facts, or the
latest earlier year's until the clerk changes them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem

from models import codes, fields
from models.domain import MEMBER_YEAR_FACTS, Member, MemberYear
from ui.emit import emit
from ui.widgets import CodeCombo, YesNoCombo

_Y = fields.record("member_years")
HEADERS = (fields.record("members").label("name"), *(_Y.label(k) for k in MEMBER_YEAR_FACTS))


class MemberYearTable(QTableWidget):
    """One row per member counted now; edits are kept per year until the form is saved."""

    changed = Signal()

    def __init__(self, members: Callable[[], list[Member]], facts_of: Callable[[int], dict[int, MemberYear]]) -> None:
        super().__init__(0, len(HEADERS))
        self.setObjectName("member-years")
        self.setHorizontalHeaderLabels(list(HEADERS))
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.members, self.facts_of = members, facts_of
        self.year = 0
        self.edited: dict[int, dict[int, dict]] = {}  # year -> member id -> facts the clerk set
        self._shown: list[int] = []

    def show_year(self, year: int) -> None:
        self.year = year
        people = [m for m in self.members() if m.id is not None and m.is_current]
        stored = self.facts_of(year) if year else {}
        self._shown = [m.id for m in people if m.id is not None]
        self.clearContents()  # the previous year's widgets go with their rows
        self.setRowCount(0)
        self.setRowCount(len(people))
        for row, m in enumerate(people):
            assert m.id is not None
            values = self.edited.get(year, {}).get(m.id) or _values(stored.get(m.id))
            name = QTableWidgetItem(m.name)
            self.setItem(row, 0, name)
            school = CodeCombo(codes.SCHOOL)
            school.set_key(values["school_status"])
            done, insured = YesNoCombo(), YesNoCombo()
            done.set_value(values["compulsory_done"])
            insured.set_value(values["medical_insurance"])
            for col, widget in enumerate((school, done, insured), 1):
                widget.activated.connect(lambda _=0, r=row: self._on_edit(r))
                self.setCellWidget(row, col, widget)

    def _on_edit(self, row: int) -> None:
        mid = self._shown[row]
        school, done, insured = (self.cellWidget(row, c) for c in (1, 2, 3))
        assert isinstance(school, CodeCombo) and isinstance(done, YesNoCombo) and isinstance(insured, YesNoCombo)
        self.edited.setdefault(self.year, {})[mid] = {
            "school_status": school.key(),
            "compulsory_done": done.value(),
            "medical_insurance": insured.value(),
        }
        emit(self.changed)

    def collect(self) -> list[MemberYear]:
        """What the clerk set, by year (the service writes only what differs from the year)."""
        return [
            MemberYear(member_id=mid, year=year, **values)
            for year, by_member in sorted(self.edited.items())
            for mid, values in by_member.items()
        ]

    def reset(self) -> None:
        self.edited = {}
        self.setRowCount(0)


def _values(fact: MemberYear | None) -> dict:
    if fact is None:
        return {"school_status": "", "compulsory_done": None, "medical_insurance": None}
    return {k: getattr(fact, k) for k in MEMBER_YEAR_FACTS}
