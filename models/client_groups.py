"""Customer groups (F19) and customer categories (F20) of a supplier: name and code (unique
per supplier, whatever the case); a group also has a discount and an announcement its buyers
see. The supplier's admins keep them; a group or category with clients in it cannot be deleted
(the count says how many to move first). Price lists and product codes attach to them with the
catalog."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from peewee import SQL, fn

from . import audit
from .base import DomainError, NotFound, check_version, retrying, transaction
from .identifiers import clean_text
from .parties import Party, User
from .prepared import prepared
from .relationships import (
    CATEGORY_CODE_TAKEN,
    GROUP_CODE_TAKEN,
    CustomerCategory,
    CustomerGroup,
    Relationship,
    _row_id,
    percent,
)

from .relationship_verbs import _discount_bp, _require  # isort: skip -- after relationships

audit.register_fields(
    {
        "group.name": _l("Name"),
        "group.code": _l("Code"),
        "group.discount": _l("Group discount %"),
        "group.announcement": _l("Announcement"),
        "group.price_list": _l("Price list"),
        "group.free_delivery": _l("Free delivery"),
        "category.name": _l("Name"),
        "category.code": _l("Code"),
    }
)

STALE = _l(
    "Someone else changed this meanwhile; the saved values are shown. Save again to overwrite them."
)
KINDS = {"group": CustomerGroup, "category": CustomerCategory}
AREAS = {"group": "customer_group", "category": "customer_category"}


def _model(kind: str):
    if kind not in KINDS:
        raise ValueError(kind)
    return KINDS[kind]


def groups_of(supplier: Party, kind: str) -> list:
    """The supplier's groups (or categories) by name, each with `clients`: how many are in it."""
    model = _model(kind)
    column = Relationship.group if kind == "group" else Relationship.category
    counts = (
        Relationship.select(column.alias("owner"), fn.COUNT(SQL("*")).alias("n"))
        .where(Relationship.supplier == supplier, column.is_null(False))
        .group_by(column)
    )
    by_id = {row.owner: row.n for row in counts.namedtuples()}
    rows = list(model.select().where(model.supplier == supplier).order_by(model.name, model.id))
    for row in rows:
        row.clients = by_id.get(row.id, 0)
    return rows


def group_of(supplier: Party, kind: str, group_id):
    """One of the supplier's groups or categories; NotFound for any other id."""
    model = _model(kind)
    found = model.get_or_none(model.id == _row_id(group_id), model.supplier == supplier)
    if found is None:
        raise NotFound(_l("This group does not exist."))
    return found


def name_and_code(values: dict) -> tuple[str, str]:
    """A row's name and short code (upper case) as typed, each required (groups, categories,
    price lists)."""
    name = clean_text(values.get("name"), 120)
    code = clean_text(values.get("code"), 40).upper()
    if len(code) > 40:  # "ß" becomes "SS"
        raise DomainError(_l("Use at most 40 characters."), "code")
    if not name:
        raise DomainError(_l("Enter a name."), "name")
    if not code:
        raise DomainError(_l("Enter a short code, for example HOR."), "code")
    return name, code


def _values(kind: str, values: dict) -> dict:
    name, code = name_and_code(values)
    cleaned = {"name": name, "code": code}
    if kind == "group":
        cleaned["discount_bp"] = _discount_bp(values.get("discount"))
        cleaned["announcement"] = (values.get("announcement") or "").strip()[:2000]
        if "free_delivery" in values:
            cleaned["free_delivery"] = bool(values["free_delivery"])
    return cleaned


def _price_list(supplier: Party, kind: str, values: dict, cleaned: dict) -> None:
    """A group's price list: one of the supplier's (read inside the transaction)."""
    if kind != "group" or "price_list_id" not in values:
        return
    from .price_lists import PriceList  # the catalog's table: imported when used
    from .relationship_verbs import _owned

    cleaned["price_list_id"] = _owned(
        PriceList,
        supplier,
        values["price_list_id"],
        "price_list_id",
        _l("Choose one of your price lists."),
    )


def _snapshot(kind: str, row) -> dict:
    snapshot = {f"{kind}.name": row.name, f"{kind}.code": row.code}
    if kind == "group":
        snapshot["group.discount"] = percent(row.discount_bp)
        snapshot["group.announcement"] = row.announcement
        snapshot["group.price_list"] = row.price_list_id
        snapshot["group.free_delivery"] = row.free_delivery
    return snapshot


def _code_taken(kind: str, supplier: Party, code: str, own_id=None) -> None:
    """Codes are unique per supplier whatever the case (the index catches a race)."""
    model = _model(kind)
    query = model.select().where(model.supplier == supplier, fn.UPPER(model.code) == code)
    if own_id is not None:
        query = query.where(model.id != own_id)
    if query.exists():
        raise DomainError(GROUP_CODE_TAKEN if kind == "group" else CATEGORY_CODE_TAKEN, "code")


@retrying
def create_group(actor: User, supplier: Party, kind: str, **values):
    """A new customer group or category (admins)."""
    model = _model(kind)
    cleaned = _values(kind, values)
    with transaction(lock=supplier):
        _require(actor, supplier, "admin")
        _code_taken(kind, supplier, cleaned["code"])
        _price_list(supplier, kind, values, cleaned)
        row = model.create(supplier=supplier, **cleaned)
        changes = audit.diff({}, _snapshot(kind, row))
        audit.record(actor, supplier, AREAS[kind], "create", row.name, changes)
    return row


@retrying
def update_group(actor: User, supplier: Party, kind: str, group_id, version, **values):
    """Change a group's or category's name, code (and a group's discount, announcement)."""
    cleaned = _values(kind, values)
    with transaction(lock=supplier):
        _require(actor, supplier, "admin")
        row = group_of(supplier, kind, group_id)
        check_version(row, version, STALE)
        _code_taken(kind, supplier, cleaned["code"], row.id)
        _price_list(supplier, kind, values, cleaned)
        before = _snapshot(kind, row)
        for name, value in cleaned.items():
            setattr(row, name, value)
        changes = audit.diff(before, _snapshot(kind, row))
        if changes:
            row.version += 1
            row.save()
            audit.record(actor, supplier, AREAS[kind], "update", row.name, changes)
    return row


@retrying
def delete_group(actor: User, supplier: Party, kind: str, group_id) -> None:
    """Delete a group or category; refused while clients are in it."""
    with transaction(lock=supplier):
        _require(actor, supplier, "admin")
        row = group_of(supplier, kind, group_id)
        column = Relationship.group if kind == "group" else Relationship.category
        clients = Relationship.select().where(column == row.id).count()
        if clients:
            message = (
                _ln(
                    "%(num)s client is in this group: move it to another group first.",
                    "%(num)s clients are in this group: move them to another group first.",
                    clients,
                )
                if kind == "group"
                else _ln(
                    "%(num)s client is in this category: move it to another category first.",
                    "%(num)s clients are in this category: move them to another category first.",
                    clients,
                )
            )
            raise DomainError(message)
        row.delete_instance()
        audit.record(actor, supplier, AREAS[kind], "delete", row.name)


# --- the names of a party's own rows (for choices and filters) -------------------------------

_NAMES: dict = {}


def names_of(model, owner, party_id: int) -> list:
    """A party's own rows of `model` (customer groups, categories, schedules) with only their
    id and name, by name: one prepared query per model (the client list shows two)."""
    key = (model, owner.name)
    query = _NAMES.get(key)
    if query is None:
        query = _NAMES[key] = prepared(
            lambda party: (
                model.select(model.id, model.name)
                .where(owner == party)
                .order_by(model.name, model.id)
            )
        )
    return query.all(int(party_id))
