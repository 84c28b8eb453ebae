"""The draw of an allocation round (统一派位), and its verifier: standard library only.

Anyone can check a published round with a bare Python (`python -m booking.allocation verify
FILE`), so this file imports nothing but the standard library and nothing of the project.

The mechanism is family-proposing deferred acceptance (Gale–Shapley). Every slot ranks the
applications in the same order, (priority, lottery, application id): lower priority tier
first, then the lottery number drawn from the round's seed, then the id. Under one common order
deferred acceptance comes out the same as serial dictatorship, which is what `allocate` runs in
O(N·k): in that order, each application takes its most wanted choice that still has at least
`size` seats left (twins and triplets are one application needing all their seats at one slot).

Stability with sizes. Application `a` and a slot `s` it ranks above what it got (or any of its
choices when it got nothing) form a blocking pair iff

    size(a) <= seats still free at s + total size of the applications admitted at s that are
               behind a in the order,

that is, `s` could take `a` by turning away only applications it ranks below `a`. The serial
dictatorship result has no blocking pair: when `a`'s turn came, `s` had fewer than size(a) seats
left, and everything admitted at `s` since is behind `a`, so those seats plus the ones still free
are exactly what `s` had then. It is the family-optimal stable matching (with a common order the
stable matching is in fact unique: by induction along the order, a stable matching must give each
application what serial dictatorship gives it), and it is strategy-proof: an application's
choices only decide where it goes when its turn comes, never what is left for it then.
"""
import hashlib
import json
from dataclasses import dataclass

FORMAT = "tuowei-round/1"
ALGORITHM = ("serial dictatorship (= family-proposing deferred acceptance under one common order): "
             "applications in ascending (priority, lottery, application_id), lottery = "
             "int(sha256(f'{seed}:{application_id}' as UTF-8).hexdigest()[:13], 16) / 16**13; "
             "each takes its first choice with at least `size` seats left, or none")
MALFORMED = f"not a {FORMAT} file: "


@dataclass(frozen=True)
class Applicant:
    id: int
    priority: int
    size: int
    choices: tuple[int, ...]


def seed_commitment(seed: str) -> str:
    """What is published when the round opens, so the seed cannot be chosen after the fact."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def lottery(seed: str, application_id: int) -> float:
    """The application's lottery number in [0, 1): 52 bits of a hash, so exact in a double and
    the same in any language that reads the published file."""
    return int(hashlib.sha256(f"{seed}:{application_id}".encode()).hexdigest()[:13], 16) / 16**13


def ranking(seed: str, applicants) -> list[tuple[int, float, int, Applicant]]:
    """The common order, best first: (priority, lottery, application id, applicant) per
    application. Hashing every lottery is most of a draw's own work, so a caller that needs
    several of the functions below ranks once and passes this as their `ranked`.

    :raises ValueError: two applicants share an id (the order would not be total).
    """
    ranked = [(a.priority, lottery(seed, a.id), a.id, a) for a in applicants]
    if len({r[2] for r in ranked}) != len(ranked):
        raise ValueError("application ids must be unique")
    ranked.sort()  # ids are unique, so an Applicant is never compared
    return ranked



def order(seed: str, applicants, ranked=None) -> list[Applicant]:
    """The applications as every slot ranks them: best first."""
    return [r[3] for r in (ranking(seed, applicants) if ranked is None else ranked)]


def allocate(seed: str, applicants: list[Applicant], seats: dict[int, int],
             ranked=None) -> dict[int, tuple[int, int] | None]:
    """Application id -> (slot id, 1-based rank of that choice), or None when unplaced.

    A choice naming a slot not in `seats` is skipped as if it had no room; its rank still counts
    its place in the application's list. `ranked`: `ranking(seed, applicants)`, if already made.

    :raises ValueError: two applicants share an id (the order would not be total).
    """
    return _assign(ranking(seed, applicants) if ranked is None else ranked, seats)


def _assign(ranked, seats: dict[int, int]) -> dict[int, tuple[int, int] | None]:
    left = dict(seats)
    result: dict[int, tuple[int, int] | None] = {}
    for _priority, _lottery, app_id, a in ranked:
        result[app_id] = None
        size = a.size
        for rank, slot_id in enumerate(a.choices, 1):
            free = left.get(slot_id)
            if free is not None and free >= size:
                left[slot_id] = free - size
                result[app_id] = (slot_id, rank)
                break
    return result


def cutoffs(seed: str, applicants, assignment) -> dict[int, tuple[int, float]]:
    """Slot id -> (priority, lottery) of the last application admitted there (the worst in the
    order); a slot nobody was admitted to is absent."""
    return _cutoffs(ranking(seed, applicants), assignment)


def _cutoffs(ranked, assignment) -> dict[int, tuple[int, float]]:
    out: dict[int, tuple[int, float]] = {}
    for priority, number, app_id, _a in ranked:
        got = assignment.get(app_id)
        if got is not None:
            out[got[0]] = (priority, number)  # later in the order overwrites: the last one stays
    return out


def inputs_document(round_id: int, seats: dict[int, int], applicants) -> dict:
    """The round's inputs in canonical form (what `inputs_sha256` is taken of)."""
    return {
        "round_id": round_id,
        "seats": [{"slot_id": s, "seats": n} for s, n in sorted(seats.items())],
        "applications": [{"application_id": a.id, "priority": a.priority, "size": a.size,
                          "choices": list(a.choices)}
                         for a in sorted(applicants, key=lambda a: a.id)],
    }


def digest(inputs: dict) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False).encode()).hexdigest()


def results_document(seed: str, applicants, assignment, ranked=None) -> dict:
    """Every application's lottery and place, and each slot's cutoff (the service adds the
    reservation ids to the items; `verify` ignores keys it does not know)."""
    return _results(ranking(seed, applicants) if ranked is None else ranked, assignment)


def _results(ranked, assignment) -> dict:
    items = []
    for priority, number, app_id, _a in sorted(ranked, key=lambda r: r[2]):
        got = assignment.get(app_id)
        items.append({"application_id": app_id, "priority": priority, "lottery": number,
                      "slot_id": got[0] if got else None,
                      "choice_rank": got[1] if got else None})
    cut = _cutoffs(ranked, assignment)
    return {"items": items,
            "cutoffs": [{"slot_id": s, "priority": p, "lottery": x}
                        for s, (p, x) in sorted(cut.items())]}


def publication(round_id: int, seed: str, seats: dict[int, int], applicants, assignment,
                ranked=None) -> dict:
    """The whole downloadable file of a drawn round."""
    inputs = inputs_document(round_id, seats, applicants)
    return {"format": FORMAT, "algorithm": ALGORITHM, "round_id": round_id, "seed": seed,
            "seed_sha256": seed_commitment(seed), "inputs": inputs,
            "inputs_sha256": digest(inputs),
            "results": results_document(seed, applicants, assignment, ranked)}


def explain(seed: str, applicants, assignment, application_id: int,
            seats: dict[int, int]) -> list[dict]:
    """Why the application got what it got, choice by choice in its rank order.

    Each entry is {"choice_rank", "slot_id", "outcome"}, the outcome one of
    "offered"; "not_reached" (ranked below the one offered); "full" (no seat left when its turn
    came; with "cutoff", the (priority, lottery) of the last admitted there, None when the slot
    had no seats at all); "too_few_seats" (seats left, but fewer than its size; with
    "seats_left"); "unknown_slot" (not in the round, wherever it is ranked). The round's `seats` are needed: what was
    left at a slot when an application's turn came cannot be read from the assignment alone.

    :raises ValueError: no such application, or `assignment` is not the draw of these inputs
        (a choice it skipped had room for it).
    """
    ranked = ranking(seed, applicants)
    taken: dict[int, int] = {}  # slot -> seats taken by the applications ahead of this one
    for _p, _x, app_id, a in ranked:
        if app_id == application_id:
            break
        got = assignment.get(app_id)
        if got is not None:
            taken[got[0]] = taken.get(got[0], 0) + a.size
    else:
        raise ValueError(f"no application {application_id} in the round")
    got = assignment.get(application_id)
    offered_rank = got[1] if got else None
    cut = _cutoffs(ranked, assignment)
    out = []
    for rank, slot_id in enumerate(a.choices, 1):
        entry = {"choice_rank": rank, "slot_id": slot_id}
        if slot_id not in seats:
            entry["outcome"] = "unknown_slot"
        elif offered_rank == rank:
            entry["outcome"] = "offered"
        elif offered_rank is not None and rank > offered_rank:
            entry["outcome"] = "not_reached"
        else:
            left = seats[slot_id] - taken.get(slot_id, 0)
            if left >= a.size:
                raise ValueError(f"slot {slot_id} had room for application {application_id}: "
                                 "the assignment is not the draw of these inputs")
            if left <= 0:
                entry.update(outcome="full", cutoff=cut.get(slot_id))
            else:
                entry.update(outcome="too_few_seats", seats_left=left)
        out.append(entry)
    return out


class _Malformed(Exception):
    pass


def _int(value, where: str, least: int | None = None) -> int:
    # bool is an int to Python but not to JSON: `true` is no slot id.
    if type(value) is not int or (least is not None and value < least):
        raise _Malformed(f"{where} is {value!r}, not an integer"
                         + (f" >= {least}" if least is not None else ""))
    return value


_KINDS = {str: "a string", dict: "an object", list: "a list"}


def _field(obj, key: str, where: str, kind: type):
    if not isinstance(obj, dict):
        raise _Malformed(f"{where} is not an object")
    if key not in obj:
        raise _Malformed(f"{where} has no {key!r}")
    if not isinstance(obj[key], kind):
        raise _Malformed(f"{where}.{key} is not {_KINDS[kind]}")
    return obj[key]


def _parse(doc):
    if not isinstance(doc, dict):
        raise _Malformed("the top level is not an object")
    if doc.get("format") != FORMAT:
        raise _Malformed(f"format is {doc.get('format')!r}")
    for key in ("seed", "seed_sha256", "inputs_sha256"):
        _field(doc, key, "the file", str)
    inputs = _field(doc, "inputs", "the file", dict)
    results = _field(doc, "results", "the file", dict)
    seats: dict[int, int] = {}
    for i, row in enumerate(_field(inputs, "seats", "inputs", list)):
        where = f"inputs.seats[{i}]"
        slot_id = _int(_field(row, "slot_id", where, object), f"{where}.slot_id")
        if slot_id in seats:
            raise _Malformed(f"slot {slot_id} is listed twice in inputs.seats")
        seats[slot_id] = _int(_field(row, "seats", where, object), f"{where}.seats", 0)
    applicants, ids = [], set()
    for i, row in enumerate(_field(inputs, "applications", "inputs", list)):
        where = f"inputs.applications[{i}]"
        app_id = _int(_field(row, "application_id", where, object), f"{where}.application_id")
        if app_id in ids:
            raise _Malformed(f"application {app_id} is listed twice in inputs.applications")
        ids.add(app_id)
        choices = tuple(_int(c, f"{where}.choices[{j}]")
                        for j, c in enumerate(_field(row, "choices", where, list)))
        applicants.append(Applicant(
            app_id, _int(_field(row, "priority", where, object), f"{where}.priority"),
            _int(_field(row, "size", where, object), f"{where}.size", 1), choices))
    round_id = _int(_field(inputs, "round_id", "inputs", object), "inputs.round_id")
    items = _field(results, "items", "results", list)
    cuts = _field(results, "cutoffs", "results", list)
    for name, rows, key in (("items", items, "application_id"), ("cutoffs", cuts, "slot_id")):
        for i, row in enumerate(rows):
            _int(_field(row, key, f"results.{name}[{i}]", object), f"results.{name}[{i}].{key}")
    return round_id, seats, applicants, items, cuts


def _same(got, want) -> bool:
    return type(got) is type(want) and got == want


def _compare(rows: list[dict], expected: list[dict], key: str, noun: str) -> list[str]:
    """Problems between published rows and recomputed ones, matched on `key`; keys the
    recomputation does not have (a reservation id, ...) are not looked at."""
    problems = []
    want = {row[key]: row for row in expected}
    seen = set()
    for row in rows:
        ident = row[key]
        if ident in seen:
            problems.append(f"{noun} {ident} is listed twice in the results")
            continue
        seen.add(ident)
        if ident not in want:
            problems.append(f"{noun} {ident} is in the results but the draw gives it none")
            continue
        for field, value in want[ident].items():
            if not _same(row.get(field), value):
                problems.append(f"{noun} {ident}: {field} is {row.get(field)!r}, "
                                f"the draw gives {value!r}")
    problems += [f"{noun} {ident} is missing from the results" for ident in want
                 if ident not in seen]
    return problems


_SHOWN = 20  # a wrong seed makes every item wrong; the first few say enough


def verify(document: dict) -> list[str]:
    """Recompute a published round from its inputs and seed: the problems found, in English,
    or [] when everything matches. A file that is not a round is one problem starting with
    MALFORMED; this never raises."""
    try:
        round_id, seats, applicants, items, cuts = _parse(document)
    except _Malformed as err:
        return [MALFORMED + str(err)]
    try:
        return _verify(document, round_id, seats, applicants, items, cuts)
    except Exception as err:  # noqa: BLE001 - a verifier reports, it does not crash
        return [MALFORMED + f"{type(err).__name__}: {err}"]


def _verify(document, round_id, seats, applicants, items, cuts) -> list[str]:
    problems = []
    seed = document["seed"]
    if seed_commitment(seed) != document["seed_sha256"]:
        problems.append("the seed does not match seed_sha256, the commitment published when "
                        "the round opened")
    if not _same(document.get("round_id"), round_id):
        problems.append(f"round_id is {document.get('round_id')!r} but inputs.round_id is "
                        f"{round_id!r}")
    inputs = document["inputs"]
    if inputs != inputs_document(round_id, seats, applicants):
        problems.append("the inputs are not in canonical form (sorted, no extra keys), so their "
                        "sha256 cannot be the one the service computed")
    if digest(inputs) != document["inputs_sha256"]:
        problems.append(f"inputs_sha256 does not match the inputs (their sha256 is "
                        f"{digest(inputs)})")
    ranked = ranking(seed, applicants)
    expected = _results(ranked, _assign(ranked, seats))
    mismatches = (_compare(items, expected["items"], "application_id", "application")
                  + _compare(cuts, expected["cutoffs"], "slot_id", "cutoff of slot"))
    problems += mismatches[:_SHOWN]
    if len(mismatches) > _SHOWN:
        problems.append(f"... and {len(mismatches) - _SHOWN} more differences in the results")
    return problems
