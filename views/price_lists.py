"""Price lists (F26): every member of the supplier reads them; supervisors and admins add a
list (fixed prices, or cost plus a surcharge), change it, and set a product's price in it (per
quantity tier) or its own surcharge. Lists are assigned to a client (its terms) or a group."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from models.base import DomainError, NotFound, StaleForm
from models.price_lists import (
    PRICE_LIST_KIND_LABELS,
    create_price_list,
    delete_entry,
    entries_of,
    price_list_of,
    price_lists_of,
    set_entry,
    update_price_list,
)
from models.relationships import percent

from .access import member
from .confirm import confirm_page
from .forms.fields import field_error
from .forms.products import PriceEntryForm, PriceListForm
from .htmx import page_or_block, redirect_to

bp = Blueprint("price_lists", __name__, url_prefix="/p/<int:party_id>/price-lists")


def _index(form=None, status=200, error=None):
    return page_or_block(
        "price_lists/index.html",
        None,
        status,
        lists=price_lists_of(g.party),
        form=form or PriceListForm(formdata=None),
        error=error,
        kinds=PRICE_LIST_KIND_LABELS,
        can_edit=g.membership.has_role("supervisor"),
    )


@bp.route("/")
@member("employee")
def index(party_id):
    """The supplier's price lists, with how many prices each holds and who uses it."""
    return _index()


@bp.route("/", methods=["POST"])
@member("supervisor")
def create(party_id):
    """Add a price list."""
    form = PriceListForm()
    error = None
    if form.validate_on_submit():
        try:
            row = create_price_list(
                current_user._get_current_object(),
                g.party,
                kind=form.kind.data,
                name=form.name.data,
                code=form.code.data,
                surcharge=form.surcharge.percent,
            )
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            flash(_("The price list %(name)s is added.", name=row.name))
            return redirect_to(url_for("price_lists.show", party_id=g.party.id, list_id=row.id))
    return _index(form, 422, error)


def _list_or_404(list_id):
    try:
        return price_list_of(g.party, list_id)
    except NotFound:
        abort(404)


def _list_data(row) -> dict:
    return {
        "version": str(row.version),
        "name": row.name,
        "code": row.code,
        "kind": row.kind,
        "surcharge": "" if row.surcharge_bp is None else format_decimal(percent(row.surcharge_bp)),
    }


def _show(row, form=None, entry_form=None, status=200, error=None, entry_error=None):
    return page_or_block(
        "price_lists/show.html",
        None,
        status,
        price_list=row,
        entries=entries_of(row),
        form=form or PriceListForm(formdata=None, data=_list_data(row)),
        entry_form=entry_form or PriceEntryForm(formdata=None, currency=g.party.currency),
        error=error,
        entry_error=entry_error,
        kinds=PRICE_LIST_KIND_LABELS,
        can_edit=g.membership.has_role("supervisor"),
        currency=g.party.currency,
    )


@bp.route("/<int:list_id>/")
@member("employee")
def show(party_id, list_id):
    """One price list: its prices (and tiers) or its surcharges per product."""
    return _show(_list_or_404(list_id))


@bp.route("/<int:list_id>", methods=["POST"])
@member("supervisor")
def update(party_id, list_id):
    """Save a list's name, code and surcharge."""
    row = _list_or_404(list_id)
    form = PriceListForm()
    error = None
    if form.validate_on_submit():
        try:
            update_price_list(
                current_user._get_current_object(),
                g.party,
                row.id,
                form.version.data or "",  # a missing version is stale too
                name=form.name.data,
                code=form.code.data,
                surcharge=form.surcharge.percent,
            )
        except StaleForm as refusal:
            return _show(price_list_of(g.party, row.id), status=409, error=str(refusal))
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            flash(_("The price list %(name)s is saved.", name=form.name.data))
            return redirect_to(url_for("price_lists.show", party_id=g.party.id, list_id=row.id))
    return _show(row, form=form, status=422, error=error)


@bp.route("/<int:list_id>/entries", methods=["POST"])
@member("supervisor")
def set_price(party_id, list_id):
    """Set a product's price (from a quantity) or its own surcharge in the list."""
    row = _list_or_404(list_id)
    form = PriceEntryForm(currency=g.party.currency)
    error = None
    if form.validate_on_submit():
        try:
            set_entry(
                current_user._get_current_object(),
                g.party,
                row.id,
                sku=form.sku.data,
                min_quantity=form.min_quantity.data or 1,
                price=form.price.amount,
                surcharge=form.surcharge.percent,
            )
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            flash(_("The price of %(sku)s is saved.", sku=form.sku.data))
            return redirect_to(url_for("price_lists.show", party_id=g.party.id, list_id=row.id))
    return _show(row, entry_form=form, status=422, entry_error=error)


@bp.route("/<int:list_id>/entries/<int:entry_id>/delete", methods=["POST"])
@member("supervisor")
def remove_price(party_id, list_id, entry_id):
    """Take a price out of the list."""
    row = _list_or_404(list_id)
    try:
        delete_entry(current_user._get_current_object(), g.party, row.id, entry_id)
    except NotFound:
        abort(404)
    flash(_("The price is taken out of the list."))
    return redirect_to(url_for("price_lists.show", party_id=g.party.id, list_id=row.id))


@bp.route("/<int:list_id>/entries/<int:entry_id>/delete/confirm")
@member("supervisor")
def confirm_remove_price(party_id, list_id, entry_id):
    """Without JavaScript: confirm taking a price out of the list."""
    row = _list_or_404(list_id)
    entry = next((e for e in entries_of(row) if e.id == entry_id), None)
    if entry is None:
        abort(404)
    return confirm_page(
        title=_("Remove a price"),
        question=_(
            "Take the price of %(sku)s out of %(name)s?", sku=entry.product.sku, name=row.name
        ),
        button=_("Remove"),
        action_url=url_for(
            "price_lists.remove_price", party_id=g.party.id, list_id=row.id, entry_id=entry.id
        ),
        cancel_url=url_for("price_lists.show", party_id=g.party.id, list_id=row.id),
    )
