"""Importing clients from a CSV file (F23), on the shared import mechanism (models/imports.py):
one row per client with its company, one address (its delivery and invoice address) and its
terms. Rows are matched by the client code: a new code creates the client on the spot, a known
one updates its terms (never the customer's own details), and a row that changes nothing is
left alone -- so importing the same file twice changes nothing the second time. The whole file
is applied in one transaction that serialises on the supplier, after checking every row again;
one audit entry records the import with its counts."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from . import audit, search_index
from .addresses import Address, _address_values
from .base import BulkInsert, DomainError, retrying, transaction, utcnow
from .company import party_fields
from .identifiers import check_amount
from .imports import ImportBatch, Preview, Row, Spec, finish, read, refuse_failing
from .imports import amount as _amount
from .mail import language_or_default
from .parties import Party, User
from .relationships import (
    DELINQUENCY,
    MAX_PAYMENT_TERMS_DAYS,
    PAYMENT_METHODS,
    CustomerCategory,
    CustomerGroup,
    Relationship,
    index_text,
    reindex,
)

from .relationship_verbs import _discount_bp, _require, tags_text  # isort: skip

KIND = "clients"
SPEC = Spec(
    required=("client_code", "name", "country", "street", "postal_code", "city"),
    optional=(
        "display_name",
        "customer_type",
        "vat_number",
        "language",
        "currency",
        "email",
        "phone",
        "group",
        "category",
        "min_order",
        "credit_limit",
        "payment_method",
        "payment_terms_days",
        "discount",
        "delinquency",
        "tags",
    ),
    plus_allowed=("phone",),
)
TEMPLATE_ROWS = [
    {
        "client_code": "K1001",
        "name": "Bakkerij Jansen B.V.",
        "display_name": "Bakkerij Jansen",
        "customer_type": "business",
        "vat_number": "NL810433941B01",
        "country": "NL",
        "language": "nl",
        "currency": "EUR",
        "email": "info@jansen.example",
        "phone": "+31 20 555 0101",
        "street": "Dorpsstraat 1",
        "postal_code": "1012 AB",
        "city": "Amsterdam",
        "group": "",
        "category": "",
        "min_order": "150.00",
        "credit_limit": "2500.00",
        "payment_method": "on_account",
        "payment_terms_days": "30",
        "discount": "2.5",
        "delinquency": "none",
        "tags": "vip, bakery",
    }
]
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PARTY_COLUMN = {"legal_name": "name"}  # party_fields' names -> the file's

audit.register_fields(
    {
        "import.created": _l("Clients created"),
        "import.updated": _l("Clients updated"),
        "import.unchanged": _l("Rows without changes"),
    }
)


def _terms(row: Row, supplier: Party, groups: dict, categories: dict) -> dict:
    """The row's terms as the relationship keeps them (errors noted on the row)."""
    v, currency, terms = row.values, supplier.currency, {}

    def check(column, rule):
        try:
            return rule(v.get(column, ""))
        except DomainError as refusal:
            row.error(column, refusal)
            return None

    terms["min_order_minor"] = check(
        "min_order", lambda t: check_amount(_amount(t), currency, "min_order")
    )
    terms["credit_limit_minor"] = check(
        "credit_limit", lambda t: check_amount(_amount(t), currency, "credit_limit")
    )

    def method(text):
        if not text:
            return None
        if text not in PAYMENT_METHODS:
            raise DomainError(
                _l("Use one of: %(choices)s."),
                choices=", ".join(m for m in PAYMENT_METHODS if m != "sepa"),
            )
        if text == "sepa":
            raise DomainError(
                _l(
                    "SEPA direct debit needs a mandate: set it on the client's page after the import."
                )
            )
        return text

    terms["payment_method"] = check("payment_method", method)

    def days(text):
        if not text:
            return None
        if not text.isdigit() or int(text) > MAX_PAYMENT_TERMS_DAYS:
            raise DomainError(
                _l("Write a number of days from 0 to %(days)s."), days=MAX_PAYMENT_TERMS_DAYS
            )
        return int(text)

    terms["payment_terms_days"] = check("payment_terms_days", days)
    terms["discount_bp"] = check("discount", lambda t: _discount_bp(_amount(t)) if t else None)

    def delinquency(text):
        text = text or "none"
        if text not in DELINQUENCY:
            raise DomainError(_l("Use one of: %(choices)s."), choices=", ".join(DELINQUENCY))
        return text

    terms["delinquency"] = check("delinquency", delinquency)

    def owned(table: dict, kind):
        def rule(text):
            if not text:
                return None
            found = table.get(text.upper())
            if found is None:
                raise DomainError(
                    _l("You have no customer group with this code.")
                    if kind == "group"
                    else _l("You have no customer category with this code.")
                )
            return found

        return rule

    terms["group_id"] = check("group", owned(groups, "group"))
    terms["category_id"] = check("category", owned(categories, "category"))
    terms["tags"] = check("tags", tags_text) or ""
    return terms


def _company(row: Row, supplier: Party) -> dict | None:
    v = row.values
    if v.get("email") and not _EMAIL.match(v["email"]):
        row.error("email", _l("Enter a valid email address."))
    try:
        return party_fields(
            legal_name=v.get("name", ""),
            display_name=v.get("display_name") or v.get("name", ""),
            customer_type=v.get("customer_type") or "business",
            vat_number=v.get("vat_number", ""),
            country=v.get("country", ""),
            language=language_or_default(v.get("language") or None, supplier.language),
            currency=(v.get("currency") or supplier.currency),
            email=v.get("email", ""),
            phone=v.get("phone", ""),
        )
    except DomainError as refusal:
        row.error(_PARTY_COLUMN.get(refusal.field, refusal.field or "name"), refusal)
        return None


def _address(row: Row) -> dict | None:
    v = row.values
    try:
        return _address_values(
            {
                "street": v["street"],
                "postal_code": v["postal_code"],
                "city": v["city"],
                "country": v["country"],
            }
        )
    except DomainError as refusal:
        row.error(refusal.field or "street", refusal)
        return None


def _by_code(model, supplier: Party) -> dict:
    return {
        row.code.upper(): row.id
        for row in model.select(model.id, model.code).where(model.supplier == supplier)
    }


_TERM_FIELDS = (
    "min_order_minor",
    "credit_limit_minor",
    "payment_method",
    "payment_terms_days",
    "discount_bp",
    "delinquency",
    "group_id",
    "category_id",
    "tags",
)


def check(supplier: Party, rows: list[Row]) -> list[Row]:
    """Check every row against the file and the database; each row gets its errors and
    what applying it would do. The checked values are kept on the row for apply()."""
    groups, categories = _by_code(CustomerGroup, supplier), _by_code(CustomerCategory, supplier)
    existing = {
        r.client_code.lower(): r
        for r in Relationship.select().where(
            Relationship.supplier == supplier, Relationship.client_code.is_null(False)
        )
    }
    seen: dict[str, int] = {}
    for row in rows:
        code = row.values.get("client_code", "")
        if not code:
            row.error(
                "client_code",
                _l("Every row needs a client code (it matches the row on the next import)."),
            )
        elif len(code) > 40:
            row.error("client_code", _l("A client code has at most 40 characters."))
        elif code.lower() in seen:
            row.error(
                "client_code",
                _l("This client code is on line %(line)s too.") % {"line": seen[code.lower()]},
            )
        else:
            seen[code.lower()] = row.line
        terms = _terms(row, supplier, groups, categories)
        known = existing.get(code.lower()) if code else None
        row.known = known
        row.terms = terms
        if known is None:
            row.company = _company(row, supplier)
            row.address = _address(row)
            row.action = "create"
        else:
            row.company = row.address = None
            same = all(getattr(known, name) == terms.get(name) for name in _TERM_FIELDS)
            row.action = "unchanged" if same else "update"
    _known_companies(rows)
    return rows


def _known_companies(rows: list[Row]) -> None:
    """A new client whose VAT number or email is a company on the portal already: connect to
    it instead (Add client), or a second copy of that company would be made."""
    new = [row for row in rows if row.action == "create" and row.company]
    for column, key in (("vat_number", "vat_number"), ("email", "email")):
        values = sorted({row.company[key] for row in new if row.company[key]})
        taken = set()
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            field = getattr(Party, key)
            taken |= {v for (v,) in Party.select(field).where(field.in_(chunk)).tuples()}
        for row in new:
            if row.company[key] and row.company[key] in taken:
                row.error(
                    column,
                    _l(
                        "A company with this VAT number uses the portal already: connect to it with Add client."
                    )
                    if key == "vat_number"
                    else _l(
                        "A company with this email address uses the portal already: connect to it with Add client."
                    ),
                )


def preview(supplier: Party, batch: ImportBatch) -> Preview:
    return Preview.of(check(supplier, read(batch.content, SPEC)))


@retrying
def apply(actor: User, supplier: Party, batch_id) -> dict:
    """Import a previewed file: every row checked again inside the supplier's lock, then all
    written in this one transaction, or nothing when any row has an error."""
    from .imports import batch_of

    with transaction(lock=supplier):
        _require(actor, supplier, "admin")
        batch = batch_of(supplier, KIND, batch_id)
        if batch.status != "preview":
            raise DomainError(_l("This file is imported already."))
        rows = check(supplier, read(batch.content, SPEC))
        failing = [row for row in rows if row.errors]
        refuse_failing(len(failing))
        counts = {"create": 0, "update": 0, "unchanged": 0}
        addresses, links, now = [], [], utcnow()
        new_party = BulkInsert(Party)
        for row in rows:
            counts[row.action] += 1
            if row.action == "create":
                customer_id = new_party.one(row.company)  # its id for the rest
                for kind in ("delivery", "invoice"):
                    addresses.append(
                        {"party": customer_id, "kind": kind, "is_default": True, **row.address}
                    )
                link = Relationship(
                    status="connected",
                    created_on_spot=True,
                    client_code=row.values["client_code"],
                    tags=row.terms["tags"],
                )
                sort_name, search_text = index_text(link, Party(**row.company))
                links.append(
                    {
                        "supplier": supplier.id,
                        "customer": customer_id,
                        "status": "connected",
                        "created_on_spot": True,
                        "client_code": row.values["client_code"],
                        "created_at": now,
                        "sort_name": sort_name,
                        "search_text": search_text,
                        **row.terms,
                    }
                )
            elif row.action == "update":
                values = dict(row.terms)
                Relationship.update(**values, version=Relationship.version + 1).where(
                    Relationship.id == row.known.id
                ).execute()
                reindex([Relationship.get_by_id(row.known.id)])  # its tags are searched
        BulkInsert(Address).many(addresses)
        BulkInsert(Relationship).many(links)
        if links:
            search_index.compact("relationship")
        result = {
            "created": counts["create"],
            "updated": counts["update"],
            "unchanged": counts["unchanged"],
        }
        finish(actor, supplier, batch, "client", "import", result)
    return result
