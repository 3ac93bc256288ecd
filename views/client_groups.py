"""Customer groups (F19) and categories (F20): every member of the supplier sees them with how
many clients each holds; admins add, edit and delete them (a group or category with clients
is kept). Full pages with plain forms: they work without JavaScript as they are."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from models.base import DomainError, NotFound, StaleForm
from models.client_groups import (
    create_group,
    delete_group,
    group_of,
    groups_of,
    names_of,
    update_group,
)
from models.price_lists import PriceList
from models.relationships import percent

from .access import member
from .confirm import confirm_page
from .forms.clients import CategoryForm, GroupForm
from .forms.fields import field_error
from .htmx import page_or_block, redirect_to
from .loyalty import group_loyalty

bp = Blueprint("client_groups", __name__, url_prefix="/p/<int:party_id>/clients")

FORMS = {"group": GroupForm, "category": CategoryForm}


def _form(kind: str, **kwargs):
    """The group or category form; a group's offers the supplier's price lists."""
    form = FORMS[kind](**kwargs)
    if kind == "group":
        form.price_list_id.choices = [("", _("None: each product's list price"))] + [
            (str(row.id), row.name) for row in names_of(PriceList, PriceList.supplier, g.party.id)
        ]
    return form


def _own_ids(form, prefix: str):
    """Both add forms share one page: the category form's fields get ids of their own."""
    for field in form:
        field.id = f"{prefix}-{field.id}"
    return form


def _page(status=200, group_form=None, category_form=None, errors=None):
    return page_or_block(
        "clients/groups.html",
        None,
        status,
        groups=groups_of(g.party, "group"),
        categories=groups_of(g.party, "category"),
        group_form=group_form or _form("group", formdata=None),
        category_form=_own_ids(category_form or CategoryForm(formdata=None), "category"),
        errors=errors or {},
        can_edit=g.membership.has_role("admin"),
    )


@bp.route("/groups/")
@member("employee")
def index(party_id):
    """The supplier's customer groups and categories, with their clients' counts."""
    return _page()


def _values(kind: str, form) -> dict:
    values = {"name": form.name.data, "code": form.code.data}
    if kind == "group":
        values.update(
            discount=form.discount.percent,
            announcement=form.announcement.data,
            price_list_id=form.price_list_id.data or None,
            free_delivery=form.free_delivery.data,
        )
    return values


def _create(kind: str):
    form = _form(kind)
    error = None
    if form.validate_on_submit():
        try:
            row = create_group(
                current_user._get_current_object(), g.party, kind, **_values(kind, form)
            )
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            flash(
                _("The group %(name)s is added.", name=row.name)
                if kind == "group"
                else _("The category %(name)s is added.", name=row.name)
            )
            return redirect_to(url_for("client_groups.index", party_id=g.party.id))
    return _page(422, **{f"{kind}_form": form}, errors={kind: error})


@bp.route("/groups/", methods=["POST"])
@member("admin")
def create(party_id):
    """Add a customer group."""
    return _create("group")


@bp.route("/categories/", methods=["POST"])
@member("admin")
def create_category(party_id):
    """Add a customer category."""
    return _create("category")


def _row_or_404(kind: str, row_id):
    try:
        return group_of(g.party, kind, row_id)
    except NotFound:
        abort(404)


def _edit_page(kind: str, row, form, status=200, error=None, conflicts=None, **state):
    if kind == "group":  # the group's loyalty rate (F38), a form of its own
        state = group_loyalty(row, **state)
    return page_or_block(
        "clients/group_edit.html",
        None,
        status,
        kind=kind,
        row=row,
        form=form,
        error=error,
        conflicts=conflicts,
        **state,
    )


def _form_data(kind: str, row) -> dict:
    data = {"version": str(row.version), "name": row.name, "code": row.code}
    if kind == "group":
        data["discount"] = (
            "" if row.discount_bp is None else format_decimal(percent(row.discount_bp))
        )
        data["announcement"] = row.announcement
        data["price_list_id"] = str(row.price_list_id or "")
        data["free_delivery"] = row.free_delivery
    return data


def _edit(kind: str, row_id):
    row = _row_or_404(kind, row_id)
    return _edit_page(kind, row, _form(kind, formdata=None, data=_form_data(kind, row)))


def _update(kind: str, row_id):
    row = _row_or_404(kind, row_id)
    form = _form(kind)
    error = None
    if form.validate_on_submit():
        try:
            update_group(
                current_user._get_current_object(),
                g.party,
                kind,
                row.id,
                form.version.data or "",  # a missing version is stale too
                **_values(kind, form),
            )
        except StaleForm as stale:
            saved = _row_or_404(kind, row_id)
            form.version.data = str(saved.version)
            now = _form_data(kind, saved)
            conflicts = [
                (form[name].label.text, value or "—")
                for name, value in now.items()
                if name != "version" and str(form[name].data or "") != str(value or "")
            ]
            return _edit_page(kind, saved, form, 409, str(stale), conflicts)
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            flash(_("The changes are saved."))
            return redirect_to(url_for("client_groups.index", party_id=g.party.id))
    return _edit_page(kind, row, form, 422, error)


def _confirm(kind: str, row_id):
    row = _row_or_404(kind, row_id)
    endpoint = "client_groups.delete" if kind == "group" else "client_groups.delete_category"
    return confirm_page(
        title=_("Delete this group") if kind == "group" else _("Delete this category"),
        question=_("Delete “%(name)s”?", name=row.name),
        button=_("Delete"),
        action_url=url_for(endpoint, party_id=g.party.id, row_id=row.id),
        cancel_url=url_for("client_groups.index", party_id=g.party.id),
    )


def _delete(kind: str, row_id):
    row = _row_or_404(kind, row_id)
    try:
        delete_group(current_user._get_current_object(), g.party, kind, row.id)
    except DomainError as refusal:
        flash(str(refusal))
    else:
        flash(_("“%(name)s” is deleted.", name=row.name))
    return redirect_to(url_for("client_groups.index", party_id=g.party.id))


# the same four routes for groups and for categories
for _kind, _path, _suffix in (("group", "groups", ""), ("category", "categories", "_category")):

    def _bind(view, kind=_kind):
        return lambda party_id, row_id: view(kind, row_id)

    for _rule, _name, _view, _methods in (
        (f"/{_path}/<int:row_id>/edit", "edit", _edit, ["GET"]),
        (f"/{_path}/<int:row_id>", "update", _update, ["POST"]),
        (f"/{_path}/<int:row_id>/delete/confirm", "confirm_delete", _confirm, ["GET"]),
        (f"/{_path}/<int:row_id>/delete", "delete", _delete, ["POST"]),
    ):
        _func = member("admin")(_bind(_view))
        _func.__doc__ = f"{_name} a customer {_kind} (admins)."
        bp.add_url_rule(_rule, f"{_name}{_suffix}", _func, methods=_methods)
