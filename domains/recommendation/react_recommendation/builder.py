"""Training data: direct interest pairs and ReAct trajectories, from held-in interactions only.

``build_training_data(data_dir)`` yields, in a seeded shuffled order:

- ``{"prompt": interest_prompt(...), "completion": " Yes" | " No"}``: for ``positions`` random
  points in each user's validation-split history (everything before the validation item, so
  neither the validation nor the test item is ever used), the 5 latest liked movies before
  that point and a candidate: the movie the user rated next (" Yes"), one movie they never
  rated drawn uniformly (" No") and one drawn in proportion to popularity (" No", so the
  adapter learns more than popularity);
- ``{"messages": [...]}``: ReAct trajectories using ``recommend``, ``similar_items`` and
  ``explain``, whose observations come from the real tools on the same held-in histories.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from react_recommendation.lm import NO, YES, interest_prompt
from react_recommendation.movielens import Case, MovieLens
from react_recommendation.service import Service

SPLIT = "validation"  # its histories exclude both held-out items
TASTES = [
    "I really enjoyed {a} and {b}. What should I watch next?",
    "Big fan of {a}. Anything similar you'd suggest?",
    "My favourite movies are {a}, {b} and {c}. Recommend me something.",
    "I'm new here; I liked {a}. What else would I like?",
]
GENRE_TASTES = [
    "I like clever crime thrillers with a twist.",
    "Looking for a light romantic comedy for a Friday night.",
    "Recommend some classic science fiction.",
    "Something scary but not too gory, please.",
    "Animated films the whole family can watch.",
    "A moving war drama.",
]


def direct_pairs(ml: MovieLens, *, positions: int = 2, history_items: int = 5,
                 seed: int = 0) -> Iterator[dict[str, Any]]:
    """Interest pairs from the validation-split histories (see the module docstring)."""
    rng = np.random.default_rng(seed)
    items = ml.items
    counts = np.zeros(len(items))
    pos = {int(i): k for k, i in enumerate(items)}
    for case in ml.cases(SPLIT):
        for i in case.history:
            counts[pos[i]] += 1
    for case in ml.cases(SPLIT):
        rated = np.isin(items, np.array([r.item for r in ml.sequences[case.user]]))
        unseen = items[~rated]
        weights = counts[~rated] + 1.0
        weights /= weights.sum()
        n = len(case.history)
        lo = min(history_items, n - 1)
        for t in sorted(rng.choice(np.arange(lo, n), size=min(positions, n - lo), replace=False).tolist()):
            before = Case(case.user, case.history[:t], case.ratings[:t], -1, ())
            titles = [ml.title(i) for i in before.liked(history_items)]
            negatives = [int(rng.choice(unseen)), int(rng.choice(unseen, p=weights))]
            yield {"prompt": interest_prompt(titles, ml.movies[case.history[t]]), "completion": YES}
            for neg in negatives:
                yield {"prompt": interest_prompt(titles, ml.movies[neg]), "completion": NO}


def _obs(text: str) -> str:
    first, *rest = ("Observation: " + text).split("\n")
    return "\n".join([first, *("  " + line for line in rest)])


def _listed(observation: str, n: int = 3) -> list[str]:
    """Titles of the first ``n`` numbered lines of a recommend / similar_items observation."""
    titles = []
    for line in observation.split("\n")[1:]:
        body = line.split(". ", 1)[1] if ". " in line else line
        titles.append(body.split(". Genres:")[0])
    return titles[:n]


def _traj(question: str, steps: list[tuple[str, str, str]], answer: str, kind: str) -> dict[str, Any]:
    messages = [{"role": "user", "content": question}]
    for thought, action, observation in steps:
        messages.append({"role": "assistant", "content": f"Thought: {thought}\nAction: {action}"})
        messages.append({"role": "user", "content": _obs(observation)})
    messages.append({"role": "assistant", "content": f"Thought: I can answer now.\nFinal Answer: {answer}"})
    return {"messages": messages, "meta": {"kind": "trajectory", "tool": kind}}


def _reason_answer(service: Service, user: int, pick: str) -> str:
    why = service.reasons(user, service.find_movie(pick))
    close = " and ".join(service.ml.title(i) for i, _ in why["closest"])
    text = f"I suggest {pick}. User {user} liked {close}, the movies in their history closest to it"
    if why["genres"]:
        genre, count = max(why["genres"], key=lambda g: g[1])
        text += f", and {genre} is a genre they like ({count} of the {why['liked']} movies they liked)"
    return text + "."


def trajectories(service: Service, *, n: int = 8, seed: int = 0) -> Iterator[dict[str, Any]]:
    """ReAct trajectories whose observations are the real tools' outputs."""
    rng = random.Random(seed)
    ml = service.ml
    n = min(n, len(service.histories) // 3)
    users = rng.sample(sorted(service.histories), 3 * n)
    for user in users[:n]:
        obs = service.recommend(str(user))
        titles = _listed(obs)
        yield _traj(rng.choice([f"What should user {user} watch next?", f"Recommend movies for user {user}.",
                                f"I'm user {user}, any movie ideas?"]),
                    [(f"User {user} is a known user, so I will ask for recommendations from their history.",
                      f"recommend[{user}]", obs)],
                    f"For user {user}: " + ", ".join(titles) + ".", "recommend")
    for user in users[n:2 * n]:
        liked = service.user_case(user).liked(3)
        names = [ml.title(i).rsplit(" (", 1)[0] for i in liked]
        question = rng.choice(TASTES).format(a=names[-1], b=names[-2], c=names[0])
        obs = service.recommend(question)
        yield _traj(question, [("This is a new person who describes their taste, so I will pass it to recommend.",
                                f"recommend[{question}]", obs)],
                    "You might enjoy " + ", ".join(_listed(obs)) + ".", "recommend_text")
    for question in GENRE_TASTES:
        obs = service.recommend(question)
        yield _traj(question, [("This is a taste in words, so I will pass it to recommend.",
                                f"recommend[{question}]", obs)],
                    "Here are some picks: " + ", ".join(_listed(obs)) + ".", "recommend_text")
    popular = rng.sample(service.rec.popularity.top(100), n)
    for user, pick_item in zip(users[2 * n:], popular):
        title = ml.title(pick_item)
        obs = service.similar_items(title)
        yield _traj(rng.choice([f"What movies are like {title}?", f"I want something similar to {title}."]),
                    [("I will look for movies similar to that one.", f"similar_items[{title}]", obs)],
                    f"Movies like {title}: " + ", ".join(_listed(obs)) + ".", "similar_items")
        first = service.recommend(str(user))
        pick = _listed(first, 1)[0]
        why = service.explain(f"{user}, {pick}")
        yield _traj(f"Pick one movie for user {user} and tell me why.",
                    [(f"I will get recommendations for user {user} first.", f"recommend[{user}]", first),
                     (f"I will explain the top pick, {pick}.", f"explain[{user}, {pick}]", why)],
                    _reason_answer(service, user, pick), "explain")
    bad = max(service.histories) + 57
    obs = service.recommend(str(bad))
    yield _traj(f"Recommend something for user {bad}.",
                [(f"User {bad} may be a known user, so I will try recommend.", f"recommend[{bad}]", obs)],
                f"I don't know user {bad}. Tell me a few movies or genres you like and I will recommend from those.",
                "unknown_user")
    yield {"messages": [
        {"role": "user", "content": "What's the weather in Paris tomorrow?"},
        {"role": "assistant", "content": "Thought: This is not about movies, so no tool helps.\nFinal Answer: "
                                         "Sorry, I can only help with movie recommendations. Tell me what you like "
                                         "to watch and I will suggest something."},
    ], "meta": {"kind": "trajectory", "tool": "none"}}


def build_training_data(data_dir: Path, *, positions: int = 2, n_trajectories: int = 8, seed: int = 0,
                        embedder: Any = None) -> Iterator[dict[str, Any]]:
    """Direct pairs and trajectories, shuffled with ``seed`` (see the module docstring)."""
    from react_core import cache_dir

    from react_recommendation.items import ItemSpace, default_embedder

    ml = MovieLens.load(data_dir)
    space = ItemSpace(ml.movies, embedder or default_embedder(), cache=cache_dir() / "recommendation")
    records = list(direct_pairs(ml, positions=positions, seed=seed))
    records += list(trajectories(Service(ml, space, split=SPLIT), n=n_trajectories, seed=seed))
    random.Random(seed).shuffle(records)
    yield from records
