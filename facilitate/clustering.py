"""Automatic clustering suggestions for one bloc's sticky notes, in French.

Pure and offline: no Flask, no I/O, no model download. The facilitator gets a
*suggestion* to start the grouping from, so the method favours small, clean
groups over big mixed ones: an unsure note stays alone, which is easy to fix
by hand, while a wrong big group has to be taken apart.

Method (each choice was measured on the labelled development set, see
docs/benchmarks.md and bench/clustering_quality.py):

1. Fold identical notes: same text once lowercased, accent-folded and stripped
   of punctuation ("Trop de paperasse" / "trop de paperasse!!").
2. Words: accent-folded, lowercase, French stop words removed, a few sector
   abbreviations and franglais words written out (OBNL, MRC, CA, show...),
   Snowball French stems. Stems of the prompt, and stems used by more than a
   fifth of the notes, are dropped: they are the bloc's topic, not a theme.
3. Features: TF-IDF on the stems, plus TF-IDF on character 3-5-grams of the
   remaining words, which catches typos ("billeterie", "comptabilite") and
   word families; both blocks weigh the same in the cosine.
4. Agglomerative clustering, average linkage on cosine distance, stopped at a
   distance threshold, so the number of clusters is not fixed in advance.
5. Label: the cluster's medoid, the note closest to all the others, as the
   participants wrote it.

Lexical similarity only: notes that say the same thing with different words
("tenue de livres" / "comptabilité") are not brought together. On the
development set the mean adjusted Rand index is about 0.12 (see
docs/benchmarks.md): a starting point for the facilitator, not a result.

The work is done on the distinct notes sorted by their folded text, so the
result does not depend on the order of the input.

build_on_groups() starts from the groups the facilitator already made: they
stay whole and first, a loose note joins one only when clearly closest to it
(with the shared words as the reason), and the rest is clustered as above.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import snowballstemmer
from scipy.sparse import csr_matrix, hstack
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as l2_normalize


@dataclass(frozen=True)
class SuggestedCluster:
    """Indexes into the input texts, and a short label for the group."""

    indexes: tuple[int, ...]
    label: str


# --- Text normalisation ------------------------------------------------------


def fold_accents(text: str) -> str:
    """ "Éducation à l'école" -> "Education a l'ecole" (ligatures too: œ -> oe)."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_NON_WORD = re.compile(r"[\W_]+")


def normalize(text: str) -> str:
    """Lowercase, accents folded, punctuation replaced by single spaces.

    Two notes with the same normalized text are the same note for clustering:
    "Trop de paperasse" and "trop de paperasse!!" both give "trop de paperasse".
    """
    return _NON_WORD.sub(" ", fold_accents(text).lower()).strip()


# French stop words, accent-folded. The Snowball French list, plus what short
# notes are full of without carrying a theme: negations and quantities ("pas",
# "aucun", "trop"), Québec oral forms ("ça", "faut"), auxiliaries and very
# general verbs, time units ("ans", "fois"). Words like "manque" or "commun"
# stay: TF-IDF already lowers words that many notes share.
STOP_WORDS: frozenset[str] = frozenset(
    fold_accents(w)
    for w in [
        "a",
        "à",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "c",
        "cet",
        "cette",
        "celle",
        "celles",
        "celui",
        "ceux",
        "cela",
        "ceci",
        "ça",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "elles",
        "en",
        "et",
        "eux",
        "il",
        "ils",
        "je",
        "j",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "lui",
        "m",
        "ma",
        "mais",
        "me",
        "même",
        "mêmes",
        "mes",
        "moi",
        "mon",
        "n",
        "ne",
        "ni",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "où",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "quoi",
        "qui",
        "s",
        "sa",
        "se",
        "ses",
        "si",
        "son",
        "sur",
        "t",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "unes",
        "uns",
        "vos",
        "votre",
        "vous",
        "y",
        "dont",
        "être",
        "été",
        "étée",
        "étées",
        "étés",
        "étant",
        "suis",
        "es",
        "est",
        "sommes",
        "êtes",
        "sont",
        "serai",
        "sera",
        "serons",
        "seront",
        "serait",
        "seraient",
        "étais",
        "était",
        "étions",
        "étaient",
        "soit",
        "soient",
        "fut",
        "avoir",
        "ayant",
        "eu",
        "eue",
        "eus",
        "ai",
        "as",
        "avons",
        "avez",
        "ont",
        "aura",
        "auront",
        "aurait",
        "auraient",
        "avais",
        "avait",
        "avaient",
        "ait",
        "aient",
        "faire",
        "fait",
        "faits",
        "faite",
        "font",
        "fais",
        "faisons",
        "faut",
        "falloir",
        "peut",
        "peuvent",
        "pouvoir",
        "pourrait",
        "pourrions",
        "pourraient",
        "doit",
        "doivent",
        "devoir",
        "devrait",
        "devrions",
        "devraient",
        "aller",
        "va",
        "vont",
        "allons",
        "tout",
        "tous",
        "toute",
        "toutes",
        "très",
        "trop",
        "peu",
        "plus",
        "moins",
        "aussi",
        "bien",
        "comme",
        "sans",
        "sous",
        "entre",
        "chez",
        "vers",
        "donc",
        "alors",
        "puis",
        "car",
        "quand",
        "jamais",
        "rien",
        "aucun",
        "aucune",
        "chaque",
        "plusieurs",
        "quelques",
        "quelque",
        "autre",
        "autres",
        "ici",
        "là",
        "déjà",
        "encore",
        "toujours",
        "souvent",
        "beaucoup",
        "vraiment",
        "juste",
        "seulement",
        "assez",
        "ex",
        "etc",
        "ans",
        "an",
        "année",
        "années",
        "fois",
        "mois",
        "jour",
        "jours",
        "oui",
        "non",
        "ok",
        "svp",
    ]
)

# Abbreviations and franglais that are common in Québec's cultural and
# community sector, written out so they meet the notes that spell the same
# thing in full. Generic to the sector, not taken from any one workshop.
# Keys are matched on the folded lowercase word.
EXPANSIONS: dict[str, str] = {
    "obnl": "organisme",
    "osbl": "organisme",
    "mrc": "municipalite regionale",
    "dg": "direction generale",
    "rh": "ressources humaines",
    "rpa": "residence aines",
    "calq": "conseil arts",
    "cac": "conseil arts",
    "crm": "clients",
    "pub": "publicite",
    "promo": "promotion",
    "info": "information",
    "infos": "information",
    "matos": "materiel",
    "resto": "restaurant",
    "restos": "restaurant",
    "ados": "adolescents",
    "ado": "adolescent",
    "show": "spectacle",
    "shows": "spectacles",
    "staff": "personnel",
    "networking": "reseautage",
    "turnover": "roulement",
    "fundraising": "financement",
    "feedback": "retroaction",
    "cash": "argent",
    "meeting": "reunion",
    "meetings": "reunions",
}

# Expanded only when written in capitals: in lowercase they are ordinary
# words ("ca" is "ça" once folded, "it" and "ce" too short to be sure).
CAPITAL_EXPANSIONS: dict[str, str] = {
    "CA": "conseil administration",
    "IT": "informatique",
    "TI": "informatique",
}

_TOKEN = re.compile(r"\$+|[^\W\d_]+", re.UNICODE)
_stemmer = snowballstemmer.stemmer("french")
_stemmer_lock = threading.Lock()  # a Snowball stemmer keeps state while it works


@functools.lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    """Snowball French stem; cached, since stemming is most of the run time."""
    with _stemmer_lock:
        return str(_stemmer.stemWord(word))


def _words(text: str, expand: bool = True) -> list[str]:
    """The content words of a note: folded, lowercase, expanded, no stop words."""
    words: list[str] = []
    for raw in _TOKEN.findall(text.replace("’", "'")):
        if raw.startswith("$"):
            if expand:  # "$$ pour la concertation", "$ instable": money
                words.append("argent")
            continue
        word = fold_accents(raw).lower()
        if expand and raw in CAPITAL_EXPANSIONS:
            words.extend(CAPITAL_EXPANSIONS[raw].split())
        elif expand and word in EXPANSIONS:
            words.extend(EXPANSIONS[word].split())
        elif len(word) > 1 and word not in STOP_WORDS:
            words.append(word)
    return words


# --- Options (kept explicit so the benchmark can measure each choice) ----------


@dataclass(frozen=True)
class Options:
    """How notes are turned into vectors and grouped. The defaults are the
    measured choice; bench/clustering_quality.py varies them one at a time."""

    fold: bool = True  # accent folding and lowercase
    stop_words: bool = True
    stem: bool = True
    expand: bool = True  # EXPANSIONS and CAPITAL_EXPANSIONS
    drop_prompt_words: bool = True  # words of the question say nothing about themes
    char_weight: float = 1.0  # 0 disables the character n-grams
    char_ngrams: tuple[int, int] = (3, 5)
    linkage: str = "average"
    threshold: float = 0.88  # cosine distance at which merging stops
    topic_share: float = 0.2  # stems in more than this share of the notes are dropped...
    topic_min_notes: int = 8  # ...and in more than this many notes


DEFAULT_OPTIONS = Options()


def _pairs(text: str, options: Options) -> list[tuple[str, str]]:
    """(word, stem) for each content word of a note, per the options."""
    if not options.fold:  # baseline: lowercase words as written
        words = [w.lower() for w in _TOKEN.findall(text) if not w.startswith("$")]
        if options.stop_words:
            words = [w for w in words if fold_accents(w) not in STOP_WORDS]
    elif options.stop_words:
        words = _words(text, expand=options.expand)
    else:
        words = [fold_accents(w).lower() for w in _TOKEN.findall(text) if not w.startswith("$")]
    return [(w, _stem(w) if options.stem else w) for w in words]


def _vectors(texts: Sequence[str], prompt: str, options: Options) -> csr_matrix:
    """One L2-normalised row per distinct note: stems TF-IDF + char n-grams TF-IDF."""
    return _vectorize(_theme_pairs(texts, prompt, options), options)


def _theme_pairs(texts: Sequence[str], prompt: str, options: Options) -> list[list[tuple[str, str]]]:
    """(word, stem) of each note, without the bloc's topic words."""
    notes = [_pairs(t, options) for t in texts]
    dropped: set[str] = set()
    if options.drop_prompt_words and prompt:
        dropped |= {stem for _, stem in _pairs(prompt, options)}
    if options.topic_share < 1.0:
        # A word that many notes use is the bloc's topic, not a theme
        # ("organismes" when the question is about cooperation).
        df: dict[str, int] = {}
        for note in notes:
            for stem in {stem for _, stem in note}:
                df[stem] = df.get(stem, 0) + 1
        limit = max(options.topic_min_notes, options.topic_share * len(notes))
        dropped |= {stem for stem, count in df.items() if count > limit}
    return [[(w, s) for w, s in note if s not in dropped] for note in notes]


def _vectorize(notes: list[list[tuple[str, str]]], options: Options) -> csr_matrix:
    blocks = []
    stems = [[s for _, s in note] for note in notes]
    if any(stems):
        blocks.append(TfidfVectorizer(analyzer=_identity, sublinear_tf=True).fit_transform(stems))
    if options.char_weight > 0 and any(stems):
        # On the folded words, not the stems: typos and word families share
        # most of their 3-5 letter pieces even when their stems differ. Each
        # block is unit length, so the final cosine is a weighted mean of the
        # word cosine and the character cosine.
        words = [" ".join(w for w, _ in note) for note in notes]
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=options.char_ngrams, sublinear_tf=True)
        blocks.append(chars.fit_transform(words) * options.char_weight)
    if not blocks:
        return csr_matrix((len(notes), 1))
    return l2_normalize(hstack(blocks).tocsr())


def _identity(doc: list[str]) -> list[str]:
    return doc


def _partition(vectors: csr_matrix, similarity: np.ndarray, options: Options) -> list[int]:
    """Cluster id for each row; rows with no content word stay alone."""
    if vectors.shape[0] == 1:
        return [0]
    distance = np.clip(1.0 - similarity, 0.0, None)
    empty = np.asarray(vectors.getnnz(axis=1) == 0)
    distance[empty, :] = 1.0e6  # nothing to compare: keep it a singleton
    distance[:, empty] = 1.0e6
    np.fill_diagonal(distance, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage=options.linkage,
        distance_threshold=options.threshold,
    )
    return [int(label) for label in model.fit_predict(distance)]


def _label(rows: Sequence[int], similarity: np.ndarray, weights: Sequence[int], texts: Sequence[str]) -> str:
    """The medoid: the note most similar to the rest of its cluster.

    A real note reads better to a facilitator than a list of stems, and it is
    in the participants' own words. A note written several times counts that
    many times; ties go to the shorter note.
    """
    if len(rows) == 1:
        return _clean_label(texts[rows[0]])
    weight = np.asarray([weights[r] for r in rows], dtype=float)
    centrality = similarity[np.ix_(rows, rows)] @ weight
    best = min(range(len(rows)), key=lambda k: (-round(float(centrality[k]), 9), len(texts[rows[k]]), texts[rows[k]]))
    return _clean_label(texts[rows[best]])


def _clean_label(text: str, limit: int = 80) -> str:
    """One line, no trailing "!!", capitalised, cut at a word past `limit`."""
    text = " ".join(text.split()).rstrip(" !?.;,")
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "…"
    return text[:1].upper() + text[1:]


def _representative(variants: Sequence[str]) -> str:
    """The spelling of a repeated note to show: the most frequent one, then
    the first in sorted order, so that the input order does not matter."""
    stripped = [" ".join(v.split()) for v in variants]
    return min(set(stripped), key=lambda v: (-stripped.count(v), v))


def suggest_clusters(
    texts: Sequence[str], prompt: str = "", options: Options = DEFAULT_OPTIONS
) -> list[SuggestedCluster]:
    """Suggest groups for one bloc's notes.

    Every index of `texts` is in exactly one cluster (singletons included).
    Clusters come largest first, then by their first index; indexes inside a
    cluster are increasing. Empty or blank notes stay alone. Deterministic and
    independent of the input order (up to the order of the output).
    """
    # Distinct notes, keyed by their normalized text, in a canonical order.
    members_of: dict[str, list[int]] = {}
    alone: list[int] = []
    for index, text in enumerate(texts):
        key = normalize(text) if options.fold else " ".join(text.lower().split())
        if key:
            members_of.setdefault(key, []).append(index)
        else:  # blank, or punctuation only: nothing to group on
            alone.append(index)
    keys = sorted(members_of)
    distinct = [_representative([texts[i] for i in members_of[k]]) for k in keys]
    weights = [len(members_of[k]) for k in keys]

    groups: list[list[int]] = []
    labels: list[str] = []
    if keys:
        vectors = _vectors(distinct, prompt, options)
        similarity = (vectors @ vectors.T).toarray()  # cosine: rows are unit vectors
        rows_of: dict[int, list[int]] = {}
        for row, cluster in enumerate(_partition(vectors, similarity, options)):
            rows_of.setdefault(cluster, []).append(row)
        for rows in rows_of.values():
            groups.append(sorted(i for row in rows for i in members_of[keys[row]]))
            labels.append(_label(rows, similarity, weights, distinct))
    for index in alone:
        groups.append([index])
        labels.append(_clean_label(texts[index]) or "(vide)")
    order = sorted(range(len(groups)), key=lambda g: (-len(groups[g]), groups[g][0]))
    return [SuggestedCluster(indexes=tuple(groups[g]), label=labels[g]) for g in order]


# --- Building on the facilitator's own groups ------------------------------------
#
# Facilitators start two or three groups by hand, then place the rest. The
# suggestion keeps their groups whole and first, offers each loose note to
# the group it resembles only when the match is clear, and clusters what is
# left as above. A wrong placement costs more than a missed one (the
# facilitator has to spot it inside a group), so the rule abstains when unsure.


@dataclass(frozen=True)
class PlacementRule:
    """When a loose note is offered to a given group. The sweep of
    bench/clustering_quality.py (docs/benchmarks.md): 0.20 is the lowest
    cosine at which the development set's mean precision reaches 0.60, but
    with two of its sets near 0.52; at 0.25 it is 0.74 while seed 001's real
    notes lose no placement, so the rule stays quiet at no cost there."""

    min_similarity: float = 0.25  # cosine to the group's centroid
    min_lead: float = 0.05  # over the second closest group: a near tie is unsure


DEFAULT_RULE = PlacementRule()


@dataclass(frozen=True)
class Placement:
    """A loose note offered to a given group, and why in a word or two."""

    index: int  # the note, an index into the texts
    group: int  # the given group, its position in `groups`
    similarity: float
    words: tuple[str, ...]  # content words it shares with the group, as the note writes them
    closest: int  # the group's note most like it (the reason when no word is shared)


@dataclass(frozen=True)
class GroupedSuggestion:
    """Given groups first (in the given order, with their placed notes), then
    new groups for the rest; every index in exactly one cluster."""

    clusters: tuple[SuggestedCluster, ...]
    placements: tuple[Placement, ...]


class GroupsError(ValueError):
    """Given groups that cannot be used; the message is in French, for people."""


def check_groups(groups: object, count: int) -> list[list[int]]:
    """The given groups as lists of indexes, or GroupsError saying what is wrong."""
    if not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
        raise GroupsError("les groupes sont un tableau de tableaux d'indices, par exemple [[0, 3], [5, 8]]")
    seen: set[int] = set()
    for number, group in enumerate(groups, start=1):
        if not group:
            raise GroupsError(f"le groupe {number} est vide")
        for index in group:
            if isinstance(index, bool) or not isinstance(index, int):
                raise GroupsError(f"le groupe {number} contient {index!r}, qui n'est pas un indice de note")
            if not 0 <= index < count:
                raise GroupsError(f"le groupe {number} contient l'indice {index}, hors limites (0 à {count - 1})")
            if index in seen:
                raise GroupsError(f"l'indice {index} est donné deux fois")
            seen.add(index)
    return [list(g) for g in groups]


def build_on_groups(
    texts: Sequence[str],
    groups: Sequence[Sequence[int]],
    prompt: str = "",
    options: Options = DEFAULT_OPTIONS,
    rule: PlacementRule = DEFAULT_RULE,
) -> GroupedSuggestion:
    """Suggest groups for `texts` when `groups` (lists of indexes, checked
    with check_groups) are already made.

    Each given group is kept whole, first and in order, never merged with
    another; a loose note joins the given group whose centroid it is closest
    to when the cosine reaches `rule.min_similarity` and leads the second
    group by `rule.min_lead`; the remaining notes are clustered with
    suggest_clusters. Deterministic.
    """
    given = [sorted(g) for g in groups]
    in_group = {i for g in given for i in g}
    loose = [i for i in range(len(texts)) if i not in in_group]
    placements: list[Placement] = []
    labels: list[str] = []
    if given and texts:
        pairs = _theme_pairs(texts, prompt, options)
        vectors = _vectorize(pairs, options)
        similarity = (vectors @ vectors.T).toarray()
        centroids = l2_normalize(np.vstack([np.asarray(vectors[g].mean(axis=0)) for g in given]))
        to_group = np.asarray(vectors @ centroids.T)  # cosine of each note to each group
        placements = [p for i in loose if (p := _place(i, to_group[i], given, pairs, similarity, texts, rule))]
        labels = [_label(g, similarity, [1] * len(texts), texts) for g in given]
    placed = {p.index for p in placements}
    clusters = [
        SuggestedCluster(tuple(sorted(g + [p.index for p in placements if p.group == k])), labels[k])
        for k, g in enumerate(given)
    ]
    rest = [i for i in loose if i not in placed]
    for new in suggest_clusters([texts[i] for i in rest], prompt, options):
        clusters.append(SuggestedCluster(tuple(rest[j] for j in new.indexes), new.label))
    return GroupedSuggestion(tuple(clusters), tuple(placements))


def _place(
    index: int,
    to_group: np.ndarray,
    given: list[list[int]],
    pairs: list[list[tuple[str, str]]],
    similarity: np.ndarray,
    texts: Sequence[str],
    rule: PlacementRule,
) -> Placement | None:
    """The placement of one loose note, or None when no group is clearly closest."""
    order = sorted(range(len(given)), key=lambda k: (-to_group[k], k))
    best = order[0]
    score = float(to_group[best])
    lead = score - (float(to_group[order[1]]) if len(order) > 1 else 0.0)
    if score < rule.min_similarity or lead < rule.min_lead:
        return None
    members = given[best]
    closest = min(members, key=lambda j: (-similarity[index, j], j))
    group_stems = {stem for j in members for _, stem in pairs[j]}
    return Placement(index, best, round(score, 4), _shared_words(texts[index], pairs[index], group_stems), closest)


def _shared_words(text: str, pairs: list[tuple[str, str]], stems: set[str], limit: int = 3) -> tuple[str, ...]:
    """The note's own words (lowercase, accents kept) whose stem the group uses."""
    as_written = {fold_accents(raw).lower(): raw.lower() for raw in _TOKEN.findall(text.replace("’", "'"))}
    words: list[str] = []
    for word, stem in pairs:
        shown = as_written.get(word, word)  # an expanded abbreviation shows its expansion
        if stem in stems and shown not in words:
            words.append(shown)
    return tuple(words[:limit])
