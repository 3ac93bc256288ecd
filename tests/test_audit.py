"""The audit log: recorded changes, shown to admins newest first, filtered and paged (F43)."""

import datetime as dt

from playhouse.test_utils import count_queries

from models.audit import AuditEntry, diff, entries_for, record
from tests.conftest import text_of


def test_diff_lists_only_changed_fields():
    assert diff({"a": 1, "b": "x", "c": None}, {"a": 1, "b": "y", "c": ""}) == [
        {"field": "b", "old": "x", "new": "y"}
    ]
    assert diff({"flag": False}, {"flag": True}) == [{"field": "flag", "old": False, "new": True}]
    # typed values are stored as they are, for the reader's language to format them
    assert diff({"n": 1, "t": {"date": "2026-12-25"}}, {"n": 2, "t": {"date": "2026-12-25"}}) == [
        {"field": "n", "old": 1, "new": 2}
    ]


def test_entries_newest_first_filtered_and_paged(app, make_party, make_member):
    party, other = make_party(), make_party()
    alice = make_member(party, "admin", name="Alice")
    bob = make_member(party, "admin", name="Bob")
    base = dt.datetime(2026, 1, 1)
    for i in range(30):
        entry = record(alice if i % 2 else bob, party, "company" if i < 20 else "address", "update")
        AuditEntry.update(at=base + dt.timedelta(minutes=i)).where(
            AuditEntry.id == entry.id
        ).execute()
    record(alice, other, "company", "update")
    rows, total = entries_for(party, per_page=25)
    assert total == 30 and len(rows) == 25
    assert rows[0].at > rows[-1].at
    rows, total = entries_for(party, area="address")
    assert total == 10
    rows, total = entries_for(party, actor_id=bob.id, area="company")
    assert total == 10 and {r.actor_id for r in rows} == {bob.id}
    rows, total = entries_for(party, page=2, per_page=25)
    assert len(rows) == 5


def test_admin_sees_the_log_with_old_and_new_values(client, login, make_party, make_member):
    party = make_party()
    admin = make_member(party, "admin", name="Alma Admin")
    record(
        admin,
        party,
        "company",
        "update",
        "Profile",
        [{"field": "display_name", "old": "Old Name", "new": "New Name"}],
    )
    login(admin)
    page = text_of(client.get(f"/p/{party.id}/audit/"))
    assert "Alma Admin" in page
    assert "Company profile changed" in page
    assert "Old Name" in page and "New Name" in page


def test_filters_answer_a_fragment_for_htmx_and_a_page_otherwise(
    client, login, make_party, make_member
):
    party = make_party()
    admin = make_member(party, "admin")
    record(admin, party, "company", "update", "Profile")
    record(admin, party, "address", "create", "Main office")
    login(admin)
    url = f"/p/{party.id}/audit/?area=address"
    fragment = client.get(url, headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and 'id="audit-rows"' in html
    assert "Main office" in html and "Profile" not in html
    assert "HX-Request" in fragment.headers["Vary"]
    full = client.get(url).get_data(as_text=True)
    assert "<html" in full and "Main office" in full
    # nonsense filters are ignored, never a 500
    assert client.get(f"/p/{party.id}/audit/?area=nope&actor=x&page=-4").status_code == 200


def test_employees_cannot_read_the_log(client, login, make_party, make_member):
    party = make_party()
    login(make_member(party, "employee"))
    assert client.get(f"/p/{party.id}/audit/").status_code == 403


def test_log_fragment_query_count_does_not_grow_with_rows(client, login, make_party, make_member):
    party = make_party()
    admin = make_member(party, "admin")
    login(admin)

    def queries_for(n):
        for _ in range(n):
            record(make_member(party, "employee"), party, "membership", "role")
        with count_queries() as counter:
            client.get(f"/p/{party.id}/audit/", headers={"HX-Request": "true"})
        return counter.count

    assert queries_for(2) == queries_for(20)


def test_enumerated_values_show_translated(client, login, make_party, make_member):
    import models.team  # noqa: F401 - registers the role labels

    party = make_party()
    admin = make_member(party, "admin", language="de")
    record(
        admin,
        party,
        "membership",
        "role",
        "Someone",
        [{"field": "role", "old": "employee", "new": "admin"}],
    )
    login(admin)
    page = text_of(client.get(f"/p/{party.id}/audit/"))
    assert "Mitarbeiter" in page and "Administrator" in page
    assert "employee" not in page


# --- values in the reader's language, times in the party's zone (issue 7, item 6) ----------


def _typed_entries(admin, party):
    """Entries with each kind of typed value, as the verbs write them."""
    import models.addresses  # noqa: F401 - registers the field labels
    import models.company  # noqa: F401
    import models.schedules  # noqa: F401
    from models import audit

    record(
        admin,
        party,
        "defaults",
        "update",
        "Defaults",
        diff(
            {"defaults.credit_limit": audit.money(150050, "EUR")},
            {"defaults.credit_limit": audit.money(500000, "EUR")},
        ),
    )
    record(
        admin,
        party,
        "schedule",
        "update",
        "Standard",
        [
            {
                "field": "schedule.time_frame",
                "old": None,
                "new": audit.days([1, 2, 3, 4, 5], "08:00", "12:00"),
            },
            {
                "field": "schedule.closed_date",
                "old": None,
                "new": audit.closed(dt.date(2026, 12, 25), "Kerst"),
            },
            {"field": "schedule.cutoff", "old": audit.time_of_day("14:00"), "new": None},
        ],
    )
    record(
        admin,
        party,
        "address",
        "update",
        "Main office",
        diff(
            {"address.country": audit.country("NL"), "address.default": False},
            {"address.country": audit.country("DE"), "address.default": True},
        ),
    )
    record(
        admin,
        party,
        "company",
        "update",
        "Profile",
        diff(
            {"company.language": audit.language("nl")}, {"company.language": audit.language("de")}
        ),
    )


def test_values_show_in_german_for_a_german_reader(client, login, make_party, make_member):
    party = make_party(country="NL")
    admin = make_member(party, "admin", language="de")
    _typed_entries(admin, party)
    login(admin)
    page = text_of(client.get(f"/p/{party.id}/audit/"))
    assert "1.500,50 €" in page and "5.000,00 €" in page
    assert "Mo.–Fr. 08:00–12:00" in page
    assert "25.12.2026 (Kerst)" in page
    assert "Niederlande" in page and "Deutschland" in page
    assert "Niederländisch" in page and "Deutsch" in page
    assert "✗ → ✓" in page
    for raw in ("EUR", "5000.00", "2026-12-25", "Mo-Fr", " NL ", "{"):
        assert raw not in page, raw


def test_the_same_values_show_in_english_for_an_english_reader(
    client, login, make_party, make_member
):
    party = make_party(country="NL")
    admin = make_member(party, "admin", language="en")
    _typed_entries(admin, party)
    login(admin)
    page = text_of(client.get(f"/p/{party.id}/audit/"))
    assert "€1,500.50" in page and "€5,000.00" in page
    assert "Mon–Fri 8:00 AM – 12:00 PM" in page
    assert "Dec 25, 2026 (Kerst)" in page and "2:00 PM" in page
    assert "Netherlands" in page and "Germany" in page
    assert "Dutch" in page and "German" in page


def test_entries_written_as_text_before_still_show(client, login, make_party, make_member):
    import models.company  # noqa: F401 - registers the labels, as the app does

    party = make_party()
    admin = make_member(party, "admin", language="de")
    record(
        admin,
        party,
        "defaults",
        "update",
        "Defaults",
        [
            {"field": "defaults.credit_limit", "old": "150.50 EUR", "new": "5000.00 EUR"},
            {"field": "schedule.time_frame", "old": None, "new": "Mo-Fr 08:00-12:00"},
            {"field": "address.default", "old": "✗", "new": "✓"},
            {"field": "company.language", "old": "en", "new": "nl"},
        ],
    )
    login(admin)
    page = text_of(client.get(f"/p/{party.id}/audit/"))
    assert "150.50 EUR → 5000.00 EUR" in page
    assert "Mo-Fr 08:00-12:00" in page and "✗ → ✓" in page
    assert "English → Nederlands" in page  # old codes still show by the language's own name


def test_a_credit_limit_changed_through_the_verb_reads_in_german(
    app, client, login, make_party, make_member
):
    from decimal import Decimal

    from models.company import update_supplier_defaults

    party = make_party(country="DE", currency="EUR")
    admin = make_member(party, "admin", language="de")
    with app.test_request_context():
        update_supplier_defaults(
            admin,
            party,
            version=party.version,
            min_order=None,
            credit_limit=Decimal("5000"),
            payment_terms_days=30,
            schedule_id=None,
        )
    login(admin)
    page = text_of(client.get(f"/p/{party.id}/audit/"))
    assert "Standard-Kreditlimit: — → 5.000,00 €" in page


def test_entry_times_show_in_the_partys_time_zone_named(client, login, make_party, make_member):
    party = make_party(country="NL")
    admin = make_member(party, "admin")
    entry = record(admin, party, "company", "update", "Profile")
    summer = dt.datetime(2026, 7, 1, 10, 0)  # stored in UTC: 12:00 in Amsterdam
    AuditEntry.update(at=summer).where(AuditEntry.id == entry.id).execute()
    login(admin)
    page = text_of(client.get(f"/p/{party.id}/audit/"))
    assert "7/1/26, 12:00 PM" in page and "10:00 AM" not in page
    assert "Time zone: Central European Time (Europe/Amsterdam)" in page
    html = client.get(f"/p/{party.id}/audit/", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert '<time datetime="2026-07-01T10:00:00Z">' in html and 'id="audit-zone"' in html


def test_entry_times_follow_the_party_and_the_readers_language(
    client, login, make_party, make_member
):
    party = make_party(country="PT")
    admin = make_member(party, "admin", language="de")
    entry = record(admin, party, "company", "update", "Profile")
    AuditEntry.update(at=dt.datetime(2026, 1, 15, 10, 0)).where(AuditEntry.id == entry.id).execute()
    login(admin)
    page = text_of(client.get(f"/p/{party.id}/audit/"))
    assert "15.01.26, 10:00" in page  # Lisbon keeps UTC in winter
    assert "(Europe/Lisbon)" in page


def test_values_page_keeps_its_query_count(client, login, make_party, make_member):
    party = make_party()
    admin = make_member(party, "admin")
    login(admin)
    _typed_entries(admin, party)
    with count_queries() as few:
        client.get(f"/p/{party.id}/audit/", headers={"HX-Request": "true"})
    for _ in range(5):
        _typed_entries(admin, party)
    with count_queries() as many:
        client.get(f"/p/{party.id}/audit/", headers={"HX-Request": "true"})
    assert few.count == many.count
