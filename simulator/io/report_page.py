"""``report.html``: one self-contained page per run, comparison or sweep, to project or hand out.

The page holds the scenario's question and about texts, the figures (embedded
as data, so the page opens anywhere without the folder or a network), the
headline metrics with what each means, what the scenario claims and whether
these runs bear it out (for a comparison), and the exact command, versions
and times that made it. Every text from a scenario file is escaped; the page
loads nothing from anywhere.
"""

from __future__ import annotations

import base64
import html
import shlex
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .files import atomic_write_text, read_binary

__all__ = ["report_page", "write_report", "GUARDRAIL"]

#: Said at the foot of every page, as on the dashboard (DESIGN.md section 1).
GUARDRAIL = ("Every agent in this model is synthetic, the loop sees only aggregates, and nothing here "
             "scores, ranks or describes a real person or country. It is a thinking tool.")
_ABOUT_HEADINGS = {"what_it_is": "What it is", "how_it_works": "How it works", "what_to_notice": "What to notice",
                   "things_to_try": "Things to try", "extending_the_model": "Extending the model"}
_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 1.5rem auto; padding: 0 1rem;
       font-size: 1.1rem; line-height: 1.5; color: #111; }
h1 { font-size: 1.9rem; margin-bottom: .2rem; } h2 { font-size: 1.4rem; margin-top: 2rem;
     border-bottom: 2px solid #0072B2; }
.question { font-size: 1.3rem; font-style: italic; margin-top: 0; }
figure { margin: 1rem 0; } img { max-width: 100%; border: 1px solid #ccc; }
figcaption { font-size: .95rem; color: #444; }
table { border-collapse: collapse; margin: .5rem 0; font-size: 1rem; width: 100%; }
td:last-child { font-size: .9rem; color: #333; }
th, td { border: 1px solid #bbb; padding: .3rem .6rem; vertical-align: top; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { background: #f2f2f2; padding: .1rem .3rem; }
.holds { color: #009E73; font-weight: bold; } .fails { color: #D55E00; font-weight: bold; }
footer { margin-top: 2.5rem; font-size: .95rem; color: #444; border-top: 1px solid #ccc; }
@media print { img { max-width: 100%; page-break-inside: avoid; } }
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{_e(' '.join(p.split()))}</p>" for p in text.strip().split("\n\n") if p.strip())


def _figure(path: Path, caption: str) -> str:
    data = base64.b64encode(read_binary(path)).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{_e(caption)}">'
            f"<figcaption>{_e(caption)} ({_e(Path(path).name)})</figcaption></figure>")


def _number(value: Any) -> str:
    if isinstance(value, float):
        return "" if value != value else f"{value:.3f}"  # NaN: nothing to show
    return _e(value)


def _table(head: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A table of :func:`metric_rows`: a label, the values (right-aligned), a unit and a meaning."""
    out = ["<table><thead><tr>", *(f"<th>{_e(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for label, *values, unit, meaning in rows:
        cells = [f"<td>{_e(label)}</td>", *(f'<td class="number">{_number(v)}</td>' for v in values),
                 f"<td>{_e(unit)}</td>", f"<td>{_e(meaning)}</td>"]
        out += ["<tr>", *cells, "</tr>"]
    return "".join([*out, "</tbody></table>"])


def metric_rows(values: dict[str, list[Any]], names: Sequence[str]) -> list[list[Any]]:
    """Rows of label, one value per column of ``values``, unit and meaning, for the metrics ``names``."""
    from ..headline import METRIC_INFO

    rows = []
    for name in names:
        info = METRIC_INFO[name]
        rows.append([info.label, *values[name], info.unit, f"{info.meaning} ({name})"])
    return rows


def report_page(*, kind: str, scenario, record: dict[str, Any], figures: Sequence[tuple[Path, str]] = (),
                metrics: tuple[Sequence[str], list[list[Any]]] | None = None,
                claims: Sequence[tuple[str, bool, str]] = (), notes: Sequence[str] = ()) -> str:
    """The page's HTML.

    Parameters
    ----------
    kind : str
        ``"run"``, ``"comparison"`` or ``"sweep"``: said in the heading.
    scenario : simulator.scenario.Scenario
        Its title, question, about texts and changed parameters.
    record : dict
        The folder's provenance (``summary.json``): command, versions, times.
    figures : sequence of (path, caption)
        PNG files to embed, in order.
    metrics : (column heads, rows), optional
        The headline table: rows from :func:`metric_rows`.
    claims : sequence of (says, holds, figures in words)
        What the scenario claims, and whether these runs bear it out.
    notes : sequence of str
        Further lines under the heading (the seeds, a sweep's design).
    """
    title = f"{scenario.title}: {kind}"
    parts = [f"<h1>{_e(title)}</h1>", f'<p class="question">{_e(scenario.question)}</p>']
    what = [f"scenario <code>{_e(scenario.name)}</code>"]
    if scenario.variant:
        what.append(f"variant <code>{_e(scenario.variant)}</code>")
    what += [f"{_e(scenario.steps)} steps", *(_e(n) for n in notes)]
    parts.append(f"<p>{'; '.join(what)}.</p>")
    if scenario.overrides:
        changed = ", ".join(f"<code>{_e(k)}={_e(v)}</code>" for k, v in scenario.overrides.items())
        parts.append(f"<p>Changed from the scenario file: {changed}.</p>")
    for path, caption in figures:
        parts.append(_figure(path, caption))
    if metrics is not None:
        head, rows = metrics
        parts += ["<h2>Headline metrics</h2>", _table(head, rows)]
    if claims:
        parts.append("<h2>What the scenario claims, on these runs</h2><ul>")
        for says, holds, words in claims:
            mark = '<span class="holds">holds</span>' if holds else '<span class="fails">does not hold</span>'
            parts.append(f"<li>{_e(says.rstrip('.'))}: {mark} ({_e(words)})</li>")
        parts.append("</ul>")
    for key, heading in _ABOUT_HEADINGS.items():
        if scenario.about.get(key):
            parts += [f"<h2>{heading}</h2>", _paragraphs(scenario.about[key])]
    command = shlex.join(str(c) for c in record.get("command", []))
    parts += ["<h2>What made this page</h2>",
              f"<p><code>{_e(command)}</code></p>",
              f"<p>govsim {_e(record.get('govsim_version', ''))}, Python {_e(record.get('python', ''))}; "
              f"started {_e(record.get('started', ''))}, finished {_e(record.get('finished', ''))}. "
              "The folder's <code>scenario.toml</code> reproduces it, and <code>summary.json</code> "
              "records every parameter.</p>",
              f"<footer><p>{_e(GUARDRAIL)}</p></footer>"]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{_e(title)}</title>"
            f"<style>{_STYLE}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n")


def write_report(folder: Path, **page: Any) -> str:
    """Write ``report.html`` into ``folder`` atomically; return its file name."""
    atomic_write_text(Path(folder) / "report.html", report_page(**page))
    return "report.html"
