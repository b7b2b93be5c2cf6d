"""A window's themes matched with those of earlier windows: new, growing, fading.

Themes are matched by their terms (at least MATCH_OVERLAP of them among the terms a
known theme had), since nothing else of a prompt is kept. Clusters that match one
earlier theme are that theme, counted together: k-means now and then cuts one in two.
"""

from dataclasses import dataclass, field
from datetime import datetime

MATCH_OVERLAP = 0.5
GROWTH_FACTOR = 2.0  # share at least doubled since the theme was last seen: growing
FADE_FACTOR = 0.5  # share at most halved: fading
GROWTH_MIN_CALLS = 20


@dataclass(frozen=True)
class KnownTheme:
    """A theme as last seen: its identity, terms and share."""

    theme_id: str
    label: str
    terms: tuple[str, ...]
    share: float
    first_seen: datetime
    last_window_end: datetime


@dataclass
class TrackedTheme:
    """A theme of this window, its identity and status."""

    theme_id: str
    label: str
    terms: tuple[str, ...]
    first_seen: datetime
    status: str
    members: list[int] = field(default_factory=list)


def overlap(terms: tuple[str, ...], known: tuple[str, ...]) -> float:
    """The share of `terms` that a known theme has had."""
    if not terms:
        return 0.0
    return len(set(terms) & set(known)) / len(terms)


def track(found: list[tuple[tuple[str, ...], list[int]]], known: list[KnownTheme], *,
          calls: int, window_start: datetime) -> list[TrackedTheme]:
    """This window's themes (terms, member positions) with identities from `known`,
    plus a fading entry, with no members, for each known theme seen in the window just
    before and not now."""
    tracked: dict[str, TrackedTheme] = {}
    for index, (terms, members) in enumerate(found):
        best = max(known, key=lambda k: overlap(terms, k.terms), default=None)
        if best is not None and overlap(terms, best.terms) >= MATCH_OVERLAP:
            entry = tracked.setdefault(best.theme_id, TrackedTheme(
                best.theme_id, best.label, terms, best.first_seen, ""))
            entry.terms = _merged(entry.terms, terms) if entry.members else terms
        else:
            theme_id = f"{window_start:%Y%m%d}-{index}"
            entry = tracked.setdefault(theme_id, TrackedTheme(
                theme_id, " ".join(terms[:3]), terms, window_start, "new"))
        entry.members.extend(members)
    by_id = {k.theme_id: k for k in known}
    for entry in tracked.values():
        if entry.status != "new":
            entry.status = _status(len(entry.members) / max(calls, 1),
                                   by_id[entry.theme_id].share, len(entry.members))
    for k in known:
        if k.theme_id not in tracked and k.last_window_end == window_start:
            tracked[k.theme_id] = TrackedTheme(k.theme_id, k.label, k.terms, k.first_seen,
                                               "fading")
    return sorted(tracked.values(), key=lambda t: (-len(t.members), t.theme_id))


def _merged(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*a, *b)))[:max(len(a), len(b))]


def _status(share: float, previous: float, calls: int) -> str:
    if calls >= GROWTH_MIN_CALLS and share >= GROWTH_FACTOR * previous:
        return "growing"
    if share <= FADE_FACTOR * previous:
        return "fading"
    return "steady"
