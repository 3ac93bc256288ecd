"""Addresses (F8) and their delivery points (F9): a party's invoice and delivery addresses,
one default of each kind, and the buildings, docks or rooms inside a delivery address.
Tables, their scopes and the verbs over them (the demo's addresses: addresses_demo.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from peewee import (
    SQL,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
    prefetch,
)

from . import audit
from .base import (
    BaseModel,
    DomainError,
    NotFound,
    check_version,
    retrying,
    transaction,
    utcnow,
)
from .identifiers import clean_text, known_countries, normalise_postal_code
from .parties import Party, User

ADDRESS_KINDS = ("invoice", "delivery")
ADDRESS_KIND_LABELS = {"invoice": _l("Invoice address"), "delivery": _l("Delivery address")}


class Address(BaseModel):
    """An invoice or delivery address of a party; one default of each kind."""

    party = ForeignKeyField(Party, backref="addresses", on_delete="CASCADE")
    kind = CharField(max_length=16)
    label = CharField(max_length=120, default="")
    recipient = CharField(max_length=200, default="")
    street = CharField(max_length=200)
    street2 = CharField(max_length=200, default="")
    postal_code = CharField(max_length=20)
    city = CharField(max_length=120)
    region = CharField(max_length=120, default="")
    country = CharField(max_length=2)
    is_default = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)  # bumped on every edit: detects stale forms

    @property
    def kind_label(self):
        return ADDRESS_KIND_LABELS.get(self.kind, self.kind)

    @property
    def summary(self) -> str:
        """One line naming the address: its label, else street and city."""
        place = ", ".join(part for part in (self.street, f"{self.postal_code} {self.city}") if part)
        return f"{self.label} ({place})" if self.label else place


# Migration 0003: at most one default address of each kind per party, enforced by the database.
Address.add_index(
    Address.party, Address.kind, unique=True, where=SQL("is_default"), name="address_one_default"
)


class DeliveryPoint(BaseModel):
    """A building, dock or room inside a delivery address ("Building 3, goods entrance")."""

    address = ForeignKeyField(Address, backref="delivery_points", on_delete="CASCADE")
    name = CharField(max_length=120)
    instructions = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)  # bumped on every edit: detects stale forms


audit.register_fields(
    {
        "address.kind": _l("Kind of address"),
        "address.label": _l("Address name"),
        "address.recipient": _l("Recipient"),
        "address.street": _l("Street and number"),
        "address.street2": _l("Address line 2"),
        "address.postal_code": _l("Postal code"),
        "address.city": _l("City"),
        "address.region": _l("Region or province"),
        "address.country": _l("Country"),
        "address.default": _l("Default address"),
        "address.delivery_points": _l("Delivery points"),
        "delivery_point.name": _l("Delivery point"),
        "delivery_point.instructions": _l("Instructions"),
        "delivery_point.address": _l("Delivery address"),
    }
)
audit.register_values("address.kind", ADDRESS_KIND_LABELS)


# --- scopes --------------------------------------------------------------------------------


def address_of(party: Party, address_id) -> Address:
    """The party's address with this id, or NotFound (another party's id included)."""
    try:
        address_id = int(address_id)
    except (TypeError, ValueError):
        raise NotFound(_l("This address does not exist.")) from None
    address = Address.get_or_none(Address.id == address_id, Address.party == party)
    if address is None:
        raise NotFound(_l("This address does not exist."))
    return address


def delivery_point_of(party: Party, point_id) -> DeliveryPoint:
    """The party's delivery point with this id (its address loaded), or NotFound."""
    try:
        point_id = int(point_id)
    except (TypeError, ValueError):
        raise NotFound(_l("This delivery point does not exist.")) from None
    point = (
        DeliveryPoint.select(DeliveryPoint, Address)
        .join(Address)
        .where(DeliveryPoint.id == point_id, Address.party == party)
        .first()
    )
    if point is None:
        raise NotFound(_l("This delivery point does not exist."))
    return point


def _address_query(party: Party):
    return (
        Address.select()
        .where(Address.party == party)
        .order_by(Address.is_default.desc(), Address.id)
    )


def _with_points(query) -> list[Address]:
    points = DeliveryPoint.select().order_by(DeliveryPoint.name, DeliveryPoint.id)
    return list(prefetch(query, points))


def addresses_of(party: Party, kind: str | None = None) -> dict[str, list[Address]]:
    """The party's addresses by kind, default first, each with its delivery points
    (two queries)."""
    query = _address_query(party)
    if kind is not None:
        query = query.where(Address.kind == kind)
    lists: dict[str, list[Address]] = {k: [] for k in ADDRESS_KINDS if kind in (None, k)}
    for address in _with_points(query):
        lists.setdefault(address.kind, []).append(address)
    return lists


def address_with_points(party: Party, address_id) -> Address:
    """One of the party's addresses with its delivery points loaded, or NotFound."""
    address = address_of(party, address_id)
    return _with_points(Address.select().where(Address.id == address.id))[0]


def default_address(party: Party, kind: str) -> Address | None:
    """The party's default address of a kind (chosen at checkout), or None."""
    return Address.get_or_none(
        Address.party == party,
        Address.kind == kind,
        Address.is_default == True,  # noqa: E712
    )


# --- verbs: addresses (F8) -----------------------------------------------------------------

ADDRESS_FIELDS = (
    "label",
    "recipient",
    "street",
    "street2",
    "postal_code",
    "city",
    "region",
    "country",
)


def _address_values(fields: dict) -> dict:
    """Address fields cleaned and checked; the postal code written as its country writes it."""
    country = (fields.get("country") or "").upper()
    values = {
        "label": clean_text(fields.get("label"), 120),
        "recipient": clean_text(fields.get("recipient"), 200),
        "street": clean_text(fields.get("street"), 200),
        "street2": clean_text(fields.get("street2"), 200),
        "city": clean_text(fields.get("city"), 120),
        "region": clean_text(fields.get("region"), 120),
        "country": country,
    }
    if not values["street"]:
        raise DomainError(_l("Enter the street and number."), "street")
    if not values["city"]:
        raise DomainError(_l("Enter the city."), "city")
    if country not in known_countries():
        raise DomainError(_l("Choose a country from the list."), "country")
    values["postal_code"] = normalise_postal_code(fields.get("postal_code"), country)
    return values


def _address_snapshot(address: Address) -> dict:
    snapshot = {f"address.{name}": getattr(address, name) for name in ADDRESS_FIELDS}
    snapshot["address.country"] = audit.country(address.country)
    snapshot["address.default"] = bool(address.is_default)
    return snapshot


def _record_default(actor, party: Party, address: Address, is_default: bool) -> None:
    """Record that an address became, or stopped being, the default of its kind."""
    change = audit.diff({"address.default": not is_default}, {"address.default": is_default})
    audit.record(actor, party, "address", "update", address.summary, change)


def _save_changes(actor, party: Party, row, entity: str, name: str, old: dict, new: dict):
    """Save an edited address or delivery point with its audit entry; nothing when nothing
    changed."""
    changes = audit.diff(old, new)
    if changes:
        row.save()
        audit.record(actor, party, entity, "update", name, changes)


def _unset_default(actor, party: Party, kind: str, keep_id: int | None = None) -> None:
    """Clear the current default of a kind (recorded), before another one becomes it."""
    previous = default_address(party, kind)
    if previous is None or previous.id == keep_id:
        return
    Address.update(is_default=False).where(Address.id == previous.id).execute()
    _record_default(actor, party, previous, False)


@retrying
def add_address(
    actor: User | None, party: Party, *, kind: str, make_default: bool = False, **fields
) -> Address:
    """Add an invoice or delivery address; the first of its kind becomes the default."""
    if kind not in ADDRESS_KINDS:
        raise DomainError(_l("Choose invoice or delivery address."), "kind")
    values = _address_values(fields)
    with transaction(lock=party):
        has_default = default_address(party, kind) is not None
        is_default = bool(make_default) or not has_default
        if is_default and has_default:
            _unset_default(actor, party, kind)
        address = Address.create(party=party, kind=kind, is_default=is_default, **values)
        changes = audit.diff({}, {"address.kind": kind, **_address_snapshot(address)})
        audit.record(actor, party, "address", "create", address.summary, changes)
    return address


STALE_ADDRESS = _l(
    "Someone else changed this address while you were editing it. The form keeps what you "
    "typed; the saved values are listed. Save again to replace them with yours."
)
STALE_POINT = _l(
    "Someone else changed this delivery point while you were editing it. The form keeps what "
    "you typed; the saved values are listed. Save again to replace them with yours."
)


@retrying
def update_address(
    actor: User | None, party: Party, address_id, *, version=None, **fields
) -> Address:
    """Change an address's details (its kind and default flag stay); refused (StaleForm)
    when the form was loaded at another version of the address."""
    values = _address_values(fields)
    with transaction(lock=party):
        address = address_of(party, address_id)
        check_version(address, version, STALE_ADDRESS)
        old = _address_snapshot(address)
        for name, value in values.items():
            setattr(address, name, value)
        new = _address_snapshot(address)
        if audit.diff(old, new):
            address.version += 1
        _save_changes(actor, party, address, "address", address.summary, old, new)
    return address


@retrying
def set_default_address(actor: User | None, party: Party, address_id) -> Address:
    """Make an address the default of its kind; the old default stops being it."""
    with transaction(lock=party):
        address = address_of(party, address_id)
        if not address.is_default:
            _unset_default(actor, party, address.kind, keep_id=address.id)
            address.is_default = True
            address.save(only=[Address.is_default])
            _record_default(actor, party, address, True)
    return address


DEFAULT_NOT_DELETABLE = {
    "invoice": _l(
        "The default invoice address cannot be deleted: a company always keeps one. "
        "Make another invoice address the default first, or edit this one."
    ),
    "delivery": _l(
        "The default delivery address cannot be deleted: a company always keeps one. "
        "Make another delivery address the default first, or edit this one."
    ),
}


@retrying
def delete_address(actor: User | None, party: Party, address_id) -> Address:
    """Delete an address with its delivery points; the default of a kind is refused."""
    with transaction(lock=party):
        address = address_with_points(party, address_id)
        if address.is_default:
            raise DomainError(DEFAULT_NOT_DELETABLE[address.kind])
        snapshot = {"address.kind": address.kind, **_address_snapshot(address)}
        snapshot["address.delivery_points"] = ", ".join(p.name for p in address.delivery_points)
        # delivery points go with it (ON DELETE CASCADE)
        Address.delete().where(Address.id == address.id).execute()
        audit.record(actor, party, "address", "delete", address.summary, audit.removed(snapshot))
    return address


# --- verbs: delivery points (F9) -----------------------------------------------------------


def _point_values(name: str, instructions: str) -> dict:
    values = {
        "name": clean_text(name, 120),
        "instructions": (instructions or "").strip()[:2000],
    }
    if not values["name"]:
        raise DomainError(_l("Enter a name for the delivery point."), "name")
    return values


def _point_snapshot(point: DeliveryPoint, address: Address) -> dict:
    return {
        "delivery_point.name": point.name,
        "delivery_point.instructions": point.instructions,
        "delivery_point.address": address.summary,
    }


def _delivery_address(party: Party, address_id, field: str | None = None) -> Address:
    """One of the party's delivery addresses; anything else is refused."""
    try:
        address = address_of(party, address_id)
    except NotFound:
        if field is None:
            raise
        address = None
    if address is None or address.kind != "delivery":
        raise DomainError(_l("Choose one of your delivery addresses."), field or "address")
    return address


@retrying
def add_delivery_point(
    actor: User | None, party: Party, address_id, *, name: str, instructions: str = ""
) -> DeliveryPoint:
    """Add a delivery point (building, dock, room) inside a delivery address."""
    values = _point_values(name, instructions)
    with transaction(lock=party):
        address = _delivery_address(party, address_id)
        point = DeliveryPoint.create(address=address, **values)
        changes = audit.diff({}, _point_snapshot(point, address))
        audit.record(actor, party, "delivery_point", "create", point.name, changes)
    return point


@retrying
def update_delivery_point(
    actor: User | None,
    party: Party,
    point_id,
    *,
    name: str,
    instructions: str = "",
    address_id=None,
    version=None,
) -> DeliveryPoint:
    """Change a delivery point; it may move to another of the party's delivery addresses.
    Refused (StaleForm) when the form was loaded at another version of the point."""
    values = _point_values(name, instructions)
    with transaction(lock=party):
        point = delivery_point_of(party, point_id)
        check_version(point, version, STALE_POINT)
        old = _point_snapshot(point, point.address)
        address = point.address
        if address_id is not None and str(address_id) != str(point.address_id):
            address = _delivery_address(party, address_id, field="address")
        point.name = values["name"]
        point.instructions = values["instructions"]
        point.address = address
        new = _point_snapshot(point, address)
        if audit.diff(old, new):
            point.version += 1
        _save_changes(actor, party, point, "delivery_point", point.name, old, new)
    return point


@retrying
def delete_delivery_point(actor: User | None, party: Party, point_id) -> DeliveryPoint:
    """Delete a delivery point."""
    with transaction(lock=party):
        point = delivery_point_of(party, point_id)
        snapshot = _point_snapshot(point, point.address)
        point.delete_instance()
        audit.record(actor, party, "delivery_point", "delete", point.name, audit.removed(snapshot))
    return point
