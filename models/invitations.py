"""Invitations (F4): an admin invites someone by email into the party with a role; the
invitee accepts through a signed link, with a new account or the one the email belongs to.

Every verb takes the acting user and the party, writes in one transaction and records an
audit entry (F43). Emails go out after the transaction commits: `send_invitation()` is called
by the view once `invite_member()` / `resend_invitation()` have returned.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from peewee import (
    JOIN,
    SQL,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegrityError,
    TextField,
    fn,
)

from . import audit
from .base import (
    BaseModel,
    DomainError,
    NotFound,
    Page,
    is_sqlite,
    retrying,
    transaction,
    utcnow,
)
from .mail import (
    LinkInvalid,
    LinkUsed,
    MailError,
    absolute_url,
    language_or_default,
    make_token,
    new_nonce,
    read_token,
    render_message,
    send,
)
from .parties import ROLE_LABELS, Membership, Party, User, hash_password, normalise_email
from .prepared import prepared, prepared_page
from .team import acting_role, check_role, require_admin

INVITATION_DAYS = 7
INVITATION_MAX_AGE = INVITATION_DAYS * 24 * 3600  # seconds
TOKEN_PURPOSE = "invitation"  # noqa: S105 - a salt name, not a secret

audit.register_fields(
    {
        "email": _l("Email address"),
        "language": _l("Language"),
        "name": _l("Name"),
    }
)


class Invitation(BaseModel):
    party = ForeignKeyField(Party, backref="invitations", on_delete="CASCADE")
    email = CharField(max_length=254)
    role = CharField(max_length=16)
    invited_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    nonce = CharField(max_length=32)  # rotated on resend: older links stop working
    language = CharField(max_length=8, default="en")
    created_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)
    send_error = TextField(default="")
    accepted_at = DateTimeField(null=True)
    accepted_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    revoked_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("party", "email"), False),)

    @property
    def role_label(self):
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @property
    def expires_at(self) -> dt.datetime | None:
        """When the link of the last email stops working (None: no email went out yet)."""
        if self.sent_at is None:
            return None
        return self.sent_at + dt.timedelta(days=INVITATION_DAYS)

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= utcnow()


# One pending invitation per address and party (migration 0005): two admins inviting the same
# person at the same moment cannot both succeed.
Invitation.add_index(
    Invitation.party,
    Invitation.email,
    unique=True,
    where=SQL("accepted_at IS NULL AND revoked_at IS NULL"),
    name="invitation_one_pending",
)


# --- refusals ----------------------------------------------------------------------------------


class AlreadyMember(DomainError):
    pass


class WrongAccount(DomainError):
    """The signed-in user is not the person the invitation was sent to."""


# --- scopes ------------------------------------------------------------------------------------


def _pending_query(party: Party):
    inviter = User.alias()
    return (
        Invitation.select(Invitation, inviter.id, inviter.name)
        .join(inviter, JOIN.LEFT_OUTER, on=(Invitation.invited_by == inviter.id), attr="inviter")
        .where(
            Invitation.party == party,
            Invitation.accepted_at.is_null(),
            Invitation.revoked_at.is_null(),
        )
    )


_NEWEST_FIRST = (Invitation.created_at.desc(), Invitation.id.desc())


def pending_invitations(party: Party) -> list[Invitation]:
    """The party's invitations not yet accepted or revoked, newest first, with the inviter
    (one query)."""
    return list(_pending_query(party).order_by(*_NEWEST_FIRST))


def pending_invitation_page(party: Party, page=1, per_page: int = 25) -> Page:
    """One page of the party's pending invitations, newest first, with the total."""
    return prepared_page(_pending_rows, _pending_total, (party.id,), page, per_page)


@prepared
def _pending_total(party_id: int):
    return Invitation.select(fn.COUNT(SQL("*"))).where(
        Invitation.party == party_id,
        Invitation.accepted_at.is_null(),
        Invitation.revoked_at.is_null(),
    )


@prepared
def _pending_rows(party_id: int, limit: int, offset: int):
    return _pending_query(party_id).order_by(*_NEWEST_FIRST).limit(limit).offset(offset)


def _pending_invitation_of_party(party: Party, invitation_id) -> Invitation:
    invitation = Invitation.get_or_none(
        Invitation.id == invitation_id,
        Invitation.party == party,
        Invitation.accepted_at.is_null(),
        Invitation.revoked_at.is_null(),
    )
    if invitation is None:
        raise NotFound(_l("This invitation does not exist or is no longer pending."))
    return invitation


def pending_invitation_of(party: Party, invitation_id) -> Invitation:
    """A pending invitation of party; NotFound for another party's, an accepted or a revoked
    one."""
    return _pending_invitation_of_party(party, invitation_id)


def _already_pending(email: str) -> DomainError:
    return DomainError(
        _l(
            "An invitation for %(email)s is already pending. "
            "Use Resend in the list of pending invitations."
        ),
        "email",
        email=email,
    )


# --- verbs -------------------------------------------------------------------------------------


@retrying
def invite_member(
    actor: User, party: Party, *, email: str, role: str, language: str | None = None
) -> Invitation:
    """Invite someone by email into party with role. The email is sent separately, after this
    transaction, by send_invitation()."""
    email = normalise_email(email)
    with transaction(lock=party):
        actor_role = acting_role(actor, party, admin=False)
        check_role(role, actor_role)  # never above the inviter's own role …
        require_admin(actor_role)  # … and only admins invite at all (F4)
        existing = User.get_or_none(User.email == email)
        if (
            existing is not None
            and Membership.select()
            .where(Membership.user == existing, Membership.party == party)
            .exists()
        ):
            raise AlreadyMember(
                _l("%(email)s is already a member of this company."), "email", email=email
            )
        pending = (
            Invitation.select()
            .where(
                Invitation.party == party,
                Invitation.email == email,
                Invitation.accepted_at.is_null(),
                Invitation.revoked_at.is_null(),
            )
            .exists()
        )
        if pending:
            raise _already_pending(email)
        if existing is not None and existing.language:
            language = existing.language
        try:
            with transaction():  # a savepoint: the unique index may refuse the row
                invitation = Invitation.create(
                    party=party,
                    email=email,
                    role=role,
                    invited_by=actor,
                    nonce=new_nonce(),
                    language=language_or_default(language, party.language),
                )
        except IntegrityError as error:  # another admin invited them a moment ago
            raise _already_pending(email) from error
        audit.record(
            actor,
            party,
            "invitation",
            "invite",
            email,
            audit.diff(
                {},
                {"email": email, "role": role, "language": audit.language(invitation.language)},
            ),
        )
    return invitation


@retrying
def resend_invitation(actor: User, party: Party, invitation_id) -> Invitation:
    """Make a fresh link for a pending invitation (the older links stop working); the view
    then sends it with send_invitation()."""
    with transaction(lock=party):
        acting_role(actor, party)
        invitation = _pending_invitation_of_party(party, invitation_id)
        invitation.nonce = new_nonce()
        invitation.sent_at = None
        invitation.send_error = ""
        invitation.save(only=[Invitation.nonce, Invitation.sent_at, Invitation.send_error])
        audit.record(actor, party, "invitation", "resend", invitation.email)
    return invitation


@retrying
def revoke_invitation(actor: User, party: Party, invitation_id) -> Invitation:
    """Withdraw a pending invitation: its link stops working."""
    with transaction(lock=party):
        acting_role(actor, party)
        invitation = _pending_invitation_of_party(party, invitation_id)
        invitation.revoked_at = utcnow()
        invitation.save(only=[Invitation.revoked_at])
        audit.record(
            actor,
            party,
            "invitation",
            "revoke",
            invitation.email,
            audit.diff({"role": invitation.role}, {"role": None}),
        )
    return invitation


def invitation_token(invitation: Invitation) -> str:
    return make_token(TOKEN_PURPOSE, {"i": invitation.id, "n": invitation.nonce})


def invitation_message(invitation: Invitation, link: str):
    """The invitation email, in the invitee's language."""
    party = invitation.party
    inviter = invitation.invited_by
    return render_message(
        invitation.email,
        "invitation",
        invitation.language,
        _l("Invitation to join %(party)s", party=party.display_name),
        party=party,
        inviter_name=inviter.name if inviter else "",
        role_label=invitation.role_label,
        link=link,
        expires_at=utcnow() + dt.timedelta(days=INVITATION_DAYS),
    )


def send_invitation(invitation: Invitation, link_for=None) -> None:
    """Email the invitation with a fresh signed link. Call after the transaction that made or
    renewed it; on failure the invitation stays, keeps the reason and MailError is raised."""
    link_for = link_for or (lambda token: absolute_url("invitations.show", token=token))
    message = invitation_message(invitation, link_for(invitation_token(invitation)))
    try:
        send(message)
    except MailError as error:
        with transaction():
            Invitation.update(send_error=str(error)[:500] or "error", sent_at=None).where(
                Invitation.id == invitation.id
            ).execute()
        invitation.send_error, invitation.sent_at = str(error)[:500] or "error", None
        raise
    now = utcnow()
    with transaction():
        Invitation.update(send_error="", sent_at=now).where(
            Invitation.id == invitation.id
        ).execute()
    invitation.send_error, invitation.sent_at = "", now


def invitation_for_token(token: str, *, lock: bool = False) -> Invitation:
    """The pending invitation a link is for; LinkInvalid, LinkExpired or LinkUsed otherwise.
    With lock (inside the accepting transaction) the row is locked on PostgreSQL; SQLite's
    BEGIN IMMEDIATE already holds the write lock, so two tabs cannot both accept it."""
    payload = read_token(TOKEN_PURPOSE, token, INVITATION_MAX_AGE)
    invitation_id = payload.get("i")
    invitation = None
    if isinstance(invitation_id, int):
        query = (
            Invitation.select(Invitation, Party).join(Party).where(Invitation.id == invitation_id)
        )
        if lock and not is_sqlite():
            query = query.for_update()
        invitation = query.first()
    if invitation is None:
        raise LinkInvalid(_l("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise LinkUsed(_l("This invitation has already been accepted."))
    if invitation.revoked_at is not None:
        raise LinkUsed(_l("This invitation was withdrawn."))
    if payload.get("n") != invitation.nonce:
        raise LinkUsed(
            _l("A newer invitation was sent for this address. Use the link in the latest email.")
        )
    return invitation


def _join(invitation: Invitation, user: User) -> Membership:
    membership = Membership.create(user=user, party=invitation.party, role=invitation.role)
    invitation.accepted_at = utcnow()
    invitation.accepted_by = user
    invitation.save(only=[Invitation.accepted_at, Invitation.accepted_by])
    user.last_party = invitation.party
    user.save(only=[User.last_party])
    audit.record(
        user,
        invitation.party,
        "invitation",
        "accept",
        invitation.email,
        audit.diff({}, {"name": user.name, "role": invitation.role}),
    )
    return membership


@retrying
def accept_as_new_user(token: str, *, name: str, password: str) -> User:
    """Accept an invitation by creating the invitee's account; returns the new user, a
    member of the inviting party with the invited role."""
    invitation_for_token(token)  # refuse a bad link before spending time on hashing
    password_hash = hash_password(password)
    with transaction():
        invitation = invitation_for_token(token, lock=True)
        if User.select().where(User.email == invitation.email).exists():
            raise DomainError(
                _l("An account with this email address already exists. Sign in to accept.")
            )
        user = User.create(
            email=invitation.email,
            name=name.strip(),
            password_hash=password_hash,
            language=invitation.language,
        )
        _join(invitation, user)
    return user


@retrying
def accept_as_user(token: str, user: User) -> Membership:
    """Accept an invitation with the signed-in account it was sent to."""
    with transaction():
        invitation = invitation_for_token(token, lock=True)
        if normalise_email(user.email) != invitation.email:
            raise WrongAccount(
                _l("This invitation is for %(email)s, but you are signed in as %(current)s."),
                email=invitation.email,
                current=user.email,
            )
        if (
            Membership.select()
            .where(Membership.user == user, Membership.party == invitation.party)
            .exists()
        ):
            raise AlreadyMember(
                _l("You are already a member of %(party)s."),
                party=invitation.party.display_name,
            )
        membership = _join(invitation, user)
    return membership


# --- demo --------------------------------------------------------------------------------------


DEMO_INVITATIONS = [
    # party key, inviter email, invitee email, role, language, sent days ago
    ("brouwer", "supplier-admin@example.com", "pieter.smit@brouwer-groothandel.example",
     "employee", "nl", 1),
    ("brouwer", "supplier-admin@example.com", "m.dekker@brouwer-groothandel.example",
     "supervisor", "nl", 4),
    ("lumiere", "lumiere-admin@example.com", "camille.roux@cafe-lumiere.example",
     "employee", "fr", 2),
]  # fmt: skip


def add_demo(parties: dict[str, Party], users: dict[str, User]) -> None:
    """Pending invitations, as if their emails went out a few days ago (none is sent)."""
    now = utcnow()
    for key, inviter, email, role, language, days in DEMO_INVITATIONS:
        invitation = invite_member(
            users[inviter], parties[key], email=email, role=role, language=language
        )
        sent = now - dt.timedelta(days=days, hours=3)
        Invitation.update(created_at=sent, sent_at=sent).where(
            Invitation.id == invitation.id
        ).execute()
