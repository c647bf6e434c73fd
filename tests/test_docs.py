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
