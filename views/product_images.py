"""Product images (F24): supervisors and admins upload or remove a product's image on its page;
the supplier's members see it there, and buyers in their catalog (only of a product their
catalog shows). Images are served under their key, so a browser keeps them for a year."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from models.base import DomainError, NotFound
from models.buyer_catalog import catalog_link, visible_product
from models.catalog import product_of
from models.product_images import MAX_BYTES, TOO_LARGE, image_bytes, remove_image, set_image

from .access import member
from .confirm import confirm_page
from .htmx import redirect_to

bp = Blueprint("product_images", __name__, url_prefix="/p/<int:party_id>")

# the request may be this large on the upload (app.UPLOAD_LIMITS): the file and its form
UPLOAD_BYTES = MAX_BYTES + 64 * 1024


def _edit_url(product_id: int, anchor: str = "product-image") -> str:
    return url_for("products.edit", party_id=g.party.id, product_id=product_id) + f"#{anchor}"


def _product_or_404(product_id):
    try:
        return product_of(g.party, product_id)
    except NotFound:
        abort(404)


def _refused(product_id: int, message: str, status: int):
    """Back to the product's form, the refusal on the image field."""
    from .products import edit_page

    return edit_page(_product_or_404(product_id), status, image_error=message)


@bp.route("/products/<int:product_id>/image", methods=["POST"])
@member("supervisor")
def upload(party_id, product_id):
    """Give the product its image (replacing the one it had)."""
    try:
        file = request.files.get("image")
    except RequestEntityTooLarge:
        return _refused(product_id, str(TOO_LARGE), 413)
    if file is None or not file.filename:
        return _refused(product_id, _("Choose an image to upload."), 422)
    data = file.read(MAX_BYTES + 1)
    try:
        set_image(current_user._get_current_object(), g.party, product_id, data)
    except NotFound:
        abort(404)
    except DomainError as refusal:
        return _refused(product_id, str(refusal), 413 if len(data) > MAX_BYTES else 422)
    flash(_("The image is saved."))
    return redirect_to(_edit_url(product_id))


upload.too_large = lambda: TOO_LARGE  # app.py's answer to a request past UPLOAD_LIMITS


@bp.route("/products/<int:product_id>/image/delete/confirm")
@member("supervisor")
def confirm_remove(party_id, product_id):
    """Without JavaScript: ask before the image goes."""
    product = _product_or_404(product_id)
    return confirm_page(
        title=_("Remove image"),
        question=_("Remove this product's image?"),
        facts=[(_("SKU"), product.sku)],
        button=_("Remove"),
        action_url=url_for("product_images.remove", party_id=g.party.id, product_id=product.id),
        cancel_url=_edit_url(product.id),
    )


@bp.route("/products/<int:product_id>/image/delete", methods=["POST"])
@member("supervisor")
def remove(party_id, product_id):
    """Take the product's image away."""
    try:
        remove_image(current_user._get_current_object(), g.party, product_id)
    except NotFound:
        abort(404)
    flash(_("The image is removed."))
    return redirect_to(_edit_url(product_id))


def _image(product, kind: str, key: str) -> Response:
    data = image_bytes(product, kind, key)
    if data is None:
        abort(404)
    response = Response(data, mimetype="image/webp")
    # private: only members (and the supplier's buyers) may see it; the key changes with it
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response


@bp.route("/products/<int:product_id>/image/<kind>/<key>.webp")
@member("employee")
def show(party_id, product_id, kind, key):
    """The image of one of the supplier's products (large, or its thumbnail)."""
    return _image(_product_or_404(product_id), kind, key)


@bp.route("/suppliers/<int:relationship_id>/catalog/<int:product_id>/image/<kind>/<key>.webp")
@member("employee")
def in_catalog(party_id, relationship_id, product_id, kind, key):
    """The image of a product in a supplier's catalog, as this company's buyers see it."""
    try:
        relationship = catalog_link(g.party, relationship_id)
        product = visible_product(relationship, product_id)
    except NotFound:
        abort(404)
    return _image(product, kind, key)
