"""`make bench`: the speed of the portal, measured (see bench/run.py)."""
