"""The look of the app: Chinese translations of Qt's own texts, the zh_CN locale and a CJK font."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

# Preferred CJK families, Windows first, then Linux.
CJK_FAMILIES = (
    "Microsoft YaHei",
    "Microsoft YaHei UI",
    "SimSun",
    "SimHei",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "PingFang SC",
    "Droid Sans Fallback",
)
DATE_FORMAT = "yyyy-MM-dd"


def cjk_family() -> str | None:
    available = set(QFontDatabase.families())
    return next((f for f in CJK_FAMILIES if f in available), None)


def apply(app: QApplication) -> None:
    """Translator, locale and font; idempotent, so tests may call it for each app."""
    if not app.property("cundang_look"):
        translator = QTranslator(app)
        path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load("qtbase_zh_CN", path):
            app.installTranslator(translator)
        app.setProperty("cundang_look", True)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    family = cjk_family()
    if family:
        font = QFont(family)
        font.setPointSize(10)
        app.setFont(font)
