"""Jensen-Shannon distance."""

import math

import numpy as np
from pytest import approx
from scipy.spatial.distance import jensenshannon

from evaluators.stats import jensen_shannon


def test_numeric_score_is_scipys_jensenshannon_on_sturges_bins(
    reference_normal: np.ndarray, shifted_normal: np.ndarray
) -> None:
    edges = np.histogram_bin_edges(np.concatenate([reference_normal, shifted_normal]), "sturges")
    expected = jensenshannon(
        np.histogram(reference_normal, edges)[0], np.histogram(shifted_normal, edges)[0]
    )
    result = jensen_shannon.compare(reference_normal, shifted_normal)
    assert result.method == "jensen_shannon"
    assert result.score == approx(expected, abs=1e-9)
    assert result.p_value == approx(0.002, abs=1e-12)


def test_categorical_score_is_scipys_jensenshannon_on_the_counts() -> None:
    result = jensen_shannon.compare({"a": 50, "b": 30, "c": 20}, {"a": 30, "b": 40, "c": 30})
    assert result.score == approx(jensenshannon([50, 30, 20], [30, 40, 30]), abs=1e-9)


def test_samples_with_no_category_in_common_are_sqrt_ln_2_apart() -> None:
    result = jensen_shannon.compare({"a": 10}, {"b": 7})
    assert result.score == approx(math.sqrt(math.log(2)), abs=1e-12)
    assert result.detected is True


def test_a_categorical_shift_is_detected_and_the_same_mix_is_not() -> None:
    reference = {"a": 5000, "b": 3000, "c": 2000}
    assert jensen_shannon.compare(reference, {"a": 3000, "b": 4000, "c": 3000}).detected
    assert not jensen_shannon.compare(reference, {"a": 2480, "b": 1510, "c": 1010}).detected
