"""A supplier's VAT classes and their rates per country (F27), kept as data.

A supplier starts with the shipped classes (standard, reduced, zero) and the EU member states'
rates (models/tax.py); `ensure_vat_classes` writes them the first time the supplier needs them
(its first product), so the supplier can later adjust a rate without a release.
"""

from __future__ import annotations

from decimal import Decimal

from peewee import JOIN, CharField, DateTimeField, ForeignKeyField, IntegerField

from .base import BaseModel, utcnow
from .parties import Party
from .tax import EU_RATES, VAT_CLASS_LABELS, VAT_CLASSES


class VatClass(BaseModel):
    """One of a supplier's VAT classes: a code products name, and its rates per country."""

    supplier = ForeignKeyField(Party, backref="vat_classes", on_delete="CASCADE")
    code = CharField(max_length=24)
    name = CharField(max_length=80, default="")  # empty: the shipped class's translated name
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)

    @property
    def label(self):
        return self.name or VAT_CLASS_LABELS.get(self.code, self.code)


class VatRate(BaseModel):
    """The rate of a VAT class in one country, in basis points (2100 is 21 %)."""

    vat_class = ForeignKeyField(VatClass, backref="rates", on_delete="CASCADE")
    country = CharField(max_length=2)
    rate_bp = IntegerField()

    @property
    def rate(self) -> Decimal:
        return Decimal(self.rate_bp) / 100


def _bp(percent: str) -> int:
    return int(Decimal(percent) * 100)


def ensure_vat_classes(supplier: Party) -> list[VatClass]:
    """The supplier's VAT classes, writing the shipped ones and their EU rates the first time
    (call inside the supplier's transaction)."""
    classes = list(VatClass.select().where(VatClass.supplier == supplier).order_by(VatClass.id))
    if classes:
        return classes
    for code in VAT_CLASSES:
        row = VatClass.create(supplier=supplier, code=code)
        rates = []
        for country, (standard, reduced) in EU_RATES.items():
            percent = {"standard": standard, "reduced": reduced, "zero": "0"}[code]
            rates.append({"vat_class": row.id, "country": country, "rate_bp": _bp(percent)})
        VatRate.insert_many(rates).execute()
        classes.append(row)
    return classes


def classes_of(supplier: Party) -> list[VatClass]:
    """The supplier's VAT classes as they are (none before its first product)."""
    return list(VatClass.select().where(VatClass.supplier == supplier).order_by(VatClass.id))


def rates_of(supplier: Party, countries) -> dict[tuple[str, str], Decimal]:
    """(class code, country) -> rate in percent, for the supplier's classes in these countries
    (one query)."""
    query = (
        VatRate.select(VatClass.code, VatRate.country, VatRate.rate_bp)
        .join(VatClass)
        .where(VatClass.supplier == supplier, VatRate.country.in_(sorted(set(countries))))
    )
    return {(code, country): Decimal(bp) / 100 for code, country, bp in query.tuples()}


def class_rates(supplier: Party, country: str | None) -> tuple[dict[int, str], dict]:
    """The supplier's classes (id -> code) and their rates in one country ((code, country) ->
    percent), in one query."""
    query = (
        VatClass.select(VatClass.id, VatClass.code, VatRate.rate_bp)
        .join(
            VatRate,
            JOIN.LEFT_OUTER,
            on=((VatRate.vat_class == VatClass.id) & (VatRate.country == (country or ""))),
        )
        .where(VatClass.supplier == supplier)
    )
    classes, rates = {}, {}
    for class_id, code, rate_bp in query.tuples():
        classes[class_id] = code
        if rate_bp is not None:
            rates[(code, country)] = Decimal(rate_bp) / 100
    return classes, rates
