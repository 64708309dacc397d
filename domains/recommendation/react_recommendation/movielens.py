"""MovieLens-100k: reading ``u.data`` / ``u.item`` and the leave-one-out evaluation protocol.

Protocol (the one of neural collaborative filtering, He et al. 2017), exactly:

- every rating is an interaction (the rating value does not matter for the split);
- each user's ratings are ordered by ``(timestamp, item id)``: equal timestamps are broken
  by the smaller item id first, so the order is total and deterministic;
- ``test``: the user's last interaction is held out; everything before it is the history;
- ``validation``: the second-to-last is held out; the history is everything before it (the
  test item is not seen either);
- 99 negatives per user and split: items the user never rated (in the whole data set),
  drawn without replacement by ``numpy.random.default_rng((seed, user, split code))``,
  ``seed = 0``, split code 1 for validation and 2 for test;
- the target and its 99 negatives are then put in a random order drawn from the same
  generator; rankers sort by score with a stable sort, so ties keep that random order and
  never favour the target;
- HR@10 = 1 when the target is among the first 10; NDCG@10 = 1 / log2(rank + 1) then,
  else 0 (rank counted from 1); both averaged over users.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

SUBDIR = "movielens_100k"
SPLITS = ("validation", "test")
SPLIT_CODE = {"validation": 1, "test": 2}
NEGATIVES = 99
SEED = 0
GENRES = ("unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama",
          "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western")
LIKED = 4  # a rating of 4 or 5 counts as "liked" in the histories the language model reads


class DataFormatError(ValueError):
    """A MovieLens file that does not parse; the message names the file and line."""


@dataclass(frozen=True)
class Movie:
    id: int
    title: str  # readable: "The English Patient (1996)" for "English Patient, The (1996)"
    year: str
    genres: tuple[str, ...]

    @property
    def text(self) -> str:
        """What the item index embeds and the language model reads."""
        genres = ", ".join(g for g in self.genres if g != "unknown") or "unknown genre"
        return f"{self.title}. Genres: {genres}."


@dataclass(frozen=True)
class Rating:
    user: int
    item: int
    rating: int
    timestamp: int


@dataclass(frozen=True)
class Case:
    """One user's evaluation case in a split: history, the held-out target, the 100 candidates."""

    user: int
    history: tuple[int, ...]  # item ids, oldest first
    ratings: tuple[int, ...]  # the rating of each history item
    target: int
    candidates: tuple[int, ...]  # the target and 99 negatives in a seeded random order

    def liked(self, n: int = 5) -> list[int]:
        """The ``n`` most recent liked history items (rating >= 4), most recent last; the most
        recent rated items when the user liked fewer than ``n``."""
        liked = [i for i, r in zip(self.history, self.ratings) if r >= LIKED]
        if len(liked) < n:
            liked = list(dict.fromkeys([*liked, *reversed(self.history)]))[:n]
            order = {item: pos for pos, item in enumerate(self.history)}
            liked.sort(key=order.__getitem__)
        return liked[-n:]


_ARTICLE = re.compile(r"^(?P<name>.+), (?P<article>The|A|An|La|Le|Les|Il|Das|Der|Die|El|L')(?P<rest> \(.*)?$")


def readable_title(raw: str) -> str:
    """``"English Patient, The (1996)"`` -> ``"The English Patient (1996)"``."""
    raw = raw.strip()
    m = _ARTICLE.match(raw)
    if not m:
        return raw
    sep = "" if m.group("article").endswith("'") else " "
    return f"{m.group('article')}{sep}{m.group('name')}{m.group('rest') or ''}"


def dataset_dir(data_dir: Path | str) -> Path:
    path = Path(data_dir) / SUBDIR
    if not (path / "u.data").is_file() or not (path / "u.item").is_file():
        raise FileNotFoundError(f"MovieLens-100k not found: expected {path}/u.data and {path}/u.item "
                                "(pass --data-dir or set REACT_DATA_DIR to the folder holding movielens_100k/)")
    return path


def read_movies(path: Path) -> dict[int, Movie]:
    """``u.item`` (latin-1, ``|``-separated: id, title, release date, video date, URL, 19 genre flags)."""
    movies: dict[int, Movie] = {}
    with Path(path).open(encoding="latin-1") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            fields = line.rstrip("\n").split("|")
            if len(fields) != 5 + len(GENRES):
                raise DataFormatError(f"{path}:{line_no}: expected {5 + len(GENRES)} '|'-separated fields, "
                                      f"got {len(fields)}")
            try:
                item = int(fields[0])
                flags = [int(f) for f in fields[5:]]
            except ValueError as exc:
                raise DataFormatError(f"{path}:{line_no}: item id and genre flags must be integers ({exc})") from exc
            if item in movies:
                raise DataFormatError(f"{path}:{line_no}: item id {item} appears twice")
            title = readable_title(fields[1])
            year = fields[2][-4:] if fields[2][-4:].isdigit() else ""
            movies[item] = Movie(item, title, year, tuple(g for g, f in zip(GENRES, flags) if f))
    if not movies:
        raise DataFormatError(f"{path}: no movies")
    return movies


def read_ratings(path: Path, movies: dict[int, Movie] | None = None) -> list[Rating]:
    """``u.data`` (tab-separated: user, item, rating 1-5, unix timestamp)."""
    ratings = []
    with Path(path).open(encoding="latin-1") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            fields = line.split()
            if len(fields) != 4:
                raise DataFormatError(f"{path}:{line_no}: expected 4 tab-separated fields "
                                      f"(user item rating timestamp), got {len(fields)}")
            try:
                user, item, rating, ts = (int(f) for f in fields)
            except ValueError as exc:
                raise DataFormatError(f"{path}:{line_no}: fields must be integers ({exc})") from exc
            if not 1 <= rating <= 5:
                raise DataFormatError(f"{path}:{line_no}: rating {rating} is not within 1-5")
            if movies is not None and item not in movies:
                raise DataFormatError(f"{path}:{line_no}: item {item} is not in u.item")
            ratings.append(Rating(user, item, rating, ts))
    if not ratings:
        raise DataFormatError(f"{path}: no ratings")
    return ratings


class MovieLens:
    """The data set in memory: movies, each user's time-ordered ratings, the evaluation cases."""

    def __init__(self, movies: dict[int, Movie], ratings: Sequence[Rating], *, seed: int = SEED) -> None:
        self.movies = movies
        self.seed = seed
        by_user: dict[int, list[Rating]] = {}
        for r in ratings:
            by_user.setdefault(r.user, []).append(r)
        self.sequences = {u: sorted(rs, key=lambda r: (r.timestamp, r.item)) for u, rs in sorted(by_user.items())}
        for u, seq in self.sequences.items():
            if len(seq) < 3:
                raise DataFormatError(f"user {u} has {len(seq)} ratings; leave-one-out needs at least 3")
        self.items = np.array(sorted(movies), dtype=np.int64)
        self._cases: dict[str, list[Case]] = {}

    @classmethod
    def load(cls, data_dir: Path | str, *, seed: int = SEED) -> MovieLens:
        return _load(str(Path(data_dir).resolve()), seed)

    @property
    def users(self) -> list[int]:
        return list(self.sequences)

    def title(self, item: int) -> str:
        return self.movies[item].title

    def cases(self, split: str) -> list[Case]:
        """One case per user (ordered by user id) for ``validation`` or ``test``."""
        if split not in SPLIT_CODE:
            raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
        if split not in self._cases:
            self._cases[split] = [self._case(u, split) for u in self.sequences]
        return self._cases[split]

    def _case(self, user: int, split: str) -> Case:
        seq = self.sequences[user]
        cut = len(seq) - (1 if split == "test" else 2)
        history, target = seq[:cut], seq[cut].item
        rng = np.random.default_rng((self.seed, user, SPLIT_CODE[split]))
        rated = np.fromiter({r.item for r in seq}, dtype=np.int64)
        unseen = self.items[~np.isin(self.items, rated)]
        negatives = rng.choice(unseen, size=NEGATIVES, replace=False)
        candidates = np.concatenate([[target], negatives])[rng.permutation(NEGATIVES + 1)]
        return Case(user, tuple(r.item for r in history), tuple(r.rating for r in history), int(target),
                    tuple(int(c) for c in candidates))

    def train_interactions(self, split: str) -> list[tuple[int, int]]:
        """``(user, item)`` pairs the models may learn from for ``split``: every user's history."""
        return [(c.user, i) for c in self.cases(split) for i in c.history]


@lru_cache(maxsize=4)
def _load(root: str, seed: int) -> MovieLens:
    path = dataset_dir(root)
    movies = read_movies(path / "u.item")
    return MovieLens(movies, read_ratings(path / "u.data", movies), seed=seed)


def rank_of(ranking: Sequence[int], target: int) -> int:
    """1-based position of ``target`` in ``ranking``; ``sys.maxsize`` when absent (never a hit)."""
    for pos, item in enumerate(ranking, 1):
        if item == target:
            return pos
    return sys.maxsize


def hit_and_ndcg(rank: int, k: int = 10) -> tuple[float, float]:
    """HR@k and NDCG@k of one user whose target is at ``rank`` (1-based)."""
    return (1.0, 1.0 / math.log2(rank + 1)) if rank <= k else (0.0, 0.0)


def order(candidates: Sequence[int], scores: Sequence[float] | np.ndarray) -> list[int]:
    """Candidates sorted by score, highest first; ties keep the candidates' (seeded random) order."""
    idx = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    return [int(candidates[i]) for i in idx]


def evaluate_rankings(rankings: Sequence[Sequence[int]], targets: Sequence[int], k: int = 10) -> dict[str, float]:
    """Mean HR@k and NDCG@k over users."""
    if len(rankings) != len(targets):
        raise ValueError(f"{len(rankings)} rankings for {len(targets)} targets")
    if not targets:
        return {f"hr@{k}": 0.0, f"ndcg@{k}": 0.0}
    pairs = [hit_and_ndcg(rank_of(r, t), k) for r, t in zip(rankings, targets)]
    return {f"hr@{k}": sum(h for h, _ in pairs) / len(pairs), f"ndcg@{k}": sum(n for _, n in pairs) / len(pairs)}
