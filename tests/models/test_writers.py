"""Two writers on one folder take turns: no "database is locked" and no lost write."""

import subprocess
import sys
import textwrap

from models.store import Store

WRITER = textwrap.dedent(
    """
    import sys
    from models.store import Store
    folder, me, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with Store.open(folder, actor=me) as store:
        village = store.villages.all()[0]
        for i in range(rounds):
            with store.operation():  # a transaction that reads first, then writes
                note = store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
                store.writer.update("villages", village.id, {"name": f"村{me}{i}号{note}"[:30]})
    print("done")
    """
)


def test_two_writer_processes_take_turns_without_failing(demo_store):
    folder = str(demo_store.folder)
    demo_store.close()
    before = Store.open(folder)
    start = before.db.execute("SELECT count(*) FROM audit_log WHERE table_name = 'villages'").fetchone()[0]
    before.close()
    rounds = 60
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, folder, who, str(rounds)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("甲", "乙")
    ]
    results = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0 and out.strip() == "done", err[-2000:]
    with Store.open(folder) as store:
        audited = store.db.execute("SELECT count(*) FROM audit_log WHERE table_name = 'villages'").fetchone()[0]
        actors = dict(
            store.db.execute(
                "SELECT actor, count(*) FROM audit_log WHERE table_name = 'villages' GROUP BY actor"
            ).fetchall()
        )
    assert audited - start == 2 * rounds  # every write of both is there
    assert actors.get("甲") == rounds and actors.get("乙") == rounds
