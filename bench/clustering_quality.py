"""Clustering quality and speed on the labelled development set.

    .venv/bin/python bench/clustering_quality.py [--data PATH] [--ablation] [--placement-sweep]

Prints each set's adjusted Rand index (ARI) for the default options, their
mean, and the median time to cluster 500 notes. --ablation also prints what
each choice of facilitate/clustering.py changes (the table of
docs/benchmarks.md) and a threshold sweep.

Then, building on given groups (build_on_groups): for each theme two of its
notes form a given group (20 random draws per set); precision is the share of
placed notes that went to their theme's group, coverage the share of the
other notes placed at all ("autre" notes count: they should stay loose), and
the ARI is that of the whole result. The same two figures on seed 001's real
notes, and the time for 500 notes with 20 given groups. --placement-sweep
prints precision and coverage for a grid of placement thresholds.

Scoring follows ../shared/data/README.md: each "autre" note is its own
singleton. "mixed" is one extra check: the 230 notes of the four sets
clustered together, with no prompt (a bigger bloc, where a theme of one set
is not the same group as a theme of another set).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sklearn.metrics import adjusted_rand_score  # noqa: E402

from facilitate.clustering import (  # noqa: E402
    DEFAULT_OPTIONS,
    DEFAULT_RULE,
    Options,
    PlacementRule,
    _stem,
    build_on_groups,
    fold_accents,
    suggest_clusters,
)
from facilitate.demo import seed001  # noqa: E402

DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "clustering_dev.json"
THRESHOLDS = (0.7, 0.75, 0.8, 0.84, 0.86, 0.88, 0.9, 0.92, 0.95)


def gold_labels(notes: list[dict]) -> list[str]:
    return [n["theme"] if n["theme"] != "autre" else f"__single_{i}" for i, n in enumerate(notes)]


def predicted_labels(texts: list[str], prompt: str, options: Options) -> list[int]:
    labels = [-1] * len(texts)
    for number, cluster in enumerate(suggest_clusters(texts, prompt, options)):
        for index in cluster.indexes:
            labels[index] = number
    return labels


def score(data: dict, options: Options) -> tuple[dict[str, float], float, float]:
    """ARI per set, their mean, and the ARI of the mixed 230-note bloc."""
    per_set: dict[str, float] = {}
    mixed_texts: list[str] = []
    mixed_gold: list[str] = []
    for s in data["sets"]:
        texts = [n["text"] for n in s["notes"]]
        gold = gold_labels(s["notes"])
        per_set[s["name"]] = adjusted_rand_score(gold, predicted_labels(texts, s["prompt"], options))
        mixed_texts += texts
        mixed_gold += [f"{s['name']}/{g}" for g in gold]
    mean = statistics.fmean(per_set.values())
    mixed = adjusted_rand_score(mixed_gold, predicted_labels(mixed_texts, "", options))
    return per_set, mean, mixed


def best_threshold(data: dict, options: Options) -> tuple[Options, tuple[dict[str, float], float, float]]:
    runs = [(o, score(data, o)) for o in (dataclasses.replace(options, threshold=t) for t in THRESHOLDS)]
    return max(runs, key=lambda run: run[1][1])


# --- 500 notes: the dev notes cycled, each copy after the first perturbed ----

_FILLERS = ("", "", "Je pense que ", "Plus de ", "Avoir une ", "Selon moi : ", "")
_ENDINGS = ("", "", " pour tous", " dans la région", "!!", " ?", " svp", "")


def _typo(text: str, rng: random.Random) -> str:
    """Drop, double or swap one letter, the usual phone-keyboard slips."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:-1])
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def five_hundred_notes(data: dict, count: int = 500) -> list[str]:
    rng = random.Random(20240520)
    originals = [n["text"] for s in data["sets"] for n in s["notes"]]
    notes: list[str] = []
    for k in range(count):
        text = originals[k % len(originals)]
        if k >= len(originals):  # a second participant writes it differently
            text = _typo(text, rng)
            if rng.random() < 0.5:
                text = fold_accents(text).lower()
            text = rng.choice(_FILLERS) + text[:1].lower() + text[1:] + rng.choice(_ENDINGS)
        notes.append(text)
    return notes


def copies_together(data: dict, notes: list[str], clusters) -> tuple[int, int]:
    """How many perturbed copies of the 500 notes land with their original."""
    where = {i: c for c, cluster in enumerate(clusters) for i in cluster.indexes}
    n_orig = sum(len(s["notes"]) for s in data["sets"])
    copies = range(n_orig, len(notes))
    return sum(where[k] == where[k % n_orig] for k in copies), len(copies)


def time_500(data: dict, runs: int = 5) -> tuple[float, float, int, int]:
    """Median seconds with the stem cache empty (a new bloc) and warm (the
    same bloc clustered again), and how many perturbed copies land with
    their original note."""
    notes = five_hundred_notes(data)
    suggest_clusters(["Billetterie commune", "Trop de paperasse"])  # imports, first allocations
    cold, warm = [], []
    for _ in range(runs):
        _stem.cache_clear()
        start = time.perf_counter()
        suggest_clusters(notes)
        cold.append(time.perf_counter() - start)
        start = time.perf_counter()
        clusters = suggest_clusters(notes)
        warm.append(time.perf_counter() - start)
    return (statistics.median(cold), statistics.median(warm), *copies_together(data, notes, clusters))


def ablation(data: dict) -> None:
    off = Options(
        fold=False,
        stop_words=False,
        stem=False,
        expand=False,
        drop_prompt_words=False,
        topic_share=1.0,
        char_weight=0.0,
    )
    on = dataclasses.replace
    steps = [
        ("mots tels qu'écrits (minuscules), TF-IDF", off),
        ("+ accents repliés", on(off, fold=True)),
        ("+ mots vides", on(off, fold=True, stop_words=True)),
        ("+ racines Snowball", on(off, fold=True, stop_words=True, stem=True)),
        ("+ sigles et anglicismes", on(off, fold=True, stop_words=True, stem=True, expand=True)),
        ("+ mots de la question retirés", on(DEFAULT_OPTIONS, topic_share=1.0, char_weight=0.0)),
        ("+ mots trop fréquents retirés", on(DEFAULT_OPTIONS, char_weight=0.0)),
        ("+ n-grammes de caractères 3-5 (retenu)", DEFAULT_OPTIONS),
        ("  variante : n-grammes 3-4", on(DEFAULT_OPTIONS, char_ngrams=(3, 4))),
        ("  variante : n-grammes poids 0,5", on(DEFAULT_OPTIONS, char_weight=0.5)),
        ("  variante : mots fréquents > 10 % (min 5)", on(DEFAULT_OPTIONS, topic_share=0.1, topic_min_notes=5)),
        ("  variante : liaison complète", on(DEFAULT_OPTIONS, linkage="complete")),
        ("  variante : liaison simple", on(DEFAULT_OPTIONS, linkage="single")),
    ]
    notes = five_hundred_notes(data)
    names = [s["name"][:12] for s in data["sets"]]
    header = f"{'choice':44s} " + " ".join(f"{n:>12s}" for n in names)
    print(
        f"\nAblation: per-set ARI and mean at the row's best threshold among {', '.join(f'{t:g}' for t in THRESHOLDS)};"
    )
    print(
        f"mean and mixed ARI at the default threshold {DEFAULT_OPTIONS.threshold:g}; copies = perturbed copies with their original (500 notes)"
    )
    print(header + f" {'mean':>6s} {'seuil':>5s} {'@def':>6s} {'mixed':>6s} {'copies':>7s}")
    for name, options in steps:
        chosen, (per_set, mean, _) = best_threshold(data, options)
        fixed = on(options, threshold=DEFAULT_OPTIONS.threshold)
        _, mean_default, mixed = score(data, fixed)
        together, copies = copies_together(data, notes, suggest_clusters(notes, "", fixed))
        print(
            f"{name:44s} "
            + " ".join(f"{v:12.3f}" for v in per_set.values())
            + f" {mean:6.3f} {chosen.threshold:5.2f} {mean_default:6.3f} {mixed:6.3f} {together:3d}/{copies}"
        )
    print("\nThreshold sweep with the default options")
    print(header + f" {'mean':>6s} {'mixed':>6s}")
    for t in THRESHOLDS:
        per_set, mean, mixed = score(data, on(DEFAULT_OPTIONS, threshold=t))
        print(
            f"{'seuil ' + format(t, '.2f'):44s} "
            + " ".join(f"{v:12.3f}" for v in per_set.values())
            + f" {mean:6.3f} {mixed:6.3f}"
        )


# --- Building on given groups -------------------------------------------------

DRAWS = 20


def given_draw(themes: list[str], rng: random.Random, per_group: int = 2) -> list[list[int]]:
    """`per_group` notes of each theme (autre excepted), in theme order."""
    names = sorted({t for t in themes if t != "autre"})
    return [sorted(rng.sample([i for i, t in enumerate(themes) if t == name], per_group)) for name in names]


def placement_score(themes: list[str], groups: list[list[int]], result) -> tuple[int, int, int, float]:
    """(correct placements, placements, notes not given, ARI of the whole result)."""
    gold_of_group = [themes[g[0]] for g in groups]
    correct = sum(themes[p.index] == gold_of_group[p.group] for p in result.placements)
    others = len(themes) - sum(len(g) for g in groups)
    predicted = [-1] * len(themes)
    for number, cluster in enumerate(result.clusters):
        for index in cluster.indexes:
            predicted[index] = number
    gold = [t if t != "autre" else f"__single_{i}" for i, t in enumerate(themes)]
    return correct, len(result.placements), others, adjusted_rand_score(gold, predicted)


def dev_placement(
    data: dict, rule: PlacementRule = DEFAULT_RULE, draws: int = DRAWS
) -> dict[str, tuple[float, float, float, float]]:
    """Per set: precision, coverage, ARI (means over the draws) and the
    plain char-TF-IDF nearest-centroid accuracy (every note placed)."""
    results = {}
    for s in data["sets"]:
        texts, themes = [n["text"] for n in s["notes"]], [n["theme"] for n in s["notes"]]
        correct = placed = others = 0
        aris, baseline = [], []
        for draw in range(draws):
            groups = given_draw(themes, random.Random(draw))
            c, p, o, ari = placement_score(themes, groups, build_on_groups(texts, groups, s["prompt"], rule=rule))
            correct, placed, others = correct + c, placed + p, others + o
            aris.append(ari)
            baseline.append(nearest_centroid_accuracy(texts, themes, groups))
        results[s["name"]] = (
            correct / placed if placed else 1.0,
            placed / others,
            statistics.fmean(aris),
            statistics.fmean(baseline),
        )
    return results


def nearest_centroid_accuracy(texts: list[str], themes: list[str], groups: list[list[int]]) -> float:
    """The measure to beat: character 3-5-gram TF-IDF, every other note to its nearest centroid."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit_transform(texts)
    centroids = normalize(np.vstack([np.asarray(vectors[g].mean(axis=0)) for g in groups]))
    best = np.asarray(vectors @ centroids.T).argmax(axis=1)
    given = {i for g in groups for i in g}
    others = [i for i in range(len(texts)) if i not in given]
    return sum(themes[i] == themes[groups[best[i]][0]] for i in others) / len(others)


def seed_placement(rule: PlacementRule = DEFAULT_RULE) -> tuple[float, float, float, list[str]]:
    """Seed 001, bloc 2 (the only bloc the seed groups): one note of each of
    its four groups is given, per column as the console does, over all 24
    ways to pick them. Loose notes count as notes that should stay loose.
    Returns precision, coverage, the share of the seed groups' other notes
    placed in their group, and the loose notes placed."""
    import itertools

    bloc = next(b for b in seed001().blocs if b.clusters)
    columns = {}
    for number, cluster in enumerate(bloc.clusters):
        for note in cluster.notes:
            columns.setdefault(note.column, []).append((note.text, f"g{number}"))
    for note in bloc.loose_notes:
        columns.setdefault(note.column, []).append((note.text, "autre"))
    # Every seed group, as (its column, the indexes it may be given by).
    slots = [
        (column, [i for i, (_, g) in enumerate(notes) if g == name])
        for column, notes in columns.items()
        for name in sorted({g for _, g in notes} - {"autre"})
    ]
    correct = placed = others = grouped = 0
    wrong: set[str] = set()
    for pick in itertools.product(*(indexes for _, indexes in slots)):
        for column, notes in columns.items():
            texts, themes = [t for t, _ in notes], [g for _, g in notes]
            groups = [[index] for (where, _), index in zip(slots, pick) if where == column]
            result = build_on_groups(texts, groups, bloc.prompt, rule=rule)
            c, p, o, _ = placement_score(themes, groups, result)
            correct, placed, others = correct + c, placed + p, others + o
            grouped += sum(t != "autre" for t in themes) - len(groups)
            wrong |= {texts[p.index] for p in result.placements if themes[p.index] == "autre"}
    return correct / placed if placed else 1.0, placed / others, correct / grouped, sorted(wrong)


def time_500_groups(data: dict, runs: int = 5) -> tuple[float, float]:
    """Median seconds for build_on_groups on the 500 notes with 20 given
    groups of two, stem cache empty and warm."""
    notes = five_hundred_notes(data)
    themes = [f"{s['name']}/{n['theme']}" for s in data["sets"] for n in s["notes"]]
    names = sorted({t for t in themes if not t.endswith("/autre")})[:20]
    groups = [[i for i, t in enumerate(themes) if t == name][:2] for name in names]
    build_on_groups(["Billetterie commune", "Trop de paperasse"], [[0]])  # imports, first allocations
    cold, warm = [], []
    for _ in range(runs):
        _stem.cache_clear()
        start = time.perf_counter()
        build_on_groups(notes, groups)
        cold.append(time.perf_counter() - start)
        start = time.perf_counter()
        build_on_groups(notes, groups)
        warm.append(time.perf_counter() - start)
    return statistics.median(cold), statistics.median(warm)


def placement_report(data: dict) -> None:
    print(f"\nBuilding on given groups (2 notes per theme, {DRAWS} draws), rule {DEFAULT_RULE}")
    rows = dev_placement(data)
    for name, (precision, coverage, ari, baseline) in rows.items():
        print(
            f"  {name:34s} precision {precision:.3f} coverage {coverage:.3f} ARI {ari:.3f}"
            f"   (nearest centroid, all placed: {baseline:.3f})"
        )
    means = [statistics.fmean(r[k] for r in rows.values()) for k in range(4)]
    print(
        f"  {'mean':34s} precision {means[0]:.3f} coverage {means[1]:.3f} ARI {means[2]:.3f}"
        f"   (nearest centroid, all placed: {means[3]:.3f})"
    )
    precision, coverage, recall, wrong = seed_placement()
    print(
        f"  {'seed 001, bloc 2 (24 picks)':34s} precision {precision:.3f} coverage {coverage:.3f}"
        f" (its groups' other notes found: {recall:.3f}); loose notes placed: {wrong}"
    )
    cold, warm = time_500_groups(data)
    print(f"500 notes, 20 given groups: {cold * 1000:.0f} ms with an empty stem cache, {warm * 1000:.0f} ms warm")


def placement_sweep(data: dict) -> None:
    print("\nPlacement thresholds: mean precision / coverage over the sets (and seed 001)")
    for similarity in (0.1, 0.15, 0.2, 0.25, 0.3):
        cells = []
        for lead in (0.0, 0.05, 0.1, 0.15):
            rule = PlacementRule(similarity, lead)
            rows = dev_placement(data, rule).values()
            seed = seed_placement(rule)
            cells.append(
                f"lead {lead:.2f}: {statistics.fmean(r[0] for r in rows):.2f}/"
                f"{statistics.fmean(r[1] for r in rows):.2f} ({seed[0]:.2f}/{seed[1]:.2f})"
            )
        print(f"  cosine >= {similarity:.2f}  " + "  ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"labelled set (default: {DEFAULT_DATA})")
    parser.add_argument("--ablation", action="store_true", help="also measure each choice and a threshold sweep")
    parser.add_argument("--placement-sweep", action="store_true", help="also sweep the placement thresholds")
    args = parser.parse_args()
    data = json.loads(args.data.read_text(encoding="utf-8"))

    per_set, mean, mixed = score(data, DEFAULT_OPTIONS)
    print(f"Options: {DEFAULT_OPTIONS}")
    for name, ari in per_set.items():
        print(f"  {name:34s} ARI {ari:.3f}")
    print(f"  {'mean':34s} ARI {mean:.3f}")
    print(f"  {'mixed (230 notes, no prompt)':34s} ARI {mixed:.3f}")
    cold, warm, together, copies = time_500(data)
    print(
        f"500 notes: {cold * 1000:.0f} ms with an empty stem cache, {warm * 1000:.0f} ms warm "
        f"(median of 5 runs); {together}/{copies} perturbed copies with their original"
    )
    if args.ablation:
        ablation(data)
    placement_report(data)
    if args.placement_sweep:
        placement_sweep(data)


if __name__ == "__main__":
    main()
