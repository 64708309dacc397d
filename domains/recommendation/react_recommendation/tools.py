"""The agent's tools: ``recommend``, ``similar_items`` and ``explain`` over a :class:`Service`.

Every input is validated by the service; a bad user id or an unknown title becomes an
observation that says what to write instead, never an exception.
"""

from __future__ import annotations

from react_core import Tool, tool

from react_recommendation.service import Service


def make_tools(service: Service) -> list[Tool]:
    @tool
    def recommend(user_or_taste: str) -> str:
        """Recommend movies for a known user (their id, like 42) or for someone new described in words.

        Args:
            user_or_taste: A user id like 42, or the person's taste in words (titles, genres, moods).
        """
        return service.recommend(user_or_taste)

    @tool
    def similar_items(title: str) -> str:
        """Movies like a given one (watched by the same people, or with a similar description).

        Args:
            title: A movie title, like Fargo (1996) or Star Wars.
        """
        return service.similar_items(title)

    @tool
    def explain(user_and_movie: str) -> str:
        """Why a user may like a movie, from the movies in their history: write explain[USER, MOVIE].

        Args:
            user_and_movie: The user id and the movie title separated by a comma, like 42, Star Wars (1977).
        """
        return service.explain(user_and_movie)

    return [recommend, similar_items, explain]
