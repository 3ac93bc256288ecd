"""The one pricing engine (F18, F26, F28, F29): pure functions -- no database, no request.

The callers resolve the inputs (what the client's and its group's price lists say about a
product, the discounts that apply, the VAT rate the tax rules chose) and these functions return
amounts with the steps that explain them. The catalog list, the product page, view-as-client
and, next, the cart and checkout all call the same ones.

Rounding, written down once: while an amount is computed it is a Decimal count of the
currency's minor units (cents), so cost-plus and discounts may leave fractions. A *line*
(unit price × quantity, after discounts) is rounded half-up to a whole minor unit once; its VAT
is computed on that rounded net line and rounded half-up again; gross = net + VAT. A unit price
shown alone is the line of one.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

BP = Decimal(10_000)  # basis points in one: 250 bp = 2.50 %
ONE = Decimal(1)

PRICE_LIST_KINDS = ("fixed", "cost_plus")
DISCOUNT_RULES = ("largest", "stacked")
DISCOUNT_RULE_LABELS = {
    "largest": _l("Only the largest discount applies"),
    "stacked": _l("Discounts are applied one after another"),
}


def whole(amount: Decimal) -> int:
    """A computed amount of minor units rounded half-up to a whole minor unit."""
    return int(amount.quantize(ONE, rounding=ROUND_HALF_UP))


class Number:
    """A figure inside an explanation, written in the reader's locale when it is shown."""

    def __init__(self, value: Decimal):
        self.value = value

    def __str__(self) -> str:
        from flask import has_request_context
        from flask_babel import get_locale

        if has_request_context():
            return _formatted(self.value, str(get_locale()))
        return format(self.value.normalize(), "f")

    def __eq__(self, other) -> bool:
        return isinstance(other, Number) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)


@functools.lru_cache(maxsize=4096)
def _formatted(value: Decimal, locale: str) -> str:
    """A figure in a locale: the same few percentages on every row of a catalog page."""
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.##", locale=locale)


def percent_text(basis_points: int) -> Number:
    """Basis points as a percentage (250 -> 2.5), for the explanations."""
    return Number(Decimal(basis_points) / 100)


# --- inputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListTerms:
    """What one price list says about one product, as the caller resolved it."""

    list_id: int
    name: str
    source: str  # "relationship" (the client's own list) or "group" (its group's)
    kind: str  # "fixed" or "cost_plus"
    tiers: tuple[tuple[int, int], ...] = ()  # fixed: (from quantity, unit price in minor units)
    surcharge_bp: int | None = None  # cost-plus: the product's own surcharge, else the list's


@dataclass(frozen=True)
class Discounts:
    """The discounts of one client (F18) and the supplier's rule for combining them."""

    client_bp: int | None = None
    group_bp: int | None = None
    type_bp: int | None = None  # the customer type's (business / consumer)
    rule: str = "largest"

    def offered(self) -> list[tuple[str, int]]:
        """The discounts that exist, in a fixed order (client, group, type)."""
        named = (("client", self.client_bp), ("group", self.group_bp), ("type", self.type_bp))
        return [(who, bp) for who, bp in named if bp]


# --- outputs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One line of a price breakdown: what happened and the unit amount after it."""

    kind: str  # list_price, price_list, tier, cost_plus, discount, rule, vat
    label: object  # a lazy, translatable text with its figures
    amount: Decimal  # minor units after this step (unit price; for vat: the VAT of the line)

    @property
    def minor(self) -> int:
        """The amount rounded half-up to a whole minor unit, as the breakdown shows it."""
        return whole(self.amount)


@dataclass(frozen=True)
class Quote:
    """A product's price for one client and quantity, with where it came from."""

    quantity: int
    base_unit: Decimal  # minor units before discounts
    source: str  # list_price, price_list or cost_plus
    list_name: str | None
    discount_bp: Decimal  # the discount that applied in all, in basis points
    net_unit: Decimal  # minor units after discounts, unrounded
    net_line: int  # minor units, rounded half-up
    vat_rate: Decimal  # percent, e.g. Decimal("21")
    vat_line: int
    gross_line: int
    gross: bool  # the client sees prices including VAT (consumers) or excluding (business)
    steps: tuple[Step, ...]

    @property
    def net_unit_exact(self) -> Decimal:
        """The net unit price in minor units to a hundredth (as a line's unit price shows)."""
        return self.net_unit.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def net_unit_minor(self) -> int:
        """The net unit price rounded half-up to a whole minor unit (as a line shows it)."""
        return whole(self.net_unit)

    @property
    def shown_line(self) -> int:
        """The amount the client reads: gross for consumers, net for businesses."""
        return self.gross_line if self.gross else self.net_line

    @property
    def shown_steps(self) -> tuple[Step, ...]:
        """The steps that lead to the shown price: the VAT among them only when the client
        reads prices with it (a consumer); a business reads it apart (invoice_vat)."""
        return self.steps if self.gross else tuple(s for s in self.steps if s.kind != "vat")

    @property
    def invoice_vat(self) -> Step | None:
        """For a business: the VAT its invoice will add to the shown price (None for a
        consumer, whose price includes it)."""
        return None if self.gross else next((s for s in self.steps if s.kind == "vat"), None)


# --- price resolution (F26) ----------------------------------------------------------------


def _tier(tiers: Sequence[tuple[int, int]], quantity: int) -> tuple[int, int] | None:
    """The tier that applies to a quantity: the largest 'from' not above it."""
    fitting = [tier for tier in tiers if tier[0] <= quantity]
    return max(fitting) if fitting else None


def base_price(
    list_price_minor: int,
    purchase_minor: int | None,
    lists: Sequence[ListTerms | None],
    quantity: int = 1,
) -> tuple[Decimal, str, str | None, list[Step]]:
    """The unit price before discounts: the first list (the client's, then its group's) that
    prices the product at this quantity, else the product's list price."""
    steps = [Step("list_price", _l("List price"), Decimal(list_price_minor))]
    for terms in lists:
        if terms is None:
            continue
        if terms.kind == "cost_plus":
            if purchase_minor is None or terms.surcharge_bp is None:
                continue  # no purchase price to add to: the next source decides
            unit = Decimal(purchase_minor) * (ONE + Decimal(terms.surcharge_bp) / BP)
            steps.append(
                Step(
                    "cost_plus",
                    # the buyer's breakdown names the list, not the surcharge: with it, the
                    # supplier's purchase price could be worked out
                    _l("Price list “%(name)s”", name=terms.name),
                    unit,
                )
            )
            return unit, "cost_plus", terms.name, steps
        tier = _tier(terms.tiers, quantity)
        if tier is None:
            continue
        start, price = tier
        label = (
            _l("Price list “%(name)s”", name=terms.name)
            if start <= 1
            else _l(
                "Price list “%(name)s”, from %(quantity)s",
                name=terms.name,
                quantity=Number(Decimal(start)),
            )
        )
        steps.append(Step("price_list" if start <= 1 else "tier", label, Decimal(price)))
        return Decimal(price), "price_list", terms.name, steps
    return Decimal(list_price_minor), "list_price", None, steps


# --- discounts (F18) -----------------------------------------------------------------------

_DISCOUNT_LABELS = {
    "client": lambda p: _l("Client discount %(percent)s %%", percent=p),
    "group": lambda p: _l("Group discount %(percent)s %%", percent=p),
    "type": lambda p: _l("Customer type discount %(percent)s %%", percent=p),
}


def apply_discounts(unit: Decimal, discounts: Discounts) -> tuple[Decimal, Decimal, list[Step]]:
    """The unit price after the client's discounts, the discount in all (basis points) and the
    steps; the rule is written out as a step whenever more than one discount exists."""
    offered = discounts.offered()
    if not offered:
        return unit, Decimal(0), []
    steps: list[Step] = []
    if len(offered) > 1:
        steps.append(Step("rule", DISCOUNT_RULE_LABELS[discounts.rule], unit))
    if discounts.rule == "stacked":
        remaining = ONE
        for who, bp in offered:
            remaining *= ONE - Decimal(bp) / BP
            steps.append(
                Step("discount", _DISCOUNT_LABELS[who](percent_text(bp)), unit * remaining)
            )
        return unit * remaining, (ONE - remaining) * BP, steps
    who, bp = max(offered, key=lambda item: item[1])  # ties: the first in the fixed order
    after = unit * (ONE - Decimal(bp) / BP)
    steps.append(Step("discount", _DISCOUNT_LABELS[who](percent_text(bp)), after))
    return after, Decimal(bp), steps


# --- one product's price -------------------------------------------------------------------


def vat_of(net_line: int, rate: Decimal) -> int:
    """The VAT of a rounded net line at a rate in percent, rounded half-up."""
    return whole(Decimal(net_line) * rate / 100)


def quote(
    *,
    list_price_minor: int,
    purchase_minor: int | None = None,
    lists: Sequence[ListTerms | None] = (),
    discounts: Discounts = Discounts(),
    vat_rate: Decimal = Decimal(0),
    vat_label: object = None,
    gross: bool = False,
    quantity: int = 1,
) -> Quote:
    """A product's price for one client: list → price list / cost-plus → discounts → VAT."""
    if quantity < 1:
        raise ValueError("a quantity is at least 1")
    base, source, list_name, steps = base_price(list_price_minor, purchase_minor, lists, quantity)
    net_unit, discount_bp, discount_steps = apply_discounts(base, discounts)
    steps += discount_steps
    net_line = whole(net_unit * quantity)
    vat_line = vat_of(net_line, vat_rate)
    steps.append(
        Step(
            "vat",
            vat_label if vat_label is not None else _l("VAT %(rate)s %%", rate=Number(vat_rate)),
            Decimal(vat_line),
        )
    )
    return Quote(
        quantity=quantity,
        base_unit=base,
        source=source,
        list_name=list_name,
        discount_bp=discount_bp,
        net_unit=net_unit,
        net_line=net_line,
        vat_rate=vat_rate,
        vat_line=vat_line,
        gross_line=net_line + vat_line,
        gross=gross,
        steps=tuple(steps),
    )


def quantity_prices(**inputs) -> tuple[tuple[int, int], ...]:
    """The quantity tiers a buyer can reach (F26): (from quantity, unit price in minor units, as
    the buyer reads it: gross for consumers), for each tier of the client's or its group's
    list from 2 on where the unit price differs from the one before. `inputs` are quote()'s;
    the unit price is the line of that quantity divided by it, rounded half-up."""
    starts = sorted(
        {start for terms in inputs.get("lists", ()) if terms for start, _p in terms.tiers}
    )
    found: list[tuple[int, int]] = []
    previous = quote(**{**inputs, "quantity": 1}).shown_line
    for start in (s for s in starts if s > 1):
        unit = whole(Decimal(quote(**{**inputs, "quantity": start}).shown_line) / start)
        if unit != previous:
            found.append((start, unit))
            previous = unit
    return tuple(found)


# --- order conditions (F28) ----------------------------------------------------------------


@dataclass(frozen=True)
class OrderConditions:
    """A supplier's order conditions, or a relationship's own where it overrides them."""

    discount_tiers: tuple[tuple[int, int], ...] = ()  # (from order value in minor units, bp)
    delivery_cost_minor: int | None = None  # charged below the free-delivery threshold
    free_delivery_from_minor: int | None = None
    free_delivery: bool = False  # e.g. the client's group never pays for delivery


@dataclass(frozen=True)
class OrderOutcome:
    """What the order conditions make of an order's value (net, before VAT)."""

    subtotal: int
    discount_bp: int
    discount: int  # minor units taken off
    delivery: int  # minor units of delivery cost
    total: int  # subtotal - discount + delivery
    steps: tuple[Step, ...]
    free_delivery_from: int | None  # shown to buyers: "free delivery from …" (None: not offered)


def order_conditions(subtotal_minor: int, conditions: OrderConditions) -> OrderOutcome:
    """The order discount that the order's value reaches and the delivery cost it still pays."""
    steps: list[Step] = []
    reached = [tier for tier in conditions.discount_tiers if tier[0] <= subtotal_minor]
    discount_bp = max(reached)[1] if reached else 0
    discount = whole(Decimal(subtotal_minor) * discount_bp / BP)
    if discount_bp:
        steps.append(
            Step(
                "order_discount",
                _l("Order discount %(percent)s %%", percent=percent_text(discount_bp)),
                Decimal(-discount),
            )
        )
    delivery = 0
    free_from = conditions.free_delivery_from_minor
    if conditions.free_delivery:
        steps.append(Step("delivery", _l("Free delivery for your group"), Decimal(0)))
        free_from = None
    elif conditions.delivery_cost_minor:
        if free_from is not None and subtotal_minor >= free_from:
            steps.append(Step("delivery", _l("Free delivery"), Decimal(0)))
        else:
            delivery = conditions.delivery_cost_minor
            steps.append(Step("delivery", _l("Delivery costs"), Decimal(delivery)))
    else:
        free_from = None  # delivery costs nothing anyway: no threshold to announce
    return OrderOutcome(
        subtotal=subtotal_minor,
        discount_bp=discount_bp,
        discount=discount,
        delivery=delivery,
        total=subtotal_minor - discount + delivery,
        steps=tuple(steps),
        free_delivery_from=free_from,
    )


# --- a whole order (F31) -------------------------------------------------------------------


@dataclass(frozen=True)
class VatLine:
    """The VAT of one rate on an order: the net amount it is charged on and the VAT."""

    rate: Decimal  # percent
    net: int
    vat: int


@dataclass(frozen=True)
class OrderTotals:
    """An order's amounts from its lines and the order conditions: net subtotal of the lines,
    order discount, delivery cost, net total, VAT per rate and the total to pay."""

    subtotal: int
    conditions: OrderOutcome
    net: int
    vat_lines: tuple[VatLine, ...]
    vat: int
    total: int

    @property
    def discount(self) -> int:
        return self.conditions.discount

    @property
    def delivery(self) -> int:
        return self.conditions.delivery


def _shares(amount: int, weights: list[int]) -> list[int]:
    """`amount` split over `weights` in proportion, in whole minor units that add up to it
    exactly (largest remainder; ties to the first)."""
    total = sum(weights)
    if not amount or not total:
        return [0] * len(weights)
    exact = [Decimal(amount) * w / total for w in weights]
    shares = [int(e) for e in exact]  # toward zero
    left = amount - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[: abs(left)]:
        shares[i] += 1 if left > 0 else -1
    return shares


def order_totals(lines: Sequence[tuple[int, Decimal]], conditions: OrderConditions) -> OrderTotals:
    """An order's totals from its lines, each (net line in minor units, VAT rate in percent).

    Written down: the order conditions (F28) take the net subtotal of the lines; the order
    discount is shared over the VAT rates in proportion to their net amounts (largest
    remainder, so the shares add up to it); the delivery cost is charged at the highest rate
    of the order (0 % when every line is untaxed: reverse charge, export); the VAT of each rate
    is computed once on its net amount and rounded half-up."""
    subtotal = sum(net for net, _rate in lines)
    outcome = order_conditions(subtotal, conditions)
    by_rate: dict[Decimal, int] = {}
    for net, rate in lines:
        by_rate[rate] = by_rate.get(rate, 0) + net
    rates = sorted(by_rate, reverse=True)
    discounts = _shares(outcome.discount, [by_rate[r] for r in rates])
    vat_lines = []
    for i, rate in enumerate(rates):
        net = by_rate[rate] - discounts[i] + (outcome.delivery if i == 0 else 0)
        vat_lines.append(VatLine(rate, net, vat_of(net, rate)))
    if not rates and outcome.delivery:
        vat_lines.append(VatLine(Decimal(0), outcome.delivery, 0))
    vat = sum(v.vat for v in vat_lines)
    return OrderTotals(
        subtotal=subtotal,
        conditions=outcome,
        net=outcome.total,
        vat_lines=tuple(vat_lines),
        vat=vat,
        total=outcome.total + vat,
    )
