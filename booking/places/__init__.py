"""A slot's places: who may take one, in what order, and when a held place frees.

The one home of the rules that give places out (docs/design.md, "Locking"): the slot lock
(locking.py), lapsed holds (lapses.py), offers to the waitlist (offers.py) and the
scheduler's sweeps (sweeps.py). Reservations, waitlists, closure and the jobs call it; it
calls none of them.
"""
