"""Addresses (F8) and the delivery points inside delivery addresses (F9)."""

from __future__ import annotations

from flask import abort, flash, g, request, url_for
from flask_babel import gettext as _

from models import addresses as domain
from models.address_lists import delivery_address_choices
from models.base import DomainError, NotFound, StaleForm

from ..access import member
from ..confirm import confirm_page
from ..filters import country_name
from ..forms.company import (
    AddressCreateForm,
    AddressEditForm,
    DeliveryPointCreateForm,
    DeliveryPointEditForm,
)
from ..forms.fields import country_choices, field_error
from ..htmx import redirect_to, wants_block
from . import actor, bp, done, holding, render, show_conflict, show_url, to_int

# --- addresses (F8) ------------------------------------------------------------------------


def _address_or_404(address_id: int):
    try:
        return domain.address_of(g.party, address_id)
    except NotFound:
        abort(404)


def _point_or_404(point_id: int):
    try:
        return domain.delivery_point_of(g.party, point_id)
    except NotFound:
        abort(404)


def _address_shown(name: str, value) -> str:
    """A saved address value as a person reads it (countries by name)."""
    if value in (None, ""):
        return "—"
    return country_name(value) if name == "country" else str(value)


def _address_fields(form) -> dict:
    return {name: form[name].data or "" for name in domain.ADDRESS_FIELDS}


def _with_countries(form):
    form.country.choices = country_choices()
    return form


@bp.route("/addresses/new")
@member("admin")
def new_address(party_id):
    """A form for a new invoice or delivery address (?kind=invoice|delivery)."""
    kind = request.args.get("kind")
    kind = kind if kind in domain.ADDRESS_KINDS else "delivery"
    form = _with_countries(AddressCreateForm(formdata=None, kind=kind, country=g.party.country))
    return render("address_list", kind=kind, editing={f"addresses-{kind}": form})


@bp.route("/addresses", methods=["POST"])
@member("admin")
def create_address(party_id):
    """Add an address; the first of its kind becomes the default."""
    form = _with_countries(AddressCreateForm())
    kind = form.kind.data if form.kind.data in domain.ADDRESS_KINDS else "delivery"
    region = f"addresses-{kind}"
    error = None
    if form.validate_on_submit():
        try:
            address = domain.add_address(
                actor(),
                g.party,
                kind=kind,
                make_default=form.make_default.data,
                **_address_fields(form),
            )
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            # the list shows the page with the new address (a default comes first)
            return done(
                _("The address is added."),
                region,
                "address_list",
                kind=kind,
                show_page=holding(address),
            )
    elif form.kind.errors:
        error = " ".join(str(e) for e in form.kind.errors)
    return render("address_list", 422, kind=kind, editing={region: form}, errors={region: error})


@bp.route("/addresses/<int:address_id>/edit")
@member("admin")
def edit_address(party_id, address_id):
    """An address as a form, in place."""
    address = _address_or_404(address_id)
    form = _with_countries(AddressEditForm(formdata=None, obj=address))
    form.version.data = str(address.version)
    return render("address_item", address_id=address.id, editing={f"address-{address.id}": form})


@bp.route("/addresses/<int:address_id>", methods=["POST"])
@member("admin")
def update_address(party_id, address_id):
    """Save an address's details."""
    address = _address_or_404(address_id)
    region = f"address-{address.id}"
    form = _with_countries(AddressEditForm())
    error = None
    if form.validate_on_submit():
        try:
            domain.update_address(
                actor(), g.party, address.id, version=form.version.data, **_address_fields(form)
            )
        except StaleForm as stale:
            current = domain.address_of(g.party, address.id)
            saved = {
                name: (getattr(current, name), _address_shown(name, getattr(current, name)))
                for name in domain.ADDRESS_FIELDS
            }
            sent = {name: form[name].data for name in domain.ADDRESS_FIELDS}
            return show_conflict(
                form,
                stale,
                region,
                "address_item",
                saved,
                sent,
                current.version,
                address_id=address.id,
            )
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            return done(_("The address is saved."), region, "address_item", address_id=address.id)
    return render(
        "address_item", 422, address_id=address.id, editing={region: form}, errors={region: error}
    )


@bp.route("/addresses/<int:address_id>/default", methods=["POST"])
@member("admin")
def make_default(party_id, address_id):
    """Make an address the default of its kind; the old default stops being it."""
    address = _address_or_404(address_id)
    domain.set_default_address(actor(), g.party, address.id)
    if address.kind == "invoice":
        message = _("This is now the default invoice address.")
    else:
        message = _("This is now the default delivery address.")
    first = {address.kind: 1}  # the default comes first in its list
    if wants_block():
        notices = {f"address-{address.id}": message}
        return render("address_list", kind=address.kind, notices=notices, show_page=first)
    flash(message)
    return redirect_to(show_url(f"address-{address.id}", first))


@bp.route("/addresses/<int:address_id>/delete/confirm")
@member("admin")
def confirm_delete_address(party_id, address_id):
    """Without JavaScript: ask before an address and its delivery points are deleted."""
    address = _address_or_404(address_id)
    kind = _("Invoice address") if address.kind == "invoice" else _("Delivery address")
    facts = [(kind, address.summary)]
    points = [point.name for point in address.delivery_points]
    if points:
        facts.append((_("Delivery points"), ", ".join(points)))
    return confirm_page(
        title=_("Delete address"),
        question=_("Delete this address and its delivery points?"),
        facts=facts,
        button=_("Delete"),
        action_url=url_for("company.delete_address", party_id=g.party.id, address_id=address.id),
        cancel_url=show_url(f"address-{address.id}", holding(address), address.id),
    )


@bp.route("/addresses/<int:address_id>/delete", methods=["POST"])
@member("admin")
def delete_address(party_id, address_id):
    """Delete an address and its delivery points; the default of a kind is refused."""
    address = _address_or_404(address_id)
    try:
        domain.delete_address(actor(), g.party, address.id)
    except DomainError as refusal:
        return render(
            "address_list",
            409,
            kind=address.kind,
            errors={f"address-{address.id}": str(refusal)},
        )
    return done(
        _("The address is deleted."), f"addresses-{address.kind}", "address_list", kind=address.kind
    )


# --- delivery points (F9) ------------------------------------------------------------------


def _delivery_address_or_404(address_id: int):
    address = _address_or_404(address_id)
    if address.kind != "delivery":
        abort(404)
    return address


@bp.route("/addresses/<int:address_id>/points/new")
@member("admin")
def new_point(party_id, address_id):
    """A form for a new delivery point inside a delivery address."""
    address = _delivery_address_or_404(address_id)
    form = DeliveryPointCreateForm(formdata=None)
    return render("point_list", address_id=address.id, editing={f"points-{address.id}": form})


@bp.route("/addresses/<int:address_id>/points", methods=["POST"])
@member("admin")
def create_point(party_id, address_id):
    """Add a delivery point (building, dock, room) to a delivery address."""
    address = _delivery_address_or_404(address_id)
    region = f"points-{address.id}"
    form = DeliveryPointCreateForm()
    error = None
    if form.validate_on_submit():
        try:
            domain.add_delivery_point(
                actor(),
                g.party,
                address.id,
                name=form.name.data,
                instructions=form.instructions.data or "",
            )
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            return done(
                _("The delivery point is added."), region, "point_list", address_id=address.id
            )
    return render(
        "point_list", 422, address_id=address.id, editing={region: form}, errors={region: error}
    )


def _point_form(**kwargs) -> DeliveryPointEditForm:
    form = DeliveryPointEditForm(**kwargs)
    form.address.choices = delivery_address_choices(g.party)
    return form


@bp.route("/points/<int:point_id>/edit")
@member("admin")
def edit_point(party_id, point_id):
    """A delivery point as a form, in place."""
    point = _point_or_404(point_id)
    data = {
        "name": point.name,
        "instructions": point.instructions,
        "address": str(point.address_id),
        "version": str(point.version),
    }
    form = _point_form(formdata=None, data=data)
    return render("point_item", point_id=point.id, editing={f"point-{point.id}": form})


@bp.route("/points/<int:point_id>", methods=["POST"])
@member("admin")
def update_point(party_id, point_id):
    """Save a delivery point; it may move to another of your delivery addresses."""
    point = _point_or_404(point_id)
    region = f"point-{point.id}"
    form = _point_form()
    error = None
    if form.validate_on_submit():
        try:
            saved = domain.update_delivery_point(
                actor(),
                g.party,
                point.id,
                name=form.name.data,
                instructions=form.instructions.data or "",
                address_id=to_int(form.address.data),
                version=form.version.data,
            )
        except StaleForm as stale:
            current = domain.delivery_point_of(g.party, point.id)
            saved = {
                "name": (current.name, current.name),
                "instructions": (current.instructions, current.instructions or "—"),
                "address": (str(current.address_id), current.address.summary),
            }
            sent = {name: form[name].data for name in ("name", "instructions", "address")}
            return show_conflict(
                form,
                stale,
                region,
                "point_item",
                saved,
                sent,
                current.version,
                point_id=point.id,
            )
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            message = _("The delivery point is saved.")
            if saved.address_id == point.address_id:
                return done(message, region, "point_item", point_id=point.id)
            if not wants_block():
                flash(message)
                return redirect_to(show_url(region))
            # moved to another address: both addresses change, so the whole list is swapped
            response = render("address_list", kind="delivery", notices={region: message})
            response.headers["HX-Retarget"] = "#addresses-delivery"
            return response
    return render(
        "point_item", 422, point_id=point.id, editing={region: form}, errors={region: error}
    )


@bp.route("/points/<int:point_id>/delete/confirm")
@member("admin")
def confirm_delete_point(party_id, point_id):
    """Without JavaScript: ask before a delivery point is deleted."""
    point = _point_or_404(point_id)
    return confirm_page(
        title=_("Delete delivery point"),
        question=_("Delete this delivery point?"),
        facts=[(_("Delivery point"), point.name), (_("Delivery address"), point.address.summary)],
        button=_("Delete"),
        action_url=url_for("company.delete_point", party_id=g.party.id, point_id=point.id),
        cancel_url=show_url(f"point-{point.id}", holding(point.address), point.address_id),
    )


@bp.route("/points/<int:point_id>/delete", methods=["POST"])
@member("admin")
def delete_point(party_id, point_id):
    """Delete a delivery point."""
    point = _point_or_404(point_id)
    domain.delete_delivery_point(actor(), g.party, point.id)
    return done(
        _("The delivery point is deleted."),
        f"points-{point.address_id}",
        "point_list",
        address_id=point.address_id,
    )
