"""The audit log: recorded changes, shown to admins newest first, filtered and paged (F43)."""

import datetime as dt

from playhouse.test_utils import count_queries

from models.audit import AuditEntry, diff, entries_for, record
from tests.conftest import text_of


def test_diff_lists_only_changed_fields():
    assert diff({"a": 1, "b": "x", "c": None}, {"a": 1, "b": "y", "c": ""}) == [
        {"field": "b", "old": "x", "new": "y"}
    ]
    assert diff({"flag": False}, {"flag": True}) == [{"field": "flag", "old": "✗", "new": "✓"}]


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
