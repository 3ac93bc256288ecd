"""Where the time of one page goes: `python bench/profile_page.py /p/<id>/audit/ [--htmx]`.

Profiles repeated in-process requests (cProfile) against the database `make bench` built
(instance/bench/bench.sqlite3), signed in as the admin of the big party, and prints the
functions that take the most time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="e.g. /p/10/audit/ (the party id is printed by make bench)")
    parser.add_argument("--htmx", action="store_true", help="send HX-Request: true")
    parser.add_argument("--target", help="with --htmx: the HX-Target (the region a control swaps)")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--database", default=str(ROOT / "instance" / "bench" / "bench.sqlite3"))
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--callers", help="instead: who calls the functions matching this regex")
    args = parser.parse_args()

    from app import create_app
    from models.parties import Membership, User

    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{args.database}",
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
        }
    )
    party_id = int(args.url.split("/")[2])
    with app.app_context():
        app.extensions["database"].connect(reuse_if_open=True)
        admin = (
            User.select()
            .join(Membership)
            .where(Membership.party == party_id, Membership.role == "admin")
            .order_by(User.id)
            .first()
        )
        app.extensions["database"].close()
    client = app.test_client()
    client.post("/signin", data={"email": admin.email, "password": "portal-demo"})
    headers = (
        {"HX-Request": "true", **({"HX-Target": args.target} if args.target else {})}
        if args.htmx
        else {}
    )
    client.get(args.url, headers=headers)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        client.get(args.url, headers=headers)
    profile.disable()
    stats = pstats.Stats(profile)
    if args.callers:
        stats.sort_stats("tottime").print_callers(args.callers)
        return
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
