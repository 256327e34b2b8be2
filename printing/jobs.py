"""A print job as plain data, run on any thread with its own connection: what the window's
公示与打印 section and the CLI ask for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from models.store import Session, Store


@dataclass(frozen=True)
class PrintJob:
    document: str  # household | card | notice | ledger | binder
    village_id: int
    year: int
    household_ids: tuple[int, ...] = field(default_factory=tuple)  # empty: the whole village
    kind: str = ""  # the notice's or the ledger's kind
    start: str | None = None
    end: str | None = None
    a3: bool = False  # notices for the board, printed large
    record: bool = True  # a notice printed for the board is recorded; a preview is not


def run_job(
    folder: Path | str,
    job: PrintJob,
    out: Path | str,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    session: Session | None = None,
) -> int:
    """Build the PDF; returns its page count. Opens its own Store, so it may run on a worker thread:
    with ``session`` (the window's store's) in a folder that has operators, as the one logged in."""
    from printing.binder import render_binder
    from printing.card import render_cards
    from printing.fonts import find_font
    from printing.household_file import render_households
    from printing.ledgers import render_ledger
    from printing.notices import render_notice

    with Store.open(folder, session=session) as store:
        font = find_font(store.config().pdf_font or None)
        ids = list(job.household_ids) or store.households.ids(job.village_id)
        if job.document == "household":
            return render_households(store, ids, out, font, progress=progress, cancelled=cancelled)
        if job.document == "card":
            return render_cards(store, ids, out, font, job.year, cancelled=cancelled)
        if job.document == "notice":
            return render_notice(
                store,
                job.village_id,
                job.kind,
                job.year,
                out,
                font,
                start=job.start,
                end=job.end,
                a3=job.a3,
                record=job.record,
                cancelled=cancelled,
            )
        if job.document == "ledger":
            return render_ledger(store, job.village_id, job.kind, job.year, out, font, cancelled=cancelled)
        return render_binder(store, job.village_id, job.year, out, font, progress=progress, cancelled=cancelled)
