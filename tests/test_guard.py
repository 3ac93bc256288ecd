"""Sign-in abuse, sessions that end on the server, and the headers of anonymous pages."""

from __future__ import annotations

import datetime as dt

from models.base import utcnow
from models.guard import SIGNIN_ACCOUNT, SIGNIN_ADDRESS
from models.parties import Party, User, UserSession
from tests.conftest import make_app, sign_in, text_of
from tests.factories import PASSWORD


def _try(client, email, password="wrong-password", address="192.0.2.1"):
    return client.post(
        "/signin",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_failures_on_one_account_from_many_addresses_lock_it(app, make_member):
    user = make_member()
    statuses = [
        _try(app.test_client(), user.email, address=f"192.0.2.{n}").status_code
        for n in range(1, 9)
        for _ in range(2)
    ]  # 16 tries from 8 addresses
    assert statuses[: SIGNIN_ACCOUNT.count] == [401] * SIGNIN_ACCOUNT.count
    assert set(statuses[SIGNIN_ACCOUNT.count :]) == {429}
    fresh = _try(app.test_client(), user.email, PASSWORD, address="203.0.113.9")
    assert fresh.status_code == 429  # a new address without a device cookie is refused too
    assert "Too many failed sign-ins for this account" in text_of(fresh)


def test_spraying_many_accounts_from_one_address_is_refused(app):
    client = app.test_client()
    statuses = [_try(client, f"victim{n}@example.com").status_code for n in range(60)]
    assert statuses[: SIGNIN_ADDRESS.count] == [401] * SIGNIN_ADDRESS.count
    assert set(statuses[SIGNIN_ADDRESS.count :]) == {429}
    assert "Too many attempts from your network" in text_of(_try(client, "another@example.com"))


def test_the_owners_browser_is_not_locked_out_by_an_attacker(app, make_member):
    user = make_member()
    owner = app.test_client()
    assert _try(owner, user.email, PASSWORD).status_code == 303  # gets a device cookie
    owner.post("/signout")
    attacker = app.test_client()  # behind the same address
    for _ in range(SIGNIN_ADDRESS.count + 5):
        _try(attacker, user.email)
    assert _try(attacker, user.email, PASSWORD).status_code == 429
    assert _try(owner, user.email, PASSWORD).status_code == 303
    assert owner.get(f"/p/{user.last_party_id}/").status_code == 200


def test_a_trusted_device_is_locked_on_its_own_failures(app, make_member):
    user = make_member()
    device = app.test_client()
    assert _try(device, user.email, PASSWORD).status_code == 303
    device.post("/signout")
    statuses = [_try(device, user.email).status_code for _ in range(11)]
    assert statuses == [401] * 10 + [429]
    assert _try(app.test_client(), user.email, PASSWORD, address="198.51.100.1").status_code == 303


def test_a_forged_device_cookie_is_no_pass(app, make_member):
    user = make_member()
    for _ in range(SIGNIN_ACCOUNT.count):
        _try(app.test_client(), user.email, address="192.0.2.50")
    forged = app.test_client()
    forged.set_cookie("portal_device", "eyJ1IjoxLCJuIjoiYWJjIn0.forged.signature")
    assert _try(forged, user.email, PASSWORD, address="198.51.100.2").status_code == 429


def test_counts_are_shared_by_every_worker(app, tmp_path, make_member):
    """Two app instances on one database (two workers, or two servers) share the counts."""
    user = make_member()
    for _ in range(SIGNIN_ACCOUNT.count):
        _try(app.test_client(), user.email)
    other_worker = make_app(tmp_path / "w2", None, DATABASE_URL=app.config["DATABASE_URL"])
    assert _try(other_worker.test_client(), user.email, PASSWORD).status_code == 429


def test_forwarded_address_is_read_only_behind_a_trusted_proxy(tmp_path, template_db):
    spoofed = {"X-Forwarded-For": "203.0.113.77"}
    for proxies, expected in ((0, "127.0.0.1"), (1, "203.0.113.77")):
        app = make_app(tmp_path / str(proxies), template_db, TRUSTED_PROXIES=proxies)
        seen: list[str] = []

        def remember(seen=seen):
            seen.append(__import__("flask").request.remote_addr)

        app.before_request(remember)
        app.test_client().get("/signin", headers=spoofed)
        assert seen == [expected]


def test_sessions_end_when_idle_and_at_their_lifetime(app, make_member):
    user = make_member()
    home = f"/p/{user.last_party_id}/"
    for field, age in (
        ("last_seen_at", dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)),
        ("created_at", dt.timedelta(hours=app.config["SESSION_LIFETIME_HOURS"], minutes=1)),
    ):
        client = app.test_client()
        sign_in(client, user)
        assert client.get(home).status_code == 200
        newest = UserSession.select().order_by(UserSession.id.desc()).get()
        UserSession.update({field: utcnow() - age}).where(UserSession.id == newest.id).execute()
        assert client.get(home).status_code == 303, field
    # a session in use stays alive: its last_seen_at moves on
    client = app.test_client()
    sign_in(client, user)
    newest = UserSession.select().order_by(UserSession.id.desc()).get()
    UserSession.update(last_seen_at=utcnow() - dt.timedelta(minutes=30)).where(
        UserSession.id == newest.id
    ).execute()
    assert client.get(home).status_code == 200
    assert UserSession.get_by_id(newest.id).last_seen_at > utcnow() - dt.timedelta(minutes=1)


def test_anonymous_pages_with_a_form_are_not_stored(client):
    for path in ("/signin", "/signup", "/password/forgot"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_sign_out_clears_what_the_browser_kept(client, login, make_member):
    login(make_member())
    response = client.post("/signout")
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_production_cookies_carry_the_host_prefix(tmp_path, template_db, make_member):
    app = make_app(
        tmp_path,
        template_db,
        PORTAL_ENV="production",
        PUBLIC_URL="https://portal.example.com",
        TRUSTED_HOSTS=["portal.example.com"],
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_NAME="__Host-session",
    )
    with app.app_context():
        app.extensions["database"].connect(reuse_if_open=True)
        user = make_member()
    client = app.test_client()
    response = client.post(
        "/signin",
        data={"email": user.email, "password": PASSWORD},
        base_url="https://portal.example.com",
    )
    assert response.status_code == 303
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("__Host-session=") and "Secure" in c and "Path=/" in c for c in cookies)
    assert any(c.startswith("__Host-portal_device=") and "Secure" in c for c in cookies)
    assert not any("Domain=" in c for c in cookies)


def test_production_settings_name_the_cookie_with_the_prefix(monkeypatch):
    import config

    monkeypatch.setenv("PORTAL_ENV", "production")
    assert config.from_environment()["SESSION_COOKIE_NAME"] == "__Host-session"
    monkeypatch.setenv("PORTAL_ENV", "development")
    assert config.from_environment()["SESSION_COOKIE_NAME"] == "session"


def test_ipv6_loopback_host_works_in_development(client):
    assert client.get("/signin", base_url="http://[::1]:5000").status_code == 200


def test_nul_in_a_public_form_is_a_field_message_not_a_crash(client):
    response = client.post(
        "/signup",
        data={
            "name": "a\x00b",
            "email": "nul@example.com",
            "password": "long-enough-pw",
            "confirm": "long-enough-pw",
            "company_name": "Nul\x07 B.V.",
            "customer_type": "business",
            "country": "NL",
        },
    )
    assert response.status_code == 422
    assert text_of(response).count("Remove the invisible control characters") == 2
    assert "\x00" not in response.get_data(as_text=True)
    assert User.select().count() == 0 and Party.select().count() == 0


def test_nul_in_a_query_string_is_refused(client, login, make_member):
    user = make_member(role="admin")
    login(user)
    response = client.get(f"/p/{user.last_party_id}/audit/?area=a%00b")
    assert response.status_code == 400
