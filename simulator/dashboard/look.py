"""The dashboard's shared look: type large enough for a projector, chart size, a paragraph."""

from __future__ import annotations

import html

import solara

__all__ = ["CHART", "STYLE", "Heading", "Paragraph"]

# large type for a projector; the sidebar (controls) stays compact
STYLE = """
.v-application { font-size: 18px; }
.v-card__title { font-size: 22px !important; }
.v-card p { font-size: 18px; line-height: 1.45; }
"""

CHART = {"style": "height: 330px; width: 100%;"}


def Paragraph(label: str, text: str) -> None:
    """A paragraph with a bold lead-in (plain HTML: Markdown would fetch KaTeX styles)."""
    solara.HTML(tag="p", unsafe_innerHTML=f"<b>{html.escape(label)}.</b> {html.escape(' '.join(text.split()))}")


def Heading(text: str) -> None:
    """A small heading inside a card, for a group of paragraphs."""
    solara.HTML(tag="h4", unsafe_innerHTML=html.escape(text),
                style={"font-size": "19px", "margin": "14px 0 6px", "color": "#37474f"})
