"""Configuration: a validated, frozen set of parameter values.

A :class:`Config` is what a scenario becomes after validation against the
declarations in :mod:`simulator.parameters`. It is immutable; the model reads
it as ``config.plan.policy`` or ``config["plan.policy"]``. Strict validation
lives here, in one place, so that TOML files, ``--set`` overrides, the
dashboard and sweeps all get the same clear messages.
"""

from __future__ import annotations

import difflib
import math
import reprlib
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from .errors import ParameterError
from .parameters import GROUPS, PARAMETERS, Parameter

__all__ = ["Config", "DELAYS", "validate_value", "parse_override", "suggest", "shown"]

#: The delays: whole steps for the agent model, which queues what happens step by step;
#: real numbers for the twin, whose delays are chains of first-order stages.
DELAYS = ("monitor.delay", "execute.delay", "structure.central_delay")

_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 40
_REPR.maxlevel = 3
_REPR.maxlong = 130  # integers up to 120 digits (see shown) in full


def shown(value: Any) -> str:
    """A short ``repr`` of a user's value for a message, whatever its size or depth.

    An integer of over 120 digits is described by its number of digits (Python refuses to
    convert one of more than 4,300 digits to text); long texts and deep or
    long arrays and tables are cut.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 400:
        return f"an integer of about {int(value.bit_length() * math.log10(2)) + 1} digits"
    try:
        return _REPR.repr(value)
    except (ValueError, RecursionError):
        return f"a {type(value).__name__} too large to show"


def suggest(key: str, known: list[str] | tuple[str, ...] | Mapping[str, Any]) -> str:
    """Return a ``did you mean`` hint for an unknown key, or ''."""
    known = list(known)
    if len(key) > 100:
        return ""
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if not close and "." in key:
        # also try the part after the dot against the names in any group
        tail = key.split(".", 1)[1]
        by_tail = {k.split(".", 1)[-1]: k for k in known}
        hit = difflib.get_close_matches(tail, list(by_tail), n=1, cutoff=0.7)
        close = [by_tail[hit[0]]] if hit else []
    return f" (did you mean '{close[0]}'?)" if close else ""


def _unknown(key: str) -> ParameterError:
    return ParameterError(
        f"unknown parameter {shown(key)}{suggest(key, PARAMETERS)}; "
        f"`govsim show NAME` lists the parameters"
    )


def validate_value(key: str, value: Any) -> Any:
    """Check one value against its declaration and return it in canonical type.

    Raises
    ------
    ParameterError
        If the key is undeclared, or the value has the wrong type or range.
        The message names the key, the value and what is allowed.
    """
    p = PARAMETERS.get(key)
    if p is None:
        raise _unknown(key)
    bad = ParameterError(f"{key} must be {p.allowed()}, got {shown(value)}")
    if p.kind == "bool":
        if not isinstance(value, bool):
            raise bad
        return value
    if p.kind == "choice":
        if value not in p.choices:
            raise bad
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise bad
    if p.kind == "int":
        if isinstance(value, float):
            if not value.is_integer():
                if key in DELAYS and _within(p, value):
                    raise ParameterError(_whole_steps(key, value, p))
                raise bad
            value = int(value)
    else:
        try:
            value = float(value)
        except OverflowError:  # an integer too large for a float
            raise bad from None
        if not math.isfinite(value):
            raise bad
    if not (p.low <= value <= p.high):
        raise bad
    return value


def _within(p: Parameter, value: Any) -> bool:
    """Whether ``value`` is a finite number inside ``p``'s bounds."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            and p.low is not None and p.high is not None and p.low <= value <= p.high)


def _whole_steps(key: str, value: float, p: Parameter) -> str:
    return (f"{key} must be an integer in [{p.low}, {p.high}] for the agent model, whose delays "
            f"are whole steps; got {value:g} (govsim twin and equilibria take real delays)")


def parse_override(text: str, *, real_delays: bool = False) -> tuple[str, Any]:
    """Parse a ``key=value`` command-line override into a typed pair.

    The value is read according to the key's declaration: ``true``/``false``
    for switches, numbers for numeric keys, the bare word for choices. With
    ``real_delays`` (the twin's commands), a delay may be any real number in
    its range, and comes back as a ``float``; otherwise delays are whole steps.
    """
    if "=" not in text:
        raise ParameterError(f"--set expects key=value, got {shown(text)}")
    key, raw = (s.strip() for s in text.split("=", 1))
    p = PARAMETERS.get(key)
    if p is None:
        raise _unknown(key)
    value: Any = raw
    if p.kind == "bool":
        lowered = raw.lower()
        if lowered in ("true", "1", "yes", "on"):
            value = True
        elif lowered in ("false", "0", "no", "off"):
            value = False
    elif p.kind in ("int", "float") and len(raw) <= 100:  # longer: no number in range
        try:
            value = int(raw) if p.kind == "int" else float(raw)
        except ValueError:
            try:
                value = float(raw)
            except ValueError:
                value = raw
    if real_delays and key in DELAYS:
        if not _within(p, value):
            raise ParameterError(f"{key} must be a number in [{p.low}, {p.high}], got {shown(value)}")
        if isinstance(value, float) and not value.is_integer():
            return key, value
    return key, validate_value(key, value)


class _Group:
    """Read-only attribute view of one parameter group (``config.plan``)."""

    __slots__ = ("__dict__", "_name")

    def __init__(self, name: str, values: Mapping[str, Any]):
        object.__setattr__(self, "_name", name)
        # plain attributes: a read is a dict lookup (a step reads dozens)
        prefix = name + "."
        self.__dict__.update({k[len(prefix):]: v for k, v in values.items() if k.startswith(prefix)})

    def __getattr__(self, item: str) -> Any:  # only called for a name that is not there
        raise AttributeError(f"no parameter '{self._name}.{item}'")

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("a Config is frozen; use Config.with_overrides")


class Config(Mapping[str, Any]):
    """Every declared parameter with a validated value; immutable.

    Build one with :meth:`from_mapping` (values not given take their
    declared defaults) and derive variants with :meth:`with_overrides`.
    """

    __slots__ = ("__dict__", "_groups", "_values")
    _groups: dict[str, _Group]
    _values: dict[str, Any]

    def __init__(self, values: Mapping[str, Any]):
        full = {k: p.default for k, p in PARAMETERS.items()}
        for key, value in values.items():
            full[key] = validate_value(key, value)
        _check_consistency(full)
        object.__setattr__(self, "_values", MappingProxyType(full))
        object.__setattr__(self, "_groups", {g: _Group(g, full) for g in GROUPS})
        self.__dict__.update(self._groups)  # config.plan: a plain attribute read

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None = None) -> Config:
        return cls(values or {})

    @classmethod
    def from_nested(cls, tables: Mapping[str, Any]) -> Config:
        """Build from TOML-shaped tables: ``{"plan": {"policy": "pid"}}``."""
        return cls(flatten(tables))

    def with_overrides(self, overrides: Mapping[str, Any]) -> Config:
        merged = dict(self._values)
        for key, value in overrides.items():
            merged[key] = validate_value(key, value)
        return Config(merged)

    def changed(self) -> dict[str, Any]:
        """The values that differ from the declared defaults."""
        return {k: v for k, v in self._values.items() if v != PARAMETERS[k].default}

    def nested(self) -> dict[str, dict[str, Any]]:
        """The values as TOML-shaped tables, in declaration order."""
        out: dict[str, dict[str, Any]] = {g: {} for g in GROUPS}
        for key, value in self._values.items():
            group, name = key.split(".", 1)
            out[group][name] = value
        return out

    def __getattr__(self, group: str) -> _Group:  # only for a name that is not there
        try:
            return self._groups[group]
        except KeyError:
            raise AttributeError(f"no parameter group '{group}'") from None

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("a Config is frozen; use Config.with_overrides")

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Config({self.changed()!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Config) and dict(self._values) == dict(other._values)

    def __hash__(self) -> int:
        return hash(tuple(sorted((k, repr(v)) for k, v in self._values.items())))


def flatten(tables: Mapping[str, Any]) -> dict[str, Any]:
    """Turn ``{"plan": {"policy": "pid"}}`` into ``{"plan.policy": "pid"}``.

    Unknown groups and keys are reported with a suggestion.
    """
    flat: dict[str, Any] = {}
    for group, table in tables.items():
        if group not in GROUPS:
            raise ParameterError(
                f"unknown parameter table [{group if len(group) <= 60 else shown(group)}]"
                f"{suggest(group, GROUPS)}; "
                f"tables are: {', '.join(GROUPS)}"
            )
        if not isinstance(table, Mapping):
            raise ParameterError(f"[{group}] must be a table of parameters, got {shown(table)}")
        for name, value in table.items():
            flat[f"{group}.{name}"] = value
    return flat


def _check_consistency(values: Mapping[str, Any]) -> None:
    """Cross-parameter rules that single ranges cannot express."""
    k = values["society.districts_per_side"]
    g = values["structure.granularity"]
    if k % g:
        raise ParameterError(
            f"structure.granularity must divide society.districts_per_side ({k}), got {g}"
        )
    agents, density = values["society.agents"], values["society.density"]
    side = math.ceil(math.sqrt(agents / density))
    if side < k:
        raise ParameterError(
            f"society.districts_per_side must be at most the grid side ({side} for "
            f"{agents} agents at density {density:g}), got {k}"
        )


def declared(key: str) -> Parameter:
    """Return a declaration, raising a :class:`ParameterError` with a hint."""
    try:
        return PARAMETERS[key]
    except KeyError:
        raise _unknown(key) from None
