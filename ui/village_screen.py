"""The 村情 screen: the village's facts and its groups (村民小组), editable and saved together."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models import access, fields
from models.domain import Group, Village
from models.errors import CundangError, Problem, ValidationFailed
from models.services.villages import update_village
from models.store import Store
from models.wording import describe, describe_problem
from ui.events import AppEvents, Changes
from ui.field_form import FieldForm
from ui.village_years import VillageYears
from ui.widgets import ErrorLabel, FieldErrors, gate

VILLAGE_FIELDS = (
    "code",
    "name",
    "province",
    "city",
    "county",
    "township",
    "is_poor_village",
    "planned_exit_year",
    "actual_exit_year",
    "households_total",
    "population_total",
    "agri_population",
    "collective_income_fen",
    "hard_road",
    "clinic",
    "culture_room",
    "broadband",
    "safe_water",
)


class GroupEditor(QGroupBox):
    """The village's groups in order; names are edited in place."""

    error: ErrorLabel

    def __init__(self) -> None:
        super().__init__(fields.record("village_groups").title)
        self.list = QListWidget()
        self.list.setObjectName("group-list")
        self.add_button = QPushButton("添加小组")
        self.remove_button = QPushButton("删除")
        self.up_button = QPushButton("上移")
        self.down_button = QPushButton("下移")
        buttons = QHBoxLayout()
        for b in self.buttons():
            buttons.addWidget(b)
        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self._on_add)
        self.remove_button.clicked.connect(lambda: self.list.takeItem(self.list.currentRow()))
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))

    def buttons(self) -> tuple[QPushButton, ...]:
        return (self.add_button, self.remove_button, self.up_button, self.down_button)

    def _item(self, name: str, group_id: int | None) -> QListWidgetItem:
        item = QListWidgetItem(name)
        item.setData(Qt.ItemDataRole.UserRole, group_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        return item

    def load(self, groups: list[Group]) -> None:
        self.list.clear()
        for g in groups:
            self.list.addItem(self._item(g.name, g.id))

    def _on_add(self) -> None:
        self.list.addItem(self._item(f"{self.list.count() + 1}组", None))
        self.list.setCurrentRow(self.list.count() - 1)
        self.list.editItem(self.list.currentItem())

    def _move(self, step: int) -> None:
        row = self.list.currentRow()
        if 0 <= row + step < self.list.count() and row >= 0:
            item = self.list.takeItem(row)
            self.list.insertItem(row + step, item)
            self.list.setCurrentRow(row + step)

    def groups(self) -> list[Group]:
        return [
            Group(id=self.list.item(i).data(Qt.ItemDataRole.UserRole), name=self.list.item(i).text())
            for i in range(self.list.count())
        ]


class VillageScreen(QWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.store, self.events = store, events
        self.village: Village | None = None
        self.summary = ErrorLabel()
        self.errors = FieldErrors(self.summary)
        self.form = FieldForm("villages", VILLAGE_FIELDS, self.errors)
        self.groups = GroupEditor()
        self.years = VillageYears(store)
        self.years.save_button.clicked.connect(self._on_save_year)
        self.save_button = QPushButton("保存村情")
        self.notice = QLabel()
        body = QHBoxLayout()
        body.addWidget(self.form, 3)
        side = QVBoxLayout()
        side.addWidget(self.groups, 1)
        side.addWidget(self.years, 1)
        body.addLayout(side, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.notice, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.summary)
        layout.addLayout(bottom)
        self.save_button.clicked.connect(self.save)
        for b in (self.save_button, *self.groups.buttons()):  # the village and its groups, saved together
            gate(b, store, access.TABLE_ACTIONS["villages"])
        events.data_changed.connect(self._on_data_changed)

    def _on_data_changed(self, changes: Changes, initiator: object) -> None:
        if initiator is not self and changes.touches("village") and self.village is not None:
            self.set_village(self.village.id)  # an import or another window changed it

    def set_village(self, village_id: int | None) -> None:
        self.read_at = self.store.last_change()  # a save refuses what changed after this
        self.village = self.store.villages.get(village_id) if village_id is not None else None
        self.setEnabled(self.village is not None)
        if self.village is not None:
            assert self.village.id is not None  # read from the database
            self.form.load(self.village)
            self.groups.load(self.store.villages.groups(self.village.id))
            self.years.load(self.village.id)
        self.errors.clear()
        self.notice.setText("")

    def _on_save_year(self) -> None:
        changes = self.years.save()
        if changes is not None:
            self.notice.setText(f"{self.years.year.value()} 年人口已保存。")
            self.events.emit_changes(changes, self)

    def save(self) -> bool:
        if self.village is None:
            return False
        problems: list[Problem] = []
        village = self.form.apply(self.village, problems)
        try:
            if problems:
                raise ValidationFailed(problems)
            changes = update_village(self.store, village, self.groups.groups(), read_at=self.read_at)
        except ValidationFailed as exc:
            rest = self.errors.show(exc.problems)
            self.groups.error.set_error("\n".join(describe_problem(p) for p in rest))
            return False
        except CundangError as exc:  # a group still in use
            self.groups.error.set_error(describe(exc))
            return False
        self.set_village(village.id)
        self.notice.setText("村情已保存。")
        self.events.emit_changes(changes, self)
        return True
