"""Fixtures: a small fake MovieLens-100k directory (same file formats), hashing embedder, tiny LM."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

N_ITEMS = 160
N_USERS = 12
NAMED = {1: "Star Wars (1977)", 2: "Return of the Jedi (1983)", 3: "Fargo (1996)",
         4: "English Patient, The (1996)", 5: "Toy Story (1995)", 6: "Alien (1979)"}
GENRES_OF = {1: (1, 2, 15), 2: (1, 2, 15), 3: (6, 8, 16), 4: (8, 14), 5: (3, 4, 5), 6: (1, 11, 15)}


def write_movielens(root: Path, *, n_users: int = N_USERS, seed: int = 0) -> Path:
    """``root/movielens_100k/u.item`` and ``u.data`` in MovieLens-100k's formats."""
    rng = random.Random(seed)
    folder = root / "movielens_100k"
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for i in range(1, N_ITEMS + 1):
        title = NAMED.get(i, f"Movie Number {i} ({1950 + i % 48})")
        genres = GENRES_OF.get(i, (1 + i % 18,))
        flags = ["1" if g in genres else "0" for g in range(19)]
        lines.append("|".join([str(i), title, f"01-Jan-{1950 + i % 48}", "", "http://example.org", *flags]))
    (folder / "u.item").write_text("\n".join(lines) + "\n", encoding="latin-1")
    rows = []
    for u in range(1, n_users + 1):
        # everyone starts with the Star Wars films (so item-kNN links them), then random movies
        items = [1, 2] + rng.sample(range(3, N_ITEMS + 1), 18)
        for k, i in enumerate(items):
            ts = 880000000 + u * 1000 + (k // 2) * 10  # pairs of ratings share a timestamp
            rows.append(f"{u}\t{i}\t{rng.choice([3, 4, 5])}\t{ts}")
    rng.shuffle(rows)
    (folder / "u.data").write_text("\n".join(rows) + "\n", encoding="latin-1")
    return root


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    return write_movielens(tmp_path / "data")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No network; a private cache; the hashing embedder instead of MiniLM for the evaluation."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("REACT_CACHE_DIR", str(tmp_path_factory.mktemp("react-cache")))
    monkeypatch.setenv("REACT_RECOMMENDATION_EMBEDDER", "hashing-64")


@pytest.fixture()
def embedder():
    from react_core.retrieval import HashingEmbedder

    return HashingEmbedder(64)


@pytest.fixture()
def service(data_dir: Path, embedder):
    from react_recommendation.items import ItemSpace
    from react_recommendation.movielens import MovieLens
    from react_recommendation.service import Service

    ml = MovieLens.load(data_dir)
    return Service(ml, ItemSpace(ml.movies, embedder))


@pytest.fixture(scope="session")
def tiny_lm_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from react_core.testing import tiny_causal_lm

    return tiny_causal_lm(tmp_path_factory.mktemp("tiny-lm"))
