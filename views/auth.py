"""Sign-up, sign-in, sign-out and password reset by email link."""

from flask import Blueprint, current_app, flash, g, request, session, url_for
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from extensions import limiter
from models.base import DomainError
from models.mail import LinkExpired, LinkInvalid, LinkUsed
from models.parties import authenticate, close_session, open_session, remember_party, sign_up
from models.password_reset import RESET_HOURS, request_password_reset, user_for_reset
from models.password_reset import reset_password as reset_password_with_token

from .access import public, signed_in
from .forms.auth import PasswordForgotForm, PasswordResetForm, SignInForm, SignUpForm
from .forms.fields import country_choices, default_currency
from .htmx import page_or_block, redirect_to, safe_next, wants_block

bp = Blueprint("auth", __name__)


def _signin_limit() -> str:
    return current_app.config["SIGNIN_RATE_LIMIT"]


def _signin_key() -> str:
    """Rate limit per client address and per account tried."""
    email = (request.form.get("email") or "").strip().lower()[:254]
    return f"{request.remote_addr}|{email}"


def start_session(user, party_id=None):
    """Sign the user in with a fresh session (a new cookie: no session fixation)."""
    session.clear()
    open_session(user)
    login_user(user)
    if party_id:
        remember_party(user, party_id)


@bp.route("/signin", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, key_func=_signin_key, methods=["POST"])
def signin():
    """Sign in with email and password."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect_to(url_for("parties.index"))
    form = SignInForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                user = authenticate(form.email.data, form.password.data)
            except DomainError as error:
                g.form_error = str(error)
                status = 401
            else:
                start_session(user)
                return redirect_to(safe_next(request.args.get("next"), url_for("parties.index")))
    return page_or_block("auth/signin.html", "auth_form", status, form=form)


@bp.route("/signup", methods=["GET", "POST"])
@public
def signup():
    """Create an account and a first company, as its admin."""
    form = SignUpForm()
    form.country.choices = country_choices()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            company = {
                "legal_name": form.company_name.data.strip(),
                "display_name": form.company_name.data.strip(),
                "customer_type": form.customer_type.data,
                "country": form.country.data,
                "currency": default_currency(form.country.data),
                "language": str(get_locale()),
            }
            try:
                user, party = sign_up(
                    email=form.email.data,
                    password=form.password.data,
                    name=form.name.data,
                    language=str(get_locale()),
                    company=company,
                )
            except DomainError as error:
                getattr(form, error.field).errors.append(str(error))
            else:
                start_session(user)
                flash(_("Welcome! Your company %(name)s is ready.", name=party.display_name))
                return redirect_to(url_for("parties.home", party_id=party.id))
    return page_or_block("auth/signup.html", "auth_form", status, form=form)


@bp.route("/signout", methods=["POST"])
@signed_in
def signout():
    """Sign out: this session's cookie is refused from now on."""
    close_session(current_user.session_token)
    logout_user()
    session.clear()
    flash(_("You are signed out."))
    return redirect_to(url_for("auth.signin"))


def _reset_limit() -> str:
    return current_app.config.get("PASSWORD_RESET_RATE_LIMIT", "5 per minute; 20 per hour")


def _reset_address_key() -> str:
    return f"reset|{request.remote_addr}"


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit(_reset_limit, key_func=_signin_key, methods=["POST"])
@limiter.limit("30 per hour", key_func=_reset_address_key, methods=["POST"])
def forgot_password():
    """Ask for a password reset link by email; the answer never says whether an account
    exists."""
    form = PasswordForgotForm()
    status, sent = 200, False
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            request_password_reset(form.email.data)
            status, sent = 200, True
    return page_or_block(
        "auth/forgot.html", "auth_form", status, form=form, sent=sent, hours=RESET_HOURS
    )


def _reset_link_problem(error: DomainError):
    """A clear page for a reset link that cannot be used: 404 made up, 410 expired or used."""
    if isinstance(error, LinkExpired):
        status, title = 410, _("This link has expired")
        message = _(
            "Password reset links work for %(hours)s hours. Ask for a new one.", hours=RESET_HOURS
        )
    elif isinstance(error, LinkUsed):
        status, title, message = 410, _("This link can no longer be used"), str(error)
    else:
        status, title = 404, _("This link is not valid")
        message = _(
            "The link may have been cut short or changed. Open it again from the email, "
            "or ask for a new one."
        )
    response = page_or_block("auth/link_problem.html", None, status, title=title, message=message)
    if wants_block():  # an htmx form asked: show the page in the main area instead
        response.headers["HX-Retarget"] = "#main"
        response.headers["HX-Reselect"] = "#main"
        response.headers["HX-Reswap"] = "outerHTML"
    return response


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, key_func=_reset_address_key, methods=["POST"])
def reset_password(token):
    """Choose a new password through the link from the email; every session ends and you
    are signed in afresh."""
    try:
        user = user_for_reset(token)
    except (LinkInvalid, LinkExpired, LinkUsed) as error:
        return _reset_link_problem(error)
    if not current_user.is_authenticated and not session.get("language") and user.language:
        session["language"] = user.language  # the page in the language of the email
        refresh()
    form = PasswordResetForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                user = reset_password_with_token(token, form.password.data)
            except (LinkInvalid, LinkExpired, LinkUsed) as error:
                return _reset_link_problem(error)
            start_session(user)
            flash(_("Your password is changed. You are signed in; other devices were signed out."))
            return redirect_to(url_for("parties.index"))
    response = page_or_block(
        "auth/reset.html", "auth_form", status, form=form, token=token, email=user.email
    )
    response.headers["Cache-Control"] = "no-store"
    return response
