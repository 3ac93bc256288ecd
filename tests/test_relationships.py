"""Relationships (issue 8, F12, F13, F16, F17): the domain -- effective terms with their
source, may a client order, and the verbs with their refusals, audit and races."""

from __future__ import annotations

import datetime as dt
import json
import threading
from decimal import Decimal

import pytest

import models.relationships as relationships
from models.audit import AuditEntry
from models.base import DomainError, NotFound, StaleForm, db
from models.invitations import Invitation
from models.parties import Party
from models.relationships import (
    SOURCE_DEFAULT,
    SOURCE_RELATIONSHIP,
    SOURCE_STANDARD,
    AlreadyClient,
    CustomerCategory,
    CustomerGroup,
    Relationship,
    answer_request,
    connect_client,
    create_client,
    effective_terms,
    may_order,
    remove_client,
    set_active,
    update_terms,
)
from models.schedules import DeliverySchedule
from tests import factories

ADDRESS = {
    "street": "Keizersgracht 1",
    "postal_code": "1015 CJ",
    "city": "Amsterdam",
    "country": "NL",
}


@pytest.fixture
def shop(app):
    """A supplier with an admin, a supervisor and an employee, and a customer with an admin."""
    supplier = factories.make_party(display_name="Supplier", vat_number="NL004495445B01")
    customer = factories.make_party(display_name="Customer", email="buy@customer.example")
    return {
        "supplier": supplier,
        "customer": customer,
        "admin": factories.make_member(supplier, "admin"),
        "supervisor": factories.make_member(supplier, "supervisor"),
        "employee": factories.make_member(supplier, "employee"),
        "customer_admin": factories.make_member(customer, "admin"),
        "customer_employee": factories.make_member(customer, "employee"),
    }


def connected(shop) -> Relationship:
    link = connect_client(shop["admin"], shop["supplier"], "buy@customer.example")
    return answer_request(shop["customer_admin"], shop["customer"], link.id, True)


def fresh(relationship) -> Relationship:
    return Relationship.get_by_id(relationship.id)


# --- effective terms ------------------------------------------------------------------------


def test_effective_terms_take_the_relationship_then_the_supplier_default_then_the_standard():
    supplier = Party(
        currency="EUR",
        default_min_order_minor=25000,
        default_credit_limit_minor=None,
        default_payment_terms_days=30,
        default_schedule_id=7,
    )
    own = Relationship(
        min_order_minor=10000,
        credit_limit_minor=500000,
        schedule_id=9,
        payment_method="on_account",
        payment_terms_days=14,
        discount_bp=250,
        group_id=3,
        category_id=4,
    )
    terms = effective_terms(own, supplier)
    assert terms.min_order.value == Decimal("100.00")
    assert terms.credit_limit.value == Decimal("5000.00")
    assert (terms.schedule_id.value, terms.payment_method.value) == (9, "on_account")
    assert (terms.payment_terms_days.value, terms.discount.value) == (14, Decimal("2.50"))
    assert (terms.group_id.value, terms.category_id.value) == (3, 4)
    assert {t.source for t in vars(terms).values() if hasattr(t, "source")} == {SOURCE_RELATIONSHIP}

    bare = effective_terms(Relationship(), supplier)
    assert (bare.min_order.value, bare.min_order.source) == (Decimal("250.00"), SOURCE_DEFAULT)
    assert (bare.credit_limit.value, bare.credit_limit.source) == (None, SOURCE_STANDARD)
    assert (bare.schedule_id.value, bare.schedule_id.source) == (7, SOURCE_DEFAULT)
    assert (bare.payment_terms_days.value, bare.payment_terms_days.source) == (30, SOURCE_DEFAULT)
    assert (bare.payment_method.value, bare.payment_method.source) == ("on_delivery", "standard")
    assert (bare.discount.value, bare.discount.source) == (None, SOURCE_STANDARD)
    assert bare.group_id.value is None and bare.category_id.value is None

    # zero is a value of the relationship, not "unset"
    zero = effective_terms(Relationship(min_order_minor=0, payment_terms_days=0), supplier)
    assert (zero.min_order.value, zero.min_order.source) == (Decimal("0"), SOURCE_RELATIONSHIP)
    assert zero.payment_terms_days.source == SOURCE_RELATIONSHIP
    # amounts in the supplier's currency and its minor units
    yen = effective_terms(Relationship(min_order_minor=5000), Party(currency="JPY"))
    assert (yen.currency, yen.min_order.value) == ("JPY", Decimal("5000"))


def test_may_order_only_when_connected_active_and_not_do_not_sell():
    assert may_order(Relationship(status="connected", active=True, delinquency="none")) is None
    for delinquency in ("debtor", "delinquent"):  # a warning for staff, not a refusal
        assert (
            may_order(Relationship(status="connected", active=True, delinquency=delinquency))
            is None
        )
    assert may_order(None).code == "not_connected"
    assert may_order(Relationship(status="pending", active=True)).code == "not_connected"
    assert may_order(Relationship(status="declined", active=True)).code == "not_connected"
    assert may_order(Relationship(status="connected", active=False)).code == "inactive"
    refusal = may_order(Relationship(status="connected", active=True, delinquency="do_not_sell"))
    assert refusal.code == "do_not_sell" and "contact the supplier" in str(refusal.message)


# --- adding a client ------------------------------------------------------------------------


def test_connect_by_exact_email_or_vat_waits_for_the_customers_admin(shop):
    supplier, customer = shop["supplier"], shop["customer"]
    link = connect_client(shop["admin"], supplier, "  BUY@customer.example ")
    assert (link.status, link.requested_as, link.customer_id) == (
        "pending",
        "buy@customer.example",
        customer.id,
    )
    assert may_order(fresh(link)).code == "not_connected"
    answered = answer_request(shop["customer_admin"], customer, link.id, True)
    assert answered.status == "connected" and answered.answered_at is not None
    assert may_order(fresh(link)) is None
    # both sides have it in their audit log
    assert (
        AuditEntry.select()
        .where(AuditEntry.party == customer, AuditEntry.area == "supplier")
        .count()
        == 1
    )
    assert (
        AuditEntry.select().where(AuditEntry.party == supplier, AuditEntry.area == "client").count()
        == 2
    )

    other = factories.make_party(display_name="Other", vat_number="BE0403170701", country="BE")
    by_vat = connect_client(shop["admin"], supplier, "be 0403.170.701")
    assert by_vat.customer_id == other.id


def test_connect_refusals_write_nothing(shop):
    supplier = shop["supplier"]
    cases = [
        (shop["admin"], "nobody@nowhere.example", "identifier"),  # not in the portal
        (shop["admin"], "NL004495445B01", "identifier"),  # oneself
        (shop["admin"], "NL", "identifier"),  # not a whole number
        (shop["supervisor"], "buy@customer.example", None),  # admins only
    ]
    for actor, identifier, field in cases:
        with pytest.raises(DomainError) as refused:
            connect_client(actor, supplier, identifier)
        assert refused.value.field == field
    assert Relationship.select().count() == 0
    connect_client(shop["admin"], supplier, "buy@customer.example")
    with pytest.raises(AlreadyClient) as twice:
        connect_client(shop["admin"], supplier, "buy@customer.example")
    assert twice.value.field == "identifier"
    assert Relationship.select().count() == 1


def test_only_the_customers_admins_answer_and_only_their_own_requests(shop):
    link = connect_client(shop["admin"], shop["supplier"], "buy@customer.example")
    with pytest.raises(DomainError):
        answer_request(shop["customer_employee"], shop["customer"], link.id, True)
    stranger = factories.make_party()
    stranger_admin = factories.make_member(stranger, "admin")
    with pytest.raises(NotFound):
        answer_request(stranger_admin, stranger, link.id, True)
    answer_request(shop["customer_admin"], shop["customer"], link.id, False)
    assert fresh(link).status == "declined"
    with pytest.raises(DomainError):
        answer_request(shop["customer_admin"], shop["customer"], link.id, True)


def test_create_client_on_the_spot_with_addresses_and_an_invitation(shop):
    relationship, invitation = create_client(
        shop["admin"],
        shop["supplier"],
        company={
            "legal_name": "Bakkerij Jansen B.V.",
            "country": "NL",
            "vat_number": "NL 8104.33941.B01",
        },
        delivery=ADDRESS,
        invoice={**ADDRESS, "street": "Postbus 12"},
        admin_email="Owner@Bakkerij.example",
        language="nl",
    )
    customer = relationship.customer
    assert (customer.display_name, customer.vat_number) == (
        "Bakkerij Jansen B.V.",
        "NL810433941B01",
    )
    assert relationship.status == "connected" and relationship.created_on_spot
    assert {a.kind for a in customer.addresses} == {"delivery", "invoice"}
    assert all(a.is_default for a in customer.addresses)
    assert (invitation.email, invitation.role, invitation.language) == (
        "owner@bakkerij.example",
        "admin",
        "nl",
    )
    assert Invitation.select().where(Invitation.party == customer).count() == 1


def test_create_client_refusals_write_nothing(shop):
    before = Party.select().count()
    with pytest.raises(DomainError) as no_name:
        create_client(
            shop["admin"],
            shop["supplier"],
            company={"country": "NL"},
            delivery=ADDRESS,
            invoice=ADDRESS,
        )
    assert no_name.value.field == "legal_name"
    with pytest.raises(DomainError) as bad_address:
        create_client(
            shop["admin"],
            shop["supplier"],
            company={"legal_name": "X", "country": "NL"},
            delivery=ADDRESS,
            invoice={**ADDRESS, "city": ""},
        )
    assert bad_address.value.field == "invoice-city"  # the field of that address in the form
    with pytest.raises(DomainError):
        create_client(
            shop["supervisor"],
            shop["supplier"],
            company={"legal_name": "X", "country": "NL"},
            delivery=ADDRESS,
            invoice=ADDRESS,
        )
    assert Party.select().count() == before
    assert Relationship.select().count() == 0


# --- terms ----------------------------------------------------------------------------------


def test_supervisor_changes_terms_and_the_audit_keeps_old_and_new(shop):
    relationship = connected(shop)
    changed = update_terms(
        shop["supervisor"],
        shop["supplier"],
        relationship.id,
        relationship.version,
        credit_limit=Decimal("5000"),
        min_order=Decimal("150.50"),
        discount="2.5",
        payment_terms_days=30,
        delinquency="debtor",
        client_code="C-001",
        tags="VIP, horeca,vip",
    )
    assert (changed.credit_limit_minor, changed.min_order_minor, changed.discount_bp) == (
        500000,
        15050,
        250,
    )
    assert (changed.client_code, changed.tags, changed.delinquency) == (
        "C-001",
        "vip,horeca",
        "debtor",
    )
    assert changed.warned and changed.version == relationship.version + 1
    entry = (
        AuditEntry.select().where(AuditEntry.area == "client", AuditEntry.action == "update").get()
    )
    changes = {c["field"]: (c["old"], c["new"]) for c in json.loads(entry.changes)}
    assert changes["client.credit_limit"] == (None, {"money": "5000.00", "currency": "EUR"})
    assert changes["client.delinquency"] == ("none", "debtor")
    assert changes["client.code"] == (None, "C-001")
    assert entry.actor_id == shop["supervisor"].id and entry.subject == "Customer"


def test_employees_keep_tags_and_notes_but_not_terms(shop):
    relationship = connected(shop)
    kept = update_terms(
        shop["employee"],
        shop["supplier"],
        relationship.id,
        relationship.version,
        tags="school",
        notes="Calls before noon",
    )
    assert (kept.tags, kept.notes) == ("school", "Calls before noon")
    with pytest.raises(DomainError):
        update_terms(
            shop["employee"],
            shop["supplier"],
            relationship.id,
            kept.version,
            credit_limit=Decimal("10"),
        )
    assert fresh(relationship).credit_limit_minor is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"credit_limit": Decimal("-1")}, "credit_limit"),
        ({"credit_limit": Decimal("1e15")}, "credit_limit"),
        ({"min_order": Decimal("1.234")}, "min_order"),
        ({"discount": "100.01"}, "discount"),
        ({"discount": "-1"}, "discount"),
        ({"discount": "abc"}, "discount"),
        ({"payment_terms_days": 400}, "payment_terms_days"),
        ({"delinquency": "whatever"}, "delinquency"),
        ({"payment_method": "cash-in-a-bag"}, "payment_method"),
        ({"payment_method": "sepa"}, "sepa_iban"),
        (
            {
                "payment_method": "sepa",
                "sepa_iban": "TR330006100519786457841326",
                "sepa_mandate_ref": "M1",
                "sepa_signed_on": dt.date(2024, 1, 1),
            },
            "sepa_iban",
        ),
        (
            {
                "payment_method": "sepa",
                "sepa_iban": "DE89370400440532013001",  # a wrong checksum
                "sepa_mandate_ref": "M1",
                "sepa_signed_on": dt.date(2024, 1, 1),
            },
            "sepa_iban",
        ),
        (
            {
                "payment_method": "sepa",
                "sepa_iban": "DE89370400440532013000",
                "sepa_signed_on": dt.date(2024, 1, 1),
            },
            "sepa_mandate_ref",
        ),
        (
            {
                "payment_method": "sepa",
                "sepa_iban": "DE89370400440532013000",
                "sepa_mandate_ref": "M1",
                "sepa_signed_on": dt.date.today() + dt.timedelta(days=2),
            },
            "sepa_signed_on",
        ),
    ],
)
def test_bad_terms_are_refused_on_their_field_and_nothing_changes(shop, values, field):
    relationship = connected(shop)
    with pytest.raises(DomainError) as refused:
        update_terms(
            shop["supervisor"], shop["supplier"], relationship.id, relationship.version, **values
        )
    assert refused.value.field == field
    assert fresh(relationship).version == relationship.version


def test_sepa_needs_an_iban_of_the_sepa_zone_and_says_which_country_is_not(shop):
    relationship = connected(shop)
    with pytest.raises(DomainError) as outside:
        update_terms(
            shop["supervisor"],
            shop["supplier"],
            relationship.id,
            relationship.version,
            payment_method="sepa",
            sepa_iban="TR33 0006 1005 1978 6457 8413 26",
            sepa_mandate_ref="M-1",
            sepa_signed_on=dt.date(2024, 5, 1),
        )
    assert "TR" in str(outside.value) and "SEPA" in str(outside.value)
    ok = update_terms(
        shop["supervisor"],
        shop["supplier"],
        relationship.id,
        relationship.version,
        payment_method="sepa",
        sepa_iban="BE68 5390 0754 7034",
        sepa_mandate_ref="M-1",
        sepa_signed_on=dt.date(2024, 5, 1),
    )
    assert (ok.payment_method, ok.sepa_iban) == ("sepa", "BE68539007547034")


def test_schedule_group_and_category_must_be_the_suppliers_own(shop):
    relationship = connected(shop)
    other = factories.make_party()
    foreign_schedule = DeliverySchedule.create(party=other, name="Theirs", working_days=31)
    own_schedule = DeliverySchedule.create(party=shop["supplier"], name="Ours", working_days=31)
    foreign_group = CustomerGroup.create(supplier=other, name="G", code="G")
    own_group = CustomerGroup.create(supplier=shop["supplier"], name="Horeca", code="HOR")
    foreign_category = CustomerCategory.create(supplier=other, name="C", code="C")
    for values, field in [
        ({"schedule_id": foreign_schedule.id}, "schedule_id"),
        ({"group_id": foreign_group.id}, "group_id"),
        ({"category_id": foreign_category.id}, "category_id"),
        ({"group_id": 10**30}, "group_id"),
    ]:
        with pytest.raises(DomainError) as refused:
            update_terms(
                shop["supervisor"],
                shop["supplier"],
                relationship.id,
                relationship.version,
                **values,
            )
        assert refused.value.field == field
    changed = update_terms(
        shop["supervisor"],
        shop["supplier"],
        relationship.id,
        relationship.version,
        schedule_id=own_schedule.id,
        group_id=own_group.id,
    )
    assert (changed.schedule_id, changed.group_id) == (own_schedule.id, own_group.id)
    terms = effective_terms(changed, shop["supplier"])
    assert (terms.schedule_id.value, terms.schedule_id.source) == (
        own_schedule.id,
        SOURCE_RELATIONSHIP,
    )


def test_a_client_code_is_used_once_per_supplier_whatever_its_case(shop):
    first = connected(shop)
    update_terms(shop["supervisor"], shop["supplier"], first.id, first.version, client_code="K-1")
    second_customer = factories.make_party(email="two@customer.example")
    factories.make_member(second_customer, "admin")
    second = connect_client(shop["admin"], shop["supplier"], "two@customer.example")
    with pytest.raises(DomainError) as taken:
        update_terms(
            shop["supervisor"], shop["supplier"], second.id, second.version, client_code="k-1"
        )
    assert taken.value.field == "client_code"
    # another supplier may use the same code
    other = factories.make_party(display_name="Other supplier")
    other_admin = factories.make_member(other, "admin")
    theirs = connect_client(other_admin, other, "buy@customer.example")
    assert (
        update_terms(other_admin, other, theirs.id, theirs.version, client_code="K-1").client_code
        == "K-1"
    )


def test_a_stale_terms_form_is_refused(shop):
    relationship = connected(shop)
    update_terms(
        shop["supervisor"],
        shop["supplier"],
        relationship.id,
        relationship.version,
        credit_limit=Decimal("100"),
    )
    with pytest.raises(StaleForm):
        update_terms(
            shop["admin"],
            shop["supplier"],
            relationship.id,
            relationship.version,
            credit_limit=Decimal("900"),
        )
    assert fresh(relationship).credit_limit_minor == 10000


def test_another_suppliers_relationship_is_not_found(shop):
    relationship = connected(shop)
    other = factories.make_party()
    other_admin = factories.make_member(other, "admin")
    for verb in (
        lambda: update_terms(other_admin, other, relationship.id, relationship.version, notes="x"),
        lambda: set_active(other_admin, other, relationship.id, False),
        lambda: remove_client(other_admin, other, relationship.id),
    ):
        with pytest.raises(NotFound):
            verb()
    assert fresh(relationship).notes == "" and fresh(relationship).active


# --- activate, deactivate, remove -----------------------------------------------------------


def test_deactivating_blocks_orders_and_keeps_everything(shop):
    relationship = connected(shop)
    update_terms(
        shop["supervisor"],
        shop["supplier"],
        relationship.id,
        relationship.version,
        client_code="K-9",
    )
    paused = set_active(shop["supervisor"], shop["supplier"], relationship.id, False)
    assert may_order(paused).code == "inactive" and fresh(paused).client_code == "K-9"
    assert (
        may_order(set_active(shop["supervisor"], shop["supplier"], relationship.id, True)) is None
    )
    with pytest.raises(DomainError):
        set_active(shop["employee"], shop["supplier"], relationship.id, False)


def test_removing_is_refused_while_orders_are_open(shop, monkeypatch):
    relationship = connected(shop)
    monkeypatch.setattr(relationships, "open_orders_of", lambda r: 2)
    with pytest.raises(DomainError) as refused:
        remove_client(shop["admin"], shop["supplier"], relationship.id)
    assert "2 open orders" in str(refused.value)
    assert Relationship.select().count() == 1
    monkeypatch.setattr(relationships, "open_orders_of", lambda r: 0)
    with pytest.raises(DomainError):
        remove_client(shop["supervisor"], shop["supplier"], relationship.id)
    remove_client(shop["admin"], shop["supplier"], relationship.id)
    assert Relationship.select().count() == 0
    assert Party.get_by_id(shop["customer"].id)  # the customer's own data stays


# --- races ----------------------------------------------------------------------------------


def _at_once(count, work):
    """Run work(i) in `count` threads released together; the results or the errors."""
    db.close()
    start = threading.Barrier(count)
    results: list = [None] * count

    def run(i):
        start.wait()
        try:
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 - what each attempt ended in
            results[i] = error
        finally:
            db.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_connecting_the_same_party_at_once_makes_one_relationship(shop):
    results = _at_once(
        8, lambda i: connect_client(shop["admin"], shop["supplier"], "buy@customer.example")
    )
    made = [r for r in results if isinstance(r, Relationship)]
    assert len(made) == 1
    assert all(isinstance(r, AlreadyClient) for r in results if r not in made)
    assert Relationship.select().count() == 1


def test_two_supervisors_saving_one_credit_limit_at_once_one_wins_the_other_is_stale(shop):
    relationship = connected(shop)
    second = factories.make_member(shop["supplier"], "supervisor")
    actors = [shop["supervisor"], second]
    results = _at_once(
        2,
        lambda i: update_terms(
            actors[i],
            shop["supplier"],
            relationship.id,
            relationship.version,
            credit_limit=Decimal(100 * (i + 1)),
        ),
    )
    assert sum(isinstance(r, Relationship) for r in results) == 1
    assert sum(isinstance(r, StaleForm) for r in results) == 1
    assert fresh(relationship).credit_limit_minor in (10000, 20000)
