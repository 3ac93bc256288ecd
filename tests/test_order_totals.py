"""An order's totals (pricing.order_totals), pure, against amounts worked out by hand: the order
discount shared over the VAT rates, the delivery cost below its threshold and taxed at the
order's highest rate, reverse charge and export at 0 %, and the line prices from quote() with
the discount rules."""

from decimal import Decimal

from models.pricing import Discounts, ListTerms, OrderConditions, order_totals, quote

NONE = OrderConditions()
BROUWER = OrderConditions(
    discount_tiers=((50_000, 200),),  # 2 % from 500.00
    delivery_cost_minor=1500,  # 15.00 below 250.00
    free_delivery_from_minor=25_000,
)


def test_one_rate_no_conditions():
    totals = order_totals([(1000, Decimal(21)), (2550, Decimal(21))], NONE)
    # 35.50 net, VAT 21 % = 7.455 -> 7.46 (half-up, once for the rate)
    assert (totals.subtotal, totals.net, totals.vat, totals.total) == (3550, 3550, 746, 4296)


def test_delivery_cost_below_the_threshold_is_taxed_at_the_highest_rate():
    totals = order_totals([(10_000, Decimal(21)), (5_000, Decimal(9))], BROUWER)
    # 150.00 < 250.00: delivery 15.00, at 21 % with the 100.00 of that rate
    assert totals.delivery == 1500 and totals.discount == 0
    assert [(v.rate, v.net, v.vat) for v in totals.vat_lines] == [
        (Decimal(21), 11_500, 2415),  # 115.00 * 21 % = 24.15
        (Decimal(9), 5_000, 450),
    ]
    assert totals.net == 16_500 and totals.total == 16_500 + 2415 + 450


def test_free_delivery_from_the_threshold():
    totals = order_totals([(25_000, Decimal(21))], BROUWER)
    assert totals.delivery == 0 and totals.total == 25_000 + 5250


def test_the_order_discount_is_shared_over_the_rates_by_their_net_amounts():
    # 600.00: 2 % = 12.00, shared 400/200 -> 8.00 and 4.00
    totals = order_totals([(40_000, Decimal(21)), (20_000, Decimal(9))], BROUWER)
    assert totals.discount == 1200 and totals.delivery == 0
    assert [(v.net, v.vat) for v in totals.vat_lines] == [(39_200, 8232), (19_600, 1764)]
    assert totals.net == 58_800 and totals.total == 58_800 + 8232 + 1764


def test_shares_that_do_not_divide_evenly_still_add_up():
    # 500.01 at three rates: 2 % = 10.0002 -> 10.00; shared 1/3 each -> 3.33 + 3.33 + 3.34
    lines = [(16_667, Decimal(21)), (16_667, Decimal(9)), (16_667, Decimal(0))]
    totals = order_totals(lines, BROUWER)
    assert totals.discount == 1000
    assert sum(16_667 - v.net for v in totals.vat_lines) == 1000
    assert totals.net == 50_001 - 1000


def test_reverse_charge_and_export_carry_no_vat_even_on_delivery():
    totals = order_totals([(10_000, Decimal(0))], BROUWER)
    assert totals.delivery == 1500 and totals.vat == 0 and totals.total == 11_500


def test_lines_priced_by_quote_with_the_discount_rules():
    gold = ListTerms(1, "Gold", "relationship", "fixed", tiers=((1, 1000), (10, 900)))
    discounts = Discounts(client_bp=500, group_bp=300, rule="stacked")
    line = quote(
        list_price_minor=1200, lists=[gold], discounts=discounts, vat_rate=Decimal(21), quantity=12
    )
    # tier 9.00; stacked: 9.00 * 0.95 * 0.97 = 8.2935; line 12 * 8.2935 = 99.522 -> 99.52
    assert line.net_line == 9952
    largest = quote(
        list_price_minor=1200,
        lists=[gold],
        discounts=Discounts(client_bp=500, group_bp=300),
        vat_rate=Decimal(21),
        quantity=12,
    )
    assert largest.net_line == 10_260  # 9.00 * 0.95 = 8.55; * 12
    totals = order_totals([(line.net_line, line.vat_rate)], NONE)
    assert totals.vat == 2090 and totals.total == 9952 + 2090  # 99.52 * 21 % = 20.8992
