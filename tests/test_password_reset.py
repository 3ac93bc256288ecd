"""Password reset by an emailed link (F6): the whole path over a real SMTP server, and the
refusals of a reused, expired or tampered link; no account enumeration; rate limited."""

from __future__ import annotations

import re
import time

import pytest
from itsdangerous import TimestampSigner

from models.invitations import invitation_token, invite_member
from models.parties import User
from models.password_reset import reset_token
from tests.conftest import sign_in, text_of
from tests.factories import PASSWORD

HX = {"HX-Request": "true"}
NEUTRAL = "If an account exists for"
NEW_PASSWORD = "a-brand-new-password"


@pytest.fixture(autouse=True)
def _mail(app, tmp_path, smtp_server):
    app.config["MAIL_OUTBOX_DIR"] = str(tmp_path / "outbox")
    app.config.update(smtp_server.config)


def link_in(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://\S+/password/reset/\S+", body)
    assert match, body
    return match.group(0)


def token_made_ago(user, seconds: int) -> str:
    real = TimestampSigner.get_timestamp
    TimestampSigner.get_timestamp = lambda self: int(time.time()) - seconds
    try:
        return reset_token(user)
    finally:
        TimestampSigner.get_timestamp = real


def test_sign_in_page_links_to_password_reset(client):
    page = client.get("/signin")
    assert 'href="/password/forgot"' in page.get_data(as_text=True)
    assert "Forgot your password?" in text_of(page)


def test_full_path_from_email_to_new_password(app, client, make_member, smtp_server):
    user = make_member(email="rita@example.com", name="Rita Reset")
    other_device = app.test_client()
    sign_in(other_device, user)
    home = f"/p/{user.last_party_id}/"
    assert other_device.get(home).status_code == 200

    page = client.get("/password/forgot")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    response = client.post("/password/forgot", data={"email": " Rita@Example.com "})
    assert response.status_code == 200
    assert NEUTRAL in text_of(response)
    [message] = smtp_server.messages
    assert message.envelope_to == ["rita@example.com"]
    assert message["Subject"] == "Choose a new password"
    assert message["Content-Language"] == "en"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Hello Rita Reset," in body
    assert "The link can be used once, within 2 hours." in body

    link = link_in(message)
    form = client.get(link)
    assert form.status_code == 200
    assert "rita@example.com" in form.get_data(as_text=True)
    short = client.post(link, data={"password": "short", "confirm": "short"})
    assert short.status_code == 422
    assert "Use between 10 and 128 characters." in text_of(short)
    mismatch = client.post(
        link, data={"password": NEW_PASSWORD, "confirm": "something-else"}, headers=HX
    )
    assert mismatch.status_code == 422 and "<html" not in mismatch.get_data(as_text=True)
    assert "The passwords do not match." in text_of(mismatch)
    assert User.get_by_id(user.id).check_password(PASSWORD)  # nothing written yet

    done = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    landing = client.get(done.headers["Location"], follow_redirects=True)
    assert "Your password is changed." in text_of(landing)
    assert client.get(home).status_code == 200  # signed in afresh
    assert other_device.get(home).status_code == 303  # every other session ended
    fresh = User.get_by_id(user.id)
    assert fresh.check_password(NEW_PASSWORD) and not fresh.check_password(PASSWORD)

    # single use: the same link now answers a clear page and changes nothing
    again = client.get(link)
    assert again.status_code == 410
    assert "already been used" in text_of(again)
    replay = app.test_client().post(link, data={"password": "x" * 12, "confirm": "x" * 12})
    assert replay.status_code == 410
    assert User.get_by_id(user.id).check_password(NEW_PASSWORD)


def test_unknown_addresses_get_the_same_answer_and_no_email(client, make_member, smtp_server):
    make_member(email="known@example.com")
    known = client.post("/password/forgot", data={"email": "known@example.com"})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert text_of(known).replace("known@", "X@") == text_of(unknown).replace("nobody@", "X@")
    assert [m["To"] for m in smtp_server.messages] == ["known@example.com"]


def test_disabled_accounts_get_no_email(client, make_member, smtp_server):
    make_member(email="gone@example.com", active=False)
    response = client.post("/password/forgot", data={"email": "gone@example.com"})
    assert NEUTRAL in text_of(response)
    assert smtp_server.messages == []


def test_the_email_is_in_the_users_language(client, make_member, smtp_server):
    make_member(email="nl@example.com", language="nl")
    client.post("/password/forgot", data={"email": "nl@example.com"})
    [message] = smtp_server.messages
    assert message["Content-Language"] == "nl"


def test_bad_email_is_refused_with_a_field_message(client, smtp_server):
    for email, message in [("", "This field is required."), ("nope", "Invalid email address.")]:
        for headers in ({}, HX):
            response = client.post("/password/forgot", data={"email": email}, headers=headers)
            assert response.status_code == 422
            assert message in text_of(response)
            assert ("<html" in response.get_data(as_text=True)) == (not headers)
    assert smtp_server.messages == []


def test_a_failed_send_still_answers_neutrally(app, client, make_member):
    make_member(email="known@example.com")
    app.config.update(MAIL_PORT=1, MAIL_TIMEOUT=2)
    response = client.post("/password/forgot", data={"email": "known@example.com"})
    assert response.status_code == 200
    assert NEUTRAL in text_of(response)


def test_tampered_expired_and_foreign_links_are_refused(app, client, make_member):
    user = make_member()
    with app.test_request_context():
        good = reset_token(user)
        expired = token_made_ago(user, 2 * 3600 + 60)
        recent = token_made_ago(user, 2 * 3600 - 60)
        admin = make_member(None, "admin")
        invitation = invite_member(
            admin, User.get_by_id(admin.id).last_party, email="x@example.com", role="employee"
        )
        foreign = invitation_token(invitation)  # signed by us, but for another purpose
    for token in (good[:-2] + "zz", "garbage", foreign):
        response = client.get(f"/password/reset/{token}")
        assert response.status_code == 404
        assert "This link is not valid" in text_of(response)
        posted = client.post(
            f"/password/reset/{token}", data={"password": "x" * 12, "confirm": "x" * 12}
        )
        assert posted.status_code == 404
    response = client.get(f"/password/reset/{expired}")
    assert response.status_code == 410
    assert "Password reset links work for 2 hours. Ask for a new one." in text_of(response)
    assert client.get(f"/password/reset/{recent}").status_code == 200
    assert User.get_by_id(user.id).check_password(PASSWORD)


def test_a_password_changed_otherwise_ends_the_link(app, client, login, make_member):
    user = make_member()
    with app.test_request_context():
        token = reset_token(user)
    login(user)
    client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert app.test_client().get(f"/password/reset/{token}").status_code == 410


def test_reset_emails_are_limited_per_account_without_saying_so(client, make_member, smtp_server):
    from models.guard import RESET_ACCOUNT

    make_member(email="known@example.com")
    answers = [
        client.post("/password/forgot", data={"email": "known@example.com"})
        for _ in range(RESET_ACCOUNT.count + 3)
    ]
    assert {a.status_code for a in answers} == {200}
    assert {text_of(a) for a in answers} == {text_of(answers[0])}  # the same screen each time
    assert len(smtp_server.messages) == RESET_ACCOUNT.count


def test_reset_requests_are_limited_per_client_address(app, make_member, smtp_server):
    from models.guard import RESET_ADDRESS

    make_member(email="known@example.com")
    other_address = app.test_client()
    statuses = [
        app.test_client().post("/password/forgot", data={"email": f"u{i}@example.com"}).status_code
        for i in range(RESET_ADDRESS.count + 1)
    ]
    assert statuses == [200] * RESET_ADDRESS.count + [429]
    elsewhere = other_address.post(
        "/password/forgot",
        data={"email": "known@example.com"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert elsewhere.status_code == 200
    assert len(smtp_server.messages) == 1


def test_a_forged_host_header_is_refused_and_no_link_is_sent(client, make_member, smtp_server):
    """Links in emails are never built on a Host header chosen by the requester."""
    user = make_member()
    response = client.post(
        "/password/forgot", data={"email": user.email}, headers={"Host": "evil.example"}
    )
    assert response.status_code == 400
    assert smtp_server.messages == []


def test_production_refuses_to_start_without_public_url(tmp_path, template_db):
    from tests.conftest import make_app

    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        make_app(tmp_path, template_db, PORTAL_ENV="production", PUBLIC_URL="")
