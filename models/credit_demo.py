"""The demo's store credit and gift cards (issue 11, F36, F45): Café Lumière has store credit
with Brouwer Groothandel (a goodwill credit, a gift card it redeemed, a debit), Bodega Olivares
a welcome credit with Hoffmann Laborbedarf; and one gift card of Brouwer waits to be redeemed,
with a code everybody knows (`make run` prints it)."""

from __future__ import annotations

import datetime as dt

from .relationships import Relationship
from .store_credit import CreditEntry, GiftCard, code_hash, grouped, issue_gift_card

# Fixed once from the card alphabet (models/store_credit.py), so that the demo can print it;
# stored, like every code, only as its hash and last four characters.
DEMO_GIFT_CARD_CODE = "EDMGU5KRK573WCGQ"
DEMO_GIFT_CARD_VALUE = "40.00"
DEMO_GIFT_CARD_SIGNIN = (
    f"Gift card to redeem as buyer@example.com at Brouwer Groothandel "
    f"(Café Lumière, My suppliers, Balance): {grouped(DEMO_GIFT_CARD_CODE)} "
    f"(€{DEMO_GIFT_CARD_VALUE})"
)
REDEEMED_DEMO_CODE = "QW7NHP4TZK2MRCX9"  # redeemed long ago; shows in the history


def _link(parties, supplier: str, customer: str) -> Relationship:
    return Relationship.get(
        Relationship.supplier == parties[supplier], Relationship.customer == parties[customer]
    )


def add_demo(parties: dict, users: dict) -> None:
    anne = users["supplier-admin@example.com"]
    buyer = users["buyer@example.com"]
    today = dt.date.today()
    moment = dt.datetime.utcnow().replace(hour=10, minute=0, second=0, microsecond=0)

    lumiere = _link(parties, "brouwer", "lumiere")
    CreditEntry.create(
        relationship=lumiere,
        kind="credit",
        amount_minor=2500,
        reason="Goodwill: de levering van maart kwam een dag te laat",
        actor=anne,
        entry_date=today - dt.timedelta(days=60),
        created_at=moment - dt.timedelta(days=60),
    )
    used = GiftCard.create(
        supplier=parties["brouwer"],
        value_minor=5000,
        currency=parties["brouwer"].currency,
        expires_on=today + dt.timedelta(days=300),
        code_hash=code_hash(REDEEMED_DEMO_CODE),
        code_last4=REDEEMED_DEMO_CODE[-4:],
        note="Kerstactie",
        issued_by=anne,
        issued_at=moment - dt.timedelta(days=50),
        redeemed_by=lumiere,
        redeemed_at=moment - dt.timedelta(days=45),
        redeemed_by_user=buyer,
    )
    CreditEntry.create(
        relationship=lumiere,
        kind="gift_card",
        amount_minor=5000,
        gift_card=used,
        actor=buyer,
        entry_date=today - dt.timedelta(days=45),
        created_at=moment - dt.timedelta(days=45),
    )
    CreditEntry.create(
        relationship=lumiere,
        kind="debit",
        amount_minor=-1000,
        reason="Correctie: goodwill dubbel geboekt",
        actor=anne,
        entry_date=today - dt.timedelta(days=20),
        created_at=moment - dt.timedelta(days=20),
    )
    olivares = _link(parties, "hoffmann", "olivares")
    CreditEntry.create(
        relationship=olivares,
        kind="credit",
        amount_minor=1500,
        reason="Willkommensgutschrift für Ihre erste Bestellung",
        actor=users["hoffmann-admin@example.com"],
        entry_date=today - dt.timedelta(days=10),
        created_at=moment - dt.timedelta(days=10),
    )
    # the card `make run` prints, for buyer@example.com to redeem at Brouwer
    issue_gift_card(
        anne,
        parties["brouwer"],
        DEMO_GIFT_CARD_VALUE,
        today + dt.timedelta(days=365),
        "Demo: voor Café Lumière",
        code=DEMO_GIFT_CARD_CODE,
    )
