from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QLabel

from desktop.app import build_app
from ui import look
from ui.main_window import SECTIONS


def test_main_window_opens_on_the_demo_village(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    _app, window = build_app([], tmp_path / "data", demo_if_empty=True, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    stats = window.store.stats.villages()[0]
    assert window.header.village_box.count() == 1
    assert stats.name in window.header.village_box.currentText()
    assert f"建档立卡户 {stats.registered} 户" in window.header.counts.text()
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == list(SECTIONS)
    window.nav.setCurrentRow(SECTIONS.index("上报"))
    shown = window.stack.currentWidget()
    assert shown is window.exchange and shown.tabs.count() == 4
    assert not any(isinstance(window.stack.widget(i), QLabel) for i in range(window.stack.count()))  # no placeholder
    window.close()
    assert settings.value("window/geometry") is not None
    # The demo opened in its own folder; the (empty) data folder holds none of it, and the next
    # start is not sent to the demo.
    assert "演示村" in str(window.store.folder) and not (tmp_path / "data" / "cundang.db").exists()
    assert settings.value("data/last_folder") is None


def test_chinese_look_is_installed(qtbot, tmp_path):
    app, window = build_app([], tmp_path / "data")
    qtbot.addWidget(window)
    assert look.cjk_family() is not None, "no CJK font: install fonts-wqy-microhei"
    assert app.font().family() == look.cjk_family()
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    assert window.header.counts.text() == "还没有村。"
