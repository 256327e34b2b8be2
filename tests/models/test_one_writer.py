"""One writer at a time, without false failures: the folder's window lock, read-only opening,
waiting for the write lock with a notice, true messages for busy / damaged files, and saves that
refuse to overwrite what changed after the form read it."""

import dataclasses
import subprocess
import sys
import threading
import time

import pytest

from models.errors import CorruptDatabase, DatabaseBusy, EditConflict, ReadOnlyStore
from models.services import households as svc
from models.storage import base, sql
from models.storage.database import database_path, storage_error
from models.storage.folder_lock import FolderLock
from models.store import Store
from models.wording import describe


def test_the_window_lock_is_held_once_and_says_by_whom(tmp_path):
    first, second = FolderLock(tmp_path), FolderLock(tmp_path)
    assert first.acquire()
    assert not second.acquire()  # another descriptor, even in the same process
    assert "电脑" in second.holder() and "起" in second.holder()
    first.release()
    assert second.acquire()
    second.release()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from models.storage.folder_lock import FolderLock;"
            f"l = FolderLock({str(tmp_path)!r}); assert l.acquire(); print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert not FolderLock(tmp_path).acquire()
    finally:
        holder.kill()
        holder.wait()
    lock = FolderLock(tmp_path)
    assert lock.acquire()  # the kernel gave it back with the process
    lock.release()


def test_read_only_reads_and_refuses_every_write_in_words(demo_store):
    with Store.open(demo_store.folder, read_only=True) as reader:
        assert reader.villages.count() == demo_store.villages.count() == 1
        village = reader.villages.all()[0]
        with pytest.raises(ReadOnlyStore) as refused:
            with reader.operation():
                reader.writer.update("villages", village.id, {"name": "改名"})
        assert "只读" in describe(refused.value)
    assert demo_store.villages.all()[0].name == village.name  # nothing written


def test_a_writer_waits_its_turn_and_the_wait_is_told(demo_store):
    told: list[bool] = []
    base.waiting_listeners.append(told.append)
    other = sql.driver.connect(
        str(demo_store.path), timeout=10, check_same_thread=False
    )  # the same SQLite library: its locks are seen in-process
    other.execute("BEGIN IMMEDIATE")
    releaser = threading.Timer(1.6, other.commit)
    releaser.start()
    try:
        village = demo_store.villages.all()[0]
        started = time.monotonic()
        with demo_store.operation():
            demo_store.writer.update("villages", village.id, {"name": "等过的村"})
        waited = time.monotonic() - started
    finally:
        base.waiting_listeners.remove(told.append)
        releaser.join()
        other.close()
    assert waited >= 1.5
    assert told == [True, False]
    assert demo_store.villages.all()[0].name == "等过的村"


def test_a_busy_file_is_said_to_be_busy_and_a_damaged_one_only_after_a_check(tmp_path, demo_store):
    busy = sql.OperationalError("database is locked")
    assert isinstance(storage_error(busy, demo_store.path), DatabaseBusy)
    # An error that claims damage, on a file the integrity check finds whole, is not "已损坏".
    claim = sql.DatabaseError("database disk image is malformed")
    wrongly = storage_error(claim, demo_store.path)
    assert not isinstance(wrongly, CorruptDatabase)
    assert "已损坏" not in describe(wrongly) and "没有损坏" in describe(wrongly)
    # A file really damaged in its pages is.
    demo_store.close()
    path = database_path(demo_store.folder)
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for n in range(2, 12):  # the b-tree headers of a few pages
        for i in range(n * page, n * page + 12):
            data[i] ^= 0xA5
    broken = tmp_path / "broken" / "cundang.db"
    broken.parent.mkdir()
    broken.write_bytes(bytes(data))
    assert isinstance(storage_error(claim, broken), CorruptDatabase)


def _a_household(store):
    hid = store.db.execute("SELECT id FROM households ORDER BY id LIMIT 1").fetchone()[0]
    return store.households.file(hid)


def test_a_save_over_a_change_made_since_reading_is_refused_and_names_who(demo_store, tmp_path):
    read_at = demo_store.last_change()
    f = _a_household(demo_store)
    with Store.open(demo_store.folder, actor="王会计") as other:  # another window saves the address
        svc.save_household_file(other, dataclasses.replace(f.household, address="新的住址 8 号"), f.members)
    typed = dataclasses.replace(f.household, phone="13800000000")  # this form changed the phone
    with pytest.raises(EditConflict) as refused:
        svc.save_household_file(demo_store, typed, f.members, read_at=read_at)
    text = describe(refused.value)
    assert "王会计" in text and "住址" in text and "没有保存" in text and "您填写的内容还在表中" in text
    stored = demo_store.households.file(f.household.id)
    assert stored.household.address == "新的住址 8 号"  # the other save is not lost
    assert stored.household.phone == f.household.phone  # and this one wrote nothing
    # Read again, the same save goes through.
    again = demo_store.last_change()
    svc.save_household_file(
        demo_store, dataclasses.replace(stored.household, phone="13800000000"), stored.members, read_at=again
    )
    saved = demo_store.households.get(f.household.id)
    assert (saved.address, saved.phone) == ("新的住址 8 号", "13800000000")


def test_a_change_to_another_household_is_no_conflict(demo_store):
    read_at = demo_store.last_change()
    ids = [r[0] for r in demo_store.db.execute("SELECT id FROM households ORDER BY id LIMIT 2")]
    other = demo_store.households.file(ids[1])
    svc.save_household_file(demo_store, dataclasses.replace(other.household, address="别户的住址"), other.members)
    mine = demo_store.households.file(ids[0])
    svc.save_household_file(
        demo_store, dataclasses.replace(mine.household, address="本户的住址"), mine.members, read_at=read_at
    )
    assert demo_store.households.get(ids[0]).address == "本户的住址"


def _conflicts_then_saves(store, first_save, second_save):
    """``first_save(other, read_at)`` by another window, then ``second_save(store, read_at)`` with
    what this form read before it: refused; read again, the same save goes through."""
    read_at = store.last_change()
    with Store.open(store.folder, actor="王会计") as other:
        first_save(other)
    with pytest.raises(EditConflict) as refused:
        second_save(store, read_at)
    assert "王会计" in describe(refused.value)
    second_save(store, store.last_change())


def test_every_form_save_refuses_a_change_made_since_reading(demo_store):
    from models.domain import Measure
    from models.services import assistance as asv
    from models.services import villages as vsv

    store = demo_store
    village = store.villages.all()[0]
    groups = store.villages.groups(village.id)
    _conflicts_then_saves(
        store,
        lambda other: vsv.update_village(other, dataclasses.replace(village, name="改过的村名"), groups),
        lambda s, at: vsv.update_village(s, village, groups, read_at=at),
    )
    cadre = store.assistance.cadres(village.id)[0]
    _conflicts_then_saves(
        store,
        lambda other: asv.save_cadre(other, dataclasses.replace(cadre, phone="13700000000")),
        lambda s, at: asv.save_cadre(s, dataclasses.replace(cadre, unit="县教育局"), read_at=at),
    )
    hid = store.db.execute("SELECT household_id FROM plans ORDER BY id LIMIT 1").fetchone()[0]
    plan = store.db.execute("SELECT year FROM plans WHERE household_id = ? ORDER BY id LIMIT 1", [hid]).fetchone()[0]
    stored = store.assistance.plan(hid, plan)
    measures = store.assistance.measures(stored.id)
    _conflicts_then_saves(
        store,
        lambda other: asv.save_plan(other, stored, [*measures, Measure(category="health", content="另一窗口加的措施")]),
        lambda s, at: asv.save_plan(s, stored, measures, read_at=at),
    )
    config = store.config()
    _conflicts_then_saves(
        store,
        lambda other: asv.save_config(other, dataclasses.replace(config, notice_days=9)),
        lambda s, at: asv.save_config(s, dataclasses.replace(config, notice_days=8), read_at=at),
    )
