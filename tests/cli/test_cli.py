import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


# The operator a command runs as where a folder has operators, or becomes when it makes one
# (import, import-national, init); folders without operators (a demo's) ignore it.
OPERATOR = {
    "CUNDANG_USER": "测试管理员",
    "CUNDANG_PASSWORD": "cli-password-1",
    "CUNDANG_NEW_PASSWORD": "cli-password-1",
}


def cundang(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **OPERATOR, **(env or {})},
        timeout=120,
    )


def test_demo_then_stats_json_reports_the_village(tmp_path):
    data = str(tmp_path / "d")
    made = cundang("--data", data, "demo", "--seed", "1", "--households", "40")
    assert made.returncode == 0, made.stderr
    out = cundang("--data", data, "stats", "--json")
    assert out.returncode == 0, out.stderr
    [village] = json.loads(out.stdout)["villages"]
    assert len(village["code"]) == 12 and village["name"].endswith("村")
    assert village["households"] == 40 == sum(village["by_status"].values()) == sum(village["by_group"].values())
    assert village["members"] > 40
    assert village["registered"] == 40 - village["by_status"]["已清退"]
    text = cundang("--data", data, "stats")
    assert village["name"] in text.stdout and f"建档立卡户 {village['registered']} 户" in text.stdout


def test_several_villages_and_the_environment_variable(tmp_path):
    env = {"CUNDANG_DATA": str(tmp_path / "county")}
    assert cundang("demo", "--villages", "3", "--households", "5", env=env).returncode == 0
    villages = json.loads(cundang("stats", "--json", env=env).stdout)["villages"]
    assert len({v["code"] for v in villages}) == 3


@pytest.mark.parametrize(
    "args", [["frobnicate"], ["demo", "--households", "0"], ["demo", "--seed", "x"], ["stats", "--bogus"]]
)
def test_usage_errors_exit_2_in_chinese(tmp_path, args):
    out = cundang("--data", str(tmp_path), *args)
    assert out.returncode == 2
    assert "用法错误" in out.stderr


def test_bad_data_file_exits_1_in_chinese_and_is_untouched(tmp_path):
    db = tmp_path / "cundang.db"
    db.write_bytes(b"PK\x03\x04 this is a spreadsheet, not a database")
    before = db.read_bytes()
    out = cundang("--data", str(tmp_path), "stats")
    assert out.returncode == 1 and "不是村档的数据文件" in out.stderr
    assert db.read_bytes() == before


def test_unwritable_data_folder_exits_1(tmp_path):
    (tmp_path / "file").write_text("x")
    out = cundang("--data", str(tmp_path / "file" / "data"), "demo")
    assert out.returncode == 1 and "无法写入" in out.stderr


def test_demo_refuses_existing_data(tmp_path):
    data = str(tmp_path / "d")
    assert cundang("--data", data, "demo", "--households", "3").returncode == 0
    out = cundang("--data", data, "demo", "--households", "3")
    assert out.returncode == 1 and "已有数据" in out.stderr


def test_stats_on_an_empty_folder_says_what_to_do(tmp_path):
    out = cundang("--data", str(tmp_path / "none"), "stats")
    assert out.returncode == 1 and "还没有数据" in out.stderr


def test_check_exit_and_cadres(tmp_path):
    data = str(tmp_path / "d")
    assert cundang("--data", data, "demo", "--households", "30").returncode == 0
    out = cundang("--data", data, "check", "exit", "--year", "2020", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    households = report["households"]
    assert len(households) >= 25 and all(set(h["criteria"]) >= {"不愁吃", "义务教育有保障"} for h in households)
    failed = [h for h in households if not h["passed"]]
    blocking = [(h, [*h["failed"], *h["unfilled"]]) for h in failed]
    assert all(keys and all(not h["criteria"][k]["passed"] for k in keys) for h, keys in blocking)
    assert all(h["criteria"][k]["outcome"] == "未填写" for h in failed for k in h["unfilled"])
    [village] = report["villages"]
    assert "贫困发生率" in village["criteria"] and village["incidence_percent"] is not None
    text = cundang("--data", data, "check", "exit", "--year", "2020")
    assert "退出核查" in text.stdout and "村级退出" in text.stdout
    missing = cundang("--data", data, "check", "exit", "--year", "2013")
    assert missing.returncode == 1 and "扶贫标准" in missing.stderr  # no line for 2013
    bad = cundang("--data", data, "check", "exit", "--year", "20x0")
    assert bad.returncode == 2 and "不是年度" in bad.stderr
    cadres = json.loads(cundang("--data", data, "cadres", "--json").stdout)["villages"][0]
    assert cadres["missing_roles"] == [] and sum(c["current_households"] for c in cadres["cadres"]) > 0
    assert any("第一书记" in c["roles"] for c in cadres["cadres"])


@pytest.mark.parametrize(
    "kind, expect",
    [("projects", "合计：总投资"), ("team", "驻村工作队"), ("programmes", "合计"), ("inspections", "逾期未整改")],
)
def test_ledgers_on_the_command_line(tmp_path, kind, expect):
    data = str(tmp_path / "d")
    assert cundang("--data", data, "demo", "--households", "20").returncode == 0
    text = cundang("--data", data, "ledger", kind, "--year", "2020")
    assert text.returncode == 0 and expect in text.stdout, text.stderr
    report = json.loads(cundang("--data", data, "ledger", kind, "--year", "2020", "--json").stdout)
    assert report["ledger"] == kind and report["villages"][0]["year"] == 2020


def test_print_on_the_command_line(tmp_path):
    data = str(tmp_path / "d")
    assert cundang("--data", data, "demo", "--households", "6").returncode == 0
    out = tmp_path / "card.pdf"
    done = cundang("--data", data, "print", "card", "--all", "--year", "2020", "--out", str(out))
    assert done.returncode == 0 and out.exists() and "共" in done.stdout, done.stderr
    missing = cundang("--data", data, "print", "household", "--household", "000", "--out", str(tmp_path / "x.pdf"))
    assert missing.returncode == 1 and "没有户编号" in missing.stderr and not (tmp_path / "x.pdf").exists()
    reversed_period = cundang(
        "--data",
        data,
        "print",
        "notice",
        "--kind",
        "exit",
        "--from",
        "2020-12-10",
        "--to",
        "2020-12-01",
        "--out",
        str(tmp_path / "n.pdf"),
    )
    assert reversed_period.returncode == 1 and "早于开始日期" in reversed_period.stderr
    unwritable = cundang("--data", data, "print", "ledger", "--kind", "team", "--out", str(tmp_path / "no" / "l.pdf"))
    assert unwritable.returncode == 1 and "文件夹不存在" in unwritable.stderr


def test_poverty_lines_are_listed_and_set_from_the_command_line(tmp_path):
    data = str(tmp_path / "d")
    assert cundang("--data", data, "demo", "--households", "10").returncode == 0
    done = cundang("--data", data, "poverty-line", "set", "--year", "2021", "--province", "贵州省", "4100.5")
    assert done.returncode == 0 and "4100.50" in done.stdout
    lines = json.loads(cundang("--data", data, "poverty-line", "list", "--json").stdout)
    assert {"年度": 2021, "省份": "贵州省", "扶贫标准": "4100.50", "来源": ""} in lines
    again = cundang("--data", data, "poverty-line", "set", "--year", "2021", "--province", "贵州省", "4200")
    assert again.returncode == 0
    lines = json.loads(cundang("--data", data, "poverty-line", "list", "--json").stdout)
    assert [x["扶贫标准"] for x in lines if x["年度"] == 2021] == ["4200.00"]  # changed, not added twice
    for bad, said in ((["abc"], "不是有效的金额"), (["0"], ""), (["--", "-5"], "负数")):
        out = cundang("--data", data, "poverty-line", "set", "--year", "2021", "--province", "贵州省", *bad)
        assert out.returncode == 1 and said in out.stderr and "Traceback" not in out.stderr
    assert [
        x["扶贫标准"]
        for x in json.loads(cundang("--data", data, "poverty-line", "list", "--json").stdout)
        if x["年度"] == 2021
    ] == ["4200.00"]
