"""The tools (rule-based fallback and model-backed through a stub backend), the news search, the agent."""

from __future__ import annotations

from dataclasses import replace

from react_core import Agent
from react_core.agent.testing import ScriptedBackend

from react_finance.analyzer import LexiconAnalyzer, ModelAnalyzer
from react_finance.lexicon import lexicon_entities, lexicon_sentiment
from react_finance.spec import SPEC
from react_finance.tools import make_tools


class EchoGeneration:
    def __init__(self, text: str) -> None:
        self.text = text


class StubBackend:
    """A GenerationBackend that answers the domain's two prompts and records the calls."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def generate(self, prompt: str, **kwargs):
        self.calls.append({"prompt": prompt, **kwargs})
        if prompt.endswith("\nSentiment:"):
            return EchoGeneration(" negative" if "fell" in prompt else " positive")
        return EchoGeneration(" ORG: Reuters; LOC: Oslo")


def by_name(tools) -> dict:
    return {t.name: t for t in tools}


def test_fallback_tools_say_they_are_rules() -> None:
    tools = by_name(make_tools())
    assert set(tools) == {"sentiment", "entities"}
    assert tools["sentiment"]("Operating profit rose to EUR 5 mn") == "positive (rule-based fallback, no model attached)"
    assert tools["sentiment"]("Net sales fell 10 % and the company warned on profit").startswith("negative")
    assert tools["sentiment"]("The meeting is on Tuesday").startswith("neutral")
    out = tools["entities"]("Reuters said Nokia Oyj will open a plant in Helsinki")
    assert out == "ORG: Reuters; ORG: Nokia Oyj; LOC: Helsinki (rule-based fallback, no model attached)"
    assert tools["sentiment"]("   ").startswith("Give the news text") and tools["entities"]("").startswith("Give")


def test_lexicon_rules() -> None:
    assert lexicon_sentiment("Operating loss decreased")[0] != "negative"  # a shrinking loss is not bad news
    assert lexicon_sentiment("The company did not miss its target")[0] == "positive"
    assert ("PER", "Pekka Lundmark") in lexicon_entities("chief executive Pekka Lundmark told investors")
    assert ("MISC", "German") in lexicon_entities("EU rejects German call")
    assert lexicon_entities("$TSLA jumps") == [("ORG", "TSLA")]


def test_model_backed_tools_use_the_domain_prompts_and_adapter() -> None:
    backend = StubBackend()
    tools = by_name(make_tools(analyzer=ModelAnalyzer(backend, adapter="finance")))
    assert tools["sentiment"]("Shares fell 9 %") == "negative (finance adapter)"
    assert tools["entities"]("Reuters reported from Oslo") == "ORG: Reuters; LOC: Oslo (finance adapter)"
    assert backend.calls[0]["prompt"] == "Financial news: Shares fell 9 %\nSentiment:"
    assert backend.calls[1]["prompt"] == "Sentence: Reuters reported from Oslo\nEntities:"
    assert all(c["adapter"] == "finance" and c["stop"] == ["\n"] for c in backend.calls)


def test_model_analyzer_queues_requests_together_when_it_can() -> None:
    class Handle:
        def __init__(self, text: str) -> None:
            self._text = text

        def result(self):
            return EchoGeneration(self._text)

    class Queueing:
        def __init__(self) -> None:
            self.submitted: list[str] = []

        def submit(self, prompt: str, **kwargs):
            self.submitted.append(prompt)
            return Handle(" neutral")

    backend = Queueing()
    labels = ModelAnalyzer(backend).sentiments([f"item {i}" for i in range(300)])
    assert labels == ["neutral"] * 300 and len(backend.submitted) == 300
    assert LexiconAnalyzer().sentiments(["profit rose", "loss widened"]) == ["positive", "negative"]


def test_search_news_finds_the_item_and_the_agent_cites_it(news_index) -> None:
    tools = by_name(make_tools(news_index))
    out = tools["search_news"]("Northwind Metals smelter fire")
    assert "[metals_and_mining.md#1]" in out.split("\n")[0]
    backend = ScriptedBackend([
        " I will search the news archive.\nAction: search_news[Northwind Metals smelter fire]",
        " I will score the headline.\nAction: sentiment[Northwind Metals cuts output guidance after smelter fire]",
        " I can answer now.\nFinal Answer: negative for investors (source: [metals_and_mining.md#1])",
    ])
    spec = replace(SPEC, tools=lambda: make_tools(news_index))
    result = Agent.from_domain(backend, spec, adapter=None).run("What happened at Northwind Metals?")
    assert result.ok and result.answer.startswith("negative for investors")
    search, score, _ = result.steps
    assert search.observation.startswith("[metals_and_mining.md#1]")
    assert score.observation.endswith("(rule-based fallback, no model attached)")
    prompt = backend.calls[0].prompt
    assert "search_news" in prompt and "entities" in prompt and "financial news analyst" in prompt


def test_agent_tools_run_the_finance_adapter_on_the_agents_backend(news_index) -> None:
    from react_core import ToolContext

    from react_finance.spec import build_tools

    backend = StubBackend()
    tools = by_name(build_tools(news_index, context=ToolContext(backend=backend, adapter="finance", domain="finance")))
    assert tools["sentiment"]("Shares fell 9 %") == "negative (finance adapter)"
    assert tools["entities"]("Reuters in Oslo") == "ORG: Reuters; LOC: Oslo (finance adapter)"
    assert [call["adapter"] for call in backend.calls] == ["finance", "finance"]  # the policy's alpha is 0
    merged = by_name(build_tools(news_index, context=ToolContext(backend=backend, adapter="finance=0.5+medical=0.5")))
    assert merged["sentiment"]("Shares fell") == "negative (finance adapter)" and backend.calls[-1]["adapter"] == "finance"


def test_agent_tools_fall_back_to_rules_without_the_finance_adapter(news_index) -> None:
    from react_core import ToolContext

    from react_finance.spec import build_tools

    backend = StubBackend()
    for adapter in (None, "medical", "not a spec=="):
        tools = by_name(build_tools(news_index, context=ToolContext(backend=backend, adapter=adapter)))
        assert tools["sentiment"]("Shares fell 9 %").endswith("(rule-based fallback, no model attached)")
    assert by_name(build_tools(news_index))["sentiment"]("profit rose").startswith("positive (rule-based")
    assert backend.calls == []


def test_tools_score_the_users_passage_when_the_models_copy_is_garbled(news_index) -> None:
    from react_finance.tools import user_text

    question = "Is this good or bad news for investors? Net sales fell 10 % and the company warned on profit"
    backend = ScriptedBackend([
        " I will score the sentence.\nAction: sentiment[ORG: Net sales; ORG: company]",  # garbled copy
        " I will list the names.\nAction: entities[Net sales fell 10 %]",  # a true part of the message
        " I can answer now.\nFinal Answer: Sentiment: positive. Sales grew.",
    ])
    spec = replace(SPEC, tools=lambda: make_tools(news_index))
    result = Agent.from_domain(backend, spec, adapter=None).run(question)
    score, names, _ = [s for s in result.steps if s.kind == "react"]
    assert score.observation == "negative (rule-based fallback, no model attached)"  # the garble alone: neutral
    assert LexiconAnalyzer().sentiments(["ORG: Net sales; ORG: company"]) == ["neutral"]
    assert names.observation == "none (rule-based fallback, no model attached)"  # kept: it is in the message
    # the sentiment_record guard makes the answer state what the tool returned
    assert result.answer == "Sentiment: negative. Sales grew."
    assert user_text("ORG: garbled") == "ORG: garbled"  # outside a run nothing is replaced


def test_user_text_keeps_text_read_elsewhere(news_index) -> None:
    from react_finance.tools import user_text

    seen: list[str] = []
    probe = replace(SPEC, tools=lambda: make_tools(news_index) + [_probe(seen, user_text)])
    for question, text in [("Has there been negative news about Northwind Metals?",  # no passage in the message
                            "Northwind Metals cuts output guidance after smelter fire"),
                           ("What is the sentiment of: profit up", "ORG: x"),  # a passage under three words
                           ("What does the archive say about Lumen? And is that bad for the stock?", "Lumen shuts")]:
        backend = ScriptedBackend([f" I check.\nAction: probe[{text}]", " I can answer now.\nFinal Answer: done"])
        Agent.from_domain(backend, probe, adapter=None).run(question)
    assert seen == ["Northwind Metals cuts output guidance after smelter fire", "ORG: x", "Lumen shuts"]


def _probe(seen: list[str], user_text):
    from react_core import Tool

    return Tool("probe", "Records what user_text makes of its input.", lambda text: seen.append(user_text(text)) or "ok")
