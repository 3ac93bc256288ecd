"""Price lists (F26), the clients' own product codes per category (F20) and order discounts
(F28): the tables, and the resolution of what they say for a page of products.

A price list is *fixed* (a price per product, optionally per quantity tier: from 1, 10, 100 …)
or *cost-plus* (the product's purchase price plus a surcharge, for the whole list, overridable
per product). A relationship's list comes first, then its group's, then the list price
(models/pricing.py decides; this module only reads what the lists say, in bounded queries).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from peewee import JOIN, SQL, CharField, DateTimeField, ForeignKeyField, IntegerField, fn

from . import audit
from .base import (
    BaseModel,
    DomainError,
    NotFound,
    check_version,
    from_minor,
    retrying,
    transaction,
    unique_message,
    utcnow,
)
from .catalog import Product
from .identifiers import check_amount, clean_text, fold
from .parties import Party, User
from .prepared import prepared
from .pricing import ListTerms
from .relationship_verbs import _require
from .relationships import CustomerCategory, CustomerGroup, Relationship, _row_id, percent

PRICE_LIST_CODE_TAKEN = _l("Another price list already has this code.")
PRICE_LIST_KIND_LABELS = {"fixed": _l("Fixed prices"), "cost_plus": _l("Cost plus surcharge")}


class PriceList(BaseModel):
    supplier = ForeignKeyField(Party, backref="price_lists", on_delete="CASCADE")
    name = CharField(max_length=120)
    code = CharField(max_length=40)
    code_key = CharField(max_length=40)
    kind = CharField(max_length=16, default="fixed")
    surcharge_bp = IntegerField(null=True)
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)


unique_message(
    "price_list_supplier_id_code_key",
    "price_list",
    ("supplier_id", "code_key"),
    "code",
    PRICE_LIST_CODE_TAKEN,
)


class PriceListEntry(BaseModel):
    price_list = ForeignKeyField(PriceList, backref="entries", on_delete="CASCADE")
    product = ForeignKeyField(Product, backref="+", on_delete="CASCADE")
    min_quantity = IntegerField(default=1)
    price_minor = IntegerField(null=True)
    surcharge_bp = IntegerField(null=True)


class CategoryCode(BaseModel):
    """A customer category's own code and description for one of the supplier's products."""

    category = ForeignKeyField(CustomerCategory, backref="+", on_delete="CASCADE")
    product = ForeignKeyField(Product, backref="+", on_delete="CASCADE")
    code = CharField(max_length=60)
    code_key = CharField(max_length=60)
    description = CharField(max_length=200, default="")
    # the code and description as a search compares them (identifiers.fold): what a buyer's
    # typing is checked against, and what product.code_text is made of
    search_key = CharField(max_length=262, default="")


def code_search_key(code: str, description: str) -> str:
    """CategoryCode.search_key of a code and its description."""
    return fold(f"{code} {description}".strip())


class OrderDiscount(BaseModel):
    """An order discount from an order value (F28): the supplier's, or a relationship's own."""

    supplier = ForeignKeyField(Party, backref="+", on_delete="CASCADE")
    relationship = ForeignKeyField(Relationship, null=True, backref="+", on_delete="CASCADE")
    from_minor = IntegerField()
    discount_bp = IntegerField()


@prepared
def _lists_with_entries(product_ids: list, list_ids: list):
    return (
        PriceList.select(
            PriceList.id,
            PriceList.name,
            PriceList.kind,
            PriceList.surcharge_bp,
            PriceListEntry.product,
            PriceListEntry.min_quantity,
            PriceListEntry.price_minor,
            PriceListEntry.surcharge_bp,
        )
        .join(
            PriceListEntry,
            JOIN.LEFT_OUTER,
            on=(
                (PriceListEntry.price_list == PriceList.id)
                & (PriceListEntry.product.in_(product_ids))
            ),
        )
        .where(PriceList.id.in_(list_ids))
    )


def lists_for(
    relationship: Relationship | None, group: CustomerGroup | None, product_ids
) -> dict[int, list[ListTerms | None]]:
    """For each product: what the client's own list, then its group's, say about it (None where a
    list is not assigned) -- one query for any number of products."""
    chosen = [
        ("relationship", relationship.price_list_id if relationship else None),
        ("group", group.price_list_id if group else None),
    ]
    list_ids = [list_id for _source, list_id in chosen if list_id]
    ids = list(product_ids)
    if not list_ids or not ids:
        return {product_id: [None, None] for product_id in ids}
    # the lists with their entries for these products, in one query (a list without entries
    # for them still comes once, with no entry); plain rows: a page asks for 24 products
    lists: dict[int, tuple] = {}  # id -> (name, kind, surcharge_bp)
    entries: dict[tuple[int, int], list[tuple]] = {}  # -> [(min_quantity, price, surcharge)]
    for list_id, name, kind, surcharge_bp, product_id, *entry in _lists_with_entries.rows(
        ids, list_ids
    ):
        lists.setdefault(list_id, (name, kind, surcharge_bp))
        if product_id is not None:
            entries.setdefault((list_id, product_id), []).append(entry)
    resolved: dict[int, list[ListTerms | None]] = {}
    for product_id in ids:
        terms: list[ListTerms | None] = []
        for source, list_id in chosen:
            found = lists.get(list_id) if list_id else None
            if found is None:
                terms.append(None)
                continue
            name, kind, list_surcharge = found
            own = entries.get((list_id, product_id), [])
            if kind == "cost_plus":
                surcharge = next(
                    (bp for _quantity, _price, bp in own if bp is not None), list_surcharge
                )
                terms.append(ListTerms(list_id, name, source, "cost_plus", surcharge_bp=surcharge))
            else:
                tiers = tuple(
                    sorted((quantity, price) for quantity, price, _bp in own if price is not None)
                )
                terms.append(ListTerms(list_id, name, source, "fixed", tiers=tiers))
        resolved[product_id] = terms
    return resolved


# --- keeping price lists (the supplier's supervisors and admins) ------------------------------

STALE = _l(
    "Someone else changed this price list meanwhile; the saved values are shown. "
    "Save again to overwrite them."
)
MIN_SURCHARGE_BP = -9_999  # a surcharge above -100 %: below it, a price would be nothing
MAX_SURCHARGE_BP = 100_000  # +1000 %
MAX_TIER_QUANTITY = 1_000_000

audit.AREA_LABELS["price_list"] = _l("Price lists")
audit.register_fields(
    {
        "price_list.name": _l("Name"),
        "price_list.code": _l("Code"),
        "price_list.kind": _l("Kind"),
        "price_list.surcharge": _l("Surcharge %"),
        "price_list.entry": _l("Price"),
    }
)
audit.VALUE_LABELS["price_list.kind"] = PRICE_LIST_KIND_LABELS


def price_lists_of(supplier: Party) -> list[PriceList]:
    """The supplier's price lists by name, each with `entries_count`, `groups` and `clients`
    (how many use it), in three queries."""
    rows = list(PriceList.select().where(PriceList.supplier == supplier).order_by(PriceList.name))
    ids = [row.id for row in rows]
    counts, clients, groups = {}, {}, {}
    if ids:
        counts = dict(
            PriceListEntry.select(PriceListEntry.price_list, fn.COUNT(SQL("*")))
            .where(PriceListEntry.price_list.in_(ids))
            .group_by(PriceListEntry.price_list)
            .tuples()
        )
        users = (
            Relationship.select(Relationship.price_list_id, fn.COUNT(SQL("*")))
            .where(Relationship.supplier == supplier, Relationship.price_list_id.in_(ids))
            .group_by(Relationship.price_list_id)
            .tuples()
        )
        clients = dict(users)
        groups = dict(
            CustomerGroup.select(CustomerGroup.price_list_id, fn.COUNT(SQL("*")))
            .where(CustomerGroup.supplier == supplier, CustomerGroup.price_list_id.in_(ids))
            .group_by(CustomerGroup.price_list_id)
            .tuples()
        )
    for row in rows:
        row.entries_count = counts.get(row.id, 0)
        row.clients = clients.get(row.id, 0)
        row.groups = groups.get(row.id, 0)
    return rows


def price_list_of(supplier: Party, list_id) -> PriceList:
    found = PriceList.get_or_none(PriceList.id == _row_id(list_id), PriceList.supplier == supplier)
    if found is None:
        raise NotFound(_l("This price list does not exist."))
    return found


def entries_of(price_list: PriceList) -> list[PriceListEntry]:
    """The list's entries by SKU and quantity, with their products (one query)."""
    return list(
        PriceListEntry.select(PriceListEntry, Product)
        .join(Product)
        .where(PriceListEntry.price_list == price_list)
        .order_by(Product.sku_key, PriceListEntry.min_quantity)
    )


def _surcharge_bp(value, field: str = "surcharge") -> int | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(_l("Enter a percentage, for example 2.5."), field) from None
    if not amount.is_finite():
        raise DomainError(_l("Enter a percentage, for example 2.5."), field)
    if amount < Decimal(MIN_SURCHARGE_BP) / 100:  # compared as typed: 1E+999999 too
        raise DomainError(_l("A surcharge lies above -100 %."), field)
    if amount > Decimal(MAX_SURCHARGE_BP) / 100:
        raise DomainError(_l("A surcharge lies below 1,000 %."), field)
    if amount.as_tuple().exponent < -2:
        raise DomainError(_l("Use at most two decimals for a percentage."), field)
    return int(amount * 100)


def _list_values(values: dict, kind: str) -> dict:
    from .client_groups import name_and_code  # beside the groups, which price lists attach to

    name, code = name_and_code(values)
    surcharge = _surcharge_bp(values.get("surcharge"))
    if kind == "cost_plus" and surcharge is None:
        raise DomainError(_l("Enter the surcharge a cost-plus list adds."), "surcharge")
    return {
        "name": name,
        "code": code,
        "code_key": code.casefold()[:40],
        "surcharge_bp": surcharge if kind == "cost_plus" else None,
    }


def _list_snapshot(row: PriceList) -> dict:
    return {
        "price_list.name": row.name,
        "price_list.code": row.code,
        "price_list.kind": row.kind,
        "price_list.surcharge": percent(row.surcharge_bp),
    }


def _code_free(supplier: Party, code_key: str, own_id=None) -> None:
    query = PriceList.select().where(PriceList.supplier == supplier, PriceList.code_key == code_key)
    if own_id is not None:
        query = query.where(PriceList.id != own_id)
    if query.exists():
        raise DomainError(PRICE_LIST_CODE_TAKEN, "code")


@retrying
def create_price_list(actor: User, supplier: Party, *, kind: str, **values) -> PriceList:
    """A new price list: fixed prices, or cost plus a surcharge."""
    if kind not in PRICE_LIST_KIND_LABELS:
        raise DomainError(_l("Choose the kind of price list."), "kind")
    cleaned = _list_values(values, kind)
    with transaction(lock=supplier):
        _require(actor, supplier, "supervisor")
        _code_free(supplier, cleaned["code_key"])
        row = PriceList.create(supplier=supplier, kind=kind, **cleaned)
        audit.record(
            actor, supplier, "price_list", "create", row.name, audit.diff({}, _list_snapshot(row))
        )
    return row


@retrying
def update_price_list(actor: User, supplier: Party, list_id, version, **values) -> PriceList:
    """Change a list's name, code and (cost-plus) surcharge; its kind stays."""
    with transaction(lock=supplier):
        _require(actor, supplier, "supervisor")
        row = price_list_of(supplier, list_id)
        check_version(row, version, STALE)
        cleaned = _list_values(values, row.kind)
        _code_free(supplier, cleaned["code_key"], row.id)
        before = _list_snapshot(row)
        for name, value in cleaned.items():
            setattr(row, name, value)
        changes = audit.diff(before, _list_snapshot(row))
        if changes:
            row.version += 1
            row.save()
            audit.record(actor, supplier, "price_list", "update", row.name, changes)
    return row


@retrying
def set_entry(
    actor: User, supplier: Party, list_id, *, sku, min_quantity=1, price=None, surcharge=None
):
    """Set one product's price in a fixed list (from a quantity: a tier), or its own surcharge
    in a cost-plus list; the same product and quantity again replaces the price."""
    with transaction(lock=supplier):
        _require(actor, supplier, "supervisor")
        row = price_list_of(supplier, list_id)
        key = clean_text(sku, 40).casefold()
        product = (
            Product.get_or_none(Product.supplier == supplier, Product.sku_key == key)
            if key
            else None
        )
        if product is None:
            raise DomainError(_l("None of your products has this SKU."), "sku")
        values = {"price_minor": None, "surcharge_bp": None, "min_quantity": 1}
        if row.kind == "fixed":
            try:
                quantity = int(min_quantity)
            except (TypeError, ValueError):
                raise DomainError(_l("Enter a whole number."), "min_quantity") from None
            if not 1 <= quantity <= MAX_TIER_QUANTITY:
                raise DomainError(_l("A tier starts at a quantity of 1 or more."), "min_quantity")
            if price is None:
                raise DomainError(_l("Enter the price."), "price")
            values["price_minor"] = check_amount(price, supplier.currency, "price")
            values["min_quantity"] = quantity
        else:
            values["surcharge_bp"] = _surcharge_bp(surcharge)
            if values["surcharge_bp"] is None:
                raise DomainError(_l("Enter the product's own surcharge."), "surcharge")
        existing = PriceListEntry.get_or_none(
            PriceListEntry.price_list == row,
            PriceListEntry.product == product,
            PriceListEntry.min_quantity == values["min_quantity"],
        )
        old = None
        if existing is not None:
            old = _entry_text(row, existing)
            existing.price_minor, existing.surcharge_bp = (
                values["price_minor"],
                values["surcharge_bp"],
            )
            existing.save()
            entry = existing
        else:
            entry = PriceListEntry.create(price_list=row, product=product, **values)
        changes = audit.diff(
            {"price_list.entry": old}, {"price_list.entry": _entry_text(row, entry)}
        )
        audit.record(
            actor, supplier, "price_list", "update", f"{row.name} · {product.sku}", changes
        )
    return entry


def _entry_text(row: PriceList, entry: PriceListEntry) -> str:
    if row.kind == "fixed":
        return f"{from_minor(entry.price_minor, row.supplier.currency)} {row.supplier.currency} ≥ {entry.min_quantity}"
    return f"+{percent(entry.surcharge_bp)} %"


@retrying
def delete_entry(actor: User, supplier: Party, list_id, entry_id) -> None:
    """Take a product's price (or tier, or own surcharge) out of a list."""
    with transaction(lock=supplier):
        _require(actor, supplier, "supervisor")
        row = price_list_of(supplier, list_id)
        entry = PriceListEntry.get_or_none(
            PriceListEntry.id == _row_id(entry_id), PriceListEntry.price_list == row
        )
        if entry is None:
            raise NotFound(_l("This price does not exist."))
        product = Product.get_by_id(entry.product_id)
        old = _entry_text(row, entry)
        entry.delete_instance()
        changes = audit.diff({"price_list.entry": old}, {"price_list.entry": None})
        audit.record(
            actor, supplier, "price_list", "update", f"{row.name} · {product.sku}", changes
        )
