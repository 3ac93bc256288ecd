"""Customer categories' own product codes (F20): per category and product, the customer's own
article number and description. Buyers of a client in that category see their code beside the
supplier's SKU and find products by typing it (or words of their own description)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from peewee import fn

from . import audit
from .base import DomainError, check_version, is_sqlite, retrying, transaction
from .catalog import STALE, Product, product_of
from .identifiers import clean_text
from .parties import Party, User
from .price_lists import CategoryCode, code_search_key
from .relationship_verbs import _require
from .relationships import CustomerCategory

CODE_TAKEN = _l("Another product already has this code in this category.")

audit.register_fields(
    {
        "product.category_code": _l("Customer code"),
        "product.category_description": _l("Customer description"),
    }
)


def categories_of(supplier: Party) -> list[CustomerCategory]:
    return list(
        CustomerCategory.select()
        .where(CustomerCategory.supplier == supplier)
        .order_by(CustomerCategory.name, CustomerCategory.id)
    )


def codes_of_product(product: Product) -> dict[int, CategoryCode]:
    """category id -> the product's code in that category."""
    return {
        row.category_id: row for row in CategoryCode.select().where(CategoryCode.product == product)
    }


def refresh_code_text(product_ids=None, supplier: Party | None = None) -> None:
    """product.code_text from the products' own codes and descriptions (in every category),
    for these products or all of the supplier's: what the search index finds a buyer's own
    code by. Call after the codes changed, in that transaction."""
    together = fn.GROUP_CONCAT if is_sqlite() else fn.STRING_AGG
    codes = CategoryCode.select(together(CategoryCode.search_key, " ")).where(
        CategoryCode.product == Product.id
    )
    update = Product.update(code_text=fn.COALESCE(codes, ""))
    if supplier is not None:
        update.where(Product.supplier == supplier).execute()
        return
    ids = sorted(set(product_ids or ()))
    for start in range(0, len(ids), 500):
        update.where(Product.id.in_(ids[start : start + 500])).execute()


@retrying
def set_category_codes(
    actor: User, supplier: Party, product_id, codes: dict, version=None
) -> Product:
    """Set the product's own code and description per customer category; an empty code removes
    it. `codes` maps category id -> (code, description). Codes are unique per category. A form
    loaded before another save of the product is refused (StaleForm)."""
    cleaned = {}
    for category_id, (code, description) in codes.items():
        code = clean_text(code, 61)
        if len(code) > 60:
            raise DomainError(_l("Use at most 60 characters."), f"code_{category_id}")
        description = clean_text(description, 200)
        if description and not code:
            raise DomainError(
                _l("Enter the code this description belongs to."), f"code_{category_id}"
            )
        cleaned[int(category_id)] = (code, description)
    with transaction(lock=supplier):
        _require(actor, supplier, "supervisor")
        product = product_of(supplier, product_id)
        check_version(product, version, STALE)
        changed = False
        own = {c.id: c for c in categories_of(supplier)}
        existing = codes_of_product(product)
        for category_id, (code, description) in cleaned.items():
            if category_id not in own:
                raise DomainError(
                    _l("Choose one of your customer categories."), f"code_{category_id}"
                )
            row = existing.get(category_id)
            before = (row.code, row.description) if row else ("", "")
            if before == (code, description):
                continue
            changed = True
            if code:
                taken = CategoryCode.select().where(
                    CategoryCode.category == category_id,
                    CategoryCode.code_key == code.casefold()[:60],
                    CategoryCode.product != product,
                )
                if taken.exists():
                    raise DomainError(CODE_TAKEN, f"code_{category_id}")
            if row and not code:
                row.delete_instance()
            elif row:
                row.code, row.code_key, row.description = code, code.casefold()[:60], description
                row.search_key = code_search_key(code, description)
                row.save()
            else:
                CategoryCode.create(
                    category=category_id,
                    product=product,
                    code=code,
                    code_key=code.casefold()[:60],
                    description=description,
                    search_key=code_search_key(code, description),
                )
            changes = audit.diff(
                {"product.category_code": before[0], "product.category_description": before[1]},
                {"product.category_code": code, "product.category_description": description},
            )
            audit.record(
                actor,
                supplier,
                "product",
                "update",
                f"{product.sku} · {own[category_id].name}",
                changes,
            )
        if changed:
            product.version += 1
            product.save(only=[Product.version])
            refresh_code_text([product.id])
    return product
