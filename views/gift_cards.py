"""The supplier's gift cards (F36): the cards issued (last four characters, value, expiry,
who redeemed them), a form to issue one (supervisors and admins), and the page that shows a
new card's code once, to print or copy; after that only its last four characters remain."""

from __future__ import annotations

import datetime as dt
import secrets

from flask import Blueprint, g, request
from flask_login import current_user

from models.base import DomainError
from models.store_credit import CARD_STATUS_LABELS, cards_of, issue_gift_card

from .access import member
from .htmx import page_or_block

bp = Blueprint("gift_cards", __name__, url_prefix="/p/<int:party_id>/gift-cards")


def _index(status=200, **state):
    return page_or_block(
        "gift_cards/index.html",
        None,
        status,
        cards=cards_of(g.party),
        today=dt.date.today(),
        status_labels=CARD_STATUS_LABELS,
        **{"errors": {}, "values": {}, "issue_key": secrets.token_urlsafe(24), **state},
    )


@bp.route("/")
@member("employee")
def index(party_id):
    """The gift cards this supplier issued, newest first, and the form to issue one."""
    return _index()


@bp.route("/", methods=["POST"])
@member("supervisor")
def create(party_id):
    """Issue a gift card and show its code, this once (supervisors and admins)."""
    values = request.form.to_dict()
    try:
        card, code = issue_gift_card(
            current_user._get_current_object(),
            g.party,
            values.get("value", ""),
            values.get("expires_on", ""),
            values.get("note", ""),
            issue_key=values.get("key"),
        )
    except DomainError as refusal:
        return _index(
            422,
            errors={refusal.field or "value": str(refusal)},
            values=values,
            issue_key=values.get("key") or secrets.token_urlsafe(24),
        )
    # the code is in this answer only: nothing keeps it, no cache may either
    response = page_or_block("gift_cards/issued.html", None, card=card, code=code)
    response.headers["Cache-Control"] = "no-store"
    return response
