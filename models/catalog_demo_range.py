"""The demo supplier's full range (issue 9): about 500 products in five languages across
catalog sections, each family with a generated picture, on top of the dozen hand-written
products of catalog_demo.py. Written in bulk (no audit entry per product: the demo's audit log
stays readable); the search index follows by its triggers."""

from __future__ import annotations

import io

from .base import BulkInsert, utcnow
from .catalog import Product, ProductSection, ProductText, _search_text, sort_names
from .parties import Party
from .product_images import ProductImage, render

# family: (code, section, VAT class, base price in cents, names in en/nl/de/fr/es)
FAMILIES = [
    ("KOF", "coffee", "reduced", 1290, ("Coffee", "Koffie", "Kaffee", "Café", "Café")),
    (
        "ESP",
        "coffee",
        "reduced",
        1590,
        ("Espresso", "Espresso", "Espresso", "Expresso", "Espresso"),
    ),
    (
        "DCF",
        "coffee",
        "reduced",
        1450,
        (
            "Decaf coffee",
            "Cafeïnevrije koffie",
            "Entkoffeinierter Kaffee",
            "Café décaféiné",
            "Café descafeinado",
        ),
    ),
    (
        "THE",
        "tea",
        "reduced",
        420,
        ("Black tea", "Zwarte thee", "Schwarzer Tee", "Thé noir", "Té negro"),
    ),
    (
        "TGR",
        "tea",
        "reduced",
        460,
        ("Green tea", "Groene thee", "Grüner Tee", "Thé vert", "Té verde"),
    ),
    (
        "TMU",
        "tea",
        "reduced",
        380,
        ("Mint tea", "Muntthee", "Pfefferminztee", "Thé à la menthe", "Té de menta"),
    ),
    (
        "CHO",
        "tea",
        "reduced",
        690,
        (
            "Hot chocolate",
            "Warme chocolademelk",
            "Heiße Schokolade",
            "Chocolat chaud",
            "Chocolate caliente",
        ),
    ),
    (
        "MLK",
        "dairy",
        "reduced",
        125,
        ("Whole milk", "Volle melk", "Vollmilch", "Lait entier", "Leche entera"),
    ),
    (
        "MLH",
        "dairy",
        "reduced",
        115,
        (
            "Semi-skimmed milk",
            "Halfvolle melk",
            "Fettarme Milch",
            "Lait demi-écrémé",
            "Leche semidesnatada",
        ),
    ),
    (
        "HAV",
        "dairy",
        "reduced",
        245,
        ("Oat drink", "Haverdrank", "Haferdrink", "Boisson à l'avoine", "Bebida de avena"),
    ),
    (
        "SOJ",
        "dairy",
        "reduced",
        235,
        ("Soy drink", "Sojadrank", "Sojadrink", "Boisson au soja", "Bebida de soja"),
    ),
    (
        "ROO",
        "dairy",
        "reduced",
        310,
        ("Whipping cream", "Slagroom", "Schlagsahne", "Crème fouettée", "Nata para montar"),
    ),
    (
        "YOG",
        "dairy",
        "reduced",
        195,
        ("Greek yoghurt", "Griekse yoghurt", "Griechischer Joghurt", "Yaourt grec", "Yogur griego"),
    ),
    (
        "KAA",
        "dairy",
        "reduced",
        1120,
        ("Gouda cheese", "Goudse kaas", "Gouda-Käse", "Fromage gouda", "Queso gouda"),
    ),
    (
        "CRS",
        "bakery",
        "reduced",
        65,
        ("Croissant", "Croissant", "Croissant", "Croissant", "Cruasán"),
    ),
    (
        "BRD",
        "bakery",
        "reduced",
        285,
        (
            "Sourdough bread",
            "Zuurdesembrood",
            "Sauerteigbrot",
            "Pain au levain",
            "Pan de masa madre",
        ),
    ),
    (
        "KOE",
        "bakery",
        "reduced",
        180,
        (
            "Butter cookies",
            "Boterkoekjes",
            "Butterkekse",
            "Biscuits au beurre",
            "Galletas de mantequilla",
        ),
    ),
    (
        "STR",
        "bakery",
        "reduced",
        240,
        ("Stroopwafels", "Stroopwafels", "Sirupwaffeln", "Gaufres au sirop", "Gofres de sirope"),
    ),
    (
        "APS",
        "drinks",
        "reduced",
        210,
        ("Apple juice", "Appelsap", "Apfelsaft", "Jus de pomme", "Zumo de manzana"),
    ),
    (
        "SIN",
        "drinks",
        "reduced",
        230,
        ("Orange juice", "Sinaasappelsap", "Orangensaft", "Jus d'orange", "Zumo de naranja"),
    ),
    (
        "WAT",
        "drinks",
        "reduced",
        95,
        ("Mineral water", "Mineraalwater", "Mineralwasser", "Eau minérale", "Agua mineral"),
    ),
    (
        "SPA",
        "drinks",
        "reduced",
        105,
        ("Sparkling water", "Bruisend water", "Sprudelwasser", "Eau gazeuse", "Agua con gas"),
    ),
    ("COL", "drinks", "reduced", 140, ("Cola", "Cola", "Cola", "Cola", "Cola")),
    ("LIM", "drinks", "reduced", 135, ("Lemonade", "Limonade", "Limonade", "Limonade", "Limonada")),
    (
        "SUI",
        "pantry",
        "reduced",
        190,
        ("Cane sugar", "Rietsuiker", "Rohrzucker", "Sucre de canne", "Azúcar de caña"),
    ),
    ("HON", "pantry", "reduced", 560, ("Honey", "Honing", "Honig", "Miel", "Miel")),
    (
        "SIR",
        "pantry",
        "reduced",
        720,
        (
            "Vanilla syrup",
            "Vanillesiroop",
            "Vanillesirup",
            "Sirop de vanille",
            "Sirope de vainilla",
        ),
    ),
    (
        "OLI",
        "pantry",
        "reduced",
        890,
        ("Olive oil", "Olijfolie", "Olivenöl", "Huile d'olive", "Aceite de oliva"),
    ),
    (
        "BKR",
        "supplies",
        "standard",
        1490,
        ("Paper cups", "Papieren bekers", "Pappbecher", "Gobelets en carton", "Vasos de papel"),
    ),
    (
        "DKS",
        "supplies",
        "standard",
        690,
        ("Cup lids", "Deksels", "Becherdeckel", "Couvercles", "Tapas"),
    ),
    (
        "SRV",
        "supplies",
        "standard",
        560,
        ("Napkins", "Servetten", "Servietten", "Serviettes", "Servilletas"),
    ),
    (
        "RRS",
        "supplies",
        "standard",
        340,
        ("Stirrers", "Roerstaafjes", "Rührstäbchen", "Agitateurs", "Removedores"),
    ),
    (
        "AFW",
        "cleaning",
        "standard",
        460,
        ("Dish soap", "Afwasmiddel", "Spülmittel", "Liquide vaisselle", "Lavavajillas"),
    ),
    (
        "ONT",
        "cleaning",
        "standard",
        1290,
        ("Descaler", "Ontkalker", "Entkalker", "Détartrant", "Descalcificador"),
    ),
    (
        "DOE",
        "cleaning",
        "standard",
        380,
        ("Cleaning cloths", "Schoonmaakdoekjes", "Putztücher", "Chiffons", "Bayetas"),
    ),
]
# each family comes in these variants: (code, label, price factor)
VARIANTS = [
    ("S", "250 g", 0.35),
    ("M", "500 g", 0.6),
    ("L", "1 kg", 1.0),
    ("XL", "2 kg", 1.85),
    ("B6", "6 × 250 g", 2.6),
    ("B12", "12 × 250 g", 4.9),
    ("B24", "24 × 250 g", 9.2),
    ("BIO", "organic", 1.25),
    ("FT", "Fairtrade", 1.2),
    ("PRO", "Pro", 1.4),
    ("EC", "Basic", 0.8),
    ("PR", "premium", 1.6),
    ("MI", "mini", 0.25),
    ("MX", "maxi", 2.2),
]
ORGANIC = {"en": "organic", "nl": "biologisch", "de": "Bio", "fr": "bio", "es": "ecológico"}
LANGS = ("en", "nl", "de", "fr", "es")
COLOURS = [(111, 78, 55), (60, 110, 70), (230, 230, 220), (240, 160, 40), (70, 130, 180)]


def add_range(brouwer: Party, classes: dict[str, int], sections: dict[str, int]) -> int:
    """Brouwer's range: FAMILIES × VARIANTS products (sections by family, a picture per
    family); returns how many were added."""
    rows, now = [], utcnow()
    for family, section, vat, base, names in FAMILIES:
        for variant, label, factor in VARIANTS:
            texts = {
                code: f"{name} {ORGANIC[code] if variant == 'BIO' else label}"
                for code, name in zip(LANGS, names, strict=True)
            }
            sku = f"{family}-{variant}"
            price = max(25, int(base * factor))
            rows.append(
                {
                    "supplier": brouwer.id,
                    "sku": sku,
                    "sku_key": sku.casefold(),
                    "unit": "piece",
                    "vat_class": classes[vat],
                    "list_price_minor": price,
                    "purchase_price_minor": price * 62 // 100,
                    **sort_names(texts, brouwer),
                    "search_text": _search_text(sku, texts),
                    "created_at": now,
                    "texts": texts,
                    "section": sections[section],
                    "family": family,
                }
            )
    BulkInsert(Product).many(rows)
    ids = {
        sku: pid
        for pid, sku in Product.select(Product.id, Product.sku)
        .where(Product.supplier == brouwer, Product.sku.in_([r["sku"] for r in rows]))
        .tuples()
    }
    BulkInsert(ProductText).many(
        [
            {"product": ids[r["sku"]], "language": code, "name": name}
            for r in rows
            for code, name in r["texts"].items()
        ]
    )
    BulkInsert(ProductSection).many(
        [{"product": ids[r["sku"]], "section": r["section"]} for r in rows]
    )
    _pictures(rows, ids)
    from .sections import mark_restricted

    mark_restricted(brouwer)  # the catalog supplies are for the Horeca group only
    return len(rows)


def _pictures(rows: list[dict], ids: dict[str, int]) -> None:
    """A generated picture per family (a coloured tile with its code), on each of its products."""
    from PIL import Image, ImageDraw

    made = {}
    for n, (family, *_rest) in enumerate(FAMILIES):
        tile = Image.new("RGB", (320, 320), COLOURS[n % len(COLOURS)])
        draw = ImageDraw.Draw(tile)
        draw.ellipse((60, 60, 260, 260), fill=(255, 255, 255))
        draw.text((160, 160), family, fill=(40, 40, 40), anchor="mm", font_size=64)
        out = io.BytesIO()
        tile.save(out, "PNG")
        made[family] = render(out.getvalue())
    BulkInsert(ProductImage).many(
        [
            {
                "product": ids[r["sku"]],
                "large": made[r["family"]]["large"],
                "thumb": made[r["family"]]["thumb"],
                "width": made[r["family"]]["width"],
                "height": made[r["family"]]["height"],
                "original_bytes": 0,
            }
            for r in rows
        ]
    )
    for family, picture in made.items():
        family_ids = [ids[r["sku"]] for r in rows if r["family"] == family]
        Product.update(image_key=picture["key"]).where(Product.id.in_(family_ids)).execute()
