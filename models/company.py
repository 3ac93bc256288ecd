"""Company settings (F7, F11): the company profile and the supplier defaults new client
relationships start with; both live on the Party row and refuse a stale form (version).
Addresses, delivery points and the bank account have their own modules (addresses.py,
bank.py); the rules for identifiers and amounts are in identifiers.py."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from . import audit
from .base import DomainError, StaleForm, from_minor, retrying, transaction
from .identifiers import (
    check_amount,
    clean_text,
    currencies_in_use,
    known_countries,
    normalise_vat,
)
from .parties import CUSTOMER_TYPE_LABELS, CUSTOMER_TYPES, LANGUAGE_CODES, Party, User

MAX_PAYMENT_TERMS_DAYS = 365  # sensible bound for the supplier's default payment terms

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
        "defaults.min_order": _l("Default minimum order value"),
        "defaults.credit_limit": _l("Default credit limit"),
        "defaults.payment_terms_days": _l("Default payment terms (days)"),
        "defaults.schedule": _l("Default delivery schedule"),
    }
)
audit.register_values("company.customer_type", CUSTOMER_TYPE_LABELS)


# --- errors --------------------------------------------------------------------------------


# --- scopes --------------------------------------------------------------------------------


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
    snapshot = {f"company.{name}": get(name) for name in PROFILE_FIELDS}
    for name, typed in (
        ("company.country", audit.country),
        ("company.language", audit.language),
        ("company.currency", audit.currency),
    ):
        if name in snapshot:
            snapshot[name] = typed(snapshot[name])
    return snapshot


def _refuse_stale() -> StaleForm:
    return StaleForm(
        _l(
            "Someone else changed these company details while you were editing. "
            "Check the values and save again."
        )
    )


def party_fields(
    *,
    legal_name: str,
    display_name: str,
    customer_type: str,
    vat_number: str,
    country: str,
    language: str,
    currency: str,
    email: str = "",
    phone: str = "",
) -> dict:
    """A company's name and details cleaned and checked (the profile form, and a client
    created on the spot by its supplier)."""
    country = (country or "").upper()
    currency = (currency or "").upper()
    new = {
        "legal_name": clean_text(legal_name, 200),
        "display_name": clean_text(display_name, 200),
        "customer_type": customer_type,
        "vat_number": normalise_vat(vat_number, country),
        "country": country,
        "language": language,
        "currency": currency,
        "email": (email or "").strip().lower()[:254],
        "phone": clean_text(phone, 40),
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
    return new


@retrying
def update_company_profile(actor: User | None, party: Party, *, version: int, **details) -> Party:
    """Save the company's name and details (the fields of party_fields); refused when the
    form is stale (version)."""
    new = party_fields(**details)
    with transaction(lock=party):
        current = Party.get_by_id(party.id)
        if current.version != version:
            raise _refuse_stale()
        money_defaults = (current.default_min_order_minor, current.default_credit_limit_minor)
        if new["currency"] != current.currency and any(v is not None for v in money_defaults):
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
            from .relationships import reindex_customer  # its suppliers search its new name

            reindex_customer(Party.get_by_id(party.id))
    for name, value in new.items():
        setattr(party, name, value)
    party.version = version
    return party


# --- verbs: supplier defaults (F11) --------------------------------------------------------


def _defaults_snapshot(party: Party, schedule_name: str | None) -> dict:
    return {
        "defaults.min_order": audit.money(party.default_min_order_minor, party.currency),
        "defaults.credit_limit": audit.money(party.default_credit_limit_minor, party.currency),
        "defaults.payment_terms_days": party.default_payment_terms_days,
        "defaults.schedule": schedule_name,
    }


@retrying
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
    with transaction(lock=party):
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


def add_demo(parties: dict[str, Party], users: dict[str, User]) -> None:
    """The supplier Brouwer's defaults (after the demo schedules, which they point at), made
    through the verb above."""
    brouwer = parties.get("brouwer")
    if brouwer is None:
        return
    schedules = party_schedules(brouwer)
    brouwer.version = Party.get_by_id(brouwer.id).version
    update_supplier_defaults(
        users.get("supplier-admin@example.com"),
        brouwer,
        version=brouwer.version,
        min_order=Decimal("150.00"),
        credit_limit=Decimal("5000.00"),
        payment_terms_days=30,
        schedule_id=min(s.id for s in schedules) if schedules else None,
    )


# --- older import paths --------------------------------------------------------------------
# Addresses, the bank account and the identifier rules had their home here; these names keep
# `models.company.add_address` and the like working. New code imports from their own module.

from .addresses import (  # noqa: E402, F401
    ADDRESS_FIELDS,
    ADDRESS_KINDS,
    Address,
    DeliveryPoint,
    add_address,
    add_delivery_point,
    address_of,
    addresses_of,
    default_address,
    delete_address,
    delete_delivery_point,
    delivery_point_of,
    set_default_address,
    update_address,
    update_delivery_point,
)
from .bank import (  # noqa: E402, F401
    BankAccount,
    bank_account_of,
    remove_bank_account,
    save_bank_account,
)
from .identifiers import (  # noqa: E402, F401
    format_iban,
    mask_iban,
    normalise_bic,
    normalise_iban,
    normalise_postal_code,
)
