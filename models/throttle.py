"""Throttles against abuse (sign-in, password reset, sign-up), counted in the database.

Every app server and worker shares the counts because they live in the one database, so
four workers do not allow four times the limit. An event is a row (key, moment); a limit is
"at most N events of a key within a window". Old rows are pruned as new ones arrive.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import SQL, CharField, DateTimeField, fn

from .base import BaseModel, transaction, utcnow

PRUNE_AFTER = dt.timedelta(days=1)  # longer than any window below


class ThrottleEvent(BaseModel):
    key = CharField(max_length=200)
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("key", "at"), False),)


@dataclass(frozen=True)
class Limit:
    """At most `count` events of one key within `window`."""

    name: str
    count: int
    window: dt.timedelta

    def key(self, subject: str) -> str:
        return f"{self.name}:{subject}"[:200]

    @property
    def minutes(self) -> int:
        return max(1, int(self.window.total_seconds() // 60))


def recent(limit: Limit, subject: str, now: dt.datetime | None = None) -> int:
    """How many events of this subject fall within the limit's window."""
    now = now or utcnow()
    return (
        ThrottleEvent.select(fn.COUNT(SQL("*")))
        .where(ThrottleEvent.key == limit.key(subject), ThrottleEvent.at > now - limit.window)
        .scalar()
    )


def exceeded(limit: Limit, subject: str, now: dt.datetime | None = None) -> bool:
    """True when the subject has used up the limit (the next event would be one too many)."""
    return recent(limit, subject, now) >= limit.count


def count(*pairs: tuple[Limit, str], now: dt.datetime | None = None) -> None:
    """Record one event for each (limit, subject), in one transaction; prunes old events."""
    now = now or utcnow()
    rows = [{"key": limit.key(subject), "at": now} for limit, subject in pairs if subject]
    if not rows:
        return
    with transaction():
        ThrottleEvent.insert_many(rows).execute()
        keys = [row["key"] for row in rows]
        ThrottleEvent.delete().where(
            ThrottleEvent.key.in_(keys), ThrottleEvent.at < now - PRUNE_AFTER
        ).execute()


def clear(limit: Limit, subject: str) -> None:
    """Forget a subject's events (e.g. a device's failures after it signed in)."""
    with transaction():
        ThrottleEvent.delete().where(ThrottleEvent.key == limit.key(subject)).execute()
