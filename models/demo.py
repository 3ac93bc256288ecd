"""The demo (SPEC F45): believable parties and people in several countries and languages.

Loaded by `flask demo load` and by `make run` into an empty database, never a non-empty one.
"""

from __future__ import annotations

from .base import transaction
from .parties import Membership, Party, User, hash_password

DEMO_PASSWORD = "portal-demo"

DEMO_SIGNINS = [
    ("supplier-admin@example.com", "admin of a supplier with many clients (Brouwer Groothandel)"),
    ("supplier-staff@example.com", "employee of that supplier"),
    ("buyer@example.com", "employee of two customer parties (Café Lumière, Bodega Olivares)"),
    ("supervisor@example.com", "supervisor of one of those customer parties (Café Lumière)"),
    ("both@example.com", "admin of a party that is both supplier and customer (Nordhavn Supply)"),
]


class DatabaseNotEmpty(Exception):
    pass


PARTIES = [
    # key, legal name, display name, type, VAT, country, language, currency, email, phone
    (
        "brouwer",
        "Brouwer & Zonen Groothandel B.V.",
        "Brouwer Groothandel",
        "business",
        "NL004495445B01",
        "NL",
        "nl",
        "EUR",
        "orders@brouwer-groothandel.example",
        "+31 20 555 0142",
    ),
    (
        "hoffmann",
        "Hoffmann Laborbedarf GmbH",
        "Hoffmann Laborbedarf",
        "business",
        "DE136695976",
        "DE",
        "de",
        "EUR",
        "vertrieb@hoffmann-labor.example",
        "+49 89 5550 1170",
    ),
    (
        "nordhavn",
        "Nordhavn Supply ApS",
        "Nordhavn Supply",
        "business",
        "DK13585628",
        "DK",
        "en",
        "DKK",
        "hello@nordhavn-supply.example",
        "+45 33 55 01 88",
    ),
    (
        "lumiere",
        "Café Lumière SARL",
        "Café Lumière",
        "business",
        "FR40303265045",
        "FR",
        "fr",
        "EUR",
        "achats@cafe-lumiere.example",
        "+33 1 55 50 12 34",
    ),
    (
        "olivares",
        "Bodega Olivares S.L.",
        "Bodega Olivares",
        "business",
        "ESB58378431",
        "ES",
        "es",
        "EUR",
        "compras@bodega-olivares.example",
        "+34 91 555 0190",
    ),
    (
        "valcarcel",
        "Universidad de Valcárcel",
        "Universidad de Valcárcel",
        "business",
        "ESQ2818014I",
        "ES",
        "es",
        "EUR",
        "compras@uvalcarcel.example",
        "+34 91 555 0300",
    ),
    (
        "alpenhof",
        "Hotel Alpenhof Kaprun GmbH",
        "Hotel Alpenhof",
        "business",
        "ATU13585627",
        "AT",
        "de",
        "EUR",
        "einkauf@alpenhof.example",
        "+43 6547 5550",
    ),
    (
        "thistle",
        "Thistle & Thyme Catering Ltd",
        "Thistle & Thyme",
        "business",
        "",
        "GB",
        "en",
        "GBP",
        "buying@thistlethyme.example",
        "+44 131 555 0119",
    ),
    (
        "devries",
        "Jan de Vries",
        "Jan de Vries",
        "consumer",
        "",
        "NL",
        "nl",
        "EUR",
        "jan.devries@example.net",
        "+31 6 5550 1234",
    ),
]

USERS = [
    # email, name, language, [(party key, role)], last party
    ("supplier-admin@example.com", "Anne Brouwer", "nl", [("brouwer", "admin")], "brouwer"),
    ("supplier-staff@example.com", "Sven Jansen", "nl", [("brouwer", "employee")], "brouwer"),
    (
        "buyer@example.com",
        "Bea Moreau",
        "en",
        [("lumiere", "employee"), ("olivares", "employee")],
        "lumiere",
    ),
    ("supervisor@example.com", "Claire Dubois", "fr", [("lumiere", "supervisor")], "lumiere"),
    ("both@example.com", "Mads Lindqvist", "en", [("nordhavn", "admin")], "nordhavn"),
    ("lumiere-admin@example.com", "Louis Martin", "fr", [("lumiere", "admin")], "lumiere"),
    ("olivares-admin@example.com", "Lucía Olivares", "es", [("olivares", "admin")], "olivares"),
    ("hoffmann-admin@example.com", "Katrin Hoffmann", "de", [("hoffmann", "admin")], "hoffmann"),
    ("valcarcel-buyer@example.com", "Javier Ruiz", "es", [("valcarcel", "admin")], "valcarcel"),
    ("alpenhof@example.com", "Theresa Gruber", "de", [("alpenhof", "admin")], "alpenhof"),
    ("thistle@example.com", "Fiona MacLeod", "en", [("thistle", "admin")], "thistle"),
    ("jan.devries@example.net", "Jan de Vries", "nl", [("devries", "admin")], "devries"),
]


def is_empty() -> bool:
    return not (Party.select().exists() or User.select().exists())


def load_demo() -> dict[str, Party]:
    """Fill an empty database with the demo; refuse a database that has data."""
    with transaction():
        if not is_empty():
            raise DatabaseNotEmpty()
        parties = {}
        for key, legal, display, kind, vat, country, lang, currency, email, phone in PARTIES:
            parties[key] = Party.create(
                legal_name=legal,
                display_name=display,
                customer_type=kind,
                vat_number=vat,
                country=country,
                language=lang,
                currency=currency,
                email=email,
                phone=phone,
            )
        password_hash = hash_password(DEMO_PASSWORD)
        users = {}
        for email, name, lang, roles, last in USERS:
            users[email] = user = User.create(
                email=email,
                name=name,
                language=lang,
                password_hash=password_hash,
                last_party=parties[last],
            )
            for key, role in roles:
                Membership.create(user=user, party=parties[key], role=role)
        # Each area adds its part of the demo through its own verbs (order matters:
        # supplier defaults point at delivery schedules).
        from . import (
            addresses_demo,
            bank,
            budgets_demo,
            catalog_demo,
            company,
            credit_demo,
            invitations,
            loyalty_demo,
            orders_demo,
            relationships_demo,
            sales_graph_demo,
            schedules_demo,
        )

        areas = (
            schedules_demo,
            addresses_demo,
            bank,
            company,
            invitations,
            relationships_demo,
            catalog_demo,
            orders_demo,
            sales_graph_demo,  # after orders_demo: more orders in each client's season
            budgets_demo,  # after orders_demo: this month's orders count against its budgets
            credit_demo,
            loyalty_demo,  # after orders_demo: points of the delivered orders
        )
        for area in areas:
            add_demo = getattr(area, "add_demo", None)
            if add_demo is not None:
                add_demo(parties, users)
    return parties
