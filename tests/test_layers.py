"""The layering rules: models/ and printing/ never import Qt, ui or desktop; inside models/ each
layer imports only those below it (the contracts in pyproject.toml)."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_hold():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert exe, "import-linter is not installed"
    out = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "broken" in out.stdout and "0 broken" in out.stdout


def test_models_and_the_cli_work_with_qt_blocked(tmp_path):
    code = (
        "import sys; sys.modules['PySide6'] = None\n"
        "import models.store, models.services.households, models.demo.generator, printing, desktop.cli\n"
        f"sys.exit(desktop.cli.main(['--data', {str(tmp_path)!r}, 'demo', '--households', '3']))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
