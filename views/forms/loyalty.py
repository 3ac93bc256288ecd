"""The forms of loyalty points (F38): the amount per point of a client or a customer group,
and a manual adjustment of a client's balance (supervisors and admins)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import Length

from .base import PortalForm
from .company import AmountField
from .fields import strip


def plain_minus(value):
    """Field filter: a typographic minus ("−5", as word processors write it) read as "-"."""
    return value.replace("\u2212", "-") if isinstance(value, str) else value


class LoyaltyRateForm(PortalForm):
    """An amount per point ("10.00": one point per 10.00 spent); empty: no programme."""

    version = HiddenField()
    amount_per_point = AmountField(
        _l("Amount per point"),
        [Length(max=40)],
        filters=[strip, plain_minus],
        render_kw={"inputmode": "decimal"},
    )

    def __init__(self, *args, currency: str = "EUR", **kwargs):
        super().__init__(*args, **kwargs)
        self.money_currency = currency


class PointsAdjustForm(PortalForm):
    """Points added (50) or taken off (-20) by hand, with the reason."""

    points = StringField(_l("Points"), [Length(max=20)], filters=[strip, plain_minus])
    reason = StringField(_l("Reason"), [Length(max=500)], filters=[strip])
