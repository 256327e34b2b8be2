"""The question a second window asks when its data folder is already open in another window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget


def folder_in_use_box(folder: Path, holder: str, parent: QWidget | None = None) -> QMessageBox:
    """只读打开 (the accept role) or 退出; built apart from exec() so a test can press a button."""
    who = f"（{holder}）" if holder else ""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("数据文件夹已在别处打开")
    box.setText(f"数据文件夹“{folder}”已在另一个村档窗口中打开{who}。")
    box.setInformativeText(
        "两个窗口同时修改同一份数据会互相覆盖。可以只读打开（只能查看、打印和导出，不能修改），"
        "或者退出，到已打开的窗口中工作。"
    )
    box.read_only_button = box.addButton("只读打开", QMessageBox.ButtonRole.AcceptRole)  # type: ignore[attr-defined]
    box.quit_button = box.addButton("退出", QMessageBox.ButtonRole.RejectRole)  # type: ignore[attr-defined]
    box.setDefaultButton(box.quit_button)  # type: ignore[attr-defined]
    return box


def ask_read_only(folder: Path, holder: str) -> bool:
    """Whether the clerk chose to open the folder read-only."""
    box = folder_in_use_box(folder, holder)
    box.exec()
    return box.clickedButton() is box.read_only_button  # type: ignore[attr-defined]
