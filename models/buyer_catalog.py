"""The catalog a client's buyers see (F25-F27): the supplier's active products at the prices
of this relationship -- its price list, else its group's, else the list price; then its
discounts; VAT by the tax rules from the client's delivery address -- each with its
explanation. A page of products is priced in a bounded number of queries (no query per row).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from flask_babel import lazy_gettext as _l
from peewee import JOIN, SQL, Table, fn

from .addresses import Address, default_address
from .base import NotFound, Page
from .catalog import Product, ProductText, reading_languages
from .delivery_dates import Slot, earliest_delivery
from .identifiers import normalise_vat
from .parties import Party
from .prepared import prepared
from .price_lists import CategoryCode, lists_for
from .pricing import Discounts, Quote, quantity_prices, quote
from .product_lists import one_product, products_by_id, products_page
from .relationships import CustomerGroup, Relationship, _row_id, effective_terms, may_order
from .schedules import DeliverySchedule, rules_of, supplier_now
from .sections import below, section_scope, section_tree, visible_to
from .tax import MissingRate, TaxDecision, decide, rate_for
from .vat_classes import VatClass, class_rates


@dataclass
class PricedProduct:
    product: Product
    text: ProductText | None
    quote: Quote | None  # None: no VAT rate known for its class in the delivery country
    own_code: CategoryCode | None = None  # the client's own code (its customer category, F20)
    tiers: tuple = ()  # (from quantity, unit price) where a quantity lowers it (product page)


@dataclass
class Catalog:
    relationship: Relationship
    supplier: Party
    group: CustomerGroup | None
    tax: TaxDecision
    delivery_country: str
    gross: bool
    page: Page  # of PricedProduct
    refusal: object  # why ordering is unavailable (may_order), or None
    sections: list = field(default_factory=list)  # the sections this client sees, tree order
    section: int | None = None  # the section shown, if one is chosen


def _valid_vat(customer: Party) -> bool:
    """A VAT number that passes its country's check (format and checksum)."""
    if not customer.vat_number:
        return False
    try:
        normalise_vat(customer.vat_number, customer.country)
    except Exception:  # noqa: BLE001 - any refusal of the check means: not valid
        return False
    return True


def tax_decision(
    relationship: Relationship, supplier: Party, customer: Party, address: Address | None = None
) -> tuple[TaxDecision, str]:
    """The tax rule of this client's deliveries: from the delivery address chosen at checkout,
    else its default delivery address (else its own country), with the relationship's
    override."""
    if address is not None:
        pass
    elif getattr(relationship, "address_read", False):  # _joined_link read it already
        address = getattr(relationship, "delivery_address", None)
        address = address if address is not None and address.id is not None else None
    else:
        address = default_address(customer, "delivery")
    country = address.country if address else customer.country
    override_class = None
    if relationship.vat_override == "class" and relationship.vat_override_class_id:
        found = VatClass.get_or_none(
            VatClass.id == relationship.vat_override_class_id, VatClass.supplier == supplier
        )
        override_class = found.code if found else None
    decision = decide(
        supplier_country=supplier.country,
        delivery_country=country,
        customer_type=customer.customer_type,
        valid_vat_number=_valid_vat(customer),
        override=relationship.vat_override,
        override_class=override_class,
    )
    return decision, country


def discounts_of(relationship: Relationship, supplier: Party, customer: Party, group) -> Discounts:
    type_bp = (
        supplier.consumer_discount_bp
        if customer.customer_type == "consumer"
        else supplier.business_discount_bp
    )
    return Discounts(
        client_bp=relationship.discount_bp,
        group_bp=group.discount_bp if group else None,
        type_bp=type_bp,
        rule=supplier.discount_rule or "largest",
    )


def _joined_link(side, relationship_id: int, party_id: int, user_id: int):
    """A connected relationship with its supplier, customer, group and the customer's default
    delivery address joined, `side` (Relationship.customer or .supplier) being the party."""
    Supplier, Customer = Party.alias(), Party.alias()
    cart = Table("cart_line").alias("cart")  # models/orders.py: the badge on the Cart tab
    cart_lines = (
        cart.select(fn.COUNT(SQL("*"))).where(
            (cart.c.relationship_id == Relationship.id) & (cart.c.user_id == user_id)
        )
    ).alias("cart_lines")
    return (
        Relationship.select(Relationship, Supplier, Customer, CustomerGroup, Address, cart_lines)
        .join(Supplier, on=(Relationship.supplier == Supplier.id), attr="supplier")
        .switch(Relationship)
        .join(Customer, on=(Relationship.customer == Customer.id), attr="customer")
        .switch(Relationship)
        .join(
            CustomerGroup,
            JOIN.LEFT_OUTER,
            on=(Relationship.group == CustomerGroup.id),
            attr="group",
        )
        .switch(Relationship)
        .join(
            Address,
            JOIN.LEFT_OUTER,
            on=(
                (Address.party == Relationship.customer)
                & (Address.kind == "delivery")
                & (Address.is_default == True)  # noqa: E712
            ),
            attr="delivery_address",
        )
        .where(
            Relationship.status == "connected",
            Relationship.id == relationship_id,
            side == party_id,
        )
        .limit(1)
    )


# built once per process (models/prepared.py): every catalog request reads its link
_customer_link = prepared(lambda rid, pid, uid: _joined_link(Relationship.customer, rid, pid, uid))
_supplier_link = prepared(lambda rid, pid, uid: _joined_link(Relationship.supplier, rid, pid, uid))


def _link(query, relationship_id, party: Party, user_id: int = 0) -> Relationship | None:
    found = query.first(_row_id(relationship_id), party.id, int(user_id or 0))
    if found is not None:
        found.address_read = True  # the client's default delivery address came with it
    return found


def catalog_link(customer: Party, relationship_id, user_id: int = 0) -> Relationship:
    """One of the customer's connected relationships with its supplier, itself and its group
    joined, and how many lines the buyer `user_id` has in its cart with it (one query);
    NotFound for any other id, a pending or a declined one."""
    found = _link(_customer_link, relationship_id, customer, user_id)
    if found is None:
        raise NotFound(_l("This supplier does not exist."))
    return found


def client_catalog_link(supplier: Party, relationship_id) -> Relationship:
    """The same, from the supplier's side (view as client, F47): one of its connected clients."""
    found = _link(_supplier_link, relationship_id, supplier)
    if found is None:
        raise NotFound(_l("This client does not exist."))
    return found


def _priced(
    relationship: Relationship,
    products: list,
    language: str,
    decision: TaxDecision,
    with_tiers: bool = False,
    quantities: dict[int, int] | None = None,
) -> list[PricedProduct]:
    """Each product (as product_lists reads it: with its text in the reader's language and its
    own code) with its price for this client (a bounded number of queries for any number of
    products), and `with_tiers` its quantity prices."""
    supplier, customer = relationship.supplier, relationship.customer
    group = relationship.group if relationship.group_id else None
    lists = lists_for(relationship, group, [p.id for p in products])
    classes, rates = class_rates(supplier, decision.country) if products else ({}, {})
    discounts = discounts_of(relationship, supplier, customer, group)
    gross = customer.customer_type == "consumer"
    priced = []
    for product in products:
        try:
            rate = rate_for(decision, classes.get(product.vat_class_id, ""), rates)
        except MissingRate:
            priced.append(PricedProduct(product, product.text, None, product.own_code))
            continue
        inputs = {
            "list_price_minor": product.list_price_minor,
            "purchase_minor": product.purchase_price_minor,
            "lists": lists[product.id],
            "discounts": discounts,
            "vat_rate": rate,
            "vat_label": decision.label if decision.regime != "domestic" else None,
            "gross": gross,
        }
        if quantities:
            inputs["quantity"] = quantities.get(product.id, 1)
        priced.append(
            PricedProduct(
                product,
                product.text,
                quote(**inputs),
                product.own_code,
                quantity_prices(**inputs) if with_tiers else (),
            )
        )
    return priced


@dataclass
class ProductView:
    """One product as this client's buyers see it, with its earliest delivery (F33)."""

    item: PricedProduct
    tax: TaxDecision
    gross: bool
    earliest: Slot | None  # None: no schedule, or no date in the horizon
    schedule: DeliverySchedule | None


def visible_product(relationship: Relationship, product_id, language: str | None = None):
    """One active product of the supplier that this client's catalog shows; NotFound else.
    With the reader's `language`: with its text and the client's own code, as a list reads
    it."""
    supplier = relationship.supplier
    tree = section_tree(supplier, language)
    found = one_product(
        supplier,
        _row_id(product_id),
        active=True,
        category_id=relationship.category_id if language else None,
        sections=section_scope(tree, visible_to(tree, relationship.group_id), None),
        texts=reading_languages(supplier, language) if language else None,
    )
    if found is None:
        raise NotFound(_l("This product does not exist."))
    return found


def priced_product(
    relationship: Relationship, product_id, language: str, with_tiers: bool = False
) -> tuple[PricedProduct, TaxDecision]:
    """One active product this client's catalog shows, priced for it (with the tax decision
    the price stands on, and `with_tiers` its quantity prices); NotFound otherwise. What a
    list's "How this price is made" opens."""
    found = visible_product(relationship, product_id, language)
    decision, _country = tax_decision(relationship, relationship.supplier, relationship.customer)
    return _priced(relationship, [found], language, decision, with_tiers)[0], decision


def priced_by_id(
    relationship: Relationship,
    quantities: dict[int, int],
    language: str,
    address: Address | None = None,
) -> tuple[dict[int, PricedProduct], TaxDecision]:
    """The products with these ids that this client's catalog shows (active, in its sections),
    each priced for its quantity, by id; the others are left out (a cart's or a reorder's
    lines: a bounded number of queries for any number of them)."""
    supplier = relationship.supplier
    tree = section_tree(supplier, language)
    found = products_by_id(
        supplier,
        quantities,
        active=True,
        category_id=relationship.category_id,
        sections=section_scope(tree, visible_to(tree, relationship.group_id), None),
        texts=reading_languages(supplier, language),
    )
    decision, _country = tax_decision(relationship, supplier, relationship.customer, address)
    products = [found[i] for i in sorted(found)]
    priced = _priced(relationship, products, language, decision, quantities=quantities)
    return {item.product.id: item for item in priced}, decision


def product_for(relationship: Relationship, product_id, language: str) -> ProductView:
    """One active product of the supplier, priced for this client, with the earliest delivery
    its schedule (and the product's availability schedule) allow; NotFound otherwise."""
    supplier = relationship.supplier
    item, decision = priced_product(relationship, product_id, language, with_tiers=True)
    found = item.product
    schedule_id = effective_terms(relationship, supplier).schedule_id.value
    schedule = (
        DeliverySchedule.get_or_none(
            DeliverySchedule.id == schedule_id, DeliverySchedule.party == supplier
        )
        if schedule_id
        else None
    )
    earliest = None
    if schedule is not None:
        product_rules = rules_of(found.schedule) if found.schedule_id else None
        earliest = earliest_delivery(rules_of(schedule), supplier_now(supplier), product_rules)
    return ProductView(
        item=item,
        tax=decision,
        gross=relationship.customer.customer_type == "consumer",
        earliest=earliest,
        schedule=schedule,
    )


def catalog_for(
    relationship: Relationship,
    language: str,
    *,
    search: str = "",
    page=1,
    per_page: int = 24,
    section=None,
) -> Catalog:
    """One page of the supplier's catalog as this client's buyers see it (in one section and
    those inside it, when given: a section the client does not see is NotFound)."""
    supplier, customer = relationship.supplier, relationship.customer  # joined: catalog_link
    group = relationship.group if relationship.group_id else None
    decision, country = tax_decision(relationship, supplier, customer)
    gross = customer.customer_type == "consumer"
    category_id = relationship.category_id
    tree = section_tree(supplier, language)
    visible = visible_to(tree, relationship.group_id)
    chosen = None
    if section not in (None, ""):
        wanted = _row_id(section)
        if wanted not in visible:
            raise NotFound(_l("This section does not exist."))
        chosen = below(tree, wanted) & visible
    listing = products_page(
        supplier,
        search=search,
        active=True,
        page=page,
        per_page=per_page,
        category_id=category_id,
        sections=section_scope(tree, visible, chosen),
        texts=reading_languages(supplier, language),
    )
    priced = _priced(relationship, listing.items, language, decision)
    return Catalog(
        relationship=relationship,
        supplier=supplier,
        group=group,
        tax=decision,
        delivery_country=country,
        gross=gross,
        page=replace(listing, items=priced),  # with `more`: counted up to the cap
        refusal=may_order(relationship),
        sections=[node for node in tree if node.id in visible],
        section=_row_id(section) if chosen is not None else None,
    )
