"""The exchange commands as county staff run them: statuses, JSON, the report, no stray folders."""

import json
import os
import subprocess
import sys
from pathlib import Path

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


def test_password_files_protect_the_export_and_open_it_at_the_county(tmp_path):
    village, county = str(tmp_path / "v"), str(tmp_path / "county")
    assert cundang("--data", village, "demo", "--households", "10").returncode == 0
    secret = tmp_path / "密码.txt"
    secret.write_text("县扶贫办2020上报\n第二行不算\n", encoding="utf-8")
    wrong = tmp_path / "错的.txt"
    wrong.write_text("不是这个密码000\n", encoding="utf-8")
    empty = tmp_path / "空的.txt"
    empty.write_text("\n", encoding="utf-8")
    package = str(tmp_path / "p.xlsx")

    made = cundang("--data", village, "export", "--password-file", str(secret), "--out", package)
    assert made.returncode == 0 and "加密并签名" in made.stdout, made.stderr
    with open(package, "rb") as f:
        assert f.read(4) != b"PK\x03\x04"  # not a plain workbook

    refused = cundang("--data", county, "import", "--password-file", str(wrong), package)
    assert refused.returncode == 1 and "已拒绝" in refused.stdout and "密码不对" in refused.stdout
    assert "p.xlsx" in refused.stdout and "Traceback" not in refused.stderr
    nothing = cundang("--data", county, "import", "--password-file", str(empty), package)
    assert nothing.returncode == 2 and "第一行是空的" in nothing.stderr
    missing = cundang("--data", county, "import", "--password-file", str(tmp_path / "无.txt"), package)
    assert missing.returncode == 2 and "读不了上报包密码文件" in missing.stderr

    done = cundang("--data", county, "import", "--json", "--password-file", str(secret), package)
    assert done.returncode == 0, done.stdout + done.stderr
    [outcome] = json.loads(done.stdout)["files"]
    assert outcome["status"] == "已导入" and outcome["encrypted"] and outcome["signed"]


def test_an_import_asks_for_the_password_when_a_package_is_protected(tmp_path):
    village, county = str(tmp_path / "v"), str(tmp_path / "county")
    assert cundang("--data", village, "demo", "--households", "5").returncode == 0
    secret = tmp_path / "密码.txt"
    secret.write_text("县扶贫办2020上报", encoding="utf-8")
    package = str(tmp_path / "p.xlsx")
    assert cundang("--data", village, "export", "--password-file", str(secret), "--out", package).returncode == 0
    plain = str(tmp_path / "plain.xlsx")
    made = cundang("--data", village, "export", "--out", plain)
    assert "未加密、未签名" in made.stdout

    def typed(text):  # no terminal here: getpass reads the line from stdin (and never echoes it to stdout)
        return subprocess.run(
            [sys.executable, "-m", "desktop", "--data", county, "import", "--dry-run", package],
            input=text,
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
            env=dict(os.environ),
            timeout=120,
        )

    asked = typed("县扶贫办2020上报\n")
    assert asked.returncode == 0 and "检查通过" in asked.stdout, asked.stdout + asked.stderr
    assert "请输入上报包密码" in asked.stderr + asked.stdout and "县扶贫办2020上报" not in asked.stdout
    assert typed("错的\n").returncode == 1
    unsigned = cundang("--data", county, "import", "--dry-run", plain)
    assert unsigned.returncode == 0 and "提醒：未加密、未签名" in unsigned.stdout
