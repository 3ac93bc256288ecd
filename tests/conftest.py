"""Fixtures: an app on a temp-file SQLite database, a client, factories and a login helper."""

from __future__ import annotations

import re
import shutil

import pytest

from app import create_app
from extensions import limiter
from models.base import open_database
from models.migrations import upgrade
from tests import factories
from tests.factories import PASSWORD


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """A database with every migration applied, copied for each test (fast and isolated)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    database = open_database(f"sqlite:///{path}")
    upgrade(database)
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return path


def make_app(tmp_path, template_db, **config):
    db_path = tmp_path / "portal.sqlite3"
    shutil.copy(template_db, db_path)
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": f"sqlite:///{db_path}",
        "WTF_CSRF_ENABLED": False,
    }
    settings.update(config)
    return create_app(settings)


@pytest.fixture
def app(tmp_path, template_db):
    app = make_app(tmp_path, template_db)
    limiter.reset()
    database = app.extensions["database"]
    # No app context is kept pushed: each test request gets its own, as in production.
    database.connect(reuse_if_open=True)
    yield app
    if not database.is_closed():
        database.close()


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
