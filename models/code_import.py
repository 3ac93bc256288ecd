"""Importing customer categories' own product codes from a CSV file (F20), on the shared import
mechanism (models/imports.py), at the scale of a million codes.

One row per category and product: the category's code, the supplier's SKU, the customer's own
code and (optionally) its own description. A row sets that code, an empty own code removes it,
a row that changes nothing is left alone -- the same file imported twice changes nothing the
second time. A code is unique per category: a code another product has in that category is
refused unless the file gives that product another code. The file is read as a stream and
written in pages of 5,000 rows, in one transaction that serialises on the supplier (any row
with an error rolls all of it back); the supplier's codes are held once as compact keys, not
as rows, so a million codes fit in a few hundred megabytes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from . import audit
from .base import BulkInsert, DomainError, db, execute_many, retrying, transaction
from .catalog import Product
from .identifiers import clean_text
from .imports import ImportBatch, Preview, Spec, batch_of, finish, refuse_failing, rows
from .parties import Party, User
from .price_lists import CategoryCode, code_search_key
from .product_codes import refresh_code_text
from .relationship_verbs import _require
from .relationships import CustomerCategory

KIND = "codes"
SPEC = Spec(
    required=("category_code", "sku", "own_code"),
    optional=("own_description",),
    max_rows=1_000_000,
    max_bytes=100 * 1024 * 1024,
)
TEMPLATE_ROWS = [
    {
        "category_code": "HORECA",
        "sku": "KOF-1001",
        "own_code": "CL-1001",
        "own_description": "Koffie huismelange 1 kg",
    }
]
PAGE = 5_000
_SHIFT = 32  # a (category, product) pair as one int: category << 32 | product

audit.register_fields(
    {
        "code_import.created": _l("Codes added"),
        "code_import.updated": _l("Codes changed"),
        "code_import.removed": _l("Codes removed"),
        "code_import.unchanged": _l("Rows without changes"),
    }
)


class _Known:
    """The supplier's categories, SKUs and codes, read once."""

    def __init__(self, supplier: Party):
        self.categories = {
            code.upper(): category_id
            for category_id, code in CustomerCategory.select(
                CustomerCategory.id, CustomerCategory.code
            )
            .where(CustomerCategory.supplier == supplier)
            .tuples()
        }
        self.skus = dict(
            Product.select(Product.sku_key, Product.id).where(Product.supplier == supplier).tuples()
        )
        self.codes: dict[int, tuple[int, str, str]] = {}  # pair -> (row id, code, description)
        self.owners: dict[str, int] = {}  # "category:code key" -> product id
        if self.categories:
            query = CategoryCode.select(
                CategoryCode.id,
                CategoryCode.category,
                CategoryCode.product,
                CategoryCode.code,
                CategoryCode.code_key,
                CategoryCode.description,
            ).where(CategoryCode.category.in_(list(self.categories.values())))
            for row_id, category_id, product_id, code, key, description in query.tuples():
                self.codes[category_id << _SHIFT | product_id] = (row_id, code, description)
                self.owners[f"{category_id}:{key}"] = product_id


def check(supplier: Party, text: str, known: _Known | None = None):
    """The file's rows, each checked (errors, and what importing it would do). A row whose code
    another product has in the database waits until the whole file is read: it is fine when
    the file gives that other product a new code."""
    known = known or _Known(supplier)
    pairs: dict[int, int] = {}  # pair -> line, in this file
    claimed: dict[str, tuple[int, int]] = {}  # "category:code key" -> (product, line)
    moved: set[int] = set()  # pairs whose code the file changes
    waiting = []
    for row in rows(text, SPEC):
        v = row.values
        category_id = known.categories.get(v.get("category_code", "").upper())
        if category_id is None:
            row.error("category_code", _l("You have no customer category with this code."))
        product_id = known.skus.get(v.get("sku", "").casefold())
        if product_id is None:
            row.error("sku", _l("You have no product with this SKU."))
        code = clean_text(v.get("own_code"), 61)
        description = clean_text(v.get("own_description"), 201)
        if len(code) > 60:
            row.error("own_code", _l("Use at most 60 characters."))
        if len(description) > 200:
            row.error("own_description", _l("Use at most 200 characters."))
        elif description and not code:
            row.error("own_code", _l("Enter the code this description belongs to."))
        row.code, row.description, row.pair, row.before = code, description, None, None
        if category_id is None or product_id is None:
            yield row
            continue
        pair = category_id << _SHIFT | product_id
        row.pair, row.before = pair, known.codes.get(pair)
        if pair in pairs:
            row.error(
                "sku",
                _l("This product is on line %(line)s too, for this category.")
                % {"line": pairs[pair]},
            )
        pairs[pair] = row.line
        before = row.before
        if before is None:
            row.action = "create" if code else "unchanged"
        elif not code:
            row.action = "remove"
        else:
            row.action = "unchanged" if (before[1], before[2]) == (code, description) else "update"
        if before is not None and code.casefold() != before[1].casefold():
            moved.add(pair)
        if not code:
            yield row
            continue
        slot = f"{category_id}:{code.casefold()[:60]}"
        other = claimed.get(slot)
        if other and other[0] != product_id:
            row.error(
                "own_code",
                _l("This code is on line %(line)s too, for this category.") % {"line": other[1]},
            )
        claimed[slot] = (product_id, row.line)
        owner = known.owners.get(slot)
        if owner is not None and owner != product_id:
            row.owner_pair = category_id << _SHIFT | owner
            waiting.append(row)
            continue
        yield row
    for row in waiting:
        if row.owner_pair not in moved:
            row.error("own_code", _l("Another product already has this code in this category."))
        yield row


def preview(supplier: Party, batch: ImportBatch) -> Preview:
    return Preview.of(check(supplier, batch.content))


class _Writer:
    """The changes, written a page at a time."""

    def __init__(self):
        mark = db.obj.param
        self.insert = BulkInsert(CategoryCode)
        self.update_sql = (
            f'UPDATE "category_code" SET "code" = {mark}, "code_key" = {mark}, '  # noqa: S608
            f'"description" = {mark}, "search_key" = {mark} WHERE "id" = {mark}'
        )
        self.delete_sql = f'DELETE FROM "category_code" WHERE "id" = {mark}'  # noqa: S608
        self.creates, self.updates, self.removes = [], [], []
        self.products: set[int] = set()

    def add(self, row) -> None:
        pair = row.pair
        self.products.add(pair & ((1 << _SHIFT) - 1))
        key = row.code.casefold()[:60]
        if row.action == "create":
            self.creates.append(
                {
                    "category": pair >> _SHIFT,
                    "product": pair & ((1 << _SHIFT) - 1),
                    "code": row.code,
                    "code_key": key,
                    "description": row.description,
                    "search_key": code_search_key(row.code, row.description),
                }
            )
        elif row.action == "update":
            search_key = code_search_key(row.code, row.description)
            self.updates.append((row.code, key, row.description, search_key, row.before[0]))
        elif row.action == "remove":
            self.removes.append((row.before[0],))
        if len(self.creates) + len(self.updates) + len(self.removes) >= PAGE:
            self.flush()

    def flush(self) -> None:
        execute_many(self.delete_sql, self.removes)
        execute_many(self.update_sql, self.updates)
        self.insert.many(self.creates)
        self.creates, self.updates, self.removes = [], [], []

    def touch_products(self) -> None:
        """A product form loaded before the import is stale now (its codes changed)."""
        mark = db.obj.param
        sql = f'UPDATE "product" SET "version" = "version" + 1 WHERE "id" = {mark}'  # noqa: S608
        execute_many(sql, [(pid,) for pid in sorted(self.products)])


@retrying
def apply(actor: User, supplier: Party, batch_id) -> dict:
    """Import a previewed file: every row checked again inside the supplier's lock and written
    a page at a time in this one transaction; when any row has an error, nothing is kept."""
    with transaction(lock=supplier):
        _require(actor, supplier, "supervisor")
        batch = batch_of(supplier, KIND, batch_id)
        if batch.status != "preview":
            raise DomainError(_l("This file is imported already."))
        counts = {"create": 0, "update": 0, "remove": 0, "unchanged": 0}
        failing = 0
        writer = _Writer()
        for row in check(supplier, batch.content):
            if row.errors:
                failing += 1
            elif not failing:
                counts[row.action] += 1
                if row.action != "unchanged":
                    writer.add(row)
        refuse_failing(failing)  # raising rolls back what was written so far
        writer.flush()
        writer.touch_products()
        refresh_code_text(writer.products)
        result = {
            "created": counts["create"],
            "updated": counts["update"],
            "removed": counts["remove"],
            "unchanged": counts["unchanged"],
        }
        finish(actor, supplier, batch, "product", "code_import", result)
    return result
