"""Importing customer categories' own product codes from CSV (F20, supervisors and admins), on
the one import flow (views/imports.py)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models import code_import

from .imports import ImportKind, import_blueprint

KIND = ImportKind(
    name="code_import",
    url_prefix="/p/<int:party_id>/products/codes/import",
    model=code_import,
    role="supervisor",
    title=_l("Import customer codes"),
    intro=_l(
        "Upload a CSV file with the codes your customer categories use for your products: one "
        "row per category and product. You see every row and its errors first; nothing is "
        "imported until you confirm. A row sets the category's own code and description for "
        "that product, a row with an empty own_code removes it; the same file imported twice "
        "changes nothing the second time."
    ),
    hint=_l(
        "category_code is the code of one of your customer categories, sku one of your "
        "products; an own code is unique within its category (at most 60 characters, the "
        "description at most 200)."
    ),
    back_endpoint="products.index",
    back_label=_l("All products"),
    shown=(
        ("sku", _l("SKU")),
        ("category_code", _l("Category")),
        ("own_code", _l("Customer code")),
        ("own_description", _l("Customer description")),
    ),
    actions={
        "create": _l("New code"),
        "update": _l("Code changes"),
        "remove": _l("Code removed"),
        "unchanged": _l("No change"),
    },
    summary=lambda c: _(
        "New codes: %(create)s, changed: %(update)s, removed: %(remove)s, without changes: %(unchanged)s.",
        **c,
    ),
    done=lambda r: _(
        "Import done: %(created)s codes added, %(updated)s changed, %(removed)s removed, %(unchanged)s rows without changes.",
        **r,
    ),
    template_file="customer-codes-template.csv",
)

bp = import_blueprint(KIND)
