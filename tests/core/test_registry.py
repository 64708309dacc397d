"""The plugin registry: registration, isolation of broken plugins, selection and tracing."""

from __future__ import annotations

import types

import pytest

from react_core import DomainSpec, PluginError, hookimpl, new_registry
from react_core.hookspecs import HOOK_NAMES
from react_core.registry import load_plugins


def _plugin(**hooks) -> types.SimpleNamespace:
    """A throwaway plugin object whose attributes are hook implementations."""
    return types.SimpleNamespace(**{name: hookimpl(fn) for name, fn in hooks.items()})


def _domain_plugin(name: str) -> types.SimpleNamespace:
    def react_register_domains(register):
        register(DomainSpec(name=name, description=f"the {name} domain", example_queries=["q"]))

    return _plugin(react_register_domains=react_register_domains)


def test_domains_are_registered_and_recorded() -> None:
    reg = new_registry([("banking", _domain_plugin("banking"))])
    assert reg.domain("banking").description == "the banking domain"
    record = reg.records["banking"]
    assert record.status == "ok" and record.domains == ["banking"]
    assert record.hooks == ["react_register_domains"]


def test_unknown_domain_lists_available() -> None:
    reg = new_registry([("banking", _domain_plugin("banking"))])
    with pytest.raises(KeyError, match="available: banking"):
        reg.domain("weather")


def test_a_raising_plugin_is_reported_and_others_keep_working() -> None:
    def boom(register):
        raise RuntimeError("database missing")

    reg = new_registry([("bad", _plugin(react_register_domains=boom)), ("good", _domain_plugin("good"))])
    assert reg.records["bad"].status == "error"
    assert "RuntimeError: database missing" in reg.records["bad"].error
    assert "good" in reg.domains
    assert [r.name for r in reg.errors()] == ["bad"]


def test_invalid_spec_rejects_the_whole_plugin() -> None:
    def two(register):
        register(DomainSpec(name="fine", description="ok"))
        register(DomainSpec(name="Bad Name", description=""))

    reg = new_registry([("two", _plugin(react_register_domains=two))])
    err = reg.records["two"].error
    assert reg.records["two"].status == "error"
    assert "name 'Bad Name'" in err and "description must be" in err
    assert "fine" not in reg.domains  # nothing half-registered
    assert reg.pm.get_plugin("two") is None


def test_register_wrong_type_is_an_error() -> None:
    reg = new_registry([("odd", _plugin(react_register_domains=lambda register: register({"name": "x"})))])
    assert "takes a DomainSpec" in reg.records["odd"].error


def test_duplicate_domain_names_fail_the_second_plugin() -> None:
    reg = new_registry([("first", _domain_plugin("banking")), ("second", _domain_plugin("banking"))])
    assert reg.records["first"].status == "ok"
    assert reg.records["second"].status == "error"
    assert "already registered by first" in reg.records["second"].error


def test_a_hook_with_an_unknown_name_is_an_error() -> None:
    reg = new_registry([("typo", _plugin(react_register_domain=lambda register: None))])
    assert reg.records["typo"].status == "error"
    assert "react_register_domain" in reg.records["typo"].error


def test_strict_mode_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REACT_STRICT_PLUGINS", "1")
    def boom(register):
        raise ValueError("nope")

    with pytest.raises(PluginError, match="plugin 'bad'.*nope"):
        new_registry([("bad", _plugin(react_register_domains=boom))])


def test_tracing_prints_hook_calls(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("REACT_TRACE_PLUGINS", "1")
    new_registry([("traced", _domain_plugin("traced"))])
    err = capsys.readouterr().err
    assert "traced.react_register_domains()" in err


def test_tools_and_backends_hooks_register() -> None:
    class Echo:
        name = "echo"
        def __call__(self, text: str) -> str:
            return text

    reg = new_registry([("p", _plugin(
        react_register_tools=lambda register: register(Echo()),
        react_register_backends=lambda register: register("fake", lambda **kw: object()),
    ))])
    assert reg.tools["echo"]("hi") == "hi"
    assert callable(reg.backends["fake"])
    assert reg.records["p"].tools == ["echo"] and reg.records["p"].backends == ["fake"]


def test_a_nameless_tool_is_rejected() -> None:
    reg = new_registry([("p", _plugin(react_register_tools=lambda register: register(print)))])
    assert "needs a non-empty str `name`" in reg.records["p"].error


def test_model_sources_hook_registers_a_source() -> None:
    from react_core.models.sources import ResolvedModel, resolve_model

    class Fixed:
        name, kind, description, aliases = "fixed", "causal-lm", "a fixed model", ("fixed-alias",)
        def resolve(self, cache_dir):
            return ResolvedModel("fixed", "/nowhere", "causal-lm", "fp:1", "test")

    reg = new_registry([("p", _plugin(react_register_model_sources=lambda register: register(Fixed())))])
    assert resolve_model("fixed-alias", registry=reg).fingerprint == "fp:1"


def test_commands_hook_adds_a_command() -> None:
    from typer.testing import CliRunner

    from react_core.cli import build_app

    def react_register_commands(app):
        @app.command("hello")
        def hello() -> None:
            print("hello from a plugin")

    reg = new_registry([("p", _plugin(react_register_commands=react_register_commands))])
    result = CliRunner().invoke(build_app(reg), ["hello"])
    assert result.exit_code == 0 and "hello from a plugin" in result.output


def test_a_broken_commands_hook_is_reported_and_the_cli_still_works() -> None:
    from typer.testing import CliRunner

    from react_core.cli import build_app

    def react_register_commands(app):
        raise ImportError("no module named rich_extra")

    reg = new_registry([("p", _plugin(react_register_commands=react_register_commands))])
    app = build_app(reg)
    assert reg.records["p"].status == "error" and "rich_extra" in reg.records["p"].error
    assert CliRunner().invoke(app, ["plugins", "--json"]).exit_code == 0


HOOK_TESTS = {
    "react_register_domains": test_domains_are_registered_and_recorded,
    "react_register_tools": test_tools_and_backends_hooks_register,
    "react_register_backends": test_tools_and_backends_hooks_register,
    "react_register_model_sources": test_model_sources_hook_registers_a_source,
    "react_register_commands": test_commands_hook_adds_a_command,
}


def test_every_hook_is_documented_and_tested() -> None:
    from react_core import hookspecs

    assert set(HOOK_TESTS) == set(HOOK_NAMES), "add a test for each new hook to HOOK_TESTS"
    specs = {n for n in dir(hookspecs) if n.startswith("react_")}
    assert specs == set(HOOK_NAMES), "HOOK_NAMES must list every hookspec"
    for name in HOOK_NAMES:
        doc = getattr(hookspecs, name).__doc__ or ""
        assert len(doc) > 20, f"{name} needs a docstring"


def test_load_plugins_is_idempotent() -> None:
    assert load_plugins() is load_plugins()
    assert load_plugins(reload=True) is not None


def test_builtins_are_plugins_too() -> None:
    reg = new_registry()
    assert reg.records["react_core.models.builtin"].builtin
    assert {"gemma-3-270m", "all-MiniLM-L6-v2"} <= set(reg.model_sources)
