"""Company settings (F7-F11): profile, addresses with delivery points, bank account and
supplier defaults. Every member sees them; admins change them in place (htmx), and every
form also works as a plain form without JavaScript."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from config import LANGUAGES
from models import company as domain
from models.base import DomainError, NotFound
from models.parties import CUSTOMER_TYPE_LABELS, Party

from .access import member
from .filters import country_name, currency_name, money
from .forms.company import (
    AddressCreateForm,
    AddressEditForm,
    BankAccountEditForm,
    CompanyEditForm,
    DeliveryPointCreateForm,
    DeliveryPointEditForm,
    SupplierDefaultsEditForm,
    currency_choices,
)
from .forms.fields import country_choices
from .htmx import page_or_block, redirect_to, wants_block

bp = Blueprint("company", __name__, url_prefix="/p/<int:party_id>/company")

PAGE = "company/show.html"


# --- rendering -----------------------------------------------------------------------------


def _context(
    kind: str | None = None,
    address_id: int | None = None,
    point_id: int | None = None,
    editing: dict | None = None,
    notices: dict | None = None,
    errors: dict | None = None,
    conflicts: dict | None = None,
) -> dict:
    """What the page (or one of its regions) shows. Regions are keyed by their DOM id in
    `editing` (the open form), `notices` (what just happened) and `errors` (a refusal)."""
    party = g.party
    lists = domain.addresses_of(party)
    for region, form in (editing or {}).items():
        _prepare(form, region)
    context = {
        "can_edit": g.membership.has_role("admin"),
        "address_lists": [(k, lists[k]) for k in domain.ADDRESS_KINDS],
        "delivery_choices": [(str(a.id), a.summary) for a in lists["delivery"]],
        "bank": domain.bank_account_of(party),
        "defaults": domain.supplier_defaults(party),
        "customer_types": CUSTOMER_TYPE_LABELS,
        "editing": editing or {},
        "notices": notices or {},
        "errors": errors or {},
        "conflicts": conflicts or {},
    }
    if kind is not None:
        context.update(kind=kind, addresses=lists[kind])
    if address_id is not None or point_id is not None:
        for address in lists["invoice"] + lists["delivery"]:
            if address.id == address_id:
                context["address"] = address
            for point in address.delivery_points:
                if point.id == point_id:
                    context.update(address=address, point=point)
    return context


_HIDDEN_FIELDS = ("HiddenField", "CSRFTokenField")


def _prepare(form, region: str) -> None:
    """Field ids unique on the page (several forms may be open at once), and the field to
    focus: the first one with a message, if any."""
    for field in form:
        field.id = f"{region}-{field.name}"
    form.focus = next((f.name for f in form if f.errors and f.type not in _HIDDEN_FIELDS), None)


def _render(block: str | None = None, status: int = 200, **state):
    """The full page, or one region of it for an htmx request."""
    return page_or_block(PAGE, block, status, **_context(**state))


def _show_url(anchor: str = "") -> str:
    url = url_for("company.show", party_id=g.party.id)
    return f"{url}#{anchor}" if anchor else url


def _done(message: str, region: str, block: str, **state):
    """After a change: the updated region with a note (htmx), else back to the page."""
    if wants_block():
        return _render(block, notices={region: message}, **state)
    flash(message)
    return redirect_to(_show_url(region))


def _actor():
    return current_user._get_current_object()


def _field_error(form, error: DomainError) -> str | None:
    """Put a domain refusal on its form field; a refusal without a field is returned."""
    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        return str(error)
    field.errors = [*field.errors, str(error)]
    return None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


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


# --- the page ------------------------------------------------------------------------------


@bp.route("/")
@member("employee")
def show(party_id):
    """Company settings: profile, addresses with delivery points, bank account, defaults."""
    return _render("settings")


# --- profile (F7) --------------------------------------------------------------------------


def _profile_form(**kwargs) -> CompanyEditForm:
    form = CompanyEditForm(**kwargs)
    form.country.choices = country_choices()
    form.currency.choices = currency_choices()
    return form


PROFILE_FORM_FIELDS = (
    "legal_name",
    "display_name",
    "customer_type",
    "vat_number",
    "country",
    "language",
    "currency",
    "email",
    "phone",
)


def _profile_shown(name: str, value) -> str:
    """A stored profile value as a person reads it."""
    if value in (None, ""):
        return "—"
    if name == "country":
        return country_name(value)
    if name == "currency":
        return f"{currency_name(value)} ({value})"
    if name == "language":
        return LANGUAGES.get(value, value)
    if name == "customer_type":
        return str(CUSTOMER_TYPE_LABELS.get(value, value))
    return str(value)


def _same(saved, sent) -> bool:
    if isinstance(saved, Decimal) and isinstance(sent, Decimal):
        return saved == sent

    def norm(value):
        return "" if value is None else str(value).replace(" ", "").upper()

    return norm(saved) == norm(sent)


def _stale(form, error: domain.StaleForm, region: str, block: str, saved: dict, sent: dict):
    """A stale form (409): keep what the user typed, list what is saved now where it differs,
    and take the current version, so that saving again is a deliberate overwrite.
    `saved` maps field names to (value, value as shown); `sent` to the submitted values."""
    form.version.data = str(Party.get_by_id(g.party.id).version)
    rows = [
        (form[name].label.text, shown)
        for name, (value, shown) in saved.items()
        if not _same(value, sent.get(name))
    ]
    return _render(
        block, 409, editing={region: form}, errors={region: str(error)}, conflicts={region: rows}
    )


@bp.route("/profile/edit")
@member("admin")
def edit_profile(party_id):
    """The company profile as a form."""
    form = _profile_form(formdata=None, obj=g.party)
    return _render("profile", editing={"company-profile": form})


@bp.route("/profile", methods=["POST"])
@member("admin")
def update_profile(party_id):
    """Save the company profile; a form older than the last change is refused (409)."""
    form = _profile_form()
    error = None
    if form.validate_on_submit():
        renamed = form.display_name.data.strip() != g.party.display_name
        try:
            domain.update_company_profile(
                _actor(),
                g.party,
                version=_int(form.version.data),
                **{name: form[name].data or "" for name in PROFILE_FORM_FIELDS},
            )
        except domain.StaleForm as stale:
            party = Party.get_by_id(g.party.id)
            saved = {
                name: (getattr(party, name), _profile_shown(name, getattr(party, name)))
                for name in PROFILE_FORM_FIELDS
            }
            sent = {name: form[name].data for name in PROFILE_FORM_FIELDS}
            return _stale(form, stale, "company-profile", "profile", saved, sent)
        except DomainError as refusal:
            error = _field_error(form, refusal)
        else:
            message = _("The company profile is saved.")
            if renamed and wants_block():
                # the name also shows in the header and the switcher: load the whole page
                flash(message)
                return redirect_to(_show_url("company-profile"))
            return _done(message, "company-profile", "profile")
    return _render(
        "profile", 422, editing={"company-profile": form}, errors={"company-profile": error}
    )


# --- addresses (F8) ------------------------------------------------------------------------


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
    return _render("address_list", kind=kind, editing={f"addresses-{kind}": form})


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
            domain.add_address(
                _actor(),
                g.party,
                kind=kind,
                make_default=form.make_default.data,
                **_address_fields(form),
            )
        except DomainError as refusal:
            error = _field_error(form, refusal)
        else:
            return _done(_("The address is added."), region, "address_list", kind=kind)
    elif form.kind.errors:
        error = " ".join(str(e) for e in form.kind.errors)
    return _render("address_list", 422, kind=kind, editing={region: form}, errors={region: error})


@bp.route("/addresses/<int:address_id>/edit")
@member("admin")
def edit_address(party_id, address_id):
    """An address as a form, in place."""
    address = _address_or_404(address_id)
    form = _with_countries(AddressEditForm(formdata=None, obj=address))
    return _render("address_item", address_id=address.id, editing={f"address-{address.id}": form})


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
            domain.update_address(_actor(), g.party, address.id, **_address_fields(form))
        except DomainError as refusal:
            error = _field_error(form, refusal)
        else:
            return _done(_("The address is saved."), region, "address_item", address_id=address.id)
    return _render(
        "address_item", 422, address_id=address.id, editing={region: form}, errors={region: error}
    )


@bp.route("/addresses/<int:address_id>/default", methods=["POST"])
@member("admin")
def make_default(party_id, address_id):
    """Make an address the default of its kind; the old default stops being it."""
    address = _address_or_404(address_id)
    domain.set_default_address(_actor(), g.party, address.id)
    if address.kind == "invoice":
        message = _("This is now the default invoice address.")
    else:
        message = _("This is now the default delivery address.")
    if wants_block():
        return _render(
            "address_list", kind=address.kind, notices={f"address-{address.id}": message}
        )
    flash(message)
    return redirect_to(_show_url(f"address-{address.id}"))


@bp.route("/addresses/<int:address_id>/delete", methods=["POST"])
@member("admin")
def delete_address(party_id, address_id):
    """Delete an address and its delivery points; the default of a kind is refused."""
    address = _address_or_404(address_id)
    try:
        domain.delete_address(_actor(), g.party, address.id)
    except DomainError as refusal:
        return _render(
            "address_list",
            409,
            kind=address.kind,
            errors={f"address-{address.id}": str(refusal)},
        )
    return _done(
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
    return _render("point_list", address_id=address.id, editing={f"points-{address.id}": form})


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
                _actor(),
                g.party,
                address.id,
                name=form.name.data,
                instructions=form.instructions.data or "",
            )
        except DomainError as refusal:
            error = _field_error(form, refusal)
        else:
            return _done(
                _("The delivery point is added."), region, "point_list", address_id=address.id
            )
    return _render(
        "point_list", 422, address_id=address.id, editing={region: form}, errors={region: error}
    )


def _point_form(**kwargs) -> DeliveryPointEditForm:
    form = DeliveryPointEditForm(**kwargs)
    lists = domain.addresses_of(g.party, "delivery")
    form.address.choices = [(str(a.id), a.summary) for a in lists["delivery"]]
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
    }
    form = _point_form(formdata=None, data=data)
    return _render("point_item", point_id=point.id, editing={f"point-{point.id}": form})


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
                _actor(),
                g.party,
                point.id,
                name=form.name.data,
                instructions=form.instructions.data or "",
                address_id=_int(form.address.data),
            )
        except DomainError as refusal:
            error = _field_error(form, refusal)
        else:
            message = _("The delivery point is saved.")
            if saved.address_id == point.address_id:
                return _done(message, region, "point_item", point_id=point.id)
            if not wants_block():
                flash(message)
                return redirect_to(_show_url(region))
            # moved to another address: both addresses change, so the whole list is swapped
            response = _render("address_list", kind="delivery", notices={region: message})
            response.headers["HX-Retarget"] = "#addresses-delivery"
            return response
    return _render(
        "point_item", 422, point_id=point.id, editing={region: form}, errors={region: error}
    )


@bp.route("/points/<int:point_id>/delete", methods=["POST"])
@member("admin")
def delete_point(party_id, point_id):
    """Delete a delivery point."""
    point = _point_or_404(point_id)
    domain.delete_delivery_point(_actor(), g.party, point.id)
    return _done(
        _("The delivery point is deleted."),
        f"points-{point.address_id}",
        "point_list",
        address_id=point.address_id,
    )


# --- bank account (F10) --------------------------------------------------------------------


@bp.route("/bank/edit")
@member("admin")
def edit_bank(party_id):
    """The bank account as a form."""
    account = domain.bank_account_of(g.party)
    form = BankAccountEditForm(formdata=None)
    if account is not None:
        form.holder.data = account.holder
        form.iban.data = domain.format_iban(account.iban)
        form.bic.data = account.bic
    else:
        form.holder.data = g.party.legal_name
    return _render("bank", editing={"company-bank": form})


@bp.route("/bank", methods=["POST"])
@member("admin")
def update_bank(party_id):
    """Record the account where the company receives payouts (IBAN and BIC checked)."""
    form = BankAccountEditForm()
    error = None
    if form.validate_on_submit():
        try:
            domain.save_bank_account(
                _actor(),
                g.party,
                holder=form.holder.data or "",
                iban=form.iban.data,
                bic=form.bic.data or "",
            )
        except DomainError as refusal:
            error = _field_error(form, refusal)
        else:
            return _done(_("The bank account is saved."), "company-bank", "bank")
    return _render("bank", 422, editing={"company-bank": form}, errors={"company-bank": error})


@bp.route("/bank/delete", methods=["POST"])
@member("admin")
def delete_bank(party_id):
    """Remove the bank account."""
    if domain.remove_bank_account(_actor(), g.party):
        message = _("The bank account is removed.")
    else:
        message = _("There is no bank account to remove.")
    return _done(message, "company-bank", "bank")


# --- supplier defaults (F11) ---------------------------------------------------------------


def _defaults_form(**kwargs) -> SupplierDefaultsEditForm:
    form = SupplierDefaultsEditForm(currency=g.party.currency, **kwargs)
    form.schedule.choices = [("", _("No default schedule"))] + [
        (str(s.id), s.name) for s in domain.party_schedules(g.party)
    ]
    return form


def _amount_text(amount: Decimal | None) -> str:
    return "" if amount is None else str(amount)


@bp.route("/defaults/edit")
@member("admin")
def edit_defaults(party_id):
    """The supplier defaults as a form."""
    defaults = domain.supplier_defaults(g.party)
    data = {
        "version": str(g.party.version),
        "min_order": _amount_text(defaults.min_order),
        "credit_limit": _amount_text(defaults.credit_limit),
        "payment_terms_days": defaults.payment_terms_days,
        "schedule": str(defaults.schedule.id) if defaults.schedule else "",
    }
    form = _defaults_form(formdata=None, data=data)
    return _render("defaults", editing={"company-defaults": form})


@bp.route("/defaults", methods=["POST"])
@member("admin")
def update_defaults(party_id):
    """Save the terms new client relationships start with."""
    form = _defaults_form()
    region = "company-defaults"
    error = None
    if form.validate_on_submit():
        try:
            domain.update_supplier_defaults(
                _actor(),
                g.party,
                version=_int(form.version.data),
                min_order=form.min_order.amount,
                credit_limit=form.credit_limit.amount,
                payment_terms_days=form.payment_terms_days.data,
                schedule_id=_int(form.schedule.data),
            )
        except domain.StaleForm as stale:
            party = Party.get_by_id(g.party.id)
            now = domain.supplier_defaults(party)
            currency = party.currency
            saved = {
                "min_order": (now.min_order, money(now.min_order, currency) or "—"),
                "credit_limit": (now.credit_limit, money(now.credit_limit, currency) or "—"),
                "payment_terms_days": (
                    now.payment_terms_days,
                    "—" if now.payment_terms_days is None else str(now.payment_terms_days),
                ),
                "schedule": (
                    str(now.schedule.id) if now.schedule else "",
                    now.schedule.name if now.schedule else "—",
                ),
            }
            sent = {
                "min_order": form.min_order.amount,
                "credit_limit": form.credit_limit.amount,
                "payment_terms_days": form.payment_terms_days.data,
                "schedule": form.schedule.data,
            }
            return _stale(form, stale, region, "defaults", saved, sent)
        except DomainError as refusal:
            error = _field_error(form, refusal)
        else:
            return _done(_("The supplier defaults are saved."), region, "defaults")
    return _render("defaults", 422, editing={region: form}, errors={region: error})
