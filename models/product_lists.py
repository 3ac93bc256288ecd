"""A supplier's products as a list (F24, F25): the supplier's own list and a client's catalog,
searched, filtered by section, paged in SQL and counted up to a cap.

At 100,000 products a count of them all, or a search that reads every row, costs more than the
rest of the page. So:
- a list counts its rows up to COUNT_CAP ("more than 500 products"), reading no further, and a
  search its matches up to SEARCH_COUNT_CAP: each match is checked against the text as it is
  read, and a search as you type ("orange juice") counted to 500 cost more than its page;
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

from peewee import JOIN, SQL, Select, fn

from .base import Page, contains, like_pattern
from .catalog import Product, ProductSection, ProductText, sort_column
from .identifiers import clean_text, fold
from .parties import Party
from .prepared import prepared
from .search_index import equals_not_indexed, has_index, index_model, matches, narrowing_query

COUNT_CAP = 500
SEARCH_COUNT_CAP = 100

# what a list shows of a product (not the texts searched, which may be long)
SHOWN = (
    Product.id,
    Product.supplier,
    Product.sku,
    Product.unit,
    Product.pack_size,
    Product.vat_class,
    Product.list_price_minor,
    Product.purchase_price_minor,
    Product.active,
    Product.schedule,
    Product.sort_name,
    Product.image_key,
    Product.version,
)

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
    texts: tuple[str, str] | None = None,
) -> Page:
    """A page of the supplier's products by name, counted up to COUNT_CAP (a search up to
    SEARCH_COUNT_CAP). A search looks in the SKU and every name, and in the own codes and
    descriptions of the customer category `category_id` when given. More matches than the cap
    come in the order the index holds them (the order products were added): by name, every
    match would have to be read to show the first page. With `texts` (the reader's language,
    then the supplier's), each product comes with its `text` in them and its `own_code` in the
    category, in the same query, and the list is sorted by the names in the reader's language
    (else in the supplier's)."""
    text = fold(clean_text(search, 100))
    # each candidate is checked below (LIKE), so the index only narrows: by trigrams, not the
    # phrase
    match = narrowing_query([text]) if text and has_index("product") else None
    mode = "match" if match else ("like" if text else "all")
    shape = _shape(mode, category_id, sections, active, texts)
    if match and not shape[1]:
        match = f"search_text : ({match})"  # no own codes to look in: the names only
    values = _values(shape, supplier, None, match, text, category_id, sections)
    count, by_name, by_index = _queries(shape)
    joined = _joined(shape, category_id, texts)

    def rows(limit: int, offset: int, more: bool) -> list:
        query = by_index if more and match else by_name
        return _attach(query.all(*values, *joined, limit, offset), shape)

    cap = SEARCH_COUNT_CAP if text else COUNT_CAP
    return Page.capped(lambda limit: count.scalar(*values, limit), rows, page, per_page, cap)


def one_product(
    supplier: Party,
    product_id: int,
    *,
    active: bool | None = None,
    category_id: int | None = None,
    sections: SectionScope | None = None,
    texts: tuple[str, str] | None = None,
) -> Product | None:
    """One of the supplier's products as a list would show it (the same conditions and
    joins), or None: one query."""
    shape = _shape("one", category_id, sections, active, texts)
    values = _values(shape, supplier, product_id, None, "", category_id, sections)
    _count, by_name, _by_index = _queries(shape)
    found = by_name.all(*values, *_joined(shape, category_id, texts), 1, 0)
    return _attach(found, shape)[0] if found else None


def products_by_id(
    supplier: Party,
    product_ids,
    *,
    active: bool | None = None,
    category_id: int | None = None,
    sections: SectionScope | None = None,
    texts: tuple[str, str] | None = None,
) -> dict[int, Product]:
    """The supplier's products with these ids that a list with these conditions would show,
    by id (a cart's or an order's products: one query for any number)."""
    wanted = sorted({int(i) for i in product_ids})
    if not wanted:
        return {}
    size = next((n for n in (8, 32, 128, 512) if n >= len(wanted)), len(wanted))
    padded = wanted + [0] * (size - len(wanted))  # one prepared query per size, not per count
    shape = _shape("ids", category_id, sections, active, texts)
    values = _values(shape, supplier, padded, None, "", category_id, sections)
    _count, by_name, _by_index = _queries(shape)
    found = by_name.all(*values, *_joined(shape, category_id, texts), size, 0)
    return {product.id: product for product in _attach(found, shape)}


def _shape(mode: str, category_id, sections, active, texts) -> tuple:
    """What a list's queries look like: how it is searched, whether own codes are searched,
    which sections apply, the active filter, whether texts and own codes are joined, and the
    language it is sorted in (the reader's, with texts; else the supplier's sort_name)."""
    kind, ids = sections or (None, [])
    if kind == "visible" and not ids:
        kind = "open"
    coded = category_id is not None and mode in ("match", "like")
    with_texts = texts is not None
    return (
        mode,
        coded,
        kind,
        active,
        with_texts,
        with_texts and bool(category_id),
        texts[0] if with_texts else None,
    )


def _values(shape, supplier, product_id, match, text, category_id, sections) -> list:
    """The filters' values, in the order the builder takes them."""
    mode, coded, kind = shape[:3]
    values = [supplier.id]
    if mode == "one":
        values.append(int(product_id))
    if mode == "ids":
        values.append(product_id)
    if mode == "match":
        values.append(match)
    if mode in ("match", "like"):
        values.append(like_pattern(text))
    if coded:
        values.append(int(category_id))
    if kind in ("chosen", "visible"):
        values.append(sorted(sections[1]) or [0])
    return values


def _joined(shape: tuple, category_id, texts) -> list:
    """The values of the rows' joins: the two languages, the category of the own codes."""
    joined = list(texts) if shape[4] else []
    return [*joined, int(category_id)] if shape[5] else joined


def _attach(rows: list, shape: tuple) -> list:
    """Each product's text (its reader's language, else the supplier's) and own code."""
    if shape[4]:
        for row in rows:
            found = [getattr(row, a, None) for a in ("reader_text", "own_text", "category_code")]
            reader, own, code = [x if x is not None and x.id is not None else None for x in found]
            row.text, row.own_code = reader or own, code
    return rows


def section_links():
    """The product's section links (correlated with the outer query's product)."""
    return ProductSection.select(SQL("1")).where(ProductSection.product == Product.id)


def section_condition(kind: str | None, ids):
    """The condition on Product of a SectionScope (None: no condition)."""
    links = section_links()
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
    mode, coded, kind, active, with_texts, with_codes, language = shape
    sort = sort_column(language)

    def listed(supplier_id, *values):
        values = list(values)
        product_id = values.pop(0) if mode in ("one", "ids") else None
        match = values.pop(0) if mode == "match" else None
        pattern = values.pop(0) if mode in ("match", "like") else None
        category_id = values.pop(0) if coded else None
        ids = values.pop(0) if kind in ("chosen", "visible") else None
        conditions = []
        if mode == "ids":
            conditions.append(Product.id.in_(product_id))
        elif product_id is not None:
            conditions.append(Product.id == product_id)
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
        if mode == "ids":  # by key: the supplier's listing index would walk its whole list
            supplier = equals_not_indexed(Product.supplier, supplier_id)
            return Product.select(*SHOWN).where(supplier, *conditions)
        if match is None:
            return Product.select(*SHOWN).where(Product.supplier == supplier_id, *conditions)
        index = index_model("product")
        return (
            Product.select(*SHOWN)
            .join(index, on=(index.rowid == Product.id))
            .where(matches(index, match), equals_not_indexed(Product.supplier, supplier_id))
            .where(*conditions)
        )

    def with_joins(query, joined: list):
        """The product's texts in the reader's and the supplier's language, its own code."""
        if not with_texts:
            return query
        from .price_lists import CategoryCode

        reader, own = ProductText.alias("reader"), ProductText.alias("own")
        query = query.select_extend(reader, own).switch(Product)
        for alias, language, attr in (
            (reader, joined[0], "reader_text"),
            (own, joined[1], "own_text"),
        ):
            on = (alias.product == Product.id) & (alias.language == language)
            query = query.join(alias, JOIN.LEFT_OUTER, on=on, attr=attr).switch(Product)
        if with_codes:
            code = (CategoryCode.product == Product.id) & (CategoryCode.category == joined[2])
            query = query.select_extend(CategoryCode).join(
                CategoryCode, JOIN.LEFT_OUTER, on=code, attr="category_code"
            )
        return query

    def split(args) -> tuple[list, list]:
        joins = (2 if with_texts else 0) + (1 if with_codes else 0)
        return list(args[: len(args) - joins]), list(args[len(args) - joins :])

    def count(*args):
        *values, limit = args
        capped = listed(*values).select(SQL("1")).limit(limit)
        return Select([capped.alias("capped")], [fn.COUNT(SQL("1"))])

    def by_name(*args):
        *args, limit, offset = args
        values, joined = split(args)
        query = with_joins(listed(*values), joined)
        return query.order_by(sort, Product.id).limit(limit).offset(offset)

    def by_index(*args):
        *args, limit, offset = args
        values, joined = split(args)
        query = with_joins(listed(*values), joined)
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
            contains(CategoryCode.search_key, pattern),
        )
    )
