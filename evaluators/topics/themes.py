"""Themes in one window's prompts: TF-IDF vectors clustered with k-means.

Why k-means rather than NMF: a prompt asks one thing, so each call belongs to exactly
one theme, and a theme's share of calls, its distinct users and its quality are counts
over its members. NMF gives every prompt a mixture of topics, whose weights do not add
up to shares of calls without a cut-off chosen by hand. The number of themes is chosen
by the silhouette (on cosine distance) over 2..`max_themes`, so no topic count is fixed
in advance. TF-IDF keeps words that single out a group of prompts and drops words that
every prompt uses.

Privacy: a theme is kept only when at least `min_users` distinct users sent prompts in
it, and each of its terms only when at least `min_users` of them used that word. Only
the terms and counts leave this module: no vector, centroid or prompt.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score

TERMS_PER_THEME = 5
CANDIDATE_TERMS = 15  # centroid terms checked against min_users, strongest first
MAX_FIT_PROMPTS = 5000  # prompts the clusters are fitted on; every prompt is assigned
SILHOUETTE_SAMPLE = 2000
SILHOUETTE_SLACK = 0.02
# Words, two letters or more; digits and redaction markers' brackets are not terms.
TOKEN_PATTERN = r"(?u)\b[^\W\d_]{2,}\b"


@dataclass(frozen=True)
class Theme:
    """A theme: its terms, strongest first, and the positions of its prompts."""

    terms: tuple[str, ...]
    members: tuple[int, ...]


def find_themes(prompts: Sequence[str], users: Sequence[str | None], *, min_users: int,
                max_themes: int, seed: int = 0) -> list[Theme]:
    """Themes of `prompts` (already redacted), each sent by at least `min_users` of
    `users` (None: unknown, never counted); largest first."""
    if len(prompts) < 2 * min_users:
        return []
    vectorizer = TfidfVectorizer(stop_words="english", token_pattern=TOKEN_PATTERN,
                                 min_df=min(min_users, 2), max_df=0.5, sublinear_tf=True)
    try:
        vectors = vectorizer.fit_transform(prompts)
    except ValueError:  # no term left: empty prompts or stop words only
        return []
    vocabulary = vectorizer.get_feature_names_out()
    labels, centroids = _clusters(vectors, max_themes, min_users, seed)
    present = (vectors > 0).tocsc()
    user_ids = np.array([u if u is not None else "" for u in users], dtype=object)
    themes = []
    for label in range(centroids.shape[0]):
        members = np.flatnonzero(labels == label)
        if _distinct(user_ids[members]) < min_users:
            continue
        terms = _shared_terms(centroids[label], vocabulary, present, members, user_ids,
                              min_users)
        if terms:
            themes.append(Theme(terms=terms, members=tuple(int(m) for m in members)))
    themes.sort(key=lambda theme: (-len(theme.members), theme.terms))
    return themes


def _clusters(vectors: object, max_themes: int, min_users: int,
              seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Cluster labels of every prompt and the centroids, k chosen by silhouette."""
    rows = vectors.shape[0]  # type: ignore[attr-defined]
    rng = np.random.default_rng(seed)
    fit = vectors[np.sort(rng.choice(rows, MAX_FIT_PROMPTS, replace=False))] \
        if rows > MAX_FIT_PROMPTS else vectors  # type: ignore[index]
    scored: list[tuple[float, KMeans]] = []
    for k in range(2, min(max_themes, fit.shape[0] // min_users) + 1):
        model = KMeans(n_clusters=k, n_init=2, random_state=seed).fit(fit)
        if len(set(model.labels_)) < 2:
            continue
        scored.append((silhouette_score(fit, model.labels_, metric="cosine",
                                        sample_size=min(SILHOUETTE_SAMPLE, fit.shape[0]),
                                        random_state=seed), model))
    if not scored:  # too few prompts to split: one theme
        return np.zeros(rows, dtype=int), np.asarray(fit.mean(axis=0))
    # Short prompts score a little higher split ever finer: the fewest themes within
    # SILHOUETTE_SLACK of the best, so that one theme is not cut in two.
    best = max(score for score, _ in scored)
    model = next(model for score, model in scored if score >= best - SILHOUETTE_SLACK)
    return model.predict(vectors), model.cluster_centers_


def _distinct(users: np.ndarray) -> int:
    return len({u for u in users if u})


def _shared_terms(centroid: np.ndarray, vocabulary: np.ndarray, present: object,
                  members: np.ndarray, users: np.ndarray, min_users: int) -> tuple[str, ...]:
    """The centroid's strongest terms that at least `min_users` members' users used."""
    kept: list[str] = []
    for column in np.argsort(-centroid)[:CANDIDATE_TERMS]:
        if centroid[column] <= 0:
            break
        rows = present[:, column].indices  # type: ignore[index]
        if _distinct(users[np.intersect1d(rows, members)]) >= min_users:
            kept.append(str(vocabulary[column]))
        if len(kept) == TERMS_PER_THEME:
            break
    return tuple(kept)
