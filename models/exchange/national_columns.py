"""Reading the national system's household/member export: headers and variants, cells, labels as codes, problems."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from models import codes
from models.errors import CundangError, NotAWholeNumber
from models.exchange.problems import ERROR, WARNING, RowProblem
from models.exchange.reader import Grid
from models.rules.values import check_year
from models.wording import describe

SOURCE = "全国扶贫开发信息系统"
HEADER_ROWS = 20  # the header may sit below title rows; it is looked for in this many rows

# Field -> the headers the national system (and clerks re-saving its exports) write for it,
# compared after fold(): full-width brackets, spaces and a leading * make no difference.
COLUMNS: dict[str, tuple[str, ...]] = {
    "province": ("省", "省份", "省(区、市)", "省(自治区、直辖市)"),
    "city": ("市", "市(州)", "市州", "地市", "地(市、州)"),
    "county": ("县", "县(市、区)", "县(区)", "县区", "区县"),
    "township": ("乡", "乡镇", "乡(镇)", "乡(镇、街道)", "乡镇(街道)"),
    "village": ("村", "行政村", "村名", "村(社区)"),
    "village_code": ("村代码", "行政区划代码", "村行政区划代码", "村级行政区划代码", "统计用区划代码"),
    "group": ("村民小组", "组"),
    "household_no": ("户编号", "户码", "户编码"),
    "person_no": ("人口编号", "人编号", "成员编号"),  # recognised, not kept: the program has no such field
    "name": ("姓名", "成员姓名"),
    "sex": ("性别",),
    "id_type": ("证件类型",),
    "id_number": ("证件号码", "身份证号", "身份证号码", "公民身份号码", "身份证件号码"),
    "relation": ("与户主关系", "与户主的关系"),
    "ethnicity": ("民族",),
    "politics": ("政治面貌",),
    "education": ("文化程度",),
    "school_status": ("在校生状况", "在校生情况"),
    "dropout_reason": ("失学辍学原因", "失学或辍学原因"),
    "health": ("健康状况",),
    "disability_kind": ("残疾类别",),
    "disability_grade": ("残疾等级",),
    "labour": ("劳动技能", "劳动能力"),
    "work_status": ("务工状况", "务工情况"),
    "work_months": ("务工时间(月)", "务工时间", "务工月数"),
    "medical_insurance": ("是否参加城乡居民基本医疗保险", "城乡居民基本医疗保险", "是否参加新型农村合作医疗"),
    "serious_illness_insurance": ("是否参加大病保险", "大病保险"),
    "pension_insurance": ("是否参加城乡居民基本养老保险", "城乡居民基本养老保险", "是否参加新型农村社会养老保险"),
    "dibao": ("是否享受低保", "享受低保"),
    "tekun": ("是否特困供养人员", "是否特困供养", "特困供养"),
    "soldier": ("是否现役军人", "现役军人"),
    "attribute": ("贫困户属性",),
    "main_cause": ("主要致贫原因",),
    "other_causes": ("其他致贫原因",),
    "other_cause1": ("其他致贫原因一", "其他致贫原因1"),
    "other_cause2": ("其他致贫原因二", "其他致贫原因2"),
    "status": ("脱贫状态", "脱贫属性", "贫困户状态"),
    "exit_year": ("脱贫年度", "脱贫年份"),
    "identified_year": ("识别年度", "识别年份"),
    "standard": ("识别标准",),
    "head_name": ("户主姓名",),
    "head_id": ("户主证件号码", "户主身份证号", "户主身份证号码"),
    "phone": ("联系电话", "电话号码", "联系方式"),
    "address": ("住址", "家庭住址"),
    "year": ("年度", "年份", "数据年度"),
}
REQUIRED = ("household_no", "name", "id_number", "relation", "attribute", "main_cause")
# The values of these repeat on every member row of a household; the head's row is taken.
HOUSEHOLD_FIELDS = (
    "group",
    "attribute",
    "main_cause",
    "other_causes",
    "other_cause1",
    "other_cause2",
    "status",
    "exit_year",
    "identified_year",
    "standard",
    "head_name",
    "head_id",
    "phone",
    "address",
    "year",
)
CODED = {
    "sex": codes.SEX,
    "id_type": codes.ID_TYPE,
    "relation": codes.RELATION,
    "ethnicity": codes.ETHNICITY,
    "politics": codes.POLITICS,
    "education": codes.EDUCATION,
    "school_status": codes.SCHOOL,
    "labour": codes.LABOUR,
    "work_status": codes.WORK,
    "disability_kind": codes.DISABILITY_KIND,
    "disability_grade": codes.DISABILITY_GRADE,
    "attribute": codes.ATTRIBUTE,
    "main_cause": codes.CAUSE,
    "other_cause1": codes.CAUSE,
    "other_cause2": codes.CAUSE,
    "standard": codes.STANDARD,
    "status": codes.STATUS,
}
MEMBER_CODED = (
    "sex",
    "id_type",
    "relation",
    "ethnicity",
    "politics",
    "education",
    "school_status",
    "labour",
    "work_status",
    "disability_kind",
    "disability_grade",
)
FLAGS = ("medical_insurance", "serious_illness_insurance", "pension_insurance", "dibao", "tekun", "soldier")
DIGITS = frozenset({"id_number", "head_id", "household_no", "village_code"})  # digits kept as text
FOLDED = frozenset({"phone", "work_months", "year", "exit_year", "identified_year"})  # made half-width
PLAIN = frozenset(
    {
        "name",
        "head_name",
        "province",
        "city",
        "county",
        "township",
        "village",
        "group",
        "address",
        "person_no",
        "dropout_reason",
    }
)  # names: only surrounding spaces go


def fold(text: str) -> str:
    """For comparing and for codes: NFKC (full-width letters, digits and brackets to half-width),
    no whitespace at all."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


_HEADER_INDEX = {fold(v): f for f, variants in COLUMNS.items() for v in variants}


@dataclass
class Header:
    row: int  # index in grid.rows
    columns: dict[str, tuple[int, str]]  # field -> (column index, header as written, spaces trimmed)

    def missing(self) -> list[str]:
        return [COLUMNS[f][0] for f in REQUIRED if f not in self.columns]


def find_header(grid: Grid) -> Header:
    """The first row among the first HEADER_ROWS with every required column, else the row that
    came closest (its ``missing()`` says what it lacks)."""
    best = Header(-1, {})
    for r, row in enumerate(grid.rows[:HEADER_ROWS]):
        found: dict[str, tuple[int, str]] = {}
        for c, text in enumerate(row):
            f = _HEADER_INDEX.get(fold(text).lstrip("*"))
            if f and f not in found:
                found[f] = (c, text.strip())
        if not any(f not in found for f in REQUIRED):
            return Header(r, found)
        if len(found) > len(best.columns):
            best = Header(r, found)
    return best


# --- Cells ------------------------------------------------------------------------

_WRAPPED = re.compile(r'^=\s*"(.*)"$')
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d*)?E[+-]?\d+$")
NOTES = {
    "wrapped": '写成了 ="…" 的形式，已去掉等号和引号',
    "apostrophe": "前面有单引号，已去掉",
    "fullwidth": "含全角字符或空格，已转为半角并去掉空格",
    "lower_x": "末位的小写 x 已改为大写 X",
}
MANGLED = (
    "被存成了数字，后几位已经丢失（Excel 只保留 15 位有效数字），无法还原：请在全国系统中把该列导出为文本，或逐个补正"
)


def digits_cell(raw: str, number: float | None) -> tuple[str, list[str], bool]:
    """A cell that holds digits as text (ID number, 户编号, 村代码): unwrapped, half-width, X upper
    case. Returns (value, notes, mangled); mangled when a number lost its last digits."""
    if number is not None and abs(number) >= 1e15:
        return raw, [], True
    text, notes = raw.strip(), []
    wrapped = _WRAPPED.match(text)
    if wrapped:
        text = wrapped.group(1)
        notes.append("wrapped")
    elif text.startswith("'"):
        text = text[1:]
        notes.append("apostrophe")
    value = fold(text)
    if value != text.strip():
        notes.append("fullwidth")
    if value.endswith("x"):
        value = value[:-1] + "X"
        notes.append("lower_x")
    return value, notes, bool(_SCIENTIFIC.match(value.upper()))


# --- Codes --------------------------------------------------------------------------

# Variants that mean exactly one label (keyed by the list's name); anything else is unknown.
_ALIASES: dict[str, dict[str, str]] = {
    codes.SEX.name: {"男性": "男", "女性": "女"},
    codes.ID_TYPE.name: {"身份证": "居民身份证", "残疾证": "残疾人证", "其他": "其他证件"},
    codes.RELATION.name: {
        "本人": "户主",
        "妻": "配偶",
        "妻子": "配偶",
        "丈夫": "配偶",
        "儿子": "之子",
        "女儿": "之女",
        "父亲": "之父",
        "母亲": "之母",
    },
    codes.EDUCATION.name: {
        "文盲": "文盲或半文盲",
        "半文盲": "文盲或半文盲",
        "本科": "本科及以上",
        "研究生": "本科及以上",
        "学龄前": "学龄前儿童",
    },
    codes.SCHOOL.name: {
        "非在校": "非在校生",
        "不在校": "非在校生",
        "学前": "学前教育",
        "中专": "中职",
        "本科": "本科及以上",
        "失学": "失学辍学",
        "辍学": "失学辍学",
        "失学或辍学": "失学辍学",
    },
    codes.HEALTH.name: {"大病": "患有大病", "慢性病": "长期慢性病"},
    codes.LABOUR.name: {"弱劳动力": "弱劳动力或半劳动力", "半劳动力": "弱劳动力或半劳动力"},
    codes.CAUSE.name: {"缺劳动力": "缺劳力"},
    codes.STATUS.name: {"脱贫": "已脱贫", "清退": "已清退", "已返贫": "返贫"},
}


@cache
def _table(clist: codes.CodeList) -> dict[str, tuple[str, str]]:
    """Folded text -> (key, label): the labels, then their safe variants (汉 for 汉族, 子 for 之子,
    省外 for 省外务工, 因病致贫 for 因病) and the aliases above."""
    table = {fold(label): (key, label) for key, label in clist.items}
    for key, label in clist.items:
        for variant in (
            label.removesuffix("族") if clist is codes.ETHNICITY else "",
            label.removesuffix("务工") if clist is codes.WORK and key != "none" else "",
            label.removeprefix("之") if clist is codes.RELATION else "",
            label + "致贫" if clist is codes.CAUSE else "",
        ):
            if variant:
                table.setdefault(variant, (key, label))
    for variant, label in _ALIASES.get(clist.name, {}).items():
        table.setdefault(variant, (clist.key(label), label))
    return table


def code_of(clist: codes.CodeList, raw: str) -> tuple[str, str] | None:
    """(key, label) of a value as written; None when it is no label nor a safe variant of one."""
    return _table(clist).get(fold(raw))


_SEPARATORS = re.compile(r"[、,;/|]+")


def split_values(raw: str) -> list[str]:
    """Several values in one cell (健康状况, 其他致贫原因), separated by 、 , ; / (any width)."""
    return [v for v in _SEPARATORS.split(fold(raw)) if v]


_YES_NO = {"是": 1, "否": 0, "Y": 1, "N": 0, "YES": 1, "NO": 0, "1": 1, "0": 0}


def flag_of(raw: str) -> int | None:
    """1 / 0 for 是 / 否 (also Y/N, 1/0); None when it is neither."""
    return _YES_NO.get(fold(raw).upper())


def whole_number(raw: str, suffix: str = "") -> int | None:
    """'6', '6.0', '２０１９', '2019年' -> the integer; None when it is not one."""
    text = fold(raw).removesuffix(suffix) if suffix else fold(raw)
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() else None


# --- Reading an export ----------------------------------------------------------------


class ExportReader:
    """One export being read: the columns found, rows as cleaned text, facts as codes, and every
    problem on its row under the header as written (a warning met many times is told once, counted)."""

    def __init__(self, file: str) -> None:
        self.file, self.sheet = file, ""
        self.cols: dict[str, tuple[int, str]] = {}
        self.problems: list[RowProblem] = []
        self.notes: dict[tuple[str, str], list] = {}  # (field, message) -> [count, first row, first value]
        self.reported: set[tuple[int | None, str]] = set()
        self.today = dt.date.today()

    def col(self, f: str) -> str:
        return self.cols[f][1] if f in self.cols else ""

    def problem(self, row: int | None, f: str, value: str, message: str, level: str = ERROR) -> None:
        column = self.col(f)
        if level == ERROR and row is not None and column:  # one error per cell: the first said is the cause
            if (row, column) in self.reported:
                return
            self.reported.add((row, column))
        self.problems.append(RowProblem(self.file, self.sheet, row, column, value, message, level))

    def note(self, row: int, f: str, value: str, message: str) -> None:
        """A warning counted per column and message: the first row is named, the others counted."""
        self.notes.setdefault((f, message), [0, row, value])[0] += 1

    def finish(self) -> list[RowProblem]:
        for (f, message), (count, row, value) in self.notes.items():
            more = f"（共 {count} 处，此为第一处）" if count > 1 else ""
            self.problems.append(RowProblem(self.file, self.sheet, row, self.col(f), value, message + more, WARNING))
        return sorted(self.problems, key=lambda p: (not p.is_error, p.row or 0))

    # --- Reading --------------------------------------------------------------------

    def read(self, grids: list[Grid]) -> list[tuple[int, dict[str, str]]]:
        best: tuple[Grid, Header] | None = None
        for grid in grids:
            header = find_header(grid)
            if not header.missing():
                best = (grid, header)
                break
            if best is None or len(header.columns) > len(best[1].columns):
                best = (grid, header)
        grid, header = best if best else (Grid("", []), Header(-1, {}))
        self.sheet = grid.name
        if header.missing():
            where = (
                f"表头（第 {header.row + 1} 行）" if len(header.columns) >= 3 else f"前 {HEADER_ROWS} 行中找不到表头，"
            )
            self.problem(
                header.row + 1 if len(header.columns) >= 3 else None,
                "",
                "",
                f"不是可识别的{SOURCE}导出表：{where}缺少必需的列：{'、'.join(header.missing())}。",
            )
            return []
        self.cols = header.columns
        people = []
        for r in range(header.row + 1, len(grid.rows)):
            row = grid.rows[r]
            cells = {
                f: self.clean(f, row[c] if c < len(row) else "", grid.numbers.get((r, c)), r + 1)
                for f, (c, _) in self.cols.items()
            }
            if cells["household_no"] or cells["name"] or cells["id_number"]:
                people.append((r + 1, cells))
        if not people:
            self.problem(header.row + 1, "", "", "表头下面没有数据行。")
        return people

    def clean(self, f: str, raw: str, number: float | None, row: int) -> str:
        if f in DIGITS:
            value, notes, mangled = digits_cell(raw, number)
            if mangled:
                if f == "head_id":  # only a cross-check: the head's own row carries the number
                    self.note(row, f, raw, f"户主证件号码{MANGLED}；已忽略此列")
                else:
                    self.problem(row, f, raw, f"{self.col(f)}{MANGLED}。")
                return ""
            for n in notes:
                self.note(row, f, raw, NOTES[n])
            return value
        if f in PLAIN:
            return raw.strip()
        value = fold(raw)
        if f in FOLDED and value != raw.strip():
            self.note(row, f, raw, NOTES["fullwidth"])
        return value

    def code(self, row: int, f: str, clist: codes.CodeList, raw: str) -> str | None:
        found = code_of(clist, raw)
        if found is None:
            choices = f"（可选：{'、'.join(clist.labels)}）" if len(clist.items) <= 15 else ""
            self.problem(row, f, raw, f"“{raw}”不是{clist.name}的可选值{choices}。")
            return None
        if found[1] != raw:
            self.note(row, f, raw, f"“{raw}”按“{found[1]}”导入")
        return found[0]

    def year(self, row: int, f: str, text: str) -> int | None:
        if not text:
            return None
        n = whole_number(text, "年")
        try:
            return check_year(text if n is None else n, today=self.today)
        except CundangError as exc:
            self.problem(row, f, text, describe(exc))
            return None

    def member_facts(self, row: int, v: dict[str, str]) -> dict[str, object]:
        """A member's fields from the non-empty cells of its row, as codes."""
        facts: dict[str, object] = {}
        for f in ("name", "id_number", "dropout_reason"):
            if v.get(f):
                facts[f] = v[f]
        for f in MEMBER_CODED:
            if v.get(f) and (key := self.code(row, f, CODED[f], v[f])) is not None:
                facts[f] = key
        if v.get("health"):
            keys = {self.code(row, "health", codes.HEALTH, x) for x in split_values(v["health"])}
            if None not in keys:
                facts["health"] = ",".join(k for k in codes.HEALTH.keys if k in keys)
        if v.get("work_months"):
            n = whole_number(v["work_months"])
            if n is None:
                self.problem(row, "work_months", v["work_months"], describe(NotAWholeNumber(value=v["work_months"])))
            else:
                facts["work_months"] = n  # its range is the rule book's (checked with the member)
        for f in FLAGS:
            if v.get(f):
                flag = flag_of(v[f])
                if flag is None:
                    self.problem(row, f, v[f], f"“{v[f]}”应填“是”或“否”。")
                else:
                    facts[f] = flag
        return facts

    def household_facts(self, row: int, v: dict[str, str]) -> dict[str, object]:
        """A household's fields from the non-empty cells of its head's row, as codes."""
        facts: dict[str, object] = {}
        for f in ("standard", "attribute", "main_cause", "other_cause1", "other_cause2"):
            if v.get(f) and (key := self.code(row, f, CODED[f], v[f])) is not None:
                facts[f] = key
        if v.get("other_causes"):
            causes = [self.code(row, "other_causes", codes.CAUSE, x) for x in split_values(v["other_causes"])]
            if len(causes) > 2:
                self.problem(row, "other_causes", v["other_causes"], "其他致贫原因最多填两项。")
            elif None not in causes:
                facts["other_cause1"], facts["other_cause2"] = (causes + ["", ""])[:2]
        for f in ("phone", "address"):
            if v.get(f):
                facts[f] = v[f]
        identified = self.year(row, "identified_year", v.get("identified_year", ""))
        if identified is not None:
            facts["identified_year"] = identified
        return facts
