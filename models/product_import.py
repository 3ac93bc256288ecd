"""Importing products from a CSV file (F24), on the shared import mechanism (models/imports.py).

One row per product, matched by its SKU (whatever the case): a new SKU creates the product, a
known one updates it, and a row that changes nothing is left alone -- so importing the same
file twice changes nothing the second time. An empty cell, or a column the file does not have,
keeps what the product has (a file of SKUs and prices only changes prices). The whole file is
applied in one transaction that serialises on the supplier, after checking every row again;
one audit entry records the import with its counts. 100,000 rows import in seconds: the rows
are checked against the supplier's products read once, and written with one statement per
kind of change (models/base.py execute_many)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from . import audit
from .base import BulkInsert, DomainError, db, execute_many, retrying, transaction, utcnow
from .catalog import (
    LANGUAGES,
    MAX_PACK,
    PACKED_UNITS,
    SORT_KEYS,
    UNITS,
    Product,
    ProductSection,
    ProductText,
    _search_text,
    _sku,
    sort_names,
    writing_language,
)
from .identifiers import check_amount, clean_text
from .imports import ImportBatch, Preview, Row, Spec, amount, batch_of, finish, refuse_failing, rows
from .parties import Party, User
from .relationship_verbs import _require
from .schedules import DeliverySchedule
from .sections import mark_restricted, section_tree
from .tax import VAT_CLASSES
from .vat_classes import VatClass, ensure_vat_classes

KIND = "products"
NAMES = tuple(f"name_{code}" for code in LANGUAGES)
DESCRIPTIONS = tuple(f"description_{code}" for code in LANGUAGES)
SPEC = Spec(
    required=("sku", "list_price"),
    optional=(
        *NAMES,
        *DESCRIPTIONS,
        "unit",
        "pack_size",
        "vat_class",
        "purchase_price",
        "active",
        "schedule",
        "sections",
    ),
    max_rows=200_000,
    max_bytes=64 * 1024 * 1024,
)
TEMPLATE_ROWS = [
    {
        "sku": "KOF-1001",
        "list_price": "18.50",
        "name_en": "Coffee beans, house blend",
        "name_nl": "Koffiebonen, huismelange",
        "name_de": "Kaffeebohnen, Hausmischung",
        "name_fr": "Café en grains, mélange maison",
        "name_es": "Café en grano, mezcla de la casa",
        "description_en": "Arabica and robusta, medium roast.",
        "unit": "kg",
        "pack_size": "",
        "vat_class": "reduced",
        "purchase_price": "11.20",
        "active": "yes",
        "schedule": "",
    }
]
_YES = {"yes", "y", "true", "1", "ja", "j", "oui", "si", "sí"}
_NO = {"no", "n", "false", "0", "nee", "nein", "non"}
_FIELDS = (
    "unit",
    "pack_size",
    "vat_code",
    "list_price_minor",
    "purchase_price_minor",
    "active",
    "schedule_id",
)

audit.register_fields(
    {
        "product_import.created": _l("Products created"),
        "product_import.updated": _l("Products updated"),
        "product_import.unchanged": _l("Rows without changes"),
    }
)


_AMBIGUOUS = -1  # a section name that more than one section has


def _section_key(text: str) -> str:
    """How a section is written in the file, compared: its path's names ("Beverages > Coffee",
    "›" too) without case or spaces around them."""
    parts = text.replace("›", ">").split(">")
    return ">".join(part.strip().casefold() for part in parts)


def _section_keys(supplier: Party) -> dict[str, int]:
    """Each of the supplier's sections by its path, in any of the languages it is named in
    (a missing name read in the supplier's language), and by its name alone; a path or name
    that two sections share is _AMBIGUOUS."""
    keys: dict[str, int] = {}

    def put(key: str, section_id: int) -> None:
        keys[key] = section_id if keys.get(key, section_id) == section_id else _AMBIGUOUS

    for language in LANGUAGES:
        nodes = section_tree(supplier, language)
        by_id = {node.id: node for node in nodes}
        for node in nodes:
            path, step = [], node
            while step is not None:
                path.append(step.name)
                step = by_id.get(step.parent_id)
            put(_section_key(" > ".join(reversed(path))), node.id)
            if node.parent_id is not None:
                put(_section_key(node.name), node.id)
    return keys


class _Known:
    """The supplier's products as the check needs them, read once: SKU key -> (id, state),
    product id -> {language: (name, description)}, the sections by name."""

    def __init__(self, supplier: Party):
        codes = dict(
            VatClass.select(VatClass.id, VatClass.code)
            .where(VatClass.supplier == supplier)
            .tuples()
        )
        self.vat_codes = set(codes.values()) or set(VAT_CLASSES)
        self.schedules = {
            name.casefold(): schedule_id
            for schedule_id, name in DeliverySchedule.select(
                DeliverySchedule.id, DeliverySchedule.name
            )
            .where(DeliverySchedule.party == supplier)
            .tuples()
        }
        self.sections = _section_keys(supplier)
        in_sections: dict[int, set[int]] = {}
        for product_id, section_id in (
            ProductSection.select(ProductSection.product, ProductSection.section)
            .join(Product)
            .where(Product.supplier == supplier)
            .tuples()
        ):
            in_sections.setdefault(product_id, set()).add(section_id)
        self.products: dict[str, tuple[int, dict]] = {}
        query = Product.select(
            Product.id,
            Product.sku_key,
            Product.unit,
            Product.pack_size,
            Product.vat_class,
            Product.list_price_minor,
            Product.purchase_price_minor,
            Product.active,
            Product.schedule,
        ).where(Product.supplier == supplier)
        for pid, key, unit, pack, vat_id, price, purchase, active, schedule_id in query.tuples():
            self.products[key] = (
                pid,
                {
                    "unit": unit,
                    "pack_size": pack,
                    "vat_code": codes.get(vat_id),
                    "list_price_minor": price,
                    "purchase_price_minor": purchase,
                    "active": bool(active),
                    "schedule_id": schedule_id,
                    "sections": frozenset(in_sections.get(pid, ())),
                },
            )
        self.texts: dict[int, dict[str, tuple[str, str]]] = {}
        if self.products:
            texts = (
                ProductText.select(
                    ProductText.product,
                    ProductText.language,
                    ProductText.name,
                    ProductText.description,
                )
                .join(Product)
                .where(Product.supplier == supplier)
                .tuples()
            )
            for pid, language, name, description in texts:
                self.texts.setdefault(pid, {})[language] = (name, description)


def _check(row: Row, supplier: Party, known: _Known, seen: dict) -> None:
    v, currency = row.values, supplier.currency
    try:
        sku = _sku(v.get("sku"))
    except DomainError as refusal:
        row.error("sku", refusal)
        sku = ""
    key = sku.casefold()
    if key and key in seen:
        row.error("sku", _l("This SKU is on line %(line)s too.") % {"line": seen[key]})
    elif key:
        seen[key] = row.line
    pid, before = known.products.get(key, (None, None))
    state = (
        dict(before)
        if before
        else {
            "unit": "piece",
            "pack_size": None,
            "vat_code": "standard" if "standard" in known.vat_codes else min(known.vat_codes),
            "list_price_minor": None,
            "purchase_price_minor": None,
            "active": True,
            "schedule_id": None,
            "sections": frozenset(),
        }
    )
    for column, name in (
        ("list_price", "list_price_minor"),
        ("purchase_price", "purchase_price_minor"),
    ):
        text = v.get(column, "")
        if text:
            try:
                state[name] = check_amount(amount(text), currency, column)
            except DomainError as refusal:
                row.error(column, refusal)
    if state["list_price_minor"] is None and not row.errors_in("list_price"):
        row.error("list_price", _l("Enter the list price."))
    unit = v.get("unit", "").lower()
    if unit:
        if unit in UNITS:
            state["unit"] = unit
        else:
            row.error("unit", _l("Use one of: %(choices)s."), choices=", ".join(UNITS))
    pack = v.get("pack_size", "")
    if pack:
        if not pack.isdigit() or not 1 <= int(pack) <= MAX_PACK:
            row.error("pack_size", _l("Enter between 1 and %(max)s."), max=MAX_PACK)
        else:
            state["pack_size"] = int(pack)
    if state["unit"] not in PACKED_UNITS:
        state["pack_size"] = None
    vat = v.get("vat_class", "").lower()
    if vat:
        if vat in known.vat_codes:
            state["vat_code"] = vat
        else:
            row.error(
                "vat_class",
                _l("Use one of: %(choices)s."),
                choices=", ".join(sorted(known.vat_codes)),
            )
    active = v.get("active", "").lower()
    if active:
        if active in _YES or active in _NO:
            state["active"] = active in _YES
        else:
            row.error("active", _l("Write yes or no."))
    schedule = v.get("schedule", "")
    if schedule:
        found = known.schedules.get(schedule.casefold())
        if found is None:
            row.error("schedule", _l("You have no delivery schedule with this name."))
        else:
            state["schedule_id"] = found
    sections = v.get("sections", "")
    if sections:
        wanted = set()
        for written in sections.split("|"):
            if not written.strip():
                continue
            found = known.sections.get(_section_key(written))
            if found is None:
                row.error("sections", _l("You have no section “%(name)s”."), name=written.strip())
            elif found == _AMBIGUOUS:
                row.error(
                    "sections",
                    _l(
                        "More than one section is called “%(name)s”: write its path, e.g. %(path)s."
                    ),
                    name=written.strip(),
                    path="Beverages > Coffee",
                )
            else:
                wanted.add(found)
        state["sections"] = frozenset(wanted)
    texts = dict(known.texts.get(pid, {})) if pid else {}
    for code in LANGUAGES:
        name = clean_text(v.get(f"name_{code}"), 201)
        description = (v.get(f"description_{code}") or "").strip()
        if len(name) > 200:
            row.error(f"name_{code}", _l("Use at most 200 characters."))
            continue
        if len(description) > 5000:
            row.error(f"description_{code}", _l("Use at most 5,000 characters."))
            continue
        old_name, old_description = texts.get(code, ("", ""))
        if name or description:
            if not (name or old_name):
                row.error(f"name_{code}", _l("Enter the name this description belongs to."))
                continue
            texts[code] = (name or old_name, description or old_description)
    own = writing_language(supplier)
    if own not in texts and not row.errors_in(f"name_{own}"):
        row.error(f"name_{own}", _l("Enter the name in your company's language."))
    row.sku, row.product_id, row.state, row.texts = sku, pid, state, texts
    row.before_sections = before["sections"] if before else frozenset()
    if pid is None:
        row.action = "create"
    elif state == before and texts == known.texts.get(pid, {}):
        row.action = "unchanged"
    else:
        row.action = "update"


def check(supplier: Party, text: str, known: _Known | None = None):
    """The file's rows, each checked (errors, and what importing it would do), one at a time."""
    known = known or _Known(supplier)
    seen: dict[str, int] = {}
    for row in rows(text, SPEC):
        _check(row, supplier, known, seen)
        yield row


def preview(supplier: Party, batch: ImportBatch) -> Preview:
    return Preview.of(check(supplier, batch.content))


def _product_values(supplier: Party, row: Row, vat_ids: dict, now) -> dict:
    names = {code: name for code, (name, _description) in row.texts.items()}
    state = row.state
    return {
        "supplier": supplier.id,
        "sku": row.sku,
        "sku_key": row.sku.casefold(),
        "unit": state["unit"],
        "pack_size": state["pack_size"],
        "vat_class": vat_ids[state["vat_code"]],
        "list_price_minor": state["list_price_minor"],
        "purchase_price_minor": state["purchase_price_minor"],
        "active": state["active"],
        "schedule": state["schedule_id"],
        **sort_names(names, supplier),
        "search_text": _search_text(row.sku, names),
        "created_at": now,
    }


_UPDATED = (
    "sku",
    "unit",
    "pack_size",
    "vat_class",
    "list_price_minor",
    "purchase_price_minor",
    "active",
    "schedule",
    *SORT_KEYS,
    "search_text",
)


def _write_sections(supplier: Party, created: list, updated: list, checked: list) -> None:
    """The sections of the rows whose sections change; then which products only some groups
    see (models/sections.py)."""
    before = {row.product_id: row.before_sections for row in checked if row.action == "update"}
    moved = [row for row in created if row.state["sections"]] + [
        row for row in updated if row.state["sections"] != before[row.product_id]
    ]
    if not moved:
        return
    ids = [row.product_id for row in moved]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        ProductSection.delete().where(ProductSection.product.in_(chunk)).execute()
    BulkInsert(ProductSection).many(
        [
            {"product": row.product_id, "section": section_id}
            for row in moved
            for section_id in sorted(row.state["sections"])
        ]
    )
    mark_restricted(supplier, ids if len(ids) <= 500 else None)


@retrying
def apply(actor: User, supplier: Party, batch_id) -> dict:
    """Import a previewed file: every row checked again inside the supplier's lock, then all
    written in this one transaction, or nothing when any row has an error."""
    with transaction(lock=supplier):
        _require(actor, supplier, "supervisor")
        batch = batch_of(supplier, KIND, batch_id)
        if batch.status != "preview":
            raise DomainError(_l("This file is imported already."))
        vat_ids = {c.code: c.id for c in ensure_vat_classes(supplier)}
        checked = list(check(supplier, batch.content))
        failing = sum(1 for row in checked if row.errors)
        refuse_failing(failing)
        now = utcnow()
        created = [row for row in checked if row.action == "create"]
        updated = [row for row in checked if row.action == "update"]
        BulkInsert(Product).many([_product_values(supplier, row, vat_ids, now) for row in created])
        if created:
            ids = dict(
                Product.select(Product.sku_key, Product.id)
                .where(Product.supplier == supplier)
                .tuples()
            )
            for row in created:
                row.product_id = ids[row.sku.casefold()]
        mark = db.obj.param
        columns = ", ".join(f'"{Product._meta.fields[n].column_name}" = {mark}' for n in _UPDATED)
        sql = f'UPDATE "product" SET {columns}, "version" = "version" + 1 WHERE "id" = {mark}'  # noqa: S608
        params = []
        for row in updated:
            values = _product_values(supplier, row, vat_ids, now)
            params.append(
                [Product._meta.fields[n].db_value(values[n]) for n in _UPDATED] + [row.product_id]
            )
        execute_many(sql, params)
        for start in range(0, len(updated), 500):
            chunk = [row.product_id for row in updated[start : start + 500]]
            ProductText.delete().where(ProductText.product.in_(chunk)).execute()
        BulkInsert(ProductText).many(
            [
                {"product": row.product_id, "language": code, "name": name, "description": text}
                for row in created + updated
                for code, (name, text) in row.texts.items()
            ]
        )
        _write_sections(supplier, created, updated, checked)
        result = {
            "created": len(created),
            "updated": len(updated),
            "unchanged": len(checked) - len(created) - len(updated),
        }
        finish(actor, supplier, batch, "product", "product_import", result)
    return result
