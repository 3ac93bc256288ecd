"""A large party for measuring speed (`flask demo scale`, used by `make bench`).

Grows one party to the asked size: members, addresses with delivery points, delivery schedules
and audit entries. Rows go in with bulk inserts (`insert_many` in chunks) inside one
transaction, so 10,000 audit entries take about a second. Sizes are totals, not additions:
growing a party that already has 50 members to 200 adds 150.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass

from peewee import chunked

from . import audit
from .audit import AuditEntry
from .base import transaction, utcnow
from .catalog_scale import grow_catalog
from .company import Address, DeliveryPoint
from .demo import DEMO_PASSWORD
from .parties import Membership, Party, User, hash_password
from .schedules import ClosedDate, DeliverySchedule, TimeFrame

SCALE_PASSWORD = DEMO_PASSWORD  # the demo's, so `make run` users know it
CHUNK = 200  # rows per INSERT: well below every database's limit of bound parameters

FIRST = "Anna Ben Carla Daan Eva Finn Greta Hugo Ines Jonas Kim Lars Mila Noah Olga Pia".split()
LAST = "Bakker Jansen Visser Smit Meyer Schulz Dubois Moreau Garcia Lopez Rossi Novak".split()
CITIES = [
    ("1012 AB", "Amsterdam"),
    ("3011 AD", "Rotterdam"),
    ("2511 CV", "Den Haag"),
    ("3511 LK", "Utrecht"),
    ("5611 AZ", "Eindhoven"),
    ("9711 LM", "Groningen"),
]
POINTS = ["Goods entrance", "Loading dock", "Reception", "Kitchen", "Storage room", "Building 3"]
# (area, action, change fields) of the audit entries made up below
AUDIT_KINDS = [
    ("company", "update", ["company.phone", "company.email"]),
    ("address", "create", ["address.street", "address.city", "address.postal_code"]),
    ("address", "update", ["address.city", "address.country"]),
    ("delivery_point", "create", ["delivery_point.name"]),
    ("schedule", "update", ["schedule.name", "schedule.time_frame"]),
    ("membership", "role", ["role"]),
    ("invitation", "invite", ["email", "role"]),
    ("defaults", "update", ["defaults.payment_terms_days", "defaults.credit_limit"]),
]
# typed values (formatted for each reader) of some of those fields, by entry number
AUDIT_VALUES = {
    "address.country": lambda i: audit.country(("NL", "DE", "BE")[i % 3]),
    "schedule.time_frame": lambda i: audit.days(range(1, 6), f"{6 + i % 4:02}:00", "12:00"),
    "defaults.payment_terms_days": lambda i: 14 + i % 60,
    "defaults.credit_limit": lambda i: audit.money(100_000 + i * 100, "EUR"),
}


@dataclass
class Scaled:
    """What `scale_party` left: the party, an admin to sign in as, and the sizes reached."""

    party: Party
    admin_email: str
    members: int
    addresses: int
    delivery_points: int
    schedules: int
    audit_entries: int
    clients: int = 0
    messages: int = 0
    products: int = 0
    buyer_email: str | None = None  # a buyer of the party's catalog (when it has products)


def _bulk(model, rows: list[dict]) -> None:
    for chunk in chunked(rows, CHUNK):
        model.insert_many(chunk).execute()


def _new_party() -> Party:
    number = Party.select().count() + 1
    return Party.create(
        legal_name=f"Benchmark Supplier {number} B.V.",
        display_name=f"Benchmark Supplier {number}",
        customer_type="business",
        country="NL",
        language="en",
        currency="EUR",
        email=f"bench{number}@example.com",
    )


def _grow_members(party: Party, size: int, rng: random.Random) -> str:
    """Add members until the party has `size`; returns the email of an admin of the party."""
    existing = Membership.select().where(Membership.party == party).count()
    admin_email = f"scale-admin-{party.id}@example.com"
    wanted = max(size - existing, 0)
    if wanted:
        password_hash = hash_password(SCALE_PASSWORD)  # once: Argon2 is slow on purpose
        now = utcnow()
        emails = [
            admin_email if existing + i == 0 else f"scale-{party.id}-{existing + i}@example.com"
            for i in range(wanted)
        ]
        _bulk(
            User,
            [
                {
                    "email": email,
                    "name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {existing + i}",
                    "password_hash": password_hash,
                    "language": "en",
                    "last_party": party.id,
                    "created_at": now,
                }
                for i, email in enumerate(emails)
            ],
        )
        ids = {u.email: u.id for u in User.select(User.id, User.email).where(User.email << emails)}
        _bulk(
            Membership,
            [
                {
                    "user": ids[email],
                    "party": party.id,
                    # the first one is an admin; then one in ten admins, two in ten supervisors
                    "role": "admin"
                    if email == admin_email or i % 10 == 0
                    else ("supervisor" if i % 10 < 3 else "employee"),
                    "created_at": now - dt.timedelta(days=i),
                }
                for i, email in enumerate(emails)
            ],
        )
    admin = (
        User.select(User.email)
        .join(Membership)
        .where(Membership.party == party, Membership.role == "admin")
        .order_by(User.id)
        .first()
    )
    return admin.email if admin else admin_email


def _grow_addresses(party: Party, size: int, points: int, rng: random.Random) -> None:
    existing = Address.select().where(Address.party == party).count()
    wanted = max(size - existing, 0)
    if not wanted:
        return
    has_default = {
        kind: Address.select()
        .where(Address.party == party, Address.kind == kind, Address.is_default == True)  # noqa: E712
        .exists()
        for kind in ("invoice", "delivery")
    }
    rows = []
    for i in range(wanted):
        kind = "invoice" if (existing + i) % 10 == 0 else "delivery"
        postal, city = rng.choice(CITIES)
        rows.append(
            {
                "party": party.id,
                "kind": kind,
                "label": f"Site {existing + i + 1}",
                "recipient": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "street": f"Industrieweg {existing + i + 1}",
                "postal_code": postal,
                "city": city,
                "country": "NL",
                "is_default": not has_default[kind],
            }
        )
        has_default[kind] = True
    _bulk(Address, rows)
    new_ids = [
        a.id
        for a in Address.select(Address.id)
        .where(Address.party == party, Address.kind == "delivery")
        .order_by(Address.id.desc())
        .limit(sum(1 for r in rows if r["kind"] == "delivery"))
    ]
    _bulk(
        DeliveryPoint,
        [
            {"address": address_id, "name": POINTS[(address_id + n) % len(POINTS)]}
            for address_id in new_ids
            for n in range(points)
        ],
    )


def _grow_schedules(party: Party, size: int) -> None:
    existing = DeliverySchedule.select().where(DeliverySchedule.party == party).count()
    wanted = max(size - existing, 0)
    if not wanted:
        return
    names = [f"Route {existing + i + 1}" for i in range(wanted)]
    _bulk(
        DeliverySchedule,
        [
            {
                "party": party.id,
                "name": name,
                "working_days": 0b0011111 if i % 3 else 0b0010101,
                "cutoff_time": "14:00",
                "lead_days": 1 + i % 3,
            }
            for i, name in enumerate(names)
        ],
    )
    ids = [
        s.id
        for s in DeliverySchedule.select(DeliverySchedule.id).where(
            DeliverySchedule.party == party, DeliverySchedule.name << names
        )
    ]
    _bulk(
        TimeFrame,
        [
            {"schedule": sid, "weekdays": 0b0011111, "start": start, "end": end}
            for sid in ids
            for start, end in (("08:00", "12:00"), ("13:00", "17:00"))
        ],
    )
    year = dt.date.today().year + 1
    _bulk(
        ClosedDate,
        [
            {"schedule": sid, "day": day, "reason": reason}
            for sid in ids
            for day, reason in (
                (dt.date(year, 1, 1), "New Year"),
                (dt.date(year, 4, 27), "King's Day"),
                (dt.date(year, 12, 25), "Christmas"),
            )
        ],
    )


def _audit_value(field: str, number: int, text: str):
    typed = AUDIT_VALUES.get(field)
    return typed(number) if typed else text


def _grow_audit(party: Party, size: int, rng: random.Random) -> None:
    existing = AuditEntry.select().where(AuditEntry.party == party).count()
    wanted = max(size - existing, 0)
    if not wanted:
        return
    actors = [
        m.user_id
        for m in Membership.select(Membership.user).where(Membership.party == party).limit(50)
    ] or [None]
    start = utcnow() - dt.timedelta(days=365)
    step = dt.timedelta(days=365) / wanted
    rows = []
    for i in range(wanted):
        area, action, fields = AUDIT_KINDS[i % len(AUDIT_KINDS)]
        changes = [
            {
                "field": field,
                "old": None if action == "create" else _audit_value(field, i, f"old {i}"),
                "new": _audit_value(field, i + 1, f"new {i}"),
            }
            for field in fields
        ]
        if fields == ["role"]:
            changes = [{"field": "role", "old": "employee", "new": "supervisor"}]
        rows.append(
            {
                "party": party.id,
                "actor": rng.choice(actors),
                "at": start + step * i,
                "area": area,
                "action": action,
                "subject": f"{area.replace('_', ' ').title()} {i}",
                "changes": json.dumps(changes),
            }
        )
    _bulk(AuditEntry, rows)


def _grow_clients(party: Party, size: int, messages: int, rng: random.Random) -> None:
    """Give the party `size` clients (created on the spot: customer party, its two addresses,
    terms, tags, a group and category, a contact each), and `messages` messages spread over
    them. Bulk inserts with the SQL built once (models.base.BulkInsert)."""
    from .base import BulkInsert
    from .messages import Message
    from .relationships import (
        ClientContact,
        CustomerCategory,
        CustomerGroup,
        Relationship,
        index_text,
    )
    from .search_index import compact

    existing = Relationship.select().where(Relationship.supplier == party).count()
    wanted = max(size - existing, 0)
    if not wanted and not messages:
        return
    groups = [
        CustomerGroup.get_or_create(supplier=party, code=code, defaults={"name": name})[0].id
        for code, name in (("HOR", "Horeca"), ("RET", "Retail"), ("EDU", "Schools"))
    ]
    categories = [
        CustomerCategory.get_or_create(supplier=party, code=code, defaults={"name": name})[0].id
        for code, name in (("CAF", "Cafés"), ("HOT", "Hotels"), ("CAN", "Canteens"))
    ]
    new_party, addresses, links = BulkInsert(Party), [], []
    tags = ["vip", "terras", "bio", "late", "weekend", "new"]
    now = utcnow()
    for n in range(existing, existing + wanted):
        postal, city = CITIES[n % len(CITIES)]
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}"
        email = f"client{n}.{party.id}@example.com"
        customer = new_party.one(
            {
                "legal_name": f"{name} B.V.",
                "display_name": name,
                "country": "NL",
                "email": email,
                "phone": f"+31 20 {n:07d}",
                "vat_number": "",
            }
        )
        for kind in ("delivery", "invoice"):
            addresses.append(
                {
                    "party": customer,
                    "kind": kind,
                    "is_default": True,
                    "street": f"Straat {n}",
                    "postal_code": postal,
                    "city": city,
                    "country": "NL",
                }
            )
        links.append(
            {
                "supplier": party.id,
                "customer": customer,
                "status": "connected",
                "created_on_spot": True,
                "client_code": f"C{n:06d}",
                "group": groups[n % 3] if n % 4 else None,
                "category": categories[n % 3],
                "credit_limit_minor": 100_000 * (n % 9) if n % 3 == 0 else None,
                "delinquency": (
                    "debtor" if n % 53 == 0 else "do_not_sell" if n % 211 == 0 else "none"
                ),
                "tags": ",".join(sorted({tags[n % 6], tags[(n * 7) % 6]})),
                "created_at": now - dt.timedelta(minutes=n),
            }
        )
        shown = Relationship(
            status="connected",
            created_on_spot=True,
            client_code=links[-1]["client_code"],
            tags=links[-1]["tags"],
        )
        sort_name, search_text = index_text(
            shown, Party(display_name=name, legal_name=f"{name} B.V.", email=email, vat_number="")
        )
        links[-1].update(sort_name=sort_name, search_text=search_text)
    BulkInsert(Address).many(addresses)
    BulkInsert(Relationship).many(links)
    compact("relationship")
    ids = [r.id for r in Relationship.select(Relationship.id).where(Relationship.supplier == party)]
    BulkInsert(ClientContact).many(
        [
            {
                "relationship": rid,
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "role": "Purchasing",
                "email": f"buyer{rid}@example.com",
            }
            for rid in ids[existing:]
        ]
    )
    have = Message.select().join(Relationship).where(Relationship.supplier == party).count()
    author = Membership.get(Membership.party == party).user_id
    BulkInsert(Message).many(
        [
            {
                "relationship": ids[i % len(ids)],
                "author": author if i % 2 else None,
                "side": "supplier" if i % 2 else "customer",
                "body": f"Message {i} about the next delivery.",
                "created_at": now - dt.timedelta(seconds=i),
                "reminded": True,
            }
            for i in range(have, max(messages, have))
        ]
    )


def scale_party(
    party: Party | None = None,
    *,
    members: int = 200,
    addresses: int = 100,
    points: int = 2,
    schedules: int = 20,
    audit_entries: int = 10_000,
    clients: int = 0,
    messages: int = 0,
    catalog: dict | None = None,
    orders: dict | None = None,
    seed: int = 7,
) -> Scaled:
    """Grow `party` (a new one when None) to the given sizes, in one transaction; the other
    parties are not touched. `points` is the number of delivery points per new delivery
    address."""
    rng = random.Random(seed)
    with transaction():
        party = party or _new_party()
        admin_email = _grow_members(party, members, rng)
        _grow_addresses(party, addresses, points, rng)
        _grow_schedules(party, schedules)
        _grow_audit(party, audit_entries, rng)
        _grow_clients(party, clients, messages, rng)
        buyer = (
            grow_catalog(party, password_hash=hash_password(SCALE_PASSWORD), rng=rng, **catalog)
            if catalog and catalog.get("products")
            else None
        )
        if orders and (orders.get("order_lines") or orders.get("buyers")):
            from .orders_scale import grow_orders

            grow_orders(
                party,
                orders.get("order_lines", 0),
                orders.get("order_clients", 0),
                orders.get("buyers", 0),
                hash_password(SCALE_PASSWORD),
                buyer,
                rng,
            )
        if orders and orders.get("graph_orders"):
            from .sales_graph_scale import grow_graph_orders

            grow_graph_orders(party, orders["graph_orders"], rng)
    from .catalog import Product
    from .messages import Message
    from .relationships import Relationship

    return Scaled(
        party=party,
        admin_email=admin_email,
        members=Membership.select().where(Membership.party == party).count(),
        addresses=Address.select().where(Address.party == party).count(),
        delivery_points=DeliveryPoint.select().join(Address).where(Address.party == party).count(),
        schedules=DeliverySchedule.select().where(DeliverySchedule.party == party).count(),
        audit_entries=AuditEntry.select().where(AuditEntry.party == party).count(),
        clients=Relationship.select().where(Relationship.supplier == party).count(),
        messages=Message.select().join(Relationship).where(Relationship.supplier == party).count(),
        products=Product.select().where(Product.supplier == party).count(),
        buyer_email=buyer,
    )
