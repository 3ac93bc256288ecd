"""The data layer: SQLite settings, transactions, migrations and the demo data (F45)."""

import threading

import pytest

from models.base import db, open_database, transaction
from models.demo import DEMO_PASSWORD, DEMO_SIGNINS, DatabaseNotEmpty, load_demo
from models.migrations import pending, runner, upgrade
from models.parties import Membership, Party, User, authenticate

sqlite_only = pytest.mark.skipif(
    __import__("tests.databases", fromlist=["ON_POSTGRES"]).ON_POSTGRES,
    reason="SQLite settings and its BEGIN IMMEDIATE; the PostgreSQL lock is tested below",
)


@sqlite_only
def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(app):
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_transaction_rolls_back_everything_on_error(app, make_party):
    with pytest.raises(RuntimeError), transaction():
        Party.create(legal_name="Half", display_name="Half", country="NL")
        raise RuntimeError("killed mid-request")
    assert not Party.select().where(Party.display_name == "Half").exists()


@sqlite_only
def test_transaction_takes_the_write_lock_at_begin(app, tmp_path):
    """BEGIN IMMEDIATE: a second writer waits at BEGIN, before reading anything."""
    path = app.config["DATABASE_URL"][len("sqlite:///") :]
    other = open_database(f"sqlite:///{path}")
    other.connect()
    other.execute_sql("PRAGMA busy_timeout = 50")
    with transaction():
        Party.create(legal_name="Locked", display_name="Locked", country="NL")
        failed = []

        def try_write():
            try:
                other.execute_sql("BEGIN IMMEDIATE")
            except Exception as error:  # noqa: BLE001 - the lock error is what we expect
                failed.append(type(error).__name__)

        thread = threading.Thread(target=try_write)
        thread.start()
        thread.join()
        assert failed == ["OperationalError"]
    other.close()


def test_upgrade_from_an_older_schema_keeps_the_data(tmp_path):
    """A database made at the first schema version upgrades to the newest without losing rows."""
    database = open_database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    names = [m.name for m in runner(database).migrations()]
    assert len(names) >= 2, "this test needs a migration after the first"
    upgrade(database, target=names[0])
    assert pending(database) == names[1:]
    database.execute_sql(
        "INSERT INTO party (legal_name, display_name, customer_type, vat_number, country, language,"
        " currency, email, phone, notes, active, version, created_at)"
        " VALUES ('Old Co B.V.', 'Old Co', 'business', '', 'NL', 'nl', 'EUR', '', '', 'kept', 1, 1,"
        " '2024-01-01 00:00:00')"
    )
    database.execute_sql(
        "INSERT INTO user_account (email, name, password_hash, active, created_at)"
        " VALUES ('old@example.com', 'Old User', 'x', 1, '2024-01-01 00:00:00')"
    )
    applied = upgrade(database)
    assert applied == names[1:]
    assert pending(database) == []
    assert database.execute_sql("SELECT display_name, notes FROM party").fetchall() == [
        ("Old Co", "kept")
    ]
    assert database.execute_sql("SELECT email FROM user_account").fetchall() == [
        ("old@example.com",)
    ]
    assert upgrade(database) == []  # running again changes nothing
    database.close()


def test_cli_upgrade_and_demo_load(runner):
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and "up to date" in result.output
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0 and "Demo data loaded." in result.output
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0 and "left as it is" in result.output
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0
    result = runner.invoke(args=["demo", "signins"])
    assert "buyer@example.com" in result.output and DEMO_PASSWORD in result.output


def test_demo_sign_ins_exist_with_their_memberships(app):
    load_demo()
    for email, _who in DEMO_SIGNINS:
        assert authenticate(email, DEMO_PASSWORD).email == email

    def roles(email):
        user = User.get(User.email == email)
        return sorted(
            (m.party.display_name, m.role)
            for m in Membership.select().where(Membership.user == user)
        )

    assert roles("supplier-admin@example.com") == [("Brouwer Groothandel", "admin")]
    assert roles("supplier-staff@example.com") == [("Brouwer Groothandel", "employee")]
    buyer = roles("buyer@example.com")
    assert len(buyer) == 2 and {role for _p, role in buyer} == {"employee"}
    supervisor = roles("supervisor@example.com")
    assert supervisor[0][1] == "supervisor" and supervisor[0][0] in {p for p, _r in buyer}
    assert roles("both@example.com")[0][1] == "admin"
    assert len({p.country for p in Party.select()}) >= 5
    assert len({p.language for p in Party.select()}) == 5


def test_demo_never_loads_into_a_database_with_data(app, make_party):
    make_party()
    with pytest.raises(DatabaseNotEmpty):
        load_demo()
    assert Party.select().count() == 1


def test_demo_loader_is_off_outside_development(tmp_path, template_db):
    from tests.conftest import make_app

    app = make_app(tmp_path, template_db, DEMO_DATA_ALLOWED=False)
    result = app.test_cli_runner().invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0 and "off outside development" in result.output
    assert Party.select().count() == 0


# --- the transaction discipline on both databases ------------------------------------------


class _Deadlock(Exception):
    pgcode = "40P01"  # what psycopg2 sets on a deadlock


def test_retrying_runs_a_verb_again_after_a_deadlock(app):
    from models.base import retrying

    calls = []

    @retrying
    def verb():
        calls.append(1)
        with transaction():
            Party.create(legal_name="Try", display_name=f"Try {len(calls)}", country="NL")
            if len(calls) < 3:
                raise _Deadlock("deadlock detected")
        return len(calls)

    assert verb() == 3
    assert [p.display_name for p in Party.select().where(Party.legal_name == "Try")] == ["Try 3"]


def test_retrying_gives_up_after_a_few_attempts_and_never_retries_other_errors(app):
    from models.base import RETRIES, retrying

    calls = []

    @retrying
    def always_deadlocked():
        calls.append(1)
        raise _Deadlock("deadlock detected")

    with pytest.raises(_Deadlock):
        always_deadlocked()
    assert len(calls) == RETRIES
    calls.clear()

    @retrying
    def broken():
        calls.append(1)
        raise ValueError("a bug, not a conflict")

    with pytest.raises(ValueError):
        broken()
    assert len(calls) == 1


def test_a_unique_violation_becomes_the_fields_message(app, make_user):
    from models.base import DomainError
    from models.parties import EmailTaken, User

    make_user(email="one@example.com")
    with pytest.raises(EmailTaken) as refused, transaction():
        User.create(email="one@example.com", name="Two", password_hash="x")
    assert isinstance(refused.value, DomainError)
    assert refused.value.field == "email"
    assert "already exists" in str(refused.value)


def test_lock_serialises_two_writers_of_one_party(app, make_party):
    """transaction(lock=party): a second writer of the same party waits until the first
    commits (SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT … FOR UPDATE of the party row)."""
    import time

    party = make_party()
    db.close()
    order = []
    first_has_lock = threading.Event()

    def first():
        with transaction(lock=party):
            order.append("first in")
            first_has_lock.set()
            time.sleep(0.3)
            order.append("first out")
        db.close()

    def second():
        first_has_lock.wait()
        with transaction(lock=party):
            order.append("second in")
        db.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert order == ["first in", "first out", "second in"]


def test_opposite_lock_order_deadlocks_are_retried_on_postgresql(app, make_party):
    """Two verbs that lock two parties in opposite order: PostgreSQL kills one with a
    deadlock; @retrying runs it again and both succeed."""
    from models.base import is_sqlite, retrying

    if is_sqlite():
        pytest.skip("SQLite serialises every writer at BEGIN IMMEDIATE: no deadlock to provoke")
    a, b = make_party(), make_party()
    db.close()
    barrier = threading.Barrier(2)
    attempts = []

    @retrying
    def lock_both(first, second, name):
        attempts.append(name)
        with transaction(lock=first):
            if len(attempts) <= 2:
                barrier.wait(timeout=5)  # both hold their first lock before taking the second
            with transaction(lock=second):
                Party.update(notes=name).where(Party.id == first.id).execute()

    errors = []

    def run(first, second, name):
        try:
            lock_both(first, second, name)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            db.close()

    threads = [
        threading.Thread(target=run, args=(a, b, "ab")),
        threading.Thread(target=run, args=(b, a, "ba")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(attempts) == 3  # one of the two was retried once
    assert {Party.get_by_id(a.id).notes, Party.get_by_id(b.id).notes} == {"ab", "ba"}
