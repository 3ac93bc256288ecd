"""Who may call what, in one place.

Every endpoint declares a policy with one of the decorators below; `enforce()` runs before
every request and refuses what the policy does not allow. An endpoint without a policy is
refused (and the access test fails on it), so nothing is open by accident.

- public: anyone.
- signed_in: any signed-in user.
- member(role): a member of the party in the URL (`party_id`) with at least that role.
  A party the user does not belong to answers 404, like a record that does not exist;
  a role too low answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, g, request
from flask_login import current_user

from extensions import login_manager
from models.parties import ROLES, membership_in, memberships_of

from .htmx import wants_block


@dataclass(frozen=True)
class Policy:
    kind: str  # "public" | "signed_in" | "member"
    role: str | None = None

    def describe(self) -> str:
        return f"member:{self.role}" if self.kind == "member" else self.kind


def _declare(policy: Policy):
    def decorate(view):
        view.access_policy = policy
        return view

    return decorate


public = _declare(Policy("public"))
signed_in = _declare(Policy("signed_in"))


def member(role: str = "employee"):
    """Members of the URL's party with at least `role` (employee < supervisor < admin)."""
    if role not in ROLES:
        raise ValueError(role)
    return _declare(Policy("member", role))


def policy_of(endpoint: str, app=None) -> Policy | None:
    """The policy the endpoint's view declared, or None."""
    view = (app or current_app).view_functions.get(endpoint)
    return getattr(view, "access_policy", None)


def enforce():
    """before_request: apply the endpoint's policy; load g.party and g.membership."""
    g.party = None
    g.membership = None
    if request.endpoint is None:  # no route matched: Flask answers 404 itself
        return None
    policy = policy_of(request.endpoint)
    if policy is None:
        abort(403)  # closed by default: an endpoint nobody declared a policy for
    if policy.kind == "public":
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if policy.kind == "member":
        party_id = (request.view_args or {}).get("party_id")
        membership = None
        if party_id and (wants_block() or request.method != "GET"):
            membership = membership_in(current_user, party_id)
        elif party_id:  # a whole page: its header lists all the user's companies anyway
            g.memberships = memberships_of(current_user)
            membership = next((m for m in g.memberships if m.party_id == party_id), None)
        if membership is None:
            abort(404)
        g.membership = membership
        g.party = membership.party
        if not membership.has_role(policy.role):
            abort(403)
    return None
