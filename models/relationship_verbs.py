"""The verbs over relationships (F12, F13, F16, F17): add a client (created on the spot, or a
connection request to a party that exists), answer a request, change the terms, (de)activate,
remove. Each runs in one transaction that serialises on the supplier (the customer for an
answer), checks the actor's role inside it, and writes its audit entry in it."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from . import audit, relationships
from .addresses import add_address
from .base import DomainError, check_version, retrying, transaction, utcnow
from .company import party_fields
from .identifiers import check_amount, clean_text
from .invitations import Invitation
from .mail import language_or_default, new_nonce
from .parties import Membership, Party, User, normalise_email, role_rank
from .relationships import (
    ALREADY_CLIENT,
    DELINQUENCY,
    MAX_DISCOUNT_BP,
    MAX_PAYMENT_TERMS_DAYS,
    PAYMENT_METHODS,
    AlreadyClient,
    CustomerCategory,
    CustomerGroup,
    Relationship,
    client_of,
    signed_date_ok,
    supplier_link,
)
from .schedules import DeliverySchedule

audit.register_fields(
    {
        "client.status": _l("Connection"),
        "client.active": _l("Active"),
        "client.code": _l("Client code"),
        "client.min_order": _l("Minimum order value"),
        "client.credit_limit": _l("Credit limit"),
        "client.schedule": _l("Delivery schedule"),
        "client.payment_method": _l("Payment method"),
        "client.payment_terms_days": _l("Payment terms (days)"),
        "client.discount": _l("Discount %"),
        "client.group": _l("Customer group"),
        "client.category": _l("Customer category"),
        "client.price_list": _l("Price list"),
        "client.vat_override": _l("VAT"),
        "client.delivery_cost": _l("Delivery costs"),
        "client.free_delivery_from": _l("Free delivery from"),
        "client.delinquency": _l("Delinquency status"),
        "client.tags": _l("Tags"),
        "client.notes": _l("Internal notes"),
        "client.sepa_iban": _l("IBAN of the mandate"),
        "client.sepa_mandate_ref": _l("Mandate reference"),
        "client.sepa_signed_on": _l("Mandate signed on"),
    }
)


audit.register_values(
    "client.status",
    {"pending": _l("Request pending"), "connected": _l("Connected"), "declined": _l("Declined")},
)
audit.register_values("client.payment_method", relationships.PAYMENT_METHOD_LABELS)
audit.register_values("client.delinquency", relationships.DELINQUENCY_LABELS)


# --- who may do what ------------------------------------------------------------------------


def _require(actor: User, party: Party, role: str) -> str:
    """The actor's role in party (read inside the transaction), refused below `role`."""
    membership = Membership.get_or_none(Membership.user == actor, Membership.party == party)
    if membership is None or role_rank(membership.role) < role_rank(role):
        raise DomainError(_l("Your role in this company does not allow this."))
    return membership.role


# --- adding a client ------------------------------------------------------------------------


def _find_party(identifier: str) -> tuple[Party | None, str]:
    """The party with exactly this VAT number or email (never a list), and the identifier as
    it is kept on the request."""
    typed = clean_text(identifier, 254)
    if "@" in typed:
        email = normalise_email(typed)
        return Party.select().where(Party.email == email).order_by(Party.id).first(), email
    vat = re.sub(r"[\s.\-/]", "", typed).upper()
    if len(vat) < 4:
        raise DomainError(_l("Enter the company's full VAT number or email address."), "identifier")
    return Party.select().where(Party.vat_number == vat).order_by(Party.id).first(), vat


@retrying
def connect_client(actor: User, supplier: Party, identifier: str) -> Relationship:
    """Ask a party that uses the portal to become a client: found by its exact VAT number or
    email only. Pending until one of its admins accepts (answer_request); until then the
    supplier sees only what it typed."""
    customer, kept = _find_party(identifier)
    with transaction(lock=supplier):
        _require(actor, supplier, "admin")
        if customer is None:
            raise DomainError(
                _l(
                    "No company with this VAT number or email address uses the portal. "
                    "Create the client instead."
                ),
                "identifier",
            )
        if customer.id == supplier.id:
            raise DomainError(_l("A company cannot be its own client."), "identifier")
        existing = Relationship.get_or_none(
            Relationship.supplier == supplier, Relationship.customer == customer
        )
        if existing is not None and existing.status != "declined":
            raise AlreadyClient(ALREADY_CLIENT, "identifier")
        if existing is not None:  # declined before: asked again, the same row
            relationship = existing
            relationship.status, relationship.requested_as = "pending", kept
            relationship.requested_by, relationship.answered_at = actor, None
            relationship.version += 1
            relationship.save()
        else:
            relationship = Relationship.create(
                supplier=supplier,
                customer=customer,
                status="pending",
                requested_as=kept,
                requested_by=actor,
            )
        relationships.reindex([relationship])
        audit.record(
            actor,
            supplier,
            "client",
            "request",
            kept,
            audit.diff({}, {"client.status": "pending"}),
            record_id=relationship.id,
        )
    return relationship


@retrying
def create_client(
    actor: User,
    supplier: Party,
    *,
    company: dict,
    delivery: dict,
    invoice: dict,
    admin_email: str = "",
    language: str | None = None,
) -> tuple[Relationship, Invitation | None]:
    """Create the customer party on the spot (with one delivery and one invoice address) as a
    connected client, and invite its first admin by email when one is given. The email is sent
    after this transaction (invitations.send_invitation)."""
    legal_name = clean_text(company.get("legal_name"), 200)
    fields = party_fields(
        legal_name=legal_name,
        display_name=clean_text(company.get("display_name"), 200) or legal_name,
        customer_type=company.get("customer_type") or "business",
        vat_number=company.get("vat_number") or "",
        country=company.get("country") or "",
        language=language_or_default(company.get("language"), supplier.language),
        currency=company.get("currency") or supplier.currency,
        email=company.get("email") or "",
        phone=company.get("phone") or "",
    )
    admin_email = normalise_email(admin_email)
    with transaction(lock=supplier):
        _require(actor, supplier, "admin")
        if (
            fields["vat_number"]
            and Party.select().where(Party.vat_number == fields["vat_number"]).exists()
        ):
            raise DomainError(
                _l(
                    "A company with this VAT number uses the portal already: connect to it "
                    "instead, with the same VAT number."
                ),
                "vat_number",
            )
        if fields["email"] and Party.select().where(Party.email == fields["email"]).exists():
            raise DomainError(
                _l(
                    "A company with this email address uses the portal already: connect to it "
                    "instead, with the same email address."
                ),
                "email",
            )
        customer = Party.create(**fields)
        for kind, values in (("delivery", delivery), ("invoice", invoice)):
            try:
                add_address(actor, customer, kind=kind, **values)
            except DomainError as refusal:  # the field of that address in the form
                refusal.field = f"{kind}-{refusal.field}" if refusal.field else None
                raise
        relationship = Relationship.create(
            supplier=supplier, customer=customer, status="connected", created_on_spot=True
        )
        relationships.reindex([relationship])
        invitation = None
        if admin_email:
            invitation = Invitation.create(
                party=customer,
                email=admin_email,
                role="admin",
                invited_by=actor,
                nonce=new_nonce(),
                language=language_or_default(language, customer.language),
            )
        audit.record(
            actor,
            supplier,
            "client",
            "create",
            customer.display_name,
            audit.diff({}, {"client.status": "connected"}),
            record_id=relationship.id,
        )
    return relationship, invitation


@retrying
def answer_request(actor: User, customer: Party, relationship_id, accept: bool) -> Relationship:
    """An admin of the customer accepts or declines a supplier's connection request."""
    with transaction(lock=customer):
        _require(actor, customer, "admin")
        relationship = supplier_link(customer, relationship_id)
        if relationship.status != "pending":
            raise DomainError(_l("This request was answered already."))
        relationship.status = "connected" if accept else "declined"
        relationship.answered_at = utcnow()
        relationship.version += 1
        relationship.save()
        relationships.reindex([relationship])  # connected: its own name is shown now
        change = audit.diff({"client.status": "pending"}, {"client.status": relationship.status})
        supplier = relationship.supplier
        audit.record(
            actor, customer, "supplier", "answer", supplier.display_name, change, relationship.id
        )
        if accept:
            audit.record(
                actor, supplier, "client", "answer", customer.display_name, change, relationship.id
            )
        else:  # who declined and the company's own name stay the customer's
            audit.record(
                None,
                supplier,
                "client",
                "answer",
                relationship.requested_as,
                change,
                relationship.id,
            )
    return relationship


# --- the terms ------------------------------------------------------------------------------

_EMPLOYEE_TERMS = {"tags", "notes"}  # employees keep contacts, notes and tags (issue 8)


def tags_text(tags) -> str:
    """Tags as kept: lower case, without repeats, comma-separated ("vip,horeca")."""
    words = tags.split(",") if isinstance(tags, str) else list(tags or ())
    kept: list[str] = []
    for word in words:
        tag = clean_text(word, 40).lower()
        if tag and tag not in kept:
            kept.append(tag)
    if len(kept) > 20:
        raise DomainError(_l("Use at most 20 tags."), "tags")
    return ",".join(kept)


def _discount_bp(value) -> int | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(_l("Enter a percentage, for example 2.5."), "discount") from None
    if not amount.is_finite() or amount < 0 or amount > 100:
        raise DomainError(_l("A discount lies between 0 and 100 %."), "discount")
    if amount.as_tuple().exponent < -2:
        raise DomainError(_l("Use at most two decimals for a percentage."), "discount")
    basis_points = int(amount * 100)
    assert basis_points <= MAX_DISCOUNT_BP
    return basis_points


def _owned(model, supplier: Party, row_id, field: str, message):
    """The id of a schedule, group or category of this supplier (None for none); another
    supplier's (or no such row) is refused."""
    if row_id in (None, "", 0):
        return None
    owner = model.party if model is DeliverySchedule else model.supplier
    try:
        row = model.get_or_none(model.id == int(row_id), owner == supplier)
    except (TypeError, ValueError, OverflowError):
        row = None
    if row is None:
        raise DomainError(message, field)
    return row.id


def _vat_override(relationship: Relationship, supplier: Party, value) -> None:
    """The client's VAT override (F27): "" (the tax rules decide), "exempt", or "class:<id>"
    (always that one of the supplier's VAT classes)."""
    value = (value or "").strip()
    if not value:
        relationship.vat_override, relationship.vat_override_class_id = None, None
    elif value == "exempt":
        relationship.vat_override, relationship.vat_override_class_id = "exempt", None
    else:
        from .vat_classes import VatClass  # the catalog's table: imported when used

        number = value.removeprefix("class:")
        found = None
        if value.startswith("class:") and number.isdigit() and len(number) < 12:
            found = VatClass.get_or_none(VatClass.id == int(number), VatClass.supplier == supplier)
        if found is None:
            raise DomainError(_l("Choose one of your VAT classes."), "vat_override")
        relationship.vat_override, relationship.vat_override_class_id = "class", found.id


def _sepa(values: dict, method: str | None) -> dict:
    """The SEPA mandate: required with SEPA direct debit, an IBAN of the SEPA zone."""
    iban_text = re.sub(r"\s", "", values.get("sepa_iban") or "").upper()
    reference = clean_text(values.get("sepa_mandate_ref"), 35)
    signed = values.get("sepa_signed_on")
    if method != "sepa":
        return {
            "sepa_iban": iban_text or None,
            "sepa_mandate_ref": reference or None,
            "sepa_signed_on": signed,
        }
    if not iban_text:
        raise DomainError(
            _l("SEPA direct debit needs the IBAN of the client's mandate."), "sepa_iban"
        )
    try:
        iban = IBAN(iban_text, validate_bban=False)
    except SchwiftyException:
        raise DomainError(_l("This is not a valid IBAN."), "sepa_iban") from None
    if not iban.in_sepa_zone:
        raise DomainError(
            _l(
                "SEPA direct debit is only possible from an account in the SEPA zone; %(country)s is not in it."
            ),
            "sepa_iban",
            country=iban.country_code,
        )
    if not reference:
        raise DomainError(_l("Enter the mandate reference."), "sepa_mandate_ref")
    if signed is None or not signed_date_ok(signed):
        raise DomainError(
            _l("Enter the date the mandate was signed (not in the future)."), "sepa_signed_on"
        )
    return {"sepa_iban": iban.compact, "sepa_mandate_ref": reference, "sepa_signed_on": signed}


def _snapshot(r: Relationship, currency: str) -> dict:
    return {
        "client.code": r.client_code,
        "client.min_order": audit.money(r.min_order_minor, currency),
        "client.credit_limit": audit.money(r.credit_limit_minor, currency),
        "client.schedule": r.schedule_id,
        "client.payment_method": r.payment_method,
        "client.payment_terms_days": r.payment_terms_days,
        "client.discount": None if r.discount_bp is None else str(Decimal(r.discount_bp) / 100),
        "client.group": r.group_id,
        "client.category": r.category_id,
        "client.price_list": r.price_list_id,
        "client.vat_override": (
            f"class:{r.vat_override_class_id}" if r.vat_override == "class" else r.vat_override
        ),
        "client.delivery_cost": audit.money(r.delivery_cost_minor, currency),
        "client.free_delivery_from": audit.money(r.free_delivery_from_minor, currency),
        "client.delinquency": r.delinquency,
        "client.tags": r.tags,
        "client.notes": r.notes,
        "client.sepa_iban": r.sepa_iban,
        "client.sepa_mandate_ref": r.sepa_mandate_ref,
        "client.sepa_signed_on": audit.date(r.sepa_signed_on),
    }


# the terms that name one of the supplier's own rows: field -> (table, attribute, refusal)
_OWNED = {
    "schedule_id": (DeliverySchedule, "schedule", _l("Choose one of your delivery schedules.")),
    "group_id": (CustomerGroup, "group", _l("Choose one of your customer groups.")),
    "category_id": (CustomerCategory, "category", _l("Choose one of your customer categories.")),
}

STALE_TERMS = _l(
    "Someone else changed this client's terms while you were editing them. The form keeps "
    "what you typed; the saved values are listed. Save again to replace them with yours."
)


@retrying
def update_terms(actor: User, supplier: Party, relationship_id, version, **values) -> Relationship:
    """Change a client's terms: only the given ones. Supervisors and admins change every term;
    employees only tags and notes. A stale form (another save since it was opened) is refused
    with the saved values."""
    currency = supplier.currency
    with transaction(lock=supplier):
        role = _require(actor, supplier, "employee")
        relationship = client_of(supplier, relationship_id)
        if set(values) - _EMPLOYEE_TERMS and role_rank(role) < role_rank("supervisor"):
            raise DomainError(_l("Only supervisors and admins change a client's terms."))
        check_version(relationship, version, STALE_TERMS)
        old = _snapshot(relationship, currency)
        if "client_code" in values:
            relationship.client_code = clean_text(values["client_code"], 40) or None
        if "min_order" in values:
            relationship.min_order_minor = check_amount(values["min_order"], currency, "min_order")
        if "credit_limit" in values:
            relationship.credit_limit_minor = check_amount(
                values["credit_limit"], currency, "credit_limit"
            )
        if "payment_terms_days" in values:
            days = values["payment_terms_days"]
            try:
                days = None if days in (None, "") else int(days)
            except (TypeError, ValueError):
                days = -1  # refused just below
            if days is not None and not 0 <= days <= MAX_PAYMENT_TERMS_DAYS:
                raise DomainError(
                    _l("Payment terms lie between 0 and %(days)s days."),
                    "payment_terms_days",
                    days=MAX_PAYMENT_TERMS_DAYS,
                )
            relationship.payment_terms_days = days
        if "discount" in values:
            relationship.discount_bp = _discount_bp(values["discount"])
        if "price_list_id" in values:
            from .price_lists import PriceList  # the catalog's table: imported when used

            relationship.price_list_id = _owned(
                PriceList,
                supplier,
                values["price_list_id"],
                "price_list_id",
                _l("Choose one of your price lists."),
            )
        if "vat_override" in values:
            _vat_override(relationship, supplier, values["vat_override"])
        if "delivery_cost" in values or "free_delivery_from" in values:
            cost = check_amount(values.get("delivery_cost"), currency, "delivery_cost")
            free_from = check_amount(
                values.get("free_delivery_from"), currency, "free_delivery_from"
            )
            if free_from is not None and cost is None:
                raise DomainError(
                    _l("Enter the delivery costs charged below this amount."), "delivery_cost"
                )
            relationship.delivery_cost_minor = cost
            relationship.free_delivery_from_minor = free_from
        for field, (model, attribute, message) in _OWNED.items():
            if field in values:
                setattr(
                    relationship, attribute, _owned(model, supplier, values[field], field, message)
                )
        if "delinquency" in values:
            if values["delinquency"] not in DELINQUENCY:
                raise DomainError(_l("Choose one of the delinquency statuses."), "delinquency")
            relationship.delinquency = values["delinquency"]
        if "payment_method" in values:
            method = values["payment_method"] or None
            if method is not None and method not in PAYMENT_METHODS:
                raise DomainError(_l("Choose one of the payment methods."), "payment_method")
            relationship.payment_method = method
        if "payment_method" in values or any(k.startswith("sepa_") for k in values):
            current = {
                "sepa_iban": relationship.sepa_iban,
                "sepa_mandate_ref": relationship.sepa_mandate_ref,
                "sepa_signed_on": relationship.sepa_signed_on,
                **{k: v for k, v in values.items() if k.startswith("sepa_")},
            }
            for key, value in _sepa(current, relationship.payment_method).items():
                setattr(relationship, key, value)
        if "tags" in values:
            relationship.tags = tags_text(values["tags"])
        if "notes" in values:
            relationship.notes = (values["notes"] or "").strip()[:5000]
        changes = audit.diff(old, _snapshot(relationship, currency))
        if changes:
            relationship.version += 1
            relationship.save()
            relationships.reindex([relationship])  # the code and tags are searched
            audit.record(
                actor, supplier, "client", "update", _name(relationship), changes, relationship.id
            )
    return relationship


def _name(relationship: Relationship) -> str:
    if relationship.status == "pending" and not relationship.created_on_spot:
        return relationship.requested_as
    return relationship.customer.display_name


@retrying
def set_active(actor: User, supplier: Party, relationship_id, active: bool) -> Relationship:
    """Deactivate (no new orders, everything kept) or activate again; supervisors and admins."""
    with transaction(lock=supplier):
        _require(actor, supplier, "supervisor")
        relationship = client_of(supplier, relationship_id)
        if relationship.active != bool(active):
            change = audit.diff({"client.active": relationship.active}, {"client.active": active})
            relationship.active = bool(active)
            relationship.version += 1
            relationship.save()
            audit.record(
                actor, supplier, "client", "update", _name(relationship), change, relationship.id
            )
    return relationship


@retrying
def remove_client(actor: User, supplier: Party, relationship_id) -> None:
    """End a relationship (admins); refused while it has open orders (F13). The customer
    party and its own data stay: they are the customer's."""
    with transaction(lock=supplier):
        _require(actor, supplier, "admin")
        relationship = client_of(supplier, relationship_id)
        with transaction(lock=relationship):  # an order being placed finishes first
            open_orders = relationships.open_orders_of(relationship)
        if open_orders:
            raise DomainError(
                _l(
                    "This client has %(count)s open orders: deliver or cancel them before "
                    "removing the client."
                ),
                count=open_orders,
            )
        name = _name(relationship)
        customer = relationship.customer
        if (
            relationship.created_on_spot
            and not Membership.select().where(Membership.party == customer).exists()
        ):  # nobody joined the company made here: its invitations end with it
            Invitation.update(revoked_at=utcnow()).where(
                Invitation.party == customer,
                Invitation.accepted_at.is_null(),
                Invitation.revoked_at.is_null(),
            ).execute()
        relationship.delete_instance(recursive=True)
        audit.record(actor, supplier, "client", "delete", name)


MAX_BULK = 500
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


@retrying
def bulk_assign(
    actor: User,
    supplier: Party,
    relationship_ids,
    *,
    group_id=None,
    category_id=None,
    add_tag: str = "",
) -> int:
    """Put several clients in a group and/or category and/or add a tag to them, in one
    transaction (all or nothing), each change audited on its client; `None` keeps what each
    has, "" (for group/category) takes it out. Returns how many clients changed."""
    ids = sorted({int(i) for i in relationship_ids if str(i).isdigit()})
    if not ids:
        raise DomainError(_l("Select at least one client."), "ids")
    if len(ids) > MAX_BULK:
        raise DomainError(_l("Select at most %(max)s clients at once."), "ids", max=MAX_BULK)
    if add_tag and (_CONTROL.search(add_tag) or "<" in add_tag or ">" in add_tag):
        raise DomainError(_l("A tag is plain text, without < > or control characters."), "tag")
    tag = tags_text(add_tag) if add_tag else ""
    if group_id is None and category_id is None and not tag:
        raise DomainError(_l("Choose a group, a category or a tag to set."))
    changed = 0
    with transaction(lock=supplier):
        _require(actor, supplier, "supervisor")
        for relationship_id in ids:
            relationship = client_of(supplier, relationship_id)  # NotFound: nothing is written
            values = {}
            if group_id is not None:
                values["group_id"] = group_id or None
            if category_id is not None:
                values["category_id"] = category_id or None
            if tag and tag not in relationship.tag_list:
                values["tags"] = ", ".join([*relationship.tag_list, tag])
            before = relationship.version
            if (
                values
                and update_terms(actor, supplier, relationship.id, None, **values).version != before
            ):
                changed += 1
    return changed
