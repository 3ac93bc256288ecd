"""The yardstick of `make bench`: a bare Flask + Peewee page listing 25 rows of the same
database, with a tiny Jinja template and nothing else (no sessions, no extensions).

Served by gunicorn next to the portal: `BENCH_DATABASE=/path.sqlite3 gunicorn bench.yardstick:app`.
The portal's pages are measured as a ratio of this page's requests per second, so the figures
say how much the portal costs over the least a Flask + Peewee page can cost on the same machine.
"""

from __future__ import annotations

import os

from flask import Flask, render_template_string
from peewee import CharField, DateTimeField, IntegerField, Model, SqliteDatabase

database = SqliteDatabase(
    os.environ.get("BENCH_DATABASE", ":memory:"), pragmas={"journal_mode": "wal"}
)


class AuditEntry(Model):
    party = IntegerField(column_name="party_id")
    at = DateTimeField()
    area = CharField()
    action = CharField()
    subject = CharField()

    class Meta:
        database = database
        table_name = "audit_entry"


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Yardstick</title></head>
<body><table>
{% for row in rows %}<tr><td>{{ row.at }}</td><td>{{ row.area }}</td><td>{{ row.action }}</td><td>{{ row.subject }}</td></tr>
{% endfor %}</table></body></html>
"""

app = Flask(__name__)


@app.before_request
def _connect():
    database.connect(reuse_if_open=True)


@app.teardown_request
def _close(_exc):
    if not database.is_closed():
        database.close()


@app.route("/")
def index():
    party = int(os.environ.get("BENCH_PARTY", "1"))
    rows = (
        AuditEntry.select()
        .where(AuditEntry.party == party)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(25)
    )
    return render_template_string(PAGE, rows=rows)
