"""Delivery schedules (F33): working days, time frames, closed dates, cut-off and lead time,
and the pure rule that computes the earliest delivery date and slot."""

from __future__ import annotations

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField

from .base import BaseModel, utcnow
from .parties import Party


class DeliverySchedule(BaseModel):
    party = ForeignKeyField(Party, backref="schedules", on_delete="CASCADE")
    name = CharField(max_length=120)
    working_days = IntegerField(default=31)  # bit 0 = Monday … bit 6 = Sunday
    cutoff_time = CharField(max_length=5, null=True)  # "HH:MM"
    lead_days = IntegerField(default=1)
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)


class TimeFrame(BaseModel):
    schedule = ForeignKeyField(DeliverySchedule, backref="time_frames", on_delete="CASCADE")
    weekdays = IntegerField()  # bit mask as working_days
    start = CharField(max_length=5)  # "HH:MM"
    end = CharField(max_length=5)


class ClosedDate(BaseModel):
    schedule = ForeignKeyField(DeliverySchedule, backref="closed_dates", on_delete="CASCADE")
    day = DateField()
    reason = CharField(max_length=120, default="")

    class Meta:
        indexes = ((("schedule", "day"), True),)
