"""The address lists of the company settings page (F8, F9): a page of each kind at a time,
searchable, with the delivery points of the shown page only."""

from __future__ import annotations

from peewee import SQL, fn

from .addresses import ADDRESS_KINDS, Address, DeliveryPoint
from .base import Page
from .parties import Party
from .prepared import prepared

_LIST_ORDER = (Address.is_default.desc(), Address.id)


def _matching(search: str):
    """Addresses whose name, street, city or postal code contains `search`."""
    return (
        Address.label.contains(search)
        | Address.street.contains(search)
        | Address.city.contains(search)
        | Address.postal_code.contains(search)
    )


def address_totals(party: Party) -> dict[str, int]:
    """How many addresses of each kind the party has (one query)."""
    totals = dict.fromkeys(ADDRESS_KINDS, 0)
    totals.update(dict(_totals.rows(party.id)))
    return totals


@prepared
def _totals(party_id: int):
    return (
        Address.select(Address.kind, fn.COUNT(SQL("*")))
        .where(Address.party == party_id)
        .group_by(Address.kind)
    )


@prepared
def _address_page(party_id: int, kind: str, limit: int, offset: int):
    return (
        Address.select()
        .where(Address.party == party_id, Address.kind == kind)
        .order_by(*_LIST_ORDER)
        .limit(limit)
        .offset(offset)
    )


@prepared
def _points_of(address_ids: list):
    return (
        DeliveryPoint.select()
        .where(DeliveryPoint.address.in_(address_ids))
        .order_by(DeliveryPoint.name, DeliveryPoint.id)
    )


def address_pages(
    party: Party, wanted: dict[str, tuple], per_page: int, totals: dict[str, int]
) -> dict[str, Page]:
    """Pages of the party's addresses by kind, default first: `wanted` maps a kind to the
    (page number, search) to show; `totals` are address_totals(). The delivery addresses of
    the shown pages come with their delivery points. One query per kind, one more for a
    search (its count) and one for the points of all shown pages."""
    pages = {}
    for kind, (number, search) in wanted.items():
        query = Address.select().where(Address.party == party, Address.kind == kind)
        search = (search or "").strip()
        if search:
            query = query.where(_matching(search))
            total = query.count()
        else:
            total = totals.get(kind, 0)
        try:
            number = max(1, int(number or 1))
        except (TypeError, ValueError):
            number = 1
        number = min(number, max(1, -(-total // per_page)))
        items = []
        if total and search:
            items = list(query.order_by(*_LIST_ORDER).paginate(number, per_page))
        elif total:
            items = _address_page.all(party.id, kind, per_page, (number - 1) * per_page)
        pages[kind] = Page(items, number, per_page, total)
    _attach_points([a for page in pages.values() for a in page.items if a.kind == "delivery"])
    return pages


def _attach_points(addresses: list[Address]) -> None:
    """Load the delivery points of these addresses in one query (none when there are none)."""
    if not addresses:
        return
    by_id = {address.id: address for address in addresses}
    for address in addresses:
        address.delivery_points = []
    for point in _points_of.all(list(by_id)):
        by_id[point.address_id].delivery_points.append(point)


def page_number_of(address: Address, per_page: int) -> int:
    """The page of its kind's list (default first, then oldest first) that shows `address`."""
    before = (
        Address.select()
        .where(
            Address.party == address.party_id,
            Address.kind == address.kind,
            (Address.is_default > address.is_default)
            | ((Address.is_default == address.is_default) & (Address.id < address.id)),
        )
        .count()
    )
    return before // per_page + 1


def delivery_address_choices(party: Party) -> list[tuple[str, str]]:
    """The party's delivery addresses as (id, summary) choices, default first (one query)."""
    query = (
        Address.select()
        .where(Address.party == party, Address.kind == "delivery")
        .order_by(*_LIST_ORDER)
    )
    return [(str(a.id), a.summary) for a in query]
