"""Orders on both sides (F39): the buyer's orders with all its suppliers ("Orders") and the
supplier's orders from all its clients ("Client orders"), each with filters, search, the
order's detail and history; the supplier moves an order along its status flow."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from models.base import DomainError, NotFound
from models.budgets import order_checks
from models.buyer_catalog import catalog_link
from models.order_mail import notify_status
from models.orders import (
    ACTION_LABELS,
    ACTIONS,
    STATUS_LABELS,
    IllegalTransition,
    OrderFilters,
    change_status,
    order_of,
    orders_page,
    reorder,
    vat_lines_of,
)
from models.parties import User
from models.relationships import Relationship

from .access import member
from .htmx import page_or_block, redirect_to, wants_block

bp = Blueprint("orders", __name__, url_prefix="/p/<int:party_id>/orders")
sales = Blueprint("sales", __name__, url_prefix="/p/<int:party_id>/sales")

PARTNERS_LISTED = 100  # a filter of more clients than this is the search by name

LIST_STATUSES = (
    "open",
    "awaiting_approval",
    "placed",
    "confirmed",
    "shipped",
    "delivered",
    "cancelled",
    "rejected",
)


def _partners(side: str) -> list[tuple[int, str]]:
    """(relationship id, name) of the party's suppliers or clients, for the filter."""
    from models.parties import Party

    if side == "purchases":
        own, other = Relationship.customer, Relationship.supplier
    else:
        own, other = Relationship.supplier, Relationship.customer
    rows = list(
        Relationship.select(Relationship.id, Party.display_name)
        .join(Party, on=(other == Party.id))
        .where(own == g.party, Relationship.status == "connected")
        .order_by(Relationship.sort_name if side == "sales" else Party.display_name)
        .limit(PARTNERS_LISTED + 1)
        .tuples()
    )
    # a supplier with thousands of clients finds one by searching its name instead
    return rows if len(rows) <= PARTNERS_LISTED else []


def _index(side: str, template: str, endpoint: str):
    filters = OrderFilters.read(request.args)
    page = orders_page(g.party, side, filters, request.args.get("page"))
    return page_or_block(
        template,
        "order_rows" if wants_block() else None,
        side=side,
        endpoint=endpoint,
        orders=page,
        filters=filters,
        partners=_partners(side) if not wants_block() else [],
        statuses=[
            (s, STATUS_LABELS[s] if s != "open" else _("Open"))
            for s in LIST_STATUSES
            # orders waiting for approval are the customer's business (F35)
            if s != "awaiting_approval" or side == "purchases"
        ],
        list_args={
            "status": filters.status or None,
            "with": filters.relationship_id,
            "from": filters.date_from.isoformat() if filters.date_from else None,
            "to": filters.date_to.isoformat() if filters.date_to else None,
            "q": filters.search or None,
        },
    )


def _show(side: str, order_id, status=200, **state):
    try:
        order, lines, events = order_of(g.party, side, order_id)
    except NotFound:
        abort(404)
    return page_or_block(
        "orders/show.html",
        None,
        status,
        side=side,
        order=order,
        lines=lines,
        events=events,
        totals=vat_lines_of(order, lines),
        # what the order did against the buyer's budgets: the customer's own business
        budget_checks=order_checks(order.id) if side == "purchases" else [],
        approver=User.get_or_none(User.id == order.approved_by_id)
        if order.approved_by_id
        else None,
        action_labels=ACTION_LABELS,
        actions=ACTIONS,
        **state,
    )


@bp.route("/")
@member("employee")
def index(party_id):
    """The orders this company placed with its suppliers, newest first."""
    return _index("purchases", "orders/index.html", "orders.index")


@bp.route("/<int:order_id>")
@member("employee")
def show(party_id, order_id):
    """One order this company placed: lines, breakdown, delivery and history."""
    return _show("purchases", order_id)


@bp.route("/<int:order_id>/reorder", methods=["POST"])
@member("employee")
def reorder_lines(party_id, order_id):
    """Put a past order's lines into the cart again, at today's prices."""
    try:
        order, _lines, _events = order_of(g.party, "purchases", order_id)
        if order.relationship_id is None:  # no longer a client of that supplier
            abort(404)
        relationship = catalog_link(g.party, order.relationship_id, current_user.id)
    except NotFound:
        abort(404)
    locale = get_locale()
    try:
        missing = reorder(
            current_user._get_current_object(),
            relationship,
            order,
            locale.language if locale else "en",
        )
    except DomainError as refusal:
        flash(str(refusal), "error")
        return redirect_to(url_for(".show", party_id=party_id, order_id=order.id))
    if missing:
        flash(
            _(
                "These products are no longer available and were left out: %(names)s.",
                names=", ".join(f"{line.sku} {line.name}" for line in missing),
            ),
            "error",
        )
    else:
        flash(_("The order's products are in your cart."))
    return redirect_to(url_for("cart.show", party_id=party_id, relationship_id=relationship.id))


@sales.route("/")
@member("employee")
def index_sales(party_id):
    """The orders this company's clients placed, newest first."""
    return _index("sales", "orders/index.html", "sales.index_sales")


@sales.route("/<int:order_id>")
@member("employee")
def show_sale(party_id, order_id):
    """One client's order, with the actions its status allows."""
    return _show("sales", order_id)


@sales.route("/<int:order_id>/confirm", methods=["POST"], defaults={"action": "confirm"})
@sales.route("/<int:order_id>/ship", methods=["POST"], defaults={"action": "ship"})
@sales.route("/<int:order_id>/deliver", methods=["POST"], defaults={"action": "deliver"})
@member("employee")
def act(party_id, order_id, action):
    """Confirm, ship or deliver an order."""
    return _act(order_id, action)


@sales.route("/<int:order_id>/cancel", methods=["POST"], defaults={"action": "cancel"})
@sales.route("/<int:order_id>/reject", methods=["POST"], defaults={"action": "reject"})
@member("supervisor")
def cancel(party_id, order_id, action):
    """Cancel or reject an order, with the reason the client reads (supervisors, admins)."""
    return _act(order_id, action)


def _act(order_id, action):
    party_id = g.party.id
    try:
        order_of(g.party, "sales", order_id)  # another supplier's order: 404 before anything
    except NotFound:
        abort(404)
    try:
        order = change_status(
            current_user._get_current_object(),
            g.party,
            order_id,
            action,
            g.membership.has_role,
            request.form.get("reason", ""),
            request.form.get("version"),
        )
    except PermissionError:
        abort(403)
    except NotFound:
        abort(404)
    except IllegalTransition as refusal:
        return _show("sales", order_id, 409, action_error=str(refusal))
    except DomainError as refusal:
        return _show(
            "sales",
            order_id,
            422,
            action_error=str(refusal),
            reason_for=action,
            reason=request.form.get("reason", ""),
        )
    notify_status(order)
    flash(
        _("Order %(number)s is now “%(status)s”.", number=order.number, status=order.status_label)
    )
    return redirect_to(url_for(".show_sale", party_id=party_id, order_id=order.id))
