"""What the tools answer from: recommendations, similar movies and explanations, as plain text.

``Service(ml, space, split=None)`` uses every rating as the users' histories; with
``split="validation"`` it sees only what precedes each user's validation item (the training
data builder uses that, so its trajectories never show a held-out item as history).
Recommendations come from stage 1 of the pipeline over a candidate pool: the FAISS index's
nearest movies to the user's profile, item-kNN neighbours of their history and the most
popular movies, minus what they have already rated.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import numpy as np

from react_recommendation.items import ItemSpace
from react_recommendation.movielens import LIKED, Case, MovieLens, order
from react_recommendation.pipeline import Recommender
from react_recommendation.ranker import RankerWeights

USER = re.compile(r"^\s*(?:user\s*(?:id)?\s*[#:]?\s*)?(\d+)\s*$", re.IGNORECASE)
POOL = 100
_WORDS = re.compile(r"[^\w' ]+")


def _name(title: str) -> str:
    """``"Star Wars (1977)"`` -> ``"star wars"``."""
    return re.sub(r"\s*\(\d{4}\)\s*$", "", title).strip().lower()


class Service:
    def __init__(self, ml: MovieLens, space: ItemSpace, *, split: str | None = None,
                 weights: RankerWeights | None = None) -> None:
        self.ml, self.space = ml, space
        self.rec = Recommender(ml, space, split=split, weights=weights)
        if split is None:
            self.histories = {u: (tuple(r.item for r in s), tuple(r.rating for r in s))
                              for u, s in ml.sequences.items()}
        else:
            self.histories = {c.user: (c.history, c.ratings) for c in ml.cases(split)}
        self.by_name: dict[str, list[int]] = {}
        for item, movie in ml.movies.items():
            self.by_name.setdefault(_name(movie.title), []).append(item)
            self.by_name.setdefault(movie.title.lower(), []).append(item)
        users = list(ml.sequences)
        self.user_range = f"{min(users)}-{max(users)}"

    # -- lookups ----------------------------------------------------------------------------

    def user_case(self, user: int, candidates: tuple[int, ...] = ()) -> Case:
        history, ratings = self.histories[user]
        return Case(user, history, ratings, -1, candidates)

    def find_movie(self, text: str) -> int | None:
        """A movie by id, exact title (with or without the year), or the best index match."""
        text = " ".join(str(text).split()).strip(" \"'.")
        if not text:
            return None
        if text.isdigit() and int(text) in self.ml.movies:
            return int(text)
        exact = self.by_name.get(text.lower()) or self.by_name.get(_name(text))
        if exact:
            return exact[0]
        hits = self.space.index.search(text, k=1, mode="hybrid")
        return int(hits[0].chunk.metadata["item"]) if hits else None

    def mentioned(self, text: str) -> list[int]:
        """Movies whose title (without the year, 4+ characters) appears in ``text``."""
        low = " " + " ".join(_WORDS.sub(" ", text.lower()).split()) + " "
        found = []
        for name, items in self.by_name.items():
            words = " ".join(_WORDS.sub(" ", name).split())
            if len(words) >= 4 and "(" not in name and f" {words} " in low:
                found.append(items[0])
        # prefer longer titles: "star wars" inside "return of the jedi" is unlikely, but "alien" in "aliens" is
        found = sorted(set(found), key=lambda i: -len(self.ml.movies[i].title))
        return found[:10]

    def _line(self, item: int) -> str:
        return self.ml.movies[item].text

    # -- recommend --------------------------------------------------------------------------

    def _pool(self, profile: np.ndarray, history: tuple[int, ...]) -> tuple[int, ...]:
        seen = set(history)
        pool = [i for i, _ in self.space.search(profile, POOL, exclude=history)]
        if history:
            scores = self.rec.knn.scores(history, self.ml.items.tolist())
            pool += [int(self.ml.items[p]) for p in np.argsort(-scores, kind="stable")[:POOL]]
        pool += self.rec.popularity.top(POOL // 2, exclude=seen)
        return tuple(dict.fromkeys(i for i in pool if i not in seen))

    def recommend(self, query: str, n: int = 5) -> str:
        query = " ".join(str(query).split())
        if not query:
            return "Give a user id (like 42) or describe what the person likes (titles, genres, moods)."
        m = USER.match(query)
        if m:
            user = int(m.group(1))
            if user not in self.histories:
                return (f"No user {user}: known users are {self.user_range}. For someone new, describe their "
                        "taste in words instead, e.g. recommend[funny sci-fi like Back to the Future].")
            case = self.user_case(user)
            liked = case.liked(self.rec.weights.profile_items)
            case = self.user_case(user, self._pool(self.space.profile(liked), case.history))
            ranking = order(case.candidates, self.rec.prepare(case).stage1)[:n]
            head = (f"For user {user} (recently liked: " + "; ".join(self.ml.title(i) for i in liked[-3:]) + "):")
        else:
            seeds = tuple(self.mentioned(query))
            profile = self.space.text_profile(query)
            if seeds:
                mix = profile + self.space.profile(seeds)
                profile = mix / max(float(np.linalg.norm(mix)), 1e-9)
            case = Case(0, seeds, (5,) * len(seeds), -1, self._pool(profile, seeds))
            ranking = order(case.candidates, self.rec.prepare(case, profile=profile).stage1)[:n]
            known = f" (titles recognised: {'; '.join(self.ml.title(i) for i in seeds)})" if seeds else ""
            head = f"For the taste '{query[:120]}'{known}:"
        return "\n".join([head, *(f"{k}. {self._line(i)}" for k, i in enumerate(ranking, 1))])

    # -- similar items ----------------------------------------------------------------------

    def similar_items(self, title: str, n: int = 5) -> str:
        item = self.find_movie(title)
        if item is None:
            return "Give a movie title, like Fargo (1996) or Star Wars."
        co = dict(self.rec.knn.similar(item, 50))
        text = dict(self.space.search(self.space.vector(item), 51, exclude=[item]))
        pool = set(co) | set(text)
        top_co = max(co.values(), default=1.0) or 1.0
        score = {i: co.get(i, 0.0) / top_co + text.get(i, 0.0) for i in pool}
        best = sorted(pool, key=lambda i: (-score[i], i))[:n]
        lines = [f"{k}. {self._line(i)} (watched together: {co.get(i, 0.0):.2f}, description: {text.get(i, 0.0):.2f})"
                 for k, i in enumerate(best, 1)]
        return "\n".join([f"Movies like {self.ml.title(item)}:", *lines])

    # -- explain ----------------------------------------------------------------------------

    def explain(self, user_and_item: str) -> str:
        raw = str(user_and_item).strip()
        user_text, item_text = "", ""
        if raw.startswith("{"):
            try:
                data = json.loads(raw)
                user_text, item_text = str(data.get("user", "")), str(data.get("item", ""))
            except (json.JSONDecodeError, AttributeError):
                pass
        elif "," in raw:
            user_text, item_text = (p.strip() for p in raw.split(",", 1))
        m = USER.match(user_text)
        if not m or not item_text:
            return "Write explain[USER, MOVIE], e.g. explain[42, Star Wars (1977)]."
        user = int(m.group(1))
        if user not in self.histories:
            return f"No user {user}: known users are {self.user_range}."
        item = self.find_movie(item_text)
        if item is None:
            return f"No movie matches {item_text!r}."
        history, ratings = self.histories[user]
        title = self.ml.title(item)
        if item in history:
            return f"User {user} has already rated {title}: {ratings[history.index(item)]}/5."
        why = self.reasons(user, item)
        parts = [f"User {user} may like {title}: it is closest to "
                 + " and ".join(f"{self.ml.title(i)} ({s:.2f})" for i, s in why["closest"])
                 + ", movies they liked."]
        parts.append("Shared genres: " + ", ".join(f"{g} ({n} of {why['liked']} liked)" for g, n in why["genres"])
                     + "." if why["genres"] else "It shares no genre with what they liked, so this is a stretch.")
        parts.append(f"Co-watching signal from their liked movies: {why['cowatch']:.2f} (item-kNN).")
        return " ".join(parts)

    def reasons(self, user: int, item: int) -> dict:
        """The evidence ``explain`` states: the two liked movies closest to ``item`` by description
        (with cosine), the item's genres with how many liked movies share each, item-kNN score."""
        history, ratings = self.histories[user]
        liked = [i for i, r in zip(history, ratings) if r >= LIKED] or list(history)
        vec = self.space.vector(item)
        sims = sorted(((float(self.space.vector(i) @ vec), i) for i in liked), reverse=True)[:2]
        counts = Counter(g for i in liked for g in self.ml.movies[i].genres)
        genres = [(g, counts[g]) for g in self.ml.movies[item].genres if g != "unknown" and counts[g]]
        return {"closest": [(i, s) for s, i in sims], "genres": genres, "liked": len(liked),
                "cowatch": float(self.rec.knn.scores(liked, [item])[0])}
