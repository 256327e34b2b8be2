"""The 贫困户 screen: search as you type, filters, a sortable lazy table, export, and the form."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models import access, codes
from models.errors import CundangError
from models.exchange.register_export import export_register_list
from models.storage.register import HouseholdFilter
from models.store import Store
from models.wording import describe
from ui.emit import emit
from ui.events import AppEvents, Changes
from ui.households.form import HouseholdForm
from ui.households.table_model import HouseholdTableModel
from ui.widgets import ERROR_STYLE, CodeCombo, gate

ALL = "全部"
SEARCH_DELAY_MS = 120  # wait for a pause in typing before searching


class HouseholdListScreen(QWidget):
    request_show = Signal()  # the main window shows this screen when its shortcuts are used

    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.store, self.events = store, events
        self.village_id: int | None = None
        self._forms: dict[int, HouseholdForm] = {}  # the open form of each household
        self.model = HouseholdTableModel(store.register)

        self.search = QLineEdit()
        self.search.setObjectName("household-search")
        self.search.setPlaceholderText("姓名 / 拼音 / 首字母 / 身份证号 / 户编号")
        self.search.setMinimumWidth(280)
        self.search.setClearButtonEnabled(True)
        self.group = QComboBox()
        self.status = CodeCombo(codes.STATUS, empty_label=ALL)
        self.attribute = CodeCombo(codes.ATTRIBUTE, empty_label=ALL)
        self.cause = CodeCombo(codes.CAUSE, empty_label=ALL)
        self.year_kind = QComboBox()
        self.year_kind.addItem("识别年度", "identified")
        self.year_kind.addItem("脱贫年度", "exit")
        self.year = QComboBox()
        self.clear_button = QPushButton("清空条件")
        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for label, widget in (
            ("小组", self.group),
            ("状态", self.status),
            ("属性", self.attribute),
            ("致贫原因", self.cause),
            ("", self.year_kind),
            ("", self.year),
        ):
            if label:
                filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.clear_button)

        self.table = QTableView()
        self.table.setObjectName("household-table")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((150, 90, 80, 50, 120, 130, 80, 110)):
            self.table.setColumnWidth(column, width)

        self.count = QLabel()
        self.count.setObjectName("household-count")
        self.notice = QLabel()
        self.notice.setObjectName("household-notice")
        self.new_button = QPushButton("新建户 (Ctrl+N)")
        self.open_button = QPushButton("打开")
        self.export_button = QPushButton("导出所列到 Excel…")
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addSpacing(20)
        bottom.addWidget(self.notice, 1)
        for b in (self.new_button, self.open_button, self.export_button):
            bottom.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.new_action = QAction("新建贫困户", self, shortcut=QKeySequence(QKeySequence.StandardKey.New))
        self.new_action.triggered.connect(self.new_household)
        self.find_action = QAction("查找贫困户", self, shortcut=QKeySequence(QKeySequence.StandardKey.Find))
        self.find_action.triggered.connect(self.focus_search)
        self.export_action = QAction("导出所列贫困户…", self)
        self.export_action.triggered.connect(self.export)

        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _: self._timer.start())
        for combo in (self.group, self.status, self.attribute, self.cause, self.year, self.year_kind):
            combo.currentIndexChanged.connect(lambda _: self.apply_filter())
        self.clear_button.clicked.connect(self.clear_filters)
        self.table.doubleClicked.connect(lambda index: self.open_household(self.model.household_id(index.row())))
        self.table.activated.connect(lambda index: self.open_household(self.model.household_id(index.row())))
        self.new_button.clicked.connect(self.new_household)
        self.open_button.clicked.connect(lambda: self.open_household(self.selected_id()))
        self.export_button.clicked.connect(self.export)
        events.data_changed.connect(self._on_data_changed)
        for control in (self.new_button, self.new_action):  # read-only, or not a 录入: look, print and export
            gate(control, store, access.TABLE_ACTIONS["households"])

    def actions(self) -> list[QAction]:
        return [self.new_action, self.find_action, self.export_action]

    # --- Village and filters -------------------------------------------------------------

    def set_village(self, village_id: int | None) -> None:
        self.village_id = village_id
        groups = self.store.villages.groups(village_id) if village_id is not None else []
        years = self.store.register.years(village_id) if village_id is not None else []
        for combo, items in (
            (self.group, [(g.name, g.id) for g in groups]),
            (self.year, [(f"{y} 年", y) for y in years]),
        ):
            kept = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(ALL, None)
            for text, value in items:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(combo.findData(kept), 0))
            combo.blockSignals(False)
        self.apply_filter()

    def current_filter(self) -> HouseholdFilter:
        return replace(
            self.model.filter,
            village_id=self.village_id,
            text=self.search.text().strip(),
            group_id=self.group.currentData(),
            status=self.status.key() or None,
            attribute=self.attribute.key() or None,
            cause=self.cause.key() or None,
            year=self.year.currentData(),
            year_kind=self.year_kind.currentData(),
        )

    def apply_filter(self) -> None:
        self._timer.stop()
        if self.village_id is None:
            self.model.set_filter(HouseholdFilter(village_id=-1))
        else:
            self.model.set_filter(self.current_filter())
        self.count.setText(f"共 {self.model.rowCount()} 户")

    def clear_filters(self) -> None:
        for combo in (self.group, self.status, self.attribute, self.cause, self.year):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_filter()

    def focus_search(self) -> None:
        emit(self.request_show)
        self.search.setFocus()
        self.search.selectAll()

    # --- Households ------------------------------------------------------------------

    def selected_id(self) -> int | None:
        index: QModelIndex = self.table.currentIndex()
        return self.model.household_id(index.row()) if index.isValid() else None

    def open_household(self, household_id: int | None) -> HouseholdForm | None:
        """The household's form; one per household: opening it again brings the open one forward
        (a double-click also activates the row, and two forms once lost an edit between them)."""
        if household_id is None or self.village_id is None:
            return None
        open_form = self._forms.get(household_id)
        if open_form is not None:
            open_form.raise_()
            open_form.activateWindow()
            return open_form
        return self._show_form(
            HouseholdForm(self.store, self.events, village_id=self.village_id, household_id=household_id, parent=self)
        )

    def new_household(self) -> HouseholdForm | None:
        emit(self.request_show)
        if self.village_id is None:
            return None
        return self._show_form(HouseholdForm(self.store, self.events, village_id=self.village_id, parent=self))

    def _show_form(self, form: HouseholdForm) -> HouseholdForm:
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.setWindowModality(Qt.WindowModality.ApplicationModal)
        form.saved.connect(self._select)
        form.saved.connect(lambda household_id, f=form: self._forms.setdefault(household_id, f))  # a new one, saved
        if form.household_id is not None:
            self._forms[form.household_id] = form
        form.finished.connect(lambda _code, f=form: self._forget_form(f))
        form.destroyed.connect(lambda *_args, f=form: self._forget_form(f))
        form.show()
        return form

    def _forget_form(self, form: HouseholdForm) -> None:
        for household_id, open_form in list(self._forms.items()):
            if open_form is form:
                del self._forms[household_id]

    def _select(self, household_id: int) -> None:
        row = self.model.row_of(household_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _on_data_changed(self, changes: Changes, initiator: object) -> None:
        if changes.touches("households", "village", "pairings", "cadres"):
            selected = self.selected_id()
            self.set_village(self.village_id)
            if selected is not None:
                self._select(selected)

    # --- Export -----------------------------------------------------------------------

    def export(self) -> None:
        if not self.model.ids:
            self.notice.setText("列表中没有户，不用导出。")
            return
        path, _ = QFileDialog.getSaveFileName(self, "导出所列贫困户", "贫困户名单.xlsx", "Excel 工作簿 (*.xlsx)")
        if path:
            self.export_to(path)

    def ask_full(self) -> bool:
        """Masked unless the operator may see full numbers and asks for them (default: masked)."""
        if not self.store.may("unmasked") or self.store.operator is None:
            return False
        asked = QMessageBox.question(
            self,
            "导出所列贫困户",
            "证件号码和电话默认部分隐藏。要导出完整号码吗？（导出完整号码会记入变更记录）",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return asked == QMessageBox.StandardButton.Yes

    def export_to(self, path: str) -> int | None:
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        try:
            count = export_register_list(self.store, list(self.model.ids), path, full=self.ask_full())
        except (CundangError, OSError) as exc:  # a full disk, a locked file, a folder that is gone, unwritable text
            self.notice.setStyleSheet(ERROR_STYLE)
            self.notice.setText(f"导出失败：{describe(exc)}")
            return None
        self.notice.setStyleSheet("")
        self.notice.setText(f"已导出 {count} 户到“{path}”。")
        return count
