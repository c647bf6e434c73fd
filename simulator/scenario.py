"""Scenarios: teaching units stored as TOML data, and their resolved form.

A scenario file has a ``[scenario]`` table (name, title, question, steps,
seed), an ``[about]`` table of NetLogo-style texts, optional
``[variants.NAME]`` tables for side-by-side comparison, an optional
``[phenomenon]`` table of what it claims to show (:mod:`.phenomenon`), and
then parameter tables (``[society]``, ``[plan]``, ...) checked against the
declarations.
Files are read with ``tomllib`` and treated strictly as data.

``Scenario.to_toml()`` writes the fully resolved scenario (every parameter,
the seed used), so that running the written file reproduces a run exactly.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from .config import Config, flatten, shown, suggest
from .errors import GovsimError, ScenarioError
from .panels import FigureSpec, parse_figure
from .parameters import GROUPS
from .phenomenon import Phenomenon, parse_phenomenon
from .series import SERIES

__all__ = ["Scenario", "load_scenario", "scenario_names", "scenario_dir", "ABOUT_SECTIONS",
           "NAME_PATTERN", "resolve"]

#: The [about] sections, in the order ``govsim show`` prints them.
ABOUT_SECTIONS: tuple[str, ...] = (
    "what_it_is", "how_it_works", "what_to_notice", "things_to_try", "extending_the_model",
)
_META = {"name": str, "title": str, "question": str, "steps": int, "seed": int}
_META_OPTIONAL = {"variant": str}
#: What a scenario's or variant's name may be: it becomes part of a folder name
#: under runs/, so no separators, no leading dot, nothing a shell or a file system
#: treats specially.
NAME_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")
_NAME_RULE = "1 to 64 letters, digits, '_', '.' or '-', not starting with '.' or '-'"


def check_name(name: Any, what: str) -> str:
    """Return ``name`` if it is a safe name (:data:`NAME_PATTERN`), else raise."""
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise ScenarioError(f"{what} must be {_NAME_RULE}; got {shown(name)}")
    return name


@dataclass(frozen=True)
class Scenario:
    """A loaded, validated scenario."""

    name: str
    title: str
    question: str
    steps: int
    seed: int
    about: dict[str, str]
    config: Config
    variants: dict[str, dict[str, Any]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    variant: str | None = None
    source: str = ""
    #: values set with ``with_changes`` (``--set``): they win over any variant's
    overrides: dict[str, Any] = field(default_factory=dict)
    #: what the scenario claims to show, if it says (``[phenomenon]``)
    phenomenon: Phenomenon | None = None
    #: what its figures show (``[figure]``; the standard dashboard if it does not say)
    figure: FigureSpec = field(default_factory=FigureSpec)

    def with_variant(self, variant: str) -> Scenario:
        """The scenario with one of its declared variants applied.

        Values set earlier with :meth:`with_changes` still win: ``--set``
        changes every variant alike.
        """
        if variant not in self.variants:
            known = ", ".join(self.variants) or "none"
            raise ScenarioError(
                f"scenario '{self.name}' has no variant {shown(variant)}"
                f"{suggest(variant, list(self.variants))}; its variants: {known}"
            )
        config = self.config.with_overrides(self.variants[variant]).with_overrides(self.overrides)
        return replace(self, config=config, variant=variant)

    def with_changes(self, *, steps: int | None = None, seed: int | None = None,
                     overrides: dict[str, Any] | None = None) -> Scenario:
        """A copy with other steps, seed or parameter values (validated)."""
        if steps is not None and steps < 0:
            raise ScenarioError(f"--steps must be an integer >= 0, got {steps}")
        overrides = overrides or {}
        return replace(self, steps=self.steps if steps is None else steps,
                       seed=self.seed if seed is None else seed,
                       config=self.config.with_overrides(overrides),
                       overrides={**self.overrides, **overrides})

    def to_toml(self) -> str:
        """The fully resolved scenario as TOML text (no variants: they are applied)."""
        meta = {"name": self.name, "title": self.title, "question": self.question,
                "steps": self.steps, "seed": self.seed}
        if self.variant:
            meta["variant"] = self.variant
        lines = ["# Fully resolved scenario written by govsim: running it reproduces the run.", ""]
        lines += _table("scenario", meta)
        lines += _table("about", self.about)
        for group, values in self.config.nested().items():
            lines += _table(group, values)
        if self.figure.declared:
            simple, own = self.figure.tables()
            lines += _table("figure", simple)
            for panel in own:
                lines += _table("[figure.panel]", panel)
        return "\n".join(lines)


def scenario_dir() -> Path:
    """Where the shipped scenarios live (installed package data or the checkout)."""
    installed = Path(str(resources.files("simulator"))) / "scenarios"
    if installed.is_dir() and any(installed.glob("*.toml")):
        return installed
    return Path(__file__).resolve().parent.parent / "scenarios"


def scenario_names() -> list[str]:
    """Names of the shipped scenarios, sorted."""
    return sorted(p.stem for p in scenario_dir().glob("*.toml"))


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a shipped scenario by name, or any scenario file by path."""
    text = str(name_or_path)
    path = Path(text)
    if "/" in text and path.is_dir():
        raise ScenarioError(f"{text} is a folder, not a scenario file")
    if not (text.endswith(".toml") or path.is_file()):
        path = scenario_dir() / f"{text}.toml"
        if not path.is_file():
            names = scenario_names()
            raise ScenarioError(
                f"no scenario named '{text}'{suggest(text, names)}; "
                f"known scenarios: {', '.join(names)}"
            )
    if not path.is_file():
        raise ScenarioError(f"scenario file not found: {path}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot be read: {exc}") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise ScenarioError(f"{path}: not a usable TOML file: {exc}") from None
    except RecursionError:
        raise ScenarioError(f"{path}: arrays or tables nested too deeply") from None
    try:
        return parse_scenario(data, source=str(path))
    except GovsimError as exc:
        raise type(exc)(f"{path.name}: {exc}") from None
    except RecursionError:
        raise ScenarioError(f"{path.name}: a value is nested too deeply") from None


def parse_scenario(data: dict[str, Any], source: str = "") -> Scenario:
    """Validate TOML-shaped ``data`` and build a :class:`Scenario`."""
    allowed = {"scenario", "about", "variants", "phenomenon", "figure", *GROUPS}
    for key in data:
        if key not in allowed:
            raise ScenarioError(f"unknown table [{key}]{suggest(key, sorted(allowed))}; "
                                f"allowed: {', '.join(sorted(allowed))}")
    meta = data.get("scenario")
    if not isinstance(meta, dict):
        raise ScenarioError("missing [scenario] table (name, title, question, steps, seed)")
    for key in meta:
        if key not in _META and key not in _META_OPTIONAL:
            raise ScenarioError(f"unknown key scenario.{key}{suggest(key, list(_META))}; "
                                f"allowed: {', '.join([*_META, *_META_OPTIONAL])}")
    for key, kind in _META.items():
        if key not in meta:
            raise ScenarioError(f"[scenario] needs '{key}'")
        value = meta[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ScenarioError(f"scenario.{key} must be {'an integer' if kind is int else 'text'}, got {value!r}")
    if meta["steps"] < 0 or not 0 <= meta["seed"] < 2**63:
        raise ScenarioError("scenario.steps must be an integer >= 0 and scenario.seed "
                            "an integer in [0, 2**63 - 1]")
    check_name(meta["name"], "scenario.name")
    if "variant" in meta:
        check_name(meta["variant"], "scenario.variant")
    about = data.get("about", {})
    if not isinstance(about, dict):
        raise ScenarioError("[about] must be a table of texts")
    for key, value in about.items():
        if key not in ABOUT_SECTIONS:
            raise ScenarioError(f"unknown key about.{key}{suggest(key, ABOUT_SECTIONS)}; "
                                f"allowed: {', '.join(ABOUT_SECTIONS)}")
        if not isinstance(value, str):
            raise ScenarioError(f"about.{key} must be text")
    params = {g: t for g, t in data.items() if g in GROUPS}
    config = Config.from_nested(params)
    variants, descriptions = {}, {}
    declared_variants = data.get("variants", {})
    if not isinstance(declared_variants, dict):
        raise ScenarioError(f"variants must be tables [variants.NAME], got {shown(declared_variants)}")
    for vname, table in declared_variants.items():
        check_name(vname, "a variant's name")
        if not isinstance(table, dict):
            raise ScenarioError(f"[variants.{vname}] must be a table, got {shown(table)}")
        table = dict(table)
        description = table.pop("description", "")
        if not isinstance(description, str):
            raise ScenarioError(f"variants.{vname}.description must be text, got {shown(description)}")
        descriptions[vname] = description
        try:
            flat = flatten(table)
            config.with_overrides(flat)  # validate now, not when first used
        except GovsimError as exc:
            raise ScenarioError(f"variant '{vname}': {exc}") from None
        variants[vname] = flat
    phenomenon = parse_phenomenon(data.get("phenomenon"), variants, set(SERIES))
    return Scenario(meta["name"], meta["title"], meta["question"], meta["steps"], meta["seed"],
                    {k: about[k] for k in ABOUT_SECTIONS if k in about}, config,
                    variants, descriptions, meta.get("variant"), source, phenomenon=phenomenon,
                    figure=parse_figure(data.get("figure")))


def _table(name: str, values: dict[str, Any]) -> list[str]:
    out = [f"[{name}]"]
    for key, value in values.items():
        out.append(f"{key} = {_toml_value(value)}")
    out.append("")
    return out


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    # TOML allows no raw control characters in strings but tab (and newline in """)
    escaped = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped)
    if "\n" in text:
        return '"""\n' + escaped + '"""'
    return f'"{escaped}"'


def resolve(scenario: str | Path | Scenario, overrides: Mapping[str, Any] | None = None,
            steps: int | None = None, seed: int | None = None,
            rng: Any = None) -> tuple[Config, int | None, int | None]:
    """A scenario's configuration, steps and seed for a model.

    ``scenario`` is a name, a TOML path or a loaded scenario; ``overrides``
    are applied with full validation; ``steps`` defaults to the scenario's;
    with neither ``seed`` nor ``rng``, the scenario's own seed is used.
    """
    loaded = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    config = loaded.config.with_overrides(overrides) if overrides else loaded.config
    if seed is None and rng is None:
        seed = loaded.seed
    return config, loaded.steps if steps is None else steps, seed
