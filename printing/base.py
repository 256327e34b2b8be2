"""What every document shares: A4/A3 pages, CJK styles, tables that repeat their header, page
numbers ("第 x 页 共 y 页") with the printed date, bookmarks, and writing to a temporary file
that is renamed only when the PDF is complete."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A3, A4, landscape, portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as canvas_module
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from models.errors import Cancelled
from models.files import atomic_file
from printing.fonts import PdfFont


class Styles:
    def __init__(self, font: PdfFont) -> None:
        f = font.name
        self.title = ParagraphStyle("title", fontName=f, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=8)
        self.h1 = ParagraphStyle("h1", fontName=f, fontSize=14, leading=20, spaceBefore=6, spaceAfter=4)
        self.h2 = ParagraphStyle("h2", fontName=f, fontSize=11.5, leading=16, spaceBefore=6, spaceAfter=3)
        self.body = ParagraphStyle("body", fontName=f, fontSize=10, leading=15, wordWrap="CJK")
        self.cell = ParagraphStyle("cell", fontName=f, fontSize=8.5, leading=11, wordWrap="CJK")
        self.big = ParagraphStyle("big", fontName=f, fontSize=14, leading=22, wordWrap="CJK")
        self.board = ParagraphStyle("board", fontName=f, fontSize=12, leading=16, wordWrap="CJK")  # notices


class Heading(Paragraph):
    """A heading that becomes a PDF bookmark; with a ``key`` its page fills a contents line."""

    def __init__(self, text: str, style: ParagraphStyle, level: int = 0, key: str = "") -> None:
        super().__init__(text, style)
        self.bookmark_text, self.level, self.key = text, level, key


class ContentsLine(Flowable):
    """One line of a contents page. Its page number is a form drawn when the document is
    finished, so the whole document is laid out once (not twice, as a TableOfContents needs)."""

    def __init__(self, text: str, key: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text, self.key, self.style = text, key, style

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.style.leading

    def draw(self) -> None:
        c = self.canv
        c.setFont(self.style.fontName, self.style.fontSize)
        c.drawString(0, 3, self.text)
        c.saveState()
        c.translate(self.width - 12 * mm, 3)
        c.doForm(self.key)
        c.restoreState()


def contents(entries: Sequence[tuple[str, str]], styles: Styles, title: str) -> list[Flowable]:
    """A contents page (or pages): (text, key) for each Heading(key=...) that follows."""
    return [Paragraph(title, styles.title), *(ContentsLine(text, key, styles.body) for text, key in entries)]


class LazyStory(list):
    """The story, made a chunk at a time as layout consumes it, so a village's 1,500 household
    files are never all in memory at once. (reportlab's build loop only asks for its length and
    its first items.)"""

    def __init__(self, chunks: Iterator[list[Flowable]], head: Sequence[Flowable] = ()) -> None:
        super().__init__(head)
        self._chunks = chunks
        self._more = True

    def _fill(self) -> None:
        while self._more and list.__len__(self) < 40:
            try:
                self.extend(next(self._chunks))
            except StopIteration:
                self._more = False

    def __len__(self) -> int:
        self._fill()
        return list.__len__(self)

    def __getitem__(self, index):
        self._fill()
        return list.__getitem__(self, index)


class NumberedCanvas(canvas_module.Canvas):
    """Draws "第 x 页 共 y 页" and the printed date on each page as it is finished. The total is a
    form drawn once at the end and referenced by every page, so pages stream out instead of
    being held in memory until the count is known."""

    def __init__(
        self,
        *args,
        font_name: str = "Helvetica",
        printed: str = "",
        contents_pages: dict[str, int] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._font_name, self._printed = font_name, printed
        self._contents_pages = contents_pages if contents_pages is not None else {}

    def showPage(self) -> None:
        width, _ = self._pagesize
        self.saveState()
        self.setFont(self._font_name, 8)
        left = f"第 {self._pageNumber} 页 共 "
        x = width / 2 - 20 * mm
        self.drawString(x, 10 * mm, left)
        offset = self.stringWidth(left, self._font_name, 8)
        self.translate(x + offset, 10 * mm)
        self.doForm("cundang_total_pages")
        self.restoreState()
        self.setFont(self._font_name, 8)
        self.drawRightString(width - 15 * mm, 10 * mm, f"打印日期：{self._printed}")
        super().showPage()

    def save(self) -> None:
        total = self._pageNumber - 1
        self.beginForm("cundang_total_pages")
        self.setFont(self._font_name, 8)
        self.drawString(0, 0, f"{total} 页")
        self.endForm()
        for key, page in self._contents_pages.items():
            self.beginForm(key)  # the page numbers of the contents lines, known only now
            self.setFont(self._font_name, 10)
            self.drawRightString(12 * mm, 0, str(page))
            self.endForm()
        super().save()


PORTRAIT, LANDSCAPE = "portrait", "landscape"  # page templates: every document has both


def turn(orientation: str) -> list[Flowable]:
    """Flowables that start a new page in that orientation (the binder's ledgers are landscape,
    as the standalone ones are); the pages after it keep it until turned again."""
    return [NextPageTemplate(orientation), PageBreak()]


class Document(SimpleDocTemplate):
    """A document of the given page size whose pages may turn (see ``turn``)."""

    contents_pages: dict[str, int]
    bookmarks: int = 0

    def build(self, flowables: list[Flowable], canvasmaker: Callable[..., canvas_module.Canvas]) -> None:
        self._calc()
        size = self.pagesize
        sizes = {PORTRAIT: portrait(size), LANDSCAPE: landscape(size)}
        first = LANDSCAPE if size[0] > size[1] else PORTRAIT
        templates = []
        for name in (first, *(n for n in sizes if n != first)):
            width, height = sizes[name]
            frame = Frame(
                self.leftMargin,
                self.bottomMargin,
                width - self.leftMargin - self.rightMargin,
                height - self.topMargin - self.bottomMargin,
                id=f"{name}-frame",
            )
            templates.append(PageTemplate(id=name, frames=[frame], pagesize=(width, height)))
        self.addPageTemplates(templates)
        BaseDocTemplate.build(self, flowables, canvasmaker=canvasmaker)

    def handle_pageBegin(self) -> None:  # noqa: N802 (reportlab names it)
        BaseDocTemplate.handle_pageBegin(self)  # keep the page's template (SimpleDocTemplate resets it)

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading):
            self.bookmarks += 1  # never id(): a streamed story frees flowables and ids come back
            key = f"bm{self.bookmarks}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.bookmark_text, key, level=flowable.level)
            if flowable.key:
                self.contents_pages[flowable.key] = self.page


PORTRAIT_WIDTH = 174 * mm  # A4 less the margins
LANDSCAPE_WIDTH = 261 * mm


def column_widths(rows: Sequence[Sequence[object]], total: float) -> list[float]:
    """Share the width by how much each column has to say (capped), so short values such as
    dates and amounts keep one line and long notes wrap in a column wide enough to read."""
    columns = max(len(r) for r in rows)
    weights = [4.0] * columns
    for row in rows[:200]:
        for i, value in enumerate(row):
            weights[i] = max(weights[i], min(len(str(value or "")), 28) + 1.5)
    scale = total / sum(weights)
    return [w * scale for w in weights]


def table(
    rows: Sequence[Sequence[object]],
    styles: Styles,
    widths: Sequence[float] | None = None,
    header: bool = True,
    cell: ParagraphStyle | None = None,
    total: float = PORTRAIT_WIDTH,
) -> Table:
    """A table whose cells wrap in columns sized to their content, whose header repeats on
    every page it spans."""
    if header and len(rows) == 1:  # a header alone reads as a mistake: say there is nothing
        rows = [*rows, ("（无）",) + ("",) * (len(rows[0]) - 1)]
    data = [[Paragraph("" if v is None else str(v), cell or styles.cell) for v in row] for row in rows]
    t = Table(data, colWidths=widths or column_widths(rows, total), repeatRows=1 if header else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")))
    t.setStyle(TableStyle(style))
    return t


def page_size(wide: bool = False, a3: bool = False) -> tuple[float, float]:
    size = A3 if a3 else A4
    return landscape(size) if wide else size


def build(
    path: Path | str,
    story: list[Flowable],
    font: PdfFont,
    *,
    title: str,
    wide: bool = False,
    a3: bool = False,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Write the PDF to a temporary file beside ``path``, then rename it. Returns the page count.
    ``cancelled`` is polled as flowables are laid out; a cancel leaves no file behind. One layout
    pass: contents pages use forms (see ContentsLine); a LazyStory streams its flowables."""
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(2, "文件夹不存在", str(path.parent))
    if path.is_dir():
        raise IsADirectoryError(21, "这是一个文件夹，请给出文件名", str(path))
    printed = dt.date.today().isoformat()
    with atomic_file(path) as tmp:
        return _lay_out(tmp, story, font, title=title, wide=wide, a3=a3, printed=printed, cancelled=cancelled)


def _lay_out(
    tmp: str,
    story: list[Flowable],
    font: PdfFont,
    *,
    title: str,
    wide: bool,
    a3: bool,
    printed: str,
    cancelled: Callable[[], bool] | None,
) -> int:
    doc = Document(
        tmp,
        pagesize=page_size(wide, a3),
        title=title,
        author="村档",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
    )
    doc.contents_pages = {}
    if cancelled:
        original = doc.handle_flowable

        def watched(flowables: list) -> None:
            if cancelled():
                raise Cancelled()
            original(flowables)

        doc.handle_flowable = watched
    doc.build(
        story,
        canvasmaker=lambda *a, **k: NumberedCanvas(
            *a, font_name=font.name, printed=printed, contents_pages=doc.contents_pages, **k
        ),
    )
    return doc.page
