"""Price lists (F26), the clients' own product codes per category (F20) and order discounts
(F28): the tables, and the resolution of what they say for a page of products.

A price list is *fixed* (a price per product, optionally per quantity tier: from 1, 10, 100 …)
or *cost-plus* (the product's purchase price plus a surcharge, for the whole list, overridable
per product). A relationship's list comes first, then its group's, then the list price
(models/pricing.py decides; this module only reads what the lists say, in bounded queries).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from peewee import JOIN, CharField, DateTimeField, ForeignKeyField, IntegerField

from .base import BaseModel, unique_message, utcnow
from .catalog import Product
from .parties import Party
from .pricing import ListTerms
from .relationships import CustomerCategory, CustomerGroup, Relationship

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


class OrderDiscount(BaseModel):
    """An order discount from an order value (F28): the supplier's, or a relationship's own."""

    supplier = ForeignKeyField(Party, backref="+", on_delete="CASCADE")
    relationship = ForeignKeyField(Relationship, null=True, backref="+", on_delete="CASCADE")
    from_minor = IntegerField()
    discount_bp = IntegerField()


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
    # for them still comes once, with no entry)
    lists: dict[int, PriceList] = {}
    entries: dict[tuple[int, int], list[PriceListEntry]] = {}
    query = (
        PriceList.select(PriceList, PriceListEntry)
        .join(
            PriceListEntry,
            JOIN.LEFT_OUTER,
            on=((PriceListEntry.price_list == PriceList.id) & (PriceListEntry.product.in_(ids))),
            attr="entry",
        )
        .where(PriceList.id.in_(list_ids))
    )
    for row in query:
        lists.setdefault(row.id, row)
        entry = getattr(row, "entry", None)
        if entry is not None and entry.id is not None:
            entries.setdefault((row.id, entry.product_id), []).append(entry)
    resolved: dict[int, list[ListTerms | None]] = {}
    for product_id in ids:
        terms: list[ListTerms | None] = []
        for source, list_id in chosen:
            price_list = lists.get(list_id) if list_id else None
            if price_list is None:
                terms.append(None)
                continue
            own = entries.get((list_id, product_id), [])
            if price_list.kind == "cost_plus":
                surcharge = next(
                    (e.surcharge_bp for e in own if e.surcharge_bp is not None),
                    price_list.surcharge_bp,
                )
                terms.append(
                    ListTerms(
                        price_list.id, price_list.name, source, "cost_plus", surcharge_bp=surcharge
                    )
                )
            else:
                tiers = tuple(
                    sorted(
                        (e.min_quantity, e.price_minor) for e in own if e.price_minor is not None
                    )
                )
                terms.append(
                    ListTerms(price_list.id, price_list.name, source, "fixed", tiers=tiers)
                )
        resolved[product_id] = terms
    return resolved
