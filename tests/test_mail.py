"""Real email (F4, F6): invitations go over SMTP to a local aiosmtpd server, in the invitee's
language, with a link that works; a failed send keeps the invitation; without a mail server
the message is written to the outbox."""

from __future__ import annotations

import logging
import re
import socket
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.support import Translations

from config import BASE_DIR
from models.base import transaction
from models.invitations import Invitation, invite_member
from models.mail import build_message, send
from tests.conftest import text_of

HX = {"HX-Request": "true"}


def has_translation(language: str, msgid: str) -> bool:
    """True when the compiled catalog translates msgid (after the translator pass)."""
    catalog = Translations.load(str(BASE_DIR / "translations"), [language])
    return catalog.ugettext(msgid) != msgid


@pytest.fixture(autouse=True)
def _outbox(app, tmp_path):
    app.config["MAIL_OUTBOX_DIR"] = str(tmp_path / "outbox")
    app.config["MAIL_SERVER"] = None


@pytest.fixture
def team(make_party, make_member):
    party = make_party(display_name="Brouwer Groothandel", language="nl")
    admin = make_member(party, "admin", name="Anne Brouwer", email="anne@example.com")
    return party, admin


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message) -> str:
    match = re.search(r"https?://\S+/invitations/\S+", body_of(message))
    assert match, body_of(message)
    return match.group(0)


def invite(client, party, email, role="employee", language="en", headers=None):
    return client.post(
        f"/p/{party.id}/team/invitations",
        data={"email": email, "role": role, "language": language},
        headers=headers or {},
    )


def test_invitation_email_arrives_with_a_working_link(
    app, client, login, team, smtp_server, make_member
):
    app.config.update(smtp_server.config)
    party, admin = team
    login(admin)
    response = invite(client, party, "New.Colleague@example.com", "supervisor", "en", HX)
    assert response.status_code == 200
    assert "Invitation sent to new.colleague@example.com." in text_of(response)
    [message] = smtp_server.messages
    assert message.envelope_to == ["new.colleague@example.com"]
    assert message["To"] == "new.colleague@example.com"
    assert message["Subject"] == "Invitation to join Brouwer Groothandel"
    assert message["Content-Language"] == "en"
    body = body_of(message)
    assert (
        "Anne Brouwer invites you to join Brouwer Groothandel on the B2B Portal as Supervisor."
        in body
    )
    assert "The link can be used once, until" in body
    html = message.get_body(preferencelist=("html",)).get_content()
    assert link_in(message) in html
    invitation = Invitation.get()
    assert invitation.sent_at is not None and invitation.send_error == ""
    # the link from the email works in a browser that is not signed in
    link = link_in(message)
    assert link.startswith("http://localhost/invitations/")
    visitor = app.test_client()
    page = visitor.get(link)
    assert page.status_code == 200
    assert "Join Brouwer Groothandel" in text_of(page)
    done = visitor.post(
        link, data={"name": "Nina New", "password": "a-long-password", "confirm": "a-long-password"}
    )
    assert done.status_code == 303
    assert "Supervisor" in text_of(visitor.get(done.headers["Location"]))


def test_invitation_in_dutch_is_written_in_dutch(app, client, login, team, smtp_server):
    app.config.update(smtp_server.config)
    party, admin = team
    login(admin)
    assert invite(client, party, "piet@example.com", "employee", "nl").status_code == 303
    [message] = smtp_server.messages
    assert message["Content-Language"] == "nl"
    # dates in the body follow the Dutch locale whether or not the catalog is translated yet
    expires = format_date(Invitation.get().expires_at, "long", locale="nl")
    assert re.match(r"\d+ [a-z]+ \d{4}$", expires)  # "30 november 2026"
    assert expires in body_of(message)
    if has_translation("nl", "Invitation to join %(party)s"):
        assert not message["Subject"].startswith("Invitation to join")
        assert "Brouwer Groothandel" in message["Subject"]
    if has_translation("nl", "Employee"):
        assert "Medewerker" in body_of(message)


def test_an_existing_user_gets_it_in_their_own_language(
    app, client, login, team, smtp_server, make_user
):
    app.config.update(smtp_server.config)
    party, admin = team
    make_user(email="klaus@example.com", language="de")
    login(admin)
    invite(client, party, "klaus@example.com", "employee", "fr")
    [message] = smtp_server.messages
    assert message["Content-Language"] == "de"
    assert Invitation.get().language == "de"


def test_a_failed_send_keeps_the_invitation_and_tells_the_admin(
    app, client, login, team, smtp_server
):
    party, admin = team
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port(), MAIL_TIMEOUT=2)
    login(admin)
    response = invite(client, party, "new@example.com", headers=HX)
    assert response.status_code == 200
    page = text_of(response)
    assert "The invitation for new@example.com is saved, but the email could not be sent." in page
    assert "Try Resend later." in page
    assert "Not sent: the email could not be delivered." in page
    invitation = Invitation.get()
    assert invitation.is_pending and invitation.sent_at is None and invitation.send_error
    # without htmx the same message comes as a flash on the page
    response = client.post(f"/p/{party.id}/team/invitations/{invitation.id}/resend")
    assert response.status_code == 303
    assert "could not be sent" in text_of(client.get(response.headers["Location"]))
    # once the server is back, Resend delivers it and the error is gone
    app.config.update(smtp_server.config)
    response = client.post(f"/p/{party.id}/team/invitations/{invitation.id}/resend", headers=HX)
    assert "A new invitation email was sent to new@example.com." in text_of(response)
    assert len(smtp_server.messages) == 1
    invitation = Invitation.get()
    assert invitation.send_error == "" and invitation.sent_at is not None


def test_resend_makes_older_links_stop_working(app, client, login, team, smtp_server):
    app.config.update(smtp_server.config)
    party, admin = team
    login(admin)
    invite(client, party, "new@example.com")
    invitation = Invitation.get()
    client.post(f"/p/{party.id}/team/invitations/{invitation.id}/resend")
    first, second = smtp_server.messages
    visitor = app.test_client()
    old = visitor.get(link_in(first))
    assert old.status_code == 410
    assert "A newer invitation was sent for this address." in text_of(old)
    assert visitor.get(link_in(second)).status_code == 200


def test_without_a_mail_server_the_message_goes_to_the_outbox(
    app, client, login, team, tmp_path, caplog
):
    party, admin = team
    login(admin)
    with caplog.at_level(logging.WARNING):
        response = invite(client, party, "new@example.com")
    assert response.status_code == 303
    [path] = list((tmp_path / "outbox").glob("*.eml"))
    assert str(path) in caplog.text
    import email
    from email import policy

    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["To"] == "new@example.com"
    assert app.test_client().get(link_in(message)).status_code == 200
    assert Invitation.get().sent_at is not None


def test_public_url_is_the_base_of_links(app, client, login, team, smtp_server):
    app.config.update(smtp_server.config, PUBLIC_URL="https://portal.example.com/b2b")
    party, admin = team
    login(admin)
    invite(client, party, "new@example.com")
    link = link_in(smtp_server.messages[0])
    assert link.startswith("https://portal.example.com/b2b/invitations/")


def test_mail_is_never_sent_inside_a_transaction(app):
    with app.test_request_context():
        message = build_message("a@example.com", "Subject", "Body")
        with transaction(), pytest.raises(RuntimeError, match="after the transaction"):
            send(message)


def test_the_domain_verb_does_not_send(app, team, smtp_server):
    """invite_member only writes; the view sends after it commits (send_invitation)."""
    app.config.update(smtp_server.config)
    party, admin = team
    with app.test_request_context():
        invite_member(admin, party, email="x@example.com", role="employee")
    assert smtp_server.messages == []
    assert not list(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))
