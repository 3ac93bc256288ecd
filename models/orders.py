"""Ordering (F30-F32, F39, F46): a cart per client relationship, quick order by SKU or own
code, checkout, and orders on both sides with their status flow.

Prices are never taken from the browser: a cart shows, and an order is placed at, what the
pricing engine (models/pricing.py, through buyer_catalog) says at that moment. The checks that
guard money -- relationship active, *do not sell*, minimum order value, credit limit, prices
and availability -- run in `place_order`, inside the one transaction that writes the order, on
values read after the relationship's lock (SQLite BEGIN IMMEDIATE; PostgreSQL SELECT ... FOR
UPDATE of the relationship row): two buyers of one client pressing the button at once are
placed one after the other, and the second is checked against what the first left owing.
A form's idempotency key makes a double click, a retried request or a second tab place one
order.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import secrets
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as translated  # a kept message id, not one to extract
from flask_babel import lazy_gettext as _l
from peewee import (
    JOIN,
    SQL,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Select,
    TextField,
    fn,
)

from . import audit, loyalty
from .addresses import ADDRESS_FIELDS, Address, DeliveryPoint, add_address, addresses_of
from .base import (
    BaseModel,
    DomainError,
    NotFound,
    Page,
    contains,
    from_minor,
    like_pattern,
    retrying,
    transaction,
    utcnow,
)
from .budgets import BudgetCheck, check_budgets, record_checks
from .buyer_catalog import PricedProduct, priced_by_id
from .catalog import Product
from .catalog_terms import conditions_for
from .delivery_dates import Slot, delivery_slots, time_text
from .identifiers import clean_text, fold
from .ledger import AccountEntry, owed_minor
from .parties import Party, User
from .prepared import prepared
from .price_lists import CategoryCode
from .pricing import OrderTotals, order_totals, whole
from .relationships import (
    PAYMENT_METHOD_LABELS,
    CustomerGroup,
    Relationship,
    effective_terms,
    may_order,
)
from .schedules import DeliverySchedule, rules_of, supplier_now
from .search_index import equals_not_indexed
from .store_credit import draw_for_order, return_for_order

MAX_QUANTITY = 99_999
MAX_CART_LINES = 500
MAX_QUICK_LINES = 1_000
MAX_QUICK_CHARS = 200_000  # a paste of 1,000 lines of "code quantity" fits many times over
SLOTS_OFFERED = 20  # delivery slots a buyer can choose from at checkout

STATUSES = (
    "draft",
    "awaiting_approval",
    "placed",
    "confirmed",
    "shipped",
    "delivered",
    "cancelled",
    "rejected",
)
STATUS_LABELS = {
    "draft": _l("Draft"),
    "awaiting_approval": _l("Awaiting approval"),
    "placed": _l("Placed"),
    "confirmed": _l("Confirmed"),
    "shipped": _l("Shipped"),
    "delivered": _l("Delivered"),
    "cancelled": _l("Cancelled"),
    "rejected": _l("Rejected"),
    # a step of the history, not a status an order has: an approval a check refused (F35)
    "approval_failed": _l("Approval refused by a check"),
}
OPEN_STATUSES = ("draft", "awaiting_approval", "placed", "confirmed", "shipped")
# the supplier's actions: action -> (from statuses, to status, the role it takes)
ACTIONS = {
    "confirm": (("placed",), "confirmed", "employee"),
    "ship": (("confirmed",), "shipped", "employee"),
    "deliver": (("shipped",), "delivered", "employee"),
    "cancel": (("placed", "confirmed"), "cancelled", "supervisor"),
    "reject": (("placed",), "rejected", "supervisor"),
}
ACTION_LABELS = {
    "confirm": _l("Confirm"),
    "ship": _l("Mark as shipped"),
    "deliver": _l("Mark as delivered"),
    "cancel": _l("Cancel the order"),
    "reject": _l("Reject the order"),
}


class CartLine(BaseModel):
    """A product in a buyer's cart with one supplier: each buyer of the client has a cart per
    supplier, kept across sessions and devices (so that two buyers of one company order
    what each of them chose, and check out at the same time against its one credit
    limit)."""

    relationship = ForeignKeyField(Relationship, backref="+", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    product = ForeignKeyField(Product, backref="+", on_delete="CASCADE")
    quantity = IntegerField()
    seen_unit_minor = IntegerField(null=True)
    added_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "cart_line"


class Order(BaseModel):
    """An order a client placed with a supplier, with the amounts it was placed at."""

    # a removed relationship (only when none of its orders is open, F13) leaves its past
    # orders to both parties: they keep their supplier and customer
    relationship = ForeignKeyField(Relationship, null=True, backref="+", on_delete="SET NULL")
    supplier = ForeignKeyField(Party, backref="+", on_delete="CASCADE")
    customer = ForeignKeyField(Party, backref="+", on_delete="CASCADE")
    status = CharField(max_length=24)
    placed_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    placed_at = DateTimeField(default=utcnow)
    currency = CharField(max_length=3)
    gross = BooleanField(default=False)
    payment_method = CharField(max_length=16)
    tax_regime = CharField(max_length=16, default="domestic")
    delivery_address = ForeignKeyField(Address, null=True, on_delete="SET NULL", backref="+")
    delivery_address_text = TextField(default="")
    delivery_point = ForeignKeyField(DeliveryPoint, null=True, on_delete="SET NULL", backref="+")
    delivery_point_text = TextField(default="")
    invoice_address_text = TextField(default="")
    delivery_date = DateField(null=True)
    frame_start = CharField(max_length=5, null=True)
    frame_end = CharField(max_length=5, null=True)
    po_reference = CharField(max_length=60, default="")
    comment = TextField(default="")
    subtotal_minor = IntegerField()
    discount_minor = IntegerField(default=0)
    discount_bp = IntegerField(default=0)
    delivery_minor = IntegerField(default=0)
    net_minor = IntegerField()
    vat_minor = IntegerField()
    total_minor = IntegerField()
    line_count = IntegerField(default=0)
    search_text = CharField(max_length=200, default="")
    idempotency_key = CharField(max_length=64)
    cancel_reason = TextField(default="")
    version = IntegerField(default=1)
    approved_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    approved_at = DateTimeField(null=True)
    balance_minor = IntegerField(default=0)  # drawn from the client's store credit (F36)
    # held back from the supplier while it awaits approval, and for good when not approved
    # (F35): the supplier's lists, pages and counts leave it out
    held = BooleanField(default=False)

    class Meta:
        table_name = "sales_order"

    @property
    def number(self) -> str:
        return f"{self.id:06d}"

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def payment_label(self):
        return PAYMENT_METHOD_LABELS.get(self.payment_method, self.payment_method)

    @property
    def frame_text(self) -> str:
        return f"{self.frame_start}–{self.frame_end}" if self.frame_start else ""

    def actions(self) -> list[str]:
        """The supplier's actions this order's status allows."""
        return [name for name, (sources, _to, _role) in ACTIONS.items() if self.status in sources]


class OrderLine(BaseModel):
    """One product of an order, with the price it was placed at."""

    order = ForeignKeyField(Order, backref="lines", on_delete="CASCADE")
    product = ForeignKeyField(Product, null=True, on_delete="SET NULL", backref="+")
    position = IntegerField()
    sku = CharField(max_length=40)
    name = CharField(max_length=200)  # as the buyer read it (their language)
    name_own = CharField(max_length=200, default="")  # in the supplier's language
    own_code = CharField(max_length=60, default="")
    quantity = IntegerField()
    unit_minor = IntegerField()
    # the net unit price in hundredths of a minor unit: a line is rounded once (unit price ×
    # quantity), so its unit price is shown as precisely as the line needs ("€12.3767")
    unit_hundredths = IntegerField(default=0)
    line_minor = IntegerField()
    vat_rate_bp = IntegerField()
    price_source = CharField(max_length=16, default="list_price")

    class Meta:
        table_name = "order_line"

    @property
    def vat_rate(self) -> Decimal:
        return Decimal(self.vat_rate_bp) / 100

    @property
    def supplier_name(self) -> str:
        """The product's name as the supplier's staff read it."""
        return self.name_own or self.name

    @property
    def unit_exact(self) -> Decimal:
        """The net unit price in minor units, to a hundredth (older lines: as rounded)."""
        if self.unit_hundredths:
            return Decimal(self.unit_hundredths) / 100
        return Decimal(self.unit_minor)


class OrderEvent(BaseModel):
    """A step of an order's status history: who moved it to which status, and why."""

    order = ForeignKeyField(Order, backref="events", on_delete="CASCADE")
    status = CharField(max_length=24)
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    note = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def note_text(self) -> str:
        """The note as the reader reads it: a refusal kept as its message and figures is
        written in the reader's language (see `refusal_note`)."""
        if self.status != "approval_failed" or not self.note.startswith("{"):
            return self.note
        try:
            kept = json.loads(self.note)
            params = {
                name: Amount(value["minor"], value["currency"])
                if isinstance(value, dict)
                else value
                for name, value in kept.get("params", {}).items()
            }
            return translated(kept["message"]) % params if params else translated(kept["message"])
        except (ValueError, KeyError, TypeError):
            return self.note


def refusal_note(refusal: DomainError) -> str:
    """A refusal kept for the order's history as its message id and figures (JSON), so that
    each reader reads it in their own language."""
    message = getattr(refusal.message, "_args", (str(refusal.message),))[0]
    params = {
        name: {"minor": value.minor, "currency": value.currency}
        if isinstance(value, Amount)
        else str(value)
        for name, value in refusal.params.items()
    }
    return json.dumps({"message": message, "params": params})


audit.ACTION_LABELS.update(
    {"payment": _l("payment recorded"), "correction": _l("balance corrected")}
)


# --- refusals ------------------------------------------------------------------------------


class OrderRefused(DomainError):
    """A check refused the order (F32): the message names the rule and the amounts."""

    def __init__(self, rule: str, message, field: str | None = None, **params):
        super().__init__(message, field, **params)
        self.rule = rule


class IllegalTransition(DomainError):
    """The order's status does not allow this action (answered 409)."""


# --- quantities and the cart ---------------------------------------------------------------


def parse_quantity(value, field: str = "quantity") -> int:
    """A quantity typed by a buyer: a whole number from 1 to MAX_QUANTITY."""
    text = clean_text(str(value if value is not None else ""), 20)
    if not text:
        raise DomainError(_l("Enter a quantity."), field)
    if not re.fullmatch(r"[0-9]+", text):
        raise DomainError(_l("Enter a whole number, such as 3."), field)
    quantity = int(text)
    if quantity < 1:
        raise DomainError(_l("The quantity is at least 1."), field)
    if quantity > MAX_QUANTITY:
        raise DomainError(_l("The quantity is at most %(max)s."), field, max=MAX_QUANTITY)
    return quantity


@dataclass
class CartItem:
    line: CartLine
    item: PricedProduct | None  # None: no longer in the client's catalog

    @property
    def unit_minor(self) -> int | None:
        """The unit price the buyer reads now (gross for consumers), rounded."""
        if self.item is None or self.item.quote is None:
            return None
        return whole(Decimal(self.item.quote.shown_line) / self.line.quantity)

    @property
    def unit_exact(self) -> Decimal | None:
        """The unit price the buyer reads, in minor units to a hundredth: the line is
        rounded once, so the unit price is shown as precisely as the line needs."""
        if not self.available:
            return None
        q = self.item.quote
        exact = Decimal(q.shown_line) / self.line.quantity if q.gross else q.net_unit
        return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def price_changed(self) -> bool:
        seen = self.line.seen_unit_minor
        return seen is not None and self.unit_minor is not None and seen != self.unit_minor

    @property
    def available(self) -> bool:
        return self.item is not None and self.item.quote is not None


@dataclass
class Cart:
    relationship: Relationship
    items: list[CartItem]
    totals: OrderTotals | None
    gross: bool
    currency: str
    tax: object = None
    goods_minor: int = 0  # the goods as the client reads them (gross for consumers)

    @property
    def available(self) -> list[CartItem]:
        return [i for i in self.items if i.available]

    @property
    def unavailable(self) -> list[CartItem]:
        return [i for i in self.items if not i.available]

    @property
    def count(self) -> int:
        return len(self.items)


def _lines_of(relationship: Relationship, user: User) -> list[CartLine]:
    return list(
        CartLine.select()
        .where(CartLine.relationship == relationship, CartLine.user == user)
        .order_by(CartLine.created_at, CartLine.id)
    )


def cart_count(relationship_id: int, user_id: int) -> int:
    """How many lines the buyer's cart holds (the badge)."""
    return (
        CartLine.select()
        .where(CartLine.relationship == relationship_id, CartLine.user == user_id)
        .count()
    )


def cart_of(
    relationship: Relationship, user: User, language: str, address: Address | None = None
) -> Cart:
    """The buyer's cart with this supplier, every line priced now for its quantity (and, at
    checkout, for the chosen delivery address's tax rule)."""
    lines = _lines_of(relationship, user)
    quantities = {line.product_id: line.quantity for line in lines}
    priced, decision = (
        priced_by_id(relationship, quantities, language, address) if lines else ({}, None)
    )
    items = [CartItem(line, priced.get(line.product_id)) for line in lines]
    gross = relationship.customer.customer_type == "consumer"
    return Cart(
        relationship=relationship,
        items=items,
        totals=_totals(relationship, items) if items else None,
        gross=gross,
        currency=relationship.supplier.currency,
        tax=decision,
        goods_minor=sum(i.item.quote.shown_line for i in items if i.available),
    )


def _totals(relationship: Relationship, items: list[CartItem]) -> OrderTotals:
    group = relationship.group if relationship.group_id else None
    conditions = conditions_for(relationship.supplier, relationship, group)
    return order_totals(
        [(i.item.quote.net_line, i.item.quote.vat_rate) for i in items if i.available],
        conditions,
    )


def _priced_one(relationship: Relationship, product_id: int, quantity: int, language: str):
    """The product as this client's catalog prices it at this quantity; NotFound when the
    catalog does not show it, refused when it has no price."""
    priced, _decision = priced_by_id(relationship, {product_id: quantity}, language)
    item = priced.get(product_id)
    if item is None:
        raise NotFound(_l("This product does not exist."))
    if item.quote is None:
        raise DomainError(_l("This product cannot be ordered yet: it has no price."), "quantity")
    return item


def _visible_unit(relationship: Relationship, product_id: int, quantity: int, language: str):
    item = _priced_one(relationship, product_id, quantity, language)
    return whole(Decimal(item.quote.shown_line) / quantity)


def _check_orderable(relationship: Relationship) -> None:
    refusal = may_order(relationship)
    if refusal is not None:
        raise OrderRefused(refusal.code, refusal.message)


@retrying
def add_to_cart(
    actor: User, relationship: Relationship, product_id, quantity, language: str
) -> CartLine:
    """Put a product the client's catalog shows into its cart (or add to the line it has);
    refused while the client may not order (inactive, do not sell)."""
    _check_orderable(relationship)
    quantity = parse_quantity(quantity)
    try:
        product_id = int(product_id)
    except (TypeError, ValueError):
        raise NotFound(_l("This product does not exist.")) from None
    with transaction(lock=relationship):
        line = CartLine.get_or_none(
            CartLine.relationship == relationship,
            CartLine.user == actor,
            CartLine.product == product_id,
        )
        total = quantity + (line.quantity if line else 0)
        if total > MAX_QUANTITY:
            raise DomainError(_l("The quantity is at most %(max)s."), "quantity", max=MAX_QUANTITY)
        item = _priced_one(relationship, product_id, total, language)
        unit = whole(Decimal(item.quote.shown_line) / total)
        name = item.text.name if item.text else item.product.sku
        if line is None:
            if cart_count(relationship.id, actor.id) >= MAX_CART_LINES:
                raise DomainError(
                    _l("A cart holds at most %(max)s lines."), "quantity", max=MAX_CART_LINES
                )
            line = CartLine.create(
                relationship=relationship,
                user=actor,
                product=product_id,
                quantity=total,
                seen_unit_minor=unit,
                added_by=actor,
            )
        else:
            line.quantity, line.seen_unit_minor, line.updated_at = total, unit, utcnow()
            line.save()
        line.product_name = name  # for the buyer's "Added: 2 × …"
        return line


def _cart_line(relationship: Relationship, user: User, line_id) -> CartLine:
    try:
        line_id = int(line_id)
    except (TypeError, ValueError):
        raise NotFound(_l("This cart line does not exist.")) from None
    line = CartLine.get_or_none(
        CartLine.id == line_id, CartLine.relationship == relationship, CartLine.user == user
    )
    if line is None:
        raise NotFound(_l("This cart line does not exist."))
    return line


@retrying
def set_quantity(
    actor: User, relationship: Relationship, line_id, quantity, language: str
) -> CartLine:
    """Change a cart line's quantity; the buyer then reads (and has seen) its new price."""
    quantity = parse_quantity(quantity)
    with transaction(lock=relationship):
        line = _cart_line(relationship, actor, line_id)
        try:
            unit = _visible_unit(relationship, line.product_id, quantity, language)
        except NotFound:
            unit = None  # no longer offered: the line stays, marked, until removed
        line.quantity, line.seen_unit_minor, line.updated_at = quantity, unit, utcnow()
        line.save()
        return line


@retrying
def remove_line(actor: User, relationship: Relationship, line_id) -> None:
    """Take a line out of the cart."""
    with transaction(lock=relationship):
        _cart_line(relationship, actor, line_id).delete_instance()


def accept_prices(actor: User, relationship: Relationship, language: str) -> None:
    """The buyer has read the changed prices: they are the ones seen from now on."""
    cart = cart_of(relationship, actor, language)
    with transaction(lock=relationship):
        for item in cart.items:
            if item.price_changed:
                CartLine.update(seen_unit_minor=item.unit_minor).where(
                    CartLine.id == item.line.id
                ).execute()


# --- quick order (F30, F46) ----------------------------------------------------------------


@dataclass
class QuickLine:
    number: int  # the line number in the paste or file
    code: str
    quantity: int | None
    problem: object = None  # why it cannot go into the cart
    product_id: int | None = None
    raw: str = ""  # the line as typed (given back to correct when it was not added)

    def __post_init__(self):
        if not self.raw:
            self.raw = f"{self.code} {self.quantity or ''}".strip()


@dataclass
class QuickResult:
    added: list[QuickLine] = field(default_factory=list)
    problems: list[QuickLine] = field(default_factory=list)


_SEPARATORS = re.compile(r"[\t;,]|\s+")


def parse_quick_text(text: str) -> list[QuickLine]:
    """Lines of "code quantity" (a space, tab, semicolon or comma between them, as typed or
    copied from a spreadsheet; no quantity means 1). Blank lines are skipped; a header line
    (code/sku, quantity) too."""
    if len(text) > MAX_QUICK_CHARS:
        raise DomainError(_l("Paste at most %(max)s lines at once."), "lines", max=MAX_QUICK_LINES)
    parsed = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().strip("\ufeff")
        if not line:
            continue
        parts = [p for p in _SEPARATORS.split(line) if p]
        if not parts:
            continue
        if number == 1 and parts[0].casefold() in ("code", "sku", "product", "article"):
            continue
        code = clean_text(parts[0], 61)
        raw = clean_text(line, 200)
        if len(parts) == 1:
            parsed.append(QuickLine(number, code, 1, raw=raw))
            continue
        if len(parts) > 2:
            problem = _l("Write a code and a quantity, nothing more.")
            parsed.append(QuickLine(number, code, None, problem, raw=raw))
            continue
        try:
            quantity = parse_quantity(parts[1])
        except DomainError as error:
            parsed.append(QuickLine(number, code, None, error.message, raw=raw))
            continue
        parsed.append(QuickLine(number, code, quantity, raw=raw))
    if len(parsed) > MAX_QUICK_LINES:
        raise DomainError(_l("Paste at most %(max)s lines at once."), "lines", max=MAX_QUICK_LINES)
    return parsed


def parse_quick_file(data: bytes) -> list[QuickLine]:
    """A CSV file of code and quantity (comma, semicolon or tab; a header line is skipped)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise DomainError(_l("Upload a CSV file saved as UTF-8."), "file") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        rows = csv.reader(io.StringIO(text), dialect)
        text = "\n".join("\t".join(cell.strip() for cell in row if cell.strip()) for row in rows)
    except csv.Error:
        pass  # one column, or lines as typed: read like a paste
    return parse_quick_text(text)


def match_codes(relationship: Relationship, codes: list[str]) -> dict[str, list[int]]:
    """Each code (casefolded) -> the products it names: the supplier's SKU, or the client's
    own code in its customer category (F20). Two queries for any number of codes."""
    keys = sorted({code.casefold() for code in codes if code})
    found: dict[str, set[int]] = {key: set() for key in keys}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        # (active is checked here, not in SQL: with it, SQLite walks the supplier's whole
        # listing index instead of looking each SKU up)
        for key, product_id, active in (
            Product.select(Product.sku_key, Product.id, Product.active)
            .where(Product.supplier == relationship.supplier_id, Product.sku_key.in_(chunk))
            .tuples()
        ):
            if active:
                found[key].add(product_id)
        if relationship.category_id:
            for key, product_id in (
                CategoryCode.select(CategoryCode.code_key, CategoryCode.product)
                .where(
                    CategoryCode.category == relationship.category_id,
                    CategoryCode.code_key.in_(chunk),
                )
                .tuples()
            ):
                found[key].add(product_id)
    return {key: sorted(ids) for key, ids in found.items()}


@retrying
def quick_order(
    actor: User, relationship: Relationship, lines: list[QuickLine], language: str
) -> QuickResult:
    """Put every line that names exactly one product of the client's catalog into the cart,
    in one step; list the others with their line numbers and why."""
    _check_orderable(relationship)
    result = QuickResult()
    matched = match_codes(relationship, [line.code for line in lines if line.problem is None])
    wanted: dict[int, int] = {}
    for line in lines:
        if line.problem is not None:
            result.problems.append(line)
            continue
        ids = matched.get(line.code.casefold(), [])
        if not ids:
            line.problem = _l("No product has this code.")
        elif len(ids) > 1:
            line.problem = _l("This code names more than one product: use the SKU.")
        else:
            line.product_id = ids[0]
            wanted[ids[0]] = wanted.get(ids[0], 0) + line.quantity
        (result.problems if line.problem else result.added).append(line)
    if not wanted:
        return result
    with transaction(lock=relationship):
        existing = {line.product_id: line for line in _lines_of(relationship, actor)}
        quantities = {
            pid: q + (existing[pid].quantity if pid in existing else 0) for pid, q in wanted.items()
        }
        priced, _decision = priced_by_id(relationship, quantities, language)
        for line in list(result.added):
            item = priced.get(line.product_id)
            if item is None:
                line.problem = _l("This product is not in your catalog.")
            elif item.quote is None:
                line.problem = _l("This product cannot be ordered yet: it has no price.")
            elif quantities[line.product_id] > MAX_QUANTITY:
                line.problem = _l("The quantity is at most %(max)s.") % {"max": MAX_QUANTITY}
            if line.problem:
                result.added.remove(line)
                result.problems.append(line)
                quantities.pop(line.product_id, None)
        new = [pid for pid in quantities if pid not in existing]
        if len(existing) + len(new) > MAX_CART_LINES:
            raise DomainError(
                _l("A cart holds at most %(max)s lines."), "lines", max=MAX_CART_LINES
            )
        now = utcnow()
        rows = []
        for pid, total in quantities.items():
            unit = whole(Decimal(priced[pid].quote.shown_line) / total)
            if pid in existing:
                CartLine.update(quantity=total, seen_unit_minor=unit, updated_at=now).where(
                    CartLine.id == existing[pid].id
                ).execute()
            else:
                rows.append(
                    {
                        "relationship": relationship.id,
                        "user": actor.id,
                        "product": pid,
                        "quantity": total,
                        "seen_unit_minor": unit,
                        "added_by": actor.id,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        for start in range(0, len(rows), 100):
            CartLine.insert_many(rows[start : start + 100]).execute()
    result.problems.sort(key=lambda line: line.number)
    return result


# --- checkout (F31) ------------------------------------------------------------------------


@dataclass
class CheckoutOptions:
    """What the checkout form offers: the client's addresses (defaults first), the delivery
    slots, the payment method, and the credit the client has left."""

    delivery_addresses: list[Address]
    invoice_addresses: list[Address]
    slots: list[Slot]
    schedule: DeliverySchedule | None
    payment_method: str
    min_order_minor: int | None
    credit_limit_minor: int | None
    owed_minor: int

    @property
    def available_credit_minor(self) -> int | None:
        if self.credit_limit_minor is None:
            return None
        return self.credit_limit_minor - self.owed_minor

    @property
    def payment_label(self):
        return PAYMENT_METHOD_LABELS.get(self.payment_method, self.payment_method)


def _terms_minor(relationship: Relationship):
    """The minimum order value and credit limit that apply, in minor units (None: none)."""
    supplier = relationship.supplier
    own_min, own_limit = relationship.min_order_minor, relationship.credit_limit_minor
    return (
        own_min if own_min is not None else supplier.default_min_order_minor,
        own_limit if own_limit is not None else supplier.default_credit_limit_minor,
    )


def order_minimum(relationship: Relationship) -> int | None:
    """The minimum order value that applies to this client, in minor units (None: none)."""
    return _terms_minor(relationship)[0]


def _schedule_of(relationship: Relationship) -> DeliverySchedule | None:
    schedule_id = effective_terms(relationship, relationship.supplier).schedule_id.value
    if not schedule_id:
        return None
    return DeliverySchedule.get_or_none(
        DeliverySchedule.id == schedule_id, DeliverySchedule.party == relationship.supplier_id
    )


def _slots(relationship: Relationship, product_ids: list[int], count: int) -> tuple:
    """The next delivery slots for these products (the schedule's, and each product's
    availability schedule: the first dates all of them allow), and the schedule."""
    schedule = _schedule_of(relationship)
    if schedule is None:
        return [], None
    product_schedules = {
        p.schedule_id
        for p in Product.select(Product.schedule).where(
            Product.id.in_(product_ids or [0]), Product.schedule.is_null(False)
        )
    }
    product_rules = (
        [
            rules_of(s)
            for s in DeliverySchedule.select().where(
                DeliverySchedule.id.in_(list(product_schedules))
            )
        ]
        if product_schedules
        else []
    )
    slots = []
    for slot in delivery_slots(
        rules_of(schedule), supplier_now(relationship.supplier), product_rules or None
    ):
        slots.append(slot)
        if len(slots) >= count:
            break
    return slots, schedule


def checkout_options(relationship: Relationship, cart: Cart) -> CheckoutOptions:
    customer = relationship.customer
    addresses = addresses_of(customer)
    min_order, limit = _terms_minor(relationship)
    slots, schedule = _slots(relationship, [i.line.product_id for i in cart.items], SLOTS_OFFERED)
    return CheckoutOptions(
        delivery_addresses=addresses.get("delivery", []),
        invoice_addresses=addresses.get("invoice", []),
        slots=slots,
        schedule=schedule,
        payment_method=effective_terms(relationship, relationship.supplier).payment_method.value,
        min_order_minor=min_order,
        credit_limit_minor=limit,
        owed_minor=owed_minor(relationship.id),
    )


def slot_value(slot: Slot) -> str:
    """A slot as a form value: "2026-12-08" or "2026-12-08|08:00|12:00"."""
    if slot.start is None:
        return slot.date.isoformat()
    return f"{slot.date.isoformat()}|{time_text(slot.start)}|{time_text(slot.end)}"


def new_key() -> str:
    """An idempotency key for a checkout form."""
    return secrets.token_urlsafe(24)


def _address_text(address: Address) -> str:
    lines = [address.recipient, address.street, address.street2]
    lines.append(f"{address.postal_code} {address.city}".strip())
    lines += [address.region, address.country]
    return "\n".join(line for line in lines if line)


def _chosen_slot(value: str, relationship: Relationship, product_ids: list[int]):
    """The slot the buyer chose, checked against what the schedule and the products allow
    now; without a schedule, a date from tomorrow on (or none: as soon as possible)."""
    value = clean_text(value, 40)
    slots, schedule = _slots(relationship, product_ids, 400)
    if schedule is None:
        if not value:
            return None
        try:
            day = dt.date.fromisoformat(value.split("|")[0])
        except ValueError:
            raise DomainError(_l("Choose a delivery date."), "slot") from None
        if day <= supplier_now(relationship.supplier).date():
            raise DomainError(_l("Choose a delivery date from tomorrow on."), "slot")
        if day > supplier_now(relationship.supplier).date() + dt.timedelta(days=365):
            raise DomainError(_l("Choose a delivery date within a year."), "slot")
        return Slot(day)
    if not slots:
        raise OrderRefused(
            "no_delivery",
            _l("The supplier's delivery schedule has no delivery date for these products."),
            "slot",
        )
    if not value:
        return slots[0]
    for slot in slots:
        if slot_value(slot) == value:
            return slot
    raise DomainError(
        _l("That delivery date is not available. The earliest is %(date)s."),
        "slot",
        date=slots[0].date,
    )


def order_amounts(totals: OrderTotals, line_count: int) -> dict:
    """An order's amount columns from its totals."""
    return {
        "subtotal_minor": totals.subtotal,
        "discount_minor": totals.discount,
        "discount_bp": totals.conditions.discount_bp,
        "delivery_minor": totals.delivery,
        "net_minor": totals.net,
        "vat_minor": totals.vat,
        "total_minor": totals.total,
        "line_count": line_count,
    }


@dataclass
class PlacedOrder:
    order: Order
    repeated: bool  # the same form was sent again: the order placed the first time


@retrying
def place_order(
    actor: User,
    relationship: Relationship,
    values: dict,
    language: str,
    can_add_address: bool = False,
) -> PlacedOrder:
    """Place the client's cart as an order, checking everything inside one transaction on
    values read after the relationship's lock (F32). `values`: key, delivery_address,
    delivery_point, slot, invoice_address, po_reference, comment, seen_total, and the new
    address's fields when delivery_address is "new"."""
    key = clean_text(values.get("key"), 65)
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", key):
        raise DomainError(_l("This form has expired. Please check your order again."), "key")
    customer = relationship.customer
    po_reference = clean_text(values.get("po_reference"), 61)
    if len(po_reference) > 60:
        raise DomainError(_l("Use at most 60 characters."), "po_reference")
    comment = clean_text_block(values.get("comment"), 2001)
    if len(comment) > 2000:
        raise DomainError(_l("Use at most 2,000 characters."), "comment")
    with transaction(lock=relationship):
        done = Order.get_or_none(Order.customer == customer, Order.idempotency_key == key)
        if done is not None:
            return PlacedOrder(done, True)
        current = relationship_now(relationship)
        _check_orderable(current)
        address, point = _delivery_of(actor, customer, values, can_add_address)
        cart = cart_of(current, actor, language, address)
        if not cart.items:
            raise OrderRefused("empty", _l("Your cart is empty."))
        if cart.unavailable:
            raise OrderRefused(
                "unavailable",
                _l(
                    "%(count)s products in your cart can no longer be ordered: "
                    "%(names)s. Remove them to go on."
                ),
                count=len(cart.unavailable),
                names=", ".join(_line_name(i) for i in cart.unavailable),
            )
        totals = cart.totals
        seen = clean_text(values.get("seen_total"), 20)
        if seen and seen != str(totals.total):
            raise OrderRefused(
                "prices_changed",
                _l("Prices changed since you opened the checkout. Check the new total."),
            )
        min_order, limit = _terms_minor(current)
        _check_minimum(min_order, cart.goods_minor, cart.currency)
        method = effective_terms(current, current.supplier).payment_method.value
        balance = balance_to_use(values, current.id, totals.total, cart.currency)
        if method == "on_account":
            _check_credit(current.id, limit, totals.total - balance, cart.currency)
        checks = _check_budgets(actor.id, customer.id, cart.currency, totals.total)
        status = "awaiting_approval" if _needs_approval(checks) else "placed"
        slot = _chosen_slot(
            values.get("slot", ""), current, [i.line.product_id for i in cart.items]
        )
        invoice = _invoice_of(customer, values.get("invoice_address"), address)
        order = Order.create(
            relationship=current,
            supplier=current.supplier_id,
            customer=customer,
            status=status,
            held=status == "awaiting_approval",
            placed_by=actor,
            currency=cart.currency,
            gross=cart.gross,
            payment_method=method,
            tax_regime=cart.tax.regime if cart.tax else "domestic",
            delivery_address=address,
            delivery_address_text=_address_text(address) if address else "",
            delivery_point=point,
            delivery_point_text=point.name if point else "",
            invoice_address_text=_address_text(invoice) if invoice else "",
            delivery_date=slot.date if slot else None,
            frame_start=time_text(slot.start) if slot and slot.start else None,
            frame_end=time_text(slot.end) if slot and slot.end else None,
            po_reference=po_reference,
            comment=comment,
            **order_amounts(totals, len(cart.items)),
            search_text=fold(po_reference)[:200],
            idempotency_key=key,
            balance_minor=balance,
        )
        # drawn now, also while the order waits for approval (a rejection gives it back)
        draw_for_order(current, order.id, balance, actor)
        rows = []
        for position, cart_item in enumerate(cart.items, start=1):
            item = cart_item.item
            q = item.quote
            rows.append(
                {
                    "order": order.id,
                    "product": item.product.id,
                    "position": position,
                    "sku": item.product.sku,
                    "name": _line_name(cart_item)[:200],
                    "name_own": _own_name(item)[:200],
                    "own_code": item.own_code.code if item.own_code else "",
                    "quantity": cart_item.line.quantity,
                    "unit_minor": whole(q.net_unit),
                    "unit_hundredths": whole(q.net_unit * 100),
                    "line_minor": q.net_line,
                    "vat_rate_bp": int(q.vat_rate * 100),
                    "price_source": q.source,
                }
            )
        for start in range(0, len(rows), 100):
            OrderLine.insert_many(rows[start : start + 100]).execute()
        OrderEvent.create(order=order, status=status, actor=actor)
        record_checks(order.id, checks)
        if status == "placed" and method == "on_account" and totals.total > balance:
            AccountEntry.create(
                relationship=current,
                kind="order",
                amount_minor=totals.total - balance,
                order_id=order.id,
                entry_date=order.placed_at.date(),
                reference=order.number,
                actor=actor,
            )
        CartLine.delete().where(CartLine.relationship == current, CartLine.user == actor).execute()
    return PlacedOrder(order, False)


def balance_to_use(values: dict, relationship_id: int, total: int, currency: str) -> int:
    """The store credit the buyer chose to pay with (F36), in minor units: empty is none; more
    than the balance or than the order's total is refused on the field."""
    from .ledger import _amount
    from .store_credit import usable_balance

    text = clean_text(values.get("balance_used"), 40)
    if not text:
        return 0
    minor = _amount(text, currency, "balance_used", allow_negative=False)
    available = usable_balance(relationship_id)
    if minor > available:
        raise DomainError(
            _l("Your store credit is %(balance)s: you cannot use more than that."),
            "balance_used",
            balance=_money(available, currency),
        )
    if minor > total:
        raise DomainError(
            _l("This order comes to %(total)s: use at most that."),
            "balance_used",
            total=_money(total, currency),
        )
    return minor


def relationship_now(relationship: Relationship) -> Relationship:
    """The relationship as it is now -- read after the lock, its terms may have changed --
    with its supplier, customer and group."""
    current = Relationship.get_by_id(relationship.id)
    current.supplier, current.customer = relationship.supplier, relationship.customer
    current.group = (
        CustomerGroup.get_or_none(CustomerGroup.id == current.group_id)
        if current.group_id
        else None
    )
    return current


def _check_minimum(min_order: int | None, goods: int, currency: str) -> None:
    """Refuse goods below the minimum order value, saying by how much."""
    if min_order is not None and goods < min_order:
        raise OrderRefused(
            "min_order",
            _l(
                "The minimum order value is %(minimum)s; this order comes to %(goods)s. "
                "Add %(missing)s more."
            ),
            minimum=_money(min_order, currency),
            goods=_money(goods, currency),
            missing=_money(min_order - goods, currency),
        )


def _check_credit(relationship_id: int, limit: int | None, amount: int, currency: str) -> None:
    """Refuse an on-account order that would take what the client owes over its limit."""
    if limit is None:
        return
    owed = owed_minor(relationship_id)
    if owed + amount > limit:
        raise OrderRefused(
            "credit_limit",
            _l(
                "This order exceeds your credit limit: limit %(limit)s, owed "
                "%(owed)s, this order %(order)s, available %(available)s."
            ),
            limit=_money(limit, currency),
            owed=_money(owed, currency),
            order=_money(amount, currency),
            available=_money(max(limit - owed, 0), currency),
        )


def _check_budgets(
    user_id: int, customer_id: int, currency: str, amount: int, exclude_order_id=None
) -> list[BudgetCheck]:
    """Every budget the order touches (their rows locked); a *block* budget it would take
    over its limit refuses it, naming the budget and the amounts (F34)."""
    checks = check_budgets(
        user_id, customer_id, currency, amount, exclude_order_id=exclude_order_id, lock=True
    )
    for check in checks:
        if check.outcome == "blocked":
            raise OrderRefused(
                "budget",
                _l(
                    "This order exceeds the budget “%(name)s”: limit %(limit)s, spent "
                    "%(spent)s, this order %(order)s, left %(left)s."
                ),
                name=check.budget.name,
                limit=_money(check.budget.limit_minor, currency),
                spent=_money(check.spent_minor, currency),
                order=_money(amount, currency),
                left=_money(check.left_before_minor, currency),
            )
    return checks


def _needs_approval(checks: list[BudgetCheck]) -> bool:
    return any(check.outcome == "approval" for check in checks)


def clean_text_block(value, max_length: int) -> str:
    """A text of several lines as typed: each line without outer spaces, at most two line
    breaks in a row, cut to max_length."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()[:max_length]


def _own_name(item: PricedProduct) -> str:
    """The product's name in the supplier's language (its SKU when it has none)."""
    own = getattr(item.product, "own_text", None)
    return own.name if own is not None and own.id is not None and own.name else item.product.sku


def _line_name(cart_item: CartItem) -> str:
    item = cart_item.item
    if item is None:
        return cart_item.line.product.sku if cart_item.line.product_id else "?"
    return item.text.name if item.text else item.product.sku


class Amount:
    """An amount inside a message, written in the reader's locale when it is shown."""

    def __init__(self, minor: int, currency: str):
        self.minor, self.currency = minor, currency

    def __str__(self) -> str:
        from flask import has_request_context
        from flask_babel import format_currency

        amount = from_minor(self.minor, self.currency)
        if has_request_context():
            return format_currency(amount, self.currency)
        return f"{self.currency} {amount}"


def _money(minor: int, currency: str) -> Amount:
    return Amount(minor, currency)


def _delivery_of(actor: User, customer: Party, values: dict, can_add_address: bool):
    """The delivery address and point chosen (the client's own: another party's id is
    NotFound), or a new address added on the spot by a supervisor or admin."""
    chosen = clean_text(values.get("delivery_address"), 20)
    if chosen == "new":
        if not can_add_address:
            raise DomainError(
                _l("Only supervisors and admins can add an address."), "delivery_address"
            )
        fields = {name: values.get(f"new_{name}", "") for name in ADDRESS_FIELDS}
        try:
            address = add_address(actor, customer, kind="delivery", **fields)
        except DomainError as error:
            error.field = f"new_{error.field}" if error.field else "delivery_address"
            raise
        return address, None
    addresses = {a.id: a for a in addresses_of(customer).get("delivery", [])}
    if not chosen:
        address = next(iter(addresses.values()), None)
    else:
        try:
            address = addresses.get(int(chosen))
        except ValueError:
            address = None
        if address is None:
            raise NotFound(_l("This address does not exist."))
    point = None
    point_id = clean_text(values.get("delivery_point"), 20)
    if point_id:
        points = {p.id: p for p in (address.delivery_points if address else [])}
        try:
            point = points.get(int(point_id))
        except ValueError:
            point = None
        if point is None:
            raise NotFound(_l("This delivery point does not exist."))
    return address, point


def _invoice_of(customer: Party, chosen, delivery: Address | None) -> Address | None:
    invoices = {a.id: a for a in addresses_of(customer).get("invoice", [])}
    chosen = clean_text(chosen, 20)
    if not chosen:
        return next(iter(invoices.values()), delivery)
    try:
        address = invoices.get(int(chosen))
    except ValueError:
        address = None
    if address is None:
        raise NotFound(_l("This address does not exist."))
    return address


# --- orders on both sides (F39) ------------------------------------------------------------

ORDER_COUNT_CAP = 500
# a search by client name looks at the orders of this many matching clients at most: a name
# that more clients share is narrowed by typing more of it
CLIENTS_SEARCHED = 50
NO_LIMIT = 1_000_000_000


@dataclass(frozen=True)
class OrderFilters:
    status: str = ""
    relationship_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    search: str = ""

    @classmethod
    def read(cls, args) -> OrderFilters:
        def day(name):
            try:
                return dt.date.fromisoformat(clean_text(args.get(name), 10))
            except ValueError:
                return None

        status = clean_text(args.get("status"), 20)
        try:
            relationship_id = int(args.get("with") or 0) or None
        except ValueError:
            relationship_id = None
        return cls(
            status=status if status in STATUSES or status == "open" else "",
            relationship_id=relationship_id,
            date_from=day("from"),
            date_to=day("to"),
            search=clean_text(args.get("q"), 60),
        )


# what a row of an order list shows (an order has some forty columns; a page reads 25 rows)
def _list_columns(other):
    return (
        Order.id,
        Order.placed_at,
        Order.status,
        Order.po_reference,
        Order.total_minor,
        Order.currency,
        other.id,
        other.display_name,
    )


def _list_shape(side: str, filters: OrderFilters) -> tuple:
    """What an order list's queries look like (its values are their parameters)."""
    status = "open" if filters.status == "open" else ("one" if filters.status else None)
    return (
        side,
        status,
        bool(filters.relationship_id),
        bool(filters.date_from),
        bool(filters.date_to),
    )


def _list_values(party: Party, filters: OrderFilters) -> list:
    values: list = [party.id]
    if filters.status == "open":
        values.append(list(OPEN_STATUSES))
    elif filters.status:
        values.append(filters.status)
    if filters.relationship_id:
        values.append(int(filters.relationship_id))
    if filters.date_from:
        values.append(dt.datetime.combine(filters.date_from, dt.time()))
    if filters.date_to:
        values.append(dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time()))
    return values


def _list_query(shape: tuple, values: list, scope=None):
    """The list's query of this shape (`scope`: the party condition, when not the plain
    one), newest first."""
    side, status, with_relationship, with_from, with_to = shape
    values = list(values)
    other = Party.alias("other")
    own = Order.customer if side == "purchases" else Order.supplier
    other_side = Order.supplier if side == "purchases" else Order.customer
    party_id = values.pop(0)
    conditions = [own == party_id if scope is None else scope]
    if side == "sales":  # not the orders still with the client's approvers
        conditions.append(Order.held == False)  # noqa: E712
    if status == "open":
        conditions.append(Order.status.in_(values.pop(0)))
    elif status == "one":
        conditions.append(Order.status == values.pop(0))
    if with_relationship:
        conditions.append(Order.relationship == values.pop(0))
    if with_from:
        conditions.append(Order.placed_at >= values.pop(0))
    if with_to:
        conditions.append(Order.placed_at < values.pop(0))
    return (
        Order.select(*_list_columns(other))
        .join(other, on=(other_side == other.id), attr="other")
        .where(*conditions)
    )


_NEWEST = (Order.placed_at.desc(), Order.id.desc())
_LIST_QUERIES: dict[tuple, tuple] = {}


def _list_queries(shape: tuple) -> tuple:
    """The prepared count and page of a list shape (models/prepared.py: built once)."""
    found = _LIST_QUERIES.get(shape)
    if found is None:

        def count(*args):
            *values, limit = args
            capped = _list_query(shape, values).select(SQL("1")).limit(limit)
            return Select([capped.alias("capped")], [fn.COUNT(SQL("1"))])

        def rows(*args):
            *values, limit, offset = args
            return _list_query(shape, values).order_by(*_NEWEST).limit(limit).offset(offset)

        found = _LIST_QUERIES[shape] = (prepared(count), prepared(rows))
    return found


def _found(side: str, numbered: bool, clientele: bool, party_id, text, number=None, clients=None):
    """The (id, date) of the party's orders a search names, each way along its own index:
    the reference as written (without case or accents), the number, and (the supplier's
    side) the orders of the clients whose name or code matches -- a substring search would
    read every order of a large supplier. Both columns are in each index: no row is read."""
    own = Order.customer if side == "purchases" else Order.supplier
    columns = (Order.id, Order.placed_at)
    if side == "purchases":  # a buyer's own orders are few: any part of the reference
        reference = contains(Order.search_text, text)
    else:  # a supplier's may be millions: the reference as written, along its index
        reference = Order.search_text == text
    # the supplier's side leaves out orders still with the client's approvers: a reference or
    # a number matches few rows, read to check; a client's orders are counted from the index
    # alone (its waiting ones, if any, are in the count but not on the page)
    unheld = (Order.held == False,) if side == "sales" else ()  # noqa: E712
    found = Order.select(*columns).where(own == party_id, reference, *unheld)
    if numbered:
        found = found | Order.select(*columns).where(own == party_id, Order.id == number, *unheld)
    if clientele:
        found = found | Order.select(*columns).where(Order.relationship.in_(clients))
    # a limit no search reaches: SQLite then reads the matches as a table of their own
    # instead of folding them into the outer query, where it would walk the party's orders
    # by date to find the newest (3 ms became 30 for a search by reference)
    return found.limit(NO_LIMIT)


_SEARCH_QUERIES: dict[tuple, tuple] = {}


def _search_queries(side: str, numbered: bool, clientele: bool) -> tuple:
    """A search's prepared count and page (the page's orders read whole by their ids, which
    are sorted from the indexes)."""
    key = (side, numbered, clientele)
    found = _SEARCH_QUERIES.get(key)
    if found is None:
        own = Order.customer if side == "purchases" else Order.supplier

        def named(values: list) -> dict:
            """The search's values by name: party, text, then the number and the clients
            where the shape has them."""
            rest = list(values[2:])
            return {
                "party_id": values[0],
                "text": values[1],
                "number": rest.pop(0) if numbered else None,
                "clients": rest.pop(0) if clientele else None,
            }

        def count(*args):
            *values, limit = args
            matches = _found(side, numbered, clientele, **named(values)).alias("matches")
            capped = Select([matches], [SQL("1")]).limit(limit).alias("capped")
            return Select([capped], [fn.COUNT(SQL("1"))])

        def rows(*args):
            *values, limit, offset = args
            matches = _found(side, numbered, clientele, **named(values)).alias("matches")
            ids = (
                Select([matches], [matches.c.id])
                .order_by(matches.c.placed_at.desc(), matches.c.id.desc())
                .limit(limit)
                .offset(offset)
            )
            scope = equals_not_indexed(own, values[0]) & Order.id.in_(ids)
            plain = (side, None, False, False, False)
            return _list_query(plain, [values[0]], scope).order_by(*_NEWEST)

        found = _SEARCH_QUERIES[key] = (prepared(count), prepared(rows))
    return found


def orders_page(party: Party, side: str, filters: OrderFilters, page=1, per_page=25) -> Page:
    """A page of the party's orders: as the customer ("purchases") or the supplier ("sales"),
    newest first, with the other party; counted up to ORDER_COUNT_CAP. The common lists (no
    search) are prepared queries along the party's index; a search reads its few orders by
    id."""
    shape = _list_shape(side, filters)
    values = _list_values(party, filters)
    text = filters.search.strip().lstrip("#")
    if not text:
        count, rows = _list_queries(shape)
        return Page.capped(
            lambda limit: count.scalar(*values, limit),
            lambda limit, offset, more: rows.all(*values, limit, offset),
            page,
            per_page,
            ORDER_COUNT_CAP,
        )
    clients = None
    if side == "sales":
        from .client_lists import matching_client_ids

        clients = matching_client_ids(party, text, CLIENTS_SEARCHED)
    own = Order.customer if side == "purchases" else Order.supplier
    numbered = text.lstrip("0").isdigit() and len(text) <= 12
    folded = fold(text)[:200]
    search_values = [party.id, like_pattern(folded) if side == "purchases" else folded]
    if numbered:
        search_values.append(int(text))
    if clients:  # padded with 0 (no client) to one length: one prepared query
        search_values.append(clients + [0] * (CLIENTS_SEARCHED - len(clients)))
    if shape[1:] == (None, False, False, False):
        # the search alone: prepared, its matches counted and sorted from the indexes
        count, rows = _search_queries(side, numbered, bool(clients))
        return Page.capped(
            lambda limit: count.scalar(*search_values, limit),
            lambda limit, offset, more: rows.all(*search_values, limit, offset),
            page,
            per_page,
            ORDER_COUNT_CAP,
        )
    found = _found(
        side,
        numbered,
        bool(clients),
        *search_values[:2],
        int(text) if numbered else None,
        clients,
    )
    # with filters besides: the matches' orders are read and filtered
    matches = found.alias("matches")
    scope = equals_not_indexed(own, party.id) & Order.id.in_(Select([matches], [matches.c.id]))
    query = _list_query(shape, values, scope)

    def count_filtered(limit: int) -> int:
        return query.select(SQL("1")).order_by().limit(limit).count()

    def filtered_rows(limit: int, offset: int, more: bool) -> list:
        return list(query.order_by(*_NEWEST).limit(limit).offset(offset))

    return Page.capped(count_filtered, filtered_rows, page, per_page, ORDER_COUNT_CAP)


def _order_in(party: Party, side: str, order_id) -> Order:
    try:
        order_id = int(order_id)
    except (TypeError, ValueError):
        raise NotFound(_l("This order does not exist.")) from None
    if not 0 < order_id < 2**63:
        raise NotFound(_l("This order does not exist."))
    own = Order.customer if side == "purchases" else Order.supplier
    other = Party.alias("other")
    other_side = Order.supplier if side == "purchases" else Order.customer
    query = (
        Order.select(Order, other)
        .join(other, on=(other_side == other.id), attr="other")
        .where(Order.id == order_id, own == party)
    )
    if side == "sales":  # an order still with the client's approvers is not the supplier's
        query = query.where(Order.held == False)  # noqa: E712
    order = query.first()
    if order is None:
        raise NotFound(_l("This order does not exist."))
    return order


def order_of(party: Party, side: str, order_id) -> tuple[Order, list[OrderLine], list[OrderEvent]]:
    """One of the party's orders (another party's id is NotFound), its lines and history."""
    order = _order_in(party, side, order_id)
    lines = list(OrderLine.select().where(OrderLine.order == order).order_by(OrderLine.position))
    events = list(
        OrderEvent.select(OrderEvent, User)
        .join(User, JOIN.LEFT_OUTER, on=(OrderEvent.actor == User.id))
        .where(OrderEvent.order == order)
        .order_by(OrderEvent.created_at, OrderEvent.id)
    )
    return order, lines, events


def vat_lines_of(order: Order, lines: list[OrderLine]) -> OrderTotals:
    """The VAT per rate of a placed order, worked out again from its lines and amounts as the
    breakdown shows them (the same rule as when it was placed)."""
    from .pricing import OrderConditions

    conditions = OrderConditions(
        discount_tiers=((0, order.discount_bp),) if order.discount_bp else (),
        delivery_cost_minor=order.delivery_minor or None,
    )
    return order_totals([(line.line_minor, line.vat_rate) for line in lines], conditions)


@retrying
def change_status(
    actor: User, supplier: Party, order_id, action: str, role_ok, reason: str = "", version=None
) -> Order:
    """The supplier confirms, ships, delivers, cancels or rejects an order (F39); an action
    its status does not allow is refused. Cancelling or rejecting takes an on-account order's
    amount off what the client owes. `role_ok(role)` says whether the actor has the role."""
    if action not in ACTIONS:
        raise NotFound(_l("This action does not exist."))
    sources, target, role = ACTIONS[action]
    if not role_ok(role):
        raise PermissionError(action)
    reason = clean_text_block(reason, 501)
    if action in ("cancel", "reject") and not reason:
        raise DomainError(_l("Say why, so that the client knows."), "reason")
    if len(reason) > 500:
        raise DomainError(_l("Use at most 500 characters."), "reason")
    order = _order_in(supplier, "sales", order_id)
    relationship = Relationship.get_or_none(Relationship.id == order.relationship_id)
    if relationship is None:  # the client was removed: its past orders cannot change
        raise IllegalTransition(
            _l("An order that is “%(status)s” cannot be changed that way."),
            status=order.status_label,
        )
    with transaction(lock=relationship):
        order = Order.get_by_id(order.id)  # its status now, after the lock
        if (
            version is not None
            and str(version) != str(order.version)
            and order.status not in sources
        ):
            raise IllegalTransition(
                _l("This order is now “%(status)s”: someone changed it meanwhile."),
                status=order.status_label,
            )
        if order.status not in sources:
            raise IllegalTransition(
                _l("An order that is “%(status)s” cannot be changed that way."),
                status=order.status_label,
            )
        order.status = target
        order.version += 1
        if action in ("cancel", "reject"):
            order.cancel_reason = reason
        order.save()
        OrderEvent.create(order=order, status=target, actor=actor, note=reason)
        if action == "deliver":
            loyalty.on_delivered(order, actor)  # points for what was spent (F38)
        if action in ("cancel", "reject"):
            loyalty.on_cancelled(order, actor)
            return_for_order(relationship, order.id, actor)
        owed = order.total_minor - order.balance_minor
        if action in ("cancel", "reject") and order.payment_method == "on_account" and owed > 0:
            AccountEntry.create(
                relationship=relationship,
                kind="cancellation",
                amount_minor=-owed,
                order_id=order.id,
                entry_date=utcnow().date(),
                reference=order.number,
                actor=actor,
            )
    return order


def open_orders_count(relationship_id: int) -> int:
    return (
        Order.select()
        .where(Order.relationship == relationship_id, Order.status.in_(OPEN_STATUSES))
        .count()
    )


def reorder(
    actor: User, relationship: Relationship, order: Order, language: str
) -> list[OrderLine]:
    """Put a past order's lines into the cart again, at today's prices; returns the lines no
    longer available."""
    lines = list(OrderLine.select().where(OrderLine.order == order).order_by(OrderLine.position))
    quick = [
        QuickLine(line.position, line.sku, line.quantity, product_id=line.product_id)
        for line in lines
    ]
    wanted = {line.product_id: line.quantity for line in lines if line.product_id}
    priced, _decision = priced_by_id(relationship, wanted, language) if wanted else ({}, None)
    missing = [
        line
        for line in lines
        if line.product_id not in priced or priced[line.product_id].quote is None
    ]
    keep = [q for q in quick if q.product_id in priced and priced[q.product_id].quote is not None]
    if keep:
        _add_products(actor, relationship, keep, language)
    return missing


@retrying
def _add_products(actor: User, relationship: Relationship, lines: list[QuickLine], language: str):
    _check_orderable(relationship)
    with transaction(lock=relationship):
        for line in lines:
            existing = CartLine.get_or_none(
                CartLine.relationship == relationship,
                CartLine.user == actor,
                CartLine.product == line.product_id,
            )
            total = min(MAX_QUANTITY, line.quantity + (existing.quantity if existing else 0))
            unit = _visible_unit(relationship, line.product_id, total, language)
            if existing:
                existing.quantity, existing.seen_unit_minor = total, unit
                existing.save()
            else:
                CartLine.create(
                    relationship=relationship,
                    user=actor,
                    product=line.product_id,
                    quantity=total,
                    seen_unit_minor=unit,
                    added_by=actor,
                )


def client_order_stats(relationship_id: int) -> tuple[int, int]:
    """How many orders a client placed (not cancelled or rejected) and their total value."""
    row = (
        Order.select(fn.COUNT(Order.id), fn.COALESCE(fn.SUM(Order.total_minor), 0))
        .where(
            Order.relationship == relationship_id,
            Order.status.not_in(("cancelled", "rejected", "draft", "awaiting_approval")),
        )
        .tuples()
        .first()
    )
    return int(row[0] or 0), int(row[1] or 0)


def client_orders(relationship: Relationship, with_items: bool = False, limit: int = 50):
    """The client's latest orders (newest first) and, with items, their lines by order id
    (two queries)."""
    orders = list(
        Order.select()
        .where(Order.relationship == relationship, Order.held == False)  # noqa: E712
        .order_by(Order.placed_at.desc(), Order.id.desc())
        .limit(limit)
    )
    lines: dict[int, list[OrderLine]] = {}
    if with_items and orders:
        for line in (
            OrderLine.select()
            .where(OrderLine.order.in_([o.id for o in orders]))
            .order_by(OrderLine.order, OrderLine.position)
        ):
            lines.setdefault(line.order_id, []).append(line)
    return orders, lines
