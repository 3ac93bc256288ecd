"""The budget figures of issue 11, run by bench/run.py against the big bench database:

- 200 buyers of one client sharing one monthly budget press "Place the order" at once, with the
  budget's action *block* and then *require approval*: spending never above the limit; over it,
  every order refused (block) or waiting for approval; no 5xx;
- what one user's budget has spent, over 5,000 orders of theirs in the period: the query a
  checkout runs per budget (in-process, 200 runs; median and p95).
"""

from __future__ import annotations

import datetime as dt
import secrets
import statistics
import time
from pathlib import Path

from bench.ordering import Carts, _post, _token, checkouts_at_once


class Budgets:
    """A shared monthly budget of the bench buyer's company, written straight into the DB."""

    def __init__(self, carts: Carts, data: dict):
        self.carts, self.data = carts, data
        self.one = carts.connection.execute

    def add(self, action: str, limit: int, users: list[int]) -> int:
        currency = self.one("SELECT currency FROM party WHERE id = ?", (self.data["buyer"],))
        currency = currency.fetchone()[0]
        now = time.strftime("%Y-%m-%d %H:%M:%S")
        cursor = self.one(
            "INSERT INTO budget (owner_id, name, currency, period, limit_minor, action,"
            " created_at, version) VALUES (?, ?, ?, 'month', ?, ?, ?, 1)",
            (self.data["buyer"], f"bench {secrets.token_hex(4)}", currency, limit, action, now),
        )
        budget = cursor.lastrowid
        self.one(
            "INSERT INTO budget_party (budget_id, party_id) VALUES (?, ?)",
            (budget, self.data["buyer"]),
        )
        self.carts.connection.executemany(
            "INSERT INTO budget_user (budget_id, user_id) VALUES (?, ?)",
            [(budget, user) for user in users],
        )
        return budget

    def remove(self, budget: int) -> None:
        self.one("DELETE FROM budget_user WHERE budget_id = ?", (budget,))
        self.one("DELETE FROM budget_party WHERE budget_id = ?", (budget,))
        self.one("DELETE FROM order_budget WHERE budget_id = ?", (budget,))
        self.one("DELETE FROM budget WHERE id = ?", (budget,))

    def counted(self, budget: int, after_id: int) -> tuple[int, int, int]:
        """(spent, placed, waiting) of the budget's users' orders after order `after_id`."""
        row = self.one(
            "SELECT COALESCE(SUM(total_minor), 0),"
            " SUM(CASE WHEN status = 'placed' THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN status = 'awaiting_approval' THEN 1 ELSE 0 END)"
            " FROM sales_order WHERE id > ? AND status IN ('awaiting_approval',"
            " 'placed', 'confirmed', 'shipped', 'delivered') AND"
            " placed_by_id IN (SELECT user_id FROM budget_user WHERE budget_id = ?)",
            (after_id, budget),
        ).fetchone()
        return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)


def _spent_now(database_url: str, budget: int) -> int:
    """What the budget counts now, worked out by the portal itself (its window, its rules)."""
    from app import create_app

    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    with app.app_context():
        from models.budgets import Budget, spent_minor, window_of

        record = Budget.get_by_id(budget)
        return spent_minor(record, window_of(record))


def shared_budget_checkouts(port: int, db_path: Path, data: dict, sign_in, say) -> dict:
    """200 buyers sharing one monthly budget check out at once: with *block*, then with
    *require approval* (the client orders on delivery: only the budget limits them)."""
    carts = Carts(db_path, data)
    budgets = Budgets(carts, data)
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
    ids = [users[email] for email in emails]
    carts.terms("on_delivery", None)
    say(f"budgets: signing in {len(emails)} buyers sharing one budget")
    cookies = [sign_in(port, email, data["password"]) for email in emails]
    tokens = [_token(port, f"{base}/cart", cookie) for cookie in cookies]
    # one order first, without a budget: what one line comes to
    carts.fill(ids[0], 1)
    status, _b, _ms = _post(
        port,
        f"{base}/checkout",
        {"csrf_token": tokens[0], "key": secrets.token_urlsafe(24)},
        cookies[0],
    )
    row = carts.connection.execute(
        "SELECT total_minor FROM sales_order WHERE placed_by_id = ? ORDER BY id DESC LIMIT 1",
        (ids[0],),
    ).fetchone()
    if status != 303 or not row:
        raise SystemExit(f"bench: the first checkout answered {status}")
    one_order = int(row[0])
    results = {}
    for action in ("block", "approve"):
        # the orders of this run are those after the newest one now
        last_id = carts.connection.execute("SELECT COALESCE(MAX(id), 0) FROM sales_order")
        last_id = last_id.fetchone()[0]
        budget = budgets.add(action, 10**9, ids)
        # this month's earlier orders of these buyers count too: room for half of them above
        spent_before = _spent_now(f"sqlite:///{db_path}", budget)
        limit = spent_before + one_order * len(emails) // 2 + one_order // 2
        carts.connection.execute("UPDATE budget SET limit_minor = ? WHERE id = ?", (limit, budget))
        for user in ids:
            carts.fill(user, 1)
        answers, seconds = checkouts_at_once(port, base, tokens, cookies)
        accepted = sum(1 for status, _b, _ms in answers if status == 303)
        refused = [body for status, body, _ms in answers if 400 <= status < 500]
        naming = sum(1 for body in refused if "exceeds the budget" in body)
        errors = sum(1 for status, _b, _ms in answers if status >= 500 or status == 0)
        _spent, placed, waiting = budgets.counted(budget, last_id)
        placed_minor = placed * one_order
        results[action] = {
            "buyers": len(emails),
            "accepted": accepted,
            "refused": len(refused),
            "refused_naming_the_budget": naming,
            "placed": placed,
            "awaiting_approval": waiting,
            "errors": errors,
            "limit_minor": limit - spent_before,
            "placed_minor": placed_minor,
            "overspent": placed_minor > limit - spent_before,
            "seconds": round(seconds, 2),
        }
        say(
            f"budgets ({action}): {placed} placed, {waiting} awaiting approval, "
            f"{len(refused)} refused ({naming} naming the budget), {errors} errors in "
            f"{seconds:.1f} s; placed {placed_minor / 100:.2f} of {(limit - spent_before) / 100:.2f}"
        )
        # the waiting ones are set aside (cancelled), so the next run starts from nothing
        carts.connection.execute(
            "UPDATE sales_order SET status = 'cancelled' WHERE id > ? AND placed_by_id"
            " IN (SELECT user_id FROM budget_user WHERE budget_id = ?)",
            (last_id, budget),
        )
        budgets.remove(budget)
    for user in ids:
        carts.fill(user, 0)
    return results


def spending_of_one_user(db_path: Path, data: dict, database_url: str, say) -> dict:
    """What one user's monthly budget has spent when they placed 5,000 orders this month (the
    query each checkout runs per budget), in-process over 200 runs."""
    carts = Carts(db_path, data)
    budgets = Budgets(carts, data)
    user = carts.user
    now = dt.datetime.utcnow()
    first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    span = max((now - first).total_seconds(), 3600)
    connection = carts.connection
    template = connection.execute(
        "SELECT * FROM sales_order WHERE customer_id = ? LIMIT 1", (data["buyer"],)
    )
    columns = [c[0] for c in template.description]
    row = dict(zip(columns, template.fetchone(), strict=True))
    row.pop("id")
    keys = list(row)
    rows = []
    for n in range(5000):
        values = dict(row)
        values.update(
            placed_by_id=user,
            status="delivered",
            placed_at=(first + dt.timedelta(seconds=span * n / 5000)).strftime("%Y-%m-%d %H:%M:%S"),
            idempotency_key=f"bench-budget-{n}-{secrets.token_hex(4)}",
        )
        rows.append(tuple(values[k] for k in keys))
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        f"INSERT INTO sales_order ({', '.join(keys)}) VALUES ({', '.join('?' * len(keys))})",  # noqa: S608
        rows,
    )
    connection.execute("COMMIT")
    budget = budgets.add("block", 10**9, [user])
    try:
        from app import create_app

        app = create_app({"DATABASE_URL": database_url, "TESTING": True})
        with app.app_context():
            from models.budgets import Budget, spent_minor, window_of

            record = Budget.get_by_id(budget)
            window = window_of(record)
            spent = spent_minor(record, window)
            times = []
            for _ in range(200):
                begun = time.perf_counter()
                spent_minor(record, window)
                times.append((time.perf_counter() - begun) * 1000)
        times.sort()
        result = {
            "orders": 5000,
            "spent_minor": spent,
            "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(len(times) * 0.95)], 2),
        }
        say(
            f"budgets: one user's spending over 5,000 orders: median {result['median_ms']} ms, "
            f"p95 {result['p95_ms']} ms"
        )
        return result
    finally:
        budgets.remove(budget)
        connection.execute("DELETE FROM sales_order WHERE idempotency_key LIKE 'bench-budget-%'")
