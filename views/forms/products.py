"""The product form (F24): SKU, texts in the five languages, unit, VAT class, prices."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, ListWidget

from models.catalog import LANGUAGES, UNIT_LABELS, UNITS
from models.catalog_terms import MAX_ORDER_DISCOUNTS
from models.price_lists import PRICE_LIST_KIND_LABELS
from models.pricing import DISCOUNT_RULE_LABELS, DISCOUNT_RULES

from .base import PortalForm
from .clients import PercentField
from .company import AmountField
from .fields import strip

LANGUAGE_NAMES = {
    "en": _l("English"),
    "nl": _l("Dutch"),
    "de": _l("German"),
    "fr": _l("French"),
    "es": _l("Spanish"),
}


class ProductForm(PortalForm):
    version = HiddenField()
    sku = StringField(_l("SKU"), [Length(max=40)], filters=[strip])
    unit = SelectField(_l("Unit"), validate_choice=False)
    pack_size = StringField(_l("Pieces per pack"), [Length(max=8)], filters=[strip])
    vat_class = SelectField(_l("VAT class"), validate_choice=False)
    list_price = AmountField(_l("List price"), [Length(max=20)])
    purchase_price = AmountField(_l("Purchase price (net)"), [Length(max=20)])
    schedule = SelectField(_l("Availability schedule"), validate_choice=False)
    active = BooleanField(_l("Active: buyers can see and order it"), default=True)

    def __init__(self, *args, currency: str = "EUR", **kwargs):
        super().__init__(*args, **kwargs)
        self.money_currency = currency
        self.unit.choices = [(code, UNIT_LABELS[code]) for code in UNITS]


def add_name_fields(form_class, longest: int) -> None:
    """A name field per language (name_en, name_nl …) on a form class."""
    for code in LANGUAGES:
        label = _l("Name (%(language)s)", language=LANGUAGE_NAMES[code])
        field = StringField(label, [Length(max=longest)], filters=[strip])
        setattr(form_class, f"name_{code}", field)


add_name_fields(ProductForm, 200)
for _code in LANGUAGES:
    setattr(
        ProductForm,
        f"description_{_code}",
        TextAreaField(
            _l("Description (%(language)s)", language=LANGUAGE_NAMES[_code]),
            [Length(max=5000)],
        ),
    )


def category_codes_form(categories, *args, **kwargs):
    """The form of a product's own codes, one code and description per customer category."""
    fields = {"version": HiddenField()}
    for category in categories:
        fields[f"code_{category.id}"] = StringField(
            _l("Code for %(category)s", category=category.name), [Length(max=60)], filters=[strip]
        )
        fields[f"description_{category.id}"] = StringField(
            _l("Description for %(category)s", category=category.name),
            [Length(max=200)],
            filters=[strip],
        )
    return type("CategoryCodesForm", (PortalForm,), fields)(*args, **kwargs)


class CatalogTermsForm(PortalForm):
    """How discounts combine, the customer-type discounts and the order conditions."""

    version = HiddenField()
    discount_rule = RadioField(_l("When a client has more than one discount"), default="largest")
    business_discount = PercentField(_l("Discount for business customers %"), [Length(max=12)])
    consumer_discount = PercentField(_l("Discount for consumers %"), [Length(max=12)])
    delivery_cost = AmountField(_l("Delivery costs"), [Length(max=20)])
    free_delivery_from = AmountField(_l("Free delivery from"), [Length(max=20)])

    def __init__(self, *args, currency: str = "EUR", **kwargs):
        super().__init__(*args, **kwargs)
        self.money_currency = currency
        self.discount_rule.choices = [(rule, DISCOUNT_RULE_LABELS[rule]) for rule in DISCOUNT_RULES]


for _n in range(MAX_ORDER_DISCOUNTS):
    setattr(
        CatalogTermsForm,
        f"order_discount_{_n}",
        AmountField(_l("From an order value of"), [Length(max=20)]),
    )
    setattr(
        CatalogTermsForm,
        f"order_discount_{_n}_percent",
        PercentField(_l("Order discount %"), [Length(max=12)]),
    )


class PriceListForm(PortalForm):
    version = HiddenField()
    name = StringField(_l("Name"), [Length(max=120)], filters=[strip])
    code = StringField(_l("Code"), [Length(max=40)], filters=[strip])
    kind = RadioField(_l("Kind"), default="fixed")
    surcharge = PercentField(_l("Surcharge %"), [Length(max=12)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = list(PRICE_LIST_KIND_LABELS.items())


class PriceEntryForm(PortalForm):
    sku = StringField(_l("SKU"), [Length(max=40)], filters=[strip])
    min_quantity = StringField(_l("From quantity"), [Length(max=8)], filters=[strip], default="1")
    price = AmountField(_l("Price"), [Length(max=20)])
    surcharge = PercentField(_l("Own surcharge %"), [Length(max=12)])

    def __init__(self, *args, currency: str = "EUR", **kwargs):
        super().__init__(*args, **kwargs)
        self.money_currency = currency


class SectionForm(PortalForm):
    """A catalog section: its name, the section it sits in, the groups it is limited to."""

    version = HiddenField()
    name = StringField(_l("Name"), [Length(max=120)], filters=[strip])
    parent = SelectField(_l("Inside section"), validate_choice=False)
    groups = SelectMultipleField(
        _l("Only for these groups"),
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


add_name_fields(SectionForm, 120)


class ProductSectionsForm(PortalForm):
    sections = SelectMultipleField(
        _l("Sections"),
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class VatClassForm(PortalForm):
    """A VAT class of the company's own: its code and its name."""

    code = StringField(_l("Code"), [Length(max=24)], filters=[strip])
    name = StringField(_l("Name"), [Length(max=80)], filters=[strip])


class VatClassNameForm(PortalForm):
    """A VAT class's name (empty: a shipped class's own name)."""

    version = HiddenField()
    name = StringField(_l("Name"), [Length(max=80)], filters=[strip])
