"""Loyalty points (issue 11, F38): the rule (whole points, rounded down, the client's own rate
over its group's), the hooks of the order's status change (credit once, reverse once), the
balance as a sum on both databases, the supplier setting rates (bad input refused, nothing
written), the buyer's Points tab, and who may do what."""

from __future__ import annotations

import secrets

import pytest
from peewee import IntegrityError

from models import loyalty
from models.audit import AuditEntry
from models.base import DomainError, transaction
from models.loyalty import (
    LoyaltyEntry,
    LoyaltyRate,
    balance,
    on_cancelled,
    on_delivered,
    points_for,
    rate_of,
    set_rate,
)
from models.orders import Order
from models.relationships import CustomerGroup, Relationship
from tests import factories
from tests.conftest import text_of


@pytest.fixture
def shop(app):
    supplier = factories.make_party(display_name="Brouwer", language="en", country="NL")
    customer = factories.make_party(display_name="Kantoor", country="NL")
    return {
        "supplier": supplier,
        "admin": factories.make_member(supplier, "admin"),
        "boss": factories.make_member(supplier, "supervisor"),
        "staff": factories.make_member(supplier, "employee"),
        "customer": customer,
        "buyer": factories.make_member(customer, "employee"),
        "link": Relationship.create(supplier=supplier, customer=customer, status="connected"),
    }


def order_of(shop, net_minor: int, status: str = "shipped") -> Order:
    """An order of the shop's client with this net amount (VAT 21 % on top)."""
    vat = net_minor * 21 // 100
    return Order.create(
        relationship=shop["link"],
        supplier=shop["supplier"],
        customer=shop["customer"],
        status=status,
        currency="EUR",
        payment_method="on_delivery",
        subtotal_minor=net_minor,
        net_minor=net_minor,
        vat_minor=vat,
        total_minor=net_minor + vat,
        idempotency_key=secrets.token_hex(8),
    )


def client_url(shop) -> str:
    return f"/p/{shop['supplier'].id}/clients/{shop['link'].id}"


def points_url(shop) -> str:
    return f"/p/{shop['customer'].id}/suppliers/{shop['link'].id}/points"


# --- the rule ------------------------------------------------------------------------------


def test_points_are_whole_points_of_the_net_amount_rounded_down():
    assert points_for(12_345, 1_000) == 12  # €123.45 at 1 point per €10.00
    assert points_for(9_999, 1_000) == 9  # €99.99: 9 points, the €9.99 left earns none
    assert points_for(999, 1_000) == 0
    assert points_for(10_000, 1_000) == 10
    assert points_for(1_000, 750) == 1  # €10.00 at 1 point per €7.50: the rest is not kept
    assert points_for(5_000, None) == 0  # no programme
    assert points_for(5_000, 0) == 0
    assert points_for(0, 1_000) == 0
    assert points_for(-500, 100) == 0


def test_a_clients_own_rate_wins_over_its_groups(shop):
    link, supplier, admin = shop["link"], shop["supplier"], shop["admin"]
    assert rate_of(link) is None
    horeca = CustomerGroup.create(supplier=supplier, name="Horeca", code="HOR")
    link.group = horeca
    link.save()
    set_rate(admin, supplier, horeca, "10.00")
    rate = rate_of(link)
    assert (rate.amount_minor, rate.source, rate.group_name) == (1_000, "group", "Horeca")
    set_rate(admin, supplier, link, "5")
    assert (rate_of(link).amount_minor, rate_of(link).source) == (500, "relationship")
    set_rate(admin, supplier, link, "")  # cleared: the group's rate applies again
    assert rate_of(link).source == "group"
    set_rate(admin, supplier, horeca, "")
    assert rate_of(link) is None
    # another supplier's group rate never applies
    other = factories.make_party()
    theirs = CustomerGroup.create(supplier=other, name="X", code="X")
    LoyaltyRate.create(supplier=other, group=theirs, amount_minor=100)
    assert rate_of(link) is None


# --- the hooks -----------------------------------------------------------------------------


def test_delivery_credits_the_points_once_and_cancelling_reverses_them_once(shop):
    set_rate(shop["admin"], shop["supplier"], shop["link"], "10")
    order = order_of(shop, 24_599)  # €245.99 net -> 24 points
    with transaction(lock=shop["link"]):
        first = on_delivered(order, shop["staff"])
        again = on_delivered(order, shop["staff"])  # a retried request
    assert first.id == again.id and first.points == 24
    assert (first.amount_minor, first.rate_minor, first.kind) == (24_599, 1_000, "earned")
    assert balance(shop["link"].id) == 24
    assert LoyaltyEntry.select().count() == 1
    with transaction(lock=shop["link"]):
        reversal = on_cancelled(order, shop["admin"])
        on_cancelled(order, shop["admin"])
    assert reversal.points == -24 and reversal.kind == "reversed"
    assert LoyaltyEntry.select().count() == 2
    assert balance(shop["link"].id) == 0


def test_the_rate_in_force_at_delivery_counts(shop):
    set_rate(shop["admin"], shop["supplier"], shop["link"], "10")
    order = order_of(shop, 10_000)
    set_rate(shop["admin"], shop["supplier"], shop["link"], "20")  # changed before delivery
    with transaction(lock=shop["link"]):
        assert on_delivered(order).points == 5


def test_nothing_is_earned_without_a_programme_or_below_one_point(shop):
    order = order_of(shop, 50_000)
    with transaction(lock=shop["link"]):
        assert on_delivered(order) is None  # no rate
    set_rate(shop["admin"], shop["supplier"], shop["link"], "10")
    small = order_of(shop, 999)
    with transaction(lock=shop["link"]):
        assert on_delivered(small) is None  # €9.99: not one whole point
    assert LoyaltyEntry.select().count() == 0


def test_an_order_cancelled_before_delivery_reverses_nothing(shop):
    set_rate(shop["admin"], shop["supplier"], shop["link"], "10")
    order = order_of(shop, 50_000, status="cancelled")
    with transaction(lock=shop["link"]):
        assert on_cancelled(order, shop["admin"]) is None
    assert LoyaltyEntry.select().count() == 0 and balance(shop["link"].id) == 0


def test_a_race_the_unique_index_lost_returns_the_entry_already_there(shop, monkeypatch):
    set_rate(shop["admin"], shop["supplier"], shop["link"], "10")
    order = order_of(shop, 30_000)
    with transaction(lock=shop["link"]):
        on_delivered(order)
    # a second delivery that read "nothing earned yet" before the first one wrote
    real = loyalty._entry_of
    calls = []

    def stale_then_real(order_id, kind):
        calls.append(kind)
        return None if len(calls) == 1 else real(order_id, kind)

    monkeypatch.setattr(loyalty, "_entry_of", stale_then_real)
    with transaction(lock=shop["link"]):
        entry = on_delivered(order)
        # the caller's transaction goes on after the savepoint that lost
        assert Order.get_by_id(order.id).net_minor == 30_000
    assert entry.points == 30 and LoyaltyEntry.select().count() == 1
    with pytest.raises(IntegrityError), transaction():  # the index itself refuses a second one
        LoyaltyEntry.create(relationship=shop["link"], kind="earned", points=30, order_id=order.id)


def test_balance_is_the_exact_sum_of_the_entries(shop):
    """Integers summed in SQL: exact on SQLite and PostgreSQL (DATABASE_URL)."""
    link = shop["link"]
    set_rate(shop["admin"], shop["supplier"], link, "0.01")  # a point per cent
    orders = [order_of(shop, net) for net in (1_999_999, 7, 123_456)]
    with transaction(lock=link):
        for order in orders:
            on_delivered(order)
        on_cancelled(orders[1])
    loyalty.adjust(shop["boss"], shop["supplier"], link, "-1000", "Gift voucher given")
    loyalty.adjust(shop["boss"], shop["supplier"], link, "+250", "Welcome bonus")
    assert balance(link.id) == 1_999_999 + 123_456 - 1_000 + 250
    assert balance(factories.make_party().id) == 0  # no entries: 0, not None


def test_delivering_credits_points_through_change_status(shop):
    """WIRING: fails until models/orders.py change_status calls loyalty.on_delivered (the
    lead wires it); the hook itself is tested above."""
    from models.orders import change_status

    set_rate(shop["admin"], shop["supplier"], shop["link"], "10")
    order = order_of(shop, 45_000)
    change_status(shop["staff"], shop["supplier"], order.id, "deliver", lambda role: True)
    assert balance(shop["link"].id) == 45


# --- the supplier sets the rate ------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, message",
    [
        ("-5", "The amount cannot be negative."),
        ("\u22125", "The amount cannot be negative."),  # a typographic minus
        ("abc", "Enter an amount in digits"),
        ("10.005", "Use at most 2 decimals"),
        ("0", "The amount per point must be above zero."),
        ("1000000", "Use at most 100000 EUR per point."),
    ],
)
def test_a_bad_rate_is_refused_on_its_field_and_nothing_is_written(
    client, login, shop, typed, message
):
    login(shop["boss"])
    audits = AuditEntry.select().count()
    response = client.post(f"{client_url(shop)}/loyalty", data={"amount_per_point": typed})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="amount_per_point-error"' in html and message in text_of(response)
    assert LoyaltyRate.select().count() == 0 and AuditEntry.select().count() == audits


def test_bad_rates_are_refused_by_the_verb_too(shop):
    for typed in ("-5", "abc", "10.005", "0", "1e3", "100001"):
        with pytest.raises(DomainError) as refused:
            set_rate(shop["admin"], shop["supplier"], shop["link"], typed)
        assert refused.value.field == "amount_per_point", typed
    assert LoyaltyRate.select().count() == 0


def test_a_supervisor_sets_the_rate_and_the_overview_shows_rate_and_balance(client, login, shop):
    login(shop["boss"])
    response = client.post(
        f"{client_url(shop)}/loyalty", data={"amount_per_point": "10", "version": "0"}
    )
    assert response.status_code == 303
    assert LoyaltyRate.get().amount_minor == 1_000
    entry = AuditEntry.get(AuditEntry.area == "client")
    assert entry.record_id == shop["link"].id and "loyalty_rate" in entry.changes
    with transaction(lock=shop["link"]):
        on_delivered(order_of(shop, 123_456))
    page = text_of(client.get(f"{client_url(shop)}/"))
    assert "Loyalty points" in page and "123 points" in page
    assert "1 point per €10.00 spent, before VAT (set for this client)" in page
    # a form loaded before that save is stale: refused, the saved value shown
    stale = client.post(
        f"{client_url(shop)}/loyalty", data={"amount_per_point": "20", "version": "0"}
    )
    assert stale.status_code == 409 and LoyaltyRate.get().amount_minor == 1_000
    assert 'value="10.00"' in stale.get_data(as_text=True)


def test_the_group_rate_is_set_on_the_groups_page_and_shown_as_the_groups(client, login, shop):
    horeca = CustomerGroup.create(supplier=shop["supplier"], name="Horeca", code="HOR")
    shop["link"].group = horeca
    shop["link"].save()
    login(shop["admin"])
    url = f"/p/{shop['supplier'].id}/clients/groups/{horeca.id}"
    assert "Loyalty points" in text_of(client.get(f"{url}/edit"))
    bad = client.post(f"{url}/loyalty", data={"amount_per_point": "-5", "version": "0"})
    assert bad.status_code == 422 and "cannot be negative" in text_of(bad)
    assert LoyaltyRate.select().count() == 0
    saved = client.post(f"{url}/loyalty", data={"amount_per_point": "7,50", "version": "0"})
    assert saved.status_code == 303
    assert LoyaltyRate.get(LoyaltyRate.group == horeca).amount_minor == 750
    page = text_of(client.get(f"{client_url(shop)}/"))
    assert "1 point per €7.50 spent, before VAT (from the group Horeca)" in page


def test_a_supervisor_adjusts_points_with_a_reason_never_below_zero(client, login, shop):
    login(shop["boss"])
    url = f"{client_url(shop)}/loyalty/adjust"
    for points, reason in (("0", "x"), ("abc", "x"), ("-1", "Too many"), ("50", "")):
        response = client.post(url, data={"points": points, "reason": reason})
        assert response.status_code == 422, points
        assert 'class="error"' in response.get_data(as_text=True)
    assert LoyaltyEntry.select().count() == 0
    assert client.post(url, data={"points": "50", "reason": "Welcome"}).status_code == 303
    assert balance(shop["link"].id) == 50
    assert "Welcome" in text_of(client.get(f"{client_url(shop)}/"))


# --- the buyer's side ----------------------------------------------------------------------


def test_the_buyer_reads_balance_rate_and_history_on_the_points_tab(client, login, shop):
    set_rate(shop["admin"], shop["supplier"], shop["link"], "10")
    order = order_of(shop, 24_599)
    with transaction(lock=shop["link"]):
        on_delivered(order)
    login(shop["buyer"])
    response = client.get(points_url(shop))
    assert response.status_code == 200
    page = text_of(response)
    assert "1 point per €10.00 spent, before VAT" in page and "24 points" in page
    html = response.get_data(as_text=True)
    assert f'href="/p/{shop["customer"].id}/orders/{order.id}"' in html
    assert order.number in page and "+24" in page
    overview = text_of(client.get(f"/p/{shop['customer'].id}/suppliers/{shop['link'].id}/"))
    assert "Loyalty points 24 points" in overview


def test_without_a_programme_the_buyer_is_told_so(client, login, shop):
    login(shop["buyer"])
    page = text_of(client.get(points_url(shop)))
    assert "runs no loyalty programme" in page and "0 points" in page
    overview = text_of(client.get(f"/p/{shop['customer'].id}/suppliers/{shop['link'].id}/"))
    assert "Loyalty points" not in overview


# --- who may do what -----------------------------------------------------------------------


def test_employees_cannot_set_rates_or_adjust_and_supervisors_not_a_groups(client, login, shop):
    horeca = CustomerGroup.create(supplier=shop["supplier"], name="Horeca", code="HOR")
    login(shop["staff"])
    assert (
        client.post(f"{client_url(shop)}/loyalty", data={"amount_per_point": "10"}).status_code
        == 403
    )
    adjust = client.post(f"{client_url(shop)}/loyalty/adjust", data={"points": "5", "reason": "x"})
    assert adjust.status_code == 403
    assert "rate-form" not in client.get(f"{client_url(shop)}/").get_data(as_text=True)
    client.post("/signout")
    login(shop["boss"])
    group_url = f"/p/{shop['supplier'].id}/clients/groups/{horeca.id}/loyalty"
    assert client.post(group_url, data={"amount_per_point": "10"}).status_code == 403
    assert LoyaltyRate.select().count() == 0 and LoyaltyEntry.select().count() == 0


def test_other_parties_records_answer_404(client, login, shop):
    other = factories.make_party(display_name="Other supplier")
    theirs = Relationship.create(supplier=other, customer=shop["customer"], status="connected")
    their_group = CustomerGroup.create(supplier=other, name="G", code="G")
    login(shop["admin"])
    base = f"/p/{shop['supplier'].id}/clients"
    assert (
        client.post(f"{base}/{theirs.id}/loyalty", data={"amount_per_point": "10"}).status_code
        == 404
    )
    assert (
        client.post(f"{base}/{theirs.id}/loyalty/adjust", data={"points": "5"}).status_code == 404
    )
    assert (
        client.post(
            f"{base}/groups/{their_group.id}/loyalty", data={"amount_per_point": "1"}
        ).status_code
        == 404
    )
    client.post("/signout")
    # a buyer of another company cannot read this company's points
    stranger = factories.make_member(factories.make_party(), "admin")
    login(stranger)
    own = stranger.last_party_id
    assert client.get(f"/p/{own}/suppliers/{shop['link'].id}/points").status_code == 404
    assert LoyaltyRate.select().count() == 0
