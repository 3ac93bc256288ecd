"""Product images (issue 9, F24): uploaded on the product's page, checked and resized, shown to
the supplier's members and in the catalog of the buyers who see the product; anything that is
not an image, or too large, is refused on the field with nothing written."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from PIL import Image

from models.audit import AuditEntry
from models.catalog import Product, create_product
from models.product_images import ProductImage
from models.relationships import CustomerGroup, Relationship
from models.sections import create_section, set_product_sections
from tests.conftest import text_of


def picture(size=(1200, 900), fmt="PNG", color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


@pytest.fixture
def shop(make_party, make_member):
    supplier = make_party(language="en", country="NL")
    admin = make_member(supplier, "admin")
    beans = create_product(admin, supplier, sku="KOF-1", name_en="Beans", list_price=Decimal(9))
    return {"supplier": supplier, "admin": admin, "beans": beans}


def upload(client, shop, data: bytes, name="beans.png"):
    supplier, beans = shop["supplier"], shop["beans"]
    return client.post(
        f"/p/{supplier.id}/products/{beans.id}/image",
        data={"image": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_an_uploaded_image_is_resized_and_shown(client, login, shop):
    login(shop["admin"])
    answer = upload(client, shop, picture())
    assert answer.status_code == 303 and answer.headers["Location"].endswith("#product-image")
    product = Product.get_by_id(shop["beans"].id)
    stored = ProductImage.get(ProductImage.product == product)
    large = Image.open(io.BytesIO(bytes(stored.large)))
    thumb = Image.open(io.BytesIO(bytes(stored.thumb)))
    assert (large.format, large.size) == ("WEBP", (800, 600))  # the longer side at 800 px
    assert max(thumb.size) == 160
    assert AuditEntry.select().where(AuditEntry.area == "product").count() >= 2

    page = client.get(f"/p/{shop['supplier'].id}/products/{product.id}/edit")
    html = page.get_data(as_text=True)
    url = f"/p/{shop['supplier'].id}/products/{product.id}/image/large/{product.image_key}.webp"
    assert f'src="{url}"' in html and "Replace the image" in html
    served = client.get(url)
    assert served.status_code == 200 and served.mimetype == "image/webp"
    assert "max-age=31536000" in served.headers["Cache-Control"]
    assert served.headers["Cache-Control"].startswith("private")
    # an old key (the image was replaced) is not served
    upload(client, shop, picture(color=(10, 200, 10)))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"%PDF-1.4 not an image", "beans.png", "Choose a JPEG, PNG, WebP or GIF image."),
        (picture(fmt="BMP"), "beans.bmp", "Choose a JPEG, PNG, WebP or GIF image."),
        (picture()[:200], "beans.png", "Choose a JPEG, PNG, WebP or GIF image."),
        (b"", "beans.png", "Choose a JPEG, PNG, WebP or GIF image."),
    ],
)
def test_what_is_not_an_image_is_refused_on_the_field(client, login, shop, data, name, message):
    login(shop["admin"])
    answer = upload(client, shop, data, name)
    assert answer.status_code == 422
    assert message in text_of(answer)
    assert 'id="image-error"' in answer.get_data(as_text=True)
    assert ProductImage.select().count() == 0
    assert Product.get_by_id(shop["beans"].id).image_key is None


def test_a_file_too_large_or_with_too_many_pixels_is_refused(client, login, shop):
    login(shop["admin"])
    big = picture() + b"\0" * (11 * 1024 * 1024)  # past the request limit
    answer = upload(client, shop, big)
    assert answer.status_code == 413
    assert "larger than 10 MB" in text_of(answer)
    huge = picture(size=(8000, 6000))  # 48 megapixels, a small file
    answer = upload(client, shop, huge)
    assert answer.status_code == 422 and "more than 40 megapixels" in text_of(answer)
    assert ProductImage.select().count() == 0


def test_removing_the_image_asks_first_without_javascript(client, login, shop):
    login(shop["admin"])
    upload(client, shop, picture())
    base = f"/p/{shop['supplier'].id}/products/{shop['beans'].id}/image/delete"
    ask = client.get(f"{base}/confirm")
    assert ask.status_code == 200 and "Remove this product" in text_of(ask)
    assert ProductImage.select().count() == 1
    assert client.post(base).status_code == 303
    assert ProductImage.select().count() == 0
    assert Product.get_by_id(shop["beans"].id).image_key is None


def test_only_supervisors_upload_and_only_their_own_products(
    client, login, shop, make_party, make_member
):
    employee = make_member(shop["supplier"], "employee")
    login(employee)
    assert upload(client, shop, picture()).status_code == 403
    other = make_party()
    login(make_member(other, "admin"))
    theirs = client.post(
        f"/p/{other.id}/products/{shop['beans'].id}/image",
        data={"image": (io.BytesIO(picture()), "x.png")},
        content_type="multipart/form-data",
    )
    assert theirs.status_code == 404
    assert ProductImage.select().count() == 0


def test_buyers_see_the_image_only_of_products_their_catalog_shows(
    client, login, shop, make_party, make_member
):
    supplier, admin = shop["supplier"], shop["admin"]
    login(admin)
    upload(client, shop, picture())
    key = Product.get_by_id(shop["beans"].id).image_key
    customer = make_party()
    buyer = make_member(customer, "employee")
    link = Relationship.create(supplier=supplier, customer=customer, status="connected")
    login(buyer)
    catalog = client.get(f"/p/{customer.id}/suppliers/{link.id}/catalog")
    base = f"/p/{customer.id}/suppliers/{link.id}/catalog/{shop['beans'].id}/image"
    assert f'src="{base}/thumb/{key}.webp"' in catalog.get_data(as_text=True)
    assert client.get(f"{base}/thumb/{key}.webp").status_code == 200
    product = client.get(f"/p/{customer.id}/suppliers/{link.id}/catalog/{shop['beans'].id}")
    assert f'src="{base}/large/{key}.webp" alt="Beans"' in product.get_data(as_text=True)
    # in a section only another group sees: gone, image and all
    pro = create_section(
        admin,
        supplier,
        name="Professional",
        group_ids=[CustomerGroup.create(supplier=supplier, name="Pro", code="PRO").id],
    )
    set_product_sections(admin, supplier, shop["beans"].id, [pro.id])
    assert client.get(f"{base}/thumb/{key}.webp").status_code == 404
    # not the supplier's own route either
    assert (
        client.get(
            f"/p/{supplier.id}/products/{shop['beans'].id}/image/thumb/{key}.webp"
        ).status_code
        == 404
    )
