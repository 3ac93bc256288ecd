"""The form of a client's terms (F12, F16, F17), edited by the supplier's supervisors and admins."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from models.relationships import MAX_PAYMENT_TERMS_DAYS

from .base import PortalForm
from .company import AddressFieldsMixin, AmountField, CompanyEditForm
from .fields import strip


class PercentField(StringField):
    """A percentage typed the way the user's locale writes it ("2,5" in Dutch); `.percent`
    holds the Decimal (None when empty) once validated. The range is the domain's rule."""

    percent: Decimal | None = None

    def pre_validate(self, form):
        text = (self.data or "").strip().rstrip("%").strip()
        if not text:
            self.percent = None
            return
        try:
            self.percent = parse_decimal(text, locale=get_locale(), strict=True)
        except NumberFormatError:
            raise ValidationError(_l("Enter a percentage, for example 2.5.")) from None


class TermsForm(PortalForm):
    version = HiddenField()
    client_code = StringField(_l("Client code"), [Length(max=40)])
    min_order = AmountField(_l("Minimum order value"), [Length(max=20)])
    credit_limit = AmountField(_l("Credit limit"), [Length(max=20)])
    payment_method = SelectField(_l("Payment method"), validate_choice=False)
    payment_terms_days = IntegerField(
        _l("Payment terms (days)"),
        [
            Optional(),
            NumberRange(
                min=0,
                max=MAX_PAYMENT_TERMS_DAYS,
                message=_l("Enter between %(min)s and %(max)s days."),
            ),
        ],
    )
    discount = PercentField(_l("Discount %"), [Length(max=12)])
    schedule_id = SelectField(_l("Delivery schedule"), validate_choice=False)
    group_id = SelectField(_l("Customer group"), validate_choice=False)
    category_id = SelectField(_l("Customer category"), validate_choice=False)
    price_list_id = SelectField(_l("Price list"), validate_choice=False)
    vat_override = SelectField(_l("VAT"), validate_choice=False)
    delivery_cost = AmountField(_l("Delivery costs"), [Length(max=20)])
    free_delivery_from = AmountField(_l("Free delivery from"), [Length(max=20)])
    delinquency = SelectField(_l("Delinquency status"), validate_choice=False)
    tags = StringField(_l("Tags"), [Length(max=400)])
    notes = TextAreaField(_l("Internal notes"), [Length(max=5000)])
    sepa_iban = StringField(_l("IBAN of the mandate"), [Length(max=42)])
    sepa_mandate_ref = StringField(_l("Mandate reference"), [Length(max=35)])
    sepa_signed_on = DateField(_l("Mandate signed on"), [Optional()])

    def __init__(self, *args, currency: str = "EUR", **kwargs):
        super().__init__(*args, **kwargs)
        self.money_currency = currency


class ConnectForm(PortalForm):
    """Connect to a company that uses the portal: found by its exact VAT number or email."""

    identifier = StringField(
        _l("VAT number or email address"), [DataRequired(), Length(max=254)], filters=[strip]
    )


class AddressPart(AddressFieldsMixin, PortalForm):
    """One address inside the new-client form (its fields are named delivery-street, ...)."""

    # no field of a part takes the focus by itself (address_fields focuses the first field
    # of a form that opens in place; this form is a page of its own)
    focus = "-"

    class Meta:
        csrf = False


class ClientCreateForm(CompanyEditForm):
    """A client created on the spot (F12): the company, one delivery and one invoice address,
    and optionally its first admin, invited by email."""

    version = None
    display_name = StringField(_l("Display name"), [Optional(), Length(max=200)], filters=[strip])
    delivery = FormField(AddressPart, label=_l("Delivery address"))
    invoice_same = BooleanField(_l("The invoice address is the delivery address"), default=True)
    invoice = FormField(AddressPart, label=_l("Invoice address"))
    admin_email = EmailField(
        _l("Email address of its first admin"),
        [Optional(), Length(max=254), Email()],
        filters=[strip],
    )

    def validate(self, extra_validators=None):
        if self.invoice_same.data:  # the invoice part takes the delivery address's values
            for field in self.invoice.form:
                source = self.delivery.form[field.short_name]
                field.data, field.raw_data = source.data, source.raw_data
        return super().validate(extra_validators)


class CategoryForm(PortalForm):
    """A customer category (F20): a name and a short code."""

    version = HiddenField()
    name = StringField(_l("Name"), [DataRequired(), Length(max=120)], filters=[strip])
    code = StringField(_l("Code"), [DataRequired(), Length(max=40)], filters=[strip])


class GroupForm(CategoryForm):
    """A customer group (F19): also a discount and an announcement to its buyers."""

    discount = PercentField(_l("Group discount %"), [Length(max=12)])
    announcement = TextAreaField(_l("Announcement"), [Length(max=2000)])
    price_list_id = SelectField(_l("Price list"), validate_choice=False)
    free_delivery = BooleanField(_l("Free delivery for this group's clients"))


class ContactForm(PortalForm):
    """A contact person at a client (F15)."""

    version = HiddenField()
    name = StringField(_l("Name"), [DataRequired(), Length(max=200)], filters=[strip])
    role = StringField(_l("Role or department"), [Optional(), Length(max=120)], filters=[strip])
    email = EmailField(_l("Email address"), [Optional(), Length(max=254), Email()], filters=[strip])
    phone = StringField(_l("Phone"), [Optional(), Length(max=40)], filters=[strip])


class MessageForm(PortalForm):
    """A message in the conversation between a supplier and a client (F21)."""

    body = TextAreaField(_l("Message"), [DataRequired(), Length(max=5000)])
