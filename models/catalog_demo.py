"""The catalog's part of the demo (issue 9): Brouwer Groothandel's products in five languages,
a fixed price list with quantity tiers for its Horeca group and a cost-plus list for Nordhavn,
so that Café Lumière's buyer and Nordhavn's buyer each see their own prices."""

from __future__ import annotations

import itertools
from decimal import Decimal

from .catalog import create_product
from .parties import Party
from .price_lists import (
    CategoryCode,
    OrderDiscount,
    PriceList,
    PriceListEntry,
    code_search_key,
)
from .product_codes import refresh_code_text
from .relationships import CustomerCategory, CustomerGroup, Relationship
from .vat_classes import ensure_vat_classes

# (sku, unit, pack, class, list price, purchase price, names in en/nl/de/fr/es)
PRODUCTS = [
    (
        "KOF-ESP-1",
        "kg",
        None,
        "reduced",
        "18.50",
        "11.20",
        (
            "Espresso beans",
            "Espressobonen",
            "Espressobohnen",
            "Grains d'espresso",
            "Café en grano espresso",
        ),
    ),
    (
        "KOF-FIL-1",
        "kg",
        None,
        "reduced",
        "14.90",
        "8.60",
        (
            "Filter coffee, ground",
            "Filterkoffie, gemalen",
            "Filterkaffee, gemahlen",
            "Café filtre moulu",
            "Café molido de filtro",
        ),
    ),
    (
        "THE-GRN-20",
        "box",
        20,
        "reduced",
        "4.25",
        "2.10",
        ("Green tea", "Groene thee", "Grüner Tee", "Thé vert", "Té verde"),
    ),
    (
        "THE-ZWT-20",
        "box",
        20,
        "reduced",
        "3.95",
        "1.90",
        ("Black tea", "Zwarte thee", "Schwarzer Tee", "Thé noir", "Té negro"),
    ),
    (
        "MLK-VOL-1",
        "l",
        None,
        "reduced",
        "1.35",
        "0.82",
        ("Whole milk", "Volle melk", "Vollmilch", "Lait entier", "Leche entera"),
    ),
    (
        "MLK-HAV-1",
        "l",
        None,
        "reduced",
        "2.45",
        "1.40",
        ("Oat drink", "Haverdrank", "Haferdrink", "Boisson à l'avoine", "Bebida de avena"),
    ),
    (
        "SUI-STK-500",
        "box",
        500,
        "reduced",
        "12.80",
        "7.10",
        ("Sugar sticks", "Suikersticks", "Zuckersticks", "Bâtonnets de sucre", "Sobres de azúcar"),
    ),
    (
        "CRS-BTR-40",
        "case",
        40,
        "reduced",
        "22.00",
        "13.50",
        (
            "Butter croissants, frozen",
            "Roomboter croissants, diepvries",
            "Buttercroissants, tiefgekühlt",
            "Croissants au beurre surgelés",
            "Cruasanes de mantequilla congelados",
        ),
    ),
    (
        "BKR-PAP-1000",
        "case",
        1000,
        "standard",
        "64.00",
        "39.00",
        (
            "Paper cups 8 oz",
            "Papieren bekers 8 oz",
            "Pappbecher 8 oz",
            "Gobelets en carton 8 oz",
            "Vasos de papel 8 oz",
        ),
    ),
    (
        "SRV-WIT-500",
        "case",
        500,
        "standard",
        "18.40",
        "10.90",
        (
            "White napkins",
            "Witte servetten",
            "Weiße Servietten",
            "Serviettes blanches",
            "Servilletas blancas",
        ),
    ),
    (
        "RNG-ALL-5",
        "l",
        None,
        "standard",
        "9.75",
        "5.20",
        (
            "All-purpose cleaner 5 l",
            "Allesreiniger 5 l",
            "Allzweckreiniger 5 l",
            "Nettoyant multi-usage 5 l",
            "Limpiador multiusos 5 l",
        ),
    ),
    (
        "WTR-BRS-24",
        "case",
        24,
        "reduced",
        "11.60",
        "6.90",
        (
            "Sparkling water 0.5 l",
            "Bruisend water 0,5 l",
            "Mineralwasser mit Kohlensäure 0,5 l",
            "Eau gazeuse 0,5 l",
            "Agua con gas 0,5 l",
        ),
    ),
]
DESCRIPTIONS = {
    "KOF-ESP-1": (
        "Medium roast, 70 % arabica: full body with notes of chocolate.",
        "Middelbranding, 70 % arabica: vol van smaak met tonen van chocolade.",
    ),
    "CRS-BTR-40": (
        "Bake 18 minutes at 180 °C straight from the freezer.",
        "Direct uit de vriezer 18 minuten afbakken op 180 °C.",
    ),
}
LANGS = ("en", "nl", "de", "fr", "es")
LUMIERE_CODES = [
    ("KOF-ESP-1", "Café grains maison"),
    ("MLK-VOL-1", "Lait entier cuisine"),
    ("CRS-BTR-40", "Croissants petit-déj"),
    ("BKR-PAP-1000", "Gobelets à emporter"),
]


def add_demo(parties: dict, users: dict) -> None:
    brouwer = parties["brouwer"]
    anne = users["supplier-admin@example.com"]
    classes = {c.code: c.id for c in ensure_vat_classes(brouwer)}
    products = {}
    for sku, unit, pack, vat, price, purchase, names in PRODUCTS:
        values = {f"name_{code}": name for code, name in zip(LANGS, names, strict=True)}
        english, dutch = DESCRIPTIONS.get(sku, ("", ""))
        values.update(description_en=english, description_nl=dutch)
        product = create_product(
            anne,
            brouwer,
            sku=sku,
            unit=unit,
            pack_size=pack,
            vat_class_id=classes[vat],
            list_price=Decimal(price),
            purchase_price=Decimal(purchase),
            **values,
        )
        products[sku] = product
    # Horeca: fixed prices 8 % below the list price, 12 % from 10 (tiers), for the group
    horeca = PriceList.create(supplier=brouwer, name="Horeca 2027", code="HOR27", code_key="hor27")
    entries = []
    for product in products.values():
        for start, factor in ((1, Decimal("0.92")), (10, Decimal("0.88"))):
            price = int((Decimal(product.list_price_minor) * factor).to_integral_value())
            entries.append(
                {
                    "price_list": horeca.id,
                    "product": product.id,
                    "min_quantity": start,
                    "price_minor": price,
                }
            )
    PriceListEntry.insert_many(entries).execute()
    CustomerGroup.update(price_list_id=horeca.id).where(
        CustomerGroup.supplier == brouwer, CustomerGroup.code == "HOR"
    ).execute()
    # Nordhavn buys at cost plus 25 %, 15 % on coffee
    plus = PriceList.create(
        supplier=brouwer,
        name="Groothandel kostprijs-plus",
        code="CP25",
        code_key="cp25",
        kind="cost_plus",
        surcharge_bp=2500,
    )
    for sku in itertools.islice((s for s in products if s.startswith("KOF")), 2):
        PriceListEntry.create(price_list=plus, product=products[sku], surcharge_bp=1500)
    Relationship.update(price_list_id=plus.id).where(
        Relationship.supplier == brouwer, Relationship.customer == parties["nordhavn"]
    ).execute()
    # Café Lumière orders by its own article numbers (F20): a category of its own
    lumiere_codes = CustomerCategory.create(supplier=brouwer, name="Café Lumière", code="LUM")
    Relationship.update(category=lumiere_codes).where(
        Relationship.supplier == brouwer, Relationship.customer == parties["lumiere"]
    ).execute()
    for number, (sku, description) in enumerate(LUMIERE_CODES, start=1001):
        CategoryCode.create(
            category=lumiere_codes,
            product=products[sku],
            code=f"CL-{number}",
            code_key=f"cl-{number}",
            description=description,
            search_key=code_search_key(f"CL-{number}", description),
        )
    refresh_code_text(supplier=brouwer)
    # order conditions (F28): delivery costs below 250, free from 250; 2 % off from 500
    Party.update(delivery_cost_minor=1500, free_delivery_from_minor=25_000).where(
        Party.id == brouwer.id
    ).execute()
    OrderDiscount.create(supplier=brouwer, from_minor=50_000, discount_bp=200)
    # a consumer who sees gross prices (Jan de Vries, NL) and an export client (Thistle &
    # Thyme, GB: no VAT) buy from Brouwer too
    from .relationships_demo import _connect

    _connect(anne, brouwer, parties["devries"], users["jan.devries@example.net"])
    _connect(anne, brouwer, parties["thistle"], users["thistle@example.com"])
    # catalog sections (F19, F25): the horeca supplies only for the Horeca group
    from .sections import create_section, set_product_sections

    horeca_group = CustomerGroup.get(CustomerGroup.supplier == brouwer, CustomerGroup.code == "HOR")

    def add_section(name, names, parent=None, **limits):
        return create_section(
            anne,
            brouwer,
            name=name,
            names=dict(zip(("en", "de", "fr", "es"), names, strict=True)),
            parent_id=parent.id if parent else None,
            **limits,
        )

    drinks = add_section(
        "Koffie en thee", ("Coffee and tea", "Kaffee und Tee", "Café et thé", "Café y té")
    )
    fresh = add_section(
        "Zuivel en bakkerij",
        (
            "Dairy and bakery",
            "Milchprodukte und Backwaren",
            "Crèmerie et boulangerie",
            "Lácteos y panadería",
        ),
    )
    supplies = add_section(
        "Horecabenodigdheden",
        ("Catering supplies", "Gastronomiebedarf", "Fournitures CHR", "Suministros de hostelería"),
        group_ids=[horeca_group.id],
    )
    # the full range: about 500 more products, in sections of their own
    places = {
        "coffee": add_section("Koffie", ("Coffee", "Kaffee", "Café", "Café"), drinks),
        "tea": add_section(
            "Thee en chocolade",
            ("Tea and chocolate", "Tee und Schokolade", "Thé et chocolat", "Té y chocolate"),
            drinks,
        ),
        "dairy": add_section("Zuivel", ("Dairy", "Milchprodukte", "Crèmerie", "Lácteos"), fresh),
        "bakery": add_section(
            "Bakkerij", ("Bakery", "Backwaren", "Boulangerie", "Panadería"), fresh
        ),
        "drinks": add_section(
            "Frisdranken en sappen",
            (
                "Soft drinks and juices",
                "Erfrischungsgetränke und Säfte",
                "Boissons et jus",
                "Refrescos y zumos",
            ),
        ),
        "pantry": add_section("Voorraadkast", ("Pantry", "Vorratsschrank", "Épicerie", "Despensa")),
        "supplies": supplies,
        "cleaning": add_section("Schoonmaak", ("Cleaning", "Reinigung", "Nettoyage", "Limpieza")),
    }
    # the hand-made products in the sections of their kind (a buyer browsing Coffee finds the
    # espresso beans there)
    for sku, place in (
        ("KOF-ESP-1", "coffee"),
        ("KOF-FIL-1", "coffee"),
        ("THE-GRN-20", "tea"),
        ("THE-ZWT-20", "tea"),
        ("MLK-VOL-1", "dairy"),
        ("MLK-HAV-1", "dairy"),
        ("CRS-BTR-40", "bakery"),
        ("BKR-PAP-1000", "supplies"),
        ("SRV-WIT-500", "supplies"),
        ("SUI-STK-500", "supplies"),
    ):
        set_product_sections(anne, brouwer, products[sku].id, [places[place].id])
    from .catalog_demo_range import add_range

    add_range(brouwer, classes, {key: s.id for key, s in places.items()})
