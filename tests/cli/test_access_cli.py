"""Operators through the command line: a new folder's first 管理员, users, roles held (issue 15)."""

import json

from models.storage import sql
from tests.cli.test_cli import cundang

NOBODY = {"CUNDANG_USER": "", "CUNDANG_PASSWORD": "", "CUNDANG_NEW_PASSWORD": ""}


def test_a_new_folder_needs_an_operator_and_is_encrypted(tmp_path):
    data = tmp_path / "new"
    refused = cundang("--data", str(data), "init", env=NOBODY)
    assert refused.returncode == 1 and "--user" in refused.stderr and "CUNDANG_USER" in refused.stderr
    assert not (data / "cundang.db").exists()
    made = cundang("--data", str(data), "--user", "王管理", "init", "--role", "录入")
    assert made.returncode == 0, made.stderr
    assert "恢复密钥" in made.stderr and "王管理（管理员、录入）" in made.stdout
    assert not sql.is_plain_sqlite(data / "cundang.db")
    stats = cundang("--data", str(data), "stats", env=NOBODY)
    assert stats.returncode == 1 and "需要登录" in stats.stderr


def test_users_roles_and_refusals_through_the_command_line(tmp_path):
    data = str(tmp_path / "d")
    assert cundang("--data", data, "--user", "王管理", "init").returncode == 0
    added = cundang(
        "--data",
        data,
        "--user",
        "王管理",
        "users",
        "add",
        "李看",
        "--role",
        "只读",
        env={"CUNDANG_NEW_PASSWORD": "viewer-pass-1"},
    )
    assert added.returncode == 0, added.stderr
    listed = json.loads(cundang("--data", data, "--user", "王管理", "users", "list", "--json").stdout)
    assert {o["name"]: o["roles"] for o in listed} == {"李看": ["只读"], "王管理": ["管理员"]}
    as_viewer = {"CUNDANG_PASSWORD": "viewer-pass-1"}
    for command in (
        ["backup"],
        ["users", "add", "赵", "--role", "只读"],
        ["users", "passwd", "王管理"],
        ["import", "--dry-run", str(tmp_path / "any.xlsx")],
        ["duplicates"],
    ):
        out = cundang("--data", data, "--user", "李看", *command, env=as_viewer)
        assert out.returncode == 1 and "没有" in out.stderr and "的权限" in out.stderr, (command, out.stderr)
    empty = cundang("--data", data, "--user", "李看", "export", "--out", str(tmp_path / "x.xlsx"), env=as_viewer)
    assert empty.returncode == 1 and "还没有村" in empty.stderr and not (tmp_path / "x.xlsx").exists()
    wrong = cundang("--data", data, "--user", "李看", "stats", env={"CUNDANG_PASSWORD": "nope-nope"})
    assert wrong.returncode == 1 and "再错 4 次" in wrong.stderr
    off = cundang("--data", data, "--user", "王管理", "users", "disable", "李看")
    assert off.returncode == 0
    gone = cundang("--data", data, "--user", "李看", "stats", env=as_viewer)
    assert gone.returncode == 1 and "已停用" in gone.stderr
