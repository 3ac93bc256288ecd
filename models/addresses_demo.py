"""The demo's addresses (F45): invoice and delivery addresses with delivery points, among
them a university campus with several buildings. Kept beside models/addresses.py, whose verbs
make them, so that module stays about its rules."""

from __future__ import annotations

from .addresses import add_address, add_delivery_point
from .parties import Party, User

_DEMO_ADDRESSES = {
    # party key: [(kind, fields, [(point name, instructions)])]
    "valcarcel": [
        (
            "invoice",
            {
                "label": "Rectorado",
                "recipient": "Servicio de Contratación y Compras",
                "street": "Avenida de la Universidad 1",
                "postal_code": "28040",
                "city": "Madrid",
                "region": "Comunidad de Madrid",
                "country": "ES",
            },
            [],
        ),
        (
            "delivery",
            {
                "label": "Campus de Montegancedo",
                "recipient": "Universidad de Valcárcel – Almacén central",
                "street": "Camino de Montegancedo s/n",
                "postal_code": "28660",
                "city": "Boadilla del Monte",
                "region": "Comunidad de Madrid",
                "country": "ES",
            },
            [
                (
                    "Edificio 1 – Biblioteca, muelle de carga",
                    "Muelle abierto de 8:00 a 14:00. Llamar a conserjería (ext. 4101).",
                ),
                (
                    "Edificio 3 – Laboratorios, entrada de mercancías",
                    "Productos refrigerados directamente a la cámara fría, planta -1.",
                ),
                (
                    "Edificio 5 – Cafetería central, cocina",
                    "Acceso por la puerta trasera; entregas antes de las 10:30.",
                ),
            ],
        ),
        (
            "delivery",
            {
                "label": "Facultad de Medicina",
                "street": "Calle del Doctor Esquerdo 46",
                "postal_code": "28007",
                "city": "Madrid",
                "region": "Comunidad de Madrid",
                "country": "ES",
            },
            [
                ("Pabellón 2 – Anatomía, sótano", "Identificarse en el control de seguridad."),
                ("Aulario – conserjería", ""),
            ],
        ),
    ],
    "brouwer": [
        (
            "invoice",
            {
                "label": "Hoofdkantoor",
                "recipient": "Crediteurenadministratie",
                "street": "Keizersgracht 212",
                "postal_code": "1016 DZ",
                "city": "Amsterdam",
                "country": "NL",
            },
            [],
        ),
        (
            "delivery",
            {
                "label": "Magazijn Westpoort",
                "street": "Transformatorweg 30",
                "postal_code": "1014 AK",
                "city": "Amsterdam",
                "country": "NL",
            },
            [("Dock 4 – inslag", "Melden bij de portier; laden en lossen tot 16:00.")],
        ),
    ],
    "lumiere": [
        (
            "invoice",
            {
                "street": "18 rue des Martyrs",
                "postal_code": "75009",
                "city": "Paris",
                "country": "FR",
            },
            [],
        ),
        (
            "delivery",
            {
                "label": "Café",
                "street": "18 rue des Martyrs",
                "postal_code": "75009",
                "city": "Paris",
                "country": "FR",
            },
            [("Réserve – entrée cour", "Sonner à l'interphone « Livraisons ».")],
        ),
    ],
    "olivares": [
        (
            "invoice",
            {
                "street": "Calle de Toledo 74",
                "postal_code": "28005",
                "city": "Madrid",
                "country": "ES",
            },
            [],
        ),
        (
            "delivery",
            {
                "label": "Bodega",
                "street": "Calle de Toledo 74",
                "postal_code": "28005",
                "city": "Madrid",
                "country": "ES",
            },
            [],
        ),
    ],
    "nordhavn": [
        (
            "invoice",
            {
                "street": "Sundkrogsgade 21",
                "postal_code": "2150",
                "city": "Nordhavn",
                "country": "DK",
            },
            [],
        ),
    ],
}
_DEMO_ACTORS = {
    "valcarcel": "valcarcel-buyer@example.com",
    "brouwer": "supplier-admin@example.com",
    "lumiere": "lumiere-admin@example.com",
    "olivares": "olivares-admin@example.com",
    "nordhavn": "both@example.com",
}


def add_demo(parties: dict[str, Party], users: dict[str, User]) -> None:
    """Addresses with delivery points, made through the verbs of models/addresses.py."""
    for key, addresses in _DEMO_ADDRESSES.items():
        party, actor = parties.get(key), users.get(_DEMO_ACTORS[key])
        if party is None:
            continue
        for kind, fields, points in addresses:
            address = add_address(actor, party, kind=kind, **fields)
            for name, instructions in points:
                add_delivery_point(actor, party, address.id, name=name, instructions=instructions)
