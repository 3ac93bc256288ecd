"""The supplier's client book (F12-F17): the list of clients and a client's page with the
terms that apply and where each comes from, edited in place by supervisors and admins;
admins add a client (created on the spot, or a connection request to a company that uses the
portal) and remove one."""

from __future__ import annotations

import csv
import datetime as dt
import io
from types import SimpleNamespace

from flask import Blueprint, Response, abort, flash, g, request, stream_with_context, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from models.addresses import ADDRESS_FIELDS, addresses_of
from models.audit import record_entries
from models.base import DomainError, NotFound, StaleForm, from_minor
from models.client_contacts import (
    add_contact,
    contact_of,
    contacts_of,
    delete_contact,
    update_contact,
)
from models.client_groups import names_of
from models.client_lists import (
    PER_PAGE,
    SORTS,
    client_counts,
    client_page,
    client_rows,
    visible_name,
)
from models.delivery_dates import zone_of_country
from models.invitations import send_invitation
from models.ledger import ENTRY_LABELS, entries_of, owed_minor, record_entry
from models.mail import MailError
from models.messages import unread_counts
from models.orders import client_order_stats, client_orders
from models.price_lists import PriceList
from models.relationship_mail import notify_request
from models.relationship_verbs import bulk_assign
from models.relationships import (
    DELINQUENCY,
    DELINQUENCY_LABELS,
    PAYMENT_METHOD_LABELS,
    CustomerCategory,
    CustomerGroup,
    Relationship,
    client_of,
    connect_client,
    create_client,
    effective_terms,
    may_order,
    percent,
    remove_client,
    set_active,
    update_terms,
)
from models.schedules import DeliverySchedule
from models.store_credit import ENTRY_LABELS as CREDIT_LABELS
from models.store_credit import balance_minor, record_credit, shown_balance
from models.store_credit import entries_of as credit_entries_of
from models.vat_classes import VatClass, classes_of

from .access import member
from .confirm import confirm_page
from .filters import money
from .forms.clients import ClientCreateForm, ConnectForm, ContactForm, TermsForm
from .forms.company import amount_text, currency_choices
from .forms.fields import country_choices, field_error
from .htmx import block_for, page_or_block, redirect_to, wants_block
from .loyalty import LOYALTY_STATE, client_loyalty
from .messages import thread_view
from .sales_graph import BLOCK as SALES_BLOCK
from .sales_graph import sales_view

bp = Blueprint("clients", __name__, url_prefix="/p/<int:party_id>/clients")

REGIONS = {"client-rows": "client_rows"}


def _row_id_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**63 else None


def _filters() -> dict:
    """The list's search, filters and order from the query string (anything unknown is
    ignored)."""
    delinquency = request.args.get("delinquency") or None
    active = {"yes": True, "no": False}.get(request.args.get("active", ""))
    sort = request.args.get("sort") or "name"
    return {
        "q": (request.args.get("q") or "").strip()[:100] or None,
        "delinquency": delinquency if delinquency in DELINQUENCY else None,
        "active": active,
        "group_id": _row_id_arg("group"),
        "category_id": _row_id_arg("category"),
        "sort": sort if sort in SORTS else "name",
    }


def _filtered(filters: dict) -> bool:
    return any(v not in (None, "") for k, v in filters.items() if k != "sort")


def _query(filters: dict) -> dict:
    """The filters as the list's verbs take them."""
    return {
        "search": filters["q"] or "",
        "delinquency": filters["delinquency"],
        "active": filters["active"],
        "group_id": filters["group_id"],
        "category_id": filters["category_id"],
        "sort": filters["sort"],
    }


def _list_args(filters: dict) -> dict:
    """The filters as the URL carries them (empty ones left out)."""
    return {
        "q": filters["q"],
        "delinquency": filters["delinquency"],
        "active": {True: "yes", False: "no"}.get(filters["active"]),
        "group": filters["group_id"],
        "category": filters["category_id"],
        "sort": None if filters["sort"] == "name" else filters["sort"],
    }


@bp.route("/")
@member("employee")
def index(party_id):
    """The clients: search as you type (name, client code, email, VAT number, tag), filter by
    delinquency, activity, group and category, sorted, paged; the URL carries the query."""
    filters = _filters()
    clients = client_page(g.party, page=request.args.get("page"), **_query(filters))
    fragment = block_for("client_rows", REGIONS) == "client_rows"
    return page_or_block(
        "clients/index.html",
        "client_rows",
        regions=REGIONS,
        clients=clients,
        counts=None
        if fragment
        else client_counts(g.party, None if _filtered(filters) else clients.total),
        groups=[] if fragment else _own_rows(CustomerGroup, CustomerGroup.supplier),
        categories=[] if fragment else _own_rows(CustomerCategory, CustomerCategory.supplier),
        filters=filters,
        list_args=_list_args(filters),
        per_page=PER_PAGE,
        delinquency_labels=DELINQUENCY_LABELS,
    )


def _own_rows(model, owner) -> list:
    """The supplier's own schedules, groups or categories (id and name), by name."""
    return names_of(model, owner, g.party.id)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell a spreadsheet shows as text: one that starts like a formula gets a leading
    apostrophe (OWASP: CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


EXPORT_COLUMNS = (
    "client_code",
    "name",
    "legal_name",
    "vat_number",
    "email",
    "phone",
    "country",
    "status",
    "active",
    "group",
    "category",
    "delinquency",
    "min_order",
    "credit_limit",
    "payment_method",
    "payment_terms_days",
    "discount",
    "tags",
)


@bp.route("/export.csv")
@member("employee")
def export(party_id):
    """The clients of the current search and filters as CSV (UTF-8 with a BOM, so that
    spreadsheets read the accents), streamed row by row."""
    filters = _filters()
    currency = g.party.currency
    rows = client_rows(g.party, **_query(filters))

    def amount(minor):
        value = from_minor(minor, currency)
        return "" if value is None else str(value)

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        yield "\ufeff"
        writer.writerow(EXPORT_COLUMNS)
        for r in rows:
            visible = r.status == "connected" or r.created_on_spot
            c = r.customer
            writer.writerow(
                csv_cell(v)
                for v in (
                    r.client_code or "",
                    visible_name(r),
                    c.legal_name if visible else "",
                    c.vat_number if visible else "",
                    c.email if visible else "",
                    c.phone if visible else "",
                    c.country if visible else "",
                    r.status,
                    "yes" if r.active else "no",
                    r.group.code if r.group_id else "",
                    r.category.code if r.category_id else "",
                    r.delinquency,
                    amount(r.min_order_minor),
                    amount(r.credit_limit_minor),
                    r.payment_method or "",
                    "" if r.payment_terms_days is None else r.payment_terms_days,
                    "" if r.discount_bp is None else str(percent(r.discount_bp)),
                    ", ".join(r.tag_list),
                )
            )
            if buffer.tell() > 32_768:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = Response(stream_with_context(lines()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="clients.csv"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _client_or_404(relationship_id) -> Relationship:
    try:
        return client_of(g.party, relationship_id)
    except NotFound:
        abort(404)


TABS = (
    "overview",
    "terms",
    "contacts",
    "orders",
    "sales",
    "account",
    "credit",
    "messages",
    "audit",
)


def _render(relationship: Relationship, block=None, status=200, tab="overview", **state):
    """The client's page on one of its tabs, or its terms card alone for htmx (block
    "terms")."""
    visible = relationship.is_connected or relationship.created_on_spot
    customer = relationship.customer if visible else None
    terms = effective_terms(relationship, g.party)
    schedule = group = category = None
    # the terms' names show on the overview and terms tabs (and the terms card alone)
    names = tab in ("overview", "terms") or block is not None
    if names and terms.schedule_id.value:
        schedule = DeliverySchedule.get_or_none(
            DeliverySchedule.id == terms.schedule_id.value, DeliverySchedule.party == g.party
        )
    if names and terms.group_id.value:
        group = CustomerGroup.get_or_none(
            CustomerGroup.id == terms.group_id.value, CustomerGroup.supplier == g.party
        )
    if names and terms.category_id.value:
        category = CustomerCategory.get_or_none(
            CustomerCategory.id == terms.category_id.value, CustomerCategory.supplier == g.party
        )
    price_list = vat_class = None
    if names and relationship.price_list_id:
        price_list = PriceList.get_or_none(
            PriceList.id == relationship.price_list_id, PriceList.supplier == g.party
        )
    if names and relationship.vat_override == "class" and relationship.vat_override_class_id:
        vat_class = VatClass.get_or_none(
            VatClass.id == relationship.vat_override_class_id, VatClass.supplier == g.party
        )
    # the client's loyalty points (F38) on its overview; a refused form brings its own state
    loyalty = client_loyalty(
        relationship,
        tab == "overview" and block is None,
        **{key: state.pop(key) for key in LOYALTY_STATE if key in state},
    )
    return page_or_block(
        "clients/show.html",
        block,
        status,
        relationship=relationship,
        price_list=price_list,
        vat_class=vat_class,
        customer=customer,
        addresses=addresses_of(customer)
        if customer and block is None and tab == "overview"
        else {},
        contacts=contacts_of(relationship)
        if block is None and tab in ("overview", "contacts")
        else [],
        tab=tab,
        unread=_unread_of(relationship) if block is None else 0,
        terms=terms,
        schedule=schedule,
        group=group,
        category=category,
        refusal=may_order(relationship),
        payment_methods=PAYMENT_METHOD_LABELS,
        can_edit_terms=g.membership.has_role("supervisor"),
        # what the client owes on account, beside its credit limit (F37)
        owed=owed_minor(relationship.id) if names and relationship.status == "connected" else None,
        # the store-credit balance (F36), once the client has any entries
        store_credit=shown_balance(relationship.id)
        if names and relationship.status == "connected"
        else None,
        **loyalty,
        **{
            "form": None,
            "notice": None,
            "error": None,
            "conflicts": None,
            "contact_form": ContactForm(formdata=None),
            "contact_error": None,
            **state,
        },
    )


def _unread_of(relationship: Relationship) -> int:
    if relationship.status != "connected":
        return 0
    counts = unread_counts(current_user._get_current_object(), g.party, [relationship.id])
    return counts.get(relationship.id, 0)


@bp.route("/<int:relationship_id>/")
@member("employee")
def show(party_id, relationship_id):
    """A client's overview: who it is (once connected), the warnings for staff, its contacts
    and every term with where its value comes from."""
    return _render(_client_or_404(relationship_id))


@bp.route("/<int:relationship_id>/terms")
@member("employee")
def terms_tab(party_id, relationship_id):
    """The client's terms tab (supervisors and admins edit them in place)."""
    return _render(_client_or_404(relationship_id), tab="terms")


@bp.route("/<int:relationship_id>/contacts")
@member("employee")
def contacts_tab(party_id, relationship_id):
    """The client's contacts tab: the supplier's contact persons at the client."""
    return _render(_client_or_404(relationship_id), tab="contacts")


@bp.route("/<int:relationship_id>/audit")
@member("admin")
def audit_tab(party_id, relationship_id):
    """The changes to this relationship (terms, status, contacts), newest first (admins)."""
    relationship = _client_or_404(relationship_id)
    entries = record_entries(
        g.party, ("client", "client_contact"), relationship.id, request.args.get("page")
    )
    block = "client_audit" if wants_block() else None  # the tab's pager
    zone = zone_of_country(g.party.country)  # the company's local time, as in the audit log
    return _render(relationship, block, tab="audit", entries=entries, zone=zone)


@bp.route("/<int:relationship_id>/messages", methods=["GET", "POST"])
@member("employee")
def messages(party_id, relationship_id):
    """The conversation with the client (connected clients only); any member writes."""
    relationship = _client_or_404(relationship_id)
    if relationship.status != "connected":
        abort(404)
    state_of = {"relationship"}  # _render takes the relationship itself
    return thread_view(
        relationship,
        lambda status=200, **state: _render(
            relationship,
            None,
            status,
            tab="messages",
            **{k: v for k, v in state.items() if k not in state_of},
        ),
    )


def _own(model, owner, empty: str) -> list[tuple[str, str]]:
    """The supplier's own schedules, groups or categories as choices, by name."""
    return [("", empty)] + [(str(row.id), row.name) for row in _own_rows(model, owner)]


def _terms_form(**kwargs) -> TermsForm:
    form = TermsForm(currency=g.party.currency, **kwargs)
    form.payment_method.choices = [("", _("Standard (on delivery)"))] + [
        (key, str(label)) for key, label in PAYMENT_METHOD_LABELS.items()
    ]
    form.delinquency.choices = [(key, str(label)) for key, label in DELINQUENCY_LABELS.items()]
    form.schedule_id.choices = _own(
        DeliverySchedule, DeliverySchedule.party, _("Your default schedule")
    )
    form.group_id.choices = _own(CustomerGroup, CustomerGroup.supplier, _("No group"))
    form.category_id.choices = _own(CustomerCategory, CustomerCategory.supplier, _("No category"))
    form.price_list_id.choices = _own(
        PriceList, PriceList.supplier, _("The group's, else the list price")
    )
    form.vat_override.choices = [
        ("", _("By the tax rules (the delivery address decides)")),
        ("exempt", _("Exempt from VAT")),
    ] + [
        (f"class:{c.id}", _("Always: %(class)s", **{"class": c.label})) for c in classes_of(g.party)
    ]
    return form


def _form_data(r: Relationship) -> dict:
    currency = g.party.currency
    return {
        "version": str(r.version),
        "client_code": r.client_code or "",
        "min_order": amount_text(from_minor(r.min_order_minor, currency), currency),
        "credit_limit": amount_text(from_minor(r.credit_limit_minor, currency), currency),
        "payment_method": r.payment_method or "",
        "payment_terms_days": r.payment_terms_days,
        "discount": "" if r.discount_bp is None else format_decimal(percent(r.discount_bp)),
        "schedule_id": str(r.schedule_id or ""),
        "group_id": str(r.group_id or ""),
        "category_id": str(r.category_id or ""),
        "price_list_id": str(r.price_list_id or ""),
        "vat_override": (
            f"class:{r.vat_override_class_id}"
            if r.vat_override == "class"
            else r.vat_override or ""
        ),
        "delivery_cost": amount_text(from_minor(r.delivery_cost_minor, currency), currency),
        "free_delivery_from": amount_text(
            from_minor(r.free_delivery_from_minor, currency), currency
        ),
        "delinquency": r.delinquency,
        "tags": ", ".join(r.tag_list),
        "notes": r.notes,
        "sepa_iban": r.sepa_iban or "",
        "sepa_mandate_ref": r.sepa_mandate_ref or "",
        "sepa_signed_on": r.sepa_signed_on,
    }


@bp.route("/<int:relationship_id>/terms/edit")
@member("supervisor")
def edit_terms(party_id, relationship_id):
    """The client's terms as a form, in place of the terms card."""
    relationship = _client_or_404(relationship_id)
    form = _terms_form(formdata=None, data=_form_data(relationship))
    return _render(relationship, "terms", form=form)


def _saved_rows(form: TermsForm, saved: Relationship) -> list[tuple]:
    """The saved values where they differ from what the stale form sent, as (label, value)."""
    now = _form_data(saved)
    rows = []
    for name, value in now.items():
        if name == "version":
            continue
        sent = form[name].data
        if str(sent or "") != str(value or ""):
            shown = value if value not in (None, "") else "—"
            if (
                name in ("min_order", "credit_limit", "delivery_cost", "free_delivery_from")
                and value
            ):
                shown = money(
                    from_minor(getattr(saved, f"{name}_minor"), g.party.currency),
                    g.party.currency,
                )
            elif name == "payment_method" and value:
                shown = PAYMENT_METHOD_LABELS[value]
            elif name == "delinquency":
                shown = DELINQUENCY_LABELS.get(value, value)
            elif (
                name in ("schedule_id", "group_id", "category_id", "price_list_id", "vat_override")
                and value
            ):
                shown = dict(form[name].choices).get(value, value)
            rows.append((form[name].label.text, shown))
    return rows


@bp.route("/<int:relationship_id>/terms", methods=["POST"])
@member("supervisor")
def update(party_id, relationship_id):
    """Save the client's terms; a stale form (someone saved meanwhile) lists the saved values."""
    relationship = _client_or_404(relationship_id)
    form = _terms_form()
    error = None
    if form.validate_on_submit():
        try:
            update_terms(
                current_user._get_current_object(),
                g.party,
                relationship.id,
                form.version.data or "",  # a garbled or missing one is stale (check_version)
                client_code=form.client_code.data,
                min_order=form.min_order.amount,
                credit_limit=form.credit_limit.amount,
                payment_method=form.payment_method.data,
                payment_terms_days=form.payment_terms_days.data,
                discount=form.discount.percent,
                schedule_id=form.schedule_id.data or None,
                group_id=form.group_id.data or None,
                category_id=form.category_id.data or None,
                price_list_id=form.price_list_id.data or None,
                vat_override=form.vat_override.data,
                delivery_cost=form.delivery_cost.amount,
                free_delivery_from=form.free_delivery_from.amount,
                delinquency=form.delinquency.data,
                tags=form.tags.data,
                notes=form.notes.data,
                sepa_iban=form.sepa_iban.data,
                sepa_mandate_ref=form.sepa_mandate_ref.data,
                sepa_signed_on=form.sepa_signed_on.data,
            )
        except StaleForm as stale:
            saved = _client_or_404(relationship_id)
            form.version.data = str(saved.version)
            return _render(
                saved, "terms", 409, form=form, error=str(stale), conflicts=_saved_rows(form, saved)
            )
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            message = _("The terms are saved.")
            if wants_block():
                return _render(_client_or_404(relationship_id), "terms", notice=message)
            flash(message)
            return redirect_to(
                url_for("clients.show", party_id=g.party.id, relationship_id=relationship.id)
            )
    return _render(relationship, "terms", 422, form=form, error=error)


@bp.route("/<int:relationship_id>/active", methods=["POST"])
@member("supervisor")
def change_active(party_id, relationship_id):
    """Deactivate a client (new orders refused, everything kept) or activate it again."""
    relationship = _client_or_404(relationship_id)
    if request.form.get("active") not in ("0", "1"):
        abort(400)
    active = request.form.get("active") == "1"
    try:
        set_active(current_user._get_current_object(), g.party, relationship.id, active)
    except DomainError as refusal:
        flash(str(refusal))
    else:
        flash(
            _("The client is active again.")
            if active
            else _("The client is deactivated: new orders are refused.")
        )
    return redirect_to(
        url_for("clients.show", party_id=g.party.id, relationship_id=relationship.id)
    )


# --- adding a client ---------------------------------------------------------------------------


def _create_form(**kwargs) -> ClientCreateForm:
    if kwargs.get("formdata", True) is None:
        home = SimpleNamespace(country=g.party.country)
        kwargs["data"] = {
            "customer_type": "business",
            "country": g.party.country,
            "language": g.party.language,
            "currency": g.party.currency,
            "delivery": home,
            "invoice": home,
        }
    form = ClientCreateForm(**kwargs)
    countries = country_choices()
    form.country.choices = form.delivery.country.choices = form.invoice.country.choices = countries
    form.currency.choices = currency_choices()
    return form


def _new_page(status=200, connect=None, create=None, connect_error=None, create_error=None):
    return page_or_block(
        "clients/new.html",
        None,
        status,
        connect=connect or ConnectForm(formdata=None),
        create=create or _create_form(formdata=None),
        connect_error=connect_error,
        create_error=create_error,
        # a form sent with errors opens its own section; otherwise "connect" comes first
        open_create=create is not None,
    )


@bp.route("/new")
@member("admin")
def new(party_id):
    """Add a client: connect to a company that uses the portal (exact VAT number or email,
    never a list of companies), or create it on the spot and invite its first admin."""
    return _new_page()


@bp.route("/connect", methods=["POST"])
@member("admin")
def connect(party_id):
    """Send a connection request; the client's admins accept or decline it."""
    form = ConnectForm()
    error = None
    if form.validate_on_submit():
        try:
            relationship = connect_client(
                current_user._get_current_object(), g.party, form.identifier.data
            )
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            notify_request(relationship)
            flash(
                _(
                    "Connection request sent to %(identifier)s: its admins accept or decline "
                    "it. Until then you see only what you typed.",
                    identifier=relationship.requested_as,
                )
            )
            return redirect_to(
                url_for("clients.show", party_id=g.party.id, relationship_id=relationship.id)
            )
    return _new_page(422, connect=form, connect_error=error)


def _part(form) -> dict:
    return {name: form[name].data for name in ADDRESS_FIELDS}


@bp.route("/create", methods=["POST"])
@member("admin")
def create(party_id):
    """Create the client on the spot, connected at once; invite its first admin by email."""
    form = _create_form()
    error = None
    if form.validate_on_submit():
        try:
            relationship, invitation = create_client(
                current_user._get_current_object(),
                g.party,
                company={
                    name: form[name].data
                    for name in (
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
                },
                delivery=_part(form.delivery.form),
                invoice=_part(form.invoice.form),
                admin_email=form.admin_email.data or "",
                language=form.language.data,
            )
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            name = relationship.customer.display_name
            message = _("%(name)s is your client now.", name=name)
            if invitation is not None:
                try:
                    send_invitation(invitation)
                except MailError:
                    message = _(
                        "%(name)s is your client now, but the invitation email to %(email)s "
                        "could not be sent.",
                        name=name,
                        email=invitation.email,
                    )
                else:
                    message = _(
                        "%(name)s is your client now; %(email)s is invited as its admin.",
                        name=name,
                        email=invitation.email,
                    )
            flash(message)
            return redirect_to(
                url_for("clients.show", party_id=g.party.id, relationship_id=relationship.id)
            )
    return _new_page(422, create=form, create_error=error)


# --- removing a client ---------------------------------------------------------------------


@bp.route("/<int:relationship_id>/remove/confirm")
@member("admin")
def confirm_remove(party_id, relationship_id):
    """Without JavaScript: ask before a client is removed."""
    relationship = _client_or_404(relationship_id)
    visible = relationship.is_connected or relationship.created_on_spot
    return confirm_page(
        title=_("Remove this client"),
        question=_(
            "Remove %(name)s from your clients?",
            name=relationship.customer.display_name if visible else relationship.requested_as,
        ),
        note=_(
            "Its terms, contacts and messages with you go; the company itself stays on the "
            "portal. To stop orders but keep everything, deactivate the client instead."
        ),
        button=_("Remove client"),
        action_url=url_for("clients.remove", party_id=party_id, relationship_id=relationship.id),
        cancel_url=url_for("clients.show", party_id=party_id, relationship_id=relationship.id),
    )


@bp.route("/<int:relationship_id>/remove", methods=["POST"])
@member("admin")
def remove(party_id, relationship_id):
    """End the relationship; refused while it has open orders."""
    relationship = _client_or_404(relationship_id)
    try:
        remove_client(current_user._get_current_object(), g.party, relationship.id)
    except DomainError as refusal:
        flash(str(refusal))
        return redirect_to(
            url_for("clients.show", party_id=g.party.id, relationship_id=relationship.id)
        )
    flash(_("The client is removed."))
    return redirect_to(url_for("clients.index", party_id=g.party.id))


# --- contacts at the client ----------------------------------------------------------------


def _contact_values(form: ContactForm) -> dict:
    return {name: form[name].data for name in ("name", "role", "email", "phone")}


def _back_to(relationship_id: int):
    return redirect_to(
        url_for("clients.contacts_tab", party_id=g.party.id, relationship_id=relationship_id)
    )


@bp.route("/<int:relationship_id>/contacts", methods=["POST"])
@member("employee")
def add_client_contact(party_id, relationship_id):
    """Add a contact person at the client (every member of the supplier)."""
    relationship = _client_or_404(relationship_id)
    form = ContactForm()
    error = None
    if form.validate_on_submit():
        try:
            contact = add_contact(
                current_user._get_current_object(),
                g.party,
                relationship.id,
                **_contact_values(form),
            )
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            flash(_("%(name)s is added to the contacts.", name=contact.name))
            return _back_to(relationship.id)
    return _render(relationship, None, 422, "contacts", contact_form=form, contact_error=error)


def _contact_or_404(relationship_id, contact_id):
    try:
        return contact_of(g.party, relationship_id, contact_id)
    except NotFound:
        abort(404)


def _contact_page(contact, form, status=200, error=None, conflicts=None):
    return page_or_block(
        "clients/contact_edit.html",
        None,
        status,
        relationship=contact.relationship,
        contact=contact,
        form=form,
        error=error,
        conflicts=conflicts,
    )


@bp.route("/<int:relationship_id>/contacts/<int:contact_id>/edit")
@member("employee")
def edit_contact(party_id, relationship_id, contact_id):
    """A contact person as a form."""
    contact = _contact_or_404(relationship_id, contact_id)
    form = ContactForm(formdata=None, obj=contact)
    form.version.data = str(contact.version)
    return _contact_page(contact, form)


@bp.route("/<int:relationship_id>/contacts/<int:contact_id>", methods=["POST"])
@member("employee")
def update_client_contact(party_id, relationship_id, contact_id):
    """Save a contact person; a stale form lists the saved values (409)."""
    contact = _contact_or_404(relationship_id, contact_id)
    form = ContactForm()
    error = None
    if form.validate_on_submit():
        try:
            update_contact(
                current_user._get_current_object(),
                g.party,
                relationship_id,
                contact.id,
                form.version.data or "",  # a missing version is stale too
                **_contact_values(form),
            )
        except StaleForm as stale:
            saved = _contact_or_404(relationship_id, contact_id)
            form.version.data = str(saved.version)
            conflicts = [
                (form[name].label.text, getattr(saved, name) or "—")
                for name in ("name", "role", "email", "phone")
                if (form[name].data or "") != (getattr(saved, name) or "")
            ]
            return _contact_page(saved, form, 409, str(stale), conflicts)
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            flash(_("The contact is saved."))
            return _back_to(contact.relationship_id)
    return _contact_page(contact, form, 422, error)


@bp.route("/<int:relationship_id>/contacts/<int:contact_id>/delete/confirm")
@member("employee")
def confirm_delete_contact(party_id, relationship_id, contact_id):
    """Without JavaScript: ask before a contact is deleted."""
    contact = _contact_or_404(relationship_id, contact_id)
    return confirm_page(
        title=_("Delete this contact"),
        question=_("Delete the contact %(name)s?", name=contact.name),
        button=_("Delete contact"),
        action_url=url_for(
            "clients.delete_client_contact",
            party_id=party_id,
            relationship_id=relationship_id,
            contact_id=contact.id,
        ),
        cancel_url=url_for("clients.show", party_id=party_id, relationship_id=relationship_id),
    )


@bp.route("/<int:relationship_id>/contacts/<int:contact_id>/delete", methods=["POST"])
@member("employee")
def delete_client_contact(party_id, relationship_id, contact_id):
    """Delete a contact person."""
    contact = _contact_or_404(relationship_id, contact_id)
    delete_contact(current_user._get_current_object(), g.party, relationship_id, contact.id)
    flash(_("The contact %(name)s is deleted.", name=contact.name))
    return _back_to(contact.relationship_id)


# --- several clients at once ---------------------------------------------------------------


@bp.route("/bulk", methods=["POST"])
@member("supervisor")
def bulk(party_id):
    """Put the selected clients in a group and/or category, or add a tag to them: all of
    them or none (one transaction), each change audited."""

    def choice(name):
        value = request.form.get(name, "keep")
        return None if value == "keep" else ("" if value == "none" else value)

    back = url_for("clients.index", party_id=g.party.id)
    shown = request.referrer or ""
    if shown.startswith(request.host_url.rstrip("/") + back):
        back = shown[len(request.host_url.rstrip("/")) :]
    try:
        changed = bulk_assign(
            current_user._get_current_object(),
            g.party,
            request.form.getlist("ids")[:1000],
            group_id=choice("group"),
            category_id=choice("category"),
            add_tag=(request.form.get("tag") or "")[:40],
        )
    except NotFound:
        abort(404)
    except DomainError as refusal:
        flash(str(refusal))
        return redirect_to(back)
    flash(ngettext("%(num)s client changed.", "%(num)s clients changed.", changed))
    return redirect_to(back)


# --- the client's orders and account (F15, F37) --------------------------------------------


@bp.route("/<int:relationship_id>/orders")
@member("employee")
def orders_tab(party_id, relationship_id):
    """The client's orders, newest first, with their items when asked; count and average."""
    relationship = _client_or_404(relationship_id)
    with_items = request.args.get("items") == "1"
    orders, lines = client_orders(relationship, with_items=with_items)
    count, total = client_order_stats(relationship.id)
    return _render(
        relationship,
        tab="orders",
        client_orders=orders,
        order_lines=lines,
        with_items=with_items,
        order_count=count,
        average_minor=(total // count) if count else None,
    )


def _account(relationship: Relationship, status=200, **state):
    return _render(
        relationship,
        status=status,
        tab="account",
        owed_minor=owed_minor(relationship.id),
        entries=entries_of(relationship),
        entry_labels=ENTRY_LABELS,
        entry_errors=state.pop("entry_errors", {}),
        entry_values=state.pop("entry_values", {}),
        today=dt.date.today().isoformat(),
        **state,
    )


@bp.route("/<int:relationship_id>/account")
@member("employee")
def account_tab(party_id, relationship_id):
    """What the client owes on account: the ledger, its limit and the credit left."""
    return _account(_client_or_404(relationship_id))


@bp.route("/<int:relationship_id>/account", methods=["POST"])
@member("supervisor")
def account_entry(party_id, relationship_id):
    """Record a payment received or a correction with its reason (supervisors and admins)."""
    relationship = _client_or_404(relationship_id)
    values = request.form.to_dict()
    try:
        record_entry(
            current_user._get_current_object(),
            relationship,
            values.get("kind", ""),
            values.get("amount", ""),
            values.get("entry_date", ""),
            values.get("reference", ""),
            values.get("reason", ""),
        )
    except DomainError as refusal:
        return _account(
            relationship,
            422,
            entry_errors={refusal.field or "kind": str(refusal)},
            entry_values=values,
        )
    flash(_("The entry is recorded."))
    return redirect_to(
        url_for("clients.account_tab", party_id=party_id, relationship_id=relationship.id)
    )


# --- the client's store credit (F36) -------------------------------------------------------


def _credit(relationship: Relationship, status=200, **state):
    return _render(
        relationship,
        status=status,
        tab="credit",
        balance_minor=balance_minor(relationship.id),
        credit_entries=credit_entries_of(relationship.id),
        credit_labels=CREDIT_LABELS,
        credit_errors=state.pop("credit_errors", {}),
        credit_values=state.pop("credit_values", {}),
        **state,
    )


@bp.route("/<int:relationship_id>/credit")
@member("employee")
def credit_tab(party_id, relationship_id):
    """The client's store credit: its balance and every entry behind it."""
    relationship = _client_or_404(relationship_id)
    if relationship.status != "connected":
        abort(404)
    return _credit(relationship)


@bp.route("/<int:relationship_id>/credit", methods=["POST"])
@member("supervisor")
def credit_entry(party_id, relationship_id):
    """Add store credit or take it off, with a reason (supervisors and admins)."""
    relationship = _client_or_404(relationship_id)
    if relationship.status != "connected":
        abort(404)
    values = request.form.to_dict()
    try:
        record_credit(
            current_user._get_current_object(),
            relationship,
            values.get("kind", ""),
            values.get("amount", ""),
            values.get("reason", ""),
        )
    except DomainError as refusal:
        return _credit(
            relationship,
            422,
            credit_errors={refusal.field or "kind": str(refusal)},
            credit_values=values,
        )
    flash(_("The store credit is recorded."))
    return redirect_to(
        url_for("clients.credit_tab", party_id=party_id, relationship_id=relationship.id)
    )


# --- the client's sales graph (F22) --------------------------------------------------------


@bp.route("/<int:relationship_id>/sales")
@member("employee")
def sales_tab(party_id, relationship_id):
    """The client's sales over a range, by day, week or month: the chart, its table, the order
    count and the average order size (htmx swaps the graph alone)."""
    relationship = _client_or_404(relationship_id)
    url = url_for("clients.sales_tab", party_id=party_id, relationship_id=relationship.id)
    sales, status = sales_view(g.party, url, relationship)
    if wants_block():
        return page_or_block(
            "clients/show.html", SALES_BLOCK, status, relationship=relationship, sales=sales
        )
    return _render(relationship, status=status, tab="sales", sales=sales)
