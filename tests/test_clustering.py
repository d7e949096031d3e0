"""facilitate.clustering: the partition contract, near-duplicates, labels, and
a quality floor on the labelled development set."""

from __future__ import annotations

import json
import random
import statistics
import time
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

from facilitate.clustering import SuggestedCluster, normalize, suggest_clusters

DEV_SET = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "clustering_dev.json"

# Measured mean ARI of the default options is 0.116 (bench/clustering_quality.py);
# the floor leaves room for a note or two, not for a real regression.
MEAN_ARI_FLOOR = 0.10


@pytest.fixture(scope="module")
def dev_sets() -> list[dict]:
    if not DEV_SET.is_file():
        pytest.skip(f"development set not found: {DEV_SET}")
    return json.loads(DEV_SET.read_text(encoding="utf-8"))["sets"]


def partition(clusters: list[SuggestedCluster]) -> set[frozenset[int]]:
    return {frozenset(c.indexes) for c in clusters}


def cluster_of(clusters: list[SuggestedCluster], index: int) -> tuple[int, ...]:
    return next(c.indexes for c in clusters if index in c.indexes)


def assert_every_index_once(clusters: list[SuggestedCluster], count: int) -> None:
    seen = sorted(i for c in clusters for i in c.indexes)
    assert seen == list(range(count))


def test_empty_input_gives_no_cluster() -> None:
    assert suggest_clusters([]) == []


def test_single_note() -> None:
    assert suggest_clusters(["Billetterie commune"]) == [SuggestedCluster((0,), "Billetterie commune")]


def test_every_index_exactly_once_with_blank_and_odd_notes() -> None:
    texts = ["", "   ", "!!!", "Trop de paperasse", "?", "trop de paperasse!!", "de la", "Nous aussi", "", "$$$"]
    clusters = suggest_clusters(texts)
    assert_every_index_once(clusters, len(texts))
    # Blank notes (and notes with nothing but punctuation) stay alone, even
    # when they are identical to each other.
    for index in (0, 1, 2, 4, 8):
        assert cluster_of(clusters, index) == (index,)
    assert cluster_of(clusters, 3) == (3, 5)


def test_every_index_exactly_once_on_the_dev_set(dev_sets: list[dict]) -> None:
    for s in dev_sets:
        texts = [n["text"] for n in s["notes"]]
        clusters = suggest_clusters(texts, s["prompt"])
        assert_every_index_once(clusters, len(texts))
        assert all(list(c.indexes) == sorted(c.indexes) for c in clusters)


def test_order_is_size_then_first_index(dev_sets: list[dict]) -> None:
    texts = [n["text"] for s in dev_sets for n in s["notes"]]
    clusters = suggest_clusters(texts)
    keys = [(-len(c.indexes), c.indexes[0]) for c in clusters]
    assert keys == sorted(keys)
    assert len(clusters[0].indexes) > 1 and len(clusters[-1].indexes) == 1


def test_same_input_same_output(dev_sets: list[dict]) -> None:
    texts = [n["text"] for n in dev_sets[0]["notes"]]
    assert suggest_clusters(texts, "Q ?") == suggest_clusters(list(texts), "Q ?")


def test_shuffled_input_gives_the_same_partition_and_labels(dev_sets: list[dict]) -> None:
    for s in dev_sets:
        texts = [n["text"] for n in s["notes"]]
        order = list(range(len(texts)))
        random.Random(7).shuffle(order)
        shuffled = [texts[i] for i in order]
        original = {frozenset(c.indexes): c.label for c in suggest_clusters(texts, s["prompt"])}
        mapped = {frozenset(order[i] for i in c.indexes): c.label for c in suggest_clusters(shuffled, s["prompt"])}
        assert mapped == original


def test_near_duplicates_together_and_different_notes_apart() -> None:
    texts = [
        "Billetterie commune",
        "Trop de paperasse",
        "Site web pour les organismes",
        "billeterie commune!!",
        "Manque de bénévoles",
        "trop de paperasse!!",
        "TROP DE PAPERASSE",
        "Politique culturelle à jour",
    ]
    clusters = suggest_clusters(texts)
    assert partition(clusters) == {
        frozenset({0, 3}),
        frozenset({1, 5, 6}),
        frozenset({2}),
        frozenset({4}),
        frozenset({7}),
    }


def test_typos_accents_and_plurals_meet() -> None:
    texts = [
        "Comptabilité commune",
        "comptabilite partagee",
        "Parc d'équipements partagé",
        "parc d'equipement partage",
        "Salle de répétition",
        "Stationnement payant",
    ]
    clusters = suggest_clusters(texts)
    assert cluster_of(clusters, 0) == (0, 1)
    assert cluster_of(clusters, 2) == (2, 3)
    assert cluster_of(clusters, 4) == (4,)
    assert cluster_of(clusters, 5) == (5,)


def test_capital_abbreviation_is_expanded_but_not_the_word_ca() -> None:
    texts = [
        "Notre CA n'est pas outillé",
        "Le conseil d'administration est débordé",
        "Ça coûte cher",
        "ça dépend des saisons",
    ]
    clusters = suggest_clusters(texts)
    assert cluster_of(clusters, 0) == (0, 1)
    assert cluster_of(clusters, 2) == (2,)
    assert cluster_of(clusters, 3) == (3,)


def test_prompt_words_do_not_group_notes() -> None:
    texts = ["Mutualiser la paie", "Mutualiser le camion"]
    assert len(suggest_clusters(texts)) == 1  # "mutualiser" is all they share
    prompt = "Quelles tâches pourrions-nous mutualiser ?"
    assert len(suggest_clusters(texts, prompt)) == 2


def test_labels_are_non_empty_notes_of_their_cluster(dev_sets: list[dict]) -> None:
    for s in dev_sets:
        texts = [n["text"] for n in s["notes"]]
        for c in suggest_clusters(texts, s["prompt"]):
            assert c.label.strip()
            members = {normalize(texts[i]) for i in c.indexes}
            assert normalize(c.label.rstrip("…")) in members or c.label.endswith("…")


def test_label_prefers_the_note_written_most_often() -> None:
    texts = ["billeterie commune!!", "Billetterie commune", "Billetterie commune", "billetterie commune"]
    clusters = suggest_clusters(texts)
    assert clusters == [SuggestedCluster((0, 1, 2, 3), "Billetterie commune")]


def test_blank_note_label_is_not_empty() -> None:
    assert [c.label for c in suggest_clusters(["", "  "])] == ["(vide)", "(vide)"]


def test_normalize() -> None:
    assert normalize("  Éducation à l'ÉCOLE!! ") == "education a l ecole"
    assert normalize("trop de paperasse!!") == normalize("Trop de paperasse")
    assert normalize("Cœur") == "coeur"
    assert normalize("?!") == ""


def test_quality_floor_on_the_dev_set(dev_sets: list[dict]) -> None:
    scores = []
    for s in dev_sets:
        texts = [n["text"] for n in s["notes"]]
        gold = [n["theme"] if n["theme"] != "autre" else f"__single_{i}" for i, n in enumerate(s["notes"])]
        predicted = [0] * len(texts)
        for number, c in enumerate(suggest_clusters(texts, s["prompt"])):
            for index in c.indexes:
                predicted[index] = number
        scores.append(adjusted_rand_score(gold, predicted))
    assert statistics.fmean(scores) >= MEAN_ARI_FLOOR, scores
    assert min(scores) > 0.03, scores  # no set falls apart


def test_five_hundred_notes_are_fast(dev_sets: list[dict]) -> None:
    base = [n["text"] for s in dev_sets for n in s["notes"]]
    texts = [
        f"{base[k % len(base)]} {'!' * (k // len(base))}" if k % 3 else base[k % len(base)] + f" v{k}"
        for k in range(500)
    ]
    start = time.perf_counter()
    clusters = suggest_clusters(texts)
    elapsed = time.perf_counter() - start
    assert_every_index_once(clusters, 500)
    assert elapsed < 3.0  # about 0.1 s on a 2-core laptop; this only catches a blow-up
