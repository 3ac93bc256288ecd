"""The supplier's client book as a list (F14): search over name, client code, email, VAT number
and tags, filters, paging in SQL. A pending connection request shows and is found only by what
the supplier typed (requested_as) until the customer accepts."""

from __future__ import annotations

from peewee import JOIN, Case, fn

from .base import Page, paged
from .parties import Party
from .relationships import DELINQUENCY, CustomerCategory, CustomerGroup, Relationship

PER_PAGE = 25


def _visible():
    """The customer's own details are the supplier's to see: connected, or created by it."""
    return (Relationship.status == "connected") | (Relationship.created_on_spot == True)  # noqa: E712


def _name():
    """The name a row shows (and is sorted by): the customer's, or what was typed."""
    return Case(None, [(_visible(), Party.display_name)], Relationship.requested_as)


SORTS = {
    "name": lambda: (fn.LOWER(_name()), Relationship.id),
    "code": lambda: (
        Case(None, [(Relationship.client_code.is_null(), 1)], 0),
        fn.LOWER(Relationship.client_code),
        Relationship.id,
    ),
    "newest": lambda: (Relationship.created_at.desc(), Relationship.id.desc()),
}


def _filtered(
    supplier: Party,
    *,
    search: str = "",
    delinquency: str | None = None,
    active: bool | None = None,
    group_id: int | None = None,
    category_id: int | None = None,
):
    """The supplier's clients that match the search and filters, with the customer party,
    group and category joined."""
    query = (
        Relationship.select(Relationship, Party, CustomerGroup, CustomerCategory)
        .join(Party, on=(Relationship.customer == Party.id))
        .switch(Relationship)
        .join(CustomerGroup, JOIN.LEFT_OUTER)
        .switch(Relationship)
        .join(CustomerCategory, JOIN.LEFT_OUTER)
        .where(Relationship.supplier == supplier, Relationship.status != "declined")
    )
    search = (search or "").strip()
    if search:
        query = query.where(
            Relationship.client_code.contains(search)
            | Relationship.tags.contains(search)
            | Relationship.requested_as.contains(search)
            | (
                _visible()
                & (
                    Party.display_name.contains(search)
                    | Party.legal_name.contains(search)
                    | Party.email.contains(search)
                    | Party.vat_number.contains(search.replace(" ", "").replace(".", ""))
                )
            )
        )
    if delinquency in DELINQUENCY:
        query = query.where(Relationship.delinquency == delinquency)
    if active is not None:
        query = query.where(Relationship.active == active)
    if group_id:
        query = query.where(Relationship.group == group_id)
    if category_id:
        query = query.where(Relationship.category == category_id)
    return query


def client_page(
    supplier: Party, *, page=1, per_page: int = PER_PAGE, sort: str = "name", **filters
) -> Page:
    """A page of the supplier's clients (by name, client code or newest first), with the
    customer party, group and category (one query, and one for the count)."""
    order = SORTS.get(sort, SORTS["name"])()
    return paged(_filtered(supplier, **filters), page, per_page, order)


def client_rows(supplier: Party, *, sort: str = "name", **filters):
    """Every client that matches, in the list's order, read in batches (for the export)."""
    order = SORTS.get(sort, SORTS["name"])()
    return _filtered(supplier, **filters).order_by(*order).iterator()


def visible_name(relationship: Relationship) -> str:
    """The name the supplier sees: the customer's once connected (or created by it)."""
    if relationship.status == "connected" or relationship.created_on_spot:
        return relationship.customer.display_name
    return relationship.requested_as


def client_counts(supplier: Party) -> dict[str, int]:
    """How many clients the supplier has, and how many of them are warned or pending."""
    rows = (
        Relationship.select(
            Relationship.status, Relationship.delinquency, fn.COUNT(Relationship.id)
        )
        .where(Relationship.supplier == supplier, Relationship.status != "declined")
        .group_by(Relationship.status, Relationship.delinquency)
        .tuples()
    )
    counts = {"total": 0, "pending": 0, "warned": 0, "do_not_sell": 0}
    for status, delinquency, count in rows:
        counts["total"] += count
        counts["pending"] += count if status == "pending" else 0
        counts["warned"] += count if delinquency in ("debtor", "delinquent") else 0
        counts["do_not_sell"] += count if delinquency == "do_not_sell" else 0
    return counts
