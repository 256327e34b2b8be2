import os
import sqlite3
from pathlib import Path

import pytest

from models.errors import CorruptDatabase, DataFolderNotWritable, NewerDatabase, NotADatabase
from models.storage import sql
from models.storage.database import DB_NAME, open_database
from models.storage.folder_lock import OPEN_LOCK
from models.storage.migrations import KNOWN, migrations
from models.store import Store


def test_new_database_is_migrated_with_safe_pragmas(tmp_path):
    db = open_database(tmp_path / "new" / "deeper")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    names = [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations")]
    assert names == list(KNOWN) and names[0] == "0001_register"
    with pytest.raises(sql.IntegrityError):  # foreign keys are enforced
        db.execute(
            "INSERT INTO members (uuid, created_at, updated_at, household_id, village_id, name)"
            " VALUES ('u', 't', 't', 999, 999, 'x')"
        )


def test_reopening_applies_nothing_and_keeps_data(store, village):
    store.close()
    again = Store.open(store.folder)
    assert again.villages.by_code(village.code).name == "测试村"
    assert len(list(again.db["_sqlite_migrations"].rows)) == len(KNOWN)
    again.close()


def _refused_unchanged(folder: Path, error: type) -> None:
    path = folder / DB_NAME
    before = path.read_bytes()
    with pytest.raises(error):
        open_database(folder)
    assert path.read_bytes() == before
    # no -wal, no backup (the opener's lock file stays: removing a lock file others may wait on is a race)
    assert sorted(p.name for p in folder.iterdir() if p.name != OPEN_LOCK) == [DB_NAME]


def test_newer_database_is_refused_byte_for_byte(store):
    store.db.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('cundang', '0099_future', 'x')"
    )
    store.db.conn.commit()
    store.close()
    _refused_unchanged(store.folder, NewerDatabase)


def test_file_that_is_not_a_database_is_refused(tmp_path):
    (tmp_path / DB_NAME).write_text("姓名,身份证号\n张三,110105194912310021\n", encoding="utf-8")
    _refused_unchanged(tmp_path, NotADatabase)


def test_other_programs_sqlite_file_is_refused(tmp_path):
    conn = sqlite3.connect(tmp_path / DB_NAME)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    _refused_unchanged(tmp_path, NotADatabase)


def test_garbage_after_a_sqlite_header_is_refused(tmp_path):
    (tmp_path / DB_NAME).write_bytes(b"SQLite format 3\x00" + os.urandom(8000))
    _refused_unchanged(tmp_path, CorruptDatabase)


def test_damaged_schema_page_is_refused(store, village):
    store.close()
    path = store.folder / DB_NAME
    data = bytearray(path.read_bytes())
    data[100:4000] = os.urandom(3900)  # page 1 after the file header: the schema
    path.write_bytes(bytes(data))
    _refused_unchanged(store.folder, CorruptDatabase)


def test_folder_below_a_file_cannot_be_written(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(DataFolderNotWritable):
        open_database(blocker / "data")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_folder_is_refused(store):
    store.close()
    before = (store.folder / DB_NAME).read_bytes()
    store.folder.chmod(0o500)
    try:
        with pytest.raises(DataFolderNotWritable):
            open_database(store.folder)
    finally:
        store.folder.chmod(0o700)
    assert (store.folder / DB_NAME).read_bytes() == before


def test_a_file_from_the_first_release_is_backed_up_then_upgraded(tmp_path):
    """A data file with only the first migration (as 0.1 wrote it) keeps its data."""
    import sqlite3 as s3

    from sqlite_utils import Database

    folder = tmp_path / "old"
    folder.mkdir()
    old = Database(s3.connect(folder / DB_NAME))
    migrations.apply(old, stop_before=KNOWN[1])
    old.conn.close()
    conn = s3.connect(folder / DB_NAME)
    conn.execute(
        "INSERT INTO villages (uuid, created_at, updated_at, code, name) VALUES ('u1', 't', 't', '450123101201', '旧村')"
    )
    conn.commit()
    conn.close()
    db = open_database(folder)
    backups = list((folder / "备份").glob("*-upgrade.db"))  # a verified backup, kept by rotation
    assert len(backups) == 1
    copy = s3.connect(backups[0])
    assert copy.execute("SELECT name FROM villages").fetchone()[0] == "旧村"
    assert [r[0] for r in copy.execute("SELECT name FROM _sqlite_migrations")] == [KNOWN[0]]
    copy.close()
    assert db.execute("SELECT name FROM villages").fetchone()[0] == "旧村"
    assert [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations ORDER BY id")] == list(KNOWN)
    assert db.execute("SELECT count(*) FROM cadres").fetchone()[0] == 0
