"""Importing products from CSV (F24, supervisors and admins), on the one import flow
(views/imports.py)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models import product_import
from models.catalog import writing_language as language_of

from .imports import ImportKind, import_blueprint

KIND = ImportKind(
    name="product_import",
    url_prefix="/p/<int:party_id>/products/import",
    model=product_import,
    role="supervisor",
    title=_l("Import products"),
    intro=_l(
        "Upload a CSV file with one product per row. You see every row and its errors first; "
        "nothing is imported until you confirm. A row whose SKU you already use updates that "
        "product; an empty cell, or a column the file leaves out, keeps what the product has. "
        "The same file imported twice changes nothing the second time."
    ),
    hint=_l(
        "Prices like 18.50 in your currency; name_en … name_es and description_en … "
        "description_es in each language (the name in your company's language is needed for a "
        "new product); unit one of piece, box, pack, case, pallet, kg, g, l, ml, m; vat_class "
        "one of standard, reduced, zero; active yes or no; schedule by its name; sections by "
        "their names or paths (Beverages > Coffee), several separated by |, replacing the "
        "product's sections."
    ),
    back_endpoint="products.index",
    back_label=_l("All products"),
    shown=lambda party: (
        ("sku", _l("SKU")),
        (f"name_{language_of(party)}", _l("Name")),
        ("list_price", _l("List price")),
    ),
    actions={
        "create": _l("New product"),
        "update": _l("Product changes"),
        "unchanged": _l("No change"),
    },
    summary=lambda c: _(
        "New products: %(create)s, changed: %(update)s, without changes: %(unchanged)s.", **c
    ),
    done=lambda r: _(
        "Import done: %(created)s products created, %(updated)s updated, %(unchanged)s rows without changes.",
        **r,
    ),
    template_file="products-template.csv",
)

bp = import_blueprint(KIND)
