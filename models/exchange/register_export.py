"""Exporting the rows of the household list, as shown, to an .xlsx file."""

from __future__ import annotations

from pathlib import Path

from models import codes
from models.exchange.xlsx import write_table
from models.fields.views import REGISTER
from models.storage.register import COLUMNS, RegisterRepo

HEADERS = tuple(REGISTER.headers(*COLUMNS, "head_id_number", "phone", "address"))


def export_register(repo: RegisterRepo, ids: list[int], path: Path | str) -> int:
    """Write the households ``ids`` in this order; ID numbers and phone numbers as text."""

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
                e.head_id_number,
                e.phone,
                e.address,
            )

    return write_table(path, "贫困户名单", HEADERS, rows())
