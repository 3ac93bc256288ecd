"""VAT classes (F27): admins add a class of their own (a code and a name) and rename any class,
on the VAT rates page; the rates of every class are kept in its table (views/products.py)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models.base import DomainError, NotFound, StaleForm
from models.tax import VAT_CLASSES
from models.vat_classes import VatClass, add_vat_class, rename_vat_class

from .access import member
from .forms.fields import field_error
from .forms.products import VatClassForm, VatClassNameForm
from .htmx import page_or_block, redirect_to

bp = Blueprint("vat_classes", __name__, url_prefix="/p/<int:party_id>/products/vat/classes")


def _back() -> str:
    return url_for("products.vat", party_id=g.party.id) + "#vat-classes"


@bp.route("/", methods=["POST"])
@member("admin")
def create(party_id):
    """Add a VAT class of the company's own."""
    from .products import vat_page

    form = VatClassForm()
    error = None
    if form.validate_on_submit():
        try:
            add_vat_class(
                current_user._get_current_object(),
                g.party,
                code=form.code.data,
                name=form.name.data,
            )
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            flash(_("The VAT class %(name)s is added: enter its rates below.", name=form.name.data))
            return redirect_to(_back())
    return vat_page(422, class_form=form, class_error=error)


def _class_or_404(class_id) -> VatClass:
    found = VatClass.get_or_none(VatClass.id == class_id, VatClass.supplier == g.party)
    if found is None:
        abort(404)
    return found


def _edit_page(row: VatClass, form, status=200, error=None):
    return page_or_block(
        "products/vat_class.html",
        None,
        status,
        vat_class=row,
        form=form,
        error=error,
        shipped_codes=VAT_CLASSES,
    )


@bp.route("/<int:class_id>/edit")
@member("admin")
def edit(party_id, class_id):
    """The form of a class's name."""
    row = _class_or_404(class_id)
    form = VatClassNameForm(formdata=None, data={"version": str(row.version), "name": row.name})
    return _edit_page(row, form)


@bp.route("/<int:class_id>", methods=["POST"])
@member("admin")
def rename(party_id, class_id):
    """Rename a class (empty: a shipped class's own name again)."""
    row = _class_or_404(class_id)
    form = VatClassNameForm()
    error = None
    if form.validate_on_submit():
        try:
            rename_vat_class(
                current_user._get_current_object(),
                g.party,
                row.id,
                form.version.data or "",
                name=form.name.data,
            )
        except StaleForm as refusal:
            fresh = _class_or_404(class_id)
            data = {"version": str(fresh.version), "name": fresh.name}
            return _edit_page(fresh, VatClassNameForm(formdata=None, data=data), 409, str(refusal))
        except NotFound:
            abort(404)
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            flash(_("The VAT class is saved."))
            return redirect_to(_back())
    return _edit_page(row, form, 422, error)
