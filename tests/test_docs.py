"""The documentation is generated from, and checked against, the declarations."""

from pathlib import Path

from simulator.parameters import PARAMETERS
from simulator.reference import parameters_markdown

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_parameter_reference_is_current():
    assert (DOCS / "parameters.md").read_text() == parameters_markdown(), (
        "docs/parameters.md is stale: run `python -m simulator.reference > docs/parameters.md`"
    )


def test_every_parameter_is_in_the_reference_once():
    text = (DOCS / "parameters.md").read_text()
    for key in PARAMETERS:
        assert text.count(f"| `{key}` |") == 1, key


def test_design_doc_lists_the_step_order():
    text = (DOCS / "design.md").read_text()
    order = ["Execute delivers", "The society", "Monitor", "Analyze", "Knowledge",
             "Self-protecting", "Plan", "The apparatus", "The recorder"]
    positions = [text.index(f"**{name}") for name in order]
    assert positions == sorted(positions)


def test_odd_documents_every_parameter():
    from simulator.reference import with_parameter_table

    text = (DOCS / "ODD.md").read_text()
    assert text == with_parameter_table(text), (
        "docs/ODD.md's parameter table is stale: run "
        "`python -m simulator.reference --odd < docs/ODD.md > /tmp/odd && mv /tmp/odd docs/ODD.md`"
    )
    for key in PARAMETERS:
        assert f"`{key}`" in text, key


def test_odd_has_every_protocol_section():
    text = (DOCS / "ODD.md").read_text()
    for heading in ["Purpose and patterns", "Entities, state variables and scales",
                    "Process overview and scheduling", "Design concepts", "Initialisation",
                    "Input data", "Submodels"]:
        assert heading in text, heading
    for concept in ["Basic principles", "Emergence", "Adaptation", "Objectives", "Learning",
                    "Prediction", "Sensing", "Interaction", "Stochasticity", "Collectives",
                    "Observation"]:
        assert f"**{concept}.**" in text, concept


def _bands_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bands", DOCS / "bands.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_band_figure_is_its_scenario_files_current_one():
    """docs/img/band_NAME.png records a digest of the settings and claims that made it."""
    from PIL import Image

    from simulator import load_scenario

    bands = _bands_script()
    teaching = (DOCS / "teaching.md").read_text()
    names = bands.banded()
    assert len(names) >= 10
    for name in names:
        path = DOCS / "img" / f"band_{name}.png"
        assert path.is_file(), f"{path} is missing: run `python docs/bands.py {name}`"
        with Image.open(path) as image:
            assert image.text.get("Description") == bands.made_by(name), (
                f"{path} was drawn from other settings or claims of scenarios/{name}.toml: "
                f"run `python docs/bands.py {name}`")
        assert f"(img/band_{name}.png)" in teaching, name  # shown in teaching.md
        about = " ".join(" ".join(load_scenario(name).about.values()).split())
        assert f"govsim robustness {name} --band" in about.replace("`", ""), name  # and named in the about text


def test_a_band_figure_goes_stale_when_a_setting_or_claim_changes_but_not_its_prose(tmp_path, monkeypatch):
    import dataclasses

    from simulator import load_scenario

    bands = _bands_script()
    shipped = load_scenario("baseline")
    before = bands.made_by("baseline")
    changes = {
        "prose": dataclasses.replace(shipped, about={**shipped.about, "what_it_is": "Reworded."}),
        "setting": shipped.with_changes(overrides={"plan.capacity": 0.123}),
        "claim": dataclasses.replace(shipped, phenomenon=dataclasses.replace(
            shipped.phenomenon, claims=shipped.phenomenon.claims[:1])),
    }
    made = {}
    for what, changed in changes.items():
        monkeypatch.setattr(bands, "load_scenario", lambda name, changed=changed: changed)
        made[what] = bands.made_by("baseline")
    assert made["prose"] == before
    assert made["setting"] != before and made["claim"] != before
