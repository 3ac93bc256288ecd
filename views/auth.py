"""Sign-up, sign-in, sign-out and password reset by email link."""

from flask import Blueprint, abort, current_app, flash, g, request, session, url_for
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from models.base import DomainError
from models.guard import (
    DEVICE_DAYS,
    RESET_ACCOUNT,
    RESET_ADDRESS,
    SIGNUP_ADDRESS,
    TooManyAttempts,
    check_address,
    devices_cookie,
    guarded_authenticate,
    may_email,
    read_devices,
)
from models.mail import LinkExpired, LinkInvalid, LinkUsed
from models.parties import (
    close_session,
    home_party_of,
    normalise_email,
    open_session,
    remember_party,
)
from models.password_reset import RESET_HOURS, request_password_reset, user_for_reset
from models.password_reset import reset_password as reset_password_with_token
from models.signup import (
    VERIFY_DAYS,
    EmailNotVerified,
    register,
    require_verified,
    user_for_verification,
)
from models.signup import confirm_email as confirm_email_with_token
from models.signup import resend_confirmation as resend_email_confirmation

from .access import public, signed_in
from .forms.auth import PasswordForgotForm, PasswordResetForm, SignInForm, SignUpForm
from .forms.fields import browser_country, country_choices, default_currency
from .htmx import page_or_block, redirect_to, safe_next, wants_block

bp = Blueprint("auth", __name__)

DEVICE_COOKIE = "portal_device"


def _client() -> str:
    """The client's address: the proxy's forwarded one only when TRUSTED_PROXIES says so
    (ProxyFix in app.py), else the connection's."""
    return request.remote_addr or "unknown"


def device_cookie_name() -> str:
    # __Host-: only over HTTPS, for this host alone, for every path (no Domain can widen it)
    return (
        f"__Host-{DEVICE_COOKIE}" if current_app.config["SESSION_COOKIE_SECURE"] else DEVICE_COOKIE
    )


def start_session(user, party_id=None):
    """Sign the user in with a fresh session (a new cookie: no session fixation)."""
    session.clear()
    open_session(user)
    login_user(user)
    if party_id:
        remember_party(user, party_id)


def _remember_device(response, devices, user):
    """Give this browser a device cookie for user: later, others' failures won't lock it out."""
    response.set_cookie(
        device_cookie_name(),
        devices_cookie(devices, user),
        max_age=DEVICE_DAYS * 86400,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
        path="/",
    )
    return response


@bp.route("/signin", methods=["GET", "POST"])
@public
def signin():
    """Sign in with email and password."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect_to(url_for("parties.index"))
    form = SignInForm()
    status, unverified = 200, None
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            devices = read_devices(request.cookies.get(device_cookie_name()))
            try:
                user = guarded_authenticate(
                    form.email.data, form.password.data, address=_client(), devices=devices
                )
                require_verified(user)
            except TooManyAttempts as error:
                g.form_error, status = str(error), 429
            except EmailNotVerified as error:
                g.form_error, status, unverified = str(error), 403, user.email
            except DomainError as error:
                g.form_error, status = str(error), 401
            else:
                start_session(user)
                target = safe_next(request.args.get("next"), url_for("parties.index"))
                return _remember_device(redirect_to(target), devices, user)
    return page_or_block(
        "auth/signin.html", "auth_form", status, form=form, unverified_email=unverified
    )


def _check_email(email: str, status: int = 200):
    """The same answer for every sign-up: look in your inbox (the whole page, also for htmx:
    its heading changes too)."""
    response = page_or_block("auth/check_email.html", None, status, email=email, days=VERIFY_DAYS)
    if wants_block():
        response.headers["HX-Retarget"] = "#main"
        response.headers["HX-Reselect"] = "#main"
        response.headers["HX-Reswap"] = "outerHTML"
    return response


@bp.route("/signup", methods=["GET", "POST"])
@public
def signup():
    """Create an account and a first company, as its admin; the emailed link confirms it."""
    form = SignUpForm()
    form.country.choices = [("", _("Choose your country"))] + country_choices()
    status = 200
    if request.method == "GET":
        form.country.data = browser_country() or ""
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
                check_address(SIGNUP_ADDRESS, _client())
                register(
                    email=form.email.data,
                    password=form.password.data,
                    name=form.name.data,
                    language=str(get_locale()),
                    company=company,
                )
            except TooManyAttempts as error:
                g.form_error, status = str(error), 429
            except DomainError as error:
                field = getattr(form, error.field or "", None)
                if field is None:
                    g.form_error = str(error)
                else:
                    field.errors.append(str(error))
            else:
                return _check_email(normalise_email(form.email.data))
    return page_or_block("auth/signup.html", "auth_form", status, form=form)


@bp.route("/signup/resend", methods=["POST"])
@public
def resend_confirmation():
    """Send the confirmation email again (the answer never says whether it went out)."""
    email = normalise_email(request.form.get("email", ""))[:254]
    if "@" not in email:
        abort(400)
    try:
        check_address(RESET_ADDRESS, _client())
    except TooManyAttempts:
        abort(429)
    resend_email_confirmation(email)
    return _check_email(email)


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
@public
def confirm_email(token):
    """Confirm the email address through the link from the sign-up email, and sign in."""
    try:
        user = user_for_verification(token)
    except (LinkInvalid, LinkExpired, LinkUsed) as error:
        return _link_problem(
            error,
            expired_text=_(
                "Confirmation links work for %(days)s days. Sign in to get a new one.",
                days=VERIFY_DAYS,
            ),
        )
    if request.method == "GET":  # a GET changes nothing (mail scanners open links too)
        return page_or_block("auth/confirm.html", None, token=token, email=user.email)
    try:
        user = confirm_email_with_token(token)
    except (LinkInvalid, LinkExpired, LinkUsed) as error:
        return _link_problem(error, expired_text="")
    start_session(user)
    home = home_party_of(user)
    flash(_("Your email address is confirmed. Welcome!"))
    target = url_for("parties.home", party_id=home.party_id) if home else url_for("parties.index")
    devices = read_devices(request.cookies.get(device_cookie_name()))
    return _remember_device(redirect_to(target), devices, user)


@bp.route("/signout", methods=["POST"])
@signed_in
def signout():
    """Sign out: this session's cookie is refused from now on, and the browser drops what it
    kept of the portal (cached pages, storage)."""
    close_session(current_user.session_token)
    logout_user()
    session.clear()
    flash(_("You are signed out."))
    response = redirect_to(url_for("auth.signin"))
    # Not "cookies": the device cookie must stay, so others' failures can't lock this browser.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    """Ask for a password reset link by email; the answer never says whether an account
    exists (nor whether the per-account limit of reset emails held one back)."""
    form = PasswordForgotForm()
    status, sent = 200, False
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                check_address(RESET_ADDRESS, _client())
            except TooManyAttempts as error:
                g.form_error, status = str(error), 429
            else:
                if may_email(RESET_ACCOUNT, form.email.data):
                    request_password_reset(form.email.data)
                status, sent = 200, True
    return page_or_block(
        "auth/forgot.html", "auth_form", status, form=form, sent=sent, hours=RESET_HOURS
    )


def _link_problem(error: DomainError, expired_text: str):
    """A clear page for a link that cannot be used: 404 made up, 410 expired or used."""
    if isinstance(error, LinkExpired):
        status, title, message = 410, _("This link has expired"), expired_text
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


def _reset_link_problem(error: DomainError):
    return _link_problem(
        error,
        expired_text=_(
            "Password reset links work for %(hours)s hours. Ask for a new one.", hours=RESET_HOURS
        ),
    )


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
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
                check_address(RESET_ADDRESS, _client())
                user = reset_password_with_token(token, form.password.data)
            except TooManyAttempts:
                abort(429)
            except (LinkInvalid, LinkExpired, LinkUsed) as error:
                return _reset_link_problem(error)
            start_session(user)
            flash(_("Your password is changed. You are signed in; other devices were signed out."))
            devices = read_devices(request.cookies.get(device_cookie_name()))
            return _remember_device(redirect_to(url_for("parties.index")), devices, user)
    return page_or_block(
        "auth/reset.html", "auth_form", status, form=form, token=token, email=user.email
    )
