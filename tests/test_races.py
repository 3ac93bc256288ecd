"""Races: many parallel requests against a live server, on SQLite and on PostgreSQL.

Each case sends the same write 20 times at once (threads released together by a barrier) and
checks what a user and the database see: no 500, the rule held (one user per email, one
default address, no duplicate schedule names, no overlapping frames, one closed date per day,
one bank account). Run on PostgreSQL with DATABASE_URL (see README, "Tests").
"""

from __future__ import annotations

import datetime as dt
import http.client
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from werkzeug.serving import make_server

from models.base import db
from models.company import Address, BankAccount, add_address
from models.parties import User
from models.schedules import ClosedDate, DeliverySchedule, TimeFrame, create_schedule
from tests.factories import PASSWORD

PARALLEL = 20


@pytest.fixture
def live(app):
    """The test's app served on 127.0.0.1:<free port>, one thread per request."""
    app.config["THROTTLE_ENABLED"] = False
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=5)


def _post(port: int, path: str, data: dict, cookie: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    try:
        connection.request("POST", path, body=urlencode(data, doseq=True), headers=headers)
        response = connection.getresponse()
        cookies = [v.split(";", 1)[0] for k, v in response.getheaders() if k == "Set-Cookie"]
        return response.status, response.read().decode(), "; ".join(cookies)
    finally:
        connection.close()


def _signed_in(port: int, user) -> str:
    status, _body, cookie = _post(port, "/signin", {"email": user.email, "password": PASSWORD})
    assert status == 303, status
    return cookie


def _all_at_once(send, times: int = PARALLEL) -> list[int]:
    """Call send(i) `times` times in parallel, released together; the status codes."""
    barrier = threading.Barrier(times)

    def one(i):
        barrier.wait()
        return send(i)[0]

    with ThreadPoolExecutor(times) as pool:
        return list(pool.map(one, range(times)))


def _no_server_errors(statuses: list[int]) -> None:
    assert all(status < 500 for status in statuses), statuses


@pytest.fixture
def admin(app, make_party, make_member):
    party = make_party()
    user = make_member(party, "admin")
    db.close()  # the server threads open their own connections
    return party, user


def test_parallel_signups_with_one_email_make_one_account(live):
    form = {
        "name": "Race Runner",
        "email": "race@example.com",
        "password": "long-enough-password",
        "confirm": "long-enough-password",
        "company_name": "Race B.V.",
        "customer_type": "business",
        "country": "NL",
    }
    statuses = _all_at_once(lambda i: _post(live, "/signup", form))
    _no_server_errors(statuses)
    assert User.select().where(User.email == "race@example.com").count() == 1


def test_parallel_default_switches_keep_one_default(live, admin):
    party, user = admin
    addresses = [
        add_address(
            user,
            party,
            kind="delivery",
            street=f"Dock {i}",
            postal_code="1011 AB",
            city="Amsterdam",
            country="NL",
        )
        for i in range(4)
    ]
    db.close()
    cookie = _signed_in(live, user)
    statuses = _all_at_once(
        lambda i: _post(
            live,
            f"/p/{party.id}/company/addresses/{addresses[i % 4].id}/default",
            {},
            cookie,
        )
    )
    _no_server_errors(statuses)
    defaults = Address.select().where(
        Address.party == party,
        Address.kind == "delivery",
        Address.is_default == True,  # noqa: E712
    )
    assert defaults.count() == 1


def test_parallel_new_default_addresses_keep_one_default(live, admin):
    party, user = admin
    cookie = _signed_in(live, user)
    statuses = _all_at_once(
        lambda i: _post(
            live,
            f"/p/{party.id}/company/addresses",
            {
                "kind": "delivery",
                "street": f"Kade {i}",
                "postal_code": "1011 AB",
                "city": "Amsterdam",
                "country": "NL",
                "make_default": "y",
            },
            cookie,
        )
    )
    _no_server_errors(statuses)
    delivery = Address.select().where(Address.party == party, Address.kind == "delivery")
    assert delivery.count() == PARALLEL
    assert delivery.where(Address.is_default == True).count() == 1  # noqa: E712


@pytest.fixture
def schedule(admin):
    party, user = admin
    made = create_schedule(
        user, party, name="Weekdays", working_days=[1, 2, 3, 4, 5], cutoff=None, lead_days=1
    )
    db.close()
    return made


def test_parallel_schedules_with_one_name_store_one(live, admin):
    party, user = admin
    cookie = _signed_in(live, user)
    form = {"name": "Cold chain", "working_days": [1, 3, 5], "cutoff": "", "lead_days": "2"}
    statuses = _all_at_once(lambda i: _post(live, f"/p/{party.id}/schedules/", form, cookie))
    _no_server_errors(statuses)
    named = DeliverySchedule.select().where(
        DeliverySchedule.party == party, DeliverySchedule.name == "Cold chain"
    )
    assert named.count() == 1
    assert statuses.count(422) == PARALLEL - 1


def test_parallel_overlapping_frames_store_one(live, admin, schedule):
    party, user = admin
    cookie = _signed_in(live, user)
    statuses = _all_at_once(
        lambda i: _post(
            live,
            f"/p/{party.id}/schedules/{schedule.id}/frames",
            {"weekdays": [1, 2, 3], "start": f"08:{i:02d}", "end": "12:00"},
            cookie,
        )
    )
    _no_server_errors(statuses)
    assert TimeFrame.select().where(TimeFrame.schedule == schedule.id).count() == 1


def test_parallel_closed_dates_store_one(live, admin, schedule):
    party, user = admin
    cookie = _signed_in(live, user)
    statuses = _all_at_once(
        lambda i: _post(
            live,
            f"/p/{party.id}/schedules/{schedule.id}/closed",
            {"day": (dt.date.today() + dt.timedelta(days=30)).isoformat(), "reason": "Stocktake"},
            cookie,
        )
    )
    _no_server_errors(statuses)
    assert ClosedDate.select().where(ClosedDate.schedule == schedule.id).count() == 1


def test_parallel_first_bank_accounts_store_one(live, admin):
    party, user = admin
    cookie = _signed_in(live, user)
    statuses = _all_at_once(
        lambda i: _post(
            live,
            f"/p/{party.id}/company/bank",
            {"holder": f"Holder {i}", "iban": "NL91 ABNA 0417 1643 00", "bic": "ABNANL2A"},
            cookie,
        )
    )
    _no_server_errors(statuses)
    assert BankAccount.select().where(BankAccount.party == party).count() == 1
