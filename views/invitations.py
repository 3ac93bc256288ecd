"""Accepting an invitation from the link in its email (F4): public, the signed link is the key."""

from flask import Blueprint, flash, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user

from models.base import DomainError
from models.invitations import (
    AlreadyMember,
    WrongAccount,
    accept_as_new_user,
    accept_as_user,
    invitation_for_token,
)
from models.mail import LinkExpired, LinkInvalid, LinkUsed
from models.parties import User, normalise_email

from .access import public
from .auth import start_session
from .forms.team import InvitationAcceptForm
from .htmx import page_or_block, redirect_to, wants_block

bp = Blueprint("invitations", __name__, url_prefix="/invitations")


def _problem(error: DomainError):
    """A clear page for a link that cannot be used: 404 made up, 410 expired or used."""
    if isinstance(error, LinkExpired):
        status = 410
        title = _("This invitation has expired")
        message = _(
            "Invitation links work for 7 days. Ask the person who invited you to send a new one."
        )
    elif isinstance(error, LinkUsed):
        status = 410
        title = _("This invitation can no longer be used")
        message = str(error)
    else:
        status = 404
        title = _("This invitation link is not valid")
        message = _(
            "The link may have been cut short or changed. Open it again from the email, "
            "or ask for a new invitation."
        )
    response = page_or_block("invitations/problem.html", None, status, title=title, message=message)
    if wants_block():  # an htmx form asked: show the page in the main area instead
        response.headers["HX-Retarget"] = "#main"
        response.headers["HX-Reselect"] = "#main"
        response.headers["HX-Reswap"] = "outerHTML"
    return response


def _show(token, invitation, status=200, form=None, form_error=None):
    """The accept page for the visitor's situation: new account, sign in first, accept as
    the signed-in user, or signed in as someone else."""
    if current_user.is_authenticated:
        if normalise_email(current_user.email) == invitation.email:
            state = "accept"
        else:
            state = "wrong_account"
            status = 403
    elif User.select().where(User.email == invitation.email).exists():
        state = "sign_in"
    else:
        state = "new_account"
    return page_or_block(
        "invitations/show.html",
        "accept_form",
        status,
        token=token,
        invitation=invitation,
        state=state,
        form=form or InvitationAcceptForm(formdata=None),
        form_error=form_error,
        signin_url=url_for("auth.signin", next=url_for("invitations.show", token=token)),
    )


@bp.route("/<token>")
@public
def show(token):
    """The page a link in an invitation email opens."""
    try:
        invitation = invitation_for_token(token)
    except (LinkInvalid, LinkExpired, LinkUsed) as error:
        return _problem(error)
    if not current_user.is_authenticated and not session.get("language"):
        # a visitor without a choice yet sees the page in the language of the invitation
        session["language"] = invitation.language
        refresh()
    return _show(token, invitation)


@bp.route("/<token>", methods=["POST"])
@public
def accept(token):
    """Accept the invitation: create the account, or join with the signed-in account."""
    try:
        invitation = invitation_for_token(token)
    except (LinkInvalid, LinkExpired, LinkUsed) as error:
        return _problem(error)
    party = invitation.party
    if current_user.is_authenticated:
        try:
            accept_as_user(token, current_user._get_current_object())
        except (LinkInvalid, LinkExpired, LinkUsed) as error:
            return _problem(error)
        except WrongAccount:
            return _show(token, invitation, 403)
        except AlreadyMember as error:
            return _show(token, invitation, 409, form_error=str(error))
        flash(_("Welcome to %(party)s!", party=party.display_name))
        return redirect_to(url_for("parties.home", party_id=party.id))
    if User.select().where(User.email == invitation.email).exists():
        # an account exists: accepting needs its password, on the sign-in page
        return redirect_to(url_for("auth.signin", next=url_for("invitations.show", token=token)))
    form = InvitationAcceptForm()
    if not form.validate_on_submit():
        return _show(token, invitation, 422, form=form)
    try:
        user = accept_as_new_user(token, name=form.name.data, password=form.password.data)
    except (LinkInvalid, LinkExpired, LinkUsed) as error:
        return _problem(error)
    except DomainError as error:
        return _show(token, invitation, 409, form=form, form_error=str(error))
    start_session(user, party.id)
    refresh()
    flash(_("Welcome to %(party)s!", party=party.display_name))
    return redirect_to(url_for("parties.home", party_id=party.id))


# the link itself is the key: no proxy or browser cache keeps a page of it
@bp.after_request
def _private(response):
    response.headers["Cache-Control"] = "no-store"
    return response
