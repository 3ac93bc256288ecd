"""Team management (F4, F5, F43): invitations, roles, removal, accepting a link; the domain
verbs with their refusals, and the pages with and without htmx."""

from __future__ import annotations

import re
import time

import pytest
from itsdangerous import TimestampSigner
from peewee import IntegrityError
from playhouse.test_utils import count_queries

from models.audit import AuditEntry
from models.base import DomainError, NotFound
from models.invitations import (
    Invitation,
    accept_as_new_user,
    accept_as_user,
    invitation_for_token,
    invitation_token,
    invite_member,
    resend_invitation,
    revoke_invitation,
)
from models.mail import LinkExpired, LinkInvalid, LinkUsed
from models.parties import Membership, User
from models.team import change_role, remove_member
from tests.conftest import sign_in, text_of
from tests.factories import PASSWORD

HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _outbox(app, tmp_path):
    """Without an SMTP server mail goes to a temporary outbox, never the repository's."""
    app.config["MAIL_OUTBOX_DIR"] = str(tmp_path / "outbox")
    app.config["MAIL_SERVER"] = None


@pytest.fixture
def team(make_party, make_member):
    """A party with an admin and an employee."""
    party = make_party(display_name="Brouwer Test", language="nl")
    admin = make_member(party, "admin", name="Anne Admin", email="anne@example.com")
    employee = make_member(party, "employee", name="Erik Employee", email="erik@example.com")
    return party, admin, employee


def membership(user, party):
    return Membership.get_or_none(Membership.user == user, Membership.party == party)


def audit_actions(party, area):
    return [
        e.action
        for e in AuditEntry.select()
        .where(AuditEntry.party == party, AuditEntry.area == area)
        .order_by(AuditEntry.id)
    ]


def old_token(invitation, days: int) -> str:
    """A genuine token as if it had been made `days` ago."""
    real = TimestampSigner.get_timestamp
    TimestampSigner.get_timestamp = lambda self: int(time.time()) - days * 86400
    try:
        return invitation_token(invitation)
    finally:
        TimestampSigner.get_timestamp = real


# --- domain: invitations -----------------------------------------------------------------


def test_invite_creates_a_pending_invitation_and_audits_it(app, team):
    party, admin, _ = team
    with app.test_request_context():
        invitation = invite_member(admin, party, email="  New@Example.com ", role="supervisor")
    assert invitation.email == "new@example.com"
    assert invitation.role == "supervisor"
    assert invitation.language == "nl"  # no language chosen: the party's
    assert invitation.invited_by_id == admin.id
    assert invitation.is_pending and invitation.sent_at is None
    entry = AuditEntry.get(AuditEntry.area == "invitation")
    assert (entry.actor_id, entry.action, entry.subject) == (admin.id, "invite", "new@example.com")
    assert {c.field: c.new for c in entry.change_list} == {
        "email": "new@example.com",
        "role": "supervisor",
        "language": {"language": "nl"},
    }


def test_invitation_language_is_the_existing_users_own(app, team, make_user):
    party, admin, _ = team
    make_user(email="known@example.com", language="de")
    with app.test_request_context():
        invitation = invite_member(
            admin, party, email="known@example.com", role="employee", language="fr"
        )
        chosen = invite_member(
            admin, party, email="fresh@example.com", role="employee", language="es"
        )
    assert invitation.language == "de"
    assert chosen.language == "es"


@pytest.mark.parametrize(
    ("email", "role", "field", "message"),
    [
        ("erik@example.com", "employee", "email", "erik@example.com is already a member"),
        ("pending@example.com", "employee", "email", "already pending. Use Resend"),
        ("x@example.com", "owner", "role", "Choose one of the roles."),
    ],
)
def test_invite_refusals_write_nothing(app, team, email, role, field, message):
    party, admin, _ = team
    with app.test_request_context():
        invite_member(admin, party, email="pending@example.com", role="employee")
        before = (Invitation.select().count(), AuditEntry.select().count())
        with pytest.raises(DomainError) as refused:
            invite_member(admin, party, email=email, role=role)
        assert refused.value.field == field
        assert message in str(refused.value)
    assert (Invitation.select().count(), AuditEntry.select().count()) == before


def test_the_database_holds_one_pending_invitation_per_address(app, team):
    """Two admins inviting the same person at the same moment cannot both succeed."""
    party, admin, _ = team
    with app.test_request_context():
        invitation = invite_member(admin, party, email="twice@example.com", role="employee")
    with pytest.raises(IntegrityError), app.extensions["database"].atomic():
        Invitation.create(party=party, email="twice@example.com", role="admin", nonce="x")
    with app.test_request_context():
        revoke_invitation(admin, party, invitation.id)
        again = invite_member(admin, party, email="twice@example.com", role="employee")
    assert again.is_pending


def test_an_invitation_never_grants_a_role_above_the_inviters(app, team, make_member):
    party, _, _ = team
    supervisor = make_member(party, "supervisor")
    with app.test_request_context(), pytest.raises(DomainError) as refused:
        invite_member(supervisor, party, email="boss@example.com", role="admin")
    assert refused.value.field == "role"
    assert "above your own" in str(refused.value)
    with app.test_request_context(), pytest.raises(DomainError, match="Only admins"):
        invite_member(supervisor, party, email="staff@example.com", role="employee")
    assert Invitation.select().count() == 0


def test_resend_rotates_the_link_and_revoke_ends_it(app, team):
    party, admin, _ = team
    with app.test_request_context():
        invitation = invite_member(admin, party, email="new@example.com", role="employee")
        first = invitation_token(invitation)
        assert invitation_for_token(first).id == invitation.id
        resend_invitation(admin, party, invitation.id)
        with pytest.raises(LinkUsed, match="newer invitation"):
            invitation_for_token(first)
        second = invitation_token(Invitation.get_by_id(invitation.id))
        assert invitation_for_token(second).id == invitation.id
        revoke_invitation(admin, party, invitation.id)
        with pytest.raises(LinkUsed, match="withdrawn"):
            invitation_for_token(second)
        with pytest.raises(NotFound):  # no longer pending
            resend_invitation(admin, party, invitation.id)
    assert audit_actions(party, "invitation") == ["invite", "resend", "revoke"]


def test_another_partys_invitation_cannot_be_touched(app, team, make_party, make_member):
    party, admin, _ = team
    other = make_party()
    other_admin = make_member(other, "admin")
    with app.test_request_context():
        theirs = invite_member(other_admin, other, email="x@example.com", role="employee")
        for verb in (resend_invitation, revoke_invitation):
            with pytest.raises(NotFound):
                verb(admin, party, theirs.id)
    assert Invitation.get_by_id(theirs.id).revoked_at is None


def test_links_that_are_tampered_expired_or_used_are_refused(app, team):
    party, admin, _ = team
    with app.test_request_context():
        invitation = invite_member(admin, party, email="new@example.com", role="employee")
        token = invitation_token(invitation)
        for bad in (token[:-2] + "xx", "nonsense", token.replace(".", "", 1)):
            with pytest.raises(LinkInvalid):
                invitation_for_token(bad)
        with pytest.raises(LinkExpired):
            invitation_for_token(old_token(invitation, 8))
        assert invitation_for_token(old_token(invitation, 6)).id == invitation.id
        accept_as_new_user(token, name="Nina New", password="a-long-password")
        with pytest.raises(LinkUsed, match="already been accepted"):
            invitation_for_token(token)
        with pytest.raises(LinkUsed):
            accept_as_new_user(token, name="Twice", password="a-long-password")
    assert User.select().where(User.email == "new@example.com").count() == 1


def test_accepting_creates_the_account_and_membership(app, team):
    party, admin, _ = team
    with app.test_request_context():
        invitation = invite_member(
            admin, party, email="new@example.com", role="supervisor", language="de"
        )
        user = accept_as_new_user(
            invitation_token(invitation), name=" Nina New ", password="a-long-password"
        )
    assert (user.name, user.language, user.last_party_id) == ("Nina New", "de", party.id)
    assert user.check_password("a-long-password")
    assert membership(user, party).role == "supervisor"
    invitation = Invitation.get_by_id(invitation.id)
    assert invitation.accepted_by_id == user.id and invitation.accepted_at is not None
    entry = AuditEntry.get(AuditEntry.action == "accept")
    assert entry.actor_id == user.id and entry.subject == "new@example.com"


def test_an_existing_account_accepts_only_as_itself(app, team, make_user, make_member):
    party, admin, _ = team
    known = make_user(email="known@example.com")
    stranger = make_user(email="stranger@example.com")
    with app.test_request_context():
        invitation = invite_member(admin, party, email="known@example.com", role="employee")
        token = invitation_token(invitation)
        with pytest.raises(DomainError, match="already exists"):
            accept_as_new_user(token, name="Impostor", password="a-long-password")
        with pytest.raises(DomainError, match="signed in as stranger@example.com"):
            accept_as_user(token, stranger)
        assert membership(stranger, party) is None
        accept_as_user(token, known)
    assert membership(known, party).role == "employee"


# --- domain: members -------------------------------------------------------------------------


def test_change_role_audits_old_and_new(app, team):
    party, admin, employee = team
    with app.test_request_context():
        change_role(admin, party, membership(employee, party).id, "supervisor", expected="employee")
        change_role(admin, party, membership(employee, party).id, "supervisor")  # no change
    assert membership(employee, party).role == "supervisor"
    entries = list(AuditEntry.select().where(AuditEntry.area == "membership"))
    assert len(entries) == 1
    assert entries[0].action == "role"
    assert "erik@example.com" in entries[0].subject
    assert [(c.field, c.old, c.new) for c in entries[0].change_list] == [
        ("role", "employee", "supervisor")
    ]


def test_the_last_admin_can_be_neither_demoted_nor_removed(app, team, make_member):
    party, admin, _ = team
    own = membership(admin, party).id
    with app.test_request_context():
        with pytest.raises(DomainError, match="last admin") as refused:
            change_role(admin, party, own, "employee")
        assert refused.value.field == "role"
        with pytest.raises(DomainError, match="last admin"):
            remove_member(admin, party, own)
        second = make_member(party, "admin")
        change_role(admin, party, own, "supervisor")  # allowed now: another admin remains
        with pytest.raises(DomainError, match="last admin"):
            remove_member(second, party, membership(second, party).id)
    assert membership(admin, party).role == "supervisor"
    assert membership(second, party).role == "admin"


def test_a_stale_role_form_is_not_applied(app, team):
    party, admin, employee = team
    with app.test_request_context():
        change_role(admin, party, membership(employee, party).id, "supervisor")
        with pytest.raises(DomainError, match="changed this role meanwhile"):
            change_role(admin, party, membership(employee, party).id, "admin", expected="employee")
    assert membership(employee, party).role == "supervisor"


def test_remove_member_clears_their_last_party_and_audits(app, team):
    party, admin, employee = team
    with app.test_request_context():
        remove_member(admin, party, membership(employee, party).id)
    assert membership(employee, party) is None
    assert User.get_by_id(employee.id).last_party_id is None
    entry = AuditEntry.get(AuditEntry.action == "remove")
    assert [(c.field, c.old, c.new) for c in entry.change_list] == [("role", "employee", None)]


def test_members_of_another_party_are_not_found(app, team, make_party, make_member):
    party, admin, _ = team
    stranger = make_member(make_party(), "employee")
    theirs = Membership.get(Membership.user == stranger).id
    with app.test_request_context():
        with pytest.raises(NotFound):
            change_role(admin, party, theirs, "admin")
        with pytest.raises(NotFound):
            remove_member(admin, party, theirs)
    assert Membership.get_by_id(theirs).role == "employee"


# --- pages ------------------------------------------------------------------------------------


def test_team_page_lists_members_and_pending_invitations(app, client, login, team):
    party, admin, _ = team
    with app.test_request_context():
        invite_member(admin, party, email="pending@example.com", role="supervisor")
    login(admin)
    response = client.get(f"/p/{party.id}/team/")
    assert response.status_code == 200
    page = text_of(response)
    assert "<html" in response.get_data(as_text=True)
    for text in ("Anne Admin", "erik@example.com", "Invite a colleague", "pending@example.com"):
        assert text in page
    assert "Supervisor" in page and "Not sent yet" in page


def test_employees_may_not_manage_the_team(app, client, login, team):
    party, admin, employee = team
    with app.test_request_context():
        invitation = invite_member(admin, party, email="pending@example.com", role="employee")
    login(employee)
    own = membership(employee, party).id
    base = f"/p/{party.id}/team"
    assert client.get(f"{base}/").status_code == 403
    posts = {
        f"{base}/invitations": {"email": "x@example.com", "role": "employee", "language": "en"},
        f"{base}/invitations/{invitation.id}/resend": {},
        f"{base}/invitations/{invitation.id}/revoke": {},
        f"{base}/members/{own}/role": {"role": "admin"},
        f"{base}/members/{own}/remove": {},
    }
    for url, data in posts.items():
        assert client.post(url, data=data).status_code == 403, url
    assert membership(employee, party).role == "employee"
    assert Invitation.select().count() == 1 and Invitation.get().revoked_at is None


def test_another_partys_ids_answer_404_and_change_nothing(
    app, client, login, team, make_party, make_member
):
    party, admin, _ = team
    other = make_party()
    other_admin = make_member(other, "admin")
    stranger = make_member(other, "employee")
    with app.test_request_context():
        theirs = invite_member(other_admin, other, email="x@example.com", role="employee")
    login(admin)
    base = f"/p/{party.id}/team"
    their_member = membership(stranger, other).id
    for url, data in {
        f"{base}/invitations/{theirs.id}/resend": {},
        f"{base}/invitations/{theirs.id}/revoke": {},
        f"{base}/members/{their_member}/role": {"role": "admin"},
        f"{base}/members/{their_member}/remove": {},
    }.items():
        assert client.post(url, data=data).status_code == 404, url
        assert client.post(url, data=data, headers=HX).status_code == 404, url
    assert client.get(f"/p/{other.id}/team/").status_code == 404
    assert membership(stranger, other).role == "employee"
    assert Invitation.get_by_id(theirs.id).revoked_at is None
    assert Invitation.get_by_id(theirs.id).nonce == theirs.nonce


def test_invite_without_htmx_redirects_with_a_message(app, client, login, team):
    party, admin, _ = team
    login(admin)
    response = client.post(
        f"/p/{party.id}/team/invitations",
        data={"email": "new@example.com", "role": "employee", "language": "en"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/p/{party.id}/team/"
    page = client.get(response.headers["Location"])
    assert "Invitation sent to new@example.com." in text_of(page)
    assert Invitation.get().sent_at is not None


def test_invite_with_htmx_answers_the_invitations_region(app, client, login, team):
    party, admin, _ = team
    login(admin)
    response = client.post(
        f"/p/{party.id}/team/invitations",
        data={"email": "new@example.com", "role": "supervisor", "language": "en"},
        headers=HX,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="team-invitations"' in html
    assert "HX-Request" in response.headers["Vary"]
    assert "Invitation sent to new@example.com." in text_of(response)
    assert 'value="new@example.com"' not in html  # a fresh form for the next one


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": ""}, "This field is required."),
        ({"email": "not-an-email"}, "Invalid email address."),
        ({"email": "erik@example.com"}, "erik@example.com is already a member of this company."),
        ({"email": "PENDING@example.com"}, "Use Resend in the list of pending invitations."),
        ({"role": "owner"}, "Choose one of the roles."),
        ({"role": ""}, "This field is required."),
        ({"language": "xx"}, "Not a valid choice."),
    ],
)
def test_bad_invitations_answer_422_with_a_field_message(app, client, login, team, data, message):
    party, admin, _ = team
    with app.test_request_context():
        invite_member(admin, party, email="pending@example.com", role="employee")
    login(admin)
    form = {"email": "new@example.com", "role": "employee", "language": "en"} | data
    for headers in ({}, HX):
        response = client.post(f"/p/{party.id}/team/invitations", data=form, headers=headers)
        assert response.status_code == 422
        assert message in text_of(response), text_of(response)[:400]
        assert ("<html" in response.get_data(as_text=True)) == (not headers)
    assert Invitation.select().count() == 1
    assert AuditEntry.select().count() == 1


def test_resend_and_revoke_from_the_page(app, client, login, team):
    party, admin, _ = team
    with app.test_request_context():
        invitation = invite_member(admin, party, email="pending@example.com", role="employee")
    login(admin)
    base = f"/p/{party.id}/team/invitations/{invitation.id}"
    response = client.post(f"{base}/resend", headers=HX)
    assert response.status_code == 200
    assert "A new invitation email was sent to pending@example.com." in text_of(response)
    assert Invitation.get_by_id(invitation.id).nonce != invitation.nonce
    response = client.post(f"{base}/revoke")
    assert response.status_code == 303
    assert Invitation.get_by_id(invitation.id).revoked_at is not None
    page = text_of(client.get(response.headers["Location"]))
    assert "The invitation for pending@example.com is withdrawn." in page
    assert "No pending invitations." in page
    assert client.post(f"{base}/resend").status_code == 404  # no longer pending


def test_change_role_from_the_page(app, client, login, team):
    party, admin, employee = team
    login(admin)
    url = f"/p/{party.id}/team/members/{membership(employee, party).id}/role"
    response = client.post(url, data={"role": "supervisor", "current_role": "employee"}, headers=HX)
    assert response.status_code == 200
    assert "<html" not in response.get_data(as_text=True)
    assert "Erik Employee is now Supervisor." in text_of(response)
    assert membership(employee, party).role == "supervisor"
    response = client.post(url, data={"role": "employee", "current_role": "supervisor"})
    assert response.status_code == 303
    assert membership(employee, party).role == "employee"
    # a form showing the old role does not overwrite a change made meanwhile
    response = client.post(url, data={"role": "admin", "current_role": "supervisor"}, headers=HX)
    assert response.status_code == 422
    assert "Someone changed this role meanwhile" in text_of(response)
    assert membership(employee, party).role == "employee"
    response = client.post(url, data={"role": "owner"})
    assert response.status_code == 422 and "<html" in response.get_data(as_text=True)
    assert "Choose one of the roles." in text_of(response)


def test_the_last_admin_is_refused_on_the_page(app, client, login, team):
    party, admin, _ = team
    login(admin)
    own = membership(admin, party).id
    response = client.post(
        f"/p/{party.id}/team/members/{own}/role", data={"role": "employee"}, headers=HX
    )
    assert response.status_code == 422
    assert "Anne Admin is the last admin of this company and must stay admin." in text_of(response)
    response = client.post(f"/p/{party.id}/team/members/{own}/remove")
    assert response.status_code == 409
    assert "cannot be removed" in text_of(response)
    assert membership(admin, party).role == "admin"
    assert AuditEntry.select().count() == 0


def test_removal_ends_access_on_the_next_request(app, client, login, team):
    party, admin, employee = team
    theirs = app.test_client()
    sign_in(theirs, employee)
    assert theirs.get(f"/p/{party.id}/").status_code == 200
    login(admin)
    response = client.post(
        f"/p/{party.id}/team/members/{membership(employee, party).id}/remove", headers=HX
    )
    assert response.status_code == 200
    assert "Erik Employee was removed from the team." in text_of(response)
    assert "erik@example.com" not in response.get_data(as_text=True)
    assert theirs.get(f"/p/{party.id}/").status_code == 404  # same session, no access


def test_an_admin_may_leave_when_another_admin_remains(app, client, login, team, make_member):
    party, admin, _ = team
    make_member(party, "admin")
    login(admin)
    response = client.post(
        f"/p/{party.id}/team/members/{membership(admin, party).id}/remove", headers=HX
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/"
    assert membership(admin, party) is None
    assert client.get(f"/p/{party.id}/team/").status_code == 404


def test_demoting_yourself_leaves_the_team_page(app, client, login, team, make_member):
    party, admin, _ = team
    make_member(party, "admin")
    login(admin)
    response = client.post(
        f"/p/{party.id}/team/members/{membership(admin, party).id}/role",
        data={"role": "employee"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/p/{party.id}/"
    assert client.get(f"/p/{party.id}/team/").status_code == 403


def test_changes_show_in_the_audit_log(app, client, login, team):
    party, admin, employee = team
    login(admin)
    client.post(
        f"/p/{party.id}/team/invitations",
        data={"email": "new@example.com", "role": "employee", "language": "en"},
    )
    client.post(
        f"/p/{party.id}/team/members/{membership(employee, party).id}/role",
        data={"role": "supervisor"},
    )
    log = text_of(client.get(f"/p/{party.id}/audit/"))
    assert "Invitations invited new@example.com" in log
    assert "Team role changed Erik Employee (erik@example.com)" in log
    assert "Employee → Supervisor" in log


def test_invitations_region_query_count_does_not_grow(app, client, login, team):
    party, admin, _ = team
    login(admin)

    def queries():
        with count_queries() as counter:
            client.post(f"/p/{party.id}/team/invitations", data={"email": ""}, headers=HX)
        return counter.count

    with app.test_request_context():
        invite_member(admin, party, email="one@example.com", role="employee")
    few = queries()
    with app.test_request_context():
        for n in range(5):
            invite_member(admin, party, email=f"more{n}@example.com", role="employee")
    assert queries() == few


# --- accepting a link -------------------------------------------------------------------------


@pytest.fixture
def invitation_link(app, team):
    party, admin, _ = team
    with app.test_request_context():
        invitation = invite_member(
            admin, party, email="new.colleague@example.com", role="employee", language="en"
        )
        token = invitation_token(invitation)
    return invitation, f"/invitations/{token}"


def test_accept_link_creates_the_account_and_lands_in_the_company(
    app, client, team, invitation_link
):
    party, _, _ = team
    _, link = invitation_link
    page = client.get(link)
    assert page.status_code == 200
    assert "Join Brouwer Test" in text_of(page)
    assert "new.colleague@example.com" in text_of(page)
    assert page.headers["Cache-Control"] == "no-store"
    bad = client.post(link, data={"name": "Nina", "password": "short", "confirm": "short"})
    assert bad.status_code == 422
    assert "Use between 10 and 128 characters." in text_of(bad)
    mismatch = client.post(
        link,
        data={"name": "Nina", "password": "a-long-password", "confirm": "other-password"},
        headers=HX,
    )
    assert mismatch.status_code == 422 and "<html" not in mismatch.get_data(as_text=True)
    assert "The passwords do not match." in text_of(mismatch)
    assert User.select().where(User.email == "new.colleague@example.com").count() == 0
    response = client.post(
        link, data={"name": "Nina New", "password": "a-long-password", "confirm": "a-long-password"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/p/{party.id}/"
    home = client.get(response.headers["Location"])
    assert home.status_code == 200
    assert "Welcome to Brouwer Test!" in text_of(home)
    assert "Employee" in text_of(home)
    # the link is used up: a clear page, and nothing is written
    again = client.get(link)
    assert again.status_code == 410
    assert "This invitation has already been accepted." in text_of(again)
    assert client.post(link, data={"name": "X"}).status_code == 410
    assert User.select().where(User.email == "new.colleague@example.com").count() == 1


def test_accept_link_with_htmx_redirects(app, client, team, invitation_link):
    party, _, _ = team
    _, link = invitation_link
    response = client.post(
        link,
        data={"name": "Nina New", "password": "a-long-password", "confirm": "a-long-password"},
        headers=HX,
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/p/{party.id}/"


def test_bad_links_answer_clear_pages(app, client, team, invitation_link):
    party, admin, _ = team
    invitation, link = invitation_link
    tampered = client.get(link[:-3] + "abc")
    assert tampered.status_code == 404
    assert "This invitation link is not valid" in text_of(tampered)
    with app.test_request_context():
        expired = old_token(invitation, 8)
    response = client.get(f"/invitations/{expired}")
    assert response.status_code == 410
    assert "Ask the person who invited you to send a new one." in text_of(response)
    with app.test_request_context():
        revoke_invitation(admin, party, invitation.id)
    response = client.post(
        link, data={"name": "Nina", "password": "a-long-password", "confirm": "a-long-password"}
    )
    assert response.status_code == 410
    assert "This invitation was withdrawn." in text_of(response)
    assert User.select().where(User.email == invitation.email).count() == 0


def test_an_existing_account_signs_in_then_accepts(app, client, team, make_user):
    party, admin, _ = team
    known = make_user(email="known@example.com", name="Karl Known")
    with app.test_request_context():
        token = invitation_token(
            invite_member(admin, party, email="known@example.com", role="supervisor")
        )
    link = f"/invitations/{token}"
    page = client.get(link)
    assert page.status_code == 200
    assert "Sign in to accept" in text_of(page)
    # posting without signing in sends to sign-in, and back to the link afterwards
    response = client.post(link)
    assert response.status_code == 303 and "/signin?next=" in response.headers["Location"]
    assert membership(known, party) is None
    signed = client.post(f"/signin?next={link}", data={"email": known.email, "password": PASSWORD})
    assert signed.headers["Location"] == link
    page = client.get(link)
    assert "Accept and join Brouwer Test" in text_of(page)
    response = client.post(link)
    assert response.status_code == 303 and response.headers["Location"] == f"/p/{party.id}/"
    assert membership(known, party).role == "supervisor"
    assert "Welcome to Brouwer Test!" in text_of(client.get(f"/p/{party.id}/"))


def test_signed_in_as_someone_else_is_told_so(app, client, login, team, invitation_link):
    party, admin, employee = team
    _, link = invitation_link
    login(employee)
    page = client.get(link)
    assert page.status_code == 403
    assert "This invitation is for new.colleague@example.com, but you are signed in as" in (
        text_of(page)
    )
    response = client.post(link)
    assert response.status_code == 403
    assert User.select().where(User.email == "new.colleague@example.com").count() == 0
    assert Invitation.get().accepted_at is None


def test_visitors_see_the_invitation_in_its_language(app, client, team):
    party, admin, _ = team
    with app.test_request_context():
        token = invitation_token(
            invite_member(admin, party, email="nl@example.com", role="employee", language="nl")
        )
    page = client.get(f"/invitations/{token}")
    assert page.status_code == 200
    assert re.search(r'<html lang="nl"', page.get_data(as_text=True))
