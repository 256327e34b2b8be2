"""The form's yearly tabs: 收入 with totals computed as you type, and 两不愁三保障."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models import codes, fields
from models.domain import ASSURANCE_ITEMS, INCOME_ITEMS, Assurance, Income, Member, MemberYear
from models.errors import Problem
from models.money import format_fen
from models.rules import income as income_rules
from models.wording import describe
from ui.emit import emit
from ui.households.year_facts import MemberYearTable
from ui.widgets import CodeCombo, ErrorLabel, YesNoCombo


class YearPicker(QWidget):
    """The year being edited, and a way to add another."""

    year_changed = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.combo = QComboBox()
        self.combo.setMinimumContentsLength(6)
        self.new_year = QSpinBox()
        self.new_year.setRange(2013, dt.date.today().year)
        self.new_year.setValue(dt.date.today().year - 1)
        self.add_button = QPushButton("添加年度")
        self.remove_button = QPushButton("删除本年度")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("年度："))
        row.addWidget(self.combo)
        row.addSpacing(20)
        row.addWidget(self.new_year)
        row.addWidget(self.add_button)
        row.addStretch(1)
        row.addWidget(self.remove_button)
        self.combo.currentIndexChanged.connect(self._on_index_changed)
        self.add_button.clicked.connect(lambda: self.add(self.new_year.value()))

    def _on_index_changed(self, _: int) -> None:
        if self.current():
            emit(self.year_changed, self.current())

    def current(self) -> int:
        return self.combo.currentData() or 0

    def years(self) -> list[int]:
        return [self.combo.itemData(i) for i in range(self.combo.count())]

    def set_years(self, years: list[int]) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        for y in sorted(years):
            self.combo.addItem(f"{y} 年", y)
        self.combo.blockSignals(False)
        if years:
            self.combo.setCurrentIndex(self.combo.count() - 1)
            emit(self.year_changed, self.current())

    def add(self, year: int) -> None:
        if year not in self.years():
            self.set_years([*self.years(), year])
        self.combo.setCurrentIndex(self.combo.findData(year))

    def remove_current(self) -> int:
        """Drop the year shown from the list; returns it (0 when there is none)."""
        year = self.current()
        if year:
            self.set_years([y for y in self.years() if y != year])
        return year


class YearlyTab(QWidget):
    """What both yearly tabs share: values by year, the year picker, and years removed since
    loading (deleted when the form is saved)."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.by_year: dict[int, dict] = {}
        self.saved_years: set[int] = set()
        self.deleted: set[int] = set()
        self.picker = YearPicker()

    def _loaded(self, by_year: dict[int, dict]) -> None:
        self.by_year = by_year
        self.saved_years = set(by_year)
        self.deleted = set()
        self.picker.set_years(list(by_year))
        if not by_year:
            self._empty()

    def _on_remove_year(self) -> None:
        year = self.picker.remove_current()
        if year:
            self.by_year.pop(year, None)
            if year in self.saved_years:
                self.deleted.add(year)
            if not self.picker.years():
                self._empty()
            emit(self.changed)

    def _empty(self) -> None:
        raise NotImplementedError


class IncomeTab(YearlyTab):
    def __init__(
        self, members: Callable[[], list[Member]], proposal: Callable[[int], dict[str, int]] | None = None
    ) -> None:
        super().__init__()
        self.members = members
        self.proposal = proposal  # year -> transfer income items the benefits received suggest
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, ErrorLabel] = {}
        form = QFormLayout()
        for name in INCOME_ITEMS:
            edit = QLineEdit()
            edit.setPlaceholderText("元")
            edit.setObjectName(f"income-{name}")
            edit.textEdited.connect(self._on_edit)
            self.edits[name] = edit
            self.errors[name] = ErrorLabel()
            cell = QWidget()
            box = QVBoxLayout(cell)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(edit)
            box.addWidget(self.errors[name])
            form.addRow(fields.record("incomes").label(name), cell)
        self.propose_button = QPushButton("按享受的政策填入转移性收入（核对后保存）")
        self.propose_button.setVisible(proposal is not None)
        self.propose_button.clicked.connect(self._on_propose)
        self.totals = QLabel()
        self.totals.setObjectName("income-totals")
        self.totals.setStyleSheet("font-weight: bold;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addLayout(form)
        layout.addWidget(self.totals)
        layout.addWidget(self.propose_button)
        layout.addStretch(1)
        self.picker.year_changed.connect(self._show_year)
        self.picker.remove_button.clicked.connect(self._on_remove_year)
        self._set_enabled(False)

    def load(self, incomes: list[Income]) -> None:
        self._loaded({i.year: {n: format_fen(getattr(i, n)) for n in INCOME_ITEMS} for i in incomes})

    def _empty(self) -> None:
        for edit in self.edits.values():
            edit.clear()
        self._set_enabled(False)
        self.totals.setText("还没有收入记录。选择年度后点“添加年度”。")

    def _set_enabled(self, on: bool) -> None:
        for edit in self.edits.values():
            edit.setEnabled(on)

    def _show_year(self, year: int) -> None:
        self.deleted.discard(year)
        texts = self.by_year.setdefault(year, {n: "" for n in INCOME_ITEMS})
        for name, edit in self.edits.items():
            edit.setText(texts.get(name, ""))
            self.errors[name].set_error("")
        self._set_enabled(True)
        self.refresh_totals()

    def _on_edit(self, _text: str) -> None:
        year = self.picker.current()
        if year:
            self.by_year[year] = {n: e.text() for n, e in self.edits.items()}
        self.refresh_totals()
        emit(self.changed)

    def _on_propose(self) -> None:
        """Fill the year's transfer items from the benefits ledger; nothing is saved until the clerk saves."""
        year = self.picker.current()
        if not year or self.proposal is None:
            return
        for name, fen in self.proposal(year).items():
            self.edits[name].setText(format_fen(fen))
        self._on_edit("")

    def refresh_totals(self) -> None:
        year = self.picker.current()
        if not year:
            return
        income, problems = income_rules.from_texts(None, year, self.by_year[year])
        if problems:
            self.totals.setText("有金额填写不正确，暂无法计算合计。")
            return
        transfer, net, size, per_head = income_rules.summary(income, self.members())
        self.totals.setText(
            f"{year} 年：转移性收入 {format_fen(transfer)} 元　纯收入 {format_fen(net)} 元　"
            f"家庭人口 {size} 人　人均纯收入 {format_fen(per_head) if per_head is not None else '—'} 元"
        )

    def collect(self, household_id: int | None) -> tuple[list[Income], list[Problem]]:
        incomes, problems = [], []
        for year, texts in sorted(self.by_year.items()):
            if not any(t.strip() for t in texts.values()):
                continue  # a year looked at but left empty is not a year of zero income
            income, found = income_rules.from_texts(household_id, year, texts)
            incomes.append(income)
            problems += found
        return incomes, problems

    def show_problems(self, problems: list[Problem]) -> None:
        mine = [p for p in problems if p.where[0] == "incomes"]
        if not mine:
            return
        where_year = mine[0].where[1]  # ("incomes", year, item)
        assert isinstance(where_year, (int, str))
        year = int(where_year)
        self.picker.add(year)
        for p in mine:
            if p.where[1] == year and str(p.where[2]) in self.errors:
                self.errors[str(p.where[2])].set_error(describe(p.error))

    def raw(self) -> object:
        return {y: dict(t) for y, t in self.by_year.items() if any(t.values())}, sorted(self.deleted)


class AssuranceTab(YearlyTab):
    """两不愁三保障 of each year, with the facts its exit check reads as they were that year: the
    year's 危房 and the members' school and insurance (年度动态调整)."""

    def __init__(
        self,
        members: Callable[[], list[Member]] = list,
        facts_of: Callable[[int], dict[int, MemberYear]] = lambda _: {},
    ) -> None:
        super().__init__()
        self.combos: dict[str, YesNoCombo] = {}
        form = QFormLayout()
        for name in ASSURANCE_ITEMS:
            combo = YesNoCombo()
            combo.setObjectName(f"assurance-{name}")
            combo.activated.connect(self._on_edit)
            self.combos[name] = combo
            form.addRow(fields.record("assurances").label(name), combo)
        self.house = CodeCombo(codes.DANGEROUS_HOUSE)
        self.house.setObjectName("assurance-dangerous_house")
        self.house.activated.connect(self._on_edit)
        form.addRow(fields.record("assurances").label("dangerous_house"), self.house)
        self.note = QLineEdit()
        self.note.textEdited.connect(self._on_edit)
        form.addRow(fields.record("assurances").label("note"), self.note)
        self.member_years = MemberYearTable(members, facts_of)
        self.member_years.changed.connect(self.changed.emit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addLayout(form)
        layout.addWidget(QLabel("该年家庭成员情况（未改动的沿用上一年度）"))
        layout.addWidget(self.member_years, 1)
        self.picker.year_changed.connect(self._show_year)
        self.picker.remove_button.clicked.connect(self._on_remove_year)
        self._set_enabled(False)

    def _set_enabled(self, on: bool) -> None:
        for widget in (*self.combos.values(), self.house, self.note, self.member_years):
            widget.setEnabled(on)

    def load(self, assurances: list[Assurance]) -> None:
        self.member_years.reset()
        self._loaded(
            {
                a.year: {
                    **{n: getattr(a, n) for n in ASSURANCE_ITEMS},
                    "note": a.note,
                    "dangerous_house": a.dangerous_house,
                }
                for a in assurances
            }
        )

    def _empty(self) -> None:
        for combo in self.combos.values():
            combo.set_value(None)
        self.house.set_key("")
        self.note.clear()
        self.member_years.setRowCount(0)
        self._set_enabled(False)

    def _show_year(self, year: int) -> None:
        self.deleted.discard(year)
        self._set_enabled(True)
        earlier = [y for y in self.by_year if y < year and self.by_year[y].get("dangerous_house")]
        start = self.by_year[max(earlier)]["dangerous_house"] if earlier else ""  # a new year starts from the last
        values = self.by_year.setdefault(
            year, {**{n: None for n in ASSURANCE_ITEMS}, "note": "", "dangerous_house": start}
        )
        for name, combo in self.combos.items():
            combo.set_value(values[name])
        self.house.set_key(str(values.get("dangerous_house") or ""))
        self.note.setText(str(values["note"]))
        self.member_years.show_year(year)

    def _on_edit(self, *_: object) -> None:
        year = self.picker.current()
        if year:
            self.by_year[year] = {
                **{n: c.value() for n, c in self.combos.items()},
                "note": self.note.text(),
                "dangerous_house": self.house.key(),
            }
            emit(self.changed)

    def collect(self, household_id: int | None) -> list[Assurance]:
        return [
            Assurance(
                household_id=household_id,
                year=y,
                note=str(v["note"]).strip(),
                dangerous_house=str(v.get("dangerous_house") or ""),
                **{n: v[n] for n in ASSURANCE_ITEMS},
            )
            for y, v in sorted(self.by_year.items())
            if any(x not in (None, "") for x in v.values())
        ]

    def raw(self) -> object:
        return (
            {y: dict(v) for y, v in self.by_year.items() if any(x not in (None, "") for x in v.values())},
            sorted(self.deleted),
            [f.to_record() for f in self.member_years.collect()],
        )
