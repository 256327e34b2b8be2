"""What the 公示与打印 section offers: document keys (document:kind) and their labels."""

from __future__ import annotations

from models import codes
from printing.ledgers import LEDGER_TITLES

DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("household", "户档案"),
    ("card", "明白卡"),
    *((f"notice:{k}", label) for k, label in codes.NOTICE_KIND.items),
    *((f"ledger:{k}", title) for k, title in LEDGER_TITLES.items()),
    ("binder", "迎检资料"),
)
