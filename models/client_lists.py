"""The supplier's client book as a list (F14): search over name, client code, email, VAT number
and tags, filters, paging in SQL. A pending connection request shows and is found only by what
the supplier typed (requested_as) until the customer accepts."""

from __future__ import annotations

from peewee import JOIN, SQL, Case, fn

from .base import Page, contains, like_pattern
from .identifiers import fold
from .parties import Party
from .prepared import prepared, prepared_page
from .relationships import DELINQUENCY, CustomerCategory, CustomerGroup, Relationship
from .search_index import equals_not_indexed, has_index, match_query, matching_ids

PER_PAGE = 25
# a search whose trigram matches are this few reads its rows from the matches (sorted); with
# more, walking the sort index until a page is full is cheaper (they are dense along it)
FEW_MATCHES = 200
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


def _given(filters: dict) -> dict:
    """The filters that filter: the search as its LIKE patterns, a known delinquency status,
    the active flag when set (False is a filter), a group or category id other than 0."""
    given = {}
    if filters.get("search") and (words := _words(filters["search"])):
        given["patterns"] = [like_pattern(word) for word in words]
    if filters.get("delinquency") in DELINQUENCY:
        given["delinquency"] = filters["delinquency"]
    if filters.get("active") is not None:
        given["active"] = filters["active"]
    for name in ("group_id", "category_id"):
        if filters.get(name):
            given[name] = filters[name]
    return given


def _conditions(
    supplier: Party,
    *,
    patterns: list | tuple = (),
    match: str | None = None,
    delinquency: str | None = None,
    active: bool | None = None,
    group_id: int | None = None,
    category_id: int | None = None,
) -> list:
    """The WHERE of the list for the filters _given() keeps: every filter is a column of the
    relationship (the search looks in its search_text, which holds only what the supplier may
    see), so the count needs no join. With `match` (a trigram index query) the search is read
    from the index and the supplier is checked per match, not sought along its index."""
    if match is not None:
        found = [
            equals_not_indexed(Relationship.supplier, supplier),
            matching_ids(Relationship, match),
        ]
    else:
        found = [Relationship.supplier == supplier]
    found.append(Relationship.status.in_(LISTED))
    if patterns:
        found.append(_matching(list(patterns)))
    if delinquency is not None:
        found.append(Relationship.delinquency == delinquency)
    if active is not None:
        found.append(Relationship.active == active)
    if group_id is not None:
        found.append(Relationship.group == group_id)
    if category_id is not None:
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


def _words(search: str) -> list[str]:
    """What a search looks for: the text as typed (casefolded), and without spaces and dots
    when it has them (a VAT number typed spaced)."""
    text = fold((search or "").strip())
    words = [text] if text else []
    if text and (compact := text.replace(" ", "").replace(".", "")) != text and compact:
        words.append(compact)
    return words


def _matching(patterns: list):
    condition = None
    for pattern in patterns:
        match = contains(Relationship.search_text, pattern)
        condition = match if condition is None else condition | match
    return condition


def _filtered(supplier: Party, columns=None, **given):
    """The supplier's clients that match, with the customer party, group and category."""
    return (
        Relationship.select(*(columns or (Relationship, Party, CustomerGroup, CustomerCategory)))
        .join(Party, on=(Relationship.customer == Party.id))
        .switch(Relationship)
        .join(CustomerGroup, JOIN.LEFT_OUTER)
        .switch(Relationship)
        .join(CustomerCategory, JOIN.LEFT_OUTER)
        .where(*_conditions(supplier, **given))
    )


def client_page(
    supplier: Party, *, page=1, per_page: int = PER_PAGE, sort: str = "name", **filters
) -> Page:
    """A page of the supplier's clients (by name, client code or newest first), with the
    customer party, group and category: the page in one query along the supplier's index,
    the count without joins. A search is counted along the trigram index where there is one
    (models/search_index.py), and its rows are read from the matches when they are few."""
    sort = sort if sort in SORTS else "name"
    given = _given(filters)
    rows, total, args = _shaped(sort, given)
    search = filters.get("search")
    query = match_query(_words(search)) if search and has_index("relationship") else None
    if query is None:
        return prepared_page(rows, total, (supplier.id, *args), page, per_page)
    indexed = {**{k: v for k, v in given.items() if k != "patterns"}, "match": query}
    found_rows, found_total, found_args = _shaped(sort, indexed)
    counted = {}

    def count() -> int:
        counted["total"] = found_total.scalar(supplier.id, *found_args)
        return counted["total"]

    def rows_of(limit: int, offset: int) -> list:
        if counted["total"] <= FEW_MATCHES:
            return found_rows.all(supplier.id, *found_args, limit, offset)
        return rows.all(supplier.id, *args, limit, offset)

    return Page.of(count, rows_of, page, per_page)


# The list's queries are prepared (models/prepared.py) per shape: the sort, how many search
# patterns, which valued filters are given, and the active flag (a boolean is part of the
# shape, not a parameter); the patterns and the filters' values are the parameters.
_VALUED = ("delinquency", "group_id", "category_id")
_SHAPES: dict[tuple, tuple] = {}


def _shaped(sort: str, given: dict) -> tuple:
    patterns = given.get("patterns", [])
    matched = [given["match"]] if "match" in given else []
    valued = tuple(name for name in _VALUED if name in given)
    key = (sort, len(patterns), bool(matched), valued, given.get("active"))
    queries = _SHAPES.get(key)
    if queries is None:
        queries = _SHAPES[key] = _shape_queries(*key)
    return (*queries, [*patterns, *matched, *(given[name] for name in valued)])


def _shape_queries(
    sort: str, pattern_count: int, matched: bool, valued: tuple, active: bool | None
):
    def filters_of(values) -> dict:
        plain = pattern_count + matched
        return {
            "patterns": values[:pattern_count],
            "match": values[pattern_count] if matched else None,
            **dict(zip(valued, values[plain:], strict=True)),
            "active": active,
        }

    def total(supplier_id, *values):
        conditions = _conditions(supplier_id, **filters_of(values))
        return Relationship.select(fn.COUNT(SQL("*"))).where(*conditions)

    def rows(supplier_id, *args):
        *values, limit, offset = args
        return (
            _filtered(supplier_id, _ROW_COLUMNS, **filters_of(values))
            .order_by(*SORTS[sort]())
            .limit(limit)
            .offset(offset)
        )

    return prepared(rows), prepared(total)


@prepared
def _all_count(supplier_id: int):
    return Relationship.select(fn.COUNT(SQL("*"))).where(*_conditions(supplier_id))


def client_rows(supplier: Party, *, sort: str = "name", **filters):
    """Every client that matches, in the list's order, read in batches (for the export)."""
    order = SORTS.get(sort, SORTS["name"])()
    return _filtered(supplier, **_given(filters)).order_by(*order).iterator()


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
        Relationship.select(Relationship.status, Relationship.delinquency, fn.COUNT(SQL("*")))
        .where(
            Relationship.supplier == supplier_id,
            Relationship.status.in_(LISTED),
            Relationship.delinquency.in_(("debtor", "delinquent", "do_not_sell")),
        )
        .group_by(Relationship.status, Relationship.delinquency)
    )
    pending = (
        Relationship.select(Relationship.status, Relationship.delinquency, fn.COUNT(SQL("*")))
        .where(
            Relationship.supplier == supplier_id,
            Relationship.status == "pending",
            Relationship.delinquency == "none",
        )
        .group_by(Relationship.status, Relationship.delinquency)
    )
    return flagged + pending  # UNION ALL


def matching_client_ids(supplier: Party, search: str, limit: int = 200) -> list[int]:
    """The ids of up to `limit` of the supplier's clients whose name, code, email, VAT number
    or tag holds the search (the client list's search, along the trigram index where there
    is one): an order list searched by client name looks up these first."""
    given = _given({"search": search})
    if "patterns" not in given:
        return []
    query = match_query(_words(search)) if has_index("relationship") else None
    if query is not None:
        given = {"match": query, "patterns": given["patterns"]}
    rows = (
        Relationship.select(Relationship.id)
        .where(*_conditions(supplier, **given))
        .limit(limit)
        .tuples()
    )
    return [row[0] for row in rows]
