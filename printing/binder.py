"""迎检资料: the inspection binder in one PDF — overview and key figures, the four ledgers, the
notices posted, and every household file — with a contents page and bookmarks."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from reportlab.platypus import PageBreak, Paragraph

from models import codes
from models.errors import Cancelled
from models.fields.views import BINDER_OVERVIEW as O
from models.fields.views import OVERRIDES as X
from models.services.assistance import village_exit_summary
from models.store import Store
from printing.base import LANDSCAPE, PORTRAIT, Heading, LazyStory, Styles, build, contents, table, turn
from printing.fonts import PdfFont
from printing.household_file import household_story, title_of
from printing.ledgers import LEDGER_TITLES, ledger_story
from printing.notices import notice_story, notice_text


def render_binder(
    store: Store,
    village_id: int,
    year: int,
    path: Path | str,
    font: PdfFont,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    s = Styles(font)
    village = store.villages.get(village_id)
    [stats] = store.stats.villages(village_id)
    notices = store.ledgers.notices(village_id, year)
    summary = village_exit_summary(store, village_id, year)
    incidence = (
        f"{summary.incidence_permille / 10:.2f}%（{summary.poor_people} 人）"
        if summary.incidence_permille is not None
        else "农业人口未填写，无法计算"
    )
    ids = store.households.ids(village_id)
    overrides = [row[1:] for row in store.households.exit_overrides(village_id)]
    entries = [
        (O.title, "toc_overview"),
        *((f"{village.name}{year}年{title}", f"toc_ledger_{kind}") for kind, title in LEDGER_TITLES.items()),
        *(
            (f"{codes.NOTICE_KIND.label(kind)}（{start} 至 {end}）", f"toc_notice_{i}")
            for i, (kind, start, end, _) in enumerate(notices)
        ),
        *((title_of(store, hid), f"toc{hid}") for hid in ids),
    ]
    story: list = [
        *contents(entries, s, f"{village.name}迎检资料（{year}年）"),
        PageBreak(),
        Heading(O.title, s.title, 0, key="toc_overview"),
        table(
            [
                (O.label("code"), village.code),
                (O.label("place"), f"{village.province}{village.city}{village.county}{village.township}"),
                (O.label("registered"), f"{stats.registered} 户"),
                (O.label("members"), f"{stats.members} 人"),
                *((O.label(f"status_{k}"), f"{n} 户") for k, n in stats.by_status.items()),
                (O.label("incidence"), incidence),
                (O.label("agri_population"), village.agri_population or "未填写"),
                (
                    O.label("overdue_loans"),
                    f"{store.ledgers.overdue_loans(village_id, dt.date.today().isoformat())} 笔",
                ),
            ],
            s,
            header=False,
        ),
        Paragraph(X.title, s.h1),
        table([X.headers(*X), *overrides], s)
        if overrides
        else Paragraph("本村没有例外标注：每户都在退出核查通过后标注脱贫。", s.body),
        PageBreak(),
    ]
    story.pop()  # the ledgers and the notices are landscape, as printed on their own
    for kind in LEDGER_TITLES:
        part = ledger_story(store, village_id, kind, year, s)
        part[0].key = f"toc_ledger_{kind}"
        story += turn(LANDSCAPE) + part
    if not notices:
        story += [PageBreak(), Paragraph(f"{year} 年尚未从本程序打印过公示。", s.body)]
    for i, (kind, start, end, content) in enumerate(notices):  # as posted that year, whole
        posted = {**notice_text(store, village_id, kind, year, start, end), **json.loads(content)}
        story += [PageBreak(), *notice_story(posted, s, key=f"toc_notice_{i}")]
    story += turn(PORTRAIT)

    def chunks():  # household files are made only when layout reaches them
        for n, hid in enumerate(ids, 1):
            if cancelled and cancelled():
                raise Cancelled()
            yield household_story(store, hid, s)
            if progress:
                progress(n, len(ids))

    return build(path, LazyStory(chunks(), story), font, title="迎检资料", cancelled=cancelled)
