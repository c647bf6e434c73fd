"""Write the command-line reference, docs/cli.md, from govsim's own argument parser.

    python docs/cli_reference.py            # writes docs/cli.md
    python docs/cli_reference.py --check    # exit status 1 if docs/cli.md is stale

The page is built from :func:`simulator.cli.main._build_parser`, the parser
``govsim`` itself uses: every command, its help line, its usage and each of its
arguments with its help text. It is written from the parser's declarations, not
from argparse's formatted ``--help`` (which wraps to the terminal and changes
between Python versions), so the same code gives the same page anywhere.
``tests/test_docs_site.py`` checks that the committed page is what this script
writes now.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simulator.cli.main import _build_parser

DOCS = Path(__file__).resolve().parent
PAGE = DOCS / "cli.md"
#: The longest line of a usage block.
WIDTH = 88


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str, argparse.ArgumentParser]]:
    """``(name, help, parser)`` of every subcommand, in the order they were added."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            return [(name, helps.get(name, ""), sub) for name, sub in action.choices.items()]
    return []


def _shown(action: argparse.Action) -> bool:
    return action.help is not argparse.SUPPRESS and not isinstance(
        action, argparse._HelpAction | argparse._SubParsersAction)


def _metavar(action: argparse.Action) -> str:
    if action.metavar is not None:
        return str(action.metavar)
    if action.choices is not None:
        return "{" + ",".join(str(c) for c in action.choices) + "}"
    return action.dest if not action.option_strings else action.dest.upper()


def _takes(action: argparse.Action) -> str:
    """What follows the flag (or the positional's name), argparse's way: ``M``, ``[M]``, ``[M ...]``."""
    if action.nargs == 0:
        return ""
    m = _metavar(action)
    return {None: m, "?": f"[{m}]", "*": f"[{m} ...]", "+": f"{m} [{m} ...]"}.get(
        action.nargs, " ".join([m] * action.nargs) if isinstance(action.nargs, int) else m)


def _spelled(action: argparse.Action) -> str:
    """The argument as a user types it: ``--steps STEPS``, ``--no-plot``, ``scenario``."""
    if not action.option_strings:
        return _takes(action)
    takes = _takes(action)
    return ", ".join(f"{flag} {takes}".rstrip() for flag in action.option_strings)


def _usage(prog: str, parser: argparse.ArgumentParser) -> str:
    """The usage line, options before positionals, wrapped at :data:`WIDTH` between arguments."""
    parts = []
    actions = [a for a in parser._actions if _shown(a)]
    for action in actions:
        if action.option_strings:
            text = f"{action.option_strings[0]} {_takes(action)}".rstrip()
            parts.append(text if action.required else f"[{text}]")
    for action in actions:
        if not action.option_strings:
            parts.append(_takes(action))
    lines, line = [], prog
    for part in parts:
        if len(line) + 1 + len(part) > WIDTH and line.strip():
            lines.append(line)
            line = " " * (len(prog) + 1) + part
        else:
            line = f"{line} {part}"
    return "\n".join([*lines, line])


def _help(action: argparse.Action, prog: str) -> str:
    """The help text with argparse's ``%(default)s``-style fields filled in, as argparse would."""
    text = action.help or ""
    if "%" in text:
        fields = {k: v for k, v in vars(action).items() if v is not argparse.SUPPRESS}
        fields["prog"] = prog
        if action.choices is not None:
            fields["choices"] = ", ".join(str(c) for c in action.choices)
        text = text % fields
    if action.required and action.option_strings:
        text += " (required)"
    return " ".join(text.split())


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell: no HTML tags (``runs/<scenario>``), no column breaks."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _arguments(parser: argparse.ArgumentParser, prog: str) -> list[str]:
    actions = [a for a in parser._actions if _shown(a)]
    actions = [a for a in actions if not a.option_strings] + [a for a in actions if a.option_strings]
    if not actions:
        return ["It takes no arguments.", ""]
    rows = ["| argument | meaning |", "| --- | --- |"]
    rows += [f"| `{_spelled(a)}` | {_cell(_help(a, prog))} |" for a in actions]
    return [*rows, ""]


def page() -> str:
    """The text of docs/cli.md."""
    parser = _build_parser()
    commands = _subcommands(parser)
    lines = [
        "# Command-line reference",
        "",
        "Generated from the parser of `govsim` (`simulator/cli/`) by `python docs/cli_reference.py`;",
        "do not edit by hand. `govsim` and `python -m simulator` are the same program. Every command",
        "also takes `-h` / `--help`, which prints this text in the terminal.",
        "",
        _cell(" ".join((parser.description or "").split())),
        "",
        "```text",
        _usage(parser.prog, parser) + " COMMAND ...",
        "```",
        "",
        *_arguments(parser, parser.prog),
        _cell(" ".join((parser.epilog or "").split())),
        "",
        "| command | what it does |",
        "| --- | --- |",
        *[f"| [`{name}`](#govsim-{name}) | {_cell(' '.join(help_.split()))} |" for name, help_, _ in commands],
        "",
    ]
    for name, help_, sub in commands:
        text = " ".join(help_.split())
        lines += [f"## govsim {name}", "", _cell(text[:1].upper() + text[1:]) + ".", "",
                  "```text", _usage(sub.prog, sub), "```", "", *_arguments(sub, sub.prog)]
        if sub.epilog:
            lines += [_cell(" ".join(sub.epilog.split())), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether docs/cli.md is current")
    args = parser.parse_args(argv)
    text = page()
    if args.check:
        current = PAGE.is_file() and PAGE.read_text(encoding="utf-8") == text
        print(f"{PAGE} is {'current' if current else 'stale: run python docs/cli_reference.py'}")
        return 0 if current else 1
    PAGE.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
