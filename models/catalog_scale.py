"""The catalog at the size issue 9 measures (`flask demo scale --products …`, `make bench`).

Grows a supplier's catalog: products with names in the five languages, catalog sections (one
limited to a customer group), price lists with an entry per product, customer categories with
their own product codes; and a buyer company connected to the supplier (in a category with
codes, on a price list, in a group that does not see every section), whose admin signs in to
measure the catalog as a buyer sees it. Rows go in as bulk inserts in the caller's
transaction. Sizes are totals: growing it again adds only what is missing.
"""

from __future__ import annotations

import datetime as dt
import random

from .base import BulkInsert, db, execute_many, utcnow
from .catalog import Product, ProductText, Section, SectionGroup, SectionText, sort_names
from .identifiers import fold
from .parties import Membership, Party, User
from .price_lists import PriceList, code_search_key
from .product_codes import refresh_code_text
from .relationships import CustomerCategory, CustomerGroup, Relationship, index_text
from .search_index import compact
from .sections import mark_restricted
from .vat_classes import ensure_vat_classes

# what a product is, per language: en, nl, de, fr, es
NOUNS = [
    ("Coffee beans", "Koffiebonen", "Kaffeebohnen", "Grains de café", "Café en grano"),
    ("Green tea", "Groene thee", "Grüner Tee", "Thé vert", "Té verde"),
    ("Whole milk", "Volle melk", "Vollmilch", "Lait entier", "Leche entera"),
    ("Orange juice", "Sinaasappelsap", "Orangensaft", "Jus d'orange", "Zumo de naranja"),
    ("Sparkling water", "Bruisend water", "Sprudelwasser", "Eau gazeuse", "Agua con gas"),
    ("Cane sugar", "Rietsuiker", "Rohrzucker", "Sucre de canne", "Azúcar de caña"),
    ("Dark chocolate", "Pure chocolade", "Zartbitterschokolade", "Chocolat noir", "Chocolate"),
    ("Paper napkins", "Papieren servetten", "Papierservietten", "Serviettes", "Servilletas"),
    ("Dish soap", "Afwasmiddel", "Spülmittel", "Liquide vaisselle", "Lavavajillas"),
    ("Olive oil", "Olijfolie", "Olivenöl", "Huile d'olive", "Aceite de oliva"),
    ("Espresso cups", "Espressokopjes", "Espressotassen", "Tasses à espresso", "Tazas"),
    ("Butter cookies", "Boterkoekjes", "Butterkekse", "Biscuits au beurre", "Galletas"),
]
SIZES = ["250 g", "500 g", "1 kg", "6 x 1 l", "12 x 0.33 l", "100 pcs", "5 l"]
LANGUAGES = ("en", "nl", "de", "fr", "es")
SECTIONS = [
    ("Beverages", ("Coffee", "Tea", "Juices", "Water")),
    ("Dairy", ("Milk", "Cheese")),
    ("Pantry", ("Sugar", "Oil", "Sweets")),
    ("Tableware", ("Cups", "Napkins")),
    ("Cleaning", ("Dishes", "Floors")),
]
HIDDEN_SECTION = "Cleaning"  # only the cleaning group sees it: buyers of other groups do not


def grow_catalog(
    party: Party,
    *,
    products: int,
    price_lists: int,
    list_entries: int,
    categories: int,
    codes: int,
    password_hash: str,
    rng: random.Random,
) -> str | None:
    """Grow the party's catalog to the given totals (`list_entries` per price list, `codes`
    over all categories); returns the email of the buyer who signs in (None: no products)."""
    if products <= 0:
        return None
    classes = {c.code: c.id for c in ensure_vat_classes(party)}
    ids = _grow_products(party, products, classes, rng)
    lists = _grow_price_lists(party, price_lists, list_entries, ids, rng)
    category_ids = _grow_codes(party, categories, codes, ids)
    refresh_code_text(supplier=party)
    compact("product")
    _grow_sections(party, ids)
    mark_restricted(party)
    return _buyer(party, lists, category_ids, password_hash)


def _grow_products(party: Party, size: int, classes: dict, rng: random.Random) -> list[int]:
    have = Product.select().where(Product.supplier == party).count()
    rows, now = [], utcnow()
    for n in range(have, size):
        noun, weight = NOUNS[n % len(NOUNS)], SIZES[(n // len(NOUNS)) % len(SIZES)]
        names = [f"{noun[i]} {weight} {n}" for i in range(len(LANGUAGES))]
        sku = f"B{n:06d}"
        price = 100 + rng.randrange(9_900)
        rows.append(
            {
                "supplier": party.id,
                "sku": sku,
                "sku_key": sku.casefold(),
                "unit": "piece",
                "vat_class": classes["standard" if n % 7 == 0 else "reduced"],
                "list_price_minor": price,
                "purchase_price_minor": price * 6 // 10,
                **sort_names(dict(zip(LANGUAGES, names, strict=True)), party),
                "search_text": fold(" ".join([sku, *names])),
                "created_at": now,
                "names": names,
            }
        )
    BulkInsert(Product).many(rows)
    found = {
        sku: pid
        for pid, sku in Product.select(Product.id, Product.sku)
        .where(Product.supplier == party)
        .tuples()
    }
    _insert(
        "product_text",
        ("product_id", "language", "name", "description"),
        [
            (found[row["sku"]], language, name, "")
            for row in rows
            for language, name in zip(LANGUAGES, row["names"], strict=True)
        ],
    )
    return sorted(found.values())


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Rows as tuples into `table` (names from this module, never from input)."""
    marks = ", ".join([db.obj.param] * len(columns))
    names = ", ".join(f'"{c}"' for c in columns)
    execute_many(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)  # noqa: S608


def _grow_sections(party: Party, product_ids: list[int]) -> list[int]:
    """Two levels of sections, each product in one leaf; returns the leaves' ids."""
    if Section.select().where(Section.supplier == party).exists():
        return [
            s.id
            for s in Section.select(Section.id)
            .where(Section.supplier == party, Section.parent.is_null(False))
            .order_by(Section.id)
        ]
    leaves = []
    for position, (name, children) in enumerate(SECTIONS):
        top = Section.create(supplier=party, position=position)
        SectionText.create(section=top, language="en", name=name)
        if name == HIDDEN_SECTION:
            group = CustomerGroup.create(supplier=party, code="CLEAN", name="Cleaning companies")
            SectionGroup.create(section=top, group=group)
        for child_position, child in enumerate(children):
            leaf = Section.create(supplier=party, parent=top, position=child_position)
            SectionText.create(section=leaf, language="en", name=child)
            leaves.append(leaf.id)
    _insert(
        "product_section",
        ("product_id", "section_id"),
        [(pid, leaves[i % len(leaves)]) for i, pid in enumerate(product_ids)],
    )
    return leaves


def _grow_price_lists(
    party: Party, size: int, entries: int, product_ids: list[int], rng: random.Random
) -> list[int]:
    """`size` price lists (the last one cost-plus), each with a price for its first `entries`
    products, every tenth of them with a tier from 10."""
    have = PriceList.select().where(PriceList.supplier == party).count()
    for n in range(have, size):
        code = f"PL{n + 1:02d}"
        cost_plus = n == size - 1
        price_list = PriceList.create(
            supplier=party,
            name=f"Price list {n + 1}",
            code=code,
            code_key=code.casefold(),
            kind="cost_plus" if cost_plus else "fixed",
            surcharge_bp=2500 if cost_plus else None,
        )
        rows = []
        for i, pid in enumerate(product_ids[:entries]):
            if cost_plus:
                rows.append((price_list.id, pid, 1, None, 1000 + (i % 20) * 100))
                continue
            rows.append((price_list.id, pid, 1, 90 + rng.randrange(9_000), None))
            if i % 10 == 0:
                rows.append((price_list.id, pid, 10, 80 + rng.randrange(8_000), None))
        _insert(
            "price_list_entry",
            ("price_list_id", "product_id", "min_quantity", "price_minor", "surcharge_bp"),
            rows,
        )
    return [
        p.id
        for p in PriceList.select(PriceList.id)
        .where(PriceList.supplier == party)
        .order_by(PriceList.id)
    ]


def _grow_codes(party: Party, size: int, codes: int, product_ids: list[int]) -> list[int]:
    """`size` customer categories, `codes` own codes spread evenly over them."""
    have = CustomerCategory.select().where(
        CustomerCategory.supplier == party, CustomerCategory.code.startswith("K")
    )
    known = {c.code: c.id for c in have}
    per_category = codes // size if size else 0
    # the customer's own description: what it calls the product (here its Dutch name, short)
    names = (
        [
            " ".join(name.split()[:-1])
            for (name,) in ProductText.select(ProductText.name)
            .where(
                ProductText.product.in_(product_ids[:per_category]), ProductText.language == "nl"
            )
            .order_by(ProductText.product)
            .tuples()
        ]
        if per_category
        else []
    )
    for n in range(size):
        code = f"K{n + 1:02d}"
        if code in known:
            continue
        category = CustomerCategory.create(supplier=party, code=code, name=f"Category {n + 1}")
        known[code] = category.id
        _insert(
            "category_code",
            ("category_id", "product_id", "code", "code_key", "description", "search_key"),
            [
                (
                    category.id,
                    pid,
                    f"{code}-{i:06d}",
                    f"{code}-{i:06d}".casefold(),
                    name,
                    code_search_key(f"{code}-{i:06d}", name),
                )
                for i, (pid, name) in enumerate(zip(product_ids[:per_category], names, strict=True))
            ],
        )
    return [known[code] for code in sorted(known)]


def _buyer(supplier: Party, lists: list[int], category_ids: list[int], password_hash: str) -> str:
    """A buyer company connected to the supplier on its first price list, in its first
    category, in a group that does not see the hidden section; returns its admin's email."""
    email = f"scale-buyer-{supplier.id}@example.com"
    if User.select().where(User.email == email).exists():
        return email
    buyer = Party.create(
        legal_name=f"Benchmark Buyer {supplier.id} B.V.",
        display_name=f"Benchmark Buyer {supplier.id}",
        country="NL",
        language="en",
        currency="EUR",
        email=f"buyer-{supplier.id}@example.com",
    )
    user = User.create(
        email=email,
        name="Bench Buyer",
        password_hash=password_hash,
        language="en",
        last_party=buyer,
    )
    Membership.create(user=user, party=buyer, role="admin")
    group = CustomerGroup.create(supplier=supplier, code="BUY", name="Buyers", discount_bp=200)
    link = Relationship(
        supplier=supplier,
        customer=buyer,
        status="connected",
        answered_at=utcnow() - dt.timedelta(days=1),
        client_code="BUYER",
        group=group,
        category=category_ids[0] if category_ids else None,
        price_list_id=lists[0] if lists else None,
    )
    link.sort_name, link.search_text = index_text(link, buyer)
    link.save()
    return email
