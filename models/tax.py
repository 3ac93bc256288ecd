"""Tax rules (F27): which VAT rate a sale carries -- a pure function, no database.

`decide()` chooses the regime from where the goods are delivered: domestic (the supplier's
country's rate), intra-EU to a business with a valid VAT number (reverse charge, 0 %),
intra-EU to a consumer or to a business without a valid number (the destination country's rate),
outside the EU (export, 0 %); a relationship's override (exempt, or one fixed VAT class) comes
first. `rate_for()` then reads the rate of the product's VAT class in the chosen country from the
supplier's rate table (shipped for the EU member states below, adjustable as data).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l

EU_MEMBER_STATES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)

VAT_CLASSES = ("standard", "reduced", "zero")
VAT_CLASS_LABELS = {
    "standard": _l("Standard rate"),
    "reduced": _l("Reduced rate"),
    "zero": _l("Zero rate"),
}

# The rates shipped for each EU member state, in percent: the standard rate and the main reduced
# rate (the one most food and books carry). Suppliers adjust them as data (VatRate rows); these
# are only what a new supplier starts with.
EU_RATES: dict[str, tuple[str, str]] = {
    "AT": ("20", "10"),
    "BE": ("21", "6"),
    "BG": ("20", "9"),
    "CY": ("19", "5"),
    "CZ": ("21", "12"),
    "DE": ("19", "7"),
    "DK": ("25", "0"),
    "EE": ("24", "9"),
    "ES": ("21", "10"),
    "FI": ("25.5", "14"),
    "FR": ("20", "5.5"),
    "GR": ("24", "13"),
    "HR": ("25", "5"),
    "HU": ("27", "5"),
    "IE": ("23", "13.5"),
    "IT": ("22", "10"),
    "LT": ("21", "9"),
    "LU": ("17", "8"),
    "LV": ("21", "12"),
    "MT": ("18", "7"),
    "NL": ("21", "9"),
    "PL": ("23", "8"),
    "PT": ("23", "6"),
    "RO": ("21", "11"),
    "SE": ("25", "12"),
    "SI": ("22", "9.5"),
    "SK": ("23", "19"),
}


def shipped_rates() -> dict[tuple[str, str], Decimal]:
    """(class, country) -> rate in percent, for every EU member state and shipped class."""
    rates = {}
    for country, (standard, reduced) in EU_RATES.items():
        rates[("standard", country)] = Decimal(standard)
        rates[("reduced", country)] = Decimal(reduced)
        rates[("zero", country)] = Decimal(0)
    return rates


REGIMES = ("domestic", "reverse_charge", "distance", "export", "exempt")


@dataclass(frozen=True)
class TaxDecision:
    """The regime of a sale: whose rates apply (None: none, the sale is zero-rated)."""

    regime: str
    country: str | None
    label: object  # what the price breakdown says, translatable
    vat_class: str | None = None  # a relationship's fixed class, instead of the product's


def decide(
    *,
    supplier_country: str,
    delivery_country: str,
    customer_type: str,
    valid_vat_number: bool,
    override: str | None = None,
    override_class: str | None = None,
) -> TaxDecision:
    """The tax rule that applies to a delivery (F27), with the reason the breakdown shows."""
    if override == "exempt":
        return TaxDecision("exempt", None, _l("VAT exempt"))
    fixed = override_class if override == "class" else None
    if delivery_country == supplier_country:
        return TaxDecision("domestic", supplier_country, _l("VAT"), fixed)
    in_eu = supplier_country in EU_MEMBER_STATES and delivery_country in EU_MEMBER_STATES
    if not in_eu:
        return TaxDecision("export", None, _l("Export outside the EU: no VAT"))
    if customer_type == "business" and valid_vat_number:
        return TaxDecision("reverse_charge", None, _l("VAT reverse-charged"))
    if customer_type == "business":
        label = _l("VAT of %(country)s: no valid VAT number", country=delivery_country)
    else:
        label = _l("VAT of %(country)s", country=delivery_country)
    return TaxDecision("distance", delivery_country, label, fixed)


class MissingRate(LookupError):
    """The supplier's table has no rate for a class in a country."""


def rate_for(
    decision: TaxDecision, product_class: str, rates: Mapping[tuple[str, str], Decimal]
) -> Decimal:
    """The rate in percent that a product of a VAT class carries under a decision."""
    if decision.country is None:
        return Decimal(0)
    vat_class = decision.vat_class or product_class
    try:
        return rates[(vat_class, decision.country)]
    except KeyError:
        raise MissingRate(vat_class, decision.country) from None
