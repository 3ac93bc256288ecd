"""Forms of the team page and of accepting an invitation."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Email, EqualTo, Length, Optional

from models.parties import ROLE_LABELS, ROLES

from .auth import PASSWORD_RULES
from .base import PortalForm
from .fields import language_choices, strip


class InvitationCreateForm(PortalForm):
    email = EmailField(
        _l("Email address"), [DataRequired(), Length(max=254), Email()], filters=[strip]
    )
    # choices are the roles the inviter may give (set per request); a role above the
    # inviter's is refused by the domain with its own message, so any known role passes here
    role = SelectField(
        _l("Role"),
        [DataRequired(), AnyOf(ROLES, message=_l("Choose one of the roles."))],
        choices=list(ROLE_LABELS.items()),
        default="employee",
        validate_choice=False,
    )
    language = SelectField(_l("Language of the email"), choices=language_choices())


class MemberUpdateForm(PortalForm):
    role = SelectField(
        _l("Role"),
        [DataRequired(), AnyOf(ROLES, message=_l("Choose one of the roles."))],
        choices=list(ROLE_LABELS.items()),
        validate_choice=False,
    )
    # the role the form showed: a change made meanwhile by someone else is not overwritten
    current_role = HiddenField(validators=[Optional(), AnyOf(ROLES)])


class InvitationAcceptForm(PortalForm):
    name = StringField(_l("Your name"), [DataRequired(), Length(max=120)])
    password = PasswordField(_l("Password"), PASSWORD_RULES)
    confirm = PasswordField(
        _l("Repeat password"),
        [DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )
