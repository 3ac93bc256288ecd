"""Messages (F21): one thread per relationship between the supplier's members and the
customer's. Each reader has a marker (the last message they saw, per side), from which the
unread counts come; a message the other side leaves unread for a few minutes is emailed to
those of its members who want that (`flask messages remind`, run every minute by cron or a
systemd timer: the app servers stay stateless).

New messages reach an open thread by htmx polling of a small fragment every few seconds: it
works behind any number of app servers and proxies with nothing but the database in common,
and holds no worker busy (server-sent events would keep a gunicorn sync worker per open tab)."""

from __future__ import annotations

import datetime as dt
import logging

from flask_babel import format_number
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from peewee import (
    EXCLUDED,
    JOIN,
    SQL,
    BooleanField,
    Case,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
    fn,
)

from .base import BaseModel, DomainError, NotFound, retrying, transaction, utcnow
from .mail import MailError, absolute_url, language_or_default, render_message, send
from .parties import Membership, Party, User, role_rank
from .prepared import prepared
from .relationships import Relationship, _row_id

log = logging.getLogger(__name__)

SIDES = ("supplier", "customer")
MAX_BODY = 5000
THREAD_LENGTH = 50  # the newest messages a thread shows
REMIND_AFTER = dt.timedelta(minutes=5)


class Message(BaseModel):
    relationship = ForeignKeyField(Relationship, backref="messages", on_delete="CASCADE")
    author = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    side = CharField(max_length=8)  # who wrote it: "supplier" or "customer"
    body = TextField()
    created_at = DateTimeField(default=utcnow)
    reminded = BooleanField(default=False)

    class Meta:
        table_name = "message"


class MessageRead(BaseModel):
    relationship = ForeignKeyField(Relationship, on_delete="CASCADE", backref="+")
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    side = CharField(max_length=8)
    last_read_id = IntegerField(default=0)

    class Meta:
        table_name = "message_read"


def side_of(party: Party, relationship: Relationship) -> str:
    """The side `party` takes in the relationship."""
    return "supplier" if relationship.supplier_id == party.id else "customer"


def thread_of(party: Party, relationship_id) -> Relationship:
    """A connected relationship of the party (as supplier or as customer); NotFound else."""
    found = (
        Relationship.select()
        .where(
            Relationship.id == _row_id(relationship_id),
            (Relationship.supplier == party) | (Relationship.customer == party),
            Relationship.status == "connected",
        )
        .first()
    )
    if found is None:
        raise NotFound(_l("This conversation does not exist."))
    return found


def messages_of(relationship: Relationship, limit: int = THREAD_LENGTH) -> list[Message]:
    """The newest messages of the thread, oldest first, with their authors' names."""
    rows = (
        Message.select(Message, User.id, User.name)
        .join(User, JOIN.LEFT_OUTER)
        .where(Message.relationship == relationship)
        .order_by(Message.id.desc())
        .limit(limit)
    )
    return list(reversed(list(rows)))


def mark_read(user: User, relationship: Relationship, side: str, up_to: int) -> None:
    """Move the reader's marker forward to message `up_to` (never back): an upsert that is
    the same on SQLite and PostgreSQL, so two tabs polling at once cannot clash."""
    if not up_to:
        return
    with transaction():
        (
            MessageRead.insert(relationship=relationship, user=user, side=side, last_read_id=up_to)
            .on_conflict(
                conflict_target=[MessageRead.relationship, MessageRead.user, MessageRead.side],
                update={MessageRead.last_read_id: EXCLUDED.last_read_id},
                where=(MessageRead.last_read_id < EXCLUDED.last_read_id),
            )
            .execute()
        )


def _clean(body) -> str:
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise DomainError(_l("Write a message first."), "body")
    if len(text) > MAX_BODY:
        raise DomainError(
            _l("A message has at most %(max)s characters."), "body", max=format_number(MAX_BODY)
        )
    return text


@retrying
def post_message(actor: User, party: Party, relationship_id, body) -> Message:
    """Write to the thread of one of the party's connected relationships (any member)."""
    text = _clean(body)
    with transaction(lock=party):
        membership = Membership.get_or_none(Membership.user == actor, Membership.party == party)
        if membership is None or role_rank(membership.role) < role_rank("employee"):
            raise DomainError(_l("Your role in this company does not allow this."))
        relationship = thread_of(party, relationship_id)
        side = side_of(party, relationship)
        message = Message.create(relationship=relationship, author=actor, side=side, body=text)
    mark_read(actor, relationship, side, message.id)
    return message


def _unread_query(user_id: int, party_id: int):
    """Per relationship of the party: how many messages of the other side the user has not
    read (their marker on the party's side)."""
    mine = Case(None, [(Relationship.supplier == party_id, "supplier")], "customer")
    return (
        Message.select(Message.relationship, fn.COUNT(SQL("*")).alias("n"))
        .join(Relationship, on=(Message.relationship == Relationship.id))
        .join(
            MessageRead,
            JOIN.LEFT_OUTER,
            on=(
                (MessageRead.relationship == Message.relationship)
                & (MessageRead.user == user_id)
                & (MessageRead.side == mine)
            ),
        )
        .where(
            (
                ((Relationship.supplier == party_id) & (Message.side == "customer"))
                | ((Relationship.customer == party_id) & (Message.side == "supplier"))
            ),
            Relationship.status == "connected",
            Message.id > fn.COALESCE(MessageRead.last_read_id, 0),
        )
        .group_by(Message.relationship)
    )


_unread_all = prepared(_unread_query)


@prepared
def _unread_of(user_id: int, party_id: int, relationship_ids: list):
    return _unread_query(user_id, party_id).where(Message.relationship.in_(relationship_ids))


def unread_counts(user: User, party: Party, relationship_ids=None) -> dict[int, int]:
    """Per relationship of the party (of those given): how many messages the user has not
    read, for those with any."""
    if relationship_ids is None:
        rows = _unread_all.rows(user.id, party.id)
    else:
        rows = _unread_of.rows(user.id, party.id, [int(i) for i in relationship_ids] or [0])
    return dict(rows)


def unread_total(user: User, party: Party) -> int:
    return sum(unread_counts(user, party).values())


def conversations(user: User, party: Party, limit: int = 50) -> list[dict]:
    """The party's threads with messages, the latest first: the other party, the newest
    message, and how many the user has not read."""
    latest = (
        Message.select(Message.relationship, fn.MAX(Message.id).alias("last_id"))
        .join(Relationship, on=(Message.relationship == Relationship.id))
        .where(
            (Relationship.supplier == party.id) | (Relationship.customer == party.id),
            Relationship.status == "connected",
        )
        .group_by(Message.relationship)
        .order_by(fn.MAX(Message.id).desc())
        .limit(limit)
    )
    last_ids = [row.last_id for row in latest.objects()]
    if not last_ids:
        return []
    Other = Party.alias()
    rows = (
        Message.select(Message, Relationship, Other)
        .join(Relationship, on=(Message.relationship == Relationship.id))
        .join(
            Other,
            on=(
                Other.id
                == Case(
                    None,
                    [(Relationship.supplier == party.id, Relationship.customer)],
                    Relationship.supplier,
                )
            ),
            attr="other",
        )
        .where(Message.id.in_(last_ids))
        .order_by(Message.id.desc())
    )
    unread = unread_counts(user, party, [row.relationship_id for row in rows])
    return [
        {
            "relationship": row.relationship,
            "other": row.relationship.other,
            "side": side_of(party, row.relationship),
            "last": row,
            "unread": unread.get(row.relationship_id, 0),
        }
        for row in rows
    ]


# --- reminders by email ----------------------------------------------------------------------


def _claim(message_id: int) -> bool:
    """Take one message for reminding; False when another run took it first."""
    with transaction():
        return bool(
            Message.update(reminded=True)
            .where(Message.id == message_id, Message.reminded == False)  # noqa: E712
            .execute()
        )


def remind(now: dt.datetime | None = None, delay: dt.timedelta = REMIND_AFTER) -> int:
    """Email the members of the other side about messages they left unread for `delay`
    (those who want such emails: message_emails); one email per reader and thread. Safe to
    run on several machines at once (each message is claimed once). Returns emails sent."""
    now = now or utcnow()
    due = list(
        Message.select(Message.id, Message.relationship, Message.side)
        .where(Message.reminded == False, Message.created_at <= now - delay)  # noqa: E712
        .order_by(Message.id)
        .limit(5000)
    )
    claimed: dict[tuple[int, str], int] = {}  # (relationship, side written) -> newest id
    for message in due:
        if _claim(message.id):
            key = (message.relationship_id, message.side)
            claimed[key] = max(claimed.get(key, 0), message.id)
    sent = 0
    for (relationship_id, written_by), newest in claimed.items():
        relationship = Relationship.get_or_none(Relationship.id == relationship_id)
        if relationship is None or relationship.status != "connected":
            continue
        reader_side = "customer" if written_by == "supplier" else "supplier"
        readers_party = (
            relationship.customer if reader_side == "customer" else relationship.supplier
        )
        writers_party = (
            relationship.supplier if reader_side == "customer" else relationship.customer
        )
        readers = (
            User.select(User, fn.COALESCE(MessageRead.last_read_id, 0).alias("seen"))
            .join(Membership, on=(Membership.user == User.id))
            .switch(User)
            .join(
                MessageRead,
                JOIN.LEFT_OUTER,
                on=(
                    (MessageRead.user == User.id)
                    & (MessageRead.relationship == relationship_id)
                    & (MessageRead.side == reader_side)
                ),
            )
            .where(
                Membership.party == readers_party,
                User.active == True,  # noqa: E712
                User.message_emails == True,  # noqa: E712
            )
        )
        for reader in readers:
            if reader.seen >= newest:
                continue  # read meanwhile
            unread = (
                Message.select()
                .where(
                    Message.relationship == relationship_id,
                    Message.side == written_by,
                    Message.id > reader.seen,
                )
                .count()
            )
            endpoint = "suppliers.messages" if reader_side == "customer" else "clients.messages"
            link = absolute_url(
                endpoint, party_id=readers_party.id, relationship_id=relationship_id
            )
            message = render_message(
                reader.email,
                "message_reminder",
                language_or_default(reader.language, readers_party.language),
                _ln(
                    "%(num)s unread message from %(party)s",
                    "%(num)s unread messages from %(party)s",
                    unread,
                    party=writers_party.display_name,
                ),
                count=unread,
                writer=writers_party,
                link=link,
            )
            try:
                send(message)
            except MailError:
                log.exception("message reminder to user %s failed", reader.id)
            else:
                sent += 1
    return sent
