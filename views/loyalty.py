"""Loyalty points (F38): the supplier sets the amount per point of a client (on the client's
overview, supervisors and admins) or of a customer group (on the group's page, admins) and
adjusts a balance by hand; the buyer reads its balance and history on the supplier's Points
tab. Plain forms answered with a redirect, or the page again with the field's message (422):
they work without JavaScript as they are."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models.base import DomainError, NotFound, StaleForm, from_minor
from models.client_groups import group_of
from models.loyalty import adjust, own_rate, set_rate, summary_of
from models.relationships import Relationship, client_of, supplier_link

from .access import member
from .forms.company import amount_text
from .forms.fields import field_error
from .forms.loyalty import LoyaltyRateForm, PointsAdjustForm
from .htmx import redirect_to

bp = Blueprint("loyalty", __name__, url_prefix="/p/<int:party_id>")

HISTORY_ON_OVERVIEW = 10
LOYALTY_STATE = ("rate_form", "adjust_form", "loyalty_error")  # what a refused form brings
HISTORY_ON_TAB = 100


def rate_form(target, currency: str, **kwargs) -> LoyaltyRateForm:
    """The amount-per-point form of a client or group, filled with its own saved rate."""
    if kwargs.get("formdata", True) is None:
        row = own_rate(target)
        kwargs["data"] = {
            "version": str(row.version if row else 0),
            "amount_per_point": amount_text(
                from_minor(row.amount_minor if row else None, currency), currency
            ),
        }
    return LoyaltyRateForm(currency=currency, **kwargs)


def client_loyalty(relationship: Relationship, shown: bool, **state) -> dict:
    """What the client's overview shows of its points (nothing until it is connected): the
    rate, balance and latest entries, with the forms of supervisors and admins."""
    values = {"loyalty": None, "rate_form": None, "adjust_form": None, "loyalty_error": None}
    if not shown or relationship.status != "connected":
        return values
    values["loyalty"] = summary_of(relationship, g.party.currency, HISTORY_ON_OVERVIEW)
    if g.membership.has_role("supervisor"):
        values["rate_form"] = rate_form(relationship, g.party.currency, formdata=None)
        values["adjust_form"] = PointsAdjustForm(formdata=None)
    values.update(state)
    return values


def buyer_points(relationship: Relationship, tab: str) -> dict:
    """What the buyer's supplier page shows of its points: on the overview the rate and
    balance, on the Points tab the history too."""
    if relationship.status != "connected" or tab not in ("overview", "points"):
        return {"points": None}
    limit = HISTORY_ON_TAB if tab == "points" else 0
    return {"points": summary_of(relationship, relationship.supplier.currency, limit)}


# --- the supplier's side ---------------------------------------------------------------------


def _client_or_404(relationship_id) -> Relationship:
    try:
        relationship = client_of(g.party, relationship_id)
    except NotFound:
        abort(404)
    if relationship.status != "connected":
        abort(404)
    return relationship


def _overview(relationship: Relationship, status: int, **state):
    from .clients import _render  # the client's page (views/clients.py imports this module)

    return _render(relationship, None, status, **state)


def _back(relationship: Relationship):
    url = url_for("clients.show", party_id=g.party.id, relationship_id=relationship.id)
    return redirect_to(url + "#client-loyalty")


@bp.route("/clients/<int:relationship_id>/loyalty", methods=["POST"])
@member("supervisor")
def update_client_rate(party_id, relationship_id):
    """Set the client's own amount per point; empty: its group's rate applies, if any."""
    relationship = _client_or_404(relationship_id)
    form, outcome, message = _posted_rate(relationship)
    if outcome == "saved":
        return _back(relationship)
    if outcome == "stale":
        fresh = rate_form(relationship, g.party.currency, formdata=None)
        return _overview(relationship, 409, rate_form=fresh, loyalty_error=message)
    return _overview(relationship, 422, rate_form=form, loyalty_error=message)


def _posted_rate(owner):
    """The posted amount per point saved for a client or a group: (form, "saved" | "stale" |
    None, the message to show)."""
    form = LoyaltyRateForm(currency=g.party.currency)
    if not form.validate_on_submit():
        return form, None, None
    try:
        set_rate(
            current_user._get_current_object(),
            g.party,
            owner,
            form.amount_per_point.amount,
            form.version.data or "",
        )
    except StaleForm as stale:
        return form, "stale", str(stale)
    except DomainError as refusal:
        return form, None, field_error(form, refusal)
    flash(_("The loyalty rate is saved."))
    return form, "saved", None


@bp.route("/clients/<int:relationship_id>/loyalty/adjust", methods=["POST"])
@member("supervisor")
def adjust_points(party_id, relationship_id):
    """Add points to the client's balance or take some off, with the reason."""
    relationship = _client_or_404(relationship_id)
    form = PointsAdjustForm()
    error = None
    if form.validate_on_submit():
        try:
            adjust(
                current_user._get_current_object(),
                g.party,
                relationship,
                form.points.data,
                form.reason.data,
            )
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            flash(_("The points are adjusted."))
            return _back(relationship)
    return _overview(relationship, 422, adjust_form=form, loyalty_error=error)


@bp.route("/clients/groups/<int:row_id>/loyalty", methods=["POST"])
@member("admin")
def update_group_rate(party_id, row_id):
    """Set the customer group's amount per point: its clients without a rate of their own
    earn at it; empty: none."""
    try:
        group = group_of(g.party, "group", row_id)
    except NotFound:
        abort(404)
    form, outcome, message = _posted_rate(group)
    if outcome == "saved":
        return redirect_to(
            url_for("client_groups.edit", party_id=g.party.id, row_id=group.id) + "#group-loyalty"
        )
    if outcome == "stale":
        return _group_page(group, 409, rate_form(group, g.party.currency, formdata=None), message)
    return _group_page(group, 422, form, message)


def group_loyalty(group, **state) -> dict:
    """The group page's amount-per-point form (admins), filled with the group's rate."""
    return {
        "rate_form": rate_form(group, g.party.currency, formdata=None),
        "loyalty_error": None,
        **state,
    }


def _group_page(group, status: int, form, error):
    from .client_groups import _edit_page, _form, _form_data

    edit = _form("group", formdata=None, data=_form_data("group", group))
    return _edit_page("group", group, edit, status, rate_form=form, loyalty_error=error)


# --- the buyer's side ------------------------------------------------------------------------


@bp.route("/suppliers/<int:relationship_id>/points")
@member("employee")
def points_tab(party_id, relationship_id):
    """The points this company has with the supplier: the rate, the balance and every entry
    (the order it came from, points earned or taken off, the date)."""
    try:
        relationship = supplier_link(g.party, relationship_id)
    except NotFound:
        abort(404)
    if relationship.status != "connected":
        abort(404)
    from .suppliers import render_tab

    return render_tab(relationship, tab="points")
