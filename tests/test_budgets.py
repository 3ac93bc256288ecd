# ruff: noqa: F811 -- `shop` is a fixture imported from test_orders
"""Budgets and approvals (issue 11, F34, F35): what counts against a budget, the three actions
when an order would exceed it, the supervisors' queue with every check run again, and the
budget form's bad input and access."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest

from models.audit import AuditEntry
from models.base import utcnow
from models.budgets import Budget, BudgetParty, BudgetUser, OrderBudget, check_budgets, spent_minor
from models.ledger import AccountEntry, owed_minor
from models.orders import CartLine, Order, OrderEvent
from tests import factories
from tests.conftest import text_of
from tests.test_orders import add, base, checkout, shop  # noqa: F401 - shop is a fixture

COFFEE_TOTAL = 1210  # one coffee: €10.00 + 21 % VAT


def make_budget(shop, limit_minor, period="month", action="block", users=None, **fields):
    budget = Budget.create(
        owner=shop["customer"],
        name=fields.pop("name", f"Budget {secrets.token_hex(3)}"),
        currency=fields.pop("currency", "EUR"),
        period=period,
        limit_minor=limit_minor,
        action=action,
        **fields,
    )
    BudgetParty.create(budget=budget, party=shop["customer"])
    for user in users or [shop["buyer"]]:
        BudgetUser.create(budget=budget, user=user)
    return budget


def make_order(shop, total_minor, user=None, status="placed", placed_at=None, **fields):
    """An order as placing it leaves it (the amounts as given)."""
    return Order.create(
        relationship=shop["link"],
        supplier=shop["supplier"],
        customer=fields.pop("customer", shop["customer"]),
        status=status,
        placed_by=user or shop["buyer"],
        placed_at=placed_at or utcnow(),
        currency=fields.pop("currency", "EUR"),
        payment_method="invoice",
        subtotal_minor=total_minor,
        net_minor=total_minor,
        vat_minor=0,
        total_minor=total_minor,
        idempotency_key=secrets.token_urlsafe(16),
    )


def mails(tmp_path) -> list[str]:
    return [m.read_text() for m in (tmp_path / "outbox").glob("*.eml")]


def buy(client, shop, quantity="1"):
    add(client, shop, shop["coffee"], quantity)
    return checkout(client, shop)[0]


# --- what counts -----------------------------------------------------------------------------


def test_a_period_budget_counts_its_users_orders_in_its_window_parties_and_currency(shop):
    budget = make_budget(shop, 100_00, users=[shop["buyer"], shop["boss"]])
    now = utcnow()
    window = (now - dt.timedelta(days=1), now + dt.timedelta(days=1))
    make_order(shop, 1_001)
    make_order(shop, 2_002, user=shop["boss"])  # shared between its users
    make_order(shop, 303, status="awaiting_approval")  # waiting counts
    make_order(shop, 5_000, status="cancelled")  # not cancelled or rejected ones
    make_order(shop, 5_000, status="rejected")
    make_order(shop, 5_000, user=shop["staff"])  # another user
    make_order(shop, 5_000, currency="USD")  # another currency
    make_order(shop, 5_000, placed_at=now - dt.timedelta(days=3))  # before the window
    make_order(shop, 5_000, customer=factories.make_party())  # for a party it does not cover
    assert spent_minor(budget, window) == 1_001 + 2_002 + 303
    first = make_order(shop, 10)
    assert spent_minor(budget, window, exclude_order_id=first.id) == 1_001 + 2_002 + 303


def test_the_checks_name_each_touched_budget_and_its_verdict(shop):
    monthly = make_budget(shop, 50_00, action="approve")
    per_order = make_budget(shop, 20_00, period="order", action="warn")
    make_budget(shop, 1, users=[shop["boss"]])  # another user's: not touched
    make_budget(shop, 1, currency="USD")  # another currency: not touched
    make_order(shop, 40_00)
    checks = {
        c.budget.id: c for c in check_budgets(shop["buyer"].id, shop["customer"].id, "EUR", 15_00)
    }
    assert set(checks) == {monthly.id, per_order.id}
    assert checks[monthly.id].spent_minor == 40_00 and checks[monthly.id].outcome == "approval"
    assert checks[monthly.id].left_minor == -5_00
    assert checks[per_order.id].spent_minor == 0 and checks[per_order.id].outcome == "within"


def test_a_one_off_budget_counts_only_while_its_days_run(shop):
    today = utcnow().date()
    make_budget(
        shop,
        1,
        period="one_off",
        starts_on=today + dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=20),
    )
    assert check_budgets(shop["buyer"].id, shop["customer"].id, "EUR", 99_00) == []


# --- the three actions at checkout --------------------------------------------------------------


def test_a_block_budget_refuses_the_order_naming_the_budget_and_amounts(client, login, shop):
    make_budget(shop, 20_00, name="Kitchen")
    make_order(shop, 15_00)
    login(shop["buyer"])
    add(client, shop, shop["coffee"])
    page = text_of(client.get(f"{base(shop)}/checkout"))
    assert "Kitchen" in page and "the order will be refused" in page
    response, _key = checkout(client, shop)
    assert response.status_code == 422
    text = text_of(response)
    assert "exceeds the budget “Kitchen”" in text
    assert "limit €20.00, spent €15.00, this order €12.10, left €5.00" in text
    assert Order.select().count() == 1 and CartLine.select().count() == 1  # nothing written


def test_a_warn_budget_lets_the_order_through_with_the_warning_on_it(client, login, shop):
    make_budget(shop, 10_00, period="order", action="warn", name="Per order")
    login(shop["buyer"])
    response = buy(client, shop)
    assert response.status_code == 303
    order = Order.get()
    assert order.status == "placed"
    check = OrderBudget.get(OrderBudget.order_id == order.id)
    assert (check.outcome, check.amount_minor, check.limit_minor) == ("warned", COFFEE_TOTAL, 10_00)
    page = text_of(client.get(response.headers["Location"]))
    assert "Per order: Over the budget: accepted with a warning" in page


def test_an_order_over_an_approval_budget_waits_and_a_supervisor_places_it(
    client, login, shop, tmp_path
):
    make_budget(shop, 10_00, action="approve", name="Monthly")
    shop["link"].payment_method = "on_account"
    shop["link"].save()
    login(shop["buyer"])
    response = buy(client, shop)
    assert response.status_code == 303
    order = Order.get()
    assert order.status == "awaiting_approval"
    assert owed_minor(shop["link"].id) == 0  # nothing owed until it is placed
    assert CartLine.select().count() == 0
    page = text_of(client.get(response.headers["Location"]))
    assert "waits for a supervisor's approval" in page and "Awaiting approval" in page
    assert any("waits for approval" in text for text in mails(tmp_path))
    # the buyer (an employee) has no queue
    assert client.get(f"/p/{shop['customer'].id}/approvals/").status_code == 403
    client.post("/signout")
    login(shop["boss"])
    queue = text_of(client.get(f"/p/{shop['customer'].id}/approvals/"))
    assert order.number in queue
    response = client.post(
        f"/p/{shop['customer'].id}/approvals/",
        data={"order_ids": [order.id], "decision": "approve", "comment": "Fine this once"},
    )
    assert response.status_code == 303
    order = Order.get_by_id(order.id)
    assert order.status == "placed" and order.approved_by_id == shop["boss"].id
    assert owed_minor(shop["link"].id) == COFFEE_TOTAL  # placed: now on account
    assert (
        OrderEvent.select()
        .where(OrderEvent.order == order, OrderEvent.note == "Fine this once")
        .exists()
    )
    assert (
        AuditEntry.select()
        .where(AuditEntry.area == "order", AuditEntry.action == "approve")
        .count()
        == 1
    )
    assert any("is now “Placed”" in text for text in mails(tmp_path))
    # approving it again: it no longer waits
    again = client.post(
        f"/p/{shop['customer'].id}/approvals/",
        data={"order_ids": [order.id], "decision": "approve"},
    )
    assert again.status_code == 409 and "no longer waits for approval" in text_of(again)
    assert AccountEntry.select().count() == 1


def test_approval_reruns_the_checks_and_reports_a_credit_limit_reached_meanwhile(
    client, login, shop, tmp_path
):
    make_budget(shop, 10_00, action="approve")
    shop["link"].payment_method = "on_account"
    shop["link"].credit_limit_minor = 20_00
    shop["link"].save()
    login(shop["buyer"])
    buy(client, shop)
    order = Order.get()
    assert order.status == "awaiting_approval"
    AccountEntry.create(
        relationship=shop["link"], kind="order", amount_minor=15_00, entry_date=utcnow().date()
    )  # another order was placed meanwhile
    client.post("/signout")
    login(shop["boss"])
    response = client.post(
        f"/p/{shop['customer'].id}/approvals/",
        data={"order_ids": [order.id], "decision": "approve"},
    )
    assert response.status_code == 409
    assert "exceeds your credit limit" in text_of(response)
    assert Order.get_by_id(order.id).status == "awaiting_approval"
    assert owed_minor(shop["link"].id) == 15_00  # nothing of the approval written
    note = OrderEvent.select().where(OrderEvent.order == order).order_by(OrderEvent.id.desc()).get()
    assert note.status == "approval_failed"
    # the buyer reads it in the history, in their language (the figures too)
    client.post("/signout")
    login(shop["buyer"])
    shown = text_of(client.get(f"/p/{shop['customer'].id}/orders/{order.id}"))
    assert "Approval refused by a check" in shown
    assert "This order exceeds your credit limit: limit €20.00, owed €15.00" in shown
    shop["buyer"].language = "nl"
    shop["buyer"].save()
    shown = text_of(client.get(f"/p/{shop['customer'].id}/orders/{order.id}"))
    assert "€ 20,00" in shown and "exceeds" not in shown
    assert any("could not be approved yet" in text for text in mails(tmp_path))


def test_nobody_approves_their_own_order_and_rejecting_needs_a_reason(client, login, shop):
    make_budget(shop, 1, action="approve", users=[shop["boss"]])
    login(shop["boss"])
    buy(client, shop)
    order = Order.get()
    assert order.status == "awaiting_approval"
    url = f"/p/{shop['customer'].id}/approvals/"
    own = client.post(url, data={"order_ids": [order.id], "decision": "approve"})
    assert own.status_code == 409 and "cannot approve your own order" in text_of(own)
    assert Order.get_by_id(order.id).status == "awaiting_approval"
    admin = factories.make_member(shop["customer"], "admin")
    client.post("/signout")
    login(admin)
    no_reason = client.post(url, data={"order_ids": [order.id], "decision": "reject"})
    assert no_reason.status_code == 422 and "Say why" in text_of(no_reason)
    assert Order.get_by_id(order.id).status == "awaiting_approval"
    none_ticked = client.post(url, data={"decision": "approve"})
    assert none_ticked.status_code == 422 and "Tick at least one order" in text_of(none_ticked)
    done = client.post(
        url, data={"order_ids": [order.id], "decision": "reject", "comment": "Too much"}
    )
    assert done.status_code == 303
    order = Order.get_by_id(order.id)
    assert order.status == "rejected" and order.cancel_reason == "Too much"


def test_several_orders_are_approved_at_once(client, login, shop):
    make_budget(shop, 1, action="approve")
    login(shop["buyer"])
    for _ in range(3):
        buy(client, shop)
    ids = [o.id for o in Order.select()]
    assert len(ids) == 3
    client.post("/signout")
    login(shop["boss"])
    response = client.post(
        f"/p/{shop['customer'].id}/approvals/", data={"order_ids": ids, "decision": "approve"}
    )
    assert response.status_code == 303
    assert {o.status for o in Order.select()} == {"placed"}


def test_a_supervisor_of_another_party_cannot_approve(client, login, shop):
    make_budget(shop, 1, action="approve")
    login(shop["buyer"])
    buy(client, shop)
    order = Order.get()
    other = factories.make_party()
    stranger = factories.make_member(other, "supervisor")
    client.post("/signout")
    login(stranger)
    response = client.post(
        f"/p/{other.id}/approvals/", data={"order_ids": [order.id], "decision": "approve"}
    )
    assert response.status_code == 404
    assert (
        client.post(
            f"/p/{shop['customer'].id}/approvals/",
            data={"order_ids": [order.id], "decision": "approve"},
        ).status_code
        == 404
    )
    assert Order.get_by_id(order.id).status == "awaiting_approval"


# --- keeping budgets -----------------------------------------------------------------------------


def form(shop, **values):
    data = {
        "name": "Office supplies",
        "currency": "EUR",
        "limit": "500",
        "period": "month",
        "action": "approve",
        "party_ids": [str(shop["customer"].id)],
        "user_ids": [str(shop["buyer"].id), str(shop["boss"].id)],
    }
    data.update(values)
    return data


def test_a_supervisor_adds_a_budget_and_sees_its_spending(client, login, shop):
    login(shop["boss"])
    url = f"/p/{shop['customer'].id}/budgets/"
    response = client.post(url, data=form(shop, limit="500,00"))
    assert response.status_code == 303
    budget = Budget.get()
    assert (budget.limit_minor, budget.period, budget.action) == (500_00, "month", "approve")
    assert {u.user_id for u in BudgetUser.select()} == {shop["buyer"].id, shop["boss"].id}
    make_order(shop, 123_45)
    page = text_of(client.get(url))
    assert (
        "Office supplies" in page and "€123.45 of €500.00 spent" in page and "€376.55 left" in page
    )
    detail = text_of(client.get(f"{url}{budget.id}"))
    assert "€123.45" in detail and shop["buyer"].name in detail
    assert AuditEntry.select().where(AuditEntry.area == "budget").count() == 1


@pytest.mark.parametrize(
    "values, field_text",
    [
        ({"limit": "-1"}, "cannot be negative"),
        ({"limit": "0"}, "above zero"),
        ({"limit": "abc"}, "Enter an amount"),
        ({"currency": "XXX"}, "Choose a currency from the list."),
        ({"name": ""}, "Give the budget a name."),
        ({"period": "fortnight"}, "Choose a period from the list."),
        ({"action": "shrug"}, "Choose what happens"),
        (
            {"period": "one_off", "starts_on": "2027-02-01", "ends_on": "2027-01-01"},
            "cannot end before it starts",
        ),
        ({"user_ids": []}, "Choose at least one user."),
    ],
)
def test_bad_budgets_are_refused_on_their_field_and_nothing_is_written(
    client, login, shop, values, field_text
):
    login(shop["boss"])
    response = client.post(f"/p/{shop['customer'].id}/budgets/", data=form(shop, **values))
    assert response.status_code == 422
    assert field_text in text_of(response)
    assert Budget.select().count() == 0 and BudgetUser.select().count() == 0


def test_a_budget_cannot_take_users_or_parties_of_others(client, login, shop):
    login(shop["boss"])
    other = factories.make_party()
    stranger = factories.make_member(other, "admin")
    url = f"/p/{shop['customer'].id}/budgets/"
    response = client.post(url, data=form(shop, user_ids=[str(stranger.id)]))
    assert response.status_code == 422 and "Only members of the companies" in text_of(response)
    response = client.post(url, data=form(shop, party_ids=[str(other.id)]))
    assert response.status_code == 422 and "supervisor or admin" in text_of(response)
    assert Budget.select().count() == 0


def test_a_budget_shared_with_a_second_company_the_same_admin_manages(client, login, shop):
    faculty = factories.make_party(display_name="Faculty of Law")
    factories.make_member(faculty, "admin", user=shop["boss"])
    lawyer = factories.make_member(faculty, "employee")
    login(shop["boss"])
    response = client.post(
        f"/p/{shop['customer'].id}/budgets/",
        data=form(
            shop,
            party_ids=[str(shop["customer"].id), str(faculty.id)],
            user_ids=[str(shop["buyer"].id), str(lawyer.id)],
        ),
    )
    assert response.status_code == 303
    budget = Budget.get()
    assert {p.party_id for p in BudgetParty.select()} == {shop["customer"].id, faculty.id}
    # the faculty sees it too, read-only (kept by its owner)
    page = text_of(client.get(f"/p/{faculty.id}/budgets/"))
    assert "Office supplies" in page and "Shared with this company" in page
    assert client.get(f"/p/{faculty.id}/budgets/{budget.id}/edit").status_code == 404


def test_employees_cannot_keep_budgets_and_other_parties_budgets_are_404(client, login, shop):
    budget = make_budget(shop, 100)
    login(shop["buyer"])
    url = f"/p/{shop['customer'].id}/budgets/"
    assert client.get(url).status_code == 403
    assert client.post(url, data=form(shop)).status_code == 403
    assert client.post(f"{url}{budget.id}/delete").status_code == 403
    other = factories.make_party()
    client.post("/signout")
    login(factories.make_member(other, "admin"))
    assert client.get(f"/p/{other.id}/budgets/{budget.id}").status_code == 404
    assert client.post(f"/p/{other.id}/budgets/{budget.id}/delete").status_code == 404
    assert Budget.select().count() == 1


def test_a_stale_budget_form_is_refused(client, login, shop):
    budget = make_budget(shop, 100_00)
    login(shop["boss"])
    url = f"/p/{shop['customer'].id}/budgets/{budget.id}"
    response = client.post(url, data=form(shop, version="0", limit="200"))
    assert response.status_code == 409
    assert Budget.get_by_id(budget.id).limit_minor == 100_00
    response = client.post(url, data=form(shop, version=str(budget.version), limit="200"))
    assert response.status_code == 303
    assert Budget.get_by_id(budget.id).limit_minor == 200_00


def test_the_demo_has_budgets_and_orders_waiting_for_the_supervisor(app):
    from models.approvals import approve, queue_of
    from models.demo import load_demo
    from models.parties import Party, User

    load_demo()
    lumiere = Party.get(Party.display_name == "Café Lumière")
    claire = User.get(User.email == "supervisor@example.com")
    buyer = User.get(User.email == "buyer@example.com")
    names = {b.name: b for b in Budget.select()}
    assert {"Par commande", "Cuisine, par mois", "Presupuesto anual"} <= set(names)
    assert {
        u.user_id
        for u in BudgetUser.select().where(BudgetUser.budget == names["Cuisine, par mois"])
    } == {buyer.id, User.get(User.email == "lumiere-admin@example.com").id}
    waiting = queue_of(lumiere)
    assert len(waiting) == 2 and {o.placed_by_id for o in waiting} == {buyer.id}
    for order in waiting:  # each went over the monthly budget
        outcomes = {
            c.budget_name: c.outcome
            for c in OrderBudget.select().where(OrderBudget.order_id == order.id)
        }
        assert outcomes["Cuisine, par mois"] == "approval"
    first, second = waiting
    assert approve(claire, lumiere, first.id).done
    problem = approve(claire, lumiere, second.id)  # the first used up the credit left
    assert not problem.done and problem.problem.rule == "credit_limit"


def test_orders_waiting_or_not_approved_stay_with_the_client(client, login, shop):
    make_budget(shop, 1, action="approve")
    login(shop["buyer"])
    buy(client, shop)
    buy(client, shop)
    waiting, refused = list(Order.select().order_by(Order.id))
    client.post("/signout")
    login(shop["boss"])
    client.post(
        f"/p/{shop['customer'].id}/approvals/",
        data={"order_ids": [refused.id], "decision": "reject", "comment": "Not now"},
    )
    client.post("/signout")
    login(shop["admin"])
    sales = f"/p/{shop['supplier'].id}/sales/"
    for order in (waiting, refused):
        assert order.number not in text_of(client.get(sales))
        assert client.get(f"{sales}{order.id}").status_code == 404
        assert order.number not in text_of(client.get(f"{sales}?q={order.number}"))
    client.post("/signout")
    login(shop["boss"])
    client.post(
        f"/p/{shop['customer'].id}/approvals/",
        data={"order_ids": [waiting.id], "decision": "approve"},
    )
    client.post("/signout")
    login(shop["admin"])
    assert waiting.number in text_of(client.get(sales))  # placed: now the supplier's
    assert client.get(f"{sales}{waiting.id}").status_code == 200


def test_a_budget_is_edited_in_the_readers_locale(client, login, shop):
    budget = make_budget(shop, 1_234_50)
    shop["boss"].language = "de"
    shop["boss"].save()
    login(shop["boss"])
    page = client.get(f"/p/{shop['customer'].id}/budgets/{budget.id}/edit")
    assert page.status_code == 200
    assert 'value="1.234,5"' in page.get_data(as_text=True) or 'value="1.234,50"' in page.get_data(
        as_text=True
    )
