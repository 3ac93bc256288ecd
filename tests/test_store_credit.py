"""Store credit and gift cards (issue 11, F36): the ledger sums exactly on both databases; the
supplier credits and debits with a reason (audited) and issues gift cards whose code is shown
once; the buyer redeems a code once (also when sent twice at the same moment), in any case and
with spaces, and is stopped after too many wrong codes; the hooks ordering calls draw from the
balance and give it back; and nobody reaches another party's credit."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest

from models.audit import AuditEntry
from models.base import DomainError, db, from_minor, transaction
from models.relationships import Relationship
from models.store_credit import (
    CODE_ALPHABET,
    REDEEM_USER,
    CreditEntry,
    GiftCard,
    balance_minor,
    code_hash,
    draw_for_order,
    entries_of,
    issue_gift_card,
    record_credit,
    redeem_gift_card,
    return_for_order,
    usable_balance,
)
from tests import factories
from tests.conftest import text_of
from tests.test_races import (  # noqa: F401 - live is a fixture
    PARALLEL,
    _all_at_once,
    _no_server_errors,
    _post,
    _signed_in,
    live,
)


@pytest.fixture
def shop(app):
    supplier = factories.make_party(display_name="Brouwer", country="NL", currency="EUR")
    boss = factories.make_member(supplier, "supervisor")
    staff = factories.make_member(supplier, "employee")
    customer = factories.make_party(display_name="Kantoor", country="NL")
    buyer = factories.make_member(customer, "employee")
    link = Relationship.create(supplier=supplier, customer=customer, status="connected")
    other_supplier = factories.make_party(display_name="Hoffmann", country="DE")
    other_boss = factories.make_member(other_supplier, "admin")
    return {
        "supplier": supplier,
        "boss": boss,
        "staff": staff,
        "customer": customer,
        "buyer": buyer,
        "link": link,
        "other_supplier": other_supplier,
        "other_boss": other_boss,
    }


def credit_url(shop):
    return f"/p/{shop['supplier'].id}/clients/{shop['link'].id}/credit"


def balance_url(shop):
    return f"/p/{shop['customer'].id}/suppliers/{shop['link'].id}/balance"


def card_of(shop, value="25.00", **kwargs):
    return issue_gift_card(shop["boss"], shop["supplier"], value, **kwargs)


# --- the ledger ----------------------------------------------------------------------------


def test_the_balance_is_the_exact_sum_of_the_entries(shop):
    link, boss = shop["link"], shop["boss"]
    for _ in range(10):
        record_credit(boss, link, "credit", "0.10", "Ten cents")
    record_credit(boss, link, "credit", "1.234,56", "Typed the Dutch way")
    record_credit(boss, link, "debit", "0.30", "Taken off")
    assert balance_minor(link.id) == 10 * 10 + 123456 - 30
    assert from_minor(balance_minor(link.id), "EUR") == Decimal("1235.26")
    # the sum is read in SQL, over integers: exact on SQLite and on PostgreSQL
    entries = entries_of(link.id)
    assert sum(e.amount_minor for e in entries) == balance_minor(link.id)
    assert entries[0].kind == "debit" and entries[0].amount_minor == -30
    assert usable_balance(link.id) == balance_minor(link.id)


def test_a_debit_cannot_take_the_balance_below_zero(shop):
    link, boss = shop["link"], shop["boss"]
    record_credit(boss, link, "credit", "5", "Goodwill")
    with pytest.raises(DomainError) as refused:
        record_credit(boss, link, "debit", "5.01", "Too much")
    assert refused.value.field == "amount"
    assert "below zero" in str(refused.value)
    record_credit(boss, link, "debit", "5", "All of it")
    assert balance_minor(link.id) == 0


# --- the supplier's Credit tab -------------------------------------------------------------


def test_a_supervisor_credits_and_debits_with_a_reason_and_it_is_audited(client, login, shop):
    login(shop["boss"])
    response = client.post(
        credit_url(shop), data={"kind": "credit", "amount": "12.50", "reason": "Late delivery"}
    )
    assert response.status_code == 303
    page = client.get(credit_url(shop))
    assert "€12.50" in text_of(page) and "Late delivery" in text_of(page)
    response = client.post(
        credit_url(shop), data={"kind": "debit", "amount": "2.50", "reason": "Booked twice"}
    )
    assert response.status_code == 303
    assert balance_minor(shop["link"].id) == 1000
    audits = list(
        AuditEntry.select()
        .where(AuditEntry.party == shop["supplier"], AuditEntry.area == "client")
        .order_by(AuditEntry.id)
    )
    assert [a.action for a in audits] == ["credit", "debit"]
    assert audits[0].actor_id == shop["boss"].id and audits[0].record_id == shop["link"].id
    change = json.loads(audits[1].changes)[0]
    assert change["field"] == "store_credit"
    assert change["old"]["money"] == "12.50" and change["new"]["money"] == "10.00"
    # the client's overview shows the balance now that there are entries
    overview = client.get(f"/p/{shop['supplier'].id}/clients/{shop['link'].id}/")
    assert 'data-testid="store-credit"' in overview.get_data(as_text=True)
    assert "€10.00" in text_of(overview)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"kind": "credit", "amount": "-1", "reason": "x"}, "amount", "above zero"),
        ({"kind": "credit", "amount": "ten", "reason": "x"}, "amount", "such as 125.50"),
        ({"kind": "credit", "amount": "1.234", "reason": "x"}, "amount", "at most 2 decimals"),
        ({"kind": "credit", "amount": "", "reason": "x"}, "amount", "Enter an amount"),
        ({"kind": "credit", "amount": "5", "reason": " "}, "reason", "Say why"),
        ({"kind": "debit", "amount": "5", "reason": "No credit yet"}, "amount", "below zero"),
        ({"kind": "gift", "amount": "5", "reason": "x"}, "kind", "credit or a debit"),
    ],
)
def test_bad_credit_input_is_refused_on_its_field_and_nothing_is_written(
    client, login, shop, values, field, message
):
    login(shop["boss"])
    response = client.post(credit_url(shop), data=values)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    if field in ("amount", "reason"):
        error = re.search(rf'id="credit-{field}-error">([^<]*)<', html)
        assert error and message in error.group(1), html[:200]
    else:
        assert message in text_of(response)
    assert CreditEntry.select().count() == 0
    assert AuditEntry.select().where(AuditEntry.area == "client").count() == 0


def test_an_employee_reads_the_credit_but_cannot_record_it(client, login, shop):
    login(shop["staff"])
    page = client.get(credit_url(shop))
    assert page.status_code == 200
    assert 'data-testid="credit-form"' not in page.get_data(as_text=True)
    response = client.post(credit_url(shop), data={"kind": "credit", "amount": "5", "reason": "x"})
    assert response.status_code == 403
    assert CreditEntry.select().count() == 0


def test_another_suppliers_client_is_not_found(client, login, shop):
    login(shop["other_boss"])
    url = f"/p/{shop['other_supplier'].id}/clients/{shop['link'].id}/credit"
    assert client.get(url).status_code == 404
    data = {"kind": "credit", "amount": "5", "reason": "x"}
    assert client.post(url, data=data).status_code == 404
    assert client.get(credit_url(shop)).status_code == 404  # not a member of Brouwer
    assert CreditEntry.select().count() == 0


# --- issuing gift cards ----------------------------------------------------------------------


def test_the_code_is_shown_once_and_only_its_hash_is_kept(client, login, shop):
    login(shop["boss"])
    url = f"/p/{shop['supplier'].id}/gift-cards/"
    response = client.post(url, data={"value": "50", "expires_on": "", "key": "k1"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    code = re.search(r'data-testid="gift-code">([^<]+)<', html).group(1)
    assert re.fullmatch(rf"[{CODE_ALPHABET}]{{4}}(-[{CODE_ALPHABET}]{{4}}){{3}}", code)
    assert "data-print" in html and "€50.00" in text_of(response)
    card = GiftCard.get()
    plain = code.replace("-", "")
    assert card.code_hash == code_hash(plain) and card.code_last4 == plain[-4:]
    assert card.value_minor == 5000 and card.currency == "EUR" and card.expires_on is None
    row = db.execute_sql("SELECT * FROM gift_card").fetchone()
    assert not any(plain in str(value) for value in row)  # the code is nowhere in the row
    # afterwards, the list shows only the last four characters
    listing = client.get(url).get_data(as_text=True)
    assert plain[-4:] in listing and plain not in listing and code not in listing
    # the same form sent again (a reload) issues no second card
    again = client.post(url, data={"value": "50", "expires_on": "", "key": "k1"})
    assert again.status_code == 422 and "issued already" in text_of(again)
    assert GiftCard.select().count() == 1
    audit = AuditEntry.get(AuditEntry.area == "gift_card")
    assert audit.action == "issue" and plain not in audit.subject + audit.changes


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"value": "-1"}, "value"),
        ({"value": "abc"}, "value"),
        ({"value": "10.001"}, "value"),
        ({"value": "10", "expires_on": "2001-01-01"}, "expires_on"),
        ({"value": "10", "expires_on": "someday"}, "expires_on"),
    ],
)
def test_bad_gift_card_input_is_refused(client, login, shop, values, field):
    login(shop["boss"])
    response = client.post(f"/p/{shop['supplier'].id}/gift-cards/", data=values)
    assert response.status_code == 422
    assert f'id="card-{field}-error"' in response.get_data(as_text=True)
    assert GiftCard.select().count() == 0


def test_an_employee_sees_the_cards_but_cannot_issue_one(client, login, shop):
    card_of(shop)
    login(shop["staff"])
    url = f"/p/{shop['supplier'].id}/gift-cards/"
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="issue-form"' not in page.get_data(True)
    assert len(re.findall('data-testid="gift-card"', page.get_data(as_text=True))) == 1
    assert client.post(url, data={"value": "10"}).status_code == 403
    assert GiftCard.select().count() == 1


# --- redeeming -----------------------------------------------------------------------------


def test_a_buyer_redeems_a_code_typed_in_lower_case_with_spaces_once(client, login, shop):
    card, code = card_of(shop, "25.00")
    login(shop["buyer"])
    typed = " " + code.lower().replace("-", " ") + " "
    response = client.post(balance_url(shop), data={"code": typed})
    assert response.status_code == 303
    page = client.get(balance_url(shop))
    assert "€25.00" in text_of(page)
    assert f"Gift card •••• {card.code_last4}" in text_of(page)
    card = GiftCard.get_by_id(card.id)
    assert card.redeemed_by_id == shop["link"].id and card.redeemed_by_user_id == shop["buyer"].id
    assert balance_minor(shop["link"].id) == 2500
    again = client.post(balance_url(shop), data={"code": code})
    assert again.status_code == 422 and "used already" in text_of(again)
    assert balance_minor(shop["link"].id) == 2500 and CreditEntry.select().count() == 1
    # the supplier's list says who redeemed it; the buyer's supplier overview shows the balance
    assert shop["customer"].display_name in text_of(
        _as(client, login, shop["boss"], f"/p/{shop['supplier'].id}/gift-cards/")
    )
    assert {"redeem"} == {
        a.action for a in AuditEntry.select().where(AuditEntry.area != "gift_card")
    }


def _as(client, login, user, url):
    client.post("/signout")
    login(user)
    return client.get(url)


def test_redeeming_with_htmx_answers_the_balance_fragment(client, login, shop):
    _card, code = card_of(shop, "7.50")
    login(shop["buyer"])
    response = client.post(balance_url(shop), data={"code": code}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'id="store-balance"' in html and "€7.50" in text_of(response)
    assert "HX-Request" in response.headers["Vary"]
    wrong = client.post(
        balance_url(shop), data={"code": "AAAA-BBBB-CCCC-DDDD"}, headers={"HX-Request": "true"}
    )
    assert wrong.status_code == 422 and "<html" not in wrong.get_data(as_text=True)
    assert "This code is not valid" in text_of(wrong)
    # the overview shows the store-credit line once there are entries
    overview = client.get(f"/p/{shop['customer'].id}/suppliers/{shop['link'].id}/")
    assert 'data-testid="store-credit"' in overview.get_data(as_text=True)


def test_no_store_credit_line_on_the_overviews_without_entries(client, login, shop):
    login(shop["buyer"])
    overview = client.get(f"/p/{shop['customer'].id}/suppliers/{shop['link'].id}/")
    assert overview.status_code == 200
    assert 'data-testid="store-credit"' not in overview.get_data(as_text=True)


def test_an_expired_code_is_refused_and_nothing_is_written(client, login, shop):
    card, code = card_of(shop, expires_on=dt.date.today())
    GiftCard.update(expires_on=dt.date.today() - dt.timedelta(days=1)).where(
        GiftCard.id == card.id
    ).execute()
    login(shop["buyer"])
    response = client.post(balance_url(shop), data={"code": code})
    assert response.status_code == 422 and "expired" in text_of(response)
    assert CreditEntry.select().count() == 0
    assert GiftCard.get_by_id(card.id).redeemed_at is None


def test_a_card_valid_through_today_is_still_accepted(client, login, shop):
    _card, code = card_of(shop, "3", expires_on=dt.date.today())
    login(shop["buyer"])
    assert client.post(balance_url(shop), data={"code": code}).status_code == 303
    assert balance_minor(shop["link"].id) == 300


def test_another_suppliers_code_reads_as_unknown(client, login, shop):
    _card, code = issue_gift_card(shop["other_boss"], shop["other_supplier"], "30")
    login(shop["buyer"])
    theirs = client.post(balance_url(shop), data={"code": code})
    unknown = client.post(balance_url(shop), data={"code": "ABCD-EFGH-JKMN-PQRS"})
    assert theirs.status_code == unknown.status_code == 422
    message = re.search(r'data-testid="redeem-error">([^<]*)<', theirs.get_data(as_text=True))
    assert message.group(1).startswith("This code is not valid")
    assert message.group(0) in unknown.get_data(as_text=True)  # word for word the same
    assert GiftCard.get().redeemed_at is None and CreditEntry.select().count() == 0


def test_too_many_wrong_codes_are_stopped_for_a_while(client, login, shop):
    _card, code = card_of(shop)
    login(shop["buyer"])
    for i in range(REDEEM_USER.count):
        wrong = client.post(
            balance_url(shop), data={"code": f"ABCD-EFGH-JKMN-PQ{CODE_ALPHABET[i]}S"}
        )
        assert wrong.status_code == 422
    stopped = client.post(balance_url(shop), data={"code": "ABCD-EFGH-JKMN-PQRS"})
    assert stopped.status_code == 429
    assert "Too many attempts. Try again in 15 minutes." in text_of(stopped)
    # even the right code waits: guessing cannot go on between hits
    assert client.post(balance_url(shop), data={"code": code}).status_code == 429
    assert CreditEntry.select().count() == 0


def test_a_buyer_of_another_party_reaches_no_balance(client, login, shop):
    outsider = factories.make_member(factories.make_party(display_name="Elders"), "admin")
    _card, code = card_of(shop)
    login(outsider)
    assert client.get(balance_url(shop)).status_code == 404
    assert client.post(balance_url(shop), data={"code": code}).status_code == 404
    own = f"/p/{outsider.last_party_id}/suppliers/{shop['link'].id}/balance"
    assert client.get(own).status_code == 404
    assert client.post(own, data={"code": code}).status_code == 404
    assert CreditEntry.select().count() == 0


def test_a_removed_or_pending_relationship_has_no_balance_tab(client, login, shop):
    Relationship.update(status="pending").where(Relationship.id == shop["link"].id).execute()
    login(shop["buyer"])
    assert client.get(balance_url(shop)).status_code == 404


# --- twice at once -------------------------------------------------------------------------


def test_one_code_sent_twenty_times_at_once_is_redeemed_once(live):  # noqa: F811
    supplier = factories.make_party(display_name="Brouwer", country="NL")
    boss = factories.make_member(supplier, "admin")
    # two clients of the supplier, ten buyers each: they lock different relationships, so
    # only the card's own row can stop the second redemption
    links, buyers = [], []
    for name in ("Kantoor", "Kantine"):
        customer = factories.make_party(display_name=name, country="NL")
        links.append(Relationship.create(supplier=supplier, customer=customer, status="connected"))
        buyers += [(links[-1], factories.make_member(customer)) for _ in range(PARALLEL // 2)]
    card, code = issue_gift_card(boss, supplier, "50.00")
    db.close()  # the server's threads open their own connections
    cookies = [_signed_in(live, buyer) for _link, buyer in buyers]

    def send(i):
        link, _buyer = buyers[i]
        path = f"/p/{link.customer_id}/suppliers/{link.id}/balance"
        return _post(live, path, {"code": code.lower()}, cookies[i])

    statuses = _all_at_once(send)
    _no_server_errors(statuses)
    assert sorted(statuses) == [303] + [422] * (PARALLEL - 1), statuses
    db.connect(reuse_if_open=True)
    assert CreditEntry.select().count() == 1
    assert sum(balance_minor(link.id) for link in links) == 5000
    assert GiftCard.get_by_id(card.id).redeemed_by_id in {link.id for link in links}


# --- the hooks ordering calls ----------------------------------------------------------------


def test_an_order_draws_from_the_balance_and_a_cancellation_gives_it_back(shop):
    link, boss, buyer = shop["link"], shop["boss"], shop["buyer"]
    record_credit(boss, link, "credit", "20", "Goodwill")
    with transaction(lock=link):  # as place_order holds it
        entry = draw_for_order(link, 41, 1250, buyer)
    assert entry.kind == "order" and entry.amount_minor == -1250 and entry.order_id == 41
    assert balance_minor(link.id) == 750 and usable_balance(link.id) == 750
    with pytest.raises(DomainError) as refused:
        with transaction(lock=link):
            draw_for_order(link, 42, 751, buyer)
    assert refused.value.field == "balance_used"
    assert balance_minor(link.id) == 750  # nothing written
    assert draw_for_order(link, 43, 0, buyer) is None
    with transaction(lock=link):  # as change_status holds it on cancel or reject
        back = return_for_order(link, 41, boss)
    assert back.kind == "order_return" and back.amount_minor == 1250
    assert balance_minor(link.id) == 2000
    with transaction(lock=link):  # cancelled twice, or an order that drew nothing
        assert return_for_order(link, 41, boss) is None
        assert return_for_order(link, 99, boss) is None
    assert balance_minor(link.id) == 2000


def test_a_refused_draw_rolls_back_only_its_own_savepoint(shop):
    link, buyer = shop["link"], shop["buyer"]
    record_credit(shop["boss"], link, "credit", "5", "Goodwill")
    with transaction(lock=link):
        CreditEntry.create(
            relationship=link, kind="credit", amount_minor=100, entry_date=dt.date.today()
        )
        with pytest.raises(DomainError):
            draw_for_order(link, 7, 10_000, buyer)
        draw_for_order(link, 7, 600, buyer)
    assert balance_minor(link.id) == 0


def test_redeeming_through_the_verb_needs_no_request(shop):
    _card, code = card_of(shop, "9.99")
    entry = redeem_gift_card(shop["buyer"], shop["link"], code.replace("-", " ").lower())
    assert entry.amount_minor == 999 and balance_minor(shop["link"].id) == 999
