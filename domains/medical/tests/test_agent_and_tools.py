"""The tools and the safe agent, driven by a scripted backend (no model)."""

from __future__ import annotations

from dataclasses import replace

from react_core.agent import AgentConfig
from react_core.agent.testing import ScriptedBackend

from react_medical import safety
from react_medical.agent import MedicalAgent, retrieved_sources
from react_medical.spec import SPEC
from react_medical.tools import make_tools


def tools_by_name(literature_index, guides_index=None) -> dict:
    return {t.name: t for t in make_tools(literature_index, guides_index)}


def test_search_literature_returns_pmid_cited_abstracts(literature_index) -> None:
    search = tools_by_name(literature_index)["search_literature"]
    out = search("statins dementia study 10 effect")
    lines = out.splitlines()
    assert 1 <= len(lines) <= 3 and all(line.startswith("[PMID:") for line in lines)
    assert len({line.split("]")[0] for line in lines}) == len(lines)  # one line per abstract
    assert "[PMID:1000010]" in out
    assert "needs a query" in search("   ")


def test_search_guides_and_check_safety(literature_index, guides_index) -> None:
    tools = tools_by_name(literature_index, guides_index)
    assert tools["search_guides"]("association causation confounders").startswith("[")
    assert tools["check_safety"]("I want to kill myself").startswith("EMERGENCY (suicide)")
    assert "do not give a dose" in tools["check_safety"]("how many mg of lorazepam should I take")
    assert tools["check_safety"]("Do statins prevent dementia?").startswith("No emergency")


def agent_for(backend, literature_index, guides_index=None, **kwargs) -> MedicalAgent:
    spec = replace(SPEC, tools=lambda: make_tools(literature_index, guides_index))
    return MedicalAgent.from_domain(backend, spec, adapter=None, **kwargs)


def test_answer_cites_a_retrieved_pmid_and_gets_the_disclaimer(literature_index) -> None:
    backend = ScriptedBackend([
        " I will search the literature.\nAction: search_literature[statins dementia study 10]",
        " [PMID:1000010] answers it.\nFinal Answer: Yes. The statin group differed [PMID:1000010]",
    ])
    out = agent_for(backend, literature_index).run("Do statins reduce dementia risk?")
    assert out.outcome == "answer" and "1000010" in out.retrieved
    assert out.answer.startswith("Yes. The statin group differed [PMID:1000010]")
    assert safety.UNSOURCED not in out.answer and out.answer.endswith(safety.DISCLAIMER)
    assert "search_literature" in backend.calls[0].prompt and "check_safety" in backend.calls[0].prompt


def test_invented_pmids_and_uncited_claims_are_marked(literature_index) -> None:
    backend = ScriptedBackend([
        " Search.\nAction: search_literature[aspirin stroke]",
        " Done.\nFinal Answer: No. Aspirin doubles stroke risk [PMID:424242]. It also cures headaches.",
    ])
    # the domain's review on its own (the core's grounding check off) marks what it cannot source
    out = agent_for(backend, literature_index, config=AgentConfig(grounding=False)).run("Does aspirin prevent stroke?")
    assert "[PMID:424242: not retrieved, unverified]" in out.answer
    assert out.answer.count(safety.UNSOURCED) == 3 and out.policy.unsourced == 3


def test_an_invented_pmid_never_reaches_the_answer(literature_index) -> None:
    backend = ScriptedBackend([
        " Search.\nAction: search_literature[aspirin stroke]",
        " Done.\nFinal Answer: No. Aspirin doubles stroke risk [PMID:424242]. It also cures headaches.",
        " Aspirin doubles stroke risk [PMID:424242].",  # the rewrite repeats it: the answer is extracted
    ])
    out = agent_for(backend, literature_index).run("Does aspirin prevent stroke?")
    assert out.result.grounding["unsupported"] == ["PMID:424242"] and out.result.grounding["repair"] == "extracted"
    assert "424242" not in out.answer and "[PMID:1000001]" in out.answer
    assert "repair_thought" not in backend.calls[2].prompt and "PMID:424242, which no observation" in backend.calls[2].prompt


def test_an_answer_without_any_search_is_all_unsourced() -> None:
    backend = ScriptedBackend([" I know this.\nFinal Answer: Yes, coffee is safe."])
    out = MedicalAgent.from_domain(backend, replace(SPEC, tools=[]), adapter=None).run("Is coffee safe?")
    assert out.answer.startswith(f"Yes, coffee is safe. {safety.UNSOURCED}") and out.retrieved == ()


def test_emergency_and_prescription_dosing_never_reach_the_model(literature_index) -> None:
    backend = ScriptedBackend([" should not be called\nFinal Answer: take 10 mg"])
    agent = agent_for(backend, literature_index)
    emergency = agent.run("My husband is having a seizure and won't wake up")
    dosing = agent.run("What's the max dose of oxycodone I can take?")
    assert emergency.outcome == "emergency" and "911" in emergency.answer
    assert [(s.kind, s.action) for s in emergency.result.steps] == [("guard", "medical_emergency")]
    assert [(s.kind, s.action) for s in dosing.result.steps] == [("guard", "medical_policy")]
    assert dosing.outcome == "dosing_refused" and "oxycodone" in dosing.answer
    assert backend.calls == []


def test_dosing_instructions_in_an_answer_are_removed(literature_index) -> None:
    backend = ScriptedBackend([
        " Search.\nAction: search_literature[exercise depression]",
        " Done.\nFinal Answer: Maybe [PMID:1000004]. You should take 50 mg of sertraline daily.",
    ])
    out = agent_for(backend, literature_index).run("Does exercise help depression?")
    assert "50 mg" not in out.answer and safety.REDACTED in out.answer and out.policy.redacted == 1


def test_retrieved_sources_read_only_search_observations(literature_index) -> None:
    backend = ScriptedBackend([
        " Check.\nAction: check_safety[Does yoga help asthma? see PMID:55555]",
        " Search.\nAction: search_literature[yoga asthma]",
        " Done.\nFinal Answer: Maybe [PMID:1000009].",
    ])
    out = agent_for(backend, literature_index).run("Does yoga help asthma?")
    assert out.result is not None and "55555" not in retrieved_sources(out.result)
    assert "1000009" in out.retrieved


def test_literature_index_is_cached_and_rebuilt_when_its_inputs_change(data_dir, tmp_path, monkeypatch) -> None:
    from react_core.retrieval import HashingEmbedder, read_manifest

    from react_medical import literature

    path = tmp_path / "index"
    first = literature.load_or_build(data_dir, embedder=HashingEmbedder(64), path=path)
    created = read_manifest(path)["created"]
    assert len(first.documents()) == 52 and first.manifest is None  # built, not loaded
    again = literature.load_or_build(data_dir, embedder=HashingEmbedder(64), path=path)
    assert again.manifest is not None and again.manifest["created"] == created  # loaded from disk
    monkeypatch.setattr(literature, "CHUNKING", {"max_chars": 300, "overlap": 0, "markdown": True})
    rebuilt = literature.load_or_build(data_dir, embedder=HashingEmbedder(64), path=path)
    assert rebuilt.manifest is None and read_manifest(path)["chunking"]["max_chars"] == 300


def test_the_core_agent_enforces_the_policy_without_medical_agent(literature_index) -> None:
    """``react chat`` / ``react serve`` build plain core agents: the guards on the spec apply there."""
    from react_core import Agent

    backend = ScriptedBackend([
        " Search.\nAction: search_literature[exercise depression]",
        " Done.\nFinal Answer: Maybe [PMID:1000004]. You should take 50 mg of sertraline daily.",
    ])
    spec = replace(SPEC, tools=lambda: make_tools(literature_index, None))
    result = Agent.from_domain(backend, spec, adapter=None).run("Does exercise help depression?")
    assert result.ok and "50 mg" not in result.answer and safety.REDACTED in result.answer
    assert result.answer.endswith(safety.DISCLAIMER)
    assert result.steps[-1].action == "medical_policy"


def test_react_chat_in_another_domain_still_screens_emergencies() -> None:
    from react_core import DomainSpec, hookimpl, new_registry
    from react_core.agent import AgentConfig
    from react_core import build_agent

    import react_medical.plugin

    class Bank:
        @hookimpl
        def react_register_domains(self, register) -> None:
            register(DomainSpec("bank", "Banking questions."))

    registry = new_registry([("medical", react_medical.plugin), ("bank", Bank())], defaults=False)
    backend = ScriptedBackend([" Sure.\nFinal Answer: Your card is on its way."])
    agent = build_agent(registry, backend, "bank", AgentConfig())
    emergency = agent.run("I lost my card and now I want to kill myself")
    assert "emergency" in emergency.answer.lower() and backend.calls == []
    assert agent.run("Where is my card?").answer == "Your card is on its way."  # no disclaimer outside medical


def test_every_question_gets_the_literature_search_before_the_model(literature_index) -> None:
    backend = ScriptedBackend([" Found.\nFinal Answer: Yes [PMID:1000010]."])
    out = agent_for(backend, literature_index).run("Do statins reduce dementia risk?")
    first = out.result.steps[0]
    assert (first.kind, first.action, first.action_input) == ("policy", "search_literature",
                                                              "Do statins reduce dementia risk?")
    assert "Action: search_literature[Do statins reduce dementia risk?]" in backend.calls[0].prompt
