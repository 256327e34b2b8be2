"""The audit chain in the package. A village refuses to export while its chain has problems
nobody acknowledged, and its manifest carries the chain's head and its hashes at the lengths of
the village's earlier exports (kept in its settings). The county keeps each village's heads as
anchors (``chain_anchors``) and flags a later package whose chain does not extend them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from models.errors import ChainUnacknowledged
from models.storage import chain

if TYPE_CHECKING:
    from models.store import Store

# The manifest's chain facts (format 4); the package's checksum or signature covers them.
CHAIN_LENGTH, CHAIN_HEAD, CHAIN_EARLIER, CHAIN_ACKNOWLEDGED = (
    "变更记录条数",
    "变更记录末条哈希",
    "此前各次上报时的变更记录",
    "已确认的变更记录问题",
)
CHAIN_FACTS = (CHAIN_LENGTH, CHAIN_HEAD, CHAIN_EARLIER, CHAIN_ACKNOWLEDGED)

EXPORTS_KEY = "export_heads"  # settings: {village code: [[length, head], ...]}, oldest first
KEEP = 100  # earlier exports a package lists (a county that missed more cannot check, and says so)
_ACKNOWLEDGED_CHARS = 30_000  # a cell holds 32,767


@dataclass(frozen=True)
class Chain:
    """A package's chain facts: length, head, hashes at earlier lengths, acknowledged problems."""

    length: int
    head: str
    earlier: dict[int, str]
    acknowledged: tuple[str, ...] = ()

    def hash_at(self, length: int) -> str | None:
        return self.head if length == self.length else self.earlier.get(length)


# --- The village: refusing, and the manifest's facts -----------------------------------------------


def refuse_unacknowledged(store: Store) -> list[str]:
    """ChainUnacknowledged while the folder's audit chain has problems nobody acknowledged;
    else the sentences of those an 管理员 acknowledged (they travel in the package)."""
    found = chain.unacknowledged(store.db, store.file)
    if found:
        raise ChainUnacknowledged(findings="\n".join(f"{i}. {f.sentence}" for i, f in enumerate(found, 1)))
    return [f"{a.sentence}（{a.actor} 确认于 {a.at[:10]}）" for a in chain.acknowledged(store.db)]


def own_village(store: Store, village_id: int) -> bool:
    """Whether the folder is the village's own (a county's copy came by import)."""
    return store.db.execute("SELECT 1 FROM imports WHERE village_id = ? LIMIT 1", [village_id]).fetchone() is None


def chain_facts(store: Store, village_code: str, acknowledged: list[str]) -> dict[str, str]:
    """The manifest's chain facts: head, the hashes now at the lengths of earlier exports, and
    the acknowledged problems."""
    length, head = chain.head(store.db)
    earlier = []
    for at, _ in _exports(store).get(village_code, [])[-KEEP:]:
        now = chain.hash_at(store.db, at) if at < length else None
        if now is not None:
            earlier.append(f"{at}:{now}")
    text = "\n".join(acknowledged)
    if len(text) > _ACKNOWLEDGED_CHARS:
        text = text[:_ACKNOWLEDGED_CHARS] + "\n……（其余从略）"
    facts = {CHAIN_LENGTH: str(length), CHAIN_HEAD: head, CHAIN_EARLIER: ";".join(earlier), CHAIN_ACKNOWLEDGED: text}
    return {k: v for k, v in facts.items() if v}  # an empty fact is left out (read back as "", as it is signed)


def record_export(store: Store, village_code: str, facts: dict[str, str]) -> None:
    """Note the head an export carries, through the audited writer (its next package lists the
    chain's hash at that length, for the county to compare with what it received)."""
    head = [int(facts[CHAIN_LENGTH]), facts[CHAIN_HEAD]]
    with store.operation():
        exports = _exports(store)
        mine = [e for e in exports.get(village_code, []) if e[0] != head[0]] + [head]
        exports[village_code] = mine[-KEEP:]
        value = json.dumps(exports, separators=(",", ":"))
        existing = store.assistance.setting_id(EXPORTS_KEY)
        if existing is None:
            store.writer.insert("settings", {"key": EXPORTS_KEY, "value": value})
        else:
            store.writer.update("settings", existing, {"value": value})


def _exports(store: Store) -> dict[str, list[list[Any]]]:
    stored = store.assistance.settings().get(EXPORTS_KEY)
    try:
        value = json.loads(stored) if stored else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# --- The county: reading the facts, checking against the anchors, keeping them --------------------


def read_chain(facts: dict[str, str]) -> tuple[Chain | None, list[tuple[str, str, str]]]:
    """A package's chain (None: it has none, as older formats and a county's copies) and what is
    wrong with its facts, as (manifest key, value, sentence)."""
    length_text = facts.get(CHAIN_LENGTH, "")
    if not length_text and not facts.get(CHAIN_HEAD, ""):
        return None, []
    problems = []
    width = 2 * chain.DIGEST_BYTES
    if not length_text.isdigit():
        problems.append((CHAIN_LENGTH, length_text, "清单中的变更记录条数应为数字"))
    head = facts.get(CHAIN_HEAD, "")
    if not _is_hash(head, width):
        problems.append((CHAIN_HEAD, head, f"清单中的变更记录末条哈希应为 {width} 位十六进制数"))
    earlier: dict[int, str] = {}
    text = facts.get(CHAIN_EARLIER, "")
    for item in filter(None, text.split(";")):
        at, _, value = item.partition(":")
        if not at.isdigit() or not _is_hash(value, width):
            problems.append((CHAIN_EARLIER, item, "清单中此前各次上报时的变更记录应为“条数:哈希”，以分号隔开"))
            continue
        earlier[int(at)] = value
    if problems:
        return None, problems
    acknowledged = tuple(line for line in facts.get(CHAIN_ACKNOWLEDGED, "").split("\n") if line.strip())
    return Chain(int(length_text), head, earlier, acknowledged), []


def _is_hash(text: str, width: int) -> bool:
    return len(text) == width and all(c in "0123456789abcdef" for c in text)


@dataclass(frozen=True)
class Anchor:
    """A head the county received from a village: its length and hash, when, and signed or not."""

    length: int
    head: str
    exported_at: str
    signed: bool


def anchors_of(store: Store, village_id: int) -> list[Anchor]:
    """The heads a village's next package must extend, by length: those received since the last
    package whose rewritten chain the county accepted (that one is the village's history now)."""
    rows = store.db.execute(
        "SELECT a.length, a.head, i.exported_at, a.signed, a.rebased FROM chain_anchors a "
        "JOIN imports i ON i.id = a.import_id WHERE a.village_id = ? ORDER BY a.id",
        [village_id],
    ).fetchall()
    start = max((i for i, row in enumerate(rows) if row[4]), default=0)
    return sorted((Anchor(int(n), h, at, bool(s)) for n, h, at, s, _ in rows[start:]), key=lambda a: a.length)


@dataclass(frozen=True)
class Finding:
    """What the county finds of a package's chain: an error unless ``warning``."""

    message: str
    value: str
    warning: bool = False


def against(anchors: list[Anchor], package: Chain | None, signed: bool, village: str) -> list[Finding]:
    """A package's chain against the anchors the county holds for its village: the chain must
    extend each of them (its hash at their length the same), and a village that signed before
    must sign again. ``village`` names it in the sentences."""
    if not anchors:
        return []
    out = []
    if anchors[-1].signed and not signed:
        out.append(Finding(f"{village}此前的上报包有签名，这一份却没有签名：可能被去掉签名后改动过", "未签名"))
    if package is None:
        out.append(
            Finding(
                f"这个上报包没有带变更记录的锚点（县里转出的或较早版本导出的），无法核对{village}的变更记录"
                f"是否与县里此前收到的一致（此前记到第 {anchors[-1].length} 条）",
                "",
                warning=True,
            )
        )
        return out
    matched = 0  # the longest anchor the package's chain still extends
    for anchor in anchors:
        if package.hash_at(anchor.length) == anchor.head:
            matched = max(matched, anchor.length)
    broken = [a for a in anchors if a.length > package.length or package.hash_at(a.length) not in (None, a.head)]
    if broken:
        first = min(broken, key=lambda a: a.length)
        when = first.exported_at.replace("T", " ")
        if first.length > package.length:
            message = (
                f"{village}的变更记录被删改过：县里收到的 {when} 导出的上报包记到第 {first.length} 条，"
                f"这一份只有 {package.length} 条（第 {package.length + 1} 至 {first.length} 条不见了）"
            )
        else:
            message = (
                f"{village}的变更记录被改写过：县里收到的 {when} 导出的上报包记到第 {first.length} 条，"
                f"这一份中第 {matched + 1} 至 {first.length} 条之间有记录与当时不同"
            )
        out.append(Finding(message, str(package.length)))
        return out
    unknown = [a for a in anchors if package.hash_at(a.length) is None and a.length > matched]
    if unknown:  # a village folder notes every export: one it does not know of came from another history
        last = max(unknown, key=lambda a: a.length)
        out.append(
            Finding(
                f"无法核对{village}的变更记录：县里收到的 {last.exported_at.replace('T', ' ')} 导出的上报包记到第 "
                f"{last.length} 条，这一份没有带那次上报时的锚点，第 {matched + 1} 至 {last.length} 条"
                "可能被改写过（如村里恢复过较早的备份）",
                str(package.length),
            )
        )
    return out


def anchor_row(village_id: int, import_id: int, package: Chain, *, signed: bool, rebased: bool) -> dict[str, Any]:
    """The ``chain_anchors`` row that keeps a package's head; ``rebased``: its chain did not
    extend the earlier anchors and the county accepted it (they no longer bind)."""
    return {
        "village_id": village_id,
        "import_id": import_id,
        "length": package.length,
        "head": package.head,
        "signed": int(signed),
        "rebased": int(rebased),
    }
