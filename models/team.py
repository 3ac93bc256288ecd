"""Team management (F5): the members of a party, their roles and their removal. Invitations
(F4) are in invitations.py, which uses the checks here.

Every verb takes the acting user and the party, writes in one transaction and records an
audit entry (F43).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from . import audit
from .base import DomainError, NotFound, is_sqlite, retrying, transaction
from .parties import ROLE_LABELS, ROLES, Membership, Party, User, role_rank
from .prepared import prepared

audit.register_fields({"role": _l("Role")})
audit.register_values("role", ROLE_LABELS)


# --- refusals ----------------------------------------------------------------------------------


class LastAdmin(DomainError):
    """A party keeps at least one admin."""


# --- scopes and checks -------------------------------------------------------------------------


def assignable_roles(actor_role: str) -> list[str]:
    """Roles someone with actor_role may give: their own and those below it."""
    return [role for role in ROLES if role_rank(role) <= role_rank(actor_role)]


def member_of_party(party: Party, membership_id) -> Membership:
    """A membership of party with its user; NotFound for another party's (or no) id."""
    membership = (
        Membership.select(Membership, User)
        .join(User)
        .where(Membership.id == membership_id, Membership.party == party)
        .first()
    )
    if membership is None:
        raise NotFound(_l("This member does not exist."))
    return membership


def acting_role(actor: User, party: Party, *, admin: bool = True) -> str:
    """The actor's role in party, read inside the transaction; refuses non-admins unless
    told not to (the caller then refuses them after its own checks)."""
    membership = Membership.get_or_none(Membership.user == actor, Membership.party == party)
    if membership is None:
        raise NotFound(_l("You are not a member of this company."))
    if admin:
        require_admin(membership.role)
    return membership.role


def require_admin(role: str) -> None:
    if role_rank(role) < role_rank("admin"):
        raise DomainError(_l("Only admins manage the team."))


def sole_admin_id(party: Party) -> int | None:
    """The membership id of the party's only admin, or None when it has several (the team
    page shows that one member cannot be removed). One query."""
    ids = [m.id for m in _two_admins.all(party.id)]
    return ids[0] if len(ids) == 1 else None


@prepared
def _two_admins(party_id: int):
    return (
        Membership.select(Membership.id)
        .where(Membership.party == party_id, Membership.role == "admin")
        .limit(2)
    )


def _admin_count(party: Party) -> int:
    query = Membership.select(Membership.id).where(
        Membership.party == party, Membership.role == "admin"
    )
    if not is_sqlite():  # SQLite: BEGIN IMMEDIATE already holds the write lock
        query = query.for_update()
    return len(list(query))


def check_role(role: str, actor_role: str, field: str = "role") -> None:
    if role not in ROLES:
        raise DomainError(_l("Choose one of the roles."), field)
    if role_rank(role) > role_rank(actor_role):
        raise DomainError(_l("You cannot give a role above your own."), field)


# --- members -----------------------------------------------------------------------------------


@retrying
def change_role(
    actor: User, party: Party, membership_id, role: str, *, expected: str | None = None
) -> Membership:
    """Give a member another role. `expected` is the role the form showed: when someone else
    changed it meanwhile the change is refused instead of overwriting theirs."""
    with transaction(lock=party):
        actor_role = acting_role(actor, party)
        membership = member_of_party(party, membership_id)
        check_role(role, actor_role)
        if expected is not None and expected != membership.role:
            raise DomainError(
                _l(
                    "Someone changed this role meanwhile; it is now %(role)s. "
                    "Check it and try again."
                ),
                "role",
                role=membership.role_label,
            )
        if role == membership.role:
            return membership
        if membership.role == "admin" and _admin_count(party) <= 1:
            raise LastAdmin(
                _l("%(name)s is the last admin of this company and must stay admin."),
                "role",
                name=membership.user.name,
            )
        old = membership.role
        membership.role = role
        membership.save(only=[Membership.role])
        audit.record(
            actor,
            party,
            "membership",
            "role",
            f"{membership.user.name} ({membership.user.email})",
            audit.diff({"role": old}, {"role": role}),
        )
    return membership


@retrying
def remove_member(actor: User, party: Party, membership_id) -> Membership:
    """Take a member out of the party: their next request there is refused (F5)."""
    with transaction(lock=party):
        acting_role(actor, party)
        membership = member_of_party(party, membership_id)
        if membership.role == "admin" and _admin_count(party) <= 1:
            raise LastAdmin(
                _l("%(name)s is the last admin of this company and cannot be removed."),
                name=membership.user.name,
            )
        user = membership.user
        membership.delete_instance()
        User.update(last_party=None).where(User.id == user.id, User.last_party == party).execute()
        audit.record(
            actor,
            party,
            "membership",
            "remove",
            f"{user.name} ({user.email})",
            audit.diff({"role": membership.role}, {"role": None}),
        )
    return membership
