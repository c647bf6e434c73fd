"""`govsim run --animate`: the district map beside the series, as an animated GIF."""

import numpy as np
from PIL import Image

from simulator.cli.main import main


def test_animation_has_frames_that_change(tmp_path, capsys):
    out = tmp_path / "run"
    status = main(["run", "soft_and_hard", "--variant", "constraint_only", "--steps", "60",
                   "--set", "society.agents=900", "--set", "society.districts_per_side=4",
                   "--no-plot", "--animate", "--out", str(out)])
    assert status == 0 and "animation.gif" in capsys.readouterr().out
    with Image.open(out / "animation.gif") as gif:
        assert gif.n_frames == 61  # steps 0..60, fewer than the 80-frame cap
        gif.seek(0)
        first = np.asarray(gif.convert("RGB"), dtype=int)
        gif.seek(gif.n_frames - 1)
        last = np.asarray(gif.convert("RGB"), dtype=int)
    assert first.shape == last.shape and np.abs(first - last).sum() > 0
    assert not (out / "dashboard.png").exists()
