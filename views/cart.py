"""The buyer's cart with one supplier, quick order and checkout (F30, F31, F46): under the
supplier's page of "My suppliers", one cart per company and supplier."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from models.base import DomainError, NotFound
from models.budgets import check_budgets
from models.buyer_catalog import catalog_link
from models.order_mail import notify_placed
from models.orders import (
    OrderRefused,
    QuickResult,
    accept_prices,
    add_to_cart,
    balance_to_use,
    cart_count,
    cart_of,
    checkout_options,
    new_key,
    order_minimum,
    parse_quick_file,
    parse_quick_text,
    place_order,
    quick_order,
    remove_line,
    set_quantity,
    slot_value,
)
from models.relationships import may_order
from models.store_credit import usable_balance

from .access import member
from .forms.fields import country_choices
from .htmx import page_or_block, redirect_to, safe_next, wants_block
from .suppliers import render_tab

bp = Blueprint("cart", __name__, url_prefix="/p/<int:party_id>/suppliers/<int:relationship_id>")

MAX_QUICK_FILE = 2 * 1024 * 1024


def _language() -> str:
    locale = get_locale()
    return locale.language if locale else "en"


def _link(relationship_id):
    try:
        return catalog_link(g.party, relationship_id, current_user.id)
    except NotFound:
        abort(404)


def _user():
    return current_user._get_current_object()


def _cart_page(relationship, status=200, block=None, **state):
    cart = cart_of(relationship, _user(), _language())
    state.setdefault("quick", None)
    state.setdefault("quick_text", "")
    state.setdefault("errors", {})
    state["oob_count"] = block is not None  # the Cart tab's count, when a region is swapped
    return render_tab(
        relationship,
        status=status,
        tab="cart",
        block=block,
        cart=cart,
        cart_refusal=may_order(relationship),
        minimum=order_minimum(relationship),
        **state,
    )


@bp.route("/cart")
@member("employee")
def show(party_id, relationship_id):
    """The cart with this supplier: every line at today's price for its quantity."""
    relationship = _link(relationship_id)
    return _cart_page(relationship, block="cart_lines" if wants_block() else None)


@bp.route("/cart/add", methods=["POST"])
@member("employee")
def add(party_id, relationship_id):
    """Put a product into the cart from the catalog (its cards share one form: the card's
    button names the product, its field `quantity_<id>` the quantity) or the product page."""
    relationship = _link(relationship_id)
    product_id = request.form.get("product_id", "")
    quantity = request.form.get(f"quantity_{product_id}", request.form.get("quantity"))
    back = safe_next(
        request.form.get("next"),
        url_for("suppliers.catalog", party_id=party_id, relationship_id=relationship_id),
    )
    error, line = None, None
    try:
        line = add_to_cart(_user(), relationship, product_id, quantity, _language())
    except NotFound:
        abort(404)
    except DomainError as refusal:
        error = str(refusal)
    if wants_block():
        return page_or_block(
            "cart/_added.html",
            "toast" if request.htmx.target == "cart-added" else "added",
            422 if error else 200,
            product_id=product_id,
            relationship=relationship,
            error=error,
            quantity=int(quantity) if line is not None else 0,
            product_name=line.product_name if line is not None else "",
            count=cart_count(relationship.id, _user().id),
            back=back,
        )
    if error:
        flash(error, "error")
        return redirect_to(back)
    flash(
        _(
            "Added to your cart: %(quantity)s × %(product)s.",
            quantity=int(quantity),
            product=line.product_name,
        )
    )
    return redirect_to(back)


@bp.route("/cart/lines/<int:line_id>", methods=["POST"])
@member("employee")
def update(party_id, relationship_id, line_id):
    """Change a cart line's quantity."""
    relationship = _link(relationship_id)
    errors = {}
    try:
        set_quantity(_user(), relationship, line_id, request.form.get("quantity"), _language())
    except NotFound:
        abort(404)
    except DomainError as refusal:
        errors[f"line-{line_id}"] = str(refusal)
    if errors or wants_block():
        return _cart_page(
            relationship,
            status=422 if errors else 200,
            block="cart_lines" if wants_block() else None,
            errors=errors,
        )
    return redirect_to(url_for(".show", party_id=party_id, relationship_id=relationship_id))


@bp.route("/cart/lines/<int:line_id>/remove", methods=["POST"])
@member("employee")
def remove(party_id, relationship_id, line_id):
    """Take a line out of the cart."""
    relationship = _link(relationship_id)
    try:
        remove_line(_user(), relationship, line_id)
    except NotFound:
        abort(404)
    if wants_block():
        return _cart_page(relationship, block="cart_lines")
    return redirect_to(url_for(".show", party_id=party_id, relationship_id=relationship_id))


@bp.route("/cart/accept-prices", methods=["POST"])
@member("employee")
def accept(party_id, relationship_id):
    """The buyer has read the changed prices."""
    relationship = _link(relationship_id)
    accept_prices(_user(), relationship, _language())
    if wants_block():
        return _cart_page(relationship, block="cart_lines")
    return redirect_to(url_for(".show", party_id=party_id, relationship_id=relationship_id))


@bp.route("/cart/quick", methods=["POST"])
@member("employee")
def quick(party_id, relationship_id):
    """Quick order: one scanned or typed code, many pasted lines, or a CSV file."""
    relationship = _link(relationship_id)
    text = request.form.get("lines", "")
    code = request.form.get("code", "").strip()
    upload = request.files.get("file")
    errors: dict[str, str] = {}
    result = None
    try:
        if upload is not None and upload.filename:
            data = upload.read(MAX_QUICK_FILE + 1)
            if len(data) > MAX_QUICK_FILE:
                errors["file"] = _("The file is too large: at most 2 MB.")
                lines = []
            else:
                lines = parse_quick_file(data)
        elif code:
            lines = parse_quick_text(f"{code} {request.form.get('quantity', '').strip() or 1}")
        else:
            lines = parse_quick_text(text)
            if not lines:
                errors["lines"] = _("Paste or type at least one line: a code and a quantity.")
        if lines and not errors:
            result = quick_order(_user(), relationship, lines, _language())
    except OrderRefused as refusal:
        errors["quick"] = str(refusal)
    except DomainError as refusal:
        errors[refusal.field or "lines"] = str(refusal)
    if result is None:
        result = QuickResult()
    if code and not errors and not result.problems:
        status = 200
    else:
        status = 422 if errors or (result.problems and not result.added) else 200
    keep = "\n".join(line.raw for line in result.problems)
    if not wants_block() and result.added:
        # without JavaScript, what was added is said on the cart's own page (a reload of it
        # must not add the lines again); the lines not added are listed there too
        flash(
            ngettext(
                "%(num)s line added to your cart.",
                "%(num)s lines added to your cart.",
                len(result.added),
            )
        )
        for line in result.problems:
            flash(
                _(
                    "Line %(number)s: %(code)s — %(problem)s",
                    number=line.number,
                    code=line.code,
                    problem=line.problem,
                ),
                "error",
            )
        return redirect_to(url_for(".show", party_id=party_id, relationship_id=relationship_id))
    if wants_block() or status != 200 or result.problems or result.added:
        return _cart_page(
            relationship,
            status=status,
            block="cart_body" if wants_block() else None,
            quick=result,
            quick_text=keep if not code else "",
            errors=errors,
            scanned=bool(code),
        )
    return redirect_to(url_for(".show", party_id=party_id, relationship_id=relationship_id))


def _checkout_state(relationship, values=None, errors=None, refusal=None, rule=None):
    values = dict(values or {})
    errors = dict(errors or {})
    cart = cart_of(relationship, _user(), _language())
    options = checkout_options(relationship, cart)
    store_credit = usable_balance(relationship.id)
    balance_used = 0
    if cart.totals and values.get("balance_used") and "balance_used" not in errors:
        try:  # the store credit the buyer applied, shown in the breakdown (F36)
            balance_used = balance_to_use(values, relationship.id, cart.totals.total, cart.currency)
        except DomainError as refusal_:
            errors["balance_used"] = str(refusal_)
    values.setdefault("key", new_key())
    if not values.get("delivery_address") and options.delivery_addresses:
        values["delivery_address"] = str(options.delivery_addresses[0].id)
    if not values.get("invoice_address") and options.invoice_addresses:
        values["invoice_address"] = str(options.invoice_addresses[0].id)
    if not values.get("slot") and options.slots:
        values["slot"] = slot_value(options.slots[0])
    return {
        "cart": cart,
        "options": options,
        "values": values,
        "errors": errors,
        "usable_credit": store_credit,
        "balance_used": balance_used,
        "order_refusal": refusal,
        "refusal_rule": rule,
        "countries": country_choices(),
        "slot_value": slot_value,
        "can_add_address": g.membership.has_role("supervisor"),
        # which budgets this order touches and what is left (F34); placing checks them again
        "budget_checks": check_budgets(
            current_user.id, relationship.customer_id, cart.currency, cart.totals.total
        )
        if cart.totals
        else [],
    }


@bp.route("/checkout", methods=["GET", "POST"])
@member("employee")
def checkout(party_id, relationship_id):
    """Check out the cart: where and when to deliver, the full breakdown, and the button."""
    relationship = _link(relationship_id)
    if request.method == "GET":
        if may_order(relationship) is not None:  # the cart says why not
            return redirect_to(url_for(".show", party_id=party_id, relationship_id=relationship_id))
        state = _checkout_state(relationship, {"balance_used": request.args.get("balance_used")})
        if not state["cart"].items:
            return redirect_to(url_for(".show", party_id=party_id, relationship_id=relationship_id))
        return render_tab(relationship, tab="checkout", **state)
    values = request.form.to_dict()
    try:
        placed = place_order(
            _user(),
            relationship,
            values,
            _language(),
            can_add_address=g.membership.has_role("supervisor"),
        )
    except NotFound:
        abort(404)
    except OrderRefused as refusal:
        state = _checkout_state(relationship, values, refusal=str(refusal), rule=refusal.rule)
        if refusal.field:
            state["errors"][refusal.field] = str(refusal)
        state["values"]["seen_total"] = ""
        status = 409 if refusal.rule == "prices_changed" else 422
        return render_tab(relationship, status=status, tab="checkout", **state)
    except DomainError as refusal:
        errors = {refusal.field or "form": str(refusal)}
        state = _checkout_state(relationship, values, errors=errors)
        return render_tab(relationship, status=422, tab="checkout", **state)
    if not placed.repeated:
        notify_placed(placed.order)
        if placed.order.status == "awaiting_approval":
            flash(
                _(
                    "Your order %(number)s went over a budget: it waits for a supervisor’s "
                    "approval.",
                    number=placed.order.number,
                )
            )
        else:
            flash(_("Your order %(number)s is placed.", number=placed.order.number))
    return redirect_to(url_for("orders.show", party_id=party_id, order_id=placed.order.id))
