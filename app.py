"""The portal's application factory: wires extensions, blueprints, CLI and error pages."""

from __future__ import annotations

import datetime as dt

import click
from flask import Flask, abort, g, render_template, request, session, url_for
from flask.globals import request_ctx
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

import config as settings
from extensions import babel, compress, csrf, htmx, login_manager
from models import addresses as _addresses  # noqa: F401 - every table module is imported once here
from models import audit as _audit  # noqa: F401
from models import bank as _bank  # noqa: F401
from models import base as db_base
from models import company as _company  # noqa: F401
from models import invitations as _invitations  # noqa: F401
from models import ledger as _ledger  # noqa: F401
from models import orders as _orders  # noqa: F401
from models import relationships as _relationships  # noqa: F401
from models import schedules as _schedules  # noqa: F401
from models import team as _team  # noqa: F401
from models.migrations import pending, upgrade
from models.parties import home_among, load_session, memberships_of
from views import access, assets, filters, i18n, icons, product_images
from views.csrf import masked_csrf_token
from views.hosts import HostGuard
from views.htmx import wants_block

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)

ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood. Please try again.")),
    403: (_l("Not allowed"), _l("Your role in this company does not allow this.")),
    404: (
        _l("Page not available"),
        _l(
            "This page is not available to you. It may not exist, or you may no longer have access."
        ),
    ),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("Too large"), _l("The upload is too large.")),
    429: (_l("Too many attempts"), _l("Too many attempts. Please wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("Something went wrong on our side. Please try again.")),
}


MAX_ID = 2**63 - 1  # the largest integer every database stores


class BoundedIntegerConverter(IntegerConverter):
    """`<int:…>` in URLs, refusing (404) numbers no database column can hold."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def select_locale() -> str:
    """The user's preference, else the chosen language of this browser, else the active
    party's language, else the browser's Accept-Language."""
    languages = settings.LANGUAGES
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if session.get("language") in languages:
        return session["language"]
    party = g.get("party")
    if party is not None and party.language in languages:
        return party.language
    return request.accept_languages.best_match(list(languages)) or "en"


def create_app(config: dict | None = None) -> Flask:
    """Build the portal app; `config` overrides settings read from the environment."""
    app = Flask(__name__, instance_path=str(settings.INSTANCE_DIR))
    app.config.update(settings.from_environment())
    app.config.update(config or {})

    if app.config["PORTAL_ENV"] == "production" and not app.config.get("PUBLIC_URL"):
        # Links in emails must never be built from a Host header an attacker can choose.
        raise RuntimeError("Set PUBLIC_URL (e.g. https://portal.example.com) in production.")
    app.url_map.converters["int"] = BoundedIntegerConverter

    database = db_base.bind(app.config["DATABASE_URL"])
    app.extensions["database"] = database

    babel.init_app(app, locale_selector=select_locale)
    # Before the CSRF check reads the form: an import may upload more than other forms.
    app.before_request(_upload_limit)
    csrf.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.signin"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.session_protection = None  # the server-side session row is the protection
    idle = dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    lifetime = dt.timedelta(hours=app.config["SESSION_LIFETIME_HOURS"])
    login_manager.user_loader(
        lambda token: load_session(token, idle=idle, lifetime=lifetime, touch=not _is_poll())
    )
    login_manager.unauthorized_handler(_unauthorized)
    if trusted_hosts := app.config.get("TRUSTED_HOSTS"):
        # Our own check (views/hosts.py) instead of Werkzeug's, which misses IPv6 literals.
        app.config["TRUSTED_HOSTS"] = None
        app.wsgi_app = HostGuard(app.wsgi_app, trusted_hosts)
    if app.config["TRUSTED_PROXIES"]:
        # Behind N reverse proxies: the client address is the one they forward, not theirs.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0)
    # Registered before the other after_request hooks, so it runs after them: it compresses
    # the final body and adds Accept-Encoding to the Vary they set (HX-Request, Cookie).
    compress.init_app(app)

    from views import (
        account,
        audit,
        auth,
        client_groups,
        client_import,
        clients,
        code_import,
        company,
        gift_cards,
        invitations,
        loyalty,
        messages,
        parties,
        price_lists,
        product_images,
        product_import,
        products,
        schedules,
        sections,
        suppliers,
        team,
        vat_classes,
        view_as,
    )
    from views import approvals as approval_views
    from views import budgets as budget_views
    from views import cart as cart_views
    from views import orders as order_views

    for blueprint in (
        auth.bp,
        account.bp,
        parties.bp,
        company.bp,
        schedules.bp,
        clients.bp,
        client_groups.bp,
        client_import.bp,
        product_import.bp,
        code_import.bp,
        products.bp,
        product_images.bp,
        price_lists.bp,
        sections.bp,
        suppliers.bp,
        messages.bp,
        team.bp,
        invitations.bp,
        audit.bp,
        view_as.bp,
        vat_classes.bp,
        cart_views.bp,
        order_views.bp,
        order_views.sales,
        budget_views.bp,
        approval_views.bp,
        gift_cards.bp,
        loyalty.bp,
    ):
        app.register_blueprint(blueprint)
    access.public(app.view_functions["static"])
    assets.register(app)
    icons.register(app)

    app.jinja_env.undefined = __import__("jinja2").StrictUndefined
    app.jinja_env.globals.update(csrf_token=masked_csrf_token, languages=settings.LANGUAGES)
    app.context_processor(_template_context)
    filters.register(app)
    i18n.install(app)

    @app.before_request
    def _open_db():
        if database.is_closed():
            database.connect()

    app.before_request(_refuse_control_characters)
    app.before_request(access.enforce)

    @app.teardown_request
    def _close_db(_exc):
        if not database.is_closed():
            database.close()

    app.after_request(_security_headers)
    _register_errors(app)
    _register_cli(app)
    return app


def _template_context() -> dict:
    memberships = g.get("memberships")
    if g.get("fragment") or not current_user.is_authenticated:
        memberships = []  # a region swapped by htmx has no header with the company switcher
    elif memberships is None:
        memberships = memberships_of(current_user)
    return {
        "csrf_token": masked_csrf_token,  # over Flask-WTF's own processor: masked (views/csrf.py)
        "party": g.get("party"),
        "membership": g.get("membership"),
        "memberships": memberships,
        # outside a party's pages (/account/, /companies/new) the switcher names this one
        "home_membership": home_among(current_user, memberships) if memberships else None,
        "locale": str(get_locale()),
    }


# The request sizes of the endpoints that take a file: an import says "larger than N MB" on its
# form itself (views/imports.py); only a request past these limits is refused here.
UPLOAD_LIMITS = {
    "client_import.upload": 64 * 1024 * 1024,
    "product_import.upload": 160 * 1024 * 1024,
    "code_import.upload": 160 * 1024 * 1024,
    "product_images.upload": product_images.UPLOAD_BYTES,
}


def _upload_limit() -> None:
    """The larger request size of the endpoints that take a file."""
    if request.endpoint in UPLOAD_LIMITS:
        request.max_content_length = UPLOAD_LIMITS[request.endpoint]


def _is_poll() -> bool:
    """A request a page makes by itself every few seconds (the unread count, new messages):
    not a sign that someone is at the keyboard."""
    return (
        request.endpoint == "messages.unread" or request.headers.get("HX-Target") == "message-list"
    )


def _unauthorized():
    """Not signed in (or the session ended): go to sign-in; htmx navigates the whole page."""
    from views.htmx import redirect_to

    back = None
    if request.method == "GET":  # the page to return to, without a bare "?" at its end
        back = request.full_path.rstrip("?") if request.query_string else request.path
    target = url_for("auth.signin", next=back)
    if request.htmx:
        response = redirect_to(target)
        response.status_code = 401
        response.headers["HX-Redirect"] = target
        return response
    return redirect_to(target)


def _refuse_control_characters():
    """A URL whose query holds control characters is refused (400) before it reaches a query:
    PostgreSQL cannot even compare with a NUL. Form fields refuse them with a field message
    (views/forms/base.py)."""
    from views.forms.base import has_control_characters

    values = [*request.args.keys(), *request.args.values()]
    values += [v for v in (request.view_args or {}).values() if isinstance(v, str)]
    if any(has_control_characters(value) for value in values):
        abort(400)


# what members may fetch and their browser keep (private, immutable: the URL names the content)
PRIVATE_FILES = frozenset({"product_images.show", "product_images.in_catalog"})


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.endpoint not in ("static", "assets.favicon"):  # files: the same for everyone
        response.vary.add("HX-Request")
        response.vary.add("Cookie")
        # Every page is private or carries a CSRF token: neither the browser nor a proxy
        # keeps a copy. A product image (named by its content) is private too, but the
        # browser may keep it: it says so itself (views/product_images.py).
        if request.endpoint not in PRIVATE_FILES:
            response.headers["Cache-Control"] = "no-store"
    return response


def _register_errors(app: Flask) -> None:
    def render_error(code: int, message=None):
        title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
        if request_ctx.url_adapter is None:
            # No URLs can be built (an untrusted Host header): answer plainly.
            return app.make_response((str(message or text), code, {"Content-Type": "text/plain"}))
        html = render_template("errors/error.html", code=code, title=title, message=message or text)
        response = app.make_response((html, code))
        if wants_block():
            # an htmx region asked: show the error in the page's main area instead
            response.headers["HX-Retarget"] = "#main"
            response.headers["HX-Reselect"] = "#main"
            response.headers["HX-Reswap"] = "outerHTML"
        return response

    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        return render_error(
            400, _("This form has expired or was sent from elsewhere. Please try again.")
        )

    @app.errorhandler(HTTPException)
    def _http_error(error):
        if error.code in (301, 302, 303, 307, 308):
            return error
        if error.code == 413 and request.endpoint in UPLOAD_LIMITS:
            # an upload view says its own limit (views/imports.py, views/product_images.py)
            return render_error(413, str(app.view_functions[request.endpoint].too_large()))
        return render_error(error.code if error.code in ERROR_TEXTS else 400)

    @app.errorhandler(500)
    def _server_error(error):
        return render_error(500)


def _register_cli(app: Flask) -> None:
    @app.cli.group("db")
    def db_group():
        """Database schema."""

    @db_group.command("upgrade")
    def db_upgrade():
        """Create the database or apply the migrations it lacks (keeps all data)."""
        database = app.extensions["database"]
        applied = upgrade(database)
        click.echo(
            f"Database: {len(applied)} migration(s) applied"
            + (f": {', '.join(applied)}" if applied else ", already up to date.")
        )

    @db_group.command("status")
    def db_status():
        """List migrations not yet applied."""
        todo = pending(app.extensions["database"])
        click.echo("\n".join(todo) if todo else "Up to date.")

    @app.cli.group("messages")
    def messages_group():
        """Messages between suppliers and clients."""

    @messages_group.command("remind")
    @click.option("--minutes", default=5, show_default=True, help="Unread for at least this long.")
    def messages_remind(minutes):
        """Email readers about messages they left unread (run it every minute: cron or a
        systemd timer; safe on several machines at once)."""
        import datetime as dt

        from models.messages import remind

        sent = remind(delay=dt.timedelta(minutes=minutes))
        click.echo(f"Message reminders sent: {sent}")

    @app.cli.group("demo")
    def demo_group():
        """Demo data."""

    @demo_group.command("load")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database has data.")
    def demo_load(if_empty):
        """Fill an empty database with the demo (never a non-empty one)."""
        from models.demo import DatabaseNotEmpty, load_demo

        if not app.config["DEMO_DATA_ALLOWED"]:
            click.echo("Demo data: off outside development (set DEMO_DATA_ALLOWED=1 to load it).")
            return
        try:
            load_demo()
        except DatabaseNotEmpty:
            if if_empty:
                click.echo("Demo data: database already has data, left as it is.")
                return
            raise click.ClickException(
                "The database is not empty; demo data is only loaded into an empty one."
            ) from None
        click.echo("Demo data loaded.")

    @demo_group.command("scale")
    @click.option("--party", "party_id", type=int, help="Grow this party (default: a new one).")
    @click.option("--members", default=200, show_default=True, help="Members in total.")
    @click.option("--addresses", default=100, show_default=True, help="Addresses in total.")
    @click.option("--points", default=2, show_default=True, help="Points per new address.")
    @click.option("--schedules", default=20, show_default=True, help="Schedules in total.")
    @click.option("--audit", default=10_000, show_default=True, help="Audit entries in total.")
    @click.option("--clients", default=0, show_default=True, help="Clients in total.")
    @click.option("--messages", default=0, show_default=True, help="Messages over them, in total.")
    @click.option("--products", default=0, show_default=True, help="Products in total.")
    @click.option("--price-lists", default=0, show_default=True, help="Price lists in total.")
    @click.option("--list-entries", default=0, show_default=True, help="Products per price list.")
    @click.option("--categories", default=0, show_default=True, help="Customer categories.")
    @click.option("--codes", default=0, show_default=True, help="Own codes over the categories.")
    @click.option("--order-lines", default=0, show_default=True, help="Order lines in total.")
    @click.option("--order-clients", default=0, show_default=True, help="Clients ordering.")
    @click.option("--buyers", default=0, show_default=True, help="Users of the bench buyer.")
    @click.option(
        "--graph-orders", default=0, show_default=True, help="Orders of one client, 3 years."
    )
    @click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
    def demo_scale(
        party_id,
        members,
        addresses,
        points,
        schedules,
        audit,
        clients,
        messages,
        order_lines,
        order_clients,
        buyers,
        graph_orders,
        as_json,
        **catalog,
    ):
        """Grow one party to a large size, for measuring speed (`make bench`)."""
        import json

        from models.demo_scale import SCALE_PASSWORD, scale_party
        from models.parties import Party

        if not app.config["DEMO_DATA_ALLOWED"]:
            raise click.ClickException("Demo data is off here (set DEMO_DATA_ALLOWED=1).")
        party = None
        if party_id is not None:
            party = Party.get_or_none(Party.id == party_id)
            if party is None:
                raise click.ClickException(f"No party {party_id}.")
        sizes = dict(members=members, addresses=addresses, points=points, schedules=schedules)
        done = scale_party(
            party,
            audit_entries=audit,
            clients=clients,
            messages=messages,
            catalog=catalog,
            orders={
                "order_lines": order_lines,
                "order_clients": order_clients,
                "buyers": buyers,
                "graph_orders": graph_orders,
            },
            **sizes,
        )
        result = {
            "party": done.party.id,
            "admin": done.admin_email,
            "password": SCALE_PASSWORD,
            "members": done.members,
            "addresses": done.addresses,
            "delivery_points": done.delivery_points,
            "schedules": done.schedules,
            "audit_entries": done.audit_entries,
            "clients": done.clients,
            "messages": done.messages,
            "products": done.products,
            "buyer": done.buyer_email,
        }
        if graph_orders:  # the client whose sales graph `make bench` measures (F22)
            from models.sales_graph_scale import graph_client

            link = graph_client(done.party)
            result["graph_client"] = link.id if link else None
        if as_json:
            click.echo(json.dumps(result))
            return
        click.echo(
            f"Party {done.party.id} ({done.party.display_name}): {done.members} members, "
            f"{done.addresses} addresses, {done.delivery_points} delivery points, "
            f"{done.schedules} schedules, {done.audit_entries} audit entries. "
            f"Sign in as {done.admin_email} / {SCALE_PASSWORD}."
        )

    @demo_group.command("signins")
    def demo_signins():
        """Print the demo sign-ins."""
        from models.demo import DEMO_PASSWORD, DEMO_SIGNINS

        click.echo(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD})")
        for email, who in DEMO_SIGNINS:
            click.echo(f"  {email:<30} {who}")
        from models.credit_demo import DEMO_GIFT_CARD_SIGNIN

        click.echo(f"\n{DEMO_GIFT_CARD_SIGNIN}")
        click.echo("")
