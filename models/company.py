"""Company settings (F7-F11): profile, addresses with delivery points, bank account and
supplier defaults. Tables here; the verbs over them below the tables."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import get_currency_precision, get_territory_currencies
from flask_babel import lazy_gettext as _l
from peewee import SQL, BooleanField, CharField, DateTimeField, ForeignKeyField, TextField, prefetch
from stdnum import bic as stdnum_bic
from stdnum import get_cc_module
from stdnum import iban as stdnum_iban
from stdnum.eu.vat import MEMBER_STATES
from stdnum.exceptions import ValidationError as StdnumError

from . import audit
from .base import BaseModel, DomainError, NotFound, from_minor, to_minor, transaction, utcnow
from .parties import CUSTOMER_TYPE_LABELS, CUSTOMER_TYPES, LANGUAGE_CODES, Party, User

ADDRESS_KINDS = ("invoice", "delivery")
ADDRESS_KIND_LABELS = {"invoice": _l("Invoice address"), "delivery": _l("Delivery address")}


class Address(BaseModel):
    """An invoice or delivery address of a party; one default of each kind."""

    party = ForeignKeyField(Party, backref="addresses", on_delete="CASCADE")
    kind = CharField(max_length=16)
    label = CharField(max_length=120, default="")
    recipient = CharField(max_length=200, default="")
    street = CharField(max_length=200)
    street2 = CharField(max_length=200, default="")
    postal_code = CharField(max_length=20)
    city = CharField(max_length=120)
    region = CharField(max_length=120, default="")
    country = CharField(max_length=2)
    is_default = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)

    @property
    def kind_label(self):
        return ADDRESS_KIND_LABELS.get(self.kind, self.kind)

    @property
    def summary(self) -> str:
        """One line naming the address: its label, else street and city."""
        place = ", ".join(part for part in (self.street, f"{self.postal_code} {self.city}") if part)
        return f"{self.label} ({place})" if self.label else place


# Migration 0003: at most one default address of each kind per party, enforced by the database.
Address.add_index(
    Address.party, Address.kind, unique=True, where=SQL("is_default"), name="address_one_default"
)


class DeliveryPoint(BaseModel):
    """A building, dock or room inside a delivery address ("Building 3, goods entrance")."""

    address = ForeignKeyField(Address, backref="delivery_points", on_delete="CASCADE")
    name = CharField(max_length=120)
    instructions = TextField(default="")
    created_at = DateTimeField(default=utcnow)


class BankAccount(BaseModel):
    """Where a supplier receives payouts (F10)."""

    party = ForeignKeyField(Party, unique=True, backref="+", on_delete="CASCADE")
    holder = CharField(max_length=200, default="")
    iban = CharField(max_length=34)
    bic = CharField(max_length=11, default="")
    updated_at = DateTimeField(default=utcnow)

    @property
    def iban_formatted(self) -> str:
        return format_iban(self.iban)

    @property
    def iban_masked(self) -> str:
        return mask_iban(self.iban)


# --- field labels of the audit log ---------------------------------------------------------

audit.register_fields(
    {
        "company.legal_name": _l("Legal name"),
        "company.display_name": _l("Display name"),
        "company.customer_type": _l("Customer type"),
        "company.vat_number": _l("VAT number"),
        "company.country": _l("Country"),
        "company.language": _l("Language"),
        "company.currency": _l("Currency"),
        "company.email": _l("Email address"),
        "company.phone": _l("Phone"),
        "address.kind": _l("Kind of address"),
        "address.label": _l("Address name"),
        "address.recipient": _l("Recipient"),
        "address.street": _l("Street and number"),
        "address.street2": _l("Address line 2"),
        "address.postal_code": _l("Postal code"),
        "address.city": _l("City"),
        "address.region": _l("Region or province"),
        "address.country": _l("Country"),
        "address.default": _l("Default address"),
        "address.delivery_points": _l("Delivery points"),
        "delivery_point.name": _l("Delivery point"),
        "delivery_point.instructions": _l("Instructions"),
        "delivery_point.address": _l("Delivery address"),
        "bank_account.holder": _l("Account holder"),
        "bank_account.iban": _l("IBAN"),
        "bank_account.bic": _l("BIC"),
        "defaults.min_order": _l("Default minimum order value"),
        "defaults.credit_limit": _l("Default credit limit"),
        "defaults.payment_terms_days": _l("Default payment terms (days)"),
        "defaults.schedule": _l("Default delivery schedule"),
    }
)
audit.register_values("company.customer_type", CUSTOMER_TYPE_LABELS)
audit.register_values("address.kind", ADDRESS_KIND_LABELS)


# --- pure rules: countries, currencies, VAT numbers, postal codes, IBAN, BIC ---------------

_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}


@lru_cache(maxsize=1)
def known_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes Babel knows as countries."""
    return frozenset(
        code
        for code in Locale("en").territories
        if len(code) == 2 and code.isalpha() and code.isupper() and code not in _NOT_COUNTRIES
    )


@lru_cache(maxsize=1)
def currencies_in_use() -> frozenset[str]:
    """Currencies that are legal tender somewhere today (no historical ones)."""
    codes = set()
    for country in known_countries():
        codes.update(get_territory_currencies(country, tender=True, non_tender=False))
    return frozenset(codes)


class _CountryName:
    """A country's name in the user's language, looked up when the message is shown."""

    def __init__(self, code: str):
        self.code = code

    def __str__(self) -> str:
        from flask_babel import get_locale

        try:
            return get_locale().territories.get(self.code, self.code)
        except Exception:  # no request: the code is still a fine name
            return self.code


# VAT numbers of these countries are written with their country prefix (Greece: EL).
_VAT_PREFIXED = {cc.upper() for cc in MEMBER_STATES if cc != "xi"} | {"GB"}
_VAT_PREFIX = {"GR": "EL"}
_VAT_COUNTRY_PREFIXES = _VAT_PREFIXED | {"EL", "CH", "NO"}
_VAT_SANE = re.compile(r"^[A-Z0-9]{4,20}$")


def normalise_vat(number: str, country: str) -> str:
    """A VAT number checked with its country's checksum, in compact form ("NL004495445B01").

    Empty stays empty (the number is optional). Countries without a checksum rule in stdnum
    accept 4-20 letters and digits.
    """
    raw = re.sub(r"[\s.\-/]", "", number or "").upper()
    if not raw:
        return ""
    country = (country or "").upper()
    prefix = _VAT_PREFIX.get(country, country)

    def invalid() -> DomainError:
        return DomainError(
            _l("This is not a valid VAT number for %(country)s."),
            "vat_number",
            country=_CountryName(country),
        )

    module = get_cc_module(country.lower(), "vat") if country.isalpha() else None
    if module is None:
        if not _VAT_SANE.match(raw):
            raise invalid()
        return raw
    if raw[:2] in _VAT_COUNTRY_PREFIXES and raw[:2] not in (prefix, country):
        raise invalid()  # another country's number
    try:
        compact = module.validate(raw)
    except (StdnumError, ValueError, TypeError):
        raise invalid() from None
    if country in _VAT_PREFIXED and not compact.startswith(prefix):
        compact = prefix + compact
    return compact[:32]


# Postal code rules of common countries: (pattern, normaliser, format shown in the message).
def _nl(m):
    return f"{m.group(1)} {m.group(2).upper()}"


def _se(m):
    return f"{m.group(1)} {m.group(2)}"


def _gb(m):
    return f"{m.group(1).upper()} {m.group(2).upper()}"


def _same(m):
    return m.group(0).upper()


_FIVE = (re.compile(r"^\d{5}$"), _same, "12345")
_FOUR = (re.compile(r"^\d{4}$"), _same, "1234")
POSTAL_RULES = {
    "NL": (re.compile(r"^([1-9]\d{3})\s?([A-Za-z]{2})$"), _nl, "1234 AB"),
    "DE": _FIVE,
    "FR": _FIVE,
    "ES": _FIVE,
    "IT": _FIVE,
    "BE": _FOUR,
    "AT": _FOUR,
    "DK": _FOUR,
    "CH": _FOUR,
    "SE": (re.compile(r"^(\d{3})\s?(\d{2})$"), _se, "123 45"),
    "GB": (
        re.compile(r"^([A-Za-z]{1,2}\d[A-Za-z\d]?)\s*(\d[A-Za-z]{2})$"),
        _gb,
        "SW1A 1AA",
    ),
    "US": (re.compile(r"^\d{5}(-\d{4})?$"), _same, "12345 / 12345-6789"),
}
_POSTAL_OTHER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]{0,8}[A-Za-z0-9]$")


def normalise_postal_code(code: str, country: str) -> str:
    """A postal code checked against its country's format, written the usual way."""
    code = re.sub(r"\s+", " ", (code or "").strip())
    rule = POSTAL_RULES.get((country or "").upper())
    if rule is None:
        if not _POSTAL_OTHER.match(code):
            raise DomainError(
                _l("Enter a postal code of 2 to 10 letters, digits, spaces or dashes."),
                "postal_code",
            )
        return code.upper()
    pattern, normalise, shown = rule
    match = pattern.match(code)
    if not match:
        raise DomainError(
            _l("Enter the postal code in the format %(format)s (%(country)s)."),
            "postal_code",
            format=shown,
            country=_CountryName(country.upper()),
        )
    return normalise(match)


def normalise_iban(value: str) -> str:
    """An IBAN checked (country format and check digits), in compact form."""
    try:
        return stdnum_iban.validate(value or "")
    except (StdnumError, ValueError, TypeError):
        raise DomainError(
            _l("This is not a valid IBAN. Please check it against a bank statement."), "iban"
        ) from None


def normalise_bic(value: str) -> str:
    """A BIC (SWIFT code) of 8 or 11 characters, checked; empty when not given."""
    if not (value or "").strip():
        return ""
    try:
        return stdnum_bic.validate(value)
    except (StdnumError, ValueError, TypeError):
        raise DomainError(
            _l("This is not a valid BIC: 8 or 11 letters and digits, like ABNANL2A."), "bic"
        ) from None


def format_iban(iban: str) -> str:
    """An IBAN in groups of four, as printed on statements."""
    return stdnum_iban.format(iban) if iban else ""


def mask_iban(iban: str) -> str:
    """Only the country code with check digits and the last four characters
    ("NL91 •••• •••• •••• 4300")."""
    if not iban:
        return ""
    compact = stdnum_iban.compact(iban)
    if len(compact) <= 8:
        return "•" * len(compact)
    hidden = -(-(len(compact) - 8) // 4)
    return " ".join([compact[:4], *["••••"] * hidden, compact[-4:]])


# Supplier defaults: sensible bounds for the amounts and the payment terms.
MAX_AMOUNT = Decimal("1000000000")  # a billion in the party's currency is no real default
MAX_PAYMENT_TERMS_DAYS = 365


def check_amount(amount: Decimal | None, currency: str, field: str) -> int | None:
    """A money amount as minor units, refused when negative, absurd or too precise."""
    if amount is None:
        return None
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise DomainError(_l("Enter an amount."), field)
    if amount < 0:
        raise DomainError(_l("The amount cannot be negative."), field)
    if amount > MAX_AMOUNT:
        raise DomainError(_l("This amount is too large."), field)
    digits = get_currency_precision(currency)
    if amount.as_tuple().exponent < -digits:
        raise DomainError(
            _l("Use at most %(digits)s decimals for %(currency)s."),
            field,
            digits=digits,
            currency=currency,
        )
    return to_minor(amount, currency)


# --- errors --------------------------------------------------------------------------------


class StaleForm(DomainError):
    """The record changed since the form was loaded (someone else saved meanwhile)."""


# --- scopes --------------------------------------------------------------------------------


def address_of(party: Party, address_id) -> Address:
    """The party's address with this id, or NotFound (another party's id included)."""
    try:
        address_id = int(address_id)
    except (TypeError, ValueError):
        raise NotFound(_l("This address does not exist.")) from None
    address = Address.get_or_none(Address.id == address_id, Address.party == party)
    if address is None:
        raise NotFound(_l("This address does not exist."))
    return address


def delivery_point_of(party: Party, point_id) -> DeliveryPoint:
    """The party's delivery point with this id (its address loaded), or NotFound."""
    try:
        point_id = int(point_id)
    except (TypeError, ValueError):
        raise NotFound(_l("This delivery point does not exist.")) from None
    point = (
        DeliveryPoint.select(DeliveryPoint, Address)
        .join(Address)
        .where(DeliveryPoint.id == point_id, Address.party == party)
        .first()
    )
    if point is None:
        raise NotFound(_l("This delivery point does not exist."))
    return point


def _address_query(party: Party):
    return (
        Address.select()
        .where(Address.party == party)
        .order_by(Address.is_default.desc(), Address.id)
    )


def _with_points(query) -> list[Address]:
    points = DeliveryPoint.select().order_by(DeliveryPoint.name, DeliveryPoint.id)
    return list(prefetch(query, points))


def addresses_of(party: Party, kind: str | None = None) -> dict[str, list[Address]]:
    """The party's addresses by kind, default first, each with its delivery points
    (two queries)."""
    query = _address_query(party)
    if kind is not None:
        query = query.where(Address.kind == kind)
    lists: dict[str, list[Address]] = {k: [] for k in ADDRESS_KINDS if kind in (None, k)}
    for address in _with_points(query):
        lists.setdefault(address.kind, []).append(address)
    return lists


def address_with_points(party: Party, address_id) -> Address:
    """One of the party's addresses with its delivery points loaded, or NotFound."""
    address = address_of(party, address_id)
    return _with_points(Address.select().where(Address.id == address.id))[0]


def default_address(party: Party, kind: str) -> Address | None:
    """The party's default address of a kind (chosen at checkout), or None."""
    return Address.get_or_none(
        Address.party == party,
        Address.kind == kind,
        Address.is_default == True,  # noqa: E712
    )


def bank_account_of(party: Party) -> BankAccount | None:
    return BankAccount.get_or_none(BankAccount.party == party)


def party_schedules(party: Party) -> list:
    """The party's delivery schedules, by name (for the default schedule select)."""
    from .schedules import DeliverySchedule

    return list(
        DeliverySchedule.select()
        .where(DeliverySchedule.party == party)
        .order_by(DeliverySchedule.name, DeliverySchedule.id)
    )


@dataclass(frozen=True)
class SupplierDefaults:
    """The defaults a supplier applies to new relationships, as Decimal amounts."""

    min_order: Decimal | None
    credit_limit: Decimal | None
    payment_terms_days: int | None
    schedule: object | None  # a DeliverySchedule
    currency: str


def supplier_defaults(party: Party) -> SupplierDefaults:
    schedule = None
    if party.default_schedule_id is not None:
        from .schedules import DeliverySchedule

        schedule = DeliverySchedule.get_or_none(
            DeliverySchedule.id == party.default_schedule_id,
            DeliverySchedule.party == party,
        )
    return SupplierDefaults(
        min_order=from_minor(party.default_min_order_minor, party.currency),
        credit_limit=from_minor(party.default_credit_limit_minor, party.currency),
        payment_terms_days=party.default_payment_terms_days,
        schedule=schedule,
        currency=party.currency,
    )


# --- verbs: company profile (F7) -----------------------------------------------------------

PROFILE_FIELDS = (
    "legal_name",
    "display_name",
    "customer_type",
    "vat_number",
    "country",
    "language",
    "currency",
    "email",
    "phone",
)


def _profile_snapshot(values) -> dict:
    """Audit keys and values of the profile (a Party or a dict of new values)."""
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
    return {f"company.{name}": get(name) for name in PROFILE_FIELDS}


def _clean(value, max_length: int) -> str:
    return re.sub(r"\s+", " ", (value or "").strip())[:max_length]


def _refuse_stale() -> StaleForm:
    return StaleForm(
        _l(
            "Someone else changed these company details while you were editing. "
            "Check the values and save again."
        )
    )


def update_company_profile(
    actor: User | None,
    party: Party,
    *,
    version: int,
    legal_name: str,
    display_name: str,
    customer_type: str,
    vat_number: str,
    country: str,
    language: str,
    currency: str,
    email: str = "",
    phone: str = "",
) -> Party:
    """Save the company's name and details; refused when the form is stale (version)."""
    country = (country or "").upper()
    currency = (currency or "").upper()
    new = {
        "legal_name": _clean(legal_name, 200),
        "display_name": _clean(display_name, 200),
        "customer_type": customer_type,
        "vat_number": normalise_vat(vat_number, country),
        "country": country,
        "language": language,
        "currency": currency,
        "email": (email or "").strip().lower()[:254],
        "phone": _clean(phone, 40),
    }
    if not new["legal_name"]:
        raise DomainError(_l("Enter the legal name."), "legal_name")
    if not new["display_name"]:
        raise DomainError(_l("Enter the display name."), "display_name")
    if customer_type not in CUSTOMER_TYPES:
        raise DomainError(_l("Choose a customer type."), "customer_type")
    if country not in known_countries():
        raise DomainError(_l("Choose a country from the list."), "country")
    if language not in LANGUAGE_CODES:
        raise DomainError(_l("Unknown language."), "language")
    if currency not in currencies_in_use():
        raise DomainError(_l("Choose a currency from the list."), "currency")
    with transaction():
        current = Party.get_by_id(party.id)
        if current.version != version:
            raise _refuse_stale()
        money_defaults = (current.default_min_order_minor, current.default_credit_limit_minor)
        if currency != current.currency and any(v is not None for v in money_defaults):
            # The defaults are amounts in the old currency; no exchange rate makes them right.
            raise DomainError(
                _l(
                    "The supplier defaults are amounts in %(currency)s. Clear the minimum order "
                    "value and credit limit first, then change the currency."
                ),
                "currency",
                currency=current.currency,
            )
        old = _profile_snapshot(current)
        changes = audit.diff(old, _profile_snapshot(new))
        if changes:
            updated = (
                Party.update(**new, version=Party.version + 1)
                .where(Party.id == party.id, Party.version == version)
                .execute()
            )
            if updated != 1:
                raise _refuse_stale()
            audit.record(actor, party, "company", "update", new["display_name"], changes)
            version += 1
    for name, value in new.items():
        setattr(party, name, value)
    party.version = version
    return party


# --- verbs: addresses (F8) -----------------------------------------------------------------

ADDRESS_FIELDS = (
    "label",
    "recipient",
    "street",
    "street2",
    "postal_code",
    "city",
    "region",
    "country",
)


def _address_values(fields: dict) -> dict:
    """Address fields cleaned and checked; the postal code written as its country writes it."""
    country = (fields.get("country") or "").upper()
    values = {
        "label": _clean(fields.get("label"), 120),
        "recipient": _clean(fields.get("recipient"), 200),
        "street": _clean(fields.get("street"), 200),
        "street2": _clean(fields.get("street2"), 200),
        "city": _clean(fields.get("city"), 120),
        "region": _clean(fields.get("region"), 120),
        "country": country,
    }
    if not values["street"]:
        raise DomainError(_l("Enter the street and number."), "street")
    if not values["city"]:
        raise DomainError(_l("Enter the city."), "city")
    if country not in known_countries():
        raise DomainError(_l("Choose a country from the list."), "country")
    values["postal_code"] = normalise_postal_code(fields.get("postal_code"), country)
    return values


def _address_snapshot(address: Address) -> dict:
    snapshot = {f"address.{name}": getattr(address, name) for name in ADDRESS_FIELDS}
    snapshot["address.default"] = bool(address.is_default)
    return snapshot


def _removed(snapshot: dict) -> list[dict]:
    """Change records for a deleted record: every value goes to nothing."""
    return audit.diff(snapshot, dict.fromkeys(snapshot))


def _unset_default(actor, party: Party, kind: str, keep_id: int | None = None) -> None:
    """Clear the current default of a kind (recorded), before another one becomes it."""
    previous = default_address(party, kind)
    if previous is None or previous.id == keep_id:
        return
    Address.update(is_default=False).where(Address.id == previous.id).execute()
    audit.record(
        actor,
        party,
        "address",
        "update",
        previous.summary,
        [{"field": "address.default", "old": "✓", "new": "✗"}],
    )


def add_address(
    actor: User | None, party: Party, *, kind: str, make_default: bool = False, **fields
) -> Address:
    """Add an invoice or delivery address; the first of its kind becomes the default."""
    if kind not in ADDRESS_KINDS:
        raise DomainError(_l("Choose invoice or delivery address."), "kind")
    values = _address_values(fields)
    with transaction():
        has_default = default_address(party, kind) is not None
        is_default = bool(make_default) or not has_default
        if is_default and has_default:
            _unset_default(actor, party, kind)
        address = Address.create(party=party, kind=kind, is_default=is_default, **values)
        changes = audit.diff({}, {"address.kind": kind, **_address_snapshot(address)})
        audit.record(actor, party, "address", "create", address.summary, changes)
    return address


def update_address(actor: User | None, party: Party, address_id, **fields) -> Address:
    """Change an address's details (its kind and default flag stay)."""
    values = _address_values(fields)
    with transaction():
        address = address_of(party, address_id)
        old = _address_snapshot(address)
        for name, value in values.items():
            setattr(address, name, value)
        changes = audit.diff(old, _address_snapshot(address))
        if changes:
            address.save()
            audit.record(actor, party, "address", "update", address.summary, changes)
    return address


def set_default_address(actor: User | None, party: Party, address_id) -> Address:
    """Make an address the default of its kind; the old default stops being it."""
    with transaction():
        address = address_of(party, address_id)
        if not address.is_default:
            _unset_default(actor, party, address.kind, keep_id=address.id)
            address.is_default = True
            address.save(only=[Address.is_default])
            audit.record(
                actor,
                party,
                "address",
                "update",
                address.summary,
                [{"field": "address.default", "old": "✗", "new": "✓"}],
            )
    return address


DEFAULT_NOT_DELETABLE = {
    "invoice": _l(
        "The default invoice address cannot be deleted: a company always keeps one. "
        "Make another invoice address the default first, or edit this one."
    ),
    "delivery": _l(
        "The default delivery address cannot be deleted: a company always keeps one. "
        "Make another delivery address the default first, or edit this one."
    ),
}


def delete_address(actor: User | None, party: Party, address_id) -> Address:
    """Delete an address with its delivery points; the default of a kind is refused."""
    with transaction():
        address = address_with_points(party, address_id)
        if address.is_default:
            raise DomainError(DEFAULT_NOT_DELETABLE[address.kind])
        snapshot = {"address.kind": address.kind, **_address_snapshot(address)}
        snapshot["address.delivery_points"] = ", ".join(p.name for p in address.delivery_points)
        # delivery points go with it (ON DELETE CASCADE)
        Address.delete().where(Address.id == address.id).execute()
        audit.record(actor, party, "address", "delete", address.summary, _removed(snapshot))
    return address


# --- verbs: delivery points (F9) -----------------------------------------------------------


def _point_values(name: str, instructions: str) -> dict:
    values = {
        "name": _clean(name, 120),
        "instructions": (instructions or "").strip()[:2000],
    }
    if not values["name"]:
        raise DomainError(_l("Enter a name for the delivery point."), "name")
    return values


def _point_snapshot(point: DeliveryPoint, address: Address) -> dict:
    return {
        "delivery_point.name": point.name,
        "delivery_point.instructions": point.instructions,
        "delivery_point.address": address.summary,
    }


def _delivery_address(party: Party, address_id, field: str | None = None) -> Address:
    """One of the party's delivery addresses; anything else is refused."""
    try:
        address = address_of(party, address_id)
    except NotFound:
        if field is None:
            raise
        address = None
    if address is None or address.kind != "delivery":
        raise DomainError(_l("Choose one of your delivery addresses."), field or "address")
    return address


def add_delivery_point(
    actor: User | None, party: Party, address_id, *, name: str, instructions: str = ""
) -> DeliveryPoint:
    """Add a delivery point (building, dock, room) inside a delivery address."""
    values = _point_values(name, instructions)
    with transaction():
        address = _delivery_address(party, address_id)
        point = DeliveryPoint.create(address=address, **values)
        changes = audit.diff({}, _point_snapshot(point, address))
        audit.record(actor, party, "delivery_point", "create", point.name, changes)
    return point


def update_delivery_point(
    actor: User | None,
    party: Party,
    point_id,
    *,
    name: str,
    instructions: str = "",
    address_id=None,
) -> DeliveryPoint:
    """Change a delivery point; it may move to another of the party's delivery addresses."""
    values = _point_values(name, instructions)
    with transaction():
        point = delivery_point_of(party, point_id)
        old = _point_snapshot(point, point.address)
        address = point.address
        if address_id is not None and str(address_id) != str(point.address_id):
            address = _delivery_address(party, address_id, field="address")
        point.name = values["name"]
        point.instructions = values["instructions"]
        point.address = address
        changes = audit.diff(old, _point_snapshot(point, address))
        if changes:
            point.save()
            audit.record(actor, party, "delivery_point", "update", point.name, changes)
    return point


def delete_delivery_point(actor: User | None, party: Party, point_id) -> DeliveryPoint:
    """Delete a delivery point."""
    with transaction():
        point = delivery_point_of(party, point_id)
        snapshot = _point_snapshot(point, point.address)
        point.delete_instance()
        audit.record(actor, party, "delivery_point", "delete", point.name, _removed(snapshot))
    return point


# --- verbs: bank account (F10) -------------------------------------------------------------


def _bank_snapshot(account: BankAccount | None) -> dict:
    """What the audit log keeps of an account: never the full IBAN."""
    if account is None:
        return {"bank_account.holder": None, "bank_account.iban": None, "bank_account.bic": None}
    return {
        "bank_account.holder": account.holder,
        "bank_account.iban": mask_iban(account.iban),
        "bank_account.bic": account.bic,
    }


def save_bank_account(
    actor: User | None, party: Party, *, holder: str = "", iban: str, bic: str = ""
) -> BankAccount:
    """Record (or replace) the account where the party receives payouts."""
    values = {
        "holder": _clean(holder, 200),
        "iban": normalise_iban(iban),
        "bic": normalise_bic(bic),
    }
    with transaction():
        account = bank_account_of(party)
        old = _bank_snapshot(account)
        action = "update"
        if account is None:
            account = BankAccount(party=party)
            action = "create"
        unchanged = all(getattr(account, k, None) == v for k, v in values.items())
        if not unchanged:
            for name, value in values.items():
                setattr(account, name, value)
            account.updated_at = utcnow()
            account.save()
            changes = audit.diff(old, _bank_snapshot(account))
            audit.record(actor, party, "bank_account", action, mask_iban(account.iban), changes)
    return account


def remove_bank_account(actor: User | None, party: Party) -> bool:
    """Remove the party's bank account; False when there was none."""
    with transaction():
        account = bank_account_of(party)
        if account is None:
            return False
        snapshot = _bank_snapshot(account)
        account.delete_instance()
        audit.record(
            actor, party, "bank_account", "delete", mask_iban(account.iban), _removed(snapshot)
        )
    return True


# --- verbs: supplier defaults (F11) --------------------------------------------------------


def _money_text(minor: int | None, currency: str) -> str | None:
    return None if minor is None else f"{from_minor(minor, currency)} {currency}"


def _defaults_snapshot(party: Party, schedule_name: str | None) -> dict:
    return {
        "defaults.min_order": _money_text(party.default_min_order_minor, party.currency),
        "defaults.credit_limit": _money_text(party.default_credit_limit_minor, party.currency),
        "defaults.payment_terms_days": party.default_payment_terms_days,
        "defaults.schedule": schedule_name,
    }


def update_supplier_defaults(
    actor: User | None,
    party: Party,
    *,
    version: int,
    min_order: Decimal | None,
    credit_limit: Decimal | None,
    payment_terms_days: int | None,
    schedule_id: int | None,
) -> Party:
    """Set the minimum order value, credit limit, payment terms and delivery schedule that
    new client relationships start with."""
    from .schedules import DeliverySchedule

    if payment_terms_days is not None and not 0 <= payment_terms_days <= MAX_PAYMENT_TERMS_DAYS:
        raise DomainError(
            _l("Enter between 0 and %(max)s days."),
            "payment_terms_days",
            max=MAX_PAYMENT_TERMS_DAYS,
        )
    with transaction():
        current = Party.get_by_id(party.id)
        if current.version != version:
            raise _refuse_stale()
        currency = current.currency
        values = {
            "default_min_order_minor": check_amount(min_order, currency, "min_order"),
            "default_credit_limit_minor": check_amount(credit_limit, currency, "credit_limit"),
            "default_payment_terms_days": payment_terms_days,
            "default_schedule": None,
        }
        schedule = None
        if schedule_id is not None:
            schedule = DeliverySchedule.get_or_none(
                DeliverySchedule.id == schedule_id, DeliverySchedule.party == party
            )
            if schedule is None:
                raise DomainError(_l("Choose one of your delivery schedules."), "schedule")
            values["default_schedule"] = schedule.id
        old_schedule = supplier_defaults(current).schedule
        old = _defaults_snapshot(current, old_schedule.name if old_schedule else None)
        for name, value in values.items():
            setattr(current, name, value)
        changes = audit.diff(old, _defaults_snapshot(current, schedule.name if schedule else None))
        if changes:
            updated = (
                Party.update(**values, version=Party.version + 1)
                .where(Party.id == party.id, Party.version == version)
                .execute()
            )
            if updated != 1:
                raise _refuse_stale()
            audit.record(actor, party, "defaults", "update", current.display_name, changes)
            version += 1
    for name, value in values.items():
        setattr(party, name, value)
    party.version = version
    return party


# --- demo (F45) ----------------------------------------------------------------------------

_DEMO_ADDRESSES = {
    # party key: [(kind, fields, [(point name, instructions)])]
    "valcarcel": [
        (
            "invoice",
            {
                "label": "Rectorado",
                "recipient": "Servicio de Contratación y Compras",
                "street": "Avenida de la Universidad 1",
                "postal_code": "28040",
                "city": "Madrid",
                "region": "Comunidad de Madrid",
                "country": "ES",
            },
            [],
        ),
        (
            "delivery",
            {
                "label": "Campus de Montegancedo",
                "recipient": "Universidad de Valcárcel – Almacén central",
                "street": "Camino de Montegancedo s/n",
                "postal_code": "28660",
                "city": "Boadilla del Monte",
                "region": "Comunidad de Madrid",
                "country": "ES",
            },
            [
                (
                    "Edificio 1 – Biblioteca, muelle de carga",
                    "Muelle abierto de 8:00 a 14:00. Llamar a conserjería (ext. 4101).",
                ),
                (
                    "Edificio 3 – Laboratorios, entrada de mercancías",
                    "Productos refrigerados directamente a la cámara fría, planta -1.",
                ),
                (
                    "Edificio 5 – Cafetería central, cocina",
                    "Acceso por la puerta trasera; entregas antes de las 10:30.",
                ),
            ],
        ),
        (
            "delivery",
            {
                "label": "Facultad de Medicina",
                "street": "Calle del Doctor Esquerdo 46",
                "postal_code": "28007",
                "city": "Madrid",
                "region": "Comunidad de Madrid",
                "country": "ES",
            },
            [
                ("Pabellón 2 – Anatomía, sótano", "Identificarse en el control de seguridad."),
                ("Aulario – conserjería", ""),
            ],
        ),
    ],
    "brouwer": [
        (
            "invoice",
            {
                "label": "Hoofdkantoor",
                "recipient": "Crediteurenadministratie",
                "street": "Keizersgracht 212",
                "postal_code": "1016 DZ",
                "city": "Amsterdam",
                "country": "NL",
            },
            [],
        ),
        (
            "delivery",
            {
                "label": "Magazijn Westpoort",
                "street": "Transformatorweg 30",
                "postal_code": "1014 AK",
                "city": "Amsterdam",
                "country": "NL",
            },
            [("Dock 4 – inslag", "Melden bij de portier; laden en lossen tot 16:00.")],
        ),
    ],
    "lumiere": [
        (
            "invoice",
            {
                "street": "18 rue des Martyrs",
                "postal_code": "75009",
                "city": "Paris",
                "country": "FR",
            },
            [],
        ),
        (
            "delivery",
            {
                "label": "Café",
                "street": "18 rue des Martyrs",
                "postal_code": "75009",
                "city": "Paris",
                "country": "FR",
            },
            [("Réserve – entrée cour", "Sonner à l'interphone « Livraisons ».")],
        ),
    ],
    "olivares": [
        (
            "invoice",
            {
                "street": "Calle de Toledo 74",
                "postal_code": "28005",
                "city": "Madrid",
                "country": "ES",
            },
            [],
        ),
        (
            "delivery",
            {
                "label": "Bodega",
                "street": "Calle de Toledo 74",
                "postal_code": "28005",
                "city": "Madrid",
                "country": "ES",
            },
            [],
        ),
    ],
    "nordhavn": [
        (
            "invoice",
            {
                "street": "Sundkrogsgade 21",
                "postal_code": "2150",
                "city": "Nordhavn",
                "country": "DK",
            },
            [],
        ),
    ],
}
_DEMO_ACTORS = {
    "valcarcel": "valcarcel-buyer@example.com",
    "brouwer": "supplier-admin@example.com",
    "lumiere": "lumiere-admin@example.com",
    "olivares": "olivares-admin@example.com",
    "nordhavn": "both@example.com",
}


def add_demo(parties: dict[str, Party], users: dict[str, User]) -> None:
    """Addresses with delivery points (a university campus with several buildings), a bank
    account and supplier defaults, made through the verbs above."""
    for key, addresses in _DEMO_ADDRESSES.items():
        party, actor = parties.get(key), users.get(_DEMO_ACTORS[key])
        if party is None:
            continue
        for kind, fields, points in addresses:
            address = add_address(actor, party, kind=kind, **fields)
            for name, instructions in points:
                add_delivery_point(actor, party, address.id, name=name, instructions=instructions)
    brouwer = parties.get("brouwer")
    if brouwer is None:
        return
    admin = users.get("supplier-admin@example.com")
    save_bank_account(
        admin,
        brouwer,
        holder="Brouwer & Zonen Groothandel B.V.",
        iban="NL91 ABNA 0417 1643 00",
        bic="ABNANL2A",
    )
    schedules = party_schedules(brouwer)
    brouwer.version = Party.get_by_id(brouwer.id).version
    update_supplier_defaults(
        admin,
        brouwer,
        version=brouwer.version,
        min_order=Decimal("150.00"),
        credit_limit=Decimal("5000.00"),
        payment_terms_days=30,
        schedule_id=min(s.id for s in schedules) if schedules else None,
    )
