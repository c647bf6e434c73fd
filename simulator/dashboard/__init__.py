"""The teaching dashboard: ``govsim demo`` in a browser, built on Mesa's SolaraViz.

Modules: :mod:`.look` (type sizes, chart size), :mod:`.controls` (which
parameters get a control, and the model a reset builds), :mod:`.charts` (chart and map specifications, plain data),
:mod:`.play` (the student as the Plan stage, and the score sheet),
:mod:`.app` (the Solara pages) and :mod:`.server` (starting the server, and
handing it the scenario).

Solara is an optional extra (``pip install "govsim[viz]"``); nothing outside
this package imports it.
"""

from __future__ import annotations

from importlib import metadata, util

__all__ = ["missing_viz", "VIZ_MODULES"]

#: What the dashboard imports beyond govsim's own dependencies (the ``viz`` extra):
#: module -> the requirement that provides it. ``mesa.visualization`` imports
#: solara, altair and networkx, none of which Mesa itself requires; the page's
#: scripts come from solara-assets (no CDN), and Mesa 3.3's widgets need ipyvuetify<3.
VIZ_MODULES: dict[str, str] = {
    "solara": "solara",
    "solara_assets": "solara-assets",
    "ipyvuetify": "ipyvuetify<3",
    "altair": "altair",
    "networkx": "networkx",
}

INSTALL_HINT = 'python -m pip install "govsim[viz]" (in a checkout: python -m pip install -e ".[viz]")'


def missing_viz() -> str | None:
    """Why the dashboard cannot start here (one line), or ``None`` when it can.

    Looks the modules up without importing them, so that every missing one is
    named at once and the server is never started only to crash on import.
    """
    missing = [requirement for module, requirement in VIZ_MODULES.items()
               if util.find_spec(module) is None]
    if missing:
        return (f"govsim demo needs the dashboard extra ({', '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} missing): {INSTALL_HINT}")
    try:
        version = metadata.version("ipyvuetify")
    except metadata.PackageNotFoundError:  # importable without an installed distribution
        return None
    if int(version.split(".")[0]) >= 3:
        return (f"govsim demo needs ipyvuetify<3 (Mesa 3.3's dashboard breaks with {version}): "
                f"{INSTALL_HINT}")
    return None
