"""Files made to hurt the reader: each is refused in Chinese (or read as it is), the county is left
byte for byte as it was, and no file costs more than 1.5 GB of memory or 60 seconds.

Crafted from a real package: a far cell written with its attributes in another order (once made
calamine try to allocate 78 GB), one long shared string shown by 200,000 cells (7.8 GB), a worker
that dies among good files; ~200 seeded mutations; CSV files with long cells, CR line ends and
an unclosed quote; folders, pipes and devices given as files."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import resource
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from models.demo.generator import generate
from models.errors import FileRefused
from models.exchange import reader
from models.exchange.package import export_village
from models.store import Store
from models.wording import describe
from tests.cli.test_cli import OPERATOR

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 1536 * 2**20  # what one crafted package may cost
SHEET = "xl/worksheets/sheet5.xml"  # 贫困户 in a package: a data sheet with many rows


def _cjk(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


# --- Packages to start from ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three villages' packages, exported by the app."""
    folder = tmp_path_factory.mktemp("hostile")
    with Store.open(folder / "villages", actor="演示") as store:
        generate(store, seed=3, households=12, villages=3)
        paths = []
        for village in store.villages.all():
            assert village.id is not None
            paths.append(folder / f"{village.code}.xlsx")
            export_village(store, village.id, paths[-1])
    return paths


@pytest.fixture(scope="module")
def package(packages: list[Path]) -> Path:
    return packages[0]


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def _write(path: Path, parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def _with_rows(parts: dict[str, bytes], rows: bytes, sheet: str = SHEET) -> dict[str, bytes]:
    """The parts with ``rows`` added at the end of a sheet's cells."""
    edited = dict(parts)
    edited[sheet] = parts[sheet].replace(b"</sheetData>", rows + b"</sheetData>")
    return edited


def _far_cell(parts: dict[str, bytes], ref: str) -> dict[str, bytes]:
    """A cell whose r comes after t (the old scan looked for '<c r=' only)."""
    row = re.sub(r"[A-Z]", "", ref).encode()
    return _with_rows(
        parts, b'<row r="' + row + b'"><c t="inlineStr" r="' + ref.encode() + b'"><is><t>x</t></is></c></row>'
    )


def _shared_string_bomb(parts: dict[str, bytes], cells: int = 200_000, length: int = 32_000) -> dict[str, bytes]:
    edited = dict(parts)
    edited["xl/sharedStrings.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        b"<si><t>" + b"x" * length + b"</t></si></sst>"
    )
    rows = []
    for r in range(cells // 100):
        cols = b"".join(
            b'<c r="' + reader.column_letter(c).encode() + str(5000 + r).encode() + b'" t="s"><v>0</v></c>'
            for c in range(100)
        )
        rows.append(b'<row r="' + str(5000 + r).encode() + b'">' + cols + b"</row>")
    return _with_rows(edited, b"".join(rows))


# --- Running the command line as a county clerk would ------------------------------------------


# RLIMIT_AS stands in for a machine short of memory, but it also counts the address space glibc
# reserves for each thread's malloc arena (64 MiB, never touched): whether a worker's second
# thread got one decided whether a good package fitted in 200 MB. One arena makes the limit
# count what a small machine runs out of.
LIMITED_ENV = {"MALLOC_ARENA_MAX": "1"}


def _limited() -> None:  # in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def cundang(*args: str, limit: int | None = LIMIT, timeout: float = 60) -> subprocess.CompletedProcess:
    def preexec() -> None:
        if limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        preexec_fn=preexec,
        # A new county folder's first 管理员 (tests/cli/test_cli.py).
        env={**os.environ, **OPERATOR, **(LIMITED_ENV if limit else {})},
    )


def _digest(folder: Path) -> dict[str, str]:
    """Every file of the county's data folder (the database and its side files), hashed."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("cundang.db*")) if p.is_file()
    }


@pytest.fixture
def county(tmp_path: Path, packages: list[Path]) -> Path:
    """A county folder that has imported one village (so its database exists and holds data)."""
    folder = tmp_path / "county"
    done = cundang("--data", str(folder), "import", str(packages[1]), limit=None)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder


def _assert_refused(county: Path, path: Path, fragment: str) -> subprocess.CompletedProcess:
    before = _digest(county)
    done = cundang("--data", str(county), "import", str(path))
    out = done.stdout + done.stderr
    assert done.returncode == 1, out  # a refusal, not a crash (an abort is -6, a usage error 2)
    assert "已拒绝" in out and fragment in out, out
    assert "发生意外错误" not in out and "Traceback" not in out, out
    assert _digest(county) == before
    return done


# --- The three crafted files of the report ------------------------------------------------------


@pytest.mark.parametrize("ref", ["XFD150000", "XFD6000"])
def test_a_far_cell_with_its_attributes_in_another_order_is_refused(package, county, tmp_path, ref):
    path = _write(tmp_path / "far.xlsx", _far_cell(_parts(package), ref))
    _assert_refused(county, path, "使用范围过大")


@pytest.mark.parametrize("cell", [b'<c r="A9" r="XFD150000" t="n">', b'<c r="A9" r = "XFD150000" t="n">'])
def test_a_far_cell_behind_a_second_r_is_refused(package, county, tmp_path, cell):
    """The quick pass read the first r, calamine the last: a second one must go to expat."""
    row = _with_rows(_parts(package), b'<row r="9">' + cell + b"<v>1</v></c></row>")
    path = _write(tmp_path / "second-r.xlsx", row)
    _assert_refused(county, path, "工作簿已损坏")


def test_a_long_shared_string_shown_by_200000_cells_is_refused(package, county, tmp_path):
    path = _write(tmp_path / "strings.xlsx", _shared_string_bomb(_parts(package)))
    assert path.stat().st_size < 2 * 2**20
    _assert_refused(county, path, "共享文字")


def test_import_national_refuses_the_far_cell_too(package, county, tmp_path):
    path = _write(tmp_path / "far.xlsx", _far_cell(_parts(package), "XFD150000"))
    before = _digest(county)
    done = cundang("--data", str(county), "import-national", "--village", package.stem, str(path))
    out = done.stdout + done.stderr
    assert done.returncode == 1 and "使用范围过大" in out and "发生意外错误" not in out, out
    assert _digest(county) == before


def test_a_worker_that_dies_is_named_and_the_other_files_are_imported(packages, tmp_path):
    """One file needs more memory than the worker may have (calamine then aborts the process):
    that file is refused in Chinese, the two good ones beside it are imported and said so."""
    good = packages[:2]
    # Within every limit of the scan (99 x 50,000 cells), but calamine allocates the whole range:
    # 158 MB at once, more than a worker limited to 200 MB has left (a good file needs some 150).
    bad = _write(tmp_path / "big.xlsx", _far_cell(_parts(packages[2]), "CU50000"))
    folder = tmp_path / "county"
    done = cundang("--data", str(folder), "import", str(good[0]), str(bad), str(good[1]), limit=200 * 2**20)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "发生意外错误" not in out and "Traceback" not in out, out
    lines = out.splitlines()
    assert any(line.startswith("已导入") and str(good[0]) in line for line in lines), out
    assert any(line.startswith("已导入") and str(good[1]) in line for line in lines), out
    assert any(line.startswith("已拒绝") and str(bad) in line for line in lines), out
    assert "处理进程意外退出" in out or "内存不足" in out, out
    stats = cundang("--data", str(folder), "stats", "--json", limit=None)
    assert len(json.loads(stats.stdout)["villages"]) == 2, stats.stdout


# --- Mutations -------------------------------------------------------------------------------------


def _read_or_refuse(path: Path) -> list[reader.Grid] | None:
    """The file read, or None when refused in Chinese; any other exception fails the test."""
    try:
        return reader.read_file(path)
    except FileRefused as refused:
        assert _cjk(describe(refused)), describe(refused)
        return None


def _grids(path: Path) -> list[tuple[str, list[list[str]]]]:
    return [(g.name, g.rows) for g in reader.read_file(path)]


def _sheet_edit(parts: dict[str, bytes], edit) -> dict[str, bytes]:
    return {n: (edit(d) if n.startswith("xl/worksheets/") else d) for n, d in parts.items()}


def test_about_200_mutated_packages_are_read_or_refused(package, tmp_path):
    rng = random.Random(20260501)
    original = _parts(package)
    data = package.read_bytes()
    expected = _grids(package)
    cases: list[tuple[str, bytes | dict[str, bytes]]] = []  # (label, the file or its parts)
    for i in range(70):  # flipped bytes: the zip's CRC and the XML catch them
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        cases.append((f"flip{i}", bytes(flipped)))
    for i in range(30):
        cases.append((f"cut{i}", data[: rng.randrange(len(data))]))
    for i in range(30):  # parts cut short inside the XML, re-zipped with good CRCs
        name = rng.choice([n for n in original if n.endswith(".xml")])
        cut = dict(original)
        cut[name] = original[name][: rng.randrange(len(original[name]))]
        cases.append((f"xmlcut{i}", cut))
    # Attributes in the other order, prefixes, lower case and a huge stated range read the same;
    # cells without r are placed as calamine places them.
    cases.append(
        ("reorder", _sheet_edit(original, lambda d: re.sub(rb'<c r="(\w+)" t="(\w+)"', rb'<c t="\2" r="\1"', d)))
    )
    cases.append(
        ("lower", _sheet_edit(original, lambda d: re.sub(rb'<c r="([A-Z]+)', lambda m: b'<c r="' + m[1].lower(), d)))
    )
    cases.append(("no-refs", _sheet_edit(original, lambda d: re.sub(rb'<c r="\w+"', b"<c", d))))
    cases.append(("prefix", _sheet_edit(original, _prefixed)))
    cases.append(
        (
            "dimension",
            _sheet_edit(
                original, lambda d: d.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>', 1)
            ),
        )
    )
    spellings = [  # the same cells written as other writers may: each must read as before
        (rb'<c r="(\w+)"', rb"<c r='\1'"),
        (rb'<c r="(\w+)"', b'<c\n\tr = "\\1"'),
        (rb'<c r="(\w+)"', rb'<c x="a>b" r="\1"'),
        (rb'<c r="(\w+)" t="(\w+)"', rb'<c  t="\2"  r="\1" '),
    ]
    for i in range(20):
        pattern, spelled = spellings[i % len(spellings)]
        keep = rng.random()

        def respell(xml: bytes, pattern: bytes = pattern, spelled: bytes = spelled, keep: float = keep) -> bytes:
            return re.sub(pattern, lambda m: m.expand(spelled) if rng.random() > keep else m[0], xml)

        cases.append((f"spelled{i}", _sheet_edit(original, respell)))
    for i in range(25):  # far cells anywhere, refs of every shape
        ref = reader.column_letter(rng.randrange(16_384)) + str(rng.randint(1, 1_048_576))
        cases.append((f"far{i}", _far_cell(original, ref)))
    for i in range(5):
        cases.append((f"badref{i}", _far_cell(original, rng.choice(["A0", "1A", "AAAA1", "A99999999999", "Ａ1"]))))
    laughs = (
        b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(b'<!ENTITY lol%d "%s">' % (i + 1, (b"&lol%d;" % i if i else b"&lol;") * 10) for i in range(9))
        + b"]>"
    )
    for name in ("xl/workbook.xml", SHEET, "[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
        cases.append((f"laughs:{name}", _prolog(original, name, laughs, b"&lol9;")))
        xxe = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        cases.append((f"xxe:{name}", _prolog(original, name, xxe, b"&xxe;")))
    cases.append(("deep", _with_rows(original, b"<a>" * 1_000_000 + b"</a>" * 1_000_000)))
    cases.append(
        ("attributes", _with_rows(original, b"<a " + b" ".join(b'a%d="1"' % i for i in range(300_000)) + b"/>"))
    )
    cases.append(("names", _with_rows(original, b"".join(b"<n%d/>" % i for i in range(1_500_000)))))
    cases.append(("strings", _shared_string_bomb(original, 20_000, 20_000)))
    cases.append(("strings-ok", _shared_string_bomb(original, 2_000, 100)))
    unique = dict(original)
    unique["xl/sharedStrings.xml"] = b'<sst uniqueCount="999999999999"><si><t>a</t></si></sst>'
    cases.append(("unique-count", unique))
    twice = list(original.items()) + [(SHEET.upper(), original[SHEET])]
    cases.append(("twice", dict(twice)))
    refused = read = 0
    for label, case in cases:
        path = tmp_path / f"{label.replace(':', '_').replace('/', '_')}.xlsx"
        if isinstance(case, bytes):
            path.write_bytes(case)
        else:
            _write(path, case)
        grids = _read_or_refuse(path)
        if grids is None:
            refused += 1
            continue
        read += 1
        if label in ("reorder", "lower", "prefix", "dimension") or label.startswith("spelled"):
            assert [(g.name, g.rows) for g in grids] == expected, label
    assert len(cases) >= 190 and refused > 100 and read >= 5


def _prefixed(xml: bytes) -> bytes:
    """The sheet written with an x: prefix on every SpreadsheetML element."""
    xml = xml.replace(
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
        b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
    )
    return re.sub(rb"<(/?)([A-Za-z]+)", rb"<\1x:\2", xml)


def _prolog(parts: dict[str, bytes], name: str, doctype: bytes, entity: bytes) -> dict[str, bytes]:
    """A part with a DOCTYPE before its root element and the entity used in its first text or
    attribute value."""
    data = parts[name]
    if data.startswith(b"<?xml"):
        end = data.index(b"?>") + 2
        data = data[:end] + doctype + data[end:]
    else:
        data = doctype + data
    edited = dict(parts)
    edited[name] = data.replace(b"<t>", b"<t>" + entity, 1) if b"<t>" in data else data
    return edited


def test_zip_bombs_are_refused_before_anything_is_read(package, tmp_path, monkeypatch):
    original = _parts(package)
    bomb = dict(original)
    bomb["xl/media/zeros.bin"] = b"\0" * (reader.MAX_UNPACKED_BYTES + 1)  # a picture that is not one
    path = _write(tmp_path / "bomb.xlsx", bomb)
    assert path.stat().st_size < 2**20
    assert _read_or_refuse(path) is None
    monkeypatch.setattr(reader, "MAX_UNPACKED_BYTES", 8 * 2**20)  # the same, quicker, in a sheet
    spaced = _with_rows(original, b" " * (9 * 2**20))
    with pytest.raises(FileRefused) as refused:
        reader.read_file(_write(tmp_path / "spaces.xlsx", spaced))
    assert refused.value.reason == "bomb"


def test_a_few_mutations_through_the_command_line_leave_the_county_untouched(package, county, tmp_path):
    original = _parts(package)
    laughs = b'<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    cases = {
        "laughs": (_prolog(original, SHEET, laughs, b"&b;"), "DOCTYPE"),
        # Nesting costs expat memory (quick-xml keeps no stack): a cell without r sends the sheet to expat.
        "deep": (
            _with_rows(original, b"<c><is><t>x</t></is></c>" + b"<a>" * 1_000_000 + b"</a>" * 1_000_000),
            "结构异常",
        ),
        "cut": (package.read_bytes()[: package.stat().st_size // 2], "损坏"),
        "far": (_far_cell(original, "XFD100000"), "使用范围过大"),
    }
    for label, (case, fragment) in cases.items():
        path = tmp_path / f"{label}.xlsx"
        if isinstance(case, bytes):
            path.write_bytes(case)
        else:
            _write(path, case)
        _assert_refused(county, path, fragment)


# --- CSV -----------------------------------------------------------------------------------------


def _csv(tmp_path: Path, text: str | bytes, name: str = "人员.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def test_csv_cells_up_to_the_limit_are_read_and_longer_ones_named(tmp_path):
    fine = "长" * 13_000  # some 40 KB of UTF-8, under 32,767 characters
    [grid] = reader.read_file(_csv(tmp_path, f"姓名,备注\n张三,{fine}\n"))
    assert grid.rows[1] == ["张三", fine]
    long = "a" * 200_000  # past the csv module's own 128 KB field limit
    with pytest.raises(FileRefused) as refused:
        reader.read_file(_csv(tmp_path, f"姓名,备注\n张三,x\n李四,{long}\n"))
    assert refused.value.reason == "cell_too_long" and "B3" in describe(refused.value)
    assert "第 3 行第 2 列" in describe(refused.value)


def test_csv_with_cr_only_line_ends_reads_its_rows(tmp_path):
    [grid] = reader.read_file(_csv(tmp_path, "姓名,性别\r张三,男\r李四,女\r"))
    assert grid.rows == [["姓名", "性别"], ["张三", "男"], ["李四", "女"]]
    [grid] = reader.read_file(_csv(tmp_path, '姓名,备注\r"张三","两行\r的备注"\r'.encode("gb18030"), "gbk.csv"))
    assert grid.rows == [["姓名", "备注"], ["张三", "两行\r的备注"]]


def test_csv_with_an_unclosed_quote_names_its_row(tmp_path):
    text = '姓名,备注\n张三,好\n李四,"没有结束\n王五,好\n' + "赵六,好\n" * 40_000
    with pytest.raises(FileRefused) as refused:
        reader.read_file(_csv(tmp_path, text))
    message = describe(refused.value)
    assert refused.value.reason == "csv_quote" and "第 3 行" in message and "引号" in message
    assert "32767" not in message


def test_csv_nul_bytes_and_stray_quotes_are_read_or_named_never_a_crash(tmp_path):
    [grid] = reader.read_file(_csv(tmp_path, b"a,b\n1,\x002\n"))  # the rules then name the control character
    assert grid.rows[1] == ["1", "\x002"]
    [grid] = reader.read_file(
        _csv(tmp_path, '姓名,备注\n"张三"x,好\n')
    )  # text after a closing quote, as Excel reads it
    assert grid.rows[1] == ["张三x", "好"]


def _in_time(path: Path | str) -> FileRefused:
    """read_file on ``path`` must refuse it within seconds (a pipe opened for reading would wait)."""
    outcome: list[BaseException | object] = []

    def run() -> None:
        try:
            outcome.append(reader.read_file(path))
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(10)
    assert outcome, "read_file blocked"
    assert isinstance(outcome[0], FileRefused), outcome
    return outcome[0]


def test_a_folder_a_pipe_and_a_device_are_each_named(tmp_path):
    folder = tmp_path / "文件夹.xlsx"
    folder.mkdir()
    assert "文件夹" in describe(_in_time(folder))
    fifo = tmp_path / "管道.csv"
    os.mkfifo(fifo)
    assert "管道" in describe(_in_time(fifo))
    assert "设备文件" in describe(_in_time("/dev/zero"))
    assert "不存在" in describe(_in_time(tmp_path / "没有.xlsx"))


def test_the_command_line_names_a_pipe_without_waiting_on_it(tmp_path, package, county):
    fifo = tmp_path / "p.xlsx"
    os.mkfifo(fifo)
    done = cundang("--data", str(county), "import", "--dry-run", str(fifo), str(package), timeout=60)
    out = done.stdout + done.stderr
    assert done.returncode == 1 and "管道" in out and "检查通过" in out, out
    assert "发生意外错误" not in out and "Traceback" not in out, out
    national = cundang("--data", str(county), "import-national", "--village", package.stem, "/dev/zero")
    assert national.returncode == 1 and "设备文件" in national.stderr, national.stderr


def test_memory_of_a_heavy_file_the_limits_let_through_stays_under_the_limit(package, tmp_path):
    """The crafted files above run under RLIMIT_AS; here a file just inside the limits (210 MB
    of cells showing one long shared string) is read in a child whose peak memory is measured."""
    path = _write(tmp_path / "heavy.xlsx", _shared_string_bomb(_parts(package), 7_000, 30_000))
    code = (
        "import sys\n"
        "from models.exchange import reader\n"
        "print(len(reader.read_file(sys.argv[1])))\n"
        "print(next(line for line in open('/proc/self/status') if line.startswith('VmHWM')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        preexec_fn=_limited,
        env={**os.environ, **LIMITED_ENV},
    )
    assert done.returncode == 0, done.stderr
    peak_kb = int(done.stdout.split("VmHWM:")[1].split()[0])
    assert peak_kb * 1024 < LIMIT


def test_the_quick_pass_and_expat_agree_on_a_real_package(package, monkeypatch):
    """Every part of a package is bounded by the quick pass; expat, which reads any spelling,
    finds the same used ranges and formulas (here by making the quick pass give up)."""

    def scan() -> tuple[int, dict]:
        with zipfile.ZipFile(package) as z:
            s = reader._Scan(z, str(package))
            formulas, _ = s.run()
            return s.cells, formulas

    quick = scan()
    monkeypatch.setattr(reader._QuickCells, "cells", lambda self, text: setattr(self, "odd", True))
    assert scan() == quick and quick[0] > 0


@pytest.mark.parametrize(
    "name, data", [("包.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096), ("包.csv", b"a,b\n1,2\n")]
)
def test_a_package_that_is_not_an_xlsx_is_refused_before_it_is_read(county, tmp_path, name, data):
    """Packages are always .xlsx; the old .xls reader has no scan of its own."""
    path = tmp_path / name
    path.write_bytes(data)
    _assert_refused(county, path, "不是村档导出的上报包")
