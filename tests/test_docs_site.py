"""The documentation site's pages are generated from, and checked against, the code and the scenarios.

The site itself (``mkdocs build --strict``) is built by CI in an environment of its own; these
tests need neither MkDocs nor a run of any scenario. Each check is a function that returns what
is wrong, so that a test can also show it finding a fault on purpose.
"""

import importlib.util
import re
from pathlib import Path

import pytest

from simulator import load_scenario, scenario_names

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _script(name: str):
    """A script of docs/ as a module (they are not part of the package)."""
    spec = importlib.util.spec_from_file_location(f"docs_{name}", DOCS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gallery():
    return _script("gallery")


# -- the gallery -------------------------------------------------------------------------------

def _page_lacks(scenario, page: str) -> list[str]:
    """What of ``scenario`` the gallery page text ``page`` does not say (line breaks aside)."""
    said = " ".join(page.split())
    texts = {"question": scenario.question, **{f"about.{k}": v for k, v in scenario.about.items()}}
    return [what for what, text in texts.items() if " ".join(text.split()) not in said]


def test_every_scenario_has_a_gallery_page_with_its_question_and_about_texts():
    names = scenario_names()
    assert len(names) >= 10
    for name in names:
        path = DOCS / "gallery" / f"{name}.md"
        assert path.is_file(), f"{path} is missing: run `python docs/gallery.py --pages`"
        lacks = _page_lacks(load_scenario(name), path.read_text(encoding="utf-8"))
        assert not lacks, f"{path} does not say the scenario's {', '.join(lacks)}: run `python docs/gallery.py --pages`"
        assert f"(../img/gallery_{name}.png)" in path.read_text(encoding="utf-8"), name


def test_a_gallery_page_lacks_a_changed_question_or_about_text(tmp_path):
    """Edit a copy of a scenario file: the committed page no longer says what the copy says."""
    shipped = Path(load_scenario("baseline").source)
    source = shipped.read_text(encoding="utf-8")
    assert 'question = "' in source and 'what_to_notice = """\n' in source
    page = (DOCS / "gallery" / "baseline.md").read_text(encoding="utf-8")
    copy = tmp_path / "baseline.toml"
    copy.write_text(source.replace('question = "', 'question = "Reworded: ', 1), encoding="utf-8")
    assert _page_lacks(load_scenario(copy), page) == ["question"]
    copy.write_text(source.replace('what_to_notice = """\n', 'what_to_notice = """\nReworded. ', 1), encoding="utf-8")
    assert _page_lacks(load_scenario(copy), page) == ["about.what_to_notice"]
    assert _page_lacks(load_scenario(shipped), page) == []


def test_gallery_pages_are_what_the_script_writes_now(gallery):
    """Parameters, meanings, variants and claims on the pages follow their declarations."""
    for name in scenario_names():
        assert (DOCS / "gallery" / f"{name}.md").read_text(encoding="utf-8") == gallery.page(name), (
            f"docs/gallery/{name}.md is stale: run `python docs/gallery.py --pages`")
    assert (DOCS / "gallery" / "index.md").read_text(encoding="utf-8") == gallery.index(), (
        "docs/gallery/index.md is stale: run `python docs/gallery.py --pages`")


def test_a_gallery_page_lists_exactly_the_parameters_its_scenario_changes(gallery):
    for name in scenario_names():
        scenario = load_scenario(name)
        rows = re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", gallery.page(name), flags=re.M)
        changed = [k for k in scenario.config if scenario.config[k] != gallery.PARAMETERS[k].default]
        assert sorted(rows) == sorted(changed), name
        assert len(rows) == len(set(rows)), name


def _figure_problem(gallery, name: str) -> str | None:
    """Why docs/img/gallery_NAME.png is not its scenario's current figure, or None."""
    from PIL import Image

    path = DOCS / "img" / f"gallery_{name}.png"
    if not path.is_file():
        return f"{path} is missing: run `python docs/gallery.py {name}`"
    with Image.open(path) as image:
        if image.text.get("Description") != gallery.made_by(name):
            return (f"{path} was drawn from other settings of scenarios/{name}.toml: "
                    f"run `python docs/gallery.py {name}`")
    return None


def test_every_gallery_figure_is_its_scenario_files_current_one(gallery):
    """docs/img/gallery_NAME.png records a digest of what decided its run and its drawing."""
    problems = [p for name in scenario_names() if (p := _figure_problem(gallery, name))]
    assert not problems, "\n".join(problems)


def test_a_gallery_figure_goes_stale_when_its_run_or_title_changes_but_not_its_prose(gallery, monkeypatch):
    import dataclasses

    shipped = load_scenario("baseline")
    assert _figure_problem(gallery, "baseline") is None
    changes = {
        "prose": dataclasses.replace(shipped, about={**shipped.about, "what_it_is": "Reworded."}),
        "question": dataclasses.replace(shipped, question="Reworded?"),
        "setting": shipped.with_changes(overrides={"plan.capacity": 0.123}),
        "seed": shipped.with_changes(seed=shipped.seed + 1),
        "steps": shipped.with_changes(steps=shipped.steps - 1),
    }
    problems = {}
    for what, changed in changes.items():
        monkeypatch.setattr(gallery, "load_scenario", lambda name, changed=changed: changed)
        problems[what] = _figure_problem(gallery, "baseline")
    assert problems["prose"] is None
    assert all(problems[what] for what in ("question", "setting", "seed", "steps")), problems


# -- the command-line reference ----------------------------------------------------------------

def _cli_problem(text: str) -> str | None:
    if text != _script("cli_reference").page():
        return "docs/cli.md is stale: run `python docs/cli_reference.py`"
    return None


def test_cli_reference_is_what_the_parser_says_now():
    assert _cli_problem((DOCS / "cli.md").read_text(encoding="utf-8")) is None, (
        "docs/cli.md is stale: run `python docs/cli_reference.py`")


def test_a_stale_cli_reference_is_found():
    current = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert _cli_problem(current.replace("| `--no-plot` | skip dashboard.png |\n", "", 1)) is not None
    assert _cli_problem(current + "\n") is not None


def test_cli_reference_has_every_command_and_option():
    import argparse

    from simulator.cli.main import _build_parser

    text = _script("cli_reference").page()
    for action in _build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            assert len(action.choices) >= 10
            for name, sub in action.choices.items():
                assert f"\n## govsim {name}\n" in text, name
                section = text.split(f"\n## govsim {name}\n", 1)[1].split("\n## ", 1)[0]
                for option in sub._actions:
                    for flag in option.option_strings:
                        assert flag in ("-h", "--help") or f"`{flag}" in section, (name, flag)
    assert "runs/&lt;scenario&gt;" in text  # a help text's <...> is shown, not taken for HTML


# -- the site's configuration and links ---------------------------------------------------------

def _listed(config: str, key: str) -> list[str]:
    """The files a top-level list of mkdocs.yml names (``nav``, ``hooks``, ``extra_css``)."""
    block = re.search(rf"^{key}:\n((?:[ \t]+.*\n|\n)*)", config, flags=re.M)
    if block is None:
        return []
    return re.findall(r"^\s*-\s+(?:[^:\n]+:\s+)?([\w./-]+\.(?:md|py|css))\s*$", block.group(1), flags=re.M)


def _nav_problems(config: str) -> list[str]:
    """Pages the nav names that do not exist, and gallery pages the nav does not name."""
    nav = _listed(config, "nav")
    problems = [f"nav names docs/{p}, which does not exist" for p in nav if not (DOCS / p).is_file()]
    problems += [f"docs/gallery/{n}.md is not in the nav" for n in scenario_names() if f"gallery/{n}.md" not in nav]
    problems += [f"{k} names {p}, which does not exist"
                 for k, root in (("hooks", ROOT), ("extra_css", DOCS)) for p in _listed(config, k)
                 if not (root / p).is_file()]
    return problems


def test_mkdocs_nav_names_files_that_exist():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = _listed(config, "nav")
    for page in ["index.md", "gallery/index.md", "teaching.md", "concepts.md", "ODD.md", "design.md",
                 "parameters.md", "cli.md", "api.md"]:
        assert page in nav, page
    assert _listed(config, "hooks") == ["docs/hooks.py"]
    assert not _nav_problems(config), "\n".join(_nav_problems(config))


def test_a_broken_nav_is_found():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    broken = config.replace("  - Concepts: concepts.md", "  - Concepts: concept.md")
    assert _nav_problems(broken) == ["nav names docs/concept.md, which does not exist"]
    assert _nav_problems(config.replace("      - gallery/goodhart.md\n", "")) == [
        "docs/gallery/goodhart.md is not in the nav"]


def test_mkdocs_config_fetches_nothing_from_the_network():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^  font: false$", config, flags=re.M)
    assert "http" not in config.split("\nnav:")[0]  # no remote script, style or font


_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _broken_links(markdown: str, page: Path) -> list[str]:
    """Relative links of ``markdown`` (at ``page`` in docs/) to files that are not there."""
    broken = []
    for target in _LINK.findall(markdown):
        path = target.split("#", 1)[0]
        if not path or re.match(r"[a-z][a-z0-9+.-]*:", path):
            continue
        resolved = (page.parent / path).resolve()
        if not resolved.is_relative_to(DOCS) or not resolved.is_file():
            broken.append(target)
    return broken


def test_site_pages_link_only_to_pages_and_images_that_exist():
    """What ``mkdocs build --strict`` refuses first, checked without MkDocs."""
    hooks = _script("hooks")
    pages = {DOCS / "index.md": hooks.home_markdown()}
    for page in [*DOCS.glob("*.md"), *DOCS.glob("gallery/*.md")]:
        if page.name != "index.md" or page.parent != DOCS:
            pages[page] = page.read_text(encoding="utf-8")
    broken = {str(p.relative_to(DOCS)): b for p, text in pages.items() if (b := _broken_links(text, p))}
    assert not broken, broken


def test_a_broken_link_is_found():
    assert _broken_links("see [the design](design.md) and [x](nothere.md#a)", DOCS / "teaching.md") == ["nothere.md#a"]
    assert _broken_links("[readme](../README.md)", DOCS / "teaching.md") == ["../README.md"]  # outside the site


def test_home_page_is_the_readme_with_links_into_the_site():
    hooks = _script("hooks")
    home = hooks.home_markdown()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert home.startswith(readme.split("\n", 1)[0] + "\n")
    assert "](docs/" not in home
    assert "(gallery/index.md)" in home and "(cli.md)" in home and "(api.md)" in home


def test_sphinx_roles_are_made_plain_on_the_site():
    hooks = _script("hooks")
    html = ("<p>see :func:<code>~.task.seed_sequence</code>, :mod:<code>.engines</code> and "
            ":class:<code>Parameter</code>. Typical use::</p>")
    assert hooks.without_roles(html) == ("<p>see <code>seed_sequence</code>, <code>engines</code> and "
                                         "<code>Parameter</code>. Typical use:</p>")
