"""`make bench`, ordering (issue 10): the writes a buyer makes, timed over loopback against the
gunicorn portal, and 200 buyers of one client checking out at once against its credit limit.

- adding a line to a cart of 499 lines (it becomes the 500th), 20 times;
- a quick order of 200 pasted lines into an empty cart, 10 times;
- the checkout of a 50-line cart, 10 times;
- 200 buyers of the bench buyer's company, each signed in with one line in their cart,
  press "Place the order" at the same moment (threads released by a barrier) against a
  credit limit that holds about half of their orders: accepted, refused (with the credit
  limit's message), errors, and what the client owes afterwards against its limit.

The carts are set up by writing the database directly between the timed requests (not timed).
"""

from __future__ import annotations

import http.client
import re
import secrets
import sqlite3
import statistics
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def _post(port: int, path: str, form: dict, cookie: str, htmx: bool = False, timeout=120):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    if htmx:
        headers["HX-Request"] = "true"
    try:
        begun = time.perf_counter()
        connection.request("POST", path, body=urllib.parse.urlencode(form), headers=headers)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, body, (time.perf_counter() - begun) * 1000
    finally:
        connection.close()


def _get(port: int, path: str, cookie: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Cookie": cookie})
        return connection.getresponse().read().decode("utf-8", "replace")
    finally:
        connection.close()


def _token(port: int, path: str, cookie: str) -> str:
    page = _get(port, path, cookie)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if not found:
        raise SystemExit(f"bench: no CSRF token on {path}")
    return found.group(1)


def _figures(times: list[float]) -> dict:
    return {
        "runs": len(times),
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
    }


class Carts:
    """The bench buyer's carts, written straight into the database between timed requests."""

    def __init__(self, db_path: Path, data: dict):
        self.connection = sqlite3.connect(db_path, timeout=30, isolation_level=None)
        self.link = data["link"]
        one = self.connection.execute
        self.user = one(
            "SELECT id FROM user_account WHERE email = ?", (data["buyer_email"],)
        ).fetchone()[0]
        self.products = one(
            "SELECT id, sku FROM product WHERE supplier_id = ? AND active = 1 AND restricted = 0"
            " ORDER BY id LIMIT 600",
            (data["party"],),
        ).fetchall()

    def fill(self, user: int, count: int, start: int = 0) -> None:
        now = time.strftime("%Y-%m-%d %H:%M:%S")
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.execute(
                "DELETE FROM cart_line WHERE relationship_id = ? AND user_id = ?",
                (self.link, user),
            )
            self.connection.executemany(
                "INSERT INTO cart_line (relationship_id, user_id, product_id, quantity,"
                " seen_unit_minor, created_at, updated_at) VALUES (?, ?, ?, 1, NULL, ?, ?)",
                [
                    (self.link, user, pid, now, now)
                    for pid, _sku in self.products[start : start + count]
                ],
            )
            self.connection.execute("COMMIT")

    def terms(self, method: str, limit: int | None) -> None:
        self.connection.execute(
            "UPDATE relationship SET payment_method = ?, credit_limit_minor = ?, min_order_minor"
            " = NULL WHERE id = ?",
            (method, limit, self.link),
        )
        self.connection.execute("DELETE FROM account_entry WHERE relationship_id = ?", (self.link,))

    def owed(self) -> int:
        row = self.connection.execute(
            "SELECT COALESCE(SUM(amount_minor), 0) FROM account_entry WHERE relationship_id = ?",
            (self.link,),
        ).fetchone()
        return int(row[0])


def timed_operations(port: int, db_path: Path, data: dict, cookie: str, say) -> dict:
    """The three timed writes of issue 10 (milliseconds over loopback, server included)."""
    carts = Carts(db_path, data)
    base = f"/p/{data['buyer']}/suppliers/{data['link']}"
    carts.terms("on_delivery", None)
    carts.fill(carts.user, 0)
    token = _token(port, f"{base}/cart", cookie)
    results = {}

    adding = []
    for i in range(20):
        carts.fill(carts.user, 499)
        product, _sku = carts.products[500 + i % 50]
        status, _body, ms = _post(
            port,
            f"{base}/cart/add",
            {"csrf_token": token, "product_id": product, "quantity": "2"},
            cookie,
            htmx=True,
        )
        if status != 200:
            raise SystemExit(f"bench: adding to the cart answered {status}")
        adding.append(ms)
    results["add_to_500_line_cart"] = _figures(adding)

    quick = []
    lines = "\n".join(f"{sku}\t{1 + n % 5}" for n, (_pid, sku) in enumerate(carts.products[:200]))
    for _ in range(10):
        carts.fill(carts.user, 0)
        status, body, ms = _post(
            port, f"{base}/cart/quick", {"csrf_token": token, "lines": lines}, cookie, htmx=True
        )
        if status != 200 or "200 lines added" not in body:
            raise SystemExit(f"bench: the quick order answered {status}")
        quick.append(ms)
    results["quick_order_200_lines"] = _figures(quick)

    checkout = []
    for _ in range(10):
        carts.fill(carts.user, 50, start=100)
        form = {"csrf_token": token, "key": secrets.token_urlsafe(24)}
        status, _body, ms = _post(port, f"{base}/checkout", form, cookie)
        if status != 303:
            raise SystemExit(f"bench: the checkout of 50 lines answered {status}: {_body[:400]}")
        checkout.append(ms)
    results["checkout_50_lines"] = _figures(checkout)
    carts.fill(carts.user, 0)
    for name, figures in results.items():
        say(f"{name}: median {figures['median_ms']} ms, max {figures['max_ms']} ms")
    return results


def checkouts_at_once(port: int, base: str, tokens: list, cookies: list) -> tuple[list, float]:
    """Every buyer presses "Place the order" at the same moment: their answers, and seconds."""
    barrier = threading.Barrier(len(cookies))

    def press(i):
        barrier.wait()
        form = {"csrf_token": tokens[i], "key": secrets.token_urlsafe(24)}
        try:
            return _post(port, f"{base}/checkout", form, cookies[i], timeout=300)
        except OSError as error:
            return 0, str(error), 0.0

    begun = time.perf_counter()
    with ThreadPoolExecutor(len(cookies)) as pool:
        answers = list(pool.map(press, range(len(cookies))))
    return answers, time.perf_counter() - begun


def concurrent_checkouts(port: int, db_path: Path, data: dict, sign_in, say) -> dict:
    """200 buyers of one client press "Place the order" at once against its credit limit."""
    carts = Carts(db_path, data)
    base = f"/p/{data['buyer']}/suppliers/{data['link']}"
    emails = [data["buyer_email"]] + [
        f"bench-buyer-{i}-{data['party']}@example.com" for i in range(199)
    ]
    users = dict(
        carts.connection.execute(
            f"SELECT email, id FROM user_account WHERE email IN ({','.join('?' * len(emails))})",  # noqa: S608
            emails,
        ).fetchall()
    )
    emails = [email for email in emails if email in users]
    say(f"concurrency: signing in {len(emails)} buyers of one client")
    cookies = [sign_in(port, email, data["password"]) for email in emails]
    for email in emails:
        carts.fill(users[email], 1)
    tokens = [_token(port, f"{base}/cart", cookie) for cookie in cookies]
    # the price of that one line, as the checkout works it out: place one order first
    carts.terms("on_account", None)
    status, _b, _ms = _post(
        port,
        f"{base}/checkout",
        {"csrf_token": tokens[0], "key": secrets.token_urlsafe(24)},
        cookies[0],
    )
    one_order = carts.owed()
    if status != 303 or not one_order:
        raise SystemExit(f"bench: the first checkout answered {status}")
    limit = one_order * len(emails) // 2 + one_order // 2  # room for half of them
    carts.terms("on_account", limit)
    for email in emails:
        carts.fill(users[email], 1)
    answers, seconds = checkouts_at_once(port, base, tokens, cookies)
    accepted = sum(1 for status, _b, _ms in answers if status == 303)
    refused = [body for status, body, _ms in answers if 400 <= status < 500]
    clear = sum(1 for body in refused if "exceeds your credit limit" in body)
    errors = sum(1 for status, _b, _ms in answers if status >= 500 or status == 0)
    owed = carts.owed()
    result = {
        "buyers": len(emails),
        "accepted": accepted,
        "refused": len(refused),
        "refused_naming_the_credit_limit": clear,
        "errors": errors,
        "owed_minor": owed,
        "limit_minor": limit,
        "overspent": owed > limit,
        "expected_accepted": limit // one_order,
        "seconds": round(seconds, 2),
    }
    say(
        f"concurrency: {accepted} accepted, {len(refused)} refused ({clear} naming the credit "
        f"limit), {errors} errors in {seconds:.1f} s; owed {owed / 100:.2f} of {limit / 100:.2f}"
    )
    carts.terms("on_delivery", None)
    for email in emails:
        carts.fill(users[email], 0)
    return result
