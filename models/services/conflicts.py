"""No silent overwrite: a save from a form refuses what changed after the form read it."""

from __future__ import annotations

from collections.abc import Mapping

from models import history
from models.errors import EditConflict
from models.storage.audit import changed_since
from models.store import Store


def refuse_if_changed(
    store: Store,
    read_at: int | None,
    record: tuple[str, int | None] | None = None,
    parts: Mapping[str, tuple[str, int | None] | None] = {},
) -> None:
    """Raise EditConflict, naming who changed what and when, when the record or its parts have
    audit entries after ``read_at`` (the form's ``store.last_change()`` when it read them). Call it
    inside the save's operation: under the write lock nothing can change between check and write.
    ``read_at`` None (the CLI, an import) and a new record (id None) check nothing."""
    if read_at is None:
        return
    own = record if record is not None and record[1] is not None else None
    wanted = {t: o for t, o in parts.items() if o is None or o[1] is not None}
    entries = changed_since(store.db, read_at, own, wanted)  # type: ignore[arg-type]
    if entries:
        changes = [history.in_words(c) for c in history.describe_entries(entries)]
        more = [f"等共 {len(changes)} 处"] if len(changes) > 3 else []
        raise EditConflict(changes=changes[:3] + more)
