"""Forms of the company settings: profile, addresses, delivery points, bank account and
supplier defaults. Checksums and formats come from the domain's rules (models.identifiers)."""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import format_decimal, get_currency_name, get_currency_precision
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from models.addresses import ADDRESS_KINDS
from models.base import DomainError
from models.company import MAX_PAYMENT_TERMS_DAYS
from models.identifiers import (
    MAX_AMOUNT,
    currencies_in_use,
    normalise_bic,
    normalise_iban,
    normalise_postal_code,
    normalise_vat,
)
from models.parties import CUSTOMER_TYPE_LABELS

from .base import PortalForm
from .fields import CountryField, language_choices, strip


def currency_choices() -> list[tuple[str, str]]:
    """Currencies in use today, named in the user's language ("Euro (EUR)"), by name."""
    locale = get_locale()
    pairs = [
        (code, f"{get_currency_name(code, locale=locale)} ({code})") for code in currencies_in_use()
    ]
    return sorted(pairs, key=lambda pair: pair[1].casefold())


def _domain_check(rule, field, *args) -> None:
    """Run a domain rule on a field; its refusal becomes the field's message."""
    try:
        field.data = rule(field.data, *args)
    except DomainError as error:
        raise ValidationError(str(error)) from None


class CurrencyField(SelectField):
    """A currency in use today; choices (localised names) are filled per request."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label or _l("Currency"), validators, **kwargs)

    def pre_validate(self, form):
        if self.data not in currencies_in_use():
            raise ValidationError(_l("Choose a currency from the list."))


class CompanyEditForm(PortalForm):
    """The company profile (F7)."""

    version = HiddenField()
    legal_name = StringField(_l("Legal name"), [DataRequired(), Length(max=200)])
    display_name = StringField(_l("Display name"), [DataRequired(), Length(max=200)])
    customer_type = RadioField(
        _l("Customer type"), [InputRequired()], choices=list(CUSTOMER_TYPE_LABELS.items())
    )
    vat_number = StringField(_l("VAT number"), [Optional(), Length(max=40)], filters=[strip])
    country = CountryField()
    language = SelectField(_l("Language"), choices=language_choices())
    currency = CurrencyField()
    email = EmailField(_l("Email address"), [Optional(), Length(max=254), Email()], filters=[strip])
    phone = TelField(
        _l("Phone"),
        [
            Optional(),
            Length(max=40),
            Regexp(
                r"^\+?[0-9 ()./\-]{5,40}$",
                message=_l("Enter a phone number of digits, spaces and + ( ) - / ."),
            ),
        ],
        filters=[strip],
    )

    def validate_vat_number(self, field):
        if field.data and self.country.data:
            _domain_check(normalise_vat, field, self.country.data)


class AddressFieldsMixin:
    label = StringField(_l("Name of the address"), [Optional(), Length(max=120)], filters=[strip])
    recipient = StringField(_l("Recipient"), [Optional(), Length(max=200)], filters=[strip])
    street = StringField(_l("Street and number"), [DataRequired(), Length(max=200)])
    street2 = StringField(_l("Address line 2"), [Optional(), Length(max=200)], filters=[strip])
    postal_code = StringField(_l("Postal code"), [DataRequired(), Length(max=20)])
    city = StringField(_l("City"), [DataRequired(), Length(max=120)])
    region = StringField(_l("Region or province"), [Optional(), Length(max=120)], filters=[strip])
    country = CountryField()

    def validate_postal_code(self, field):
        if self.country.data:
            _domain_check(normalise_postal_code, field, self.country.data)


class AddressCreateForm(AddressFieldsMixin, PortalForm):
    """A new invoice or delivery address (F8)."""

    kind = HiddenField(validators=[InputRequired()])
    make_default = BooleanField(_l("Make this the default address"))

    def validate_kind(self, field):
        if field.data not in ADDRESS_KINDS:
            raise ValidationError(_l("Choose invoice or delivery address."))


class AddressEditForm(AddressFieldsMixin, PortalForm):
    """An address's details (F8)."""

    version = HiddenField()


class DeliveryPointCreateForm(PortalForm):
    """A building, dock or room inside a delivery address (F9)."""

    name = StringField(_l("Name"), [DataRequired(), Length(max=120)])
    instructions = TextAreaField(_l("Instructions"), [Optional(), Length(max=2000)])


class DeliveryPointEditForm(DeliveryPointCreateForm):
    version = HiddenField()
    address = SelectField(_l("Delivery address"), validate_choice=False)

    def validate_address(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose one of your delivery addresses."))


class BankAccountEditForm(PortalForm):
    """Where the company receives payouts (F10)."""

    version = HiddenField()

    holder = StringField(_l("Account holder"), [Optional(), Length(max=200)], filters=[strip])
    iban = StringField(_l("IBAN"), [DataRequired(), Length(max=50)])
    bic = StringField(_l("BIC"), [Optional(), Length(max=20)], filters=[strip])

    def validate_iban(self, field):
        _domain_check(normalise_iban, field)

    def validate_bic(self, field):
        _domain_check(normalise_bic, field)


_SPACES = re.compile(r"[\s\u00a0\u202f'’]")


def _number_symbols(locale) -> tuple[str, str]:
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return get_decimal_symbol(locale), get_group_symbol(locale)


def amount_example(locale=None) -> str:
    """1234.50 written the way the user's locale writes it ("1.234,50" in German)."""
    return format_decimal(Decimal("1234.50"), format="#,##0.00", locale=locale or get_locale())


def parse_amount(text: str | None, currency: str, locale=None) -> Decimal | None:
    """Money typed the way people write it in the user's locale: "1.234,56" in German,
    "1,234.56" in English, "1 234,56" in French; a lone separator before one, two or four
    digits is the decimal one whichever it is. Only "1.000" / "1,000" is ambiguous: then the
    locale decides. Empty means none."""
    locale = locale or get_locale()
    text = _SPACES.sub("", text or "")
    if not text:
        return None
    if text.startswith("-"):
        raise ValidationError(_l("The amount cannot be negative."))
    wrong = ValidationError(
        _("Enter an amount in digits, like %(example)s.", example=amount_example(locale))
    )
    if not re.fullmatch(r"\d[\d.,]*", text) or text[-1] in ".,":
        raise wrong
    decimal_symbol, group_symbol = _number_symbols(locale)
    separators = [c for c in text if c in ".,"]
    whole, decimals = text, ""
    if separators:
        kinds = set(separators)
        last = max(text.rfind("."), text.rfind(","))
        if len(kinds) == 2:  # "1.234,56": the last one separates the decimals
            if separators.count(text[last]) != 1:
                raise wrong
            whole, decimals = text[:last], text[last + 1 :]
        elif len(separators) > 1:  # "1.234.567": thousands only
            whole = text
        elif len(text) - last - 1 != 3 or separators[0] == decimal_symbol != group_symbol:
            whole, decimals = text[:last], text[last + 1 :]
        grouped = whole.replace(",", ".").split(".")
        if len(grouped) > 1 and (
            not 1 <= len(grouped[0]) <= 3 or any(len(g) != 3 for g in grouped[1:])
        ):
            raise wrong
        whole = "".join(grouped)
    digits = get_currency_precision(currency)
    if len(decimals) > digits:
        raise ValidationError(
            _("Use at most %(digits)s decimals for %(currency)s.", digits=digits, currency=currency)
        )
    amount = Decimal(f"{whole}.{decimals}" if decimals else whole)
    if amount > MAX_AMOUNT:
        raise ValidationError(_l("This amount is too large."))
    return amount


def amount_text(amount: Decimal | None, currency: str, locale=None) -> str:
    """An amount as the user's locale writes it, for a form field ("1.234,50")."""
    if amount is None:
        return ""
    digits = get_currency_precision(currency)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(amount, format=pattern, locale=locale or get_locale())


class AmountField(StringField):
    """Money typed as text; `.amount` holds the Decimal once the form is validated."""

    amount: Decimal | None = None

    def pre_validate(self, form):
        self.amount = parse_amount(self.data, getattr(form, "money_currency", "EUR"))


class SupplierDefaultsEditForm(PortalForm):
    """Terms new client relationships start with (F11)."""

    version = HiddenField()
    min_order = AmountField(_l("Default minimum order value"), [Length(max=20)])
    credit_limit = AmountField(_l("Default credit limit"), [Length(max=20)])
    payment_terms_days = IntegerField(
        _l("Default payment terms (days)"),
        [
            Optional(),
            NumberRange(
                min=0,
                max=MAX_PAYMENT_TERMS_DAYS,
                message=_l("Enter between %(min)s and %(max)s days."),
            ),
        ],
    )
    schedule = SelectField(_l("Default delivery schedule"), validate_choice=False)

    def __init__(self, *args, currency: str = "EUR", **kwargs):
        super().__init__(*args, **kwargs)
        self.money_currency = currency

    def validate_schedule(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose one of your delivery schedules."))
