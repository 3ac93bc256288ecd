"""Team: members and their roles, invitations by email (F4, F5). Admins only."""

from flask import Blueprint, abort, flash, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models.base import DomainError, NotFound
from models.invitations import (
    INVITATION_DAYS,
    invite_member,
    pending_invitation_of,
    pending_invitation_page,
    resend_invitation,
    revoke_invitation,
    send_invitation,
)
from models.mail import MailError
from models.parties import ROLE_LABELS, member_count, member_page
from models.team import (
    assignable_roles,
    change_role,
    member_of_party,
    remove_member,
    sole_admin_id,
)

from .access import member
from .confirm import confirm_page
from .forms.team import InvitationCreateForm, MemberUpdateForm
from .htmx import block_for, list_state, page_or_block, redirect_to, wants_block

bp = Blueprint("team", __name__, url_prefix="/p/<int:party_id>/team")

MEMBERS_PER_PAGE = 25
INVITATIONS_PER_PAGE = 25
# htmx regions a GET of the page may ask for by their DOM id (pager, search box)
REGIONS = {"member-rows": "member_rows", "team-invitations": "invitations"}


def _role_choices() -> list[tuple[str, str]]:
    # translated once here: the page shows these labels on every member's row
    return [(role, str(ROLE_LABELS[role])) for role in assignable_roles(g.membership.role)]


def _invite_form(**kwargs) -> InvitationCreateForm:
    form = InvitationCreateForm(**kwargs)
    form.role.choices = _role_choices()
    return form


def _list_args(reset: tuple = ()) -> dict:
    """The page's list state (members' search and page, invitations' page) from the query
    string, or after a change from the page the browser shows; `reset` names the arguments
    that start afresh (a new invitation shows on the first page)."""
    state = list_state(url_for("team.index", party_id=g.party.id))
    args = {
        "q": (state.get("q") or "").strip()[:100] or None,
        "page": state.get("page"),
        "invitations_page": state.get("invitations_page"),
    }
    return {key: (None if key in reset else value) for key, value in args.items()}


def _render(
    status=200,
    block=None,
    *,
    invite_form=None,
    member_errors=None,
    members_notice=None,
    invitations_notice=None,
    reset: tuple = (),
):
    """The team page, or one of its regions ("members", "member_rows", "invitations") for
    htmx; the members are paged and searchable, the pending invitations paged."""
    args = _list_args(reset)
    regions = REGIONS if request.method == "GET" else None
    # only what the rendered region shows; the links keep the shown pages (as numbers)
    shown = block_for(block, regions)
    if invite_form is None and shown not in ("members", "member_rows"):
        invite_form = _invite_form(formdata=None, role="employee", language=g.party.language)
    members = invitations = None
    if shown != "invitations":
        members = member_page(g.party, args["page"], MEMBERS_PER_PAGE, args["q"] or "")
        args["page"] = members.number if members.number > 1 else None
    if shown not in ("members", "member_rows"):
        invitations = pending_invitation_page(
            g.party, args["invitations_page"], INVITATIONS_PER_PAGE
        )
        args["invitations_page"] = invitations.number if invitations.number > 1 else None
    return page_or_block(
        "team/index.html",
        block,
        status,
        regions=regions,
        members=members,
        member_total=(member_count(g.party) if args["q"] else members.total) if members else 0,
        invitations=invitations,
        list_args=args,
        q=args["q"],
        members_per_page=MEMBERS_PER_PAGE,
        invite_form=invite_form,
        role_choices=_role_choices(),
        role_names={role: str(label) for role, label in ROLE_LABELS.items()},
        member_errors=member_errors or {},
        members_notice=members_notice,
        invitations_notice=invitations_notice,
        invitation_days=INVITATION_DAYS,
        sole_admin_id=sole_admin_id(g.party) if members else None,
    )


def _done(block: str, message: str, kind: str = "ok", reset: tuple = ()):
    """After a change: the updated region with a message for htmx; else back to the page
    (on the page and search it was on)."""
    if wants_block():
        return _render(200, block, reset=reset, **{f"{block}_notice": (message, kind)})
    flash(message)
    return redirect_to(url_for("team.index", party_id=g.party.id, **_list_args(reset)))


def _deliver(invitation, sent_message: str, reset: tuple = ()):
    """Send the invitation email (the invitation is committed already) and say how it went."""
    try:
        send_invitation(invitation)
    except MailError:
        message = _(
            "The invitation for %(email)s is saved, but the email could not be sent. "
            "Try Resend later.",
            email=invitation.email,
        )
        return _done("invitations", message, "warning", reset)
    return _done("invitations", sent_message, reset=reset)


def _member_or_404(membership_id: int):
    try:
        return member_of_party(g.party, membership_id)
    except NotFound:
        abort(404)


@bp.route("/")
@member("admin")
def index(party_id):
    """The team: members with their roles (paged, searchable by name or email), an
    invitation form and pending invitations (paged). An htmx request gets the members
    region alone, or the region its pager or search box targets."""
    return _render(block="members")


@bp.route("/invitations", methods=["POST"])
@member("admin")
def create(party_id):
    """Invite someone by email with a role; the email goes out at once."""
    form = _invite_form()
    if form.validate_on_submit():
        try:
            invitation = invite_member(
                current_user,
                g.party,
                email=form.email.data,
                role=form.role.data,
                language=form.language.data,
            )
        except DomainError as error:
            field = getattr(form, error.field or "", None)
            if field is not None and hasattr(field, "errors"):
                field.errors.append(str(error))
            else:
                form.form_errors.append(str(error))
        else:
            sent = _("Invitation sent to %(email)s.", email=invitation.email)
            # the newest invitation is the first of the list
            return _deliver(invitation, sent, reset=("invitations_page",))
    return _render(422, "invitations", invite_form=form)


@bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
@member("admin")
def resend(party_id, invitation_id):
    """Send a pending invitation again with a fresh link; older links stop working."""
    try:
        invitation = resend_invitation(current_user, g.party, invitation_id)
    except NotFound:
        abort(404)
    return _deliver(
        invitation, _("A new invitation email was sent to %(email)s.", email=invitation.email)
    )


@bp.route("/invitations/<int:invitation_id>/revoke/confirm")
@member("admin")
def confirm_revoke(party_id, invitation_id):
    """Without JavaScript: ask before a pending invitation is withdrawn."""
    try:
        invitation = pending_invitation_of(g.party, invitation_id)
    except NotFound:
        abort(404)
    return confirm_page(
        title=_("Withdraw invitation"),
        question=_(
            "Withdraw the invitation to %(email)s? Its link stops working.", email=invitation.email
        ),
        facts=[(_("Invitation"), invitation.email), (_("Role"), invitation.role_label)],
        button=_("Revoke"),
        icon="x",
        action_url=url_for("team.revoke", party_id=g.party.id, invitation_id=invitation.id),
        cancel_url=url_for(
            "team.index", party_id=g.party.id, _anchor=f"invitation-{invitation.id}"
        ),
    )


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@member("admin")
def revoke(party_id, invitation_id):
    """Withdraw a pending invitation; its link stops working."""
    try:
        invitation = revoke_invitation(current_user, g.party, invitation_id)
    except NotFound:
        abort(404)
    return _done(
        "invitations", _("The invitation for %(email)s is withdrawn.", email=invitation.email)
    )


@bp.route("/members/<int:membership_id>/role", methods=["POST"])
@member("admin")
def update(party_id, membership_id):
    """Give a member another role (the last admin stays admin)."""
    _member_or_404(membership_id)
    form = MemberUpdateForm()
    if not form.validate_on_submit():
        errors = form.role.errors or form.current_role.errors or [_("Choose one of the roles.")]
        return _render(422, "members", member_errors={membership_id: " ".join(map(str, errors))})
    try:
        membership = change_role(
            current_user,
            g.party,
            membership_id,
            form.role.data,
            expected=form.current_role.data or None,
        )
    except NotFound:
        abort(404)
    except DomainError as error:
        return _render(422, "members", member_errors={membership_id: str(error)})
    if membership.user_id == current_user.id and not membership.has_role("admin"):
        # no longer an admin: this page is not yours any more
        flash(_("Your role is now %(role)s.", role=membership.role_label))
        return redirect_to(url_for("parties.home", party_id=g.party.id))
    return _done(
        "members",
        _("%(name)s is now %(role)s.", name=membership.user.name, role=membership.role_label),
    )


@bp.route("/members/<int:membership_id>/remove/confirm")
@member("admin")
def confirm_delete(party_id, membership_id):
    """Without JavaScript: ask before a member is removed from the team."""
    membership = _member_or_404(membership_id)
    note = None
    if membership.user_id == current_user.id:
        note = _("This is you: you lose access to %(party)s at once.", party=g.party.display_name)
    return confirm_page(
        title=_("Remove member"),
        question=_(
            "Remove %(name)s from %(party)s? Their access ends at once.",
            name=membership.user.name,
            party=g.party.display_name,
        ),
        facts=[
            (_("Member"), membership.user.name),
            (_("Email address"), membership.user.email),
            (_("Role"), membership.role_label),
        ],
        note=note,
        button=_("Remove"),
        action_url=url_for("team.delete", party_id=g.party.id, membership_id=membership.id),
        cancel_url=url_for("team.index", party_id=g.party.id, _anchor=f"member-{membership.id}"),
    )


@bp.route("/members/<int:membership_id>/remove", methods=["POST"])
@member("admin")
def delete(party_id, membership_id):
    """Remove a member: their access to this company ends with their next request."""
    _member_or_404(membership_id)
    try:
        membership = remove_member(current_user, g.party, membership_id)
    except NotFound:
        abort(404)
    except DomainError as error:
        return _render(409, "members", member_errors={membership_id: str(error)})
    if membership.user_id == current_user.id:
        flash(_("You have left %(party)s.", party=g.party.display_name))
        return redirect_to(url_for("parties.index"))
    return _done("members", _("%(name)s was removed from the team.", name=membership.user.name))
