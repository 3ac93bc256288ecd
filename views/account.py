"""The signed-in user's own account: profile, language and password."""

from flask import Blueprint, flash, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user

from models.base import DomainError
from models.parties import change_password, memberships_of, update_profile

from .access import signed_in
from .forms.auth import PasswordChangeForm, ProfileForm
from .htmx import page_or_block, redirect_to

bp = Blueprint("account", __name__, url_prefix="/account")


def _render(status=200, block=None, profile_form=None, password_form=None):
    profile_form = profile_form or ProfileForm(
        formdata=None,
        name=current_user.name,
        language=current_user.language or "en",
        message_emails=current_user.message_emails,
        own_codes_instead=current_user.own_codes_instead,
    )
    password_form = password_form or PasswordChangeForm(formdata=None)
    return page_or_block(
        "account/show.html",
        block,
        status,
        profile_form=profile_form,
        password_form=password_form,
        memberships=memberships_of(current_user),
    )


@bp.route("/")
@signed_in
def show():
    """Your account: name, language, password and the companies you belong to."""
    return _render()


@bp.route("/profile", methods=["POST"])
@signed_in
def update():
    """Save your name and language."""
    form = ProfileForm()
    if not form.validate_on_submit():
        return _render(422, "profile_form", profile_form=form)
    update_profile(
        current_user,
        name=form.name.data,
        language=form.language.data,
        message_emails=form.message_emails.data,
        own_codes_instead=form.own_codes_instead.data,
    )
    refresh()
    flash(_("Your profile is saved."))
    return redirect_to(url_for("account.show"))


@bp.route("/password", methods=["POST"])
@signed_in
def password():
    """Change your password; your other sessions end."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data, form.password.data)
        except DomainError as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            flash(_("Your password is changed. Other devices have been signed out."))
            return redirect_to(url_for("account.show"))
    return _render(422, "password_form", password_form=form)
