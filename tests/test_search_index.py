"""The client search along the trigram index (models/search_index.py, migration 0012): it finds
exactly what the LIKE scan finds, follows every change of a client, never counts another
supplier's clients, and pages the same whichever way it reads the rows."""

from __future__ import annotations

import pytest

import models.client_lists as client_lists
from models.base import is_sqlite
from models.client_lists import client_page
from models.relationship_verbs import remove_client, update_terms
from models.search_index import compact, has_index, match_query
from tests import factories

ADDRESS = {
    "street": "Dorpsstraat 1",
    "postal_code": "1012 AB",
    "city": "Amsterdam",
    "country": "NL",
}
NAMES = [
    "Bakkerij Jansen",
    "Jansen & Zonen",
    'Hotel "De Zon"',
    "Café 100% Koffie",
    "Straße der Brote",
    "Ja Nee BV",
    "Zuivel_Hoeve",
]


@pytest.fixture
def books(app):
    supplier = factories.make_party(display_name="Brouwer")
    admin = factories.make_member(supplier, "admin")
    other = factories.make_party(display_name="Other supplier")
    other_admin = factories.make_member(other, "admin")
    mine = {name: factories.make_client(admin, supplier, name) for name in NAMES}
    for name in NAMES:  # the same names at another supplier: never in Brouwer's counts
        factories.make_client(other_admin, other, name)
    return {"supplier": supplier, "admin": admin, "clients": mine}


def _names(page) -> list[str]:
    return [row.customer.display_name for row in page]


def _expected(search: str) -> list[str]:
    text = search.casefold()
    return sorted((n for n in NAMES if text in n.casefold()), key=str.casefold)


def test_the_index_exists_on_sqlite_only(app):
    assert has_index("relationship") is is_sqlite()


@pytest.mark.parametrize(
    "search",
    ["jansen", "JANSEN", "sen &", '"de zon"', "de zon", "100%", "straße", "_hoeve", "ja", "zz"],
)
def test_search_finds_what_the_words_contain(books, search):
    page = client_page(books["supplier"], search=search)
    assert page.total == len(_expected(search))
    assert _names(page) == _expected(search)


def test_short_searches_scan_and_long_ones_use_the_index():
    assert match_query(["ja"]) is None  # no trigram in two characters: the LIKE scan answers
    assert match_query(["jansen"]) == '"jansen"'
    assert match_query(['de "zon"']) == '"de ""zon"""'
    assert match_query(["nl 123", "nl123"]) == '"nl 123" OR "nl123"'


def test_the_index_follows_changes_and_removals(books):
    supplier, admin = books["supplier"], books["admin"]
    jansen = books["clients"]["Bakkerij Jansen"]
    update_terms(admin, supplier, jansen.id, jansen.version, client_code="K-4711", tags="wholesale")
    assert _names(client_page(supplier, search="k-4711")) == ["Bakkerij Jansen"]
    assert _names(client_page(supplier, search="wholesale")) == ["Bakkerij Jansen"]
    remove_client(admin, supplier, jansen.id)
    assert _names(client_page(supplier, search="jansen")) == ["Jansen & Zonen"]
    assert client_page(supplier, search="k-4711").total == 0


def test_many_or_few_matches_page_alike(books, monkeypatch):
    """With few matches the rows come from the index, with many along the sort index: the same
    rows, in the same order, on every page."""
    supplier = books["supplier"]
    pages = {}
    for few in (0, 1000):
        monkeypatch.setattr(client_lists, "FEW_MATCHES", few)
        pages[few] = [
            _names(client_page(supplier, search="e", page=n, per_page=2)) for n in (1, 2, 3)
        ]
        pages[few] += [
            _names(client_page(supplier, search="hot", page=n, per_page=2)) for n in (1, 2)
        ]
    assert pages[0] == pages[1000]
    assert pages[0][0] == _expected("e")[:2]
    assert pages[0][3] == ['Hotel "De Zon"']


def test_search_with_filters_and_the_index(books):
    supplier, admin = books["supplier"], books["admin"]
    zonen = books["clients"]["Jansen & Zonen"]
    update_terms(admin, supplier, zonen.id, zonen.version, delinquency="debtor")
    assert _names(client_page(supplier, search="jansen", delinquency="debtor")) == [
        "Jansen & Zonen"
    ]
    assert client_page(supplier, search="jansen", delinquency="delinquent").total == 0


def test_compacting_the_index_changes_no_answer(books, app):
    """After a bulk write the import merges the index's segments: the same answers after."""
    supplier = books["supplier"]
    before = {s: _names(client_page(supplier, search=s)) for s in ("jansen", "zon", "hoeve")}
    with app.test_request_context():
        compact("relationship")
    assert {s: _names(client_page(supplier, search=s)) for s in before} == before
    assert before["jansen"] == ["Bakkerij Jansen", "Jansen & Zonen"]


def test_migrations_given_the_proxy_make_the_index_of_the_database_behind_it(tmp_path):
    """`upgrade(models.base.db)` (a proxy, as bench/imports.py calls it) tells SQLite from
    PostgreSQL by the database behind it: the trigram tables are made, not skipped."""
    from peewee import DatabaseProxy, SqliteDatabase

    from models.migrations import upgrade

    behind = SqliteDatabase(str(tmp_path / "proxied.sqlite3"))
    proxy = DatabaseProxy()
    proxy.initialize(behind)
    upgrade(proxy)
    tables = {name for (name,) in behind.execute_sql("SELECT name FROM sqlite_master")}
    assert {"relationship_search", "product_search"} <= tables
    behind.close()
