"""Speed helpers: prepared queries (models/prepared.py), row URLs and per-row texts (views/filters.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import JOIN, fn

import models.prepared as prepared_module
from models.parties import Membership, Party, User
from models.prepared import prepared, prepared_page
from tests import factories
from views.filters import RowURL


@prepared
def _members_of(party_id: int, role: str, limit: int, offset: int):
    return (
        Membership.select(Membership, User)
        .join(User)
        .where(Membership.party == party_id, Membership.role == role)
        .order_by(User.name, Membership.id)
        .limit(limit)
        .offset(offset)
    )


@prepared
def _count_of(party_id: int, role: str):
    return Membership.select(fn.COUNT(Membership.id)).where(
        Membership.party == party_id, Membership.role == role
    )


@prepared
def _parties_among(ids: list):
    return Party.select().where(Party.id.in_(ids)).order_by(Party.id)


def _plain(party_id, role, limit, offset):
    """The same query run the ordinary way: peewee builds its SQL afresh."""
    return list(_members_of.builder(party_id, role, limit, offset))


def test_prepared_rows_are_those_of_the_plain_query_for_any_values(app):
    shop = factories.make_party(display_name="Shop")
    other = factories.make_party(display_name="Other")
    for i in range(7):
        factories.make_member(party=shop, role="employee" if i % 2 else "supervisor")
    factories.make_member(party=other, role="employee")
    prepared_module.VERIFY = False  # the rows themselves are compared here
    try:
        for party, role, limit, offset in [
            (shop.id, "employee", 10, 0),
            (shop.id, "supervisor", 2, 1),
            (other.id, "employee", 5, 0),
            (shop.id, "admin", 5, 0),
        ]:
            got = _members_of.all(party, role, limit, offset)
            want = _plain(party, role, limit, offset)
            assert [(m.id, m.user.email) for m in got] == [(m.id, m.user.email) for m in want]
            assert _count_of.scalar(party, role) == len(_plain(party, role, 100, 0))
        assert _members_of.first(shop.id, "nobody", 1, 0) is None
    finally:
        prepared_module.VERIFY = True


def test_lists_get_one_shape_per_length_and_pages_clamp(app):
    parties = [factories.make_party(display_name=f"P{i}") for i in range(4)]
    ids = [p.id for p in parties]
    assert [p.id for p in _parties_among.all(ids[:2])] == ids[:2]
    assert [p.id for p in _parties_among.all(ids[1:])] == ids[1:]
    shop = parties[0]
    for _ in range(5):
        factories.make_member(party=shop, role="employee")
    page = prepared_page(_members_of, _count_of, (shop.id, "employee"), 99, 2)
    assert (page.number, page.total, len(page)) == (3, 5, 1)  # past the end: the last page


def test_an_argument_the_query_does_not_carry_as_it_is_is_refused(app):
    @prepared
    def computed(page: int):
        return Party.select().paginate(page, 10)  # the offset is computed from the argument

    with pytest.raises(TypeError):
        computed.all(2)
    with pytest.raises(TypeError):
        _count_of.all(1, True)  # a boolean would be confused with an int


def test_verify_catches_a_shape_that_depends_on_a_value(app):
    @prepared
    def shape_depends(after: dt.datetime):
        query = Party.select().where(Party.created_at > after)
        return query.where(Party.display_name != "x") if after.year > 1 else query

    # built with a stand-in of year 1: without the second condition a real value would add
    with pytest.raises(AssertionError):
        shape_depends.all(dt.datetime(2026, 1, 1))


def test_row_url_is_url_for_with_the_row_id(app):
    from flask import url_for

    with app.test_request_context("/"):
        build = RowURL("team.update", "membership_id", party_id=12)
        for row in (1, 45, 10**12):
            assert build(row) == url_for("team.update", party_id=12, membership_id=row)
        image = RowURL("product_images.show", "product_id", "key", party_id=3, kind="thumb")
        for row, key in ((7, "ab12"), (10**9, "a b/c")):
            expected = url_for(
                "product_images.show", party_id=3, product_id=row, kind="thumb", key=key
            )
            assert image(row, key) == expected


def test_per_row_text_is_translated_once_and_filled_escaped(app):
    from flask_babel import force_locale
    from markupsafe import Markup

    from views.filters import PerRow

    with app.test_request_context("/"), force_locale("de"):
        template = app.jinja_env.from_string(
            '{% set remove = per_row(_("Remove %(name)s", name=blank)) %}'
            "{% for n in names %}[{{ remove(n) }}]{% endfor %}"
        )
        html = template.render(names=["Anna", "<b>Bo</b>"])
    assert html == "[Anna entfernen][&lt;b&gt;Bo&lt;/b&gt; entfernen]"
    assert PerRow(Markup("x \x00 y"))("<i>") == Markup("x &lt;i&gt; y")


def test_html_params_is_wtforms_own_output():
    from markupsafe import Markup

    from views.forms.base import _original_html_params, html_params

    cases = [
        {},
        {"name": "q", "id": "f", "class_": "text"},
        {"checked": True, "readonly": False, "name": "text1", "abc": "hello"},
        {"data_user_name": "<b>", "aria_labelledby": 'a "b"', "for_": "x"},
        {"value": Markup('say "hi" <i>'), "maxlength": 40, "step": 0.5, "title": "R&D"},
        {"value": "", "placeholder": None, "disabled": False, "required": True},
    ]
    for case in cases:
        assert html_params(**case) == _original_html_params(**case), case
        assert isinstance(html_params(**case), Markup)
    # every widget renders with it, also those that keep it as a class attribute
    from wtforms.widgets import core

    for widget in (core.Input, core.Button, core.CheckboxInput, core.HiddenInput):
        assert widget.html_params is html_params, widget


# --- rows into models: the prepared query's plan gives what peewee's cursor wrapper gives -------


def _as_peewee_builds(query) -> list:
    return list(query.clone())


def test_rows_become_the_models_peewee_would_make_with_outer_joins_aliases_and_annotations(app):
    from models.relationships import CustomerGroup, Relationship

    supplier = factories.make_party(display_name="Supplier")
    group = CustomerGroup.create(supplier=supplier, code="H", name="Horeca")
    with_group = factories.make_party(display_name="With group")
    without = factories.make_party(display_name="Without")
    Relationship.create(supplier=supplier, customer=with_group, status="connected", group=group)
    Relationship.create(supplier=supplier, customer=without, status="connected")

    @prepared
    def joined(supplier_id: int):
        return (
            Relationship.select(Relationship, Party, CustomerGroup)
            .join(Party, on=Relationship.customer)
            .switch(Relationship)
            .join(CustomerGroup, JOIN.LEFT_OUTER)
            .where(Relationship.supplier == supplier_id)
            .order_by(Party.display_name)
        )

    @prepared
    def annotated(supplier_id: int):
        return (
            Party.select(Party.id, Party.display_name.alias("shown"), fn.LOWER(Party.email))
            .where(Party.id != supplier_id)
            .order_by(Party.id)
        )

    prepared_module.VERIFY = False  # compared here, field by field
    try:
        for builder, argument in ((joined, supplier.id), (annotated, supplier.id)):
            first = builder.all(argument)  # peewee's own wrapper; the plan is kept
            again = builder.all(argument)  # the plan
            want = _as_peewee_builds(builder.builder(argument))
            snapshot = prepared_module._snapshot
            assert [snapshot(r) for r in again] == [snapshot(r) for r in want]
            assert [snapshot(r) for r in first] == [snapshot(r) for r in want]
        rows = joined.all(supplier.id)
        assert [(r.customer.display_name, r.group and r.group.name) for r in rows] == [
            ("With group", "Horeca"),
            ("Without", None),
        ]
        assert rows[1].group_id is None and not rows[0]._dirty
        shown = annotated.all(supplier.id)
        assert [p.shown for p in shown] == [
            p.display_name
            for p in _as_peewee_builds(
                Party.select().where(Party.id != supplier.id).order_by(Party.id)
            )
        ]
    finally:
        prepared_module.VERIFY = True


def test_lazy_strings_say_what_flask_babel_says_in_every_language(app):
    import flask_babel
    from flask_babel import force_locale, lazy_gettext, lazy_ngettext
    from flask_babel.speaklater import LazyString

    from views.i18n import _lazy_text

    assert LazyString.__str__ is _lazy_text  # installed by the app
    cases = [
        (lazy_gettext("Remove"), lambda: flask_babel.gettext("Remove")),
        (
            lazy_gettext("Remove %(name)s", name="Ana <b>"),
            lambda: flask_babel.gettext("Remove %(name)s", name="Ana <b>"),
        ),
    ]
    for num in (1, 5):
        cases.append(
            (
                lazy_ngettext("%(num)s day", "%(num)s days", num),
                lambda num=num: flask_babel.ngettext("%(num)s day", "%(num)s days", num),
            )
        )
    with app.test_request_context("/"):
        seen = set()
        for language in ("en", "nl", "de", "fr", "es"):
            with force_locale(language):
                for lazy, plain in cases:
                    assert str(lazy) == plain()
                    assert lazy.__html__() == plain().replace("<", "&lt;").replace(">", "&gt;")
                    seen.add(str(lazy))
        assert len(seen) > len(cases)  # the languages really differ


def test_a_lazy_string_in_a_template_escapes_what_fills_it(app):
    from flask import render_template_string
    from flask_babel import lazy_gettext

    with app.test_request_context("/"):
        subject = lazy_gettext("Invitation to join %(party)s", party="<script>x</script>")
        html = render_template_string("<p>{{ subject }}</p>", subject=subject)
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_the_kept_locale_name_follows_a_forced_locale(app):
    from flask_babel import force_locale, get_locale

    from views.i18n import locale_name

    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        first = locale_name()
        assert first == str(get_locale())
        with force_locale("de"):
            assert locale_name() == "de"
        assert locale_name() == first


def test_the_views_gettext_says_what_flask_babels_says(app):
    import flask_babel
    from flask_babel import force_locale

    from views.i18n import gettext

    with app.test_request_context("/"):
        for language in ("en", "nl", "de", "fr", "es"):
            with force_locale(language):
                assert gettext("Edit") == flask_babel.gettext("Edit")
                assert gettext("Call %(phone)s", phone="+31 20") == flask_babel.gettext(
                    "Call %(phone)s", phone="+31 20"
                )
        with force_locale("de"):
            assert gettext("Edit") == "Bearbeiten"
