"""facilitate.clustering.build_on_groups: the facilitator's groups kept whole
and first, loose notes placed only when clearly close, with their reason."""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

import pytest

from facilitate.clustering import (
    GroupsError,
    PlacementRule,
    build_on_groups,
    check_groups,
    suggest_clusters,
)

NOTES = [
    "Billetterie commune",  # 0
    "Trop de paperasse",  # 1
    "billetterie partagée entre diffuseurs",  # 2
    "Paperasse des subventions trop lourde",  # 3
    "Passion",  # 4
    "Une billetterie commune en ligne",  # 5
    "Reddition de comptes et paperasse",  # 6
    "Camion pour les tournées",  # 7
    "Camion partagé pour les tournées",  # 8
]
GROUPS = [[0], [1]]


def assert_contract(texts: list[str], groups: list[list[int]], result) -> None:
    clusters = [c.indexes for c in result.clusters]
    # Every given group whole, first, in the given order, never with another one.
    for given, cluster in zip(groups, clusters):
        assert set(given) <= set(cluster)
    for k, cluster in enumerate(clusters):
        assert sum(1 for g in groups if set(g) & set(cluster)) == (1 if k < len(groups) else 0)
    # Every index in exactly one cluster.
    assert sorted(i for c in clusters for i in c) == list(range(len(texts)))
    assert all(c.label for c in result.clusters)


def test_given_groups_stay_whole_first_and_apart() -> None:
    result = build_on_groups(NOTES, GROUPS)
    assert_contract(NOTES, GROUPS, result)
    assert result.clusters[0].indexes == (0, 2, 5)
    assert result.clusters[1].indexes == (1, 3, 6)
    assert result.clusters[0].label == "Billetterie commune"
    # What is left is clustered as from scratch: the two trucks together.
    assert (7, 8) in [c.indexes for c in result.clusters[2:]]


def test_each_placement_says_why() -> None:
    placements = {p.index: p for p in build_on_groups(NOTES, GROUPS).placements}
    assert placements[2].group == 0 and placements[2].words == ("billetterie",)
    assert placements[3].words == ("paperasse",)  # "trop" is a stop word, not a reason
    assert placements[5].closest == 0
    assert all(0 < p.similarity <= 1 for p in placements.values())


def test_unsure_notes_stay_loose() -> None:
    placed = {p.index for p in build_on_groups(NOTES, GROUPS).placements}
    assert 4 not in placed  # close to nothing
    assert 7 not in placed and 8 not in placed
    # Below the threshold nothing is placed, and every note is still somewhere.
    strict = build_on_groups(NOTES, GROUPS, rule=PlacementRule(min_similarity=0.99))
    assert strict.placements == ()
    assert [c.indexes for c in strict.clusters[:2]] == [(0,), (1,)]
    assert_contract(NOTES, GROUPS, strict)


def test_a_tie_between_two_groups_stays_loose() -> None:
    texts = ["Billetterie rouge", "Billetterie verte", "Une billetterie"]
    assert build_on_groups(texts, [[0], [1]]).placements == ()
    # With only one of the two groups, the same note is clearly closest to it.
    assert [(p.index, p.group) for p in build_on_groups(texts, [[0]]).placements] == [(1, 0), (2, 0)]


def test_accents_and_abbreviations_shown_as_written() -> None:
    texts = ["Sécurité des lieux", "Plus de sécurité le soir", "Un OBNL fort", "Chaque organisme fort"]
    result = build_on_groups(texts, [[0], [2]])
    words = {p.index: p.words for p in result.placements}
    assert words[1] == ("sécurité",)
    assert words[3] == ("organisme", "fort")


def test_a_group_may_hold_many_notes_and_the_order_of_groups_is_kept() -> None:
    groups = [[6, 3], [8], [0, 5]]
    result = build_on_groups(NOTES, groups)
    assert_contract(NOTES, groups, result)
    assert result.clusters[0].indexes == (1, 3, 6)
    assert result.clusters[1].indexes == (7, 8)  # "Camion pour les tournées" joins the trucks
    assert result.clusters[2].indexes[:2] == (0, 2)


def test_without_groups_it_is_the_plain_suggestion() -> None:
    result = build_on_groups(NOTES, [])
    assert result.placements == ()
    assert list(result.clusters) == suggest_clusters(NOTES)


def test_deterministic() -> None:
    assert build_on_groups(NOTES, GROUPS) == build_on_groups(list(NOTES), [list(g) for g in GROUPS])


def test_blank_notes_are_never_placed() -> None:
    texts = ["Billetterie commune", "", "   ", "billetterie commune"]
    result = build_on_groups(texts, [[0]])
    assert [p.index for p in result.placements] == [3]
    assert_contract(texts, [[0]], result)


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ({"a": 1}, "tableau de tableaux"),
        ([0, 1], "tableau de tableaux"),
        ([[0], []], "le groupe 2 est vide"),
        ([[0, "1"]], "n'est pas un indice"),
        ([[True]], "n'est pas un indice"),
        ([[0.5]], "n'est pas un indice"),
        ([[0], [10]], "hors limites (0 à 8)"),
        ([[-1]], "hors limites"),
        ([[0, 1], [1]], "l'indice 1 est donné deux fois"),
    ],
)
def test_bad_groups_are_refused_with_a_reason(groups, message) -> None:
    with pytest.raises(GroupsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_groups(groups, len(NOTES))


def test_good_groups_pass() -> None:
    assert check_groups([[3, 1], [0]], 4) == [[3, 1], [0]]
    assert check_groups([], 4) == []


# -- quality floors, measured by bench/clustering_quality.py (docs/benchmarks.md) --

DEV_SET = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "clustering_dev.json"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import clustering_quality

    return clustering_quality


def test_seed_001_real_notes_placed_with_precision(bench) -> None:
    # Measured: precision 0.710, coverage 0.144, 73 % of the seed groups' other
    # notes found; the floors leave room for a note or two.
    precision, coverage, found, loose_placed = bench.seed_placement()
    assert precision >= 0.65 and found >= 0.70
    assert 0.10 <= coverage <= 0.20
    assert "Communauté de pratique" in loose_placed  # the seed left it loose; it belongs with its twin


def test_development_set_precision_floor(bench) -> None:
    if not DEV_SET.is_file():
        pytest.skip(f"development set not found: {DEV_SET}")
    rows = bench.dev_placement(json.loads(DEV_SET.read_text(encoding="utf-8")), draws=5).values()
    # Measured over these 5 draws: mean precision 0.73 at a coverage of 0.10.
    assert statistics.fmean(r[0] for r in rows) >= 0.65
    assert statistics.fmean(r[1] for r in rows) >= 0.08
