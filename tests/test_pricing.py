"""The pricing engine and the tax rules as pure functions (F18, F26, F27, F28): no database."""

from decimal import Decimal

import pytest

from models.pricing import (
    Discounts,
    ListTerms,
    OrderConditions,
    apply_discounts,
    base_price,
    order_conditions,
    quantity_prices,
    quote,
    whole,
)
from models.tax import MissingRate, decide, rate_for, shipped_rates

GOLD = ListTerms(1, "Gold", "relationship", "fixed", tiers=((1, 900), (10, 850), (100, 800)))
HORECA = ListTerms(2, "Horeca", "group", "fixed", tiers=((1, 950),))
COST_PLUS = ListTerms(3, "Cost plus", "relationship", "cost_plus", surcharge_bp=1500)


# --- resolution ----------------------------------------------------------------------------


def test_the_clients_list_comes_first_then_the_groups_then_the_list_price():
    assert base_price(1000, None, [GOLD, HORECA])[:3] == (Decimal(900), "price_list", "Gold")
    assert base_price(1000, None, [None, HORECA])[:3] == (Decimal(950), "price_list", "Horeca")
    assert base_price(1000, None, [None, None])[:3] == (Decimal(1000), "list_price", None)


def test_a_list_without_a_price_for_the_product_hands_on_to_the_next_source():
    empty = ListTerms(4, "Empty", "relationship", "fixed", tiers=())
    assert base_price(1000, None, [empty, HORECA])[0] == Decimal(950)
    only_from_ten = ListTerms(5, "Bulk", "relationship", "fixed", tiers=((10, 700),))
    assert base_price(1000, None, [only_from_ten], quantity=9)[0] == Decimal(1000)
    assert base_price(1000, None, [only_from_ten], quantity=10)[0] == Decimal(700)


@pytest.mark.parametrize(
    ("quantity", "price"), [(1, 900), (9, 900), (10, 850), (99, 850), (100, 800), (5000, 800)]
)
def test_tiers_take_the_largest_from_quantity_not_above_the_order(quantity, price):
    assert base_price(1000, None, [GOLD], quantity)[0] == Decimal(price)


def test_a_tier_step_says_from_which_quantity():
    steps = base_price(1000, None, [GOLD], 10)[3]
    assert [s.kind for s in steps] == ["list_price", "tier"]
    assert "from 10" in str(steps[-1].label)


def test_quantity_prices_are_the_tiers_a_buyer_reaches_as_they_pay_them():
    # Gold: 9.00, from 10 8.50, from 100 8.00; a 10 % client discount; a consumer pays 21 % VAT
    inputs = {
        "list_price_minor": 1000,
        "lists": [GOLD, HORECA],
        "discounts": Discounts(client_bp=1000),
        "vat_rate": Decimal(21),
        "gross": True,
    }
    # 10 × 8.50 less 10 % = 76.50 net, 16.07 VAT: 92.57 for 10, 9.26 each (half-up)
    assert quantity_prices(**inputs) == ((10, 926), (100, 871))
    assert quantity_prices(**{**inputs, "gross": False}) == ((10, 765), (100, 720))
    # no tiers beyond 1, or a tier that does not lower the price: nothing to show
    assert quantity_prices(**{**inputs, "lists": [HORECA]}) == ()
    same = ListTerms(6, "Flat", "relationship", "fixed", tiers=((1, 900), (10, 900)))
    assert quantity_prices(**{**inputs, "lists": [same]}) == ()
    # the client's list decides at every quantity it prices: the group's tiers never apply
    bulk = ListTerms(7, "Bulk", "group", "fixed", tiers=((1, 990), (50, 500)))
    assert quantity_prices(**{**inputs, "lists": [HORECA, bulk]}) == ()


def test_a_breakdown_shows_vat_in_the_price_of_a_consumer_and_apart_for_a_business():
    inputs = {"list_price_minor": 1000, "vat_rate": Decimal(21)}
    consumer, business = quote(**inputs, gross=True), quote(**inputs, gross=False)
    assert [s.kind for s in consumer.shown_steps] == ["list_price", "vat"]
    assert consumer.invoice_vat is None
    assert [s.kind for s in business.shown_steps] == ["list_price"]
    assert business.invoice_vat.kind == "vat" and business.invoice_vat.minor == 210


def test_cost_plus_adds_the_surcharge_to_the_purchase_price():
    unit, source, name, steps = base_price(1000, 600, [COST_PLUS])
    assert (unit, source, name) == (Decimal(690), "cost_plus", "Cost plus")
    # the buyer reads the list's name, never the surcharge (it would reveal the purchase price)
    assert str(steps[-1].label) == "Price list “Cost plus”" and "15" not in str(steps[-1].label)


def test_cost_plus_without_a_purchase_price_falls_through():
    assert base_price(1000, None, [COST_PLUS, HORECA])[0] == Decimal(950)


def test_a_negative_surcharge_above_minus_100_percent_lowers_the_price():
    below = ListTerms(6, "Clearance", "group", "cost_plus", surcharge_bp=-2000)
    assert base_price(1000, 600, [below])[0] == Decimal(480)


# --- discounts -----------------------------------------------------------------------------


def test_largest_only_takes_the_largest_discount():
    after, total, steps = apply_discounts(Decimal(1000), Discounts(500, 1000, 200, "largest"))
    assert after == Decimal(900) and total == Decimal(1000)
    assert [s.kind for s in steps] == ["rule", "discount"]
    assert "Group discount 10 %" in str(steps[-1].label)
    assert "largest" in str(steps[0].label)


def test_stacked_applies_them_one_after_another():
    after, total, steps = apply_discounts(Decimal(1000), Discounts(1000, 1000, None, "stacked"))
    assert after == Decimal(810)  # 1000 × 0.9 × 0.9, not 1000 × 0.8
    assert total == Decimal(1900)
    assert [s.kind for s in steps] == ["rule", "discount", "discount"]


def test_one_discount_needs_no_rule_and_none_changes_nothing():
    after, total, steps = apply_discounts(Decimal(1000), Discounts(client_bp=250))
    assert after == Decimal(975) and [s.kind for s in steps] == ["discount"]
    assert apply_discounts(Decimal(1000), Discounts()) == (Decimal(1000), Decimal(0), [])


# --- rounding and VAT ----------------------------------------------------------------------


def test_rounding_is_half_up_once_per_line():
    assert whole(Decimal("0.5")) == 1 and whole(Decimal("1.5")) == 2 and whole(Decimal("2.5")) == 3
    # 333 cents less 1/3 ... a unit of 222.0 cents × 3; 0.5 cents rounds up
    priced = quote(list_price_minor=101, discounts=Discounts(client_bp=5000), quantity=3)
    assert priced.net_unit == Decimal("50.5")
    assert priced.net_line == 152  # 151.5 → 152, not 3 × round(50.5) = 153
    one = quote(list_price_minor=101, discounts=Discounts(client_bp=5000))
    assert one.net_line == 51  # 50.5 → 51


def test_vat_is_computed_on_the_rounded_net_line():
    priced = quote(list_price_minor=999, vat_rate=Decimal(21), quantity=1)
    assert (priced.net_line, priced.vat_line, priced.gross_line) == (999, 210, 1209)  # 209.79
    assert priced.shown_line == 999
    consumer = quote(list_price_minor=999, vat_rate=Decimal(21), gross=True)
    assert consumer.shown_line == 1209


def test_a_whole_quote_explains_itself_from_list_price_to_vat():
    priced = quote(
        list_price_minor=1000,
        purchase_minor=600,
        lists=[COST_PLUS, HORECA],
        discounts=Discounts(client_bp=1000, rule="largest"),
        vat_rate=Decimal("5.5"),
        quantity=2,
    )
    assert priced.base_unit == Decimal(690)
    assert priced.net_unit == Decimal(621)
    assert priced.net_line == 1242
    assert priced.vat_line == 68  # 68.31
    assert [s.kind for s in priced.steps] == ["list_price", "cost_plus", "discount", "vat"]
    assert "5.5 %" in str(priced.steps[-1].label)


def test_a_quantity_below_one_is_refused():
    with pytest.raises(ValueError):
        quote(list_price_minor=100, quantity=0)


# --- order conditions ----------------------------------------------------------------------

CONDITIONS = OrderConditions(
    discount_tiers=((50_000, 200), (100_000, 300)),
    delivery_cost_minor=1500,
    free_delivery_from_minor=25_000,
)


@pytest.mark.parametrize(
    ("subtotal", "discount", "delivery"),
    [(24_999, 0, 1500), (25_000, 0, 0), (49_999, 0, 0), (50_000, 1000, 0), (100_000, 3000, 0)],
)
def test_order_discount_by_value_and_free_delivery_from_a_threshold(subtotal, discount, delivery):
    outcome = order_conditions(subtotal, CONDITIONS)
    assert (outcome.discount, outcome.delivery) == (discount, delivery)
    assert outcome.total == subtotal - discount + delivery
    assert outcome.free_delivery_from == 25_000


def test_a_group_with_free_delivery_never_pays_it():
    free = OrderConditions(
        delivery_cost_minor=1500, free_delivery_from_minor=25_000, free_delivery=True
    )
    outcome = order_conditions(1000, free)
    assert outcome.delivery == 0 and outcome.free_delivery_from is None


def test_no_delivery_cost_announces_no_threshold():
    outcome = order_conditions(1000, OrderConditions(free_delivery_from_minor=25_000))
    assert outcome.delivery == 0 and outcome.free_delivery_from is None and outcome.steps == ()


# --- tax rules -----------------------------------------------------------------------------

RATES = shipped_rates()


def rule(delivery, customer_type="business", valid=True, **override):
    return decide(
        supplier_country="NL",
        delivery_country=delivery,
        customer_type=customer_type,
        valid_vat_number=valid,
        **override,
    )


def test_domestic_uses_the_suppliers_country():
    decision = rule("NL")
    assert decision.regime == "domestic"
    assert rate_for(decision, "standard", RATES) == Decimal(21)
    assert rate_for(decision, "reduced", RATES) == Decimal(9)


def test_intra_eu_business_with_a_valid_vat_number_is_reverse_charged():
    decision = rule("DE")
    assert decision.regime == "reverse_charge"
    assert rate_for(decision, "standard", RATES) == Decimal(0)
    assert str(decision.label) == "VAT reverse-charged"


def test_intra_eu_business_without_a_valid_vat_number_pays_the_destinations_vat():
    decision = rule("DE", valid=False)
    assert decision.regime == "distance"
    assert rate_for(decision, "standard", RATES) == Decimal(19)
    assert "no valid VAT number" in str(decision.label)


def test_intra_eu_consumer_pays_the_destinations_rate():
    decision = rule("FR", customer_type="consumer", valid=False)
    assert rate_for(decision, "reduced", RATES) == Decimal("5.5")


def test_outside_the_eu_is_export_at_zero():
    decision = rule("CH")
    assert decision.regime == "export" and rate_for(decision, "standard", RATES) == 0
    assert rule("US", customer_type="consumer").regime == "export"


def test_an_override_comes_first():
    exempt = rule("NL", override="exempt")
    assert exempt.regime == "exempt" and rate_for(exempt, "standard", RATES) == 0
    fixed = rule("NL", override="class", override_class="reduced")
    assert rate_for(fixed, "standard", RATES) == Decimal(9)


def test_a_missing_rate_is_said_not_guessed():
    with pytest.raises(MissingRate):
        rate_for(rule("NL"), "luxury", RATES)


def test_every_member_state_has_every_shipped_class():
    assert len(RATES) == 27 * 3
