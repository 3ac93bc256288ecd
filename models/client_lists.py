"""The supplier's client book as a list (F14): search over name, client code, email, VAT number
and tags, filters, paging in SQL. A pending connection request shows and is found only by what
the supplier typed (requested_as) until the customer accepts."""

from __future__ import annotations

from peewee import JOIN, OP, SQL, Case, Expression, NodeList, Value, fn

from .base import Page, paged
from .parties import Party
from .prepared import prepared, prepared_page
from .relationships import DELINQUENCY, CustomerCategory, CustomerGroup, Relationship

PER_PAGE = 25
# the statuses the list shows (declined requests are not): an IN, not a !=, so that the
# database seeks its (supplier, status, ...) indexes instead of reading every row
LISTED = ("pending", "connected")


SORTS = {
    "name": lambda: (Relationship.sort_name, Relationship.id),
    "code": lambda: (
        Case(None, [(Relationship.client_code.is_null(), 1)], 0),
        fn.LOWER(Relationship.client_code),
        Relationship.id,
    ),
    "newest": lambda: (Relationship.created_at.desc(), Relationship.id.desc()),
}


def _conditions(
    supplier: Party,
    *,
    search: str = "",
    delinquency: str | None = None,
    active: bool | None = None,
    group_id: int | None = None,
    category_id: int | None = None,
) -> list:
    """The WHERE of the list: every filter is a column of the relationship (the search looks
    in its search_text, which holds only what the supplier may see), so the count needs no
    join."""
    found = [Relationship.supplier == supplier, Relationship.status.in_(LISTED)]
    if search:
        found.append(_matching(_patterns(search)))
    if delinquency in DELINQUENCY:
        found.append(Relationship.delinquency == delinquency)
    if active is not None:
        found.append(Relationship.active == active)
    if group_id:
        found.append(Relationship.group == group_id)
    if category_id:
        found.append(Relationship.category == category_id)
    return found


# what a row of the list shows (the export reads every column)
_ROW_COLUMNS = (
    Relationship.id,
    Relationship.status,
    Relationship.created_on_spot,
    Relationship.requested_as,
    Relationship.client_code,
    Relationship.tags,
    Relationship.active,
    Relationship.delinquency,
    Relationship.group,
    Relationship.category,
    Relationship.customer,
    Party.id,
    Party.display_name,
    Party.email,
    CustomerGroup.id,
    CustomerGroup.name,
    CustomerCategory.id,
    CustomerCategory.name,
)


def _patterns(search: str) -> list[str]:
    """LIKE patterns of a search: the text as typed (lower-cased), and without spaces and dots
    when it has them (a VAT number typed spaced); % and _ match themselves."""
    text = (search or "").strip().casefold()
    words = [text]
    if (compact := text.replace(" ", "").replace(".", "")) != text and compact:
        words.append(compact)
    escaped = (w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words)
    return [f"%{w}%" for w in escaped]


def _matching(patterns: list):
    condition = None
    for pattern in patterns:
        match = Expression(
            Relationship.search_text,
            OP.ILIKE,
            NodeList((Value(pattern), SQL("ESCAPE"), Value("\\"))),  # the same shape always
        )
        condition = match if condition is None else condition | match
    return condition


def _filtered(supplier: Party, columns=None, **filters):
    """The supplier's clients that match, with the customer party, group and category."""
    return (
        Relationship.select(*(columns or (Relationship, Party, CustomerGroup, CustomerCategory)))
        .join(Party, on=(Relationship.customer == Party.id))
        .switch(Relationship)
        .join(CustomerGroup, JOIN.LEFT_OUTER)
        .switch(Relationship)
        .join(CustomerCategory, JOIN.LEFT_OUTER)
        .where(*_conditions(supplier, **filters))
    )


def client_page(
    supplier: Party, *, page=1, per_page: int = PER_PAGE, sort: str = "name", **filters
) -> Page:
    """A page of the supplier's clients (by name, client code or newest first), with the
    customer party, group and category: the page in one query along the supplier's index,
    the count without joins."""
    given = {k for k, v in filters.items() if v not in (None, "")}  # active=False is a filter
    if sort == "name" and not given:  # the list as it opens, and its pager
        return prepared_page(_all_rows, _all_count, (supplier.id,), page, per_page)
    if sort == "name" and given == {"search"}:
        # search as you type: one prepared query per number of patterns
        patterns = _patterns(filters["search"])
        rows, total = _SEARCH[len(patterns)]
        return prepared_page(rows, total, (supplier.id, *patterns), page, per_page)
    order = SORTS.get(sort, SORTS["name"])()
    count = Relationship.select().where(*_conditions(supplier, **filters))
    rows = _filtered(supplier, _ROW_COLUMNS, **filters)
    return paged(rows, page, per_page, order, count_query=count)


@prepared
def _all_count(supplier_id: int):
    return Relationship.select(fn.COUNT(Relationship.id)).where(*_conditions(supplier_id))


@prepared
def _all_rows(supplier_id: int, limit: int, offset: int):
    return (
        _filtered(supplier_id, _ROW_COLUMNS).order_by(*SORTS["name"]()).limit(limit).offset(offset)
    )


def client_rows(supplier: Party, *, sort: str = "name", **filters):
    """Every client that matches, in the list's order, read in batches (for the export)."""
    order = SORTS.get(sort, SORTS["name"])()
    return _filtered(supplier, **filters).order_by(*order).iterator()


def visible_name(relationship: Relationship) -> str:
    """The name the supplier sees: the customer's once connected (or created by it)."""
    if relationship.status == "connected" or relationship.created_on_spot:
        return relationship.customer.display_name
    return relationship.requested_as


def client_counts(supplier: Party, total: int | None = None) -> dict[str, int]:
    """How many clients the supplier has (`total` when the caller counted them already), and
    how many are warned, blocked or pending: index seeks for the few, not a count of all."""
    counts = {"total": 0, "pending": 0, "warned": 0, "do_not_sell": 0}
    for status, delinquency, count in _flagged_counts.rows(supplier.id):
        counts["pending"] += count if status == "pending" else 0
        counts["warned"] += count if delinquency in ("debtor", "delinquent") else 0
        counts["do_not_sell"] += count if delinquency == "do_not_sell" else 0
    counts["total"] = _all_count.scalar(supplier.id) if total is None else total
    return counts


@prepared
def _flagged_counts(supplier_id: int):
    flagged = (
        Relationship.select(
            Relationship.status, Relationship.delinquency, fn.COUNT(Relationship.id)
        )
        .where(
            Relationship.supplier == supplier_id,
            Relationship.status.in_(LISTED),
            Relationship.delinquency.in_(("debtor", "delinquent", "do_not_sell")),
        )
        .group_by(Relationship.status, Relationship.delinquency)
    )
    pending = (
        Relationship.select(
            Relationship.status, Relationship.delinquency, fn.COUNT(Relationship.id)
        )
        .where(
            Relationship.supplier == supplier_id,
            Relationship.status == "pending",
            Relationship.delinquency == "none",
        )
        .group_by(Relationship.status, Relationship.delinquency)
    )
    return flagged + pending  # UNION ALL


def _search_queries(count: int):
    def total(supplier_id, *patterns):
        return Relationship.select(fn.COUNT(Relationship.id)).where(
            Relationship.supplier == supplier_id,
            Relationship.status.in_(LISTED),
            _matching(list(patterns)),
        )

    def rows(supplier_id, *args):
        *patterns, limit, offset = args
        return (
            _filtered(supplier_id, _ROW_COLUMNS)
            .where(_matching(patterns))
            .order_by(*SORTS["name"]())
            .limit(limit)
            .offset(offset)
        )

    return prepared(rows), prepared(total)


_SEARCH = {1: _search_queries(1), 2: _search_queries(2)}
