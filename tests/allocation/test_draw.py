"""The draw of an allocation round (booking/allocation/draw.py): properties of the mechanism on
random small instances, and examples of each function. Pure: no app, no database."""
import ast
import copy
import itertools
import json
from collections import deque
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booking.allocation import draw
from booking.allocation.draw import (
    ALGORITHM, FORMAT, MALFORMED, Applicant, allocate, cutoffs, digest, explain,
    inputs_document, lottery, order, publication, results_document, seed_commitment, verify)

PROPERTY = settings(max_examples=200, deadline=None)
BRUTE = settings(max_examples=100, deadline=None)


# --- references the draw is checked against ----------------------------------------------

def gale_shapley(seed, applicants, seats):
    """Textbook family-proposing deferred acceptance, for applications of size 1: a free
    application proposes to its next choice; the slot holds the best `seats` proposals in the
    order and rejects the rest, who propose on."""
    position = {a.id: i for i, a in enumerate(order(seed, applicants))}
    by_id = {a.id: a for a in applicants}
    proposals = {a.id: 0 for a in applicants}
    held = {s: [] for s in seats}
    free = deque(applicants)
    while free:
        a = free.popleft()
        if proposals[a.id] >= len(a.choices):
            continue  # rejected everywhere it asked: stays unplaced
        slot = a.choices[proposals[a.id]]
        proposals[a.id] += 1
        if slot not in held:
            free.append(a)
            continue
        held[slot].append(a.id)
        held[slot].sort(key=position.__getitem__)
        if len(held[slot]) > seats[slot]:
            free.append(by_id[held[slot].pop()])
    result = {a.id: None for a in applicants}
    for slot, ids in held.items():
        for app_id in ids:
            result[app_id] = (slot, by_id[app_id].choices.index(slot) + 1)
    return result


def feasible(applicants, seats, assignment):
    """One entry per application, naming a real slot at the rank it has in its choices, and no
    slot over its seats."""
    if set(assignment) != {a.id for a in applicants}:
        return False
    used = dict.fromkeys(seats, 0)
    for a in applicants:
        got = assignment[a.id]
        if got is None:
            continue
        slot, rank = got
        if slot not in seats or not 1 <= rank <= len(a.choices) or a.choices[rank - 1] != slot:
            return False
        used[slot] += a.size
    return all(used[s] <= seats[s] for s in seats)


def blocking_pairs(seed, applicants, seats, assignment):
    """(application, slot) pairs where the application ranks the slot above what it got and
    size <= seats still free there + sizes admitted there behind it (the draw's docstring)."""
    position = {a.id: i for i, a in enumerate(order(seed, applicants))}
    admitted = {s: [] for s in seats}
    for a in applicants:
        if assignment[a.id] is not None:
            admitted[assignment[a.id][0]].append(a)
    free = {s: seats[s] - sum(b.size for b in admitted[s]) for s in seats}
    pairs = []
    for a in applicants:
        got = assignment[a.id]
        better = a.choices[:got[1] - 1] if got else a.choices
        for slot in better:
            if slot not in seats:
                continue
            behind = sum(b.size for b in admitted[slot] if position[b.id] > position[a.id])
            if a.size <= free[slot] + behind:
                pairs.append((a.id, slot))
    return pairs


def stable_matchings(seed, applicants, seats):
    """Every feasible matching without a blocking pair, by brute force."""
    options = [[None] + [(s, r) for r, s in enumerate(a.choices, 1) if s in seats]
               for a in applicants]
    found = []
    for combo in itertools.product(*options):
        m = {a.id: got for a, got in zip(applicants, combo)}
        if feasible(applicants, seats, m) and not blocking_pairs(seed, applicants, seats, m):
            found.append(m)
    return found


def rank_of(got):
    return got[1] if got else float("inf")


# --- random instances --------------------------------------------------------------------

@st.composite
def instances(draw_, max_apps=8, max_slots=4, sizes=(1, 3)):
    """Slots 1..n with 0-3 seats; choices drawn from 1..n+1, so slot n+1 is one the round does
    not have."""
    n_slots = draw_(st.integers(1, max_slots))
    seats = {s: draw_(st.integers(0, 3)) for s in range(1, n_slots + 1)}
    n = draw_(st.integers(0, max_apps))
    ids = draw_(st.lists(st.integers(1, 10_000), min_size=n, max_size=n, unique=True))
    applicants = []
    for app_id in ids:
        ranking = draw_(st.permutations(range(1, n_slots + 2)))
        k = draw_(st.integers(0, n_slots + 1))
        applicants.append(Applicant(app_id, draw_(st.integers(1, 3)),
                                    draw_(st.integers(*sizes)), tuple(ranking[:k])))
    seed = draw_(st.text(max_size=8))
    return seed, applicants, seats


@PROPERTY
@given(instances())
def test_one_place_per_application_and_no_slot_over_its_seats(instance):
    seed, applicants, seats = instance
    assert feasible(applicants, seats, allocate(seed, applicants, seats))


@PROPERTY
@given(instances())
def test_no_blocking_pair_in_the_sized_sense(instance):
    seed, applicants, seats = instance
    assert blocking_pairs(seed, applicants, seats, allocate(seed, applicants, seats)) == []


@PROPERTY
@given(instances(sizes=(1, 1)))
def test_equals_textbook_gale_shapley_on_single_children(instance):
    seed, applicants, seats = instance
    assert allocate(seed, applicants, seats) == gale_shapley(seed, applicants, seats)


@BRUTE
@given(instances(max_apps=5, max_slots=3))
def test_is_the_family_optimal_stable_matching(instance):
    seed, applicants, seats = instance
    ours = allocate(seed, applicants, seats)
    stable = stable_matchings(seed, applicants, seats)
    assert ours in stable
    for other in stable:
        assert all(rank_of(ours[a.id]) <= rank_of(other[a.id]) for a in applicants)
    # Stronger, and true under one common order (the draw's docstring): it is the only one.
    assert stable == [ours]


@PROPERTY
@given(instances(), st.randoms(use_true_random=False))
def test_the_same_seed_gives_the_same_result_whatever_the_input_order(instance, rnd):
    seed, applicants, seats = instance
    shuffled = list(applicants)
    rnd.shuffle(shuffled)
    assert allocate(seed, shuffled, seats) == allocate(seed, applicants, seats)


def test_a_different_seed_can_give_a_different_result():
    applicants = [Applicant(1, 1, 1, (10,)), Applicant(2, 1, 1, (10,))]
    winners = {next(i for i, got in allocate(f"seed-{n}", applicants, {10: 1}).items() if got)
               for n in range(20)}
    assert winners == {1, 2}


@BRUTE
@given(instances(max_apps=6, max_slots=3))
def test_no_application_gains_by_misreporting(instance):
    seed, applicants, seats = instance
    truthful = allocate(seed, applicants, seats)
    every_slot = sorted(set(seats) | {max(seats) + 1})
    reports = [p for k in range(len(every_slot) + 1)
               for p in itertools.permutations(every_slot, k)]
    for i, a in enumerate(applicants):
        for report in reports:
            liar = Applicant(a.id, a.priority, a.size, report)
            got = allocate(seed, applicants[:i] + [liar] + applicants[i + 1:], seats)[a.id]
            if got is not None and got[0] in a.choices:
                true_rank = a.choices.index(got[0]) + 1
                assert true_rank >= rank_of(truthful[a.id]), (a, report)


# --- examples ----------------------------------------------------------------------------

def test_lottery_is_a_fixed_function_of_seed_and_id_in_0_1():
    assert lottery("round-7-seed", 1) == 0.13292814933599106
    assert lottery("round-7-seed", 1) == lottery("round-7-seed", 1)
    assert lottery("round-7-seed", 1) != lottery("round-7-seed", 2)
    values = [lottery("s", i) for i in range(2000)]
    assert all(0 <= x < 1 for x in values)
    assert all(x * 16**13 == int(x * 16**13) for x in values)  # 52 bits: exact in a double


def test_seed_commitment_is_sha256_of_utf8():
    assert seed_commitment("种子") == \
        "5e20fc223736c86a5b3a81f4587e61ae8a55a6553b091db2b3eefc132e8c7d3c"


def test_order_is_priority_then_lottery_then_id():
    seed = "s"
    apps = [Applicant(i, 2 if i % 2 else 1, 1, ()) for i in range(1, 9)]
    got = order(seed, apps)
    assert [a.priority for a in got] == [1] * 4 + [2] * 4
    assert [lottery(seed, a.id) for a in got[:4]] == sorted(lottery(seed, a.id) for a in got[:4])


def test_twins_skip_a_slot_with_one_seat_which_then_goes_to_the_next():
    twins = Applicant(1, 1, 2, (10, 20))      # served first: lower priority tier
    single = Applicant(2, 2, 1, (10, 20))
    late_twins = Applicant(3, 3, 2, (10, 20))
    seats = {10: 1, 20: 2}
    assert allocate("s", [twins, single, late_twins], seats) == {
        1: (20, 2), 2: (10, 1), 3: None}


def test_a_choice_of_a_slot_not_in_the_round_is_skipped_but_counts_in_the_rank():
    assert allocate("s", [Applicant(1, 1, 1, (99, 10))], {10: 1}) == {1: (10, 2)}


def test_ids_must_be_unique():
    with pytest.raises(ValueError):
        allocate("s", [Applicant(1, 1, 1, ()), Applicant(1, 2, 1, ())], {})


def _example():
    """Slot 10: one seat; slot 20: four; slot 30: none. Tiers fix the order but for 1 and 2."""
    seed = "example"
    apps = [Applicant(1, 1, 1, (10, 20)), Applicant(2, 1, 1, (10, 20)),
            Applicant(3, 2, 2, (10, 20, 30)), Applicant(4, 3, 2, (30, 10, 20, 77)),
            Applicant(5, 4, 1, (20,))]
    seats = {10: 1, 20: 4, 30: 0}
    return seed, apps, seats


def test_cutoffs_are_the_last_admitted_at_each_slot():
    seed, apps, seats = _example()
    got = allocate(seed, apps, seats)
    first, second = sorted([1, 2], key=lambda i: lottery(seed, i))
    assert got == {first: (10, 1), second: (20, 2), 3: (20, 2), 4: None, 5: (20, 1)}
    assert cutoffs(seed, apps, got) == {10: (1, lottery(seed, first)),
                                        20: (4, lottery(seed, 5))}
    assert cutoffs(seed, apps, {a.id: None for a in apps}) == {}


def test_explain_says_why_choice_by_choice():
    seed, apps, seats = _example()
    got = allocate(seed, apps, seats)
    first, second = sorted([1, 2], key=lambda i: lottery(seed, i))
    cut10 = (1, lottery(seed, first))
    assert explain(seed, apps, got, first, seats) == [
        {"choice_rank": 1, "slot_id": 10, "outcome": "offered"},
        {"choice_rank": 2, "slot_id": 20, "outcome": "not_reached"}]
    assert explain(seed, apps, got, second, seats) == [
        {"choice_rank": 1, "slot_id": 10, "outcome": "full", "cutoff": cut10},
        {"choice_rank": 2, "slot_id": 20, "outcome": "offered"}]
    # Twins in tier 3: slot 20 had one seat left when their turn came (5, in tier 4, took it).
    assert explain(seed, apps, got, 4, seats) == [
        {"choice_rank": 1, "slot_id": 30, "outcome": "full", "cutoff": None},
        {"choice_rank": 2, "slot_id": 10, "outcome": "full", "cutoff": cut10},
        {"choice_rank": 3, "slot_id": 20, "outcome": "too_few_seats", "seats_left": 1},
        {"choice_rank": 4, "slot_id": 77, "outcome": "unknown_slot"}]


def test_explain_refuses_an_assignment_that_is_not_the_draw():
    seed, apps, seats = _example()
    with pytest.raises(ValueError):
        explain(seed, apps, {a.id: None for a in apps}, 1, seats)
    with pytest.raises(ValueError):
        explain(seed, apps, allocate(seed, apps, seats), 404, seats)


@PROPERTY
@given(instances())
def test_explain_agrees_with_the_draw(instance):
    seed, applicants, seats = instance
    got = allocate(seed, applicants, seats)
    for a in applicants:
        lines = explain(seed, applicants, got, a.id, seats)
        offered = [line["choice_rank"] for line in lines if line["outcome"] == "offered"]
        assert offered == ([got[a.id][1]] if got[a.id] else [])
        for line in lines:
            if line["outcome"] == "too_few_seats":
                assert 0 < line["seats_left"] < a.size


# --- the published file and its verification ---------------------------------------------

def _published():
    seed, apps, seats = _example()
    return publication(7, seed, seats, apps, allocate(seed, apps, seats))


def test_the_published_file_has_its_parts():
    seed, apps, seats = _example()
    doc = _published()
    assert doc["format"] == FORMAT == "tuowei-round/1" and doc["algorithm"] == ALGORITHM
    assert doc["seed_sha256"] == seed_commitment(seed) and doc["round_id"] == 7
    assert doc["inputs"] == inputs_document(7, seats, apps)
    assert [row["slot_id"] for row in doc["inputs"]["seats"]] == [10, 20, 30]
    assert doc["inputs"]["applications"][3] == {"application_id": 4, "priority": 3, "size": 2,
                                                "choices": [30, 10, 20, 77]}
    assert doc["inputs_sha256"] == digest(doc["inputs"])
    assert doc["results"] == results_document(seed, apps, allocate(seed, apps, seats))
    assert doc["results"]["items"][3] == {"application_id": 4, "priority": 3,
                                          "lottery": lottery(seed, 4), "slot_id": None,
                                          "choice_rank": None}
    assert [c["slot_id"] for c in doc["results"]["cutoffs"]] == [10, 20]


def test_digest_is_of_canonical_json():
    assert digest({"b": 1, "a": "托"}) == draw.hashlib.sha256(
        '{"a":"托","b":1}'.encode()).hexdigest()


def test_a_faithful_file_verifies_after_a_json_round_trip_with_extra_item_keys():
    doc = json.loads(json.dumps(_published()))
    for n, item in enumerate(doc["results"]["items"]):
        item["reservation_id"] = 100 + n if item["slot_id"] else None
    assert verify(doc) == []


def test_a_tampered_seed_is_caught():
    doc = _published()
    doc["seed"] = "another"
    problems = verify(doc)
    assert any("seed_sha256" in p for p in problems)
    doc["seed_sha256"] = seed_commitment("another")  # a consistent lie: the lotteries differ
    assert any("lottery" in p for p in verify(doc))


def test_a_tampered_input_is_caught_even_with_its_hash_redone():
    for field, value in (("choices", [20, 10]), ("priority", 1), ("size", 1)):
        doc = _published()
        doc["inputs"]["applications"][2][field] = value  # application 3, twins in tier 2
        assert any("inputs_sha256" in p for p in verify(doc)), field
        doc["inputs_sha256"] = digest(doc["inputs"])
        problems = verify(doc)
        assert problems and not any("inputs_sha256" in p for p in problems), field


def test_tampered_results_are_caught():
    doc = _published()
    doc["results"]["items"][3]["slot_id"] = 10
    doc["results"]["items"][3]["choice_rank"] = 2
    assert verify(doc) == ["application 4: slot_id is 10, the draw gives None",
                           "application 4: choice_rank is 2, the draw gives None"]
    doc = _published()
    doc["results"]["cutoffs"].pop()
    assert verify(doc) == ["cutoff of slot 20 is missing from the results"]
    doc = _published()
    doc["results"]["items"].append(dict(doc["results"]["items"][0]))
    assert verify(doc) == ["application 1 is listed twice in the results"]
    doc = _published()
    doc["round_id"] = 8
    assert verify(doc) == ["round_id is 8 but inputs.round_id is 7"]


def test_inputs_out_of_canonical_order_are_reported():
    doc = _published()
    doc["inputs"]["applications"].reverse()
    doc["inputs_sha256"] = digest(doc["inputs"])
    assert len(verify(doc)) == 1 and "canonical" in verify(doc)[0]


def test_a_wrong_seed_on_a_big_round_lists_a_few_differences_not_all():
    apps = [Applicant(i, 1, 1, (1,)) for i in range(1, 200)]
    doc = publication(1, "s", {1: 50}, apps, allocate("s", apps, {1: 50}))
    doc["seed"] = "t"
    problems = verify(doc)
    assert len(problems) == 22 and problems[-1].startswith("... and ")


MALFORMED_DOCS = [
    None, [], "x", {}, {"format": "other/1"},
    {"format": FORMAT, "seed": 1},
    {**_published(), "inputs": []},
    {**_published(), "results": {"items": [{"application_id": "1"}], "cutoffs": []}},
    {**_published(), "inputs": {**_published()["inputs"], "round_id": True}},
    {**_published(), "inputs": {**_published()["inputs"], "seats": [{"slot_id": 1}]}},
    {**_published(), "inputs": {**_published()["inputs"],
                                "seats": [{"slot_id": 1, "seats": 1}] * 2}},
    {**_published(), "inputs": {**_published()["inputs"], "applications": [
        {"application_id": 1, "priority": 1, "size": 0, "choices": []}]}},
    {**_published(), "inputs": {**_published()["inputs"], "applications": [
        {"application_id": 1, "priority": 1, "size": 1, "choices": [None]}]}},
]


@pytest.mark.parametrize("doc", MALFORMED_DOCS)
def test_a_malformed_document_is_reported_not_raised(doc):
    problems = verify(doc)
    assert len(problems) == 1 and problems[0].startswith(MALFORMED), problems


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=20)


@PROPERTY
@given(st.data())
def test_verify_never_raises_on_a_mangled_file(data):
    doc = copy.deepcopy(_published())
    node = doc
    while node:  # walk down a random path, then replace or drop what is there
        key = data.draw(st.sampled_from(list(node) if isinstance(node, dict)
                                        else range(len(node))))
        child = node[key]
        if isinstance(child, (dict, list)) and child and data.draw(st.booleans()):
            node = child
            continue
        if isinstance(node, dict) and data.draw(st.booleans()):
            del node[key]
        else:
            node[key] = data.draw(JSON)
        break
    problems = verify(doc)
    assert isinstance(problems, list) and all(isinstance(p, str) for p in problems)


# --- it stays standard library only ------------------------------------------------------

def _imported(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return ({a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
            | {(("." * n.level) + (n.module or "")) for n in ast.walk(tree)
               if isinstance(n, ast.ImportFrom)})


def test_the_package_imports_only_the_standard_library():
    here = Path(draw.__file__).parent
    assert _imported(here / "__init__.py") == set()
    assert _imported(here / "draw.py") <= {"hashlib", "json", "dataclasses"}
    assert _imported(here / "__main__.py") <= {"argparse", "json", "sys", ".draw"}
