"""The teaching dashboard: ``govsim demo`` in a browser, built on Mesa's SolaraViz.

Modules: :mod:`.controls` (which parameters get a control, and the model a
reset builds), :mod:`.charts` (chart and map specifications, plain data),
:mod:`.play` (the student as the Plan stage, and the score sheet),
:mod:`.app` (the Solara pages) and :mod:`.server` (starting the server).

Solara is an optional extra (``pip install -e ".[viz]"``); nothing outside
this package imports it.
"""

from __future__ import annotations

__all__ = ["missing_viz"]

INSTALL_HINT = 'python -m pip install -e ".[viz]"  (solara, solara-assets, ipyvuetify<3)'


def missing_viz() -> str | None:
    """Why the dashboard cannot start here, or ``None`` when it can."""
    try:
        import ipyvuetify
        import solara  # noqa: F401
        import solara_assets  # noqa: F401  (the page's scripts, served locally: no CDN)
    except ImportError as exc:
        return f"govsim demo needs the dashboard extra ({exc.name} is missing): {INSTALL_HINT}"
    major = int(str(getattr(ipyvuetify, "__version__", "1")).split(".")[0])
    if major >= 3:
        return f"govsim demo needs ipyvuetify<3 (Mesa 3.3's dashboard breaks with {ipyvuetify.__version__}): {INSTALL_HINT}"
    return None
