"""PDFs built from the demo village and read back: text, embedded font, pages, masking, refusals."""

import re

import pytest
from pypdf import PdfReader

from models.errors import FontUnusable, PeriodReversed
from models.wording import describe
from printing.card import render_cards
from printing.fonts import find_font, load_ttf
from printing.household_file import render_households
from printing.notices import render_notice

ID_NUMBER = re.compile(r"\d{17}[\dX]")


def _text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _embedded(path) -> bool:
    reader = PdfReader(path)
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            if descriptor and "/FontFile2" in descriptor.get_object():
                return True
    return False


@pytest.fixture(scope="module")
def font():
    f = find_font()
    assert f.embedded, "no CJK TrueType font found: install fonts-wqy-microhei"
    return f


def test_household_files_with_contents(demo_store, tmp_path, font):
    [village] = demo_store.villages.all()
    ids = demo_store.households.ids(village.id)[:5]
    path = tmp_path / "户档案.pdf"
    pages = render_households(demo_store, ids, path, font)
    reader = PdfReader(path)
    assert len(reader.pages) == pages and 5 <= pages <= 40
    text = _text(path)
    for hid in ids:
        f = demo_store.households.file(hid)
        assert f.household.household_no in text and f.members[0].name in text
    assert "户档案目录" in text and "第 1 页 共" in text and "户主签字" in text
    assert len(reader.outline) >= 5  # bookmarks
    assert _embedded(path)


def test_card_and_notices(demo_store, tmp_path, font):
    [village] = demo_store.villages.all()
    hid = demo_store.households.ids(village.id)[0]
    render_cards(demo_store, [hid], tmp_path / "card.pdf", font, 2020)
    card = _text(tmp_path / "card.pdf")
    assert "12317" in card and "帮扶责任人" in card
    for kind, year in (("identify", 2014), ("exit", 2020), ("pairing", 2020), ("funds", 2020)):
        path = tmp_path / f"{kind}.pdf"
        render_notice(demo_store, village.id, kind, year, path, font, start="2020-12-01")
        text = _text(path)
        assert "12317" in text and "公示时间：2020-12-01 至" in text
        assert not ID_NUMBER.search(text.replace(" ", "")), kind  # never a full ID number
    recorded = demo_store.db.execute("SELECT kind, start_date, end_date FROM notices ORDER BY id").fetchall()
    assert recorded[1] == ("exit", "2020-12-01", "2020-12-07") and recorded[3] == ("funds", "2020-12-01", "2020-12-10")


def test_refusals_leave_no_file(demo_store, tmp_path, font):
    [village] = demo_store.villages.all()
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(PeriodReversed):
        render_notice(
            demo_store, village.id, "exit", 2020, tmp_path / "n.pdf", font, start="2020-12-10", end="2020-12-01"
        )
    with pytest.raises(OSError):
        render_households(demo_store, demo_store.households.ids(village.id)[:1], tmp_path / "missing" / "x.pdf", font)
    bad = tmp_path / "bad.ttf"
    bad.write_text("not a font")
    with pytest.raises(FontUnusable) as caught:
        load_ttf(bad)
    said = describe(caught.value).replace(str(bad), "").replace("TrueType", "")
    assert "字体" in said and not re.search(r"[a-z]{3,}", said), said  # reportlab's English stays out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ttf"]


def test_ledgers_and_binder(demo_store, tmp_path, font):
    from printing.binder import render_binder
    from printing.ledgers import render_ledger

    [village] = demo_store.villages.all()
    for kind in ("projects", "team", "programmes", "inspections"):
        path = tmp_path / f"{kind}.pdf"
        assert render_ledger(demo_store, village.id, kind, 2020, path, font) >= 1
        assert "2020年" in _text(path)
    path = tmp_path / "binder.pdf"
    render_notice(demo_store, village.id, "exit", 2020, tmp_path / "n.pdf", font, start="2020-12-01")
    pages = render_binder(demo_store, village.id, 2020, path, font)
    reader = PdfReader(path)
    text = _text(path)
    assert len(reader.pages) == pages > len(demo_store.households.ids(village.id))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[:5] == [
        "村情概况与主要数据",
        f"{village.name}2020年扶贫项目资金台账",
        f"{village.name}2020年驻村帮扶台账",
        f"{village.name}2020年扶贫专项台账",
        f"{village.name}2020年督查考核台账",
    ]
    assert any("贫困户退出公示" in t for t in titles) and "迎检资料" in text
    # The notices as posted, whole: the supervision line is on them (it was lost once).
    assert "12317" in text.split("贫困户退出公示")[-1]
    # Ledgers and notices on landscape pages, as printed on their own; household files portrait.
    ledger_page = next(
        i for i, p in enumerate(reader.pages) if "扶贫项目资金台账" in (p.extract_text() or "") and i > 1
    )
    width, height = reader.pages[ledger_page].mediabox.width, reader.pages[ledger_page].mediabox.height
    assert width > height
    assert reader.pages[-1].mediabox.width < reader.pages[-1].mediabox.height
    assert not ID_NUMBER.search(text.split("户档案")[0].replace(" ", ""))  # notices and ledgers: masked


def test_cancelled_binder_leaves_nothing(demo_store, tmp_path, font):
    from models.errors import Cancelled
    from printing.binder import render_binder

    [village] = demo_store.villages.all()
    out = tmp_path / "out"
    out.mkdir()
    calls = []
    with pytest.raises(Cancelled):
        render_binder(
            demo_store,
            village.id,
            2020,
            out / "b.pdf",
            font,
            progress=lambda n, total: calls.append(n),
            cancelled=lambda: len(calls) >= 3,
        )
    assert list(out.iterdir()) == []


def test_every_household_has_its_bookmark_and_long_notes_wrap(demo_store, tmp_path, font):
    [village] = demo_store.villages.all()
    ids = demo_store.households.ids(village.id)
    visit = demo_store.db.execute("SELECT id, household_id FROM visits ORDER BY id LIMIT 1").fetchone()
    demo_store.writer.update("visits", visit[0], {"found": "屋顶漏雨，" * 60})  # a 300-character note
    path = tmp_path / "all.pdf"
    render_households(demo_store, ids, path, font)
    titles = [item.title for item in PdfReader(path).outline if not isinstance(item, list)]
    assert len(set(titles)) == len(ids) and all(t.startswith("户档案 ") for t in titles)
