"""A supplier's catalog terms (F18, F28): how discounts combine (*largest only* or *stacked*),
the customer-type discounts (business / consumer), and the order conditions -- order discounts
by order value, delivery costs below a threshold and free from it. A relationship may have its
own delivery costs; a customer group may deliver free. `conditions_for` resolves what applies
to one client, for the pure `pricing.order_conditions`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from . import audit
from .base import DomainError, StaleForm, from_minor, retrying, transaction
from .identifiers import check_amount
from .parties import Party, User
from .prepared import prepared
from .price_lists import OrderDiscount
from .pricing import DISCOUNT_RULES, OrderConditions
from .relationship_verbs import _discount_bp, _require
from .relationships import CustomerGroup, Relationship, percent

MAX_ORDER_DISCOUNTS = 3
STALE = _l(
    "Someone else changed your company's settings meanwhile; the saved values are shown. "
    "Save again to overwrite them."
)

audit.AREA_LABELS["catalog_terms"] = _l("Catalog terms")
audit.register_fields(
    {
        "terms.discount_rule": _l("How discounts combine"),
        "terms.business_discount": _l("Discount for business customers %"),
        "terms.consumer_discount": _l("Discount for consumers %"),
        "terms.delivery_cost": _l("Delivery costs"),
        "terms.free_delivery_from": _l("Free delivery from"),
        "terms.order_discounts": _l("Order discounts"),
    }
)


@dataclass(frozen=True)
class CatalogTerms:
    version: int
    discount_rule: str
    business_discount: Decimal | None
    consumer_discount: Decimal | None
    delivery_cost: Decimal | None
    free_delivery_from: Decimal | None
    order_discounts: list[tuple[Decimal, Decimal]]  # (from order value, percent)


def order_discounts_of(
    supplier: Party, relationship: Relationship | None = None
) -> list[OrderDiscount]:
    query = OrderDiscount.select().where(OrderDiscount.supplier == supplier)
    if relationship is None:
        query = query.where(OrderDiscount.relationship.is_null())
    else:
        query = query.where(OrderDiscount.relationship == relationship)
    return list(query.order_by(OrderDiscount.from_minor))


def catalog_terms(supplier: Party) -> CatalogTerms:
    currency = supplier.currency
    return CatalogTerms(
        version=supplier.version,
        discount_rule=supplier.discount_rule or "largest",
        business_discount=percent(supplier.business_discount_bp),
        consumer_discount=percent(supplier.consumer_discount_bp),
        delivery_cost=from_minor(supplier.delivery_cost_minor, currency),
        free_delivery_from=from_minor(supplier.free_delivery_from_minor, currency),
        order_discounts=[
            (from_minor(row.from_minor, currency), percent(row.discount_bp))
            for row in order_discounts_of(supplier)
        ],
    )


def _snapshot(party: Party, tiers: list[tuple[int, int]]) -> dict:
    currency = party.currency
    return {
        "terms.discount_rule": party.discount_rule,
        "terms.business_discount": percent(party.business_discount_bp),
        "terms.consumer_discount": percent(party.consumer_discount_bp),
        "terms.delivery_cost": audit.money(party.delivery_cost_minor, currency),
        "terms.free_delivery_from": audit.money(party.free_delivery_from_minor, currency),
        "terms.order_discounts": "; ".join(
            f"{from_minor(start, currency)} {currency}: {percent(bp)} %" for start, bp in tiers
        ),
    }


def _field_bp(value, field: str) -> int | None:
    try:
        return _discount_bp(value)
    except DomainError as refusal:
        raise DomainError(refusal.message, field) from None


@retrying
def update_catalog_terms(
    actor: User,
    supplier: Party,
    *,
    version,
    discount_rule: str,
    business_discount=None,
    consumer_discount=None,
    delivery_cost=None,
    free_delivery_from=None,
    order_discounts=(),
) -> Party:
    """Change the supplier's discount rule, customer-type discounts and order conditions."""
    if discount_rule not in DISCOUNT_RULES:
        raise DomainError(_l("Choose how discounts combine."), "discount_rule")
    with transaction(lock=supplier):
        _require(actor, supplier, "admin")
        current = Party.get_by_id(supplier.id)
        try:
            sent = int(version)
        except (TypeError, ValueError):
            sent = None
        if sent != current.version:
            raise StaleForm(STALE)
        currency = current.currency
        values = {
            "discount_rule": discount_rule,
            "business_discount_bp": _field_bp(business_discount, "business_discount"),
            "consumer_discount_bp": _field_bp(consumer_discount, "consumer_discount"),
            "delivery_cost_minor": check_amount(delivery_cost, currency, "delivery_cost"),
            "free_delivery_from_minor": check_amount(
                free_delivery_from, currency, "free_delivery_from"
            ),
        }
        if values["free_delivery_from_minor"] is not None and not values["delivery_cost_minor"]:
            raise DomainError(
                _l("Free delivery from an order value needs delivery costs below it."),
                "free_delivery_from",
            )
        tiers: dict[int, int] = {}
        for n, (start, discount) in enumerate(order_discounts):
            if start in (None, "") and discount in (None, ""):
                continue
            field = f"order_discount_{n}"
            if start in (None, "") or discount in (None, ""):
                raise DomainError(_l("Enter both the order value and the discount."), field)
            start_minor = check_amount(start, currency, field)
            bp = _field_bp(discount, f"{field}_percent")
            if start_minor in tiers:
                raise DomainError(_l("Each order value once."), field)
            tiers[start_minor] = bp
        tier_list = sorted(tiers.items())
        old_tiers = [(row.from_minor, row.discount_bp) for row in order_discounts_of(current)]
        before = _snapshot(current, old_tiers)
        for name, value in values.items():
            setattr(current, name, value)
        changes = audit.diff(before, _snapshot(current, tier_list))
        if changes:
            current.version += 1
            current.save()
            OrderDiscount.delete().where(
                OrderDiscount.supplier == current, OrderDiscount.relationship.is_null()
            ).execute()
            for start_minor, bp in tier_list:
                OrderDiscount.create(supplier=current, from_minor=start_minor, discount_bp=bp)
            audit.record(actor, current, "catalog_terms", "update", current.display_name, changes)
    return current


@prepared
def _order_discounts(supplier_id: int, relationship_id: int):
    return (
        OrderDiscount.select()
        .where(
            OrderDiscount.supplier == supplier_id,
            OrderDiscount.relationship.is_null() | (OrderDiscount.relationship == relationship_id),
        )
        .order_by(OrderDiscount.from_minor)
    )


def conditions_for(
    supplier: Party, relationship: Relationship, group: CustomerGroup | None
) -> OrderConditions:
    """The order conditions of one client: the relationship's own delivery costs where it has
    them, else the supplier's; its own order discounts where it has any, else the supplier's;
    free delivery when its group has it."""
    rows = _order_discounts.all(supplier.id, relationship.id)
    # one query: the relationship's own tiers replace the supplier's when it has any
    own = [row for row in rows if row.relationship_id is not None]
    tiers = own or [row for row in rows if row.relationship_id is None]
    has_own_delivery = relationship.delivery_cost_minor is not None
    return OrderConditions(
        discount_tiers=tuple((row.from_minor, row.discount_bp) for row in tiers),
        delivery_cost_minor=(
            relationship.delivery_cost_minor if has_own_delivery else supplier.delivery_cost_minor
        ),
        free_delivery_from_minor=(
            relationship.free_delivery_from_minor
            if has_own_delivery
            else supplier.free_delivery_from_minor
        ),
        free_delivery=bool(group and group.free_delivery),
    )
