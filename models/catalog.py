"""A supplier's products (F24) and catalog sections (F19, F25).

A product has a SKU (unique per supplier whatever the case), a name and description in each of
the five languages -- shown in the reader's language, falling back to the supplier's -- a unit,
a VAT class, a list price and an optional purchase (net) price, an active flag and an optional
availability schedule (F33). Sections form a tree; a product may sit in several.
"""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from . import audit
from .base import (
    BaseModel,
    DomainError,
    NotFound,
    check_version,
    retrying,
    transaction,
    unique_message,
    utcnow,
)
from .identifiers import check_amount, clean_text, fold
from .parties import Party, User
from .relationship_verbs import _require
from .relationships import CustomerGroup, _row_id
from .schedules import DeliverySchedule
from .tax import VAT_CLASS_LABELS
from .vat_classes import VatClass, ensure_vat_classes

LANGUAGES = ("en", "nl", "de", "fr", "es")
UNITS = ("piece", "box", "pack", "case", "pallet", "kg", "g", "l", "ml", "m")
UNIT_LABELS = {
    "piece": _l("Piece"),
    "box": _l("Box"),
    "pack": _l("Pack"),
    "case": _l("Case"),
    "pallet": _l("Pallet"),
    "kg": _l("Kilogram"),
    "g": _l("Gram"),
    "l": _l("Litre"),
    "ml": _l("Millilitre"),
    "m": _l("Metre"),
}
PACKED_UNITS = frozenset({"box", "pack", "case", "pallet"})  # these say how many they hold
PACK_LABELS = {
    "box": _l("Box of %(count)s"),
    "pack": _l("Pack of %(count)s"),
    "case": _l("Case of %(count)s"),
    "pallet": _l("Pallet of %(count)s"),
}
MAX_PACK = 100_000
SKU_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")

SKU_TAKEN = _l("Another product already has this SKU.")
STALE = _l(
    "Someone else changed this product meanwhile; the saved values are shown. "
    "Save again to overwrite them."
)

audit.AREA_LABELS["product"] = _l("Products")
audit.register_fields(
    {
        "product.sku": _l("SKU"),
        "product.unit": _l("Unit"),
        "product.pack_size": _l("Pieces per pack"),
        "product.vat_class": _l("VAT class"),
        "product.list_price": _l("List price"),
        "product.purchase_price": _l("Purchase price"),
        "product.active": _l("Active"),
        "product.schedule": _l("Availability schedule"),
        **{f"product.name.{code}": _l("Name (%(language)s)", language=code) for code in LANGUAGES},
    }
)


audit.VALUE_LABELS["product.unit"] = UNIT_LABELS
audit.VALUE_LABELS["product.vat_class"] = VAT_CLASS_LABELS


class Product(BaseModel):
    """One of a supplier's products."""

    supplier = ForeignKeyField(Party, backref="products", on_delete="CASCADE")
    sku = CharField(max_length=40)
    sku_key = CharField(max_length=40)
    unit = CharField(max_length=16, default="piece")
    pack_size = IntegerField(null=True)
    vat_class = ForeignKeyField(VatClass, backref="products", on_delete="RESTRICT")
    list_price_minor = IntegerField()
    purchase_price_minor = IntegerField(null=True)
    active = BooleanField(default=True)
    schedule = ForeignKeyField(DeliverySchedule, null=True, on_delete="SET NULL", backref="+")
    sort_name = CharField(max_length=200, default="")  # the name in the supplier's language
    # what a reader of each language sorts by: the name in that language, else the supplier's
    # (sort_names(); a catalog read in English lists "Apple juice" before "Dish soap")
    sort_en = CharField(max_length=200, default="")
    sort_nl = CharField(max_length=200, default="")
    sort_de = CharField(max_length=200, default="")
    sort_fr = CharField(max_length=200, default="")
    sort_es = CharField(max_length=200, default="")
    search_text = TextField(default="")  # SKU and every name, casefolded
    # every own code and description the customer categories give it (models/product_codes.py):
    # what the search index finds a buyer's own code by; never shown, never matched on its own
    code_text = TextField(default="")
    # only in sections limited to customer groups: who sees it depends on its sections
    # (kept by models/sections.py; false means everyone who sees the catalog sees it)
    restricted = BooleanField(default=False)
    image_key = CharField(max_length=16, null=True)  # names its image (product_images.py)
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)

    def unit_label(self):
        if self.unit in PACKED_UNITS and self.pack_size:
            return PACK_LABELS[self.unit] % {"count": self.pack_size}
        return UNIT_LABELS.get(self.unit, self.unit)


unique_message(
    "product_supplier_id_sku_key", "product", ("supplier_id", "sku_key"), "sku", SKU_TAKEN
)


class ProductText(BaseModel):
    """A product's name and description in one language."""

    product = ForeignKeyField(Product, backref="texts", on_delete="CASCADE")
    language = CharField(max_length=8)
    name = CharField(max_length=200)
    description = TextField(default="")


class Section(BaseModel):
    """A catalog section; sections form a tree (Beverages › Coffee)."""

    supplier = ForeignKeyField(Party, backref="sections", on_delete="CASCADE")
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    position = IntegerField(default=0)
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "catalog_section"


class SectionText(BaseModel):
    section = ForeignKeyField(Section, backref="texts", on_delete="CASCADE")
    language = CharField(max_length=8)
    name = CharField(max_length=120)

    class Meta:
        table_name = "catalog_section_text"


class ProductSection(BaseModel):
    product = ForeignKeyField(Product, backref="section_links", on_delete="CASCADE")
    section = ForeignKeyField(Section, backref="product_links", on_delete="CASCADE")


class SectionGroup(BaseModel):
    """A section only these customer groups see (no rows: everyone sees it)."""

    section = ForeignKeyField(Section, backref="group_links", on_delete="CASCADE")
    group = ForeignKeyField(CustomerGroup, backref="+", on_delete="CASCADE")

    class Meta:
        table_name = "catalog_section_group"


# --- reading ---------------------------------------------------------------------------------


def writing_language(supplier: Party) -> str:
    """The language the supplier writes its catalog in (its names are required in it)."""
    return supplier.language if supplier.language in LANGUAGES else "en"


def reading_languages(supplier: Party, reader: str | None) -> tuple[str, str]:
    """The languages a catalog text is read in: the reader's, else the supplier's."""
    own = writing_language(supplier)
    return (reader if reader in LANGUAGES else own, own)


def product_of(supplier: Party, product_id) -> Product:
    """One of the supplier's products; NotFound for any other id."""
    found = Product.get_or_none(Product.id == _row_id(product_id), Product.supplier == supplier)
    if found is None:
        raise NotFound(_l("This product does not exist."))
    return found


SORT_KEYS = ("sort_name", *(f"sort_{code}" for code in LANGUAGES))


def sort_names(names: dict[str, str], supplier: Party) -> dict[str, str]:
    """A product's sort keys by its names ({language: name}): `sort_name` in the supplier's
    language, and `sort_<language>` for each reader (falling back to the supplier's name)."""
    own = names[writing_language(supplier)]
    keys = {f"sort_{code}": fold(names.get(code) or own)[:200] for code in LANGUAGES}
    return {"sort_name": own.casefold()[:200], **keys}


def sort_column(language: str | None):
    """The Product column a list in `language` is sorted by (sort_name for any other)."""
    return getattr(Product, f"sort_{language}") if language in LANGUAGES else Product.sort_name


def _search_text(sku: str, names: dict[str, str]) -> str:
    return fold(" ".join([sku, *[name for name in names.values() if name]]))


# --- writing ---------------------------------------------------------------------------------


def _sku(value) -> str:
    sku = clean_text(value, 41)
    if not sku:
        raise DomainError(_l("Enter the product's SKU."), "sku")
    if len(sku) > 40:
        raise DomainError(_l("Use at most 40 characters."), "sku")
    if not SKU_PATTERN.match(sku):
        raise DomainError(
            _l("Use letters, digits and . _ / - only, starting with a letter or digit."), "sku"
        )
    return sku


def _decimal(value):
    """Whole numbers from code (the demo, the CLI) as Decimal; forms hand Decimal already."""
    return Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _values(supplier: Party, values: dict) -> dict:
    """The product's fields as stored, each refused with its field's message."""
    currency = supplier.currency
    cleaned: dict = {"sku": _sku(values.get("sku"))}
    names = {code: clean_text(values.get(f"name_{code}"), 200) for code in LANGUAGES}
    own = writing_language(supplier)
    if not names[own]:
        raise DomainError(_l("Enter the name in your company's language."), f"name_{own}")
    cleaned["names"] = names
    cleaned["descriptions"] = {
        code: (values.get(f"description_{code}") or "").strip()[:5000] for code in LANGUAGES
    }
    unit = values.get("unit") or "piece"
    if unit not in UNITS:
        raise DomainError(_l("Choose one of the units."), "unit")
    cleaned["unit"] = unit
    pack = values.get("pack_size")
    if unit in PACKED_UNITS and pack not in (None, ""):
        try:
            pack = int(pack)
        except (TypeError, ValueError):
            raise DomainError(_l("Enter a whole number."), "pack_size") from None
        if not 1 <= pack <= MAX_PACK:
            raise DomainError(_l("Enter between 1 and %(max)s."), "pack_size", max=MAX_PACK)
        cleaned["pack_size"] = pack
    else:
        cleaned["pack_size"] = None
    price = _decimal(values.get("list_price"))
    if price is None:
        raise DomainError(_l("Enter the list price."), "list_price")
    cleaned["list_price_minor"] = check_amount(price, currency, "list_price")
    cleaned["purchase_price_minor"] = check_amount(
        _decimal(values.get("purchase_price")), currency, "purchase_price"
    )
    cleaned["active"] = bool(values.get("active", True))
    cleaned["vat_class_id"] = values.get("vat_class_id")
    cleaned["schedule_id"] = values.get("schedule_id")
    return cleaned


def _own_vat_class(supplier: Party, class_id) -> VatClass:
    classes = ensure_vat_classes(supplier)
    if class_id in (None, ""):
        return next((c for c in classes if c.code == "standard"), classes[0])
    wanted = _row_id(class_id)
    for vat_class in classes:
        if vat_class.id == wanted:
            return vat_class
    raise DomainError(_l("Choose one of your VAT classes."), "vat_class")


def _own_schedule(supplier: Party, schedule_id) -> DeliverySchedule | None:
    if schedule_id in (None, "", 0, "0"):
        return None
    found = DeliverySchedule.get_or_none(
        DeliverySchedule.id == _row_id(schedule_id), DeliverySchedule.party == supplier
    )
    if found is None:
        raise DomainError(_l("Choose one of your delivery schedules."), "schedule")
    return found


def _snapshot(product: Product, names: dict[str, str]) -> dict:
    currency = product.supplier.currency
    return {
        "product.sku": product.sku,
        "product.unit": product.unit,
        "product.pack_size": product.pack_size,
        "product.vat_class": product.vat_class.name or product.vat_class.code,
        "product.list_price": audit.money(product.list_price_minor, currency),
        "product.purchase_price": audit.money(product.purchase_price_minor, currency),
        "product.active": product.active,
        "product.schedule": product.schedule.name if product.schedule_id else None,
        **{f"product.name.{code}": names.get(code) or None for code in LANGUAGES},
    }


def _names_of(product: Product) -> dict[str, str]:
    return {text.language: text.name for text in product.texts}


def _write_texts(product: Product, cleaned: dict) -> None:
    ProductText.delete().where(ProductText.product == product).execute()
    rows = [
        {
            "product": product.id,
            "language": code,
            "name": cleaned["names"][code],
            "description": cleaned["descriptions"][code],
        }
        for code in LANGUAGES
        if cleaned["names"][code]
    ]
    if rows:
        ProductText.insert_many(rows).execute()


def _apply(supplier: Party, product: Product, cleaned: dict) -> None:
    product.sku = cleaned["sku"]
    product.sku_key = cleaned["sku"].casefold()
    product.unit = cleaned["unit"]
    product.pack_size = cleaned["pack_size"]
    product.vat_class = _own_vat_class(supplier, cleaned["vat_class_id"])
    product.schedule = _own_schedule(supplier, cleaned["schedule_id"])
    product.list_price_minor = cleaned["list_price_minor"]
    product.purchase_price_minor = cleaned["purchase_price_minor"]
    product.active = cleaned["active"]
    for column, key in sort_names(cleaned["names"], supplier).items():
        setattr(product, column, key)
    product.search_text = _search_text(cleaned["sku"], cleaned["names"])


def _sku_taken(supplier: Party, sku: str, own_id=None) -> None:
    query = Product.select().where(Product.supplier == supplier, Product.sku_key == sku.casefold())
    if own_id is not None:
        query = query.where(Product.id != own_id)
    if query.exists():
        raise DomainError(SKU_TAKEN, "sku")


@retrying
def create_product(actor: User, supplier: Party, **values) -> Product:
    """A new product (the supplier's supervisors and admins)."""
    cleaned = _values(supplier, values)
    with transaction(lock=supplier):
        _require(actor, supplier, "supervisor")
        _sku_taken(supplier, cleaned["sku"])
        product = Product(supplier=supplier)
        _apply(supplier, product, cleaned)
        product.save()
        _write_texts(product, cleaned)
        changes = audit.diff({}, _snapshot(product, cleaned["names"]))
        audit.record(actor, supplier, "product", "create", product.sku, changes)
    return product


@retrying
def update_product(actor: User, supplier: Party, product_id, version, **values) -> Product:
    """Change a product; a form loaded before someone else's save is refused (StaleForm)."""
    cleaned = _values(supplier, values)
    with transaction(lock=supplier):
        _require(actor, supplier, "supervisor")
        product = product_of(supplier, product_id)
        check_version(product, version, STALE)
        _sku_taken(supplier, cleaned["sku"], product.id)
        before = _snapshot(product, _names_of(product))
        old_texts = {t.language: (t.name, t.description) for t in product.texts}
        _apply(supplier, product, cleaned)
        after = _snapshot(product, cleaned["names"])
        new_texts = {
            code: (cleaned["names"][code], cleaned["descriptions"][code])
            for code in LANGUAGES
            if cleaned["names"][code]
        }
        changes = audit.diff(before, after)
        if changes or old_texts != new_texts:
            product.version += 1
            product.save()
            _write_texts(product, cleaned)
            audit.record(actor, supplier, "product", "update", product.sku, changes)
    return product
