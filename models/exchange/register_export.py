"""Exporting the rows of the household list, as shown, to an .xlsx file."""

from __future__ import annotations

from pathlib import Path

from models import codes
from models.exchange.xlsx import write_table
from models.fields.views import REGISTER
from models.privacy import masked
from models.storage.register import COLUMNS, RegisterRepo
from models.store import Store

HEADERS = tuple(REGISTER.headers(*COLUMNS, "head_id_number", "phone", "address"))


def export_register(repo: RegisterRepo, ids: list[int], path: Path | str, *, full: bool = False) -> int:
    """Write the households ``ids`` in this order; ID numbers and phone numbers as text, masked
    (first 6 and last 4, 138****5678) unless ``full`` (the operator's audited choice: see
    export_register_list)."""
    shown = (lambda _column, value: value) if full else masked

    def rows():
        for e in repo.export_rows(ids):
            r = e.row
            yield (
                r.household_no,
                r.head,
                r.group,
                r.size,
                codes.ATTRIBUTE.label(r.attribute),
                codes.CAUSE.label(r.main_cause),
                codes.status_label(r.status),
                r.helper,
                shown("head_id_number", e.head_id_number),
                shown("phone", e.phone),
                e.address,
            )

    return write_table(path, "贫困户名单", HEADERS, rows())


REGISTER_LIST = "贫困户名单（完整证件号码和电话）"


def export_register_list(store: Store, ids: list[int], path: Path | str, *, full: bool = False) -> int:
    """The households ``ids`` as a workbook, masked; with ``full`` the operator must hold 查看完整
    号码, and the export is recorded (who, when, how many rows, which file) before it is written."""
    if full:
        store.require("unmasked")
        with store.operation():
            store.writer.insert("disclosures", {"what": REGISTER_LIST, "rows": len(ids), "file_name": Path(path).name})
    return export_register(store.register, ids, path, full=full)
