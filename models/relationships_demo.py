"""The demo's relationships (SPEC F45, issue 8): Brouwer Groothandel has ~200 clients with
varied terms, groups, categories, tags and delinquency states; each demo buyer's party is a
client of a different supplier; Nordhavn Supply is both a supplier and a client; one connection
request waits for Nordhavn's admin."""

from __future__ import annotations

import itertools
from decimal import Decimal

from .relationships import (
    CustomerCategory,
    CustomerGroup,
    Relationship,
    answer_request,
    connect_client,
    create_client,
    update_terms,
)

GROUPS = [("Horeca", "HOR", 300), ("Retail", "RET", None), ("Schools", "EDU", 500)]
CATEGORIES = [("Cafés and bars", "CAF"), ("Hotels", "HOT"), ("Shops", "SHP"), ("Canteens", "CAN")]
KINDS = ["Café", "Hotel", "Eetcafé", "Bakkerij", "Kantine", "Restaurant", "Winkel", "School"]
NAMES = [
    "De Linde",
    "Het Anker",
    "Zonneveld",
    "De Gouden Leeuw",
    "Parkzicht",
    "De Molen",
    "Rivierzicht",
    "Het Hoekje",
    "De Kroon",
    "Stadshart",
    "Noorderlicht",
    "De Vijverhof",
    "Bosrand",
    "Het Plein",
    "De Haven",
    "Lindenhof",
    "Het Veerhuis",
    "De Boog",
    "Duinzicht",
    "Het Wapen",
    "De Sterre",
    "Marktzicht",
    "De Eik",
    "Kastanjehof",
    "Het Baken",
]
CITIES = [
    ("Amsterdam", "1012 AB"),
    ("Utrecht", "3511 CD"),
    ("Haarlem", "2011 EF"),
    ("Leiden", "2311 GH"),
    ("Delft", "2611 JK"),
    ("Zwolle", "8011 LM"),
    ("Gouda", "2801 NP"),
    ("Alkmaar", "1811 RS"),
]
CLIENT_COUNT = 200


def add_demo(parties: dict, users: dict) -> None:
    brouwer, hoffmann, nordhavn = parties["brouwer"], parties["hoffmann"], parties["nordhavn"]
    anne = users["supplier-admin@example.com"]
    groups = [
        CustomerGroup.create(supplier=brouwer, name=name, code=code, discount_bp=discount)
        for name, code, discount in GROUPS
    ]
    groups[0].announcement = "Nieuw: verse croissants elke dinsdag en vrijdag."
    groups[0].save()
    categories = [
        CustomerCategory.create(supplier=brouwer, name=name, code=code) for name, code in CATEGORIES
    ]

    # the demo buyer's two parties are clients of two different suppliers (F45)
    _connect(anne, brouwer, parties["lumiere"], users["lumiere-admin@example.com"])
    # ... in Brouwer's horeca group: its buyers read the group's announcement
    Relationship.update(group=groups[0]).where(
        Relationship.supplier == brouwer, Relationship.customer == parties["lumiere"]
    ).execute()
    _connect(
        users["hoffmann-admin@example.com"],
        hoffmann,
        parties["olivares"],
        users["olivares-admin@example.com"],
    )
    # Nordhavn Supply buys from Brouwer and sells to Thistle & Thyme: both a supplier and a client
    _connect(anne, brouwer, nordhavn, users["both@example.com"])
    mads = users["both@example.com"]
    _connect(mads, nordhavn, parties["thistle"], users["thistle@example.com"])
    # a request that waits for Nordhavn's admin (both@example.com)
    connect_client(users["hoffmann-admin@example.com"], hoffmann, nordhavn.email)

    numbers = itertools.count(1)
    for kind, name in itertools.islice(itertools.product(KINDS, NAMES), CLIENT_COUNT):
        n = next(numbers)
        city, postal = CITIES[n % len(CITIES)]
        address = {
            "street": f"Dorpsstraat {n}",
            "postal_code": postal,
            "city": city,
            "country": "NL",
        }
        relationship, _invitation = create_client(
            anne,
            brouwer,
            company={
                "legal_name": f"{kind} {name} B.V.",
                "display_name": f"{kind} {name}",
                "country": "NL",
                "email": f"info@client{n}.example",
                "phone": f"+31 20 555 {n:04d}",
            },
            delivery=address,
            invoice=address,
        )
        terms = {"client_code": f"K{n:04d}", "tags": _tags(kind, n)}
        terms["group_id"] = groups[n % 3].id if n % 5 else None
        terms["category_id"] = categories[n % 4].id
        if n % 4 == 0:
            terms["credit_limit"] = Decimal(1000 * (n % 7 + 1))
            terms["payment_method"] = "on_account"
            terms["payment_terms_days"] = 30
        if n % 6 == 0:
            terms["min_order"] = Decimal("150")
        if n % 9 == 0:
            terms["discount"] = Decimal("2.5")
        if n in (7, 23, 61, 140):
            terms["delinquency"] = "debtor"
        elif n in (44, 99):
            terms["delinquency"] = "delinquent"
        elif n == 17:
            terms["delinquency"] = "do_not_sell"
        update_terms(anne, brouwer, relationship.id, relationship.version, **terms)

    _contacts(brouwer)
    _conversations(parties, users)


def _contacts(brouwer) -> None:
    """Brouwer's contact persons at a few of its clients (F15)."""
    from .relationships import ClientContact

    people = [
        ("Jan de Vries", "Inkoop", "+31 20 555 0301"),
        ("Fatima El Amrani", "Keuken", "+31 20 555 0302"),
        ("Pieter Bakker", "Bedrijfsleider", ""),
    ]
    links = (
        Relationship.select()
        .where(Relationship.supplier == brouwer, Relationship.client_code.is_null(False))
        .order_by(Relationship.client_code)
        .limit(12)
    )
    for n, link in enumerate(links):
        name, role, phone = people[n % len(people)]
        email = name.split()[0].lower() + f"@client{n + 1}.example"
        ClientContact.create(relationship=link, name=name, role=role, email=email, phone=phone)


def _conversations(parties: dict, users: dict) -> None:
    """Message threads with unread messages (F21): Brouwer's people find Café Lumière's last
    message unread, Nordhavn's admin Brouwer's answer."""
    from .messages import post_message

    brouwer, lumiere, nordhavn = parties["brouwer"], parties["lumiere"], parties["nordhavn"]
    anne, louis = users["supplier-admin@example.com"], users["lumiere-admin@example.com"]
    claire, mads = users["supervisor@example.com"], users["both@example.com"]
    with_lumiere = Relationship.get(supplier=brouwer, customer=lumiere).id
    with_nordhavn = Relationship.get(supplier=brouwer, customer=nordhavn).id
    for actor, party, relationship_id, body in [
        (louis, lumiere, with_lumiere, "Bonjour, pouvez-vous livrer jeudi au lieu de mercredi ?"),
        (anne, brouwer, with_lumiere, "Bonjour Louis, jeudi c'est possible, avant 10h."),
        (claire, lumiere, with_lumiere, "Merci ! Et 20 croissants en plus, s'il vous plaît."),
        (mads, nordhavn, with_nordhavn, "Hi Anne, do you also stock oat milk in 1 litre cartons?"),
        (
            anne,
            brouwer,
            with_nordhavn,
            "Hi Mads, yes: 12 cartons per box, in the catalog next week.",
        ),
    ]:
        post_message(actor, party, relationship_id, body)


def _connect(actor, supplier, customer, customer_admin):
    request = connect_client(actor, supplier, customer.email)
    return answer_request(customer_admin, customer, request.id, True)


def _tags(kind: str, n: int) -> str:
    tags = [kind.lower()]
    if n % 8 == 0:
        tags.append("vip")
    if n % 10 == 3:
        tags.append("terras")
    return ",".join(tags)
