"""Messages between a supplier and a client (issue 8, F21): writing, unread counts per thread
and in the header, new messages by polling, markers per reader, email reminders for what was
left unread (opt-out per user), and the tabs of the client page."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from models.base import utcnow
from models.messages import Message, MessageRead, post_message, remind, unread_counts
from models.parties import UserSession
from models.relationships import answer_request, connect_client
from tests import factories
from tests.conftest import sign_in, text_of

HX = {"HX-Request": "true"}


@pytest.fixture
def pair(app, tmp_path):
    app.config["MAIL_OUTBOX_DIR"] = str(tmp_path / "outbox")
    app.config["MAIL_SERVER"] = None
    supplier = factories.make_party(display_name="Brouwer")
    anne = factories.make_member(supplier, "admin", name="Anne")
    sven = factories.make_member(supplier, "employee", name="Sven")
    customer = factories.make_party(display_name="Café Lumière", email="cafe@lumiere.example")
    louis = factories.make_member(customer, "admin", name="Louis", language="fr")
    claire = factories.make_member(customer, "employee", name="Claire")
    link = answer_request(
        louis, customer, connect_client(anne, supplier, "cafe@lumiere.example").id, True
    )
    return {
        "supplier": supplier,
        "anne": anne,
        "sven": sven,
        "customer": customer,
        "louis": louis,
        "claire": claire,
        "link": link,
        "outbox": tmp_path / "outbox",
    }


def client_url(p, tail="messages"):
    return f"/p/{p['supplier'].id}/clients/{p['link'].id}/{tail}"


def supplier_url(p):
    return f"/p/{p['customer'].id}/suppliers/{p['link'].id}/messages"


def test_the_supplier_writes_and_the_customer_reads_and_answers(client, login, pair):
    login(pair["sven"])
    sent = client.post(client_url(pair), data={"body": "Your order leaves on Thursday."})
    assert sent.status_code == 303
    assert "Your order leaves on Thursday." in text_of(client.get(sent.headers["Location"]))
    message = Message.get()
    assert (message.side, message.author_id) == ("supplier", pair["sven"].id)
    login(pair["claire"])
    # unread: in the header's fragment, on the Messages page and on the tab
    badge = client.get(f"/p/{pair['customer'].id}/messages/unread", headers=HX)
    assert 'data-testid="header-unread">1<' in badge.get_data(as_text=True)
    overview = client.get(f"/p/{pair['customer'].id}/messages/")
    assert "Brouwer" in text_of(
        overview
    ) and 'data-testid="conversation-unread"' in overview.get_data(as_text=True)
    page = client.get(supplier_url(pair))
    assert "Your order leaves on Thursday." in text_of(page)
    # read now
    assert (
        client.get(f"/p/{pair['customer'].id}/messages/unread", headers=HX)
        .get_data(as_text=True)
        .strip()
        == ""
    )
    answer = client.post(supplier_url(pair), data={"body": "Merci !\nÀ jeudi."}, headers=HX)
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert "<html" not in html and "Merci !" in html and 'id="message-thread"' in html
    assert Message.select().count() == 2
    assert unread_counts(pair["anne"], pair["supplier"]) == {pair["link"].id: 1}


def test_a_poll_returns_the_list_alone_with_new_messages(client, login, pair):
    login(pair["anne"])
    client.get(client_url(pair))
    post_message(pair["louis"], pair["customer"], pair["link"].id, "Are you open on Monday?")
    poll = client.get(client_url(pair), headers={**HX, "HX-Target": "message-list"})
    assert poll.status_code == 200
    html = poll.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="message-list"')
    assert "Are you open on Monday?" in html and "Louis" in html
    assert "HX-Target" in poll.vary
    assert unread_counts(pair["anne"], pair["supplier"]) == {}


def test_a_poll_does_not_keep_the_session_alive(client, login, pair):
    login(pair["anne"])
    session = UserSession.get(UserSession.user == pair["anne"])
    long_ago = utcnow() - dt.timedelta(minutes=60)
    UserSession.update(last_seen_at=long_ago).where(UserSession.id == session.id).execute()
    client.get(client_url(pair), headers={**HX, "HX-Target": "message-list"})
    client.get(f"/p/{pair['supplier'].id}/messages/unread", headers=HX)
    assert UserSession.get_by_id(session.id).last_seen_at == long_ago
    client.get(client_url(pair))  # a click is activity
    assert UserSession.get_by_id(session.id).last_seen_at > long_ago


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 5001, "5000"),
        ("a\x00b", "control characters"),
    ],
)
def test_bad_messages_are_refused_on_the_field(client, login, pair, body, message):
    login(pair["anne"])
    answer = client.post(client_url(pair), data={"body": body}, headers=HX)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="body-error"' in html and message in html
    assert not Message.select().exists()


def test_a_script_in_a_message_is_shown_as_text(client, login, pair):
    login(pair["anne"])
    client.post(client_url(pair), data={"body": "<script>alert(1)</script>"})
    html = client.get(client_url(pair)).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_pending_relationships_and_other_parties_have_no_conversation(client, login, pair):
    pending_party = factories.make_party(email="new@x.example")
    pending = connect_client(pair["anne"], pair["supplier"], "new@x.example")
    login(pair["anne"])
    assert client.get(f"/p/{pair['supplier'].id}/clients/{pending.id}/messages").status_code == 404
    assert (
        client.post(
            f"/p/{pair['supplier'].id}/clients/{pending.id}/messages", data={"body": "x"}
        ).status_code
        == 404
    )
    stranger = factories.make_member(factories.make_party(), "admin")
    login(stranger)
    own = f"/p/{stranger.last_party_id}"
    assert client.get(f"{own}/clients/{pair['link'].id}/messages").status_code == 404
    assert client.get(f"{own}/suppliers/{pair['link'].id}/messages").status_code == 404
    assert (
        client.post(f"{own}/suppliers/{pair['link'].id}/messages", data={"body": "x"}).status_code
        == 404
    )
    assert not Message.select().exists()
    assert pending_party.id


def test_two_tabs_reading_at_once_keep_one_marker(app, pair):
    for n in range(5):
        post_message(pair["louis"], pair["customer"], pair["link"].id, f"Message {n}")
    last = Message.select().order_by(Message.id.desc()).first().id
    errors = []

    def read():
        try:
            with app.test_client() as c:
                sign_in(c, pair["anne"])
                for _ in range(3):
                    assert c.get(client_url(pair)).status_code == 200
        except Exception as error:  # noqa: BLE001 -- reported below
            errors.append(error)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    markers = list(MessageRead.select().where(MessageRead.user == pair["anne"]))
    assert [(m.side, m.last_read_id) for m in markers] == [("supplier", last)]


# --- reminders ---------------------------------------------------------------------------------


def test_unread_messages_are_emailed_once_to_those_who_want_it(app, pair):
    post_message(pair["anne"], pair["supplier"], pair["link"].id, "The invoice is ready.")
    pair["claire"].message_emails = False
    pair["claire"].save()
    with app.test_request_context():
        assert remind(delay=dt.timedelta(minutes=5)) == 0  # not yet: a few minutes first
        later = utcnow() + dt.timedelta(minutes=6)
        assert remind(now=later) == 1  # Louis; Claire said no
        assert remind(now=later) == 0  # once
    [mail] = [p.read_text() for p in pair["outbox"].glob("*.eml")]
    assert f"To: {pair['louis'].email}" in mail and "Content-Language: fr" in mail
    assert f"/p/{pair['customer'].id}/suppliers/{pair['link'].id}/messages" in mail


def test_a_message_read_in_time_is_not_emailed(app, client, login, pair):
    post_message(pair["anne"], pair["supplier"], pair["link"].id, "The invoice is ready.")
    login(pair["louis"])
    client.get(supplier_url(pair))
    login(pair["claire"])
    client.get(supplier_url(pair))
    with app.test_request_context():
        assert remind(now=utcnow() + dt.timedelta(minutes=6)) == 0


def test_the_account_page_turns_the_emails_off(client, login, pair):
    login(pair["louis"])
    answer = client.post("/account/profile", data={"name": "Louis", "language": "fr"})
    assert answer.status_code == 303
    from models.parties import User

    assert User.get_by_id(pair["louis"].id).message_emails is False
    client.post("/account/profile", data={"name": "Louis", "language": "fr", "message_emails": "y"})
    assert User.get_by_id(pair["louis"].id).message_emails is True


# --- the client page's tabs --------------------------------------------------------------------


def test_each_tab_is_a_real_url(client, login, pair):
    post_message(pair["louis"], pair["customer"], pair["link"].id, "Bonjour")
    login(pair["anne"])
    overview = client.get(client_url(pair, ""))
    html = overview.get_data(as_text=True)
    for tab in ("overview", "terms", "contacts", "messages", "audit"):
        assert f'data-testid="tab-{tab}"' in html
    assert 'data-testid="tab-unread">1<' in html
    for tail, shown in [
        ("terms", "Credit limit"),
        ("contacts", "Add contact"),
        ("messages", "Bonjour"),
        ("audit", "Changes to this client"),
    ]:
        page = client.get(client_url(pair, tail))
        assert page.status_code == 200 and shown in text_of(page), tail
        assert 'aria-current="page" data-testid="tab-' + tail in page.get_data(as_text=True)
    login(pair["sven"])
    assert 'data-testid="tab-audit"' not in client.get(client_url(pair, "")).get_data(as_text=True)
    assert client.get(client_url(pair, "audit")).status_code == 403


def test_the_audit_tab_lists_this_clients_changes_only(client, login, pair):
    from decimal import Decimal

    from models.relationships import Relationship, update_terms

    other_party = factories.make_party(email="other@x.example")
    other = connect_client(pair["anne"], pair["supplier"], "other@x.example")
    update_terms(pair["anne"], pair["supplier"], other.id, other.version, tags="other-client")
    link = Relationship.get_by_id(pair["link"].id)
    update_terms(pair["anne"], pair["supplier"], link.id, link.version, credit_limit=Decimal("900"))
    login(pair["anne"])
    text = text_of(client.get(client_url(pair, "audit")))
    assert "900" in text and "other-client" not in text
    assert other_party.id
