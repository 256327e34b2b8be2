"""The exchange commands as county staff run them: statuses, JSON, the report, no stray folders."""

import json

import openpyxl

from tests.cli.test_cli import cundang


def test_export_import_duplicates_and_county_summary(tmp_path):
    village, county = str(tmp_path / "v"), str(tmp_path / "county")
    assert cundang("--data", village, "demo", "--households", "30").returncode == 0
    package = str(tmp_path / "p.xlsx")
    assert cundang("--data", village, "export", "--out", package).returncode == 0

    dry = cundang("--data", county, "import", "--dry-run", "--json", package)
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["files"][0]["status"] == "检查通过"
    assert not (tmp_path / "county").exists()  # a dry run leaves no data folder behind

    done = cundang("--data", county, "import", package)
    assert done.returncode == 0 and "已导入" in done.stdout
    again = cundang("--data", county, "import", package)
    assert again.returncode == 0 and "无变化" in again.stdout

    wb = openpyxl.load_workbook(package)
    ws = wb["贫困户"]
    ws.cell(2, [c.value for c in ws[1]].index("贫困户属性") + 1).value = "乱填"
    wb.save(tmp_path / "bad.xlsx")
    report = tmp_path / "问题清单.xlsx"
    bad = cundang("--data", county, "import", "--report", str(report), "--json", str(tmp_path / "bad.xlsx"))
    assert bad.returncode == 1
    problems = json.loads(bad.stdout)["files"][0]["problems"]
    assert {"sheet": "贫困户", "row": 2, "column": "贫困户属性", "value": "乱填"}.items() <= problems[0].items()
    rows = list(openpyxl.load_workbook(report).active.iter_rows(values_only=True))
    assert rows[0][:6] == ("文件", "工作表", "行", "列", "值", "问题") and len(rows) == len(problems) + 1

    nowhere = cundang("--data", county, "import", "--report", str(tmp_path / "no" / "r.xlsx"), package)
    assert nowhere.returncode == 2 and "没有导入任何文件" in nowhere.stderr

    dups = cundang("--data", county, "duplicates", "--json")
    assert dups.returncode == 0 and json.loads(dups.stdout) == {"duplicates": []}
    summary = str(tmp_path / "县级汇总.xlsx")
    out = cundang("--data", county, "export", "--county", "--year", "2020", "--out", summary)
    assert out.returncode == 0, out.stderr
    sheet = openpyxl.load_workbook(summary)["各村汇总"]
    assert sheet.cell(1, 1).value == "村代码" and sheet.cell(3, 1).value == "合计"
    assert cundang("--data", county, "export", "--county", "--year", "1800", "--out", summary).returncode == 2


def test_the_county_lists_each_villages_line_beside_its_own(tmp_path):
    village, county = str(tmp_path / "v"), str(tmp_path / "county")
    assert cundang("--data", village, "demo", "--households", "10").returncode == 0
    package = str(tmp_path / "p.xlsx")
    assert cundang("--data", village, "export", "--out", package).returncode == 0
    assert (
        cundang("--data", county, "poverty-line", "set", "--year", "2019", "--province", "贵州省", "3747").returncode
        == 0
    )
    done = cundang("--data", county, "import", "--json", package)
    assert done.returncode == 0, done.stderr
    warned = [p["message"] for p in json.loads(done.stdout)["files"][0]["problems"] if p["sheet"] == "村用扶贫标准"]
    assert len(warned) == 1 and "与县里的 3747.00 元不同" in warned[0]
    listed = cundang("--data", county, "poverty-line", "list", "--villages", "--json")
    rows = {r["年度"]: r for r in json.loads(listed.stdout)}
    assert rows[2019]["县里的标准"] == "3747.00" and rows[2019]["村里用的标准"] != "3747.00"
    assert rows[2020]["县里的标准"].startswith("无")
    text = cundang("--data", county, "poverty-line", "list", "--villages").stdout
    assert text.count("与县里不同") == 1
