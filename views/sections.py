"""Catalog sections (F19, F25): every member of the supplier sees the tree; supervisors and
admins add, rename, move (never inside itself) and limit sections to customer groups, and put
products in them. Buyers browse the sections their group may see."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models.base import DomainError, NotFound, StaleForm
from models.catalog import LANGUAGES, product_of, writing_language
from models.client_groups import names_of
from models.relationships import CustomerGroup
from models.sections import (
    create_section,
    section_names,
    section_tree,
    sections_of_product,
    set_product_sections,
    update_section,
)

from .access import member
from .forms.fields import field_error
from .forms.products import ProductSectionsForm, SectionForm
from .htmx import page_or_block, redirect_to

bp = Blueprint("sections", __name__, url_prefix="/p/<int:party_id>/products")


def _choices(form: SectionForm, tree, own_id=None) -> SectionForm:
    form.parent.choices = [("", _("None: a top section"))] + [
        (str(node.id), "— " * node.depth + node.name) for node in tree if node.id != own_id
    ]
    form.groups.choices = [
        (str(row.id), row.name)
        for row in names_of(CustomerGroup, CustomerGroup.supplier, g.party.id)
    ]
    return form


def _index(form=None, status=200, error=None):
    tree = section_tree(g.party)
    groups = {
        row.id: row.name for row in names_of(CustomerGroup, CustomerGroup.supplier, g.party.id)
    }
    return page_or_block(
        "products/sections.html",
        None,
        status,
        tree=tree,
        group_names=groups,
        form=_choices(form or SectionForm(formdata=None), tree),
        error=error,
        can_edit=g.membership.has_role("supervisor"),
        **_languages(),
    )


def _languages() -> dict:
    """What the name fields of a section's form need: every language, and the company's."""
    return {"name_languages": LANGUAGES, "own_language": writing_language(g.party)}


@bp.route("/sections/")
@member("employee")
def index(party_id):
    """The supplier's catalog sections as a tree, with the groups each is limited to."""
    return _index()


def _values(form) -> dict:
    return {
        "name": form.name.data,
        "names": {code: form[f"name_{code}"].data or "" for code in LANGUAGES},
        "parent_id": form.parent.data or None,
        "group_ids": form.groups.data or [],
    }


@bp.route("/sections/", methods=["POST"])
@member("supervisor")
def create(party_id):
    """Add a section."""
    form = SectionForm()
    error = None
    if form.validate_on_submit():
        try:
            create_section(current_user._get_current_object(), g.party, **_values(form))
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            flash(_("The section %(name)s is added.", name=form.name.data))
            return redirect_to(url_for("sections.index", party_id=g.party.id))
    return _index(form, 422, error)


def _node_or_404(section_id, tree):
    node = next((n for n in tree if n.id == section_id), None)
    if node is None:
        abort(404)
    return node


def _edit_page(node, form, tree, status=200, error=None):
    return page_or_block(
        "products/section_edit.html",
        None,
        status,
        node=node,
        form=_choices(form, tree, node.id),
        error=error,
        **_languages(),
    )


@bp.route("/sections/<int:section_id>/edit")
@member("supervisor")
def edit(party_id, section_id):
    """The form of one section."""
    tree = section_tree(g.party)
    node = _node_or_404(section_id, tree)
    return _edit_page(node, SectionForm(formdata=None, data=_data(node)), tree)


def _data(node) -> dict:
    """What the edit form of a section shows: as saved."""
    names = section_names(node.id)
    return {
        "version": str(node.version),
        "name": node.name,
        "parent": str(node.parent_id or ""),
        "groups": [str(i) for i in node.group_ids],
        **{f"name_{code}": names.get(code, "") for code in LANGUAGES},
    }


@bp.route("/sections/<int:section_id>", methods=["POST"])
@member("supervisor")
def update(party_id, section_id):
    """Save a section: its name, where it sits, the groups it is limited to."""
    tree = section_tree(g.party)
    node = _node_or_404(section_id, tree)
    form = SectionForm()
    error = None
    if form.validate_on_submit():
        try:
            update_section(
                current_user._get_current_object(),
                g.party,
                node.id,
                form.version.data or "",
                **_values(form),
            )
        except StaleForm as refusal:
            fresh_tree = section_tree(g.party)
            fresh = _node_or_404(section_id, fresh_tree)
            return _edit_page(
                fresh, SectionForm(formdata=None, data=_data(fresh)), fresh_tree, 409, str(refusal)
            )
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            flash(_("The section %(name)s is saved.", name=form.name.data))
            return redirect_to(url_for("sections.index", party_id=g.party.id))
    return _edit_page(node, form, tree, 422, error)


def product_sections_form(product, formdata=None):
    """The form of the sections a product sits in, for the product's page."""
    tree = section_tree(g.party)
    data = (
        {} if formdata is not None else {"sections": [str(i) for i in sections_of_product(product)]}
    )
    form = ProductSectionsForm(formdata=formdata, data=data)
    form.sections.choices = [(str(n.id), "— " * n.depth + n.name) for n in tree]
    return form


@bp.route("/<int:product_id>/sections", methods=["POST"])
@member("supervisor")
def product_sections(party_id, product_id):
    """Put a product in the chosen sections."""
    try:
        product = product_of(g.party, product_id)
    except NotFound:
        abort(404)
    form = product_sections_form(product, request.form)
    if form.validate_on_submit():
        try:
            set_product_sections(
                current_user._get_current_object(), g.party, product.id, form.sections.data or []
            )
        except DomainError as refusal:
            flash(str(refusal))
        else:
            flash(_("The sections of %(sku)s are saved.", sku=product.sku))
    return redirect_to(url_for("products.edit", party_id=g.party.id, product_id=product.id))
