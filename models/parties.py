"""Parties (companies or private persons), users, memberships with a role, and sign-in sessions."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from peewee import (
    SQL,
    BooleanField,
    Case,
    CharField,
    DateTimeField,
    DeferredForeignKey,
    ForeignKeyField,
    IntegerField,
    TextField,
    fn,
)

from .base import (
    BaseModel,
    DomainError,
    NotFound,
    Page,
    paged,
    retrying,
    transaction,
    unique_message,
    utcnow,
)
from .prepared import prepared, prepared_page

# Roles in rising order of power: a role may do everything the ones before it may.
ROLES = ("employee", "supervisor", "admin")
ROLE_LABELS = {
    "employee": _l("Employee"),
    "supervisor": _l("Supervisor"),
    "admin": _l("Admin"),
}
CUSTOMER_TYPES = ("business", "consumer")
CUSTOMER_TYPE_LABELS = {"business": _l("Business"), "consumer": _l("Consumer")}
LANGUAGE_CODES = ("en", "nl", "de", "fr", "es")


def role_rank(role: str) -> int:
    """How powerful a role is: employee 0, supervisor 1, admin 2."""
    return ROLES.index(role)


# Argon2id at OWASP's recommended minimum (m=19 MiB, t=2, p=1).
_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
# Verified against when the email is unknown, so a missing account takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


class Party(BaseModel):
    """A company, or a private person buying as a consumer. Supplier/customer follow from
    relationships, never from a flag here."""

    legal_name = CharField(max_length=200)
    display_name = CharField(max_length=200)
    customer_type = CharField(max_length=16, default="business")
    vat_number = CharField(max_length=32, default="")
    country = CharField(max_length=2)
    language = CharField(max_length=8, default="en")
    currency = CharField(max_length=3, default="EUR")
    email = CharField(max_length=254, default="")
    phone = CharField(max_length=40, default="")
    notes = TextField(default="")
    active = BooleanField(default=True)
    version = IntegerField(default=1)  # bumped on every edit: detects stale forms
    created_at = DateTimeField(default=utcnow)
    # Supplier defaults (F11), used for new relationships unless a relationship overrides them.
    # Money in minor units of the party's currency.
    default_min_order_minor = IntegerField(null=True)
    default_credit_limit_minor = IntegerField(null=True)
    default_payment_terms_days = IntegerField(null=True)
    # the catalog's terms of a supplier (issue 9): F18's rule and customer-type discounts, F28
    discount_rule = CharField(max_length=8, default="largest")  # largest | stacked
    business_discount_bp = IntegerField(null=True)
    consumer_discount_bp = IntegerField(null=True)
    delivery_cost_minor = IntegerField(null=True)
    free_delivery_from_minor = IntegerField(null=True)
    default_schedule = DeferredForeignKey(
        "DeliverySchedule", null=True, on_delete="SET NULL", backref="+"
    )

    @property
    def customer_type_label(self):
        return CUSTOMER_TYPE_LABELS.get(self.customer_type, self.customer_type)


class User(BaseModel):
    """A person who signs in; belongs to one or more parties through memberships."""

    email = CharField(max_length=254, unique=True)
    name = CharField(max_length=120)
    password_hash = CharField(max_length=255)
    language = CharField(max_length=8, null=True)
    last_party = ForeignKeyField(Party, null=True, on_delete="SET NULL")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    # When the owner proved the address is theirs (an emailed link). Accounts made from an
    # invitation or the demo are verified at once; a self-service sign-up is not, until the
    # link in its confirmation email is opened.
    email_verified_at = DateTimeField(null=True, default=utcnow)
    message_emails = BooleanField(default=True)  # emailed about messages left unread (F21)
    # catalogs show the company's own product code in place of the supplier's SKU (F20)
    own_codes_instead = BooleanField(default=False)

    class Meta:
        table_name = "user_account"  # "user" is reserved in PostgreSQL

    # Flask-Login protocol. The id Flask-Login keeps in the cookie is the *session* token,
    # so that ending a session (sign-out, password change, removal) refuses the cookie.
    session_token: str | None = None
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def get_id(self) -> str | None:
        return self.session_token

    def check_password(self, password: str) -> bool:
        try:
            return _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


class Membership(BaseModel):
    """A user's place in a party, with a role in that party."""

    user = ForeignKeyField(User, backref="memberships", on_delete="CASCADE")
    party = ForeignKeyField(Party, backref="memberships", on_delete="CASCADE")
    role = CharField(max_length=16, default="employee")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "party"), True),)

    @property
    def role_label(self):
        return ROLE_LABELS.get(self.role, self.role)

    def has_role(self, minimum: str) -> bool:
        return role_rank(self.role) >= role_rank(minimum)


class UserSession(BaseModel):
    """One signed-in browser. The cookie holds a random token; we keep only its hash."""

    token_hash = CharField(max_length=64, unique=True)
    user = ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)
    last_seen_at = DateTimeField(null=True, default=utcnow)
    revoked_at = DateTimeField(null=True)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- verbs ---------------------------------------------------------------------------------


class EmailTaken(DomainError):
    pass


class InvalidCredentials(DomainError):
    pass


def create_party(actor: User, **fields) -> Party:
    """Create a party with the acting user as its first admin."""
    with transaction():
        party = Party.create(**fields)
        Membership.create(user=actor, party=party, role="admin")
        actor.last_party = party
        actor.save(only=[User.last_party])
    return party


EMAIL_TAKEN = _l("An account with this email address already exists.")
unique_message("user_email", "user_account", ("email",), "email", EMAIL_TAKEN, EmailTaken)


@retrying
def sign_up(*, email: str, password: str, name: str, language: str | None, company: dict):
    """Create a user (email not yet verified) and their first company, as its admin.
    Returns (user, party); EmailTaken when the address has an account (also when another
    sign-up with it got in at the same moment: the unique index decides)."""
    email = normalise_email(email)
    password_hash = hash_password(password)
    with transaction():
        if User.select().where(User.email == email).exists():
            raise EmailTaken(EMAIL_TAKEN, "email")
        user = User.create(
            email=email,
            name=name.strip(),
            password_hash=password_hash,
            language=language,
            email_verified_at=None,
        )
        party = create_party(user, **company)
    return user, party


def mark_email_verified(user: User) -> None:
    """The owner opened an emailed link: the address is theirs."""
    if user.email_verified_at is not None:
        return
    with transaction():
        User.update(email_verified_at=utcnow()).where(
            User.id == user.id, User.email_verified_at.is_null()
        ).execute()
    user.email_verified_at = utcnow()


def authenticate(email: str, password: str) -> User:
    """The active user with this email and password, or InvalidCredentials."""
    user = User.get_or_none(User.email == normalise_email(email))
    if user is None:
        try:
            _hasher.verify(_DUMMY_HASH, password or "x")
        except VerificationError:
            pass
        raise InvalidCredentials(_l("Email address or password is not correct."))
    if not user.check_password(password) or not user.active:
        raise InvalidCredentials(_l("Email address or password is not correct."))
    if _hasher.check_needs_rehash(user.password_hash):
        with transaction():
            user.password_hash = hash_password(password)
            user.save(only=[User.password_hash])
    return user


def open_session(user: User) -> str:
    """Start a signed-in session for user; returns the token to keep in the cookie. Sessions
    of the user that ended long ago are cleared away."""
    token = secrets.token_urlsafe(32)
    with transaction():
        UserSession.delete().where(
            UserSession.user == user, UserSession.created_at < utcnow() - dt.timedelta(days=30)
        ).execute()
        UserSession.create(token_hash=_token_hash(token), user=user)
    user.session_token = token
    return token


# Sessions end on the server after this long without a request, and this long after sign-in
# whatever happens (app settings SESSION_IDLE_MINUTES and SESSION_LIFETIME_HOURS).
SESSION_IDLE = dt.timedelta(minutes=120)
SESSION_LIFETIME = dt.timedelta(hours=12)
_SEEN_EVERY = dt.timedelta(minutes=1)  # last_seen_at is written at most this often


@prepared
def _live_session(token_hash: str, created_after: dt.datetime, seen_after: dt.datetime):
    return (
        UserSession.select(UserSession, User)
        .join(User)
        .where(
            UserSession.token_hash == token_hash,
            UserSession.revoked_at.is_null(),
            UserSession.created_at > created_after,
            UserSession.last_seen_at > seen_after,
            User.active == True,  # noqa: E712
        )
        .limit(1)
    )


def load_session(
    token: str | None,
    idle: dt.timedelta = SESSION_IDLE,
    lifetime: dt.timedelta = SESSION_LIFETIME,
    touch: bool = True,
) -> User | None:
    """The user of a live session token, or None when it was ended, revoked, idle too long,
    older than its lifetime, or is unknown. `touch=False` (a page's background poll) does not
    count as activity: an open tab alone does not keep a session from going idle."""
    if not token:
        return None
    now = utcnow()
    row = _live_session.first(_token_hash(token), now - lifetime, now - idle)
    if row is None:
        return None
    if touch and row.last_seen_at < now - _SEEN_EVERY:
        UserSession.update(last_seen_at=now).where(UserSession.id == row.id).execute()
    row.user.session_token = token
    return row.user


def close_session(token: str | None) -> None:
    """End one session (sign-out): its cookie is refused from the next request on."""
    if not token:
        return
    with transaction():
        UserSession.update(revoked_at=utcnow()).where(
            UserSession.token_hash == _token_hash(token), UserSession.revoked_at.is_null()
        ).execute()


def revoke_sessions(user: User, keep_token: str | None = None) -> int:
    """End every session of user except keep_token; returns how many were ended."""
    query = UserSession.update(revoked_at=utcnow()).where(
        UserSession.user == user, UserSession.revoked_at.is_null()
    )
    if keep_token:
        query = query.where(UserSession.token_hash != _token_hash(keep_token))
    with transaction():
        return query.execute()


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one; every other session ends."""
    if not user.check_password(current):
        raise InvalidCredentials(_l("The current password is not correct."), "current_password")
    with transaction():
        user.password_hash = hash_password(new)
        user.save(only=[User.password_hash])
        revoke_sessions(user, keep_token=user.session_token)


def set_active(user: User, active: bool) -> None:
    """Enable or disable a user; disabling ends all their sessions at once."""
    with transaction():
        user.active = active
        user.save(only=[User.active])
        if not active:
            revoke_sessions(user)


def update_profile(
    user: User,
    *,
    name: str,
    language: str,
    message_emails: bool | None = None,
    own_codes_instead: bool | None = None,
) -> None:
    """Save the user's own name, interface language and (when given) whether messages left
    unread are emailed to them and whether catalogs show their own codes instead of SKUs."""
    if language not in LANGUAGE_CODES:
        raise DomainError(_l("Unknown language."), "language")
    with transaction():
        user.name = name.strip()
        user.language = language
        fields = [User.name, User.language]
        if message_emails is not None:
            user.message_emails = bool(message_emails)
            fields.append(User.message_emails)
        if own_codes_instead is not None:
            user.own_codes_instead = bool(own_codes_instead)
            fields.append(User.own_codes_instead)
        user.save(only=fields)


def set_language(user: User, language: str) -> None:
    """Store the user's interface language."""
    if language not in LANGUAGE_CODES:
        raise DomainError(_l("Unknown language."), "language")
    with transaction():
        user.language = language
        user.save(only=[User.language])


def memberships_of(user: User) -> list[Membership]:
    """The user's memberships with their parties, by party name (one query)."""
    return _memberships.all(user.id)


@prepared
def _memberships(user_id: int):
    return (
        Membership.select(Membership, Party)
        .join(Party)
        .where(Membership.user == user_id)
        .order_by(Party.display_name, Party.id)
    )


def membership_in(user: User, party_id: int) -> Membership | None:
    """The user's membership in party_id (with the party loaded), or None."""
    return _membership.first(user.id, int(party_id))


@prepared
def _membership(user_id: int, party_id: int):
    return (
        Membership.select(Membership, Party)
        .join(Party)
        .where(Membership.user == user_id, Membership.party == party_id)
        .limit(1)
    )


def remember_party(user: User, party_id: int) -> Membership:
    """Make party_id the user's active party, remembered for the next sign-in."""
    membership = membership_in(user, party_id)
    if membership is None:
        raise NotFound(_l("You are not a member of this company."))
    with transaction():
        User.update(last_party=membership.party).where(User.id == user.id).execute()
    user.last_party = membership.party
    return membership


def home_party_of(user: User) -> Membership | None:
    """The membership to land in after sign-in: the last active party if still a member,
    else the first party by name."""
    return home_among(user, memberships_of(user))


def home_among(user: User, memberships: list[Membership]) -> Membership | None:
    """Of the user's memberships, the last active party's, else the first (no query)."""
    for membership in memberships:
        if membership.party_id == user.last_party_id:
            return membership
    return memberships[0] if memberships else None


def _member_order() -> tuple:
    """Admins first, then supervisors, then employees; by name within a role (in SQL)."""
    rank = Case(Membership.role, [(role, i) for i, role in enumerate(reversed(ROLES))], 9)
    return (rank, fn.LOWER(User.name), Membership.id)


def _members_query(party: Party, search: str = ""):
    # of each member's account only what the lists show (not the password hash)
    query = (
        Membership.select(Membership, User.id, User.name, User.email)
        .join(User)
        .where(Membership.party == party)
    )
    search = (search or "").strip()
    if search:
        query = query.where(User.name.contains(search) | User.email.contains(search))
    return query


def member_page(party: Party, page=1, per_page: int = 25, search: str = "") -> Page:
    """One page of the party's members (admins first, then by name), optionally only those
    whose name or email contains `search`, with the total (two queries)."""
    if (search or "").strip():
        return paged(_members_query(party, search), page, per_page, _member_order())
    # without a search the count needs no join: it reads the membership index alone
    return prepared_page(_member_rows, _member_total, (party.id,), page, per_page)


@prepared
def _member_total(party_id: int):
    return Membership.select(fn.COUNT(SQL("*"))).where(Membership.party == party_id)


@prepared
def _member_rows(party_id: int, limit: int, offset: int):
    query = _members_query(party_id).order_by(*_member_order())
    return query.limit(limit).offset(offset)


def member_count(party: Party) -> int:
    """How many members the party has."""
    return Membership.select().where(Membership.party == party).count()
