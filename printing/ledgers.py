"""The four ledgers as printed tables for a year: the same tables their screens show."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reportlab.platypus import Flowable, Paragraph

from models.services.ledger_tables import TITLES, Period, ledger
from models.store import Store
from printing.base import LANDSCAPE_WIDTH, Heading, Styles, build, table
from printing.fonts import PdfFont

LEDGER_TITLES = TITLES


def ledger_story(store: Store, village_id: int, kind: str, year: int, s: Styles) -> list[Flowable]:
    """A ledger's heading, its tables with their total rows, and its totals in words."""
    book = ledger(store, village_id, kind, Period(year))
    story: list[Flowable] = [Heading(book.title, s.title, 0)]
    for t in book.tables:
        if len(book.tables) > 1:
            story.append(Paragraph(t.title, s.h2))
        story.append(table([t.headers, *t.text(), *t.text(t.totals)], s, total=LANDSCAPE_WIDTH))
    story += [Paragraph(line, s.body) for line in book.summary]
    return story


def render_ledger(
    store: Store,
    village_id: int,
    kind: str,
    year: int,
    path: Path | str,
    font: PdfFont,
    *,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    return build(
        path,
        ledger_story(store, village_id, kind, year, Styles(font)),
        font,
        title=TITLES[kind],
        wide=True,
        cancelled=cancelled,
    )
