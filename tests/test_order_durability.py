"""Durability of placing orders (issue 10): the server process is killed (SIGKILL) in the middle
of a burst of checkouts. Every order it acknowledged is in the database, whole; no order is
there in part (its lines, its history, its on-account entry and the emptied cart land
together or not at all). On SQLite and on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from models.base import db
from models.catalog import create_product
from models.ledger import AccountEntry
from models.orders import CartLine, Order, OrderEvent, OrderLine
from models.relationships import Relationship
from tests import factories
from tests.test_races import _post, _signed_in

ROOT = Path(__file__).resolve().parent.parent
BUYERS = 24
SERVE = """
import sys
from werkzeug.serving import run_simple
from app import create_app
app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "test-secret", "TESTING": True,
                  "WTF_CSRF_ENABLED": False, "THROTTLE_ENABLED": False,
                  "MAIL_OUTBOX_DIR": sys.argv[3]})
run_simple("127.0.0.1", int(sys.argv[2]), app, threaded=True)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(url: str, port: int, outbox: Path) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", SERVE, url, str(port), str(outbox)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise AssertionError("the server did not start")


def test_a_server_killed_mid_burst_loses_no_acknowledged_order_and_leaves_no_half_one(
    app, tmp_path
):
    supplier = factories.make_party(display_name="Brouwer", country="NL")
    admin = factories.make_member(supplier, "admin")
    products = [
        create_product(admin, supplier, sku=f"P-{i}", name_en=f"Product {i}", list_price=5 + i)
        for i in range(6)
    ]
    customer = factories.make_party(display_name="Kantoor", country="NL")
    buyers = [factories.make_member(customer, "employee") for _ in range(BUYERS)]
    link = Relationship.create(
        supplier=supplier, customer=customer, status="connected", payment_method="on_account"
    )
    for buyer in buyers:
        for product in products:
            CartLine.create(relationship=link, user=buyer, product=product, quantity=2)
    url = app.config["DATABASE_URL"]
    db.close()
    port = _free_port()
    server = _serve(url, port, tmp_path / "outbox")
    try:
        cookies = [_signed_in(port, buyer) for buyer in buyers]
        path = f"/p/{customer.id}/suppliers/{link.id}/checkout"
        acknowledged: list[str] = []
        barrier = threading.Barrier(BUYERS + 1)

        answered = threading.Semaphore(0)

        def press(i):
            barrier.wait()
            try:
                status, _body, _c = _post(
                    port, path, {"key": secrets.token_urlsafe(24)}, cookies[i]
                )
            except (OSError, http.client.HTTPException):
                return None  # the server died under this request: not acknowledged
            answered.release()
            return status

        def kill_soon():
            barrier.wait()
            for _ in range(3):  # three orders are through, the others queued or in the middle
                answered.acquire(timeout=30)
            os.killpg(server.pid, signal.SIGKILL)

        with ThreadPoolExecutor(BUYERS + 1) as pool:
            killer = pool.submit(kill_soon)
            answers = list(pool.map(press, range(BUYERS)))
            killer.result()
        acknowledged = [i for i, status in enumerate(answers) if status == 303]
        # the kill came in the middle: some orders were acknowledged, others never answered
        assert acknowledged and None in answers, answers
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    db.connect(reuse_if_open=True)
    orders = list(Order.select())
    by_user = {o.placed_by_id: o for o in orders}
    # no acknowledged order is lost
    for i in acknowledged:
        assert buyers[i].id in by_user, f"buyer {i}'s acknowledged order is missing"
    # no order is there in part
    for order in orders:
        assert OrderLine.select().where(OrderLine.order == order).count() == len(products)
        assert order.line_count == len(products)
        assert OrderEvent.select().where(OrderEvent.order == order).count() == 1
        entry = AccountEntry.get(AccountEntry.order_id == order.id)
        assert entry.amount_minor == order.total_minor
        assert not CartLine.select().where(CartLine.user == order.placed_by_id).exists()
    # a buyer without an order still has their whole cart
    for buyer in buyers:
        if buyer.id not in by_user:
            assert CartLine.select().where(CartLine.user == buyer).count() == len(products)
    assert OrderLine.select().count() == len(orders) * len(products)
    assert AccountEntry.select().count() == len(orders)
