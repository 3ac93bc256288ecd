"""Approvals (F35), customer side: the supervisors' queue of orders waiting for approval;
approve or reject with a comment, one at a time or several at once. A plain form: it works
without JavaScript as it is."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models.approvals import decide, notify, order_ids, queue_of
from models.base import DomainError, NotFound

from .access import member
from .htmx import page_or_block, redirect_to

bp = Blueprint("approvals", __name__, url_prefix="/p/<int:party_id>/approvals")


def _page(status=200, error=None, field=None, comment="", ticked=()):
    return page_or_block(
        "approvals/index.html",
        None,
        status,
        orders=queue_of(g.party),
        error=error,
        field=field,
        comment=comment,
        ticked=set(ticked),
    )


@bp.route("/")
@member("supervisor")
def index(party_id):
    """The orders of the party waiting for a supervisor's approval, oldest first."""
    return _page()


@bp.route("/", methods=["POST"])
@member("supervisor")
def decide_orders(party_id):
    """Approve or reject the ticked orders (each on its own: one's problem does not hold up
    the others); what became of each is told back, and the buyers by email."""
    decision = request.form.get("decision", "")
    if decision not in ("approve", "reject"):
        abort(400)
    comment = request.form.get("comment", "")
    raw = request.form.getlist("order_ids")
    try:
        ids = order_ids(raw)
        results = decide(current_user._get_current_object(), g.party, ids, decision, comment)
    except NotFound:
        abort(404)
    except DomainError as refusal:
        return _page(422, str(refusal), refusal.field, comment, raw)
    problems = []
    for result in results:
        if result.done or result.problem is not None:
            notify(result)
        if result.done:
            flash(
                _("Order %(number)s is approved and placed.", number=result.order.number)
                if decision == "approve"
                else _("Order %(number)s is rejected.", number=result.order.number)
            )
        else:
            problems.append(
                _(
                    "Order %(number)s: %(problem)s",
                    number=result.order.number,
                    problem=str(result.problem),
                )
            )
    if problems:
        status = 409 if len(problems) == len(results) else 200
        return _page(
            status,
            " ".join(problems),
            "order_ids",
            "",
            [str(r.order.id) for r in results if not r.done],
        )
    return redirect_to(url_for(".index", party_id=party_id))
