"""MkDocs hooks for the documentation site (``hooks:`` in mkdocs.yml); nothing here runs otherwise.

* The home page is the project's README. ``docs/index.md`` says so to a reader of the
  repository; when the site is built its text is replaced by README.md's, led by a line that
  names the site's parts (below 1220 pixels Material folds its navigation into a menu). A link
  into ``docs/`` loses that prefix (``docs/design.md`` becomes the site's ``design.md``); a
  link to another file of the repository goes to that file in the repository's source view.
* The docstrings are numpydoc with Sphinx's cross-reference roles (``:func:`run_once```),
  which mkdocstrings shows as written; on the site the role is dropped and the name kept,
  shortened as Sphinx would for ``~`` and a leading ``.``. A literal block's ``::`` reads ``:``.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: A Markdown link or image target that is a relative path (not a web address, not an anchor).
_LINK = re.compile(r"\]\((?![a-z][a-z0-9+.-]*:|#)([^)\s]+)\)")
#: A Sphinx role around a name, as rendered: ``:func:<code>~.task.seed_sequence</code>``.
_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|data|attr|exc|obj|const):<code>([^<]*)</code>")
#: The parts of the site, as the home page lists them first.
GUIDE = ("**On this site:** [scenario gallery](gallery/index.md) · [teaching guide](teaching.md) · "
         "[concepts](concepts.md) · [ODD description](ODD.md) · [design](design.md) · "
         "[parameters](parameters.md) · [command line](cli.md) · [Python API](api.md)")


def _source() -> str:
    """Where the repository's files are browsed: ``[project.urls] Source`` of pyproject.toml."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["urls"]["Source"].rstrip("/") + "/blob/main/"


def home_markdown() -> str:
    """README.md with its relative links pointing into the site or the repository, after the guide line."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    source = _source()

    def relink(match: re.Match[str]) -> str:
        target = match.group(1)
        if target.startswith("docs/"):
            return f"]({target.removeprefix('docs/')})"
        return f"]({source}{target})"

    title, _, rest = _LINK.sub(relink, readme).partition("\n")
    return f"{title}\n\n{GUIDE}\n{rest}"


def _name(match: re.Match[str]) -> str:
    target = match.group(1)
    shown = target.rsplit(".", 1)[-1] if target.startswith("~") else target.lstrip(".")
    return f"<code>{shown}</code>"


def without_roles(html: str) -> str:
    """The page's HTML with Sphinx roles dropped and ``::`` before a literal block read as ``:``."""
    return _ROLE.sub(_name, html).replace("::</p>", ":</p>")


def on_page_markdown(markdown: str, page, config, files) -> str:
    """MkDocs event: give the home page the README's text."""
    return home_markdown() if page.file.src_uri == "index.md" else markdown


def on_page_content(html: str, page, config, files) -> str:
    """MkDocs event: the rendered page, with the docstrings' Sphinx roles made plain."""
    return without_roles(html)
