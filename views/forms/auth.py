"""Forms of sign-in, sign-up and the user's own account."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length

from models.parties import CUSTOMER_TYPE_LABELS

from .base import PortalForm
from .fields import CountryField, language_choices, strip

PASSWORD_RULES = [
    DataRequired(),
    Length(min=10, max=128, message=_l("Use between %(min)d and %(max)d characters.")),
]


class SignInForm(PortalForm):
    email = EmailField(
        _l("Email address"), [DataRequired(), Length(max=254), Email()], filters=[strip]
    )
    password = PasswordField(_l("Password"), [DataRequired(), Length(max=128)])


class CompanyFieldsMixin:
    """The first details of a new company."""

    company_name = StringField(_l("Company name"), [DataRequired(), Length(max=200)])
    customer_type = RadioField(
        _l("Customer type"),
        [InputRequired()],
        choices=list(CUSTOMER_TYPE_LABELS.items()),
        default="business",
    )
    country = CountryField()


class SignUpForm(CompanyFieldsMixin, PortalForm):
    name = StringField(_l("Your name"), [DataRequired(), Length(max=120)])
    email = EmailField(
        _l("Email address"), [DataRequired(), Length(max=254), Email()], filters=[strip]
    )
    password = PasswordField(_l("Password"), PASSWORD_RULES)
    confirm = PasswordField(
        _l("Repeat password"),
        [DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )


class CompanyCreateForm(CompanyFieldsMixin, PortalForm):
    pass


class PasswordChangeForm(PortalForm):
    current_password = PasswordField(_l("Current password"), [DataRequired(), Length(max=128)])
    password = PasswordField(_l("New password"), PASSWORD_RULES)
    confirm = PasswordField(
        _l("Repeat new password"),
        [DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )


class ProfileForm(PortalForm):
    name = StringField(_l("Your name"), [DataRequired(), Length(max=120)])
    language = SelectField(_l("Language"), choices=language_choices())
    message_emails = BooleanField(
        _l("Email me about messages I have not read within a few minutes")
    )
    own_codes_instead = BooleanField(
        _l("In catalogs, show our own product codes instead of the supplier's SKU")
    )


class PasswordForgotForm(PortalForm):
    email = EmailField(
        _l("Email address"), [DataRequired(), Length(max=254), Email()], filters=[strip]
    )


class PasswordResetForm(PortalForm):
    password = PasswordField(_l("New password"), PASSWORD_RULES)
    confirm = PasswordField(
        _l("Repeat new password"),
        [DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )
