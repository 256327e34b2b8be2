"""全县概况: every village with its last import and counts, county totals, people registered in
more than one village, and the county summary workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from models.errors import CundangError
from models.exchange.county import duplicates, export_county, overview
from models.fields import views
from models.store import Store
from models.wording import describe
from ui.events import AppEvents, Changes
from ui.tables import fill, make_table
from ui.widgets import ErrorLabel

HEADERS = views.COUNTY_OVERVIEW.headers(*views.COUNTY_OVERVIEW)
DUP_HEADERS = views.DUPLICATES.headers(*views.DUPLICATES)


def _time(iso: str) -> str:
    return iso.replace("T", " ")[:16] if iso else ""


class CountyTab(QWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.store = store
        self.stale = True
        self.totals = QLabel()
        self.totals.setObjectName("county-totals")
        self.totals.setWordWrap(True)
        self.year = QSpinBox()
        self.year.setRange(2014, 2100)
        self.year.setValue(dt.date.today().year)
        self.year.setSuffix(" 年")
        self.export_button = QPushButton("导出县级汇总…")
        self.export_button.setObjectName("export-county")
        self.export_button.clicked.connect(lambda: self.export())
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.error = ErrorLabel()
        row = QHBoxLayout()
        row.addWidget(QLabel("贫困发生率年度："))
        row.addWidget(self.year)
        row.addWidget(self.export_button)
        row.addStretch(1)
        self.villages = make_table(HEADERS, "county-villages")
        self.villages.setSortingEnabled(True)
        self.dups = make_table(DUP_HEADERS, "county-duplicates")
        self.dup_label = QLabel()
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.dup_label)
        lower_layout.addWidget(self.dups)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.villages)
        split.addWidget(lower)
        split.setSizes([380, 200])
        layout = QVBoxLayout(self)
        layout.addWidget(self.totals)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(split, 1)
        events.data_changed.connect(self._on_changes)

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        self.stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        if self.stale:
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        self.stale = False
        if not self.store.may("county"):  # whole ID numbers: a 县级 operator's (the service refuses too)
            self.error.set_error("只有县级角色可以查看县级汇总和查重。")
            return
        found = duplicates(self.store)
        lines = overview(self.store, found)
        self.villages.setSortingEnabled(False)
        fill(
            self.villages,
            [
                (
                    v.code,
                    v.township,
                    v.name,
                    _time(v.imported_at),
                    _time(v.exported_at),
                    v.registered,
                    v.members,
                    v.poor,
                    v.exited,
                    v.open_problems,
                    v.duplicates,
                )
                for v in lines
            ],
            warn=[bool(v.open_problems or v.duplicates or v.accepted_modified) for v in lines],
            tips=[("", "", "", "导入时接受了改动过的上报包" if v.accepted_modified else "") for v in lines],
        )
        self.villages.setSortingEnabled(True)
        imported = sum(1 for v in lines if v.imported_at)
        self.totals.setText(
            f"全县 {len(lines)} 个村（已导入上报包 {imported} 个）：建档立卡户 {sum(v.registered for v in lines)} 户，"
            f"在册人口 {sum(v.members for v in lines)} 人，未脱贫 {sum(v.poor for v in lines)} 户，"
            f"已脱贫 {sum(v.exited for v in lines)} 户；未整改督查问题 {sum(v.open_problems for v in lines)} 个；"
            f"在多个村登记的人员 {len(found)} 人。"
        )
        self.dup_label.setText(
            f"在多个村登记的证件号码（{len(found)} 人）：" if found else "没有在多个村登记的证件号码。"
        )
        fill(
            self.dups,
            [
                (d.id_number, len({p.village_code for p in d.places}), "；".join(p.text() for p in d.places))
                for d in found
            ],
            warn=[True] * len(found),
        )

    def export(self, path: str | None = None) -> str:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, "导出县级汇总", str(Path.home() / "县级汇总.xlsx"), "Excel 工作簿 (*.xlsx)"
            )
            if not path:
                return ""
        self.error.set_error("")
        try:
            rows = export_county(self.store, path, self.year.value())
        except (CundangError, OSError) as exc:  # a file that cannot be written: said in words, nothing half-written
            self.error.set_error(describe(exc))
            return ""
        self.status.setText(f"已导出：{path}（" + "，".join(f"{k} {n} 行" for k, n in rows.items()) + "）")
        return path
