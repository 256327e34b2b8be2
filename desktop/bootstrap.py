#!/usr/bin/env python3
"""Sets a machine up for 村档 and runs it: system packages, a virtual environment, then the app or the tests.

Standard library only, so that a fresh machine with nothing but python3 can run it:
    python3 desktop/bootstrap.py app     # opens the window (the demo village when no data exists)
    python3 desktop/bootstrap.py test    # runs the whole test suite
    python3 desktop/bootstrap.py check   # lint, format, type and layer checks (as .ci/run does)
Extra arguments go to the app (``cundang``) or to pytest.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".cundang-installed"
# Qt's runtime libraries and a CJK TrueType font (Debian/Ubuntu package names).
APT_PACKAGES = (
    "libegl1",
    "libgl1",
    "libxkbcommon0",
    "libfontconfig1",
    "libglib2.0-0",
    "libdbus-1-3",
    "fonts-wqy-microhei",
)
# What Qt's X11 plugin needs to open a real window (Qt 6.5+ refuses to start without xcb-cursor).
APT_WINDOW_PACKAGES = (
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xinerama0",
    "libxcb-xkb1",
    "libxkbcommon-x11-0",
)
WINDOWS = os.name == "nt"


def say(text: str) -> None:
    print(f"[村档安装] {text}", flush=True)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if WINDOWS else "bin/python")


def run(cmd: list[str], **kw: Any) -> None:
    result = subprocess.run(cmd, **kw)
    if result.returncode != 0:
        say(f"命令失败（退出码 {result.returncode}）：{' '.join(cmd)}")
        sys.exit(1)


# --- System packages ----------------------------------------------------------


def missing_debian_packages(packages: tuple[str, ...]) -> list[str]:
    missing = []
    for pkg in packages:
        out = subprocess.run(["dpkg-query", "-W", "-f=${db:Status-Status}", pkg], capture_output=True, text=True)
        if out.stdout.strip() != "installed":
            missing.append(pkg)
    return missing


def apt_install(packages: list[str]) -> None:
    if not packages:
        return
    if os.geteuid() == 0:
        prefix: list[str] = []
    elif shutil.which("sudo"):
        prefix = ["sudo"]
    else:
        say("缺少系统软件包，请用管理员身份运行：")
        say(f"  apt-get update && apt-get install -y {' '.join(packages)}")
        sys.exit(1)
    say(f"安装系统软件包：{' '.join(packages)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(prefix + ["apt-get", "update", "-qq"], env=env)
    run(prefix + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], env=env)


def ensure_system_packages(*, window: bool) -> None:
    """On Debian-like systems, the Qt libraries and the CJK font. Windows ships its own."""
    if sys.platform.startswith("linux") and shutil.which("dpkg-query") and shutil.which("apt-get"):
        apt_install(missing_debian_packages(APT_PACKAGES + (APT_WINDOW_PACKAGES if window else ())))


def has_display() -> bool:
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM"))


# --- Virtual environment --------------------------------------------------------


def ensure_venv() -> None:
    if not venv_python().exists():
        say(f"创建虚拟环境 {VENV}")
        made = subprocess.run([sys.executable, "-m", "venv", str(VENV)])
        if made.returncode != 0 and shutil.which("apt-get"):
            # Debian's python3 lacks venv's pip until python3-venv is installed.
            shutil.rmtree(VENV, ignore_errors=True)
            apt_install([f"python3.{sys.version_info.minor}-venv"])
            made = subprocess.run([sys.executable, "-m", "venv", str(VENV)])
        if made.returncode != 0:
            shutil.rmtree(VENV, ignore_errors=True)
            say("无法创建 Python 虚拟环境。")
            sys.exit(1)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        say("安装村档及其依赖（首次需要几分钟）")
        run([str(venv_python()), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        run([str(venv_python()), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[dev]"])
        STAMP.write_text(wanted)


# The static checks, each configured in pyproject.toml: lint, format, types, layers.
CHECKS = (
    ("ruff", "check", "."),
    ("ruff", "format", "--check", "."),
    ("mypy",),
    ("lint-imports",),
)


def check() -> int:
    """Run every static check; report each, fail if any failed."""
    scripts = venv_python().parent
    failed = []
    for tool, *args in CHECKS:
        exe = scripts / (tool + (".exe" if WINDOWS else ""))
        say(" ".join([tool, *args]))
        if subprocess.call([str(exe), *args], cwd=ROOT) != 0:
            failed.append(tool)
    if failed:
        say("未通过：" + "、".join(failed))
        return 1
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("app", "test", "check"):
        print(__doc__)
        return 2
    if argv[0] == "check":
        ensure_venv()
        return check()
    ensure_system_packages(window=argv[0] == "app")
    ensure_venv()
    python = str(venv_python())
    if argv[0] == "app":
        if not has_display():
            say(
                "没有图形界面（未设置 DISPLAY），无法打开窗口。在无屏幕的机器上可用：xvfb-run -a python3 desktop/bootstrap.py app"
            )
            return 1
        return subprocess.call([python, "-m", "desktop", *(argv[1:] or ["gui", "--demo-if-empty"])], cwd=ROOT)
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.call([python, "-m", "pytest", *argv[1:]], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
