"""The README's Quick start and the CI script agree."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _quick_start_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = re.search(r"^## Quick start\n(.*?)^## ", text, flags=re.S | re.M).group(1)
    blocks = re.findall(r"```bash\n(.*?)```", section, flags=re.S)
    return [line for block in blocks for line in block.strip().splitlines()]


def test_quick_start_has_exactly_the_two_commands():
    assert _quick_start_commands() == [
        'python -m pip install -e . && govsim run baseline',
        'python -m pip install -e ".[test]" && python -m pytest',
    ]


def test_ci_runs_the_readme_test_command_and_fails_on_no_tests():
    ci = (ROOT / ".ci" / "run").read_text()
    assert _quick_start_commands()[1] in ci.splitlines()
    assert '"$status" -eq 5' in ci
