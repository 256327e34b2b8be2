"""Finding a CJK TrueType font to embed: the one set in settings, else the system's, else a
viewer-dependent CID font with a warning. Numbers and Latin letters must render too."""

from __future__ import annotations

import os
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

from models.errors import FontUnusable


@dataclass(frozen=True)
class PdfFont:
    name: str  # the name registered with reportlab
    path: str | None  # None: the built-in CID font (not embedded)
    embedded: bool

    @property
    def warning(self) -> str:
        return "" if self.embedded else "没有找到可嵌入的中文字体，PDF 依赖阅读器自带字体，换一台电脑可能显示不同。"


def _candidates() -> list[Path]:
    if sys.platform.startswith("win"):
        fonts = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        return [fonts / n for n in ("msyh.ttc", "msyh.ttf", "simsun.ttc", "simhei.ttf")]
    roots = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts"]
    names = ("wqy-microhei.ttc", "wqy-zenhei.ttc", "msyh.ttc", "simsun.ttc", "simhei.ttf")
    found = []
    for name in names:
        for root in roots:
            found += sorted(root.rglob(name)) if root.is_dir() else []
    return found


def load_ttf(path: str | Path, name: str | None = None) -> PdfFont:
    """Register a TrueType font (a .ttc's first face); refuse what cannot serve Chinese documents."""
    path = str(path)
    name = name or f"CundangCJK-{zlib.crc32(path.encode()):08x}"  # one name per file: none replaces another
    try:
        font = TTFont(name, path, subfontIndex=0) if path.lower().endswith(".ttc") else TTFont(name, path)
    except OSError as exc:  # the file cannot be read at all
        raise FontUnusable(path=path, detail="无法读取文件") from exc
    except Exception as exc:  # CFF outlines, not a font, truncated (struct.error): reportlab's English stays out
        raise FontUnusable(path=path, detail="不是可用的 TrueType 字体，或文件已损坏") from exc
    glyphs = font.face.charToGlyph
    missing = [c for c in "中文档户1A" if ord(c) not in glyphs]
    if missing:  # DroidSansFallback, for one, has no Latin glyphs
        raise FontUnusable(path=path, detail="缺少字符：" + "".join(missing))
    pdfmetrics.registerFont(font)
    return PdfFont(name, path, True)


_cache: dict[str | None, PdfFont] = {}


def find_font(configured: str | None = None) -> PdfFont:
    """The font for every PDF: the configured file (an error if unusable), else the first usable
    system font, else STSong-Light (not embedded)."""
    if configured in _cache:
        return _cache[configured]
    result: PdfFont | None
    if configured:
        result = load_ttf(configured)
    else:
        result = None
        for candidate in _candidates():
            try:
                result = load_ttf(candidate)
                break
            except FontUnusable:
                continue
        if result is None:
            pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
            result = PdfFont("STSong-Light", None, False)
    _cache[configured] = result
    return result
