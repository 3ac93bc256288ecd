"""Product images (F24): one per product, uploaded by supervisors and admins, checked and
resized by Pillow, kept in the database (so that every app server behind the load balancer
serves the same image without shared disks).

An upload must be a JPEG, PNG, WebP or GIF file of at most 10 MB and 40 megapixels (Pillow
refuses larger ones before decoding them: no decompression bombs). What is kept is not the file
but two WebP renderings of it: a large one (at most 800 px on its longer side) for the product
page and a thumbnail (at most 160 px) for lists, the metadata stripped. `product.image_key`
(a digest of both) names the current image in its URLs, so a browser may keep it for a year and
asks again only when it changes; lists read it with the product, not in a query of their own.
"""

from __future__ import annotations

import hashlib
import io
import warnings

from flask_babel import lazy_gettext as _l
from peewee import BlobField, DateTimeField, ForeignKeyField, IntegerField

from . import audit
from .base import BaseModel, DomainError, retrying, transaction, utcnow
from .catalog import Product, product_of
from .parties import Party, User
from .relationship_verbs import _require

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
SIZES = {"large": 800, "thumb": 160}
FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
ACCEPT = "image/jpeg,image/png,image/webp,image/gif"

NOT_AN_IMAGE = _l("Choose a JPEG, PNG, WebP or GIF image.")
TOO_LARGE = _l("The image is larger than 10 MB: choose a smaller one.")
TOO_MANY_PIXELS = _l("The image has more than 40 megapixels: choose a smaller one.")

audit.register_fields({"product.image": _l("Image")})


class ProductImage(BaseModel):
    product = ForeignKeyField(Product, unique=True, backref="+", on_delete="CASCADE")
    large = BlobField()
    thumb = BlobField()
    width = IntegerField()  # of the large rendering
    height = IntegerField()
    original_bytes = IntegerField()  # the size of the file uploaded
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "product_image"


def render(data: bytes) -> dict:
    """The renderings of an uploaded file, or a DomainError on the field "image": what is not
    one of the accepted formats, too large, or cannot be decoded."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise DomainError(NOT_AN_IMAGE, "image")
    if len(data) > MAX_BYTES:
        raise DomainError(TOO_LARGE, "image")
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():  # past MAX_PIXELS Pillow warns; we refuse it below
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
        with opened:
            if opened.format not in FORMATS:
                raise DomainError(NOT_AN_IMAGE, "image")
            if opened.width * opened.height > MAX_PIXELS:
                raise DomainError(TOO_MANY_PIXELS, "image")
            opened.load()
            picture = ImageOps.exif_transpose(opened)  # as the camera held it
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DomainError(TOO_MANY_PIXELS, "image") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise DomainError(NOT_AN_IMAGE, "image") from None
    picture = picture.convert("RGBA" if "A" in picture.getbands() else "RGB")
    made = {}
    for kind, longest in SIZES.items():
        copy = picture.copy()
        copy.thumbnail((longest, longest), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        copy.save(out, "WEBP", quality=82, method=4)
        made[kind] = out.getvalue()
        if kind == "large":
            made["width"], made["height"] = copy.size
    made["key"] = hashlib.sha256(made["large"] + made["thumb"]).hexdigest()[:16]
    return made


@retrying
def set_image(actor: User, supplier: Party, product_id, data: bytes) -> Product:
    """Give a product of the supplier its image (replacing one it had)."""
    made = render(data)  # the slow part, before the lock
    with transaction(lock=supplier):
        _require(actor, supplier, "supervisor")
        product = product_of(supplier, product_id)
        before = product.image_key
        ProductImage.delete().where(ProductImage.product == product).execute()
        ProductImage.create(
            product=product,
            large=made["large"],
            thumb=made["thumb"],
            width=made["width"],
            height=made["height"],
            original_bytes=len(data),
        )
        product.image_key = made["key"]
        product.save(only=[Product.image_key])
        change = {"field": "product.image", "old": before, "new": made["key"]}
        audit.record(actor, supplier, "product", "update", product.sku, [change])
    return product


@retrying
def remove_image(actor: User, supplier: Party, product_id) -> Product:
    """Take a product's image away (nothing happens when it has none)."""
    with transaction(lock=supplier):
        _require(actor, supplier, "supervisor")
        product = product_of(supplier, product_id)
        if product.image_key is None:
            return product
        ProductImage.delete().where(ProductImage.product == product).execute()
        change = {"field": "product.image", "old": product.image_key, "new": None}
        product.image_key = None
        product.save(only=[Product.image_key])
        audit.record(actor, supplier, "product", "update", product.sku, [change])
    return product


def image_bytes(product: Product, kind: str, key: str) -> bytes | None:
    """The rendering `kind` of the product's current image named `key`, or None."""
    if kind not in SIZES or product.image_key is None or key != product.image_key:
        return None
    column = ProductImage.large if kind == "large" else ProductImage.thumb
    row = ProductImage.select(column).where(ProductImage.product == product).tuples().first()
    return bytes(row[0]) if row else None
