"""The customer's side of its relationships (F12): "My suppliers" -- the suppliers this party
buys from, each with the terms the customer may see (never the supplier's notes, tags, client
code or delinquency status), their announcement to the customer's group, and the connection
requests that wait for an answer, which the customer's admins accept or decline."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from models.base import DomainError, NotFound
from models.buyer_catalog import catalog_for, catalog_link, priced_product, product_for
from models.catalog_terms import conditions_for
from models.guard import TooManyAttempts
from models.ledger import owed_by, owed_minor
from models.messages import unread_counts
from models.orders import cart_count
from models.pricing import order_conditions
from models.relationships import (
    PAYMENT_METHOD_LABELS,
    Relationship,
    answer_request,
    effective_terms,
    may_order,
    supplier_link,
    suppliers_of,
)
from models.schedules import DeliverySchedule
from models.store_credit import ENTRY_LABELS as CREDIT_LABELS
from models.store_credit import balance_minor, entries_of, redeem_gift_card, shown_balance

from .access import member
from .htmx import block_for, page_or_block, redirect_to, wants_block
from .loyalty import buyer_points
from .messages import thread_view

bp = Blueprint("suppliers", __name__, url_prefix="/p/<int:party_id>/suppliers")


@bp.route("/")
@member("employee")
def index(party_id):
    """The suppliers of this company, the requests waiting for an answer first."""
    links = suppliers_of(g.party)
    connected = [r for r in links if r.status == "connected"]
    return page_or_block(
        "suppliers/index.html",
        None,
        pending=[r for r in links if r.status == "pending"],
        connected=[(r, effective_terms(r, r.supplier)) for r in connected],
        owed=owed_by([r.id for r in connected]),
        payment_methods=PAYMENT_METHOD_LABELS,
    )


def _link_or_404(relationship_id) -> Relationship:
    try:
        return supplier_link(g.party, relationship_id)
    except NotFound:
        abort(404)


TAB_TEMPLATES = {
    "cart": "cart/_cart.html",
    "checkout": "cart/_checkout.html",
    "balance": "suppliers/_balance.html",
}


def render_tab(relationship: Relationship, status=200, tab="overview", block=None, **state):
    """The supplier's page on one of its tabs (overview, catalog, cart, checkout, messages),
    or one `block` of it for an htmx region."""
    if block is not None and wants_block():
        return page_or_block(
            TAB_TEMPLATES[tab],
            block,
            status,
            tab=tab,
            relationship=relationship,
            supplier=relationship.supplier,
            **state,
        )
    return _render(relationship, status, tab, **state)


def _cart_lines(relationship: Relationship) -> int:
    """The Cart tab's badge: read with the relationship where the catalog's link read it."""
    if relationship.status != "connected":
        return 0
    known = getattr(relationship, "cart_lines", None)
    return known if known is not None else cart_count(relationship.id, current_user.id)


def _render(relationship: Relationship, status=200, tab="overview", **state):
    supplier = relationship.supplier
    connected = relationship.status == "connected"
    terms = effective_terms(relationship, supplier)
    schedule = None
    if terms.schedule_id.value:
        schedule = DeliverySchedule.get_or_none(
            DeliverySchedule.id == terms.schedule_id.value, DeliverySchedule.party == supplier
        )
    group = relationship.group if relationship.group_id else None
    unread = 0
    if relationship.status == "connected":
        user = current_user._get_current_object()
        unread = unread_counts(user, g.party, [relationship.id]).get(relationship.id, 0)
    return page_or_block(
        "suppliers/show.html",
        None,
        status,
        tab=tab,
        unread=unread,
        relationship=relationship,
        supplier=supplier,
        terms=terms,
        schedule=schedule,
        group=group,
        refusal=may_order(relationship) if relationship.status == "connected" else None,
        payment_methods=PAYMENT_METHOD_LABELS,
        cart_lines=_cart_lines(relationship),
        owed=owed_minor(relationship.id) if tab == "overview" and connected else 0,
        # the store-credit balance (F36), once there are entries
        store_credit=shown_balance(relationship.id) if tab == "overview" and connected else None,
        # loyalty points (F38): the rate and balance, on the Points tab the history too
        **buyer_points(relationship, tab),
        **state,
    )


@bp.route("/<int:relationship_id>/")
@member("employee")
def show(party_id, relationship_id):
    """One supplier: how to reach it, its announcement, and the terms it gives this company."""
    relationship = _link_or_404(relationship_id)
    if relationship.status == "declined":
        abort(404)
    return _render(relationship)


@bp.route("/<int:relationship_id>/catalog")
@member("employee")
def catalog(party_id, relationship_id):
    """The supplier's catalog at this company's prices, searched by SKU or name."""
    try:
        relationship = catalog_link(g.party, relationship_id, current_user.id)
    except NotFound:
        abort(404)
    state = catalog_state(relationship, "suppliers.catalog")
    if not isinstance(state, dict):
        return state  # the rows alone, for a search or a page link
    return _render(relationship, tab="catalog", **state)


@bp.route("/<int:relationship_id>/catalog/<int:product_id>")
@member("employee")
def product(party_id, relationship_id, product_id):
    """One product at this company's price, with where the price came from and when it can
    be delivered at the earliest."""
    locale = get_locale()
    language = locale.language if locale else "en"
    steps_only = block_for(None, {f"breakdown-{product_id}": "steps"})
    try:
        relationship = catalog_link(g.party, relationship_id, current_user.id)
        if steps_only:  # a list's "How this price is made", opened: its steps alone
            item, _decision = priced_product(relationship, product_id, language)
        else:
            shown = product_for(relationship, product_id, language)
    except NotFound:
        abort(404)
    if steps_only:
        return page_or_block(
            "suppliers/_price_steps.html",
            "steps",
            regions={f"breakdown-{product_id}": "steps"},
            item=item,
            currency=relationship.supplier.currency,
        )
    return _render(relationship, tab="catalog", product_view=shown)


def catalog_state(relationship, endpoint: str):
    """The catalog of one relationship as its buyers see it: the rows alone (a response) for
    an htmx search or page link, else what the whole page shows around them (a dict). Used by
    the buyer's Catalog tab and the supplier's view as client (F47), on `endpoint`."""
    search = (request.args.get("q") or "").strip()[:100]
    locale = get_locale()
    try:
        shown = catalog_for(
            relationship,
            locale.language if locale else "en",
            search=search,
            page=request.args.get("page", 1),
            section=request.args.get("section") or None,
        )
    except NotFound:
        abort(404)  # a section this client does not see
    place = {
        "catalog_endpoint": endpoint,
        # the buyer's own preference; a supplier viewing as a client sees the default
        "codes_instead": endpoint == "suppliers.catalog" and current_user.own_codes_instead,
        "catalog_args": {"party_id": g.party.id, "relationship_id": relationship.id},
    }
    if shown.section is not None:
        place["catalog_args"]["section"] = shown.section
    if block_for(None, {"catalog-rows": "catalog_rows"}):
        return page_or_block(
            "suppliers/_catalog.html",
            "catalog_rows",
            catalog=shown,
            search=search,
            relationship=relationship,
            **place,
        )
    conditions = conditions_for(shown.supplier, relationship, shown.group)
    return {
        "catalog": shown,
        "search": search,
        "conditions": conditions,
        "free_from": order_conditions(0, conditions).free_delivery_from,
        **place,
    }


@bp.route("/<int:relationship_id>/messages", methods=["GET", "POST"])
@member("employee")
def messages(party_id, relationship_id):
    """The conversation with this supplier (every member reads and writes)."""
    relationship = _link_or_404(relationship_id)
    if relationship.status != "connected":
        abort(404)
    return thread_view(
        relationship,
        lambda status=200, **state: _render(
            relationship,
            status,
            tab="messages",
            **{k: v for k, v in state.items() if k != "relationship"},
        ),
    )


@bp.route("/<int:relationship_id>/answer", methods=["POST"])
@member("admin")
def answer(party_id, relationship_id):
    """Accept or decline a supplier's connection request (admins)."""
    relationship = _link_or_404(relationship_id)
    accept = request.form.get("accept") == "1"
    name = relationship.supplier.display_name
    try:
        answer_request(current_user._get_current_object(), g.party, relationship.id, accept)
    except DomainError as refusal:
        flash(str(refusal))
    else:
        if accept:
            flash(_("You are a client of %(supplier)s now.", supplier=name))
            return redirect_to(
                url_for("suppliers.show", party_id=g.party.id, relationship_id=relationship.id)
            )
        flash(_("You declined the request of %(supplier)s.", supplier=name))
    return redirect_to(url_for("suppliers.index", party_id=g.party.id))


# --- store credit and gift cards (F36) -----------------------------------------------------


def _connected_or_404(relationship_id) -> Relationship:
    relationship = _link_or_404(relationship_id)
    if relationship.status != "connected":
        abort(404)
    return relationship


def _balance(relationship: Relationship, status=200, **state):
    return render_tab(
        relationship,
        status,
        tab="balance",
        block="store_balance",
        balance_minor=balance_minor(relationship.id),
        credit_entries=entries_of(relationship.id),
        credit_labels=CREDIT_LABELS,
        **{"redeem_error": None, "redeemed": None, "code": "", **state},
    )


@bp.route("/<int:relationship_id>/balance")
@member("employee")
def balance(party_id, relationship_id):
    """The store credit with this supplier: the balance, its history, and redeeming a gift
    card."""
    return _balance(_connected_or_404(relationship_id))


@bp.route("/<int:relationship_id>/balance", methods=["POST"])
@member("employee")
def redeem(party_id, relationship_id):
    """Redeem a gift card of this supplier: its value is added to the store credit."""
    relationship = _connected_or_404(relationship_id)
    code = (request.form.get("code") or "")[:100]
    try:
        entry = redeem_gift_card(current_user._get_current_object(), relationship, code)
    except TooManyAttempts as refusal:
        return _balance(relationship, 429, redeem_error=str(refusal), code=code)
    except DomainError as refusal:
        return _balance(relationship, 422, redeem_error=str(refusal), code=code)
    if wants_block():
        return _balance(relationship, redeemed=entry)
    flash(_("The gift card is redeemed: your store credit is topped up."))
    return redirect_to(
        url_for("suppliers.balance", party_id=party_id, relationship_id=relationship.id)
    )
