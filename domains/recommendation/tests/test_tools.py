"""The tools on the fake catalogue: known users, free-text tastes, similar items, explanations, bad input."""

from __future__ import annotations

from react_recommendation.tools import make_tools


def _tools(service):
    return {t.name: t for t in make_tools(service)}


def test_recommend_for_a_known_user_excludes_what_they_rated(service) -> None:
    out = _tools(service)["recommend"]("user 3")
    lines = out.split("\n")
    assert lines[0].startswith("For user 3 (recently liked:") and len(lines) == 6
    rated = {service.ml.title(i) for i in service.histories[3][0]}
    assert not any(line.split(". ", 1)[1].split(". Genres:")[0] in rated for line in lines[1:])


def test_recommend_for_a_new_user_in_free_text_uses_titles_it_recognises(service) -> None:
    out = _tools(service)["recommend"]("I loved Star Wars, more space adventures please")
    assert "titles recognised: Star Wars (1977)" in out
    assert "Return of the Jedi (1983)" in out  # watched together with Star Wars by everyone
    assert "1. Star Wars (1977)" not in out  # a title the person named is not recommended back


def test_bad_inputs_become_helpful_observations(service) -> None:
    tools = _tools(service)
    assert "No user 999: known users are 1-12" in tools["recommend"]("999")
    assert "Give a user id" in tools["recommend"]("  ")
    assert "Write explain[USER, MOVIE]" in tools["explain"]("Star Wars")
    assert "No user 77" in tools["explain"]("77, Fargo")
    assert "Give a movie title" in tools["similar_items"]("")


def test_similar_items_resolves_titles_loosely(service) -> None:
    tools = _tools(service)
    for query in ("Star Wars (1977)", "star wars", "1"):
        out = tools["similar_items"](query)
        assert out.startswith("Movies like Star Wars (1977):")
        assert "1. Return of the Jedi (1983)" in out
    assert tools["similar_items"]("The English Patient").startswith("Movies like The English Patient (1996)")


def test_explain_is_grounded_in_the_users_history(service) -> None:
    tools = _tools(service)
    rated = service.histories[4][0]
    unseen = next(i for i in service.ml.movies if i not in rated and i > 6)
    title = service.ml.title(unseen)
    out = tools["explain"](f"4, {title}")
    assert out.startswith(f"User 4 may like {title}: it is closest to ")
    liked = [service.ml.title(i) for i, r in zip(*service.histories[4]) if r >= 4]
    closest = out.split("closest to ", 1)[1].split(", movies they liked")[0]
    assert any(t in closest for t in liked)
    assert "item-kNN" in out
    assert "has already rated Star Wars (1977)" in tools["explain"]('{"user": "4", "item": "Star Wars"}')
