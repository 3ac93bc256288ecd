"""Sign-up, sign-in and sign-out."""

from flask import Blueprint, current_app, flash, g, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from extensions import limiter
from models.base import DomainError
from models.parties import authenticate, close_session, open_session, remember_party, sign_up

from .access import public, signed_in
from .forms.auth import SignInForm, SignUpForm
from .forms.fields import country_choices, default_currency
from .htmx import page_or_block, redirect_to, safe_next

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
