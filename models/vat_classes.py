"""A supplier's VAT classes and their rates per country (F27), kept as data.

A supplier starts with the shipped classes (standard, reduced, zero) and the EU member states'
rates (models/tax.py); `ensure_vat_classes` writes them the first time the supplier needs them
(its first product), so the supplier can later adjust a rate without a release.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from peewee import JOIN, CharField, DateTimeField, ForeignKeyField, IntegerField

from . import audit
from .base import (
    BaseModel,
    DomainError,
    NotFound,
    StaleForm,
    check_version,
    retrying,
    transaction,
    unique_message,
    utcnow,
)
from .identifiers import clean_text
from .parties import Party, User
from .prepared import prepared
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


@prepared
def _class_rates(supplier_id: int, country: str):
    return (
        VatClass.select(VatClass.id, VatClass.code, VatRate.rate_bp)
        .join(
            VatRate,
            JOIN.LEFT_OUTER,
            on=((VatRate.vat_class == VatClass.id) & (VatRate.country == country)),
        )
        .where(VatClass.supplier == supplier_id)
    )


def class_rates(supplier: Party, country: str | None) -> tuple[dict[int, str], dict]:
    """The supplier's classes (id -> code) and their rates in one country ((code, country) ->
    percent), in one query."""
    classes, rates = {}, {}
    for class_id, code, rate_bp in _class_rates.rows(supplier.id, country or ""):
        classes[class_id] = code
        if rate_bp is not None:
            rates[(code, country)] = Decimal(rate_bp) / 100
    return classes, rates


# --- the supplier adjusts its rates ----------------------------------------------------------

RATE_STALE = _l(
    "Someone else changed the VAT rates meanwhile; the saved rates are shown. "
    "Enter your changes again."
)
audit.AREA_LABELS["vat"] = _l("VAT rates")
audit.register_fields({"vat.rate": _l("VAT rate")})


def rate_countries(supplier: Party) -> list[str]:
    """The countries whose rates a supplier keeps: the EU member states and its own."""
    return sorted(set(EU_RATES) | ({supplier.country} if supplier.country else set()))


def rate_table(supplier: Party) -> tuple[list, dict[tuple[str, str], Decimal], str]:
    """The classes (as they are, or the shipped ones before the first product), their rates
    ((class code, country) -> percent) and the version the form carries (one query each)."""
    classes = classes_of(supplier)
    if not classes:
        shipped = {}
        for country, (standard, reduced) in EU_RATES.items():
            for code, percent in (("standard", standard), ("reduced", reduced), ("zero", "0")):
                shipped[(code, country)] = Decimal(percent)
        return [VatClass(code=code) for code in VAT_CLASSES], shipped, ""
    rows = VatRate.select(VatRate.vat_class, VatRate.country, VatRate.rate_bp).where(
        VatRate.vat_class.in_([c.id for c in classes])
    )
    codes = {c.id: c.code for c in classes}
    rates = {(codes[cid], country): Decimal(bp) / 100 for cid, country, bp in rows.tuples()}
    return classes, rates, _version(classes)


def _version(classes) -> str:
    return ",".join(f"{c.id}:{c.version}" for c in classes)


def parse_rate(text: str, field: str) -> int | None:
    """A rate typed as 21, 5.5 or 5,5 (percent) as basis points; empty is no rate."""
    text = (text or "").strip().replace(",", ".").removesuffix("%").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise DomainError(_l("Write a rate in percent, like 21 or 5.5."), field)
    if not 0 <= value <= 100:
        raise DomainError(_l("A rate lies between 0 and 100 %."), field)
    if value.as_tuple().exponent < -2:
        raise DomainError(_l("Use at most two decimals."), field)
    return int(value * 100)


@retrying
def update_rates(actor: User, supplier: Party, version, typed: dict[tuple[str, str], str]):
    """Save the supplier's rates: typed maps (class code, country) -> the text of the form's
    field ("" removes the rate: products of that class are then priced on request there).
    Admins only; a form loaded before another save is refused (StaleForm)."""
    countries = set(rate_countries(supplier))
    cleaned = {}
    for (code, country), text in typed.items():
        if country not in countries:
            continue  # not a field of this form
        cleaned[(code, country)] = parse_rate(text, f"rate-{code}-{country}")
    from .relationship_verbs import _require  # it imports the catalog, which imports this

    with transaction(lock=supplier):
        _require(actor, supplier, "admin")
        existing = classes_of(supplier)
        if existing and str(version or "") != _version(existing):
            raise StaleForm(RATE_STALE)
        if not existing and version:
            raise StaleForm(RATE_STALE)
        classes = {c.code: c for c in ensure_vat_classes(supplier)}
        saved = {
            (row.vat_class_id, row.country): row
            for row in VatRate.select().where(
                VatRate.vat_class.in_([c.id for c in classes.values()])
            )
        }
        changes, touched = [], set()
        for (code, country), bp in sorted(cleaned.items()):
            vat_class = classes.get(code)
            if vat_class is None:
                continue
            row = saved.get((vat_class.id, country))
            before = row.rate_bp if row else None
            if before == bp:
                continue
            if bp is None:
                row.delete_instance()
            elif row is None:
                VatRate.create(vat_class=vat_class, country=country, rate_bp=bp)
            else:
                row.rate_bp = bp
                row.save()
            touched.add(vat_class.id)
            changes.append(
                {
                    "field": "vat.rate",
                    "old": None
                    if before is None
                    else f"{vat_class.label} {country}: {Decimal(before) / 100} %",
                    "new": None
                    if bp is None
                    else f"{vat_class.label} {country}: {Decimal(bp) / 100} %",
                }
            )
        if touched:
            VatClass.update(version=VatClass.version + 1).where(
                VatClass.id.in_(sorted(touched))
            ).execute()
            audit.record(actor, supplier, "vat", "update", "", changes)
    return len(changes)


# --- the supplier adds and renames its classes -----------------------------------------------

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,23}$")
CODE_TAKEN = _l("Another VAT class already has this code.")
CLASS_STALE = _l(
    "Someone else changed this VAT class meanwhile; its saved name is shown. Save again to "
    "overwrite it."
)
audit.register_fields({"vat.class_name": _l("VAT class"), "vat.class_code": _l("Code")})
unique_message(
    "vatclass_supplier_id_code", "vat_class", ("supplier_id", "code"), "code", CODE_TAKEN
)


def _class_name(value, required: bool) -> str:
    name = clean_text(value, 81)
    if len(name) > 80:
        raise DomainError(_l("Use at most 80 characters."), "name")
    if required and not name:
        raise DomainError(_l("Enter a name."), "name")
    return name


@retrying
def add_vat_class(actor: User, supplier: Party, *, code, name) -> VatClass:
    """A VAT class of the supplier's own (admins), e.g. a super-reduced or a parking rate: its
    code (what a product import names) and its name; its rates go in the rate table."""
    code = (code or "").strip().casefold()
    if not CODE_PATTERN.match(code):
        raise DomainError(
            _l("Use a lower-case letter, then letters, digits or _ (at most 24)."), "code"
        )
    name = _class_name(name, required=True)
    from .relationship_verbs import _require  # it imports the catalog, which imports this

    with transaction(lock=supplier):
        _require(actor, supplier, "admin")
        existing = {c.code for c in ensure_vat_classes(supplier)}
        if code in existing:
            raise DomainError(CODE_TAKEN, "code")
        row = VatClass.create(supplier=supplier, code=code, name=name)
        changes = [
            {"field": "vat.class_code", "old": None, "new": code},
            {"field": "vat.class_name", "old": None, "new": name},
        ]
        audit.record(actor, supplier, "vat", "create", name, changes)
    return row


@retrying
def rename_vat_class(actor: User, supplier: Party, class_id, version, *, name) -> VatClass:
    """Rename a class (admins); an empty name gives a shipped class its translated name back
    (a class of the supplier's own needs one). A form loaded before another save is stale."""
    from .relationship_verbs import _require
    from .relationships import _row_id

    with transaction(lock=supplier):
        _require(actor, supplier, "admin")
        row = VatClass.get_or_none(VatClass.id == _row_id(class_id), VatClass.supplier == supplier)
        if row is None:
            raise NotFound(_l("This VAT class does not exist."))
        check_version(row, version, CLASS_STALE)
        name = _class_name(name, required=row.code not in VAT_CLASSES)
        if name != row.name:
            change = {"field": "vat.class_name", "old": str(row.label), "new": name or None}
            row.name, row.version = name, row.version + 1
            row.save()
            audit.record(actor, supplier, "vat", "update", str(row.label), [change])
    return row
