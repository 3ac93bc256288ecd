"""A supplier's products as a list (F24, F25): the supplier's own list and a client's catalog,
searched, filtered by section, paged in SQL and counted up to a cap.

At 100,000 products a count of them all, or a search that reads every row, costs more than the
rest of the page. So:
- a list counts its rows up to COUNT_CAP ("more than 500 products"), reading no further;
- a search goes along the trigram index where there is one (models/search_index.py): on SQLite
  it joins the index table and reads its matches lazily; on PostgreSQL LIKE uses the pg_trgm
  indexes on search_text and code_text by itself. Each candidate is then checked: the name
  (or SKU) holds the text, or one of the reader's own codes does (F20; code_text holds every
  category's codes, only to narrow the candidates);
- a client's sections are tested row by row, and only for a product `restricted` to some
  customer groups (models/sections.py keeps that flag).
The queries are prepared (models/prepared.py) per shape: which of those apply; the values
(supplier, search, category, sections) are their parameters.
"""

from __future__ import annotations

from peewee import SQL, Select, fn

from .base import Page, contains, like_pattern
from .catalog import Product, ProductSection
from .identifiers import clean_text
from .parties import Party
from .prepared import prepared
from .search_index import equals_not_indexed, has_index, index_model, match_query, matches

COUNT_CAP = 500

# a client's sections (sections.section_scope): ("chosen", ids) shows those sections only;
# ("visible", ids) what a client sees, ids being the visible sections that some groups may not
# see; ("open", []) only what everyone sees
SectionScope = tuple[str, list[int]]


def products_page(
    supplier: Party,
    *,
    search: str = "",
    active: bool | None = None,
    page: int = 1,
    per_page: int = 25,
    category_id: int | None = None,
    sections: SectionScope | None = None,
) -> Page:
    """A page of the supplier's products by name (in the supplier's language), counted up to
    COUNT_CAP. A search looks in the SKU and every name, and in the own codes and descriptions
    of the customer category `category_id` when given. More matches than the cap come in the
    order the index holds them (the order products were added): by name, every match would
    have to be read to show the first page."""
    text = clean_text(search, 100).casefold()
    match = match_query([text]) if text and has_index("product") else None
    mode = "match" if match else ("like" if text else "all")
    kind, ids = sections or (None, [])
    if kind == "visible" and not ids:
        kind = "open"
    shape = (mode, category_id is not None and mode != "all", kind, active)
    values = [supplier.id]
    if match:
        values.append(match if shape[1] else f"search_text : ({match})")
    if text:
        values.append(like_pattern(text))
    if shape[1]:
        values.append(int(category_id))
    if kind in ("chosen", "visible"):
        values.append(sorted(ids) or [0])
    count, by_name, by_index = _queries(shape)

    def rows(limit: int, offset: int, more: bool) -> list:
        query = by_index if more and match else by_name
        return query.all(*values, limit, offset)

    return Page.capped(lambda limit: count.scalar(*values, limit), rows, page, per_page, COUNT_CAP)


def section_condition(kind: str | None, ids):
    """The condition on Product of a SectionScope (None: no condition)."""
    links = ProductSection.select(SQL("1")).where(ProductSection.product == Product.id)
    if kind == "chosen":
        return fn.EXISTS(links.where(ProductSection.section.in_(ids)))
    if kind == "visible":
        unlimited = Product.restricted == False  # noqa: E712
        return unlimited | fn.EXISTS(links.where(ProductSection.section.in_(ids)))
    if kind == "open":
        return Product.restricted == False  # noqa: E712
    return None


_SHAPES: dict[tuple, tuple] = {}


def _queries(shape: tuple) -> tuple:
    queries = _SHAPES.get(shape)
    if queries is None:
        queries = _SHAPES[shape] = _shape_queries(shape)
    return queries


def _shape_queries(shape: tuple) -> tuple:
    mode, coded, kind, active = shape

    def listed(supplier_id, *values):
        values = list(values)
        match = values.pop(0) if mode == "match" else None
        pattern = values.pop(0) if mode != "all" else None
        category_id = values.pop(0) if coded else None
        ids = values.pop(0) if kind in ("chosen", "visible") else None
        conditions = []
        if active is not None:
            conditions.append(Product.active == active)
        if kind is not None:
            conditions.append(section_condition(kind, ids))
        if pattern is not None:
            found = contains(Product.search_text, pattern)
            if coded:  # code_text narrows (indexed on PostgreSQL), the reader's own code decides
                found = found | (
                    contains(Product.code_text, pattern) & _own_code(category_id, pattern)
                )
            conditions.append(found)
        if match is None:
            return Product.select().where(Product.supplier == supplier_id, *conditions)
        index = index_model("product")
        return (
            Product.select()
            .join(index, on=(index.rowid == Product.id))
            .where(matches(index, match), equals_not_indexed(Product.supplier, supplier_id))
            .where(*conditions)
        )

    def count(*args):
        *values, limit = args
        capped = listed(*values).select(SQL("1")).limit(limit)
        return Select([capped.alias("capped")], [fn.COUNT(SQL("1"))])

    def by_name(*args):
        *values, limit, offset = args
        return listed(*values).order_by(Product.sort_name, Product.id).limit(limit).offset(offset)

    def by_index(*args):
        *values, limit, offset = args
        query = listed(*values)
        if mode == "match":
            query = query.order_by(index_model("product").rowid)
        return query.limit(limit).offset(offset)

    return prepared(count), prepared(by_name), prepared(by_index)


def _own_code(category_id, pattern):
    """The product has an own code or description in the category that holds the pattern."""
    from .price_lists import CategoryCode  # price_lists reads the catalog's models

    return fn.EXISTS(
        CategoryCode.select(SQL("1")).where(
            CategoryCode.category == category_id,
            CategoryCode.product == Product.id,
            contains(CategoryCode.code_key, pattern)
            | contains(fn.LOWER(CategoryCode.description), pattern),
        )
    )
