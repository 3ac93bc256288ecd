"""Company settings (F7-F11, F43): the domain verbs with their refusals, and every route with
and without htmx, as admin and as employee, with another party's ids."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from peewee import IntegrityError
from playhouse.test_utils import assert_query_count
from wtforms.validators import ValidationError

from models import company
from models.audit import AuditEntry
from models.base import DomainError, NotFound
from models.company import Address, BankAccount, DeliveryPoint
from models.parties import Party
from models.schedules import DeliverySchedule
from tests.conftest import text_of

HX = {"HX-Request": "true"}

ADDRESS = {
    "label": "Main warehouse",
    "recipient": "Goods receipt",
    "street": "Transformatorweg 30",
    "street2": "",
    "postal_code": "1014ak",
    "city": "Amsterdam",
    "region": "",
    "country": "NL",
}


# --- helpers -------------------------------------------------------------------------------


@pytest.fixture
def run(app):
    """run(verb, *args, **kwargs): call a domain verb inside a request context."""

    def _run(verb, *args, **kwargs):
        with app.test_request_context():
            return verb(*args, **kwargs)

    return _run


@pytest.fixture
def shop(make_party, make_member):
    """A supplier with an admin and an employee, and a stranger party with an admin."""
    party = make_party(legal_name="Brouwer B.V.", display_name="Brouwer", country="NL")
    admin = make_member(party, "admin")
    employee = make_member(party, "employee")
    other = make_party(display_name="Other", country="DE")
    other_admin = make_member(other, "admin")
    return {
        "party": party,
        "admin": admin,
        "employee": employee,
        "other": other,
        "other_admin": other_admin,
    }


def reload(party: Party) -> Party:
    return Party.get_by_id(party.id)


def entries(party, area=None):
    query = AuditEntry.select().where(AuditEntry.party == party)
    if area:
        query = query.where(AuditEntry.area == area)
    return list(query.order_by(AuditEntry.id))


def changes_of(entry) -> dict:
    return {c["field"]: (c["old"], c["new"]) for c in json.loads(entry.changes)}


def profile_data(party: Party, **overrides) -> dict:
    data = {
        "version": str(reload(party).version),
        "legal_name": party.legal_name,
        "display_name": party.display_name,
        "customer_type": "business",
        "vat_number": "",
        "country": party.country,
        "language": "en",
        "currency": "EUR",
        "email": "",
        "phone": "",
    }
    data.update(overrides)
    return data


def base(party) -> str:
    return f"/p/{party.id}/company"


# --- pure rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "country", "expected"),
    [
        ("NL004495445B01", "NL", "NL004495445B01"),
        ("nl 0044.95.445.B01", "NL", "NL004495445B01"),
        ("004495445B01", "NL", "NL004495445B01"),
        ("Q2818014I", "ES", "ESQ2818014I"),
        ("DE 136 695 976", "DE", "DE136695976"),
        ("094259216", "GR", "EL094259216"),
        ("GB 980 7806 84", "GB", "GB980780684"),
        ("", "NL", ""),
        ("12-3456789", "US", "123456789"),  # no checksum rule: a sane pattern
    ],
)
def test_vat_numbers_are_checked_and_compacted(app, number, country, expected):
    assert company.normalise_vat(number, country) == expected


@pytest.mark.parametrize(
    ("number", "country"),
    [
        ("NL004495446B01", "NL"),  # checksum
        ("DE136695976", "NL"),  # another country's number
        ("B5837843", "ES"),
        ("!!", "US"),
    ],
)
def test_bad_vat_numbers_are_refused_on_the_field(app, number, country):
    with app.test_request_context():
        with pytest.raises(DomainError) as refused:
            company.normalise_vat(number, country)
        assert refused.value.field == "vat_number"
        assert "not a valid VAT number for" in str(refused.value)


@pytest.mark.parametrize(
    ("code", "country", "expected"),
    [
        ("1014ak", "NL", "1014 AK"),
        ("10115", "DE", "10115"),
        ("28660", "ES", "28660"),
        ("1000", "BE", "1000"),
        ("11455", "SE", "114 55"),
        ("sw1a1aa", "GB", "SW1A 1AA"),
        ("EH1 1YZ", "GB", "EH1 1YZ"),
        ("12345-6789", "US", "12345-6789"),
        ("1000-001", "PT", "1000-001"),
    ],
)
def test_postal_codes_are_written_as_their_country_writes_them(app, code, country, expected):
    assert company.normalise_postal_code(code, country) == expected


@pytest.mark.parametrize(
    ("code", "country", "shown"),
    [
        ("1234", "DE", "12345"),
        ("0123 AB", "NL", "1234 AB"),
        ("12345", "AT", "1234"),
        ("1234", "SE", "123 45"),
        ("12345", "GB", "SW1A 1AA"),
        ("1", "PT", "2 to 10"),
    ],
)
def test_bad_postal_codes_name_the_expected_format(app, code, country, shown):
    with app.test_request_context():
        with pytest.raises(DomainError) as refused:
            company.normalise_postal_code(code, country)
        assert refused.value.field == "postal_code"
        assert shown in str(refused.value)


def test_iban_and_bic_are_checked_formatted_and_masked(app):
    assert company.normalise_iban("nl91 abna 0417 1643 00") == "NL91ABNA0417164300"
    assert company.format_iban("NL91ABNA0417164300") == "NL91 ABNA 0417 1643 00"
    assert company.mask_iban("NL91ABNA0417164300") == "NL91 •••• •••• •••• 4300"
    assert company.normalise_bic("abnanl2a") == "ABNANL2A"
    assert company.normalise_bic("") == ""
    with app.test_request_context():
        with pytest.raises(DomainError) as bad_iban:
            company.normalise_iban("NL91ABNA0417164301")
        assert bad_iban.value.field == "iban"
        with pytest.raises(DomainError) as bad_bic:
            company.normalise_bic("ABN")
        assert bad_bic.value.field == "bic"


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [
        ("1234.50", "EUR", Decimal("1234.50")),
        ("1234,5", "EUR", Decimal("1234.5")),
        (" 150 ", "EUR", Decimal("150")),
        ("", "EUR", None),
        ("2500", "JPY", Decimal("2500")),
        ("1.234,50", "EUR", Decimal("1234.50")),
        ("1,234.50", "EUR", Decimal("1234.50")),
    ],
)
def test_amounts_are_typed_unambiguously(app, text, currency, expected):
    from views.forms.company import parse_amount

    with app.test_request_context():
        assert parse_amount(text, currency) == expected


@pytest.mark.parametrize(
    ("text", "currency", "message"),
    [
        ("-5", "EUR", "negative"),
        ("1.000", "EUR", "at most 2 decimals"),  # never guessed as a thousands separator
        ("1.23.4", "EUR", "in digits"),
        ("12.5", "JPY", "at most 0 decimals"),
        ("1e5", "EUR", "in digits"),
        ("99999999999", "EUR", "too large"),
    ],
)
def test_bad_amounts_are_refused(app, text, currency, message):
    from views.forms.company import parse_amount

    with app.test_request_context():
        with pytest.raises(ValidationError) as refused:
            parse_amount(text, currency)
        assert message in str(refused.value)


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("de", "1.234,56", Decimal("1234.56")),
        ("de", "1.000", Decimal("1000")),
        ("nl", "150,50", Decimal("150.50")),
        ("fr", "1 234,56", Decimal("1234.56")),
        ("en", "1,000", Decimal("1000")),
        ("en", "1.5", Decimal("1.5")),
    ],
)
def test_amounts_are_read_as_the_users_locale_writes_them(app, language, text, expected):
    from babel import Locale

    from views.forms.company import amount_text, parse_amount

    with app.test_request_context():
        locale = Locale.parse(language)
        assert parse_amount(text, "EUR", locale) == expected
        assert parse_amount(amount_text(expected, "EUR", locale), "EUR", locale) == expected


def test_defaults_form_shows_and_takes_amounts_in_german(client, login, shop, run):
    from models.parties import set_language

    party, admin = shop["party"], shop["admin"]
    run(set_language, admin, "de")
    login(admin)
    page = client.get(f"{base(party)}/defaults/edit", headers=HX)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page.text).group(1)
    answer = client.post(
        f"{base(party)}/defaults",
        data={"version": version, "min_order": "1.250,50", "credit_limit": "5.000", "schedule": ""},
        headers=HX,
    )
    assert answer.status_code == 200, text_of(answer)[:400]
    assert reload(party).default_min_order_minor == 125050
    assert reload(party).default_credit_limit_minor == 500000
    again = client.get(f"{base(party)}/defaults/edit", headers=HX)
    assert 'value="1.250,50"' in again.text and 'value="5.000,00"' in again.text


# --- profile (F7) --------------------------------------------------------------------------


def test_profile_update_saves_bumps_version_and_audits(run, shop):
    party, admin = shop["party"], shop["admin"]
    run(
        company.update_company_profile,
        admin,
        party,
        version=1,
        legal_name="Brouwer & Zonen B.V.",
        display_name="Brouwer",
        customer_type="business",
        vat_number="nl 004495445b01",
        country="NL",
        language="nl",
        currency="EUR",
        email="Orders@Brouwer.example ",
        phone="+31 20 555 0142",
    )
    saved = reload(party)
    assert saved.legal_name == "Brouwer & Zonen B.V."
    assert saved.vat_number == "NL004495445B01"
    assert saved.email == "orders@brouwer.example"
    assert saved.version == 2
    (entry,) = entries(party, "company")
    assert entry.actor_id == admin.id and entry.action == "update"
    changes = changes_of(entry)
    assert changes["company.legal_name"] == ("Brouwer B.V.", "Brouwer & Zonen B.V.")
    assert changes["company.vat_number"] == (None, "NL004495445B01")
    assert changes["company.language"] == ({"language": "en"}, {"language": "nl"})
    assert "company.display_name" not in changes


def _profile(party, **overrides):
    fields = {
        "version": 1,
        "legal_name": party.legal_name,
        "display_name": party.display_name,
        "customer_type": "business",
        "vat_number": "",
        "country": "NL",
        "language": "en",
        "currency": "EUR",
    }
    fields.update(overrides)
    return fields


def test_stale_profile_is_refused_and_nothing_written(run, shop):
    party, admin = shop["party"], shop["admin"]
    run(company.update_company_profile, admin, party, **_profile(party, legal_name="First B.V."))
    with pytest.raises(company.StaleForm):
        run(company.update_company_profile, admin, party, **_profile(party, legal_name="Late B.V."))
    assert reload(party).legal_name == "First B.V."
    assert reload(party).version == 2
    assert len(entries(party, "company")) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"vat_number": "NL004495446B01"}, "vat_number"),
        ({"country": "XX"}, "country"),
        ({"currency": "DEM"}, "currency"),  # historical: not in use today
        ({"language": "it"}, "language"),
        ({"customer_type": "robot"}, "customer_type"),
        ({"legal_name": "  "}, "legal_name"),
    ],
)
def test_bad_profile_values_are_refused_on_their_field(run, shop, overrides, field):
    party = shop["party"]
    with pytest.raises(DomainError) as refused:
        run(company.update_company_profile, shop["admin"], party, **_profile(party, **overrides))
    assert refused.value.field == field
    assert reload(party).version == 1
    assert entries(party) == []


def test_unchanged_profile_writes_no_audit_entry(run, shop):
    party = shop["party"]
    run(company.update_company_profile, shop["admin"], party, **_profile(party))
    assert reload(party).version == 1
    assert entries(party) == []


# --- addresses (F8) ------------------------------------------------------------------------


def test_first_address_of_a_kind_becomes_the_default(run, shop):
    party, admin = shop["party"], shop["admin"]
    first = run(company.add_address, admin, party, kind="delivery", **ADDRESS)
    second = run(company.add_address, admin, party, kind="delivery", **{**ADDRESS, "label": "B"})
    invoice = run(company.add_address, admin, party, kind="invoice", **ADDRESS)
    assert first.is_default and not second.is_default and invoice.is_default
    assert first.postal_code == "1014 AK"
    (created, *_rest) = entries(party, "address")
    assert created.action == "create"
    assert changes_of(created)["address.street"] == (None, "Transformatorweg 30")
    assert changes_of(created)["address.default"] == (None, True)
    assert changes_of(created)["address.country"] == (None, {"country": "NL"})


def test_make_default_unsets_the_old_default(run, shop):
    party, admin = shop["party"], shop["admin"]
    first = run(company.add_address, admin, party, kind="delivery", **ADDRESS)
    second = run(company.add_address, admin, party, kind="delivery", **{**ADDRESS, "label": "B"})
    run(company.set_default_address, admin, party, second.id)
    assert not Address.get_by_id(first.id).is_default
    assert Address.get_by_id(second.id).is_default
    third = run(company.add_address, admin, party, kind="delivery", make_default=True, **ADDRESS)
    assert [a.id for a in company.addresses_of(party)["delivery"] if a.is_default] == [third.id]
    last_two = entries(party, "address")[-2:]
    assert changes_of(last_two[0])["address.default"] == (True, False)


def test_the_database_holds_one_default_of_each_kind(run, shop):
    party = shop["party"]
    run(company.add_address, shop["admin"], party, kind="invoice", **ADDRESS)
    with pytest.raises(IntegrityError):
        Address.create(party=party, kind="invoice", is_default=True, **{**ADDRESS, "label": "X"})


def test_update_address_records_old_and_new(run, shop):
    party, admin = shop["party"], shop["admin"]
    address = run(company.add_address, admin, party, kind="invoice", **ADDRESS)
    run(company.update_address, admin, party, address.id, **{**ADDRESS, "city": "Zaandam"})
    assert Address.get_by_id(address.id).city == "Zaandam"
    entry = entries(party, "address")[-1]
    assert entry.action == "update"
    assert changes_of(entry) == {"address.city": ("Amsterdam", "Zaandam")}


def test_bad_postal_code_writes_nothing(run, shop):
    party = shop["party"]
    with pytest.raises(DomainError) as refused:
        run(
            company.add_address,
            shop["admin"],
            party,
            kind="invoice",
            **{**ADDRESS, "postal_code": "99"},
        )
    assert refused.value.field == "postal_code"
    assert Address.select().count() == 0
    assert entries(party) == []


def test_default_address_cannot_be_deleted_others_can_with_their_points(run, shop):
    party, admin = shop["party"], shop["admin"]
    default = run(company.add_address, admin, party, kind="delivery", **ADDRESS)
    other = run(company.add_address, admin, party, kind="delivery", **{**ADDRESS, "label": "B"})
    run(company.add_delivery_point, admin, party, other.id, name="Dock 4")
    with pytest.raises(DomainError) as refused:
        run(company.delete_address, admin, party, default.id)
    assert "default delivery address cannot be deleted" in str(refused.value)
    assert Address.get_or_none(Address.id == default.id) is not None
    run(company.delete_address, admin, party, other.id)
    assert Address.get_or_none(Address.id == other.id) is None
    assert DeliveryPoint.select().count() == 0
    entry = entries(party, "address")[-1]
    assert entry.action == "delete"
    assert changes_of(entry)["address.delivery_points"] == ("Dock 4", None)


def test_another_partys_address_is_not_found(run, shop):
    theirs = run(
        company.add_address,
        shop["other_admin"],
        shop["other"],
        kind="delivery",
        **{**ADDRESS, "country": "NL"},
    )
    party, admin = shop["party"], shop["admin"]
    for verb in (company.set_default_address, company.delete_address):
        with pytest.raises(NotFound):
            run(verb, admin, party, theirs.id)
    with pytest.raises(NotFound):
        run(company.update_address, admin, party, theirs.id, **ADDRESS)
    assert Address.get_by_id(theirs.id).label == "Main warehouse"
    assert entries(party) == []


def test_address_lists_take_two_queries(run, shop):
    party, admin = shop["party"], shop["admin"]
    for n in range(3):
        address = run(company.add_address, admin, party, kind="delivery", **ADDRESS)
        run(company.add_delivery_point, admin, party, address.id, name=f"Dock {n}")
    with assert_query_count(2):
        lists = company.addresses_of(party)
        assert sum(len(a.delivery_points) for a in lists["delivery"]) == 3


# --- delivery points (F9) ------------------------------------------------------------------


def test_delivery_points_add_edit_move_delete(run, shop):
    party, admin = shop["party"], shop["admin"]
    campus = run(company.add_address, admin, party, kind="delivery", **ADDRESS)
    annex = run(company.add_address, admin, party, kind="delivery", **{**ADDRESS, "label": "Annex"})
    point = run(
        company.add_delivery_point,
        admin,
        party,
        campus.id,
        name=" Building 3,  goods entrance ",
        instructions="Ring twice.",
    )
    assert point.name == "Building 3, goods entrance"
    run(
        company.update_delivery_point,
        admin,
        party,
        point.id,
        name="Building 3",
        instructions="",
        address_id=annex.id,
    )
    moved = DeliveryPoint.get_by_id(point.id)
    assert moved.address_id == annex.id and moved.instructions == ""
    update = entries(party, "delivery_point")[-1]
    assert changes_of(update)["delivery_point.name"] == ("Building 3, goods entrance", "Building 3")
    assert "Annex" in changes_of(update)["delivery_point.address"][1]
    run(company.delete_delivery_point, admin, party, point.id)
    assert DeliveryPoint.select().count() == 0
    assert entries(party, "delivery_point")[-1].action == "delete"


def test_delivery_points_only_in_own_delivery_addresses(run, shop):
    party, admin = shop["party"], shop["admin"]
    invoice = run(company.add_address, admin, party, kind="invoice", **ADDRESS)
    delivery = run(company.add_address, admin, party, kind="delivery", **ADDRESS)
    theirs = run(
        company.add_address, shop["other_admin"], shop["other"], kind="delivery", **ADDRESS
    )
    with pytest.raises(DomainError):
        run(company.add_delivery_point, admin, party, invoice.id, name="Room 1")
    with pytest.raises(NotFound):
        run(company.add_delivery_point, admin, party, theirs.id, name="Room 1")
    point = run(company.add_delivery_point, admin, party, delivery.id, name="Room 1")
    with pytest.raises(DomainError) as refused:
        run(
            company.update_delivery_point,
            admin,
            party,
            point.id,
            name="Room 1",
            address_id=theirs.id,
        )
    assert refused.value.field == "address"
    assert DeliveryPoint.get_by_id(point.id).address_id == delivery.id
    their_point = run(
        company.add_delivery_point, shop["other_admin"], shop["other"], theirs.id, name="X"
    )
    with pytest.raises(NotFound):
        run(company.delete_delivery_point, admin, party, their_point.id)
    assert DeliveryPoint.select().count() == 2


# --- bank account (F10) --------------------------------------------------------------------


def test_bank_account_saved_and_audited_masked(run, shop):
    party, admin = shop["party"], shop["admin"]
    run(
        company.save_bank_account,
        admin,
        party,
        holder="Brouwer",
        iban="nl91abna0417164300",
        bic="abnanl2a",
    )
    account = company.bank_account_of(party)
    assert (account.iban, account.bic) == ("NL91ABNA0417164300", "ABNANL2A")
    run(
        company.save_bank_account,
        admin,
        party,
        holder="Brouwer",
        iban="DE89 3704 0044 0532 0130 00",
        bic="",
    )
    log = json.dumps([(e.subject, e.changes) for e in entries(party, "bank_account")])
    assert "NL91ABNA0417164300" not in log and "0417" not in log and "370400440532" not in log
    update = entries(party, "bank_account")[-1]
    assert changes_of(update)["bank_account.iban"] == (
        "NL91 •••• •••• •••• 4300",
        "DE89 •••• •••• •••• •••• 3000",
    )
    assert company.remove_bank_account(admin, party) is True
    assert company.bank_account_of(party) is None
    assert company.remove_bank_account(admin, party) is False


def test_bad_iban_writes_nothing(run, shop):
    party = shop["party"]
    with pytest.raises(DomainError) as refused:
        run(company.save_bank_account, shop["admin"], party, iban="NL91ABNA0417164301")
    assert refused.value.field == "iban"
    assert BankAccount.select().count() == 0 and entries(party) == []


# --- supplier defaults (F11) ---------------------------------------------------------------


def _defaults(party, **overrides):
    fields = {
        "version": reload(party).version,
        "min_order": Decimal("150.00"),
        "credit_limit": Decimal("5000"),
        "payment_terms_days": 30,
        "schedule_id": None,
    }
    fields.update(overrides)
    return fields


def test_supplier_defaults_saved_and_audited(run, shop):
    party, admin = shop["party"], shop["admin"]
    schedule = DeliverySchedule.create(party=party, name="Weekdays")
    run(company.update_supplier_defaults, admin, party, **_defaults(party, schedule_id=schedule.id))
    saved = reload(party)
    assert saved.default_min_order_minor == 15000
    assert saved.default_credit_limit_minor == 500000
    assert saved.default_payment_terms_days == 30
    assert saved.default_schedule_id == schedule.id
    defaults = company.supplier_defaults(saved)
    assert defaults.min_order == Decimal("150.00") and defaults.schedule.name == "Weekdays"
    (entry,) = entries(party, "defaults")
    assert changes_of(entry) == {
        "defaults.min_order": (None, {"money": "150.00", "currency": "EUR"}),
        "defaults.credit_limit": (None, {"money": "5000.00", "currency": "EUR"}),
        "defaults.payment_terms_days": (None, 30),
        "defaults.schedule": (None, "Weekdays"),
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"min_order": Decimal("-1")}, "min_order"),
        ({"credit_limit": Decimal("1.005")}, "credit_limit"),
        ({"credit_limit": Decimal("2000000000")}, "credit_limit"),
        ({"payment_terms_days": 366}, "payment_terms_days"),
        ({"schedule_id": "theirs"}, "schedule"),
    ],
)
def test_bad_supplier_defaults_write_nothing(run, shop, overrides, field):
    party = shop["party"]
    theirs = DeliverySchedule.create(party=shop["other"], name="Theirs")
    if overrides.get("schedule_id") == "theirs":
        overrides["schedule_id"] = theirs.id
    with pytest.raises(DomainError) as refused:
        run(company.update_supplier_defaults, shop["admin"], party, **_defaults(party, **overrides))
    assert refused.value.field == field
    saved = reload(party)
    assert saved.default_min_order_minor is None and saved.default_schedule_id is None
    assert saved.version == 1 and entries(party) == []


def test_stale_supplier_defaults_are_refused(run, shop):
    party, admin = shop["party"], shop["admin"]
    fields = _defaults(party)
    run(company.update_supplier_defaults, admin, party, **fields)
    with pytest.raises(company.StaleForm):
        run(company.update_supplier_defaults, admin, party, **{**fields, "payment_terms_days": 60})
    assert reload(party).default_payment_terms_days == 30


# --- demo (F45) ----------------------------------------------------------------------------


def test_demo_has_a_campus_a_bank_account_and_supplier_defaults(app):
    from models.demo import load_demo

    parties = load_demo()
    lists = company.addresses_of(parties["valcarcel"])
    assert len(lists["invoice"]) == 1
    campus = lists["delivery"][0]
    assert campus.is_default and len(campus.delivery_points) >= 3
    brouwer = reload(parties["brouwer"])
    assert company.bank_account_of(brouwer).iban == "NL91ABNA0417164300"
    defaults = company.supplier_defaults(brouwer)
    assert defaults.min_order == Decimal("150.00") and defaults.payment_terms_days == 30
    schedules = company.party_schedules(brouwer)
    if schedules:
        assert defaults.schedule.id in {s.id for s in schedules}


# --- HTTP: the page ------------------------------------------------------------------------


def test_admin_sees_the_page_and_htmx_gets_a_fragment(client, login, shop, run):
    party = shop["party"]
    run(company.add_address, shop["admin"], party, kind="delivery", **ADDRESS)
    run(company.save_bank_account, shop["admin"], party, iban="NL91ABNA0417164300")
    login(shop["admin"])
    page = client.get(f"{base(party)}/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<html" in html and "Company settings" in html
    assert "Edit profile" in html and "Add delivery address" in html
    assert "NL91 ABNA 0417 1643 00" in html
    fragment = client.get(f"{base(party)}/", headers=HX)
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert 'id="company-settings"' in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]


@pytest.mark.parametrize("role", ["employee", "supervisor"])
def test_others_see_read_only_with_masked_iban(client, login, shop, run, make_member, role):
    party = shop["party"]
    run(company.add_address, shop["admin"], party, kind="delivery", **ADDRESS)
    run(company.save_bank_account, shop["admin"], party, iban="NL91ABNA0417164300")
    login(make_member(party, role))
    html = client.get(f"{base(party)}/").get_data(as_text=True)
    assert "NL91 •••• •••• •••• 4300" in html
    assert "ABNA 0417" not in html
    assert "Edit profile" not in html and "Add delivery address" not in html
    assert "Make default" not in html and "/edit" not in html


def test_employee_cannot_post_anything(client, login, shop, run):
    party = shop["party"]
    address = run(company.add_address, shop["admin"], party, kind="delivery", **ADDRESS)
    point = run(company.add_delivery_point, shop["admin"], party, address.id, name="Dock")
    login(shop["employee"])
    urls = [
        "/profile",
        "/addresses",
        f"/addresses/{address.id}",
        f"/addresses/{address.id}/default",
        f"/addresses/{address.id}/delete",
        f"/addresses/{address.id}/points",
        f"/points/{point.id}",
        f"/points/{point.id}/delete",
        "/bank",
        "/bank/delete",
        "/defaults",
    ]
    for url in urls:
        response = client.post(
            base(party) + url, data={**ADDRESS, "name": "X", "iban": "NL91ABNA0417164300"}
        )
        assert response.status_code == 403, url
    for url in ["/profile/edit", f"/addresses/{address.id}/edit", "/bank/edit", "/defaults/edit"]:
        assert client.get(base(party) + url).status_code == 403, url
    assert Address.select().count() == 1 and DeliveryPoint.select().count() == 1
    assert BankAccount.select().count() == 0
    assert len(entries(party)) == 2


# --- HTTP: profile -------------------------------------------------------------------------


def test_profile_edit_in_place_and_on_its_own_page(client, login, shop):
    party = shop["party"]
    login(shop["admin"])
    full = client.get(f"{base(party)}/profile/edit")
    assert full.status_code == 200 and "<html" in full.get_data(as_text=True)
    assert 'name="legal_name"' in full.get_data(as_text=True)
    region = client.get(f"{base(party)}/profile/edit", headers=HX)
    html = region.get_data(as_text=True)
    assert region.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section class="card" id="company-profile"')
    assert 'name="version" type="hidden" value="1"' in html


def test_profile_saved_plain_and_with_htmx(client, login, shop):
    party = shop["party"]
    login(shop["admin"])
    plain = client.post(f"{base(party)}/profile", data=profile_data(party, phone="+31 20 555 0142"))
    assert plain.status_code == 303 and plain.headers["Location"].endswith("#company-profile")
    assert reload(party).phone == "+31 20 555 0142"
    hx = client.post(
        f"{base(party)}/profile",
        data=profile_data(party, vat_number="NL 004495445 B01", currency="USD"),
        headers=HX,
    )
    assert hx.status_code == 200
    assert "<html" not in hx.get_data(as_text=True)
    assert "The company profile is saved." in text_of(hx)
    assert "NL004495445B01" in text_of(hx)
    assert reload(party).currency == "USD"
    assert len(entries(party, "company")) == 2


def test_renaming_reloads_the_whole_page(client, login, shop):
    party = shop["party"]
    login(shop["admin"])
    response = client.post(
        f"{base(party)}/profile", data=profile_data(party, display_name="Brouwer & Co"), headers=HX
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].endswith(f"{base(party)}/#company-profile")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"vat_number": "NL004495446B01"}, "This is not a valid VAT number for Netherlands."),
        ({"email": "not-an-email"}, "Invalid email address."),
        ({"currency": "DEM"}, "Choose a currency from the list."),
        ({"country": "XX"}, "Choose a country from the list."),
        ({"legal_name": ""}, "This field is required."),
        ({"phone": "call me"}, "Enter a phone number"),
    ],
)
def test_bad_profile_input_is_422_on_the_field(client, login, shop, overrides, message):
    party = shop["party"]
    login(shop["admin"])
    for headers in ({}, HX):
        response = client.post(
            f"{base(party)}/profile", data=profile_data(party, **overrides), headers=headers
        )
        assert response.status_code == 422
        assert message in text_of(response)
        assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert reload(party).version == 1 and entries(party) == []


def test_stale_profile_form_answers_409_and_keeps_the_newer_values(client, login, shop, run):
    party = shop["party"]
    login(shop["admin"])
    stale = profile_data(party, legal_name="Mine B.V.")
    run(
        company.update_company_profile,
        shop["admin"],
        party,
        **_profile(party, legal_name="Theirs B.V."),
    )
    response = client.post(f"{base(party)}/profile", data=stale, headers=HX)
    assert response.status_code == 409
    text = text_of(response)
    assert "Someone else changed these company details" in text
    assert "Saved meanwhile: Legal name Theirs B.V." in text
    assert 'value="Mine B.V."' in response.get_data(as_text=True)  # what they typed is kept
    assert 'name="version" type="hidden" value="2"' in response.get_data(as_text=True)
    assert reload(party).legal_name == "Theirs B.V."
    plain = client.post(f"{base(party)}/profile", data=stale)
    assert plain.status_code == 409 and "<html" in plain.get_data(as_text=True)
    assert reload(party).legal_name == "Theirs B.V."


# --- HTTP: addresses -----------------------------------------------------------------------


def test_add_address_form_opens_in_place_or_on_the_page(client, login, shop):
    party = shop["party"]
    login(shop["admin"])
    full = client.get(f"{base(party)}/addresses/new?kind=invoice")
    assert full.status_code == 200 and "<html" in full.get_data(as_text=True)
    assert "New invoice address" in text_of(full)
    region = client.get(f"{base(party)}/addresses/new?kind=delivery", headers=HX)
    html = region.get_data(as_text=True)
    assert "<html" not in html and 'id="addresses-delivery"' in html
    assert "New delivery address" in text_of(region)


def test_add_address_with_htmx_and_without(client, login, shop):
    party = shop["party"]
    login(shop["admin"])
    hx = client.post(f"{base(party)}/addresses", data={**ADDRESS, "kind": "delivery"}, headers=HX)
    assert hx.status_code == 200
    html = hx.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith(
        '<section class="address-list" id="addresses-delivery"'
    )
    assert "The address is added." in text_of(hx) and "1014 AK Amsterdam" in text_of(hx)
    assert "Default" in text_of(hx)
    plain = client.post(f"{base(party)}/addresses", data={**ADDRESS, "kind": "invoice"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith("#addresses-invoice")
    assert [a.kind for a in Address.select().order_by(Address.id)] == ["delivery", "invoice"]
    assert len(entries(party, "address")) == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"postal_code": "10115", "country": "NL"},
            "Enter the postal code in the format 1234 AB (Netherlands).",
        ),
        ({"postal_code": "1234", "country": "DE"}, "format 12345 (Germany)"),
        ({"street": ""}, "This field is required."),
        ({"country": "ZZ"}, "Choose a country from the list."),
        ({"kind": "warehouse"}, "Choose invoice or delivery address."),
    ],
)
def test_bad_address_is_422_and_writes_nothing(client, login, shop, overrides, message):
    party = shop["party"]
    login(shop["admin"])
    data = {**ADDRESS, "kind": "delivery", **overrides}
    for headers in ({}, HX):
        response = client.post(f"{base(party)}/addresses", data=data, headers=headers)
        assert response.status_code == 422
        assert message in text_of(response)
    assert Address.select().count() == 0 and entries(party) == []


def test_edit_address_in_place(client, login, shop, run):
    party = shop["party"]
    address = run(company.add_address, shop["admin"], party, kind="invoice", **ADDRESS)
    login(shop["admin"])
    url = f"{base(party)}/addresses/{address.id}"
    full = client.get(f"{url}/edit")
    assert full.status_code == 200 and "<html" in full.get_data(as_text=True)
    region = client.get(f"{url}/edit", headers=HX)
    html = region.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith(
        f'<li class="address is-default" id="address-{address.id}"'
    )
    assert 'value="Transformatorweg 30"' in html
    bad = client.post(url, data={**ADDRESS, "postal_code": "x"}, headers=HX)
    assert bad.status_code == 422 and "1234 AB" in text_of(bad)
    saved = client.post(url, data={**ADDRESS, "city": "Zaandam"}, headers=HX)
    assert saved.status_code == 200 and "The address is saved." in text_of(saved)
    assert "Zaandam" in text_of(saved)
    plain = client.post(url, data={**ADDRESS, "city": "Haarlem"})
    assert plain.status_code == 303
    assert Address.get_by_id(address.id).city == "Haarlem"


def test_make_default_swaps_the_list(client, login, shop, run):
    party = shop["party"]
    first = run(company.add_address, shop["admin"], party, kind="delivery", **ADDRESS)
    second = run(
        company.add_address, shop["admin"], party, kind="delivery", **{**ADDRESS, "label": "Annex"}
    )
    login(shop["admin"])
    response = client.post(f"{base(party)}/addresses/{second.id}/default", headers=HX)
    assert response.status_code == 200
    assert "This is now the default delivery address." in text_of(response)
    assert 'id="addresses-delivery"' in response.get_data(as_text=True)
    assert Address.get_by_id(second.id).is_default and not Address.get_by_id(first.id).is_default
    plain = client.post(f"{base(party)}/addresses/{first.id}/default")
    assert plain.status_code == 303 and Address.get_by_id(first.id).is_default


def test_deleting_the_default_is_refused_with_a_message(client, login, shop, run):
    party = shop["party"]
    default = run(company.add_address, shop["admin"], party, kind="invoice", **ADDRESS)
    other = run(
        company.add_address, shop["admin"], party, kind="invoice", **{**ADDRESS, "label": "Old"}
    )
    login(shop["admin"])
    refused = client.post(f"{base(party)}/addresses/{default.id}/delete", headers=HX)
    assert refused.status_code == 409
    assert "The default invoice address cannot be deleted" in text_of(refused)
    plain = client.post(f"{base(party)}/addresses/{default.id}/delete")
    assert plain.status_code == 409 and "<html" in plain.get_data(as_text=True)
    assert Address.select().count() == 2
    deleted = client.post(f"{base(party)}/addresses/{other.id}/delete", headers=HX)
    assert deleted.status_code == 200 and "The address is deleted." in text_of(deleted)
    assert Address.select().count() == 1


def test_another_partys_address_and_point_ids_answer_404(client, login, shop, run):
    other, other_admin = shop["other"], shop["other_admin"]
    theirs = run(company.add_address, other_admin, other, kind="delivery", **ADDRESS)
    their_point = run(company.add_delivery_point, other_admin, other, theirs.id, name="Dock")
    before = len(entries(other))
    login(shop["admin"])
    mine = base(shop["party"])
    gets = [
        f"/addresses/{theirs.id}/edit",
        f"/addresses/{theirs.id}/points/new",
        f"/points/{their_point.id}/edit",
    ]
    posts = [
        f"/addresses/{theirs.id}",
        f"/addresses/{theirs.id}/default",
        f"/addresses/{theirs.id}/delete",
        f"/addresses/{theirs.id}/points",
        f"/points/{their_point.id}",
        f"/points/{their_point.id}/delete",
    ]
    for headers in ({}, HX):
        for url in gets:
            assert client.get(mine + url, headers=headers).status_code == 404, url
        for url in posts:
            data = {**ADDRESS, "name": "Mine now", "address": str(theirs.id)}
            assert client.post(mine + url, data=data, headers=headers).status_code == 404, url
    assert Address.get_by_id(theirs.id).label == "Main warehouse"
    assert DeliveryPoint.get_by_id(their_point.id).name == "Dock"
    assert len(entries(other)) == before and entries(shop["party"]) == []


# --- HTTP: delivery points -----------------------------------------------------------------


def test_delivery_points_in_place(client, login, shop, run):
    party = shop["party"]
    address = run(company.add_address, shop["admin"], party, kind="delivery", **ADDRESS)
    login(shop["admin"])
    points = f"{base(party)}/addresses/{address.id}/points"
    opened = client.get(f"{points}/new", headers=HX)
    assert opened.status_code == 200 and "New delivery point" in text_of(opened)
    assert "<html" in client.get(f"{points}/new").get_data(as_text=True)
    empty = client.post(points, data={"name": ""}, headers=HX)
    assert empty.status_code == 422 and "This field is required." in text_of(empty)
    added = client.post(
        points, data={"name": "Building 3, goods entrance", "instructions": "Ring"}, headers=HX
    )
    html = added.get_data(as_text=True)
    assert added.status_code == 200 and html.lstrip().startswith(
        f'<div class="points" id="points-{address.id}"'
    )
    assert "Building 3, goods entrance" in text_of(added)
    plain = client.post(points, data={"name": "Building 5"})
    assert plain.status_code == 303
    point = DeliveryPoint.get(DeliveryPoint.name == "Building 5")
    edit = client.get(f"{base(party)}/points/{point.id}/edit", headers=HX)
    assert (
        edit.get_data(as_text=True).lstrip().startswith(f'<li class="point" id="point-{point.id}"')
    )
    saved = client.post(
        f"{base(party)}/points/{point.id}",
        data={"name": "Building 5, kitchen", "instructions": "", "address": str(address.id)},
        headers=HX,
    )
    assert saved.status_code == 200 and "Building 5, kitchen" in text_of(saved)
    gone = client.post(f"{base(party)}/points/{point.id}/delete", headers=HX)
    assert gone.status_code == 200 and "The delivery point is deleted." in text_of(gone)
    assert [p.name for p in DeliveryPoint.select()] == ["Building 3, goods entrance"]
    assert [e.action for e in entries(party, "delivery_point")] == [
        "create",
        "create",
        "update",
        "delete",
    ]


def test_moving_a_point_to_another_partys_address_is_a_field_error(client, login, shop, run):
    party = shop["party"]
    mine = run(company.add_address, shop["admin"], party, kind="delivery", **ADDRESS)
    annex = run(
        company.add_address, shop["admin"], party, kind="delivery", **{**ADDRESS, "label": "Annex"}
    )
    theirs = run(
        company.add_address, shop["other_admin"], shop["other"], kind="delivery", **ADDRESS
    )
    point = run(company.add_delivery_point, shop["admin"], party, mine.id, name="Dock")
    login(shop["admin"])
    url = f"{base(party)}/points/{point.id}"
    response = client.post(url, data={"name": "Dock", "address": str(theirs.id)}, headers=HX)
    assert response.status_code == 422
    assert "Choose one of your delivery addresses." in text_of(response)
    assert DeliveryPoint.get_by_id(point.id).address_id == mine.id
    moved = client.post(url, data={"name": "Dock", "address": str(annex.id)}, headers=HX)
    assert moved.status_code == 200 and moved.headers["HX-Retarget"] == "#addresses-delivery"
    assert DeliveryPoint.get_by_id(point.id).address_id == annex.id


def test_points_cannot_go_into_an_invoice_address(client, login, shop, run):
    party = shop["party"]
    invoice = run(company.add_address, shop["admin"], party, kind="invoice", **ADDRESS)
    login(shop["admin"])
    response = client.post(f"{base(party)}/addresses/{invoice.id}/points", data={"name": "Dock"})
    assert response.status_code == 404 and DeliveryPoint.select().count() == 0


# --- HTTP: bank account --------------------------------------------------------------------


def test_bank_account_in_place(client, login, shop):
    party = shop["party"]
    login(shop["admin"])
    form = client.get(f"{base(party)}/bank/edit", headers=HX)
    assert form.status_code == 200 and "<html" not in form.get_data(as_text=True)
    assert 'value="Brouwer B.V."' in form.get_data(as_text=True)  # holder suggested
    assert "<html" in client.get(f"{base(party)}/bank/edit").get_data(as_text=True)
    for data, message in [
        ({"iban": "NL91ABNA0417164301"}, "This is not a valid IBAN."),
        ({"iban": ""}, "This field is required."),
        ({"iban": "NL91ABNA0417164300", "bic": "ABN"}, "This is not a valid BIC"),
    ]:
        response = client.post(f"{base(party)}/bank", data=data, headers=HX)
        assert response.status_code == 422 and message in text_of(response)
    assert BankAccount.select().count() == 0
    saved = client.post(
        f"{base(party)}/bank",
        data={"holder": "Brouwer B.V.", "iban": "nl91 abna 0417 1643 00", "bic": "abnanl2a"},
        headers=HX,
    )
    assert saved.status_code == 200 and "NL91 ABNA 0417 1643 00" in text_of(saved)
    assert company.bank_account_of(party).bic == "ABNANL2A"
    plain = client.post(f"{base(party)}/bank/delete")
    assert plain.status_code == 303 and BankAccount.select().count() == 0
    nothing = client.post(f"{base(party)}/bank/delete", headers=HX)
    assert nothing.status_code == 200 and "There is no bank account to remove." in text_of(nothing)
    assert [e.action for e in entries(party, "bank_account")] == ["create", "delete"]


# --- HTTP: supplier defaults ---------------------------------------------------------------


def defaults_data(party, **overrides):
    data = {
        "version": str(reload(party).version),
        "min_order": "150,00",
        "credit_limit": "5000",
        "payment_terms_days": "30",
        "schedule": "",
    }
    data.update(overrides)
    return data


def test_supplier_defaults_in_place(client, login, shop):
    party = shop["party"]
    schedule = DeliverySchedule.create(party=party, name="Weekdays")
    login(shop["admin"])
    form = client.get(f"{base(party)}/defaults/edit", headers=HX)
    assert form.status_code == 200 and "Weekdays" in text_of(form)
    assert "<html" in client.get(f"{base(party)}/defaults/edit").get_data(as_text=True)
    saved = client.post(
        f"{base(party)}/defaults", data=defaults_data(party, schedule=str(schedule.id)), headers=HX
    )
    assert saved.status_code == 200
    text = text_of(saved)
    assert "€150.00" in text and "€5,000.00" in text and "30 days" in text and "Weekdays" in text
    assert reload(party).default_min_order_minor == 15000
    plain = client.post(f"{base(party)}/defaults", data=defaults_data(party, min_order=""))
    assert plain.status_code == 303 and reload(party).default_min_order_minor is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"min_order": "-10"}, "The amount cannot be negative."),
        ({"credit_limit": "1.000"}, "Use at most 2 decimals for EUR."),
        ({"credit_limit": "1e9"}, "Enter an amount in digits"),
        ({"payment_terms_days": "400"}, "Enter between 0 and 365 days."),
        ({"payment_terms_days": "soon"}, "Not a valid integer value."),
        ({"schedule": "theirs"}, "Choose one of your delivery schedules."),
    ],
)
def test_bad_supplier_defaults_are_422(client, login, shop, overrides, message):
    party = shop["party"]
    theirs = DeliverySchedule.create(party=shop["other"], name="Theirs")
    if overrides.get("schedule") == "theirs":
        overrides["schedule"] = str(theirs.id)
    login(shop["admin"])
    response = client.post(
        f"{base(party)}/defaults", data=defaults_data(party, **overrides), headers=HX
    )
    assert response.status_code == 422
    assert message in text_of(response)
    saved = reload(party)
    assert saved.default_credit_limit_minor is None and saved.default_schedule_id is None
    assert entries(party) == []


def test_stale_supplier_defaults_answer_409(client, login, shop):
    party = shop["party"]
    login(shop["admin"])
    stale = defaults_data(party, payment_terms_days="60")
    assert client.post(f"{base(party)}/defaults", data=defaults_data(party)).status_code == 303
    response = client.post(f"{base(party)}/defaults", data=stale, headers=HX)
    assert response.status_code == 409
    assert "Saved meanwhile: Default payment terms (days) 30" in text_of(response)
    assert reload(party).default_payment_terms_days == 30


def test_currency_change_is_refused_while_money_defaults_are_set(run, shop):
    """Stored amounts are minor units of the old currency: no silent €10.50 -> ¥1,050."""
    party, admin = shop["party"], shop["admin"]
    party.default_min_order_minor = 1050
    party.save()
    with pytest.raises(DomainError) as refused:
        run(company.update_company_profile, admin, party, **_profile(party, currency="JPY"))
    assert refused.value.field == "currency"
    assert (reload(party).currency, reload(party).default_min_order_minor) == ("EUR", 1050)
    party = reload(party)
    party.default_min_order_minor = None
    party.save()
    run(company.update_company_profile, admin, party, **_profile(reload(party), currency="JPY"))
    assert reload(party).currency == "JPY"


def test_addresses_read_compactly_until_managed(client, login, shop, run):
    """An address shows its lines, its points' names and one Manage button; managed (by link,
    or htmx in place) it shows its actions and its points' actions; Done reads compactly
    again. A member who may not edit sees no button at all."""
    party, admin = shop["party"], shop["admin"]
    run(company.add_address, admin, party, kind="invoice", **ADDRESS)
    dock = run(company.add_address, admin, party, kind="delivery", **{**ADDRESS, "label": "Dock"})
    depot = run(company.add_address, admin, party, kind="delivery", **{**ADDRESS, "label": "Depot"})
    point = run(company.add_delivery_point, admin, party, dock.id, name="Building 3")
    url = f"{base(party)}/"
    edit_point = f'href="{base(party)}/points/{point.id}/edit"'
    edit_dock = f'href="{base(party)}/addresses/{dock.id}/edit"'

    login(admin)
    html = client.get(url).get_data(as_text=True)
    assert "Building 3" in html
    assert edit_point not in html and edit_dock not in html
    assert f"/addresses/{depot.id}/default" not in html
    assert "/points/" not in html and "addresses/" not in html.replace("addresses/new", "")
    assert html.count('data-testid="manage-address"') == 3
    assert f'href="{url}?manage={dock.id}#address-{dock.id}"' in html

    managed = client.get(f"{url}?manage={dock.id}").get_data(as_text=True)  # no JavaScript
    assert "<html" in managed
    assert edit_point in managed and edit_dock in managed
    assert f'action="{base(party)}/points/{point.id}/delete/confirm"' in managed
    assert f'action="{base(party)}/addresses/{depot.id}/default"' not in managed
    assert managed.count('data-testid="manage-address"') == 2

    target = {"HX-Request": "true", "HX-Target": f"address-{dock.id}"}
    region = client.get(f"{url}?manage={dock.id}", headers=target)
    assert "<html" not in region.get_data(as_text=True)
    assert edit_point in region.get_data(as_text=True)
    assert 'data-testid="manage-done"' in region.get_data(as_text=True)
    done = client.get(url, headers=target).get_data(as_text=True)
    assert edit_point not in done and 'data-testid="manage-address"' in done

    # after an action the address stays managed: in place, and after a no-JS redirect
    saved = client.post(
        f"{base(party)}/points/{point.id}",
        data={"name": "Building 4", "instructions": "", "address": str(dock.id), "version": "1"},
    )
    assert saved.status_code == 303
    assert f"manage={dock.id}#point-{point.id}" in saved.headers["Location"]

    login(shop["employee"])
    html = client.get(url).get_data(as_text=True)
    assert "Building 4" in html and 'data-testid="manage-address"' not in html
    assert "Building 4" in client.get(f"{url}?manage={dock.id}").get_data(as_text=True)
    assert edit_point not in client.get(f"{url}?manage={dock.id}").get_data(as_text=True)


@pytest.mark.parametrize(
    "region, shown, absent",
    [
        ("company-profile", "Legal name", ("company-bank", "company-addresses")),
        ("company-bank", "Add bank account", ("company-profile", "company-addresses")),
        ("company-defaults", "Minimum order value", ("company-bank", "company-addresses")),
    ],
)
def test_a_cards_cancel_gets_the_card_alone(client, login, shop, run, region, shown, absent):
    """Cancel on a card's form swaps the card back (htmx targets its id): the answer is that
    card, not the whole settings region with every address for htmx to pick from."""
    party, admin = shop["party"], shop["admin"]
    run(company.add_address, admin, party, kind="delivery", **ADDRESS)
    login(admin)
    response = client.get(f"{base(party)}/", headers={**HX, "HX-Target": region})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{region}"' in html and shown in html
    assert "<html" not in html and "Transformatorweg" not in html
    for other in absent:
        assert f'id="{other}"' not in html
