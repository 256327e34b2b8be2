"""What an import found wrong, one row each: file, sheet, row, column, value and a Chinese
message; and the report in the three forms county staff get (JSON, .xlsx, a table)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from models.errors import ERROR, WARNING
from models.exchange.xlsx import write_table
from models.fields import views

__all__ = ["ERROR", "WARNING", "RowProblem", "table_text", "write_report"]

HEADERS = views.PROBLEMS.headers(*views.PROBLEMS)


@dataclass(frozen=True)
class RowProblem:
    """One problem. ``row`` is the Excel row number (None for the whole sheet or file);
    ``column`` the header as written in the file (or its letter when there is no header).
    Errors refuse the file; warnings are shown and the file still imports."""

    file: str
    sheet: str
    row: int | None
    column: str
    value: str
    message: str
    level: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    def as_json(self) -> dict:
        return asdict(self)

    def cells(self) -> tuple[str, str, str, str, str, str, str]:
        return (
            self.file,
            self.sheet,
            "" if self.row is None else str(self.row),
            self.column,
            self.value,
            self.message,
            self.level,
        )


def write_report(path: Path | str, problems: Iterable[RowProblem]) -> int:
    """The .xlsx report, one row per problem; every cell text (a value '=…' stays text)."""
    return write_table(path, "问题清单", HEADERS, (p.cells() for p in problems))


def table_text(problems: Sequence[RowProblem], *, limit: int | None = None) -> str:
    """The problems as lines for a terminal."""
    lines = []
    for p in problems[:limit] if limit else problems:
        where = "，".join(
            x
            for x in (p.sheet and f"工作表“{p.sheet}”", p.row and f"第 {p.row} 行", p.column and f"列“{p.column}”")
            if x
        )
        value = f"（值：{p.value[:40]}）" if p.value else ""
        lines.append(f"  [{p.level}] {Path(p.file).name}：{where}{'：' if where else ''}{p.message}{value}")
    if limit and len(problems) > limit:
        lines.append(f"  ……另有 {len(problems) - limit} 个问题，见报告文件（--report）。")
    return "\n".join(lines)
