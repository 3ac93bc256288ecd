"""Fixtures: an app on a temp-file SQLite database, a client, factories and a login helper."""

from __future__ import annotations

import re

import pytest

import models.prepared
from app import create_app
from models.migrations import upgrade
from tests import factories
from tests.databases import Template, drop_copy
from tests.factories import PASSWORD


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """A database with every migration applied, copied for each test (fast and isolated);
    SQLite unless DATABASE_URL names a PostgreSQL server (tests/databases.py)."""
    template = Template("schema", tmp_path_factory.mktemp("template"), upgrade)
    yield template
    template.drop()


# every prepared query (models/prepared.py) is checked against a fresh build of its SQL
models.prepared.VERIFY = True

_copies: list[str] = []


def make_app(tmp_path, template_db, **config):
    """An app on a fresh copy of the template (or on config's DATABASE_URL when given)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    url = config.get("DATABASE_URL")
    if url is None:
        url = template_db.copy(tmp_path)
        _copies.append(url)
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": url,
        "WTF_CSRF_ENABLED": False,
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
    }
    settings.update(config)
    return create_app(settings)


@pytest.fixture
def app(tmp_path, template_db):
    app = make_app(tmp_path, template_db)
    database = app.extensions["database"]
    # No app context is kept pushed: each test request gets its own, as in production.
    database.connect(reuse_if_open=True)
    yield app
    if not database.is_closed():
        database.close()


@pytest.fixture(autouse=True)
def _drop_test_databases():
    """Each test's database copies go when it ends (PostgreSQL; SQLite files go with tmp)."""
    yield
    while _copies:
        drop_copy(_copies.pop())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_party(app):
    return factories.make_party


@pytest.fixture
def make_user(app):
    return factories.make_user


@pytest.fixture
def make_member(app):
    return factories.make_member


def sign_in(client, user, password: str = PASSWORD):
    """Sign in through the real form; returns the response."""
    return client.post("/signin", data={"email": user.email, "password": password})


@pytest.fixture
def login(client):
    """login(user) signs the client in as user (through the sign-in form)."""

    def _login(user, password: str = PASSWORD):
        response = sign_in(client, user, password)
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return response

    return _login


def text_of(response) -> str:
    """The visible text of an HTML response, tags stripped and whitespace collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


class _Mailbox:
    """What a local SMTP server received, parsed as email messages."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message.envelope_to = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 and a free port, collecting what it gets.

    `smtp_server.messages` lists the received messages; `smtp_server.config` holds the app
    settings that point at it (MAIL_SERVER, MAIL_PORT)."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = _Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    mailbox.host, mailbox.port = "127.0.0.1", port
    mailbox.config = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port}
    try:
        yield mailbox
    finally:
        controller.stop()
