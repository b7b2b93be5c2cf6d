"""Per-signal drift methods from a YAML file and the settings, refused early when wrong."""

from pathlib import Path

import pytest

from evaluators.drift.config import baseline_window, drift_overrides
from metrics.settings import DriftOverride, Settings


def test_the_settings_dict_wins_over_the_yaml_file(tmp_path: Path) -> None:
    config = tmp_path / "drift.yaml"
    config.write_text("latency_s: {method: psi, threshold: 0.2}\nuse_case: {threshold: 0.01}\n")
    settings = Settings(drift_config=config, drift_overrides={"latency_s": {"method": "ks"}})

    assert drift_overrides(settings) == {
        "latency_s": DriftOverride(method="ks"),
        "use_case": DriftOverride(threshold=0.01),
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"latnecy_s": {}}, "unknown drift signal 'latnecy_s'", id="a misspelt name"),
        pytest.param({"ttft_s": {"method": "kl"}}, "unknown drift method 'kl'", id="a bad method"),
        pytest.param(
            {"use_case": {"method": "wasserstein"}}, "does not apply to categorical",
            id="a numeric method for a categorical signal",
        ),
    ],
)
def test_a_bad_override_is_refused_with_its_name(overrides: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        drift_overrides(Settings(drift_overrides=overrides))


def test_a_yaml_file_of_the_wrong_shape_is_refused_naming_the_file(tmp_path: Path) -> None:
    config = tmp_path / "drift.yaml"
    config.write_text("- latency_s\n- psi\n")
    with pytest.raises(ValueError, match="drift.yaml: not a mapping"):
        drift_overrides(Settings(drift_config=config))


def test_a_baseline_needs_both_ends_in_order() -> None:
    with pytest.raises(ValueError, match="set both"):
        Settings(drift_baseline_start="2026-03-01T00:00:00Z")
    with pytest.raises(ValueError, match="before"):
        Settings(drift_baseline_start="2026-03-02T00:00:00Z", drift_baseline_end="2026-03-01")
    naive = Settings(drift_baseline_start="2026-03-01T00:00", drift_baseline_end="2026-03-02T00:00")
    window = baseline_window(naive)
    assert window is not None and window.start.tzinfo is not None
    assert baseline_window(Settings()) is None
