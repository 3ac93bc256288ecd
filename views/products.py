"""The supplier's products (F24): a list with search, an active filter and paging (updated in
place as you type, a plain GET form underneath), and a form to add or change a product
(supervisors and admins). Every member of the supplier reads the list."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, request, url_for
from flask_babel import format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from models.base import DomainError, NotFound, StaleForm, from_minor
from models.catalog import (
    LANGUAGES,
    create_product,
    product_of,
    reading_languages,
    update_product,
    writing_language,
)
from models.catalog_terms import MAX_ORDER_DISCOUNTS, catalog_terms, update_catalog_terms
from models.parties import Party
from models.product_codes import categories_of, codes_of_product, set_category_codes
from models.product_images import ACCEPT as IMAGE_ACCEPT
from models.product_lists import products_page
from models.schedules import DeliverySchedule
from models.tax import VAT_CLASS_LABELS
from models.vat_classes import classes_of, rate_countries, rate_table, update_rates

from .access import member
from .forms.company import amount_text
from .forms.fields import field_error
from .forms.products import CatalogTermsForm, ProductForm, VatClassForm, category_codes_form
from .htmx import page_or_block, redirect_to
from .sections import product_sections_form

bp = Blueprint("products", __name__, url_prefix="/p/<int:party_id>/products")

PER_PAGE = 25


def _active_filter() -> bool | None:
    return {"1": True, "0": False}.get(request.args.get("active", ""))


@bp.route("/")
@member("employee")
def index(party_id):
    """The supplier's products, searched by SKU or name in any language."""
    search = (request.args.get("q") or "").strip()[:100]
    active = _active_filter()
    locale = get_locale()
    listing = products_page(
        g.party,
        search=search,
        active=active,
        page=request.args.get("page", 1),
        per_page=PER_PAGE,
        texts=reading_languages(g.party, locale.language if locale else None),
    )
    return page_or_block(
        "products/index.html",
        None,
        regions={"product-rows": "product_rows"},
        products=listing,
        search=search,
        active=request.args.get("active", ""),
        can_edit=g.membership.has_role("supervisor"),
        currency=g.party.currency,
    )


def _choices(form: ProductForm) -> ProductForm:
    classes = classes_of(g.party)
    if classes:
        form.vat_class.choices = [(str(c.id), c.label) for c in classes]
    else:  # before the first product: the shipped classes are written with it
        form.vat_class.choices = [("", VAT_CLASS_LABELS["standard"])]
    schedules = (
        DeliverySchedule.select(DeliverySchedule.id, DeliverySchedule.name)
        .where(DeliverySchedule.party == g.party)
        .order_by(DeliverySchedule.name)
    )
    form.schedule.choices = [("", _("None: the client's delivery schedule"))] + [
        (str(s.id), s.name) for s in schedules
    ]
    return form


def _codes_form(product, formdata=None):
    categories = categories_of(g.party)
    data = {}
    if product is not None and formdata is None:
        data["version"] = str(product.version)
        for category_id, row in codes_of_product(product).items():
            data[f"code_{category_id}"] = row.code
            data[f"description_{category_id}"] = row.description
    form = category_codes_form(categories, formdata=formdata, data=data)
    return categories, form


def edit_page(product, status=200, image_error=None):
    """A product's page as saved (its form, sections, codes and image)."""
    form = ProductForm(formdata=None, data=_form_data(product), currency=g.party.currency)
    return _form_page(_choices(form), product, status, image_error=image_error)


def _form_page(
    form, product=None, status=200, error=None, codes=None, codes_error=None, image_error=None
):
    categories, codes_form = codes or (_codes_form(product) if product else ([], None))
    return page_or_block(
        "products/form.html",
        None,
        status,
        form=form,
        product=product,
        error=error,
        categories=categories,
        codes_form=codes_form,
        sections_form=product_sections_form(product) if product else None,
        codes_error=codes_error,
        image_error=image_error,
        image_accept=IMAGE_ACCEPT,
        product_languages=LANGUAGES,
        own_language=writing_language(g.party),
    )


def _values(form: ProductForm) -> dict:
    values = {
        "sku": form.sku.data,
        "unit": form.unit.data,
        "pack_size": form.pack_size.data,
        "vat_class_id": form.vat_class.data or None,
        "schedule_id": form.schedule.data or None,
        "list_price": form.list_price.amount,
        "purchase_price": form.purchase_price.amount,
        "active": form.active.data,
    }
    for code in LANGUAGES:
        values[f"name_{code}"] = getattr(form, f"name_{code}").data
        values[f"description_{code}"] = getattr(form, f"description_{code}").data
    return values


@bp.route("/new")
@member("supervisor")
def new(party_id):
    """The form for a new product."""
    form = _choices(ProductForm(formdata=None, currency=g.party.currency))
    return _form_page(form)


@bp.route("/", methods=["POST"])
@member("supervisor")
def create(party_id):
    """Add a product."""
    form = _choices(ProductForm(currency=g.party.currency))
    error = None
    if form.validate_on_submit():
        try:
            product = create_product(current_user._get_current_object(), g.party, **_values(form))
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            flash(_("The product %(sku)s is added.", sku=product.sku))
            return redirect_to(url_for("products.index", party_id=g.party.id))
    return _form_page(form, status=422, error=error)


def _product_or_404(product_id):
    try:
        return product_of(g.party, product_id)
    except NotFound:
        abort(404)


def _form_data(product) -> dict:
    currency = g.party.currency
    data = {
        "version": str(product.version),
        "sku": product.sku,
        "unit": product.unit,
        "pack_size": str(product.pack_size or ""),
        "vat_class": str(product.vat_class_id),
        "schedule": str(product.schedule_id or ""),
        "list_price": amount_text(from_minor(product.list_price_minor, currency), currency),
        "purchase_price": amount_text(from_minor(product.purchase_price_minor, currency), currency),
        "active": product.active,
    }
    for text in product.texts:
        data[f"name_{text.language}"] = text.name
        data[f"description_{text.language}"] = text.description
    return data


@bp.route("/<int:product_id>/edit")
@member("supervisor")
def edit(party_id, product_id):
    """The form of one product."""
    return edit_page(_product_or_404(product_id))


@bp.route("/<int:product_id>", methods=["POST"])
@member("supervisor")
def update(party_id, product_id):
    """Save a product; a form loaded before someone else's save shows the saved values."""
    product = _product_or_404(product_id)
    form = _choices(ProductForm(currency=g.party.currency))
    error = None
    if form.validate_on_submit():
        try:
            update_product(
                current_user._get_current_object(),
                g.party,
                product.id,
                form.version.data or "",  # a missing version is stale too
                **_values(form),
            )
        except StaleForm as refusal:
            product = product_of(g.party, product.id)
            fresh = _choices(
                ProductForm(formdata=None, data=_form_data(product), currency=g.party.currency)
            )
            return _form_page(fresh, product, 409, str(refusal))
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            flash(_("The product %(sku)s is saved.", sku=form.sku.data))
            return redirect_to(url_for("products.index", party_id=g.party.id))
    return _form_page(form, product, 422, error)


@bp.route("/<int:product_id>/codes", methods=["POST"])
@member("supervisor")
def codes(party_id, product_id):
    """Save the product's own codes per customer category (F20)."""
    product = _product_or_404(product_id)
    categories, form = _codes_form(product, formdata=request.form)
    error = None
    if form.validate_on_submit():
        values = {
            c.id: (form[f"code_{c.id}"].data or "", form[f"description_{c.id}"].data or "")
            for c in categories
        }
        try:
            set_category_codes(
                current_user._get_current_object(),
                g.party,
                product.id,
                values,
                version=form.version.data or "",  # a missing version is stale too
            )
        except StaleForm as refusal:
            product = product_of(g.party, product.id)
            fresh = ProductForm(formdata=None, data=_form_data(product), currency=g.party.currency)
            return _form_page(
                _choices(fresh), product, 409, codes=_codes_form(product), codes_error=str(refusal)
            )
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            flash(_("The customer codes of %(sku)s are saved.", sku=product.sku))
            return redirect_to(url_for("products.edit", party_id=g.party.id, product_id=product.id))
    fresh = ProductForm(formdata=None, data=_form_data(product), currency=g.party.currency)
    return _form_page(_choices(fresh), product, 422, codes=(categories, form), codes_error=error)


def _terms_data() -> dict:
    terms = catalog_terms(g.party)
    currency = g.party.currency
    data = {
        "version": str(terms.version),
        "discount_rule": terms.discount_rule,
        "business_discount": _percent_text(terms.business_discount),
        "consumer_discount": _percent_text(terms.consumer_discount),
        "delivery_cost": amount_text(terms.delivery_cost, currency),
        "free_delivery_from": amount_text(terms.free_delivery_from, currency),
    }
    for n, (start, discount) in enumerate(terms.order_discounts[:MAX_ORDER_DISCOUNTS]):
        data[f"order_discount_{n}"] = amount_text(start, currency)
        data[f"order_discount_{n}_percent"] = _percent_text(discount)
    return data


def _percent_text(value) -> str:
    return "" if value is None else format_decimal(value)


def _terms_page(form, status=200, error=None):
    return page_or_block(
        "products/terms.html",
        None,
        status,
        form=form,
        error=error,
        tiers=range(MAX_ORDER_DISCOUNTS),
        can_edit=g.membership.has_role("admin"),
    )


@bp.route("/terms")
@member("employee")
def terms(party_id):
    """The catalog terms: how discounts combine, customer-type discounts, order conditions."""
    currency = g.party.currency
    return _terms_page(CatalogTermsForm(formdata=None, data=_terms_data(), currency=currency))


@bp.route("/terms", methods=["POST"])
@member("admin")
def update_terms(party_id):
    """Save the catalog terms (admins)."""
    currency = g.party.currency
    form = CatalogTermsForm(currency=currency)
    error = None
    if form.validate_on_submit():
        try:
            update_catalog_terms(
                current_user._get_current_object(),
                g.party,
                version=form.version.data or "",
                discount_rule=form.discount_rule.data,
                business_discount=form.business_discount.percent,
                consumer_discount=form.consumer_discount.percent,
                delivery_cost=form.delivery_cost.amount,
                free_delivery_from=form.free_delivery_from.amount,
                order_discounts=[
                    (
                        form[f"order_discount_{n}"].amount,
                        form[f"order_discount_{n}_percent"].percent,
                    )
                    for n in range(MAX_ORDER_DISCOUNTS)
                ],
            )
        except StaleForm as refusal:
            g.party = Party.get_by_id(g.party.id)
            fresh = CatalogTermsForm(formdata=None, data=_terms_data(), currency=currency)
            return _terms_page(fresh, 409, str(refusal))
        except DomainError as refusal:
            error = field_error(form, refusal)
        else:
            flash(_("The catalog terms are saved."))
            return redirect_to(url_for("products.terms", party_id=g.party.id))
    return _terms_page(form, 422, error)


def vat_page(status=200, error=None, typed=None, errors=None, class_form=None, class_error=None):
    classes, rates, version = rate_table(g.party)
    locale = get_locale()
    countries = [
        (code, locale.territories.get(code, code) if locale else code)
        for code in rate_countries(g.party)
    ]
    return page_or_block(
        "products/vat.html",
        None,
        status,
        classes=classes,
        rates=rates,
        version=version,
        countries=sorted(countries, key=lambda c: c[1]),
        typed=typed or {},
        errors=errors or {},
        error=error,
        can_edit=g.membership.has_role("admin"),
        class_form=class_form or VatClassForm(formdata=None),
        class_error=class_error,
    )


@bp.route("/vat")
@member("employee")
def vat(party_id):
    """The VAT classes and their rates per country (F27), kept as data."""
    return vat_page()


@bp.route("/vat", methods=["POST"])
@member("admin")
def update_vat(party_id):
    """Save the VAT rates (admins); a rate is refused on its own field."""
    typed = {}
    for key, value in request.form.items():
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == "rate":
            typed[(parts[1], parts[2])] = value[:20]
    try:
        count = update_rates(
            current_user._get_current_object(), g.party, request.form.get("version", ""), typed
        )
    except StaleForm as refusal:
        return vat_page(409, str(refusal))
    except DomainError as refusal:
        typed_text = {f"rate-{code}-{country}": text for (code, country), text in typed.items()}
        return vat_page(
            422,
            _("Check the rate marked below."),
            typed=typed_text,
            errors={refusal.field: str(refusal)},
        )
    flash(
        ngettext("%(num)s rate is saved.", "%(num)s rates are saved.", count)
        if count
        else _("Nothing changed.")
    )
    return redirect_to(url_for("products.vat", party_id=g.party.id))
