"""Choosing and running drift methods: Evidently's defaults, overrides, and the catalog."""

import pkgutil
from importlib import import_module
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from pytest import approx

import evaluators.stats
from evaluators.stats import chi_squared, drift, jensen_shannon, ks, psi, wasserstein, z_test
from evaluators.stats.calibration import CASES

NUMERIC_METHODS = [ks, psi, jensen_shannon, wasserstein]


@pytest.mark.parametrize("method", NUMERIC_METHODS, ids=lambda m: m.NAME)
def test_half_a_standard_deviation_shift_is_detected_by_every_numeric_method(
    method: ModuleType, reference_normal: np.ndarray, shifted_normal: np.ndarray
) -> None:
    result = drift.compare("numeric", reference_normal, shifted_normal, method=method.NAME)
    assert result.method == method.NAME
    assert result.detected is True


@pytest.mark.parametrize("method", NUMERIC_METHODS, ids=lambda m: m.NAME)
def test_another_draw_of_the_same_distribution_is_not_drift_for_any_numeric_method(
    method: ModuleType, reference_normal: np.ndarray, unshifted_normal: np.ndarray
) -> None:
    result = drift.compare("numeric", reference_normal, unshifted_normal, method=method.NAME)
    assert result.detected is False


@pytest.mark.parametrize(
    ("kind", "reference_size", "n_categories", "expected"),
    [
        pytest.param("numeric", 1000, 500, ks, id="numeric with 1000 reference rows uses KS"),
        pytest.param(
            "numeric", 1001, 500, wasserstein, id="numeric above 1000 rows uses Wasserstein"
        ),
        pytest.param("categorical", 1000, 3, chi_squared, id="categorical up to 1000 uses chi2"),
        pytest.param("categorical", 1000, 2, z_test, id="two categories up to 1000 use the Z-test"),
        pytest.param("categorical", 10, 1, z_test, id="one category up to 1000 uses the Z-test"),
        pytest.param("categorical", 1001, 2, jensen_shannon, id="categorical above 1000 uses JS"),
        pytest.param("numeric", 1000, 5, chi_squared, id="numeric with 5 values is categorical"),
        pytest.param("numeric", 1000, 2, z_test, id="binary numeric up to 1000 uses the Z-test"),
        pytest.param("numeric", 5000, 4, jensen_shannon, id="few numeric values above 1000 use JS"),
        pytest.param("numeric", 1000, 6, ks, id="numeric with 6 values stays numeric"),
    ],
)
def test_choose_method_reproduces_evidentlys_default(
    kind: str, reference_size: int, n_categories: int, expected: ModuleType
) -> None:
    assert drift.choose_method(kind, reference_size, n_categories) is expected


def test_the_default_for_2000_numeric_rows_is_wasserstein_with_its_threshold(
    reference_normal: np.ndarray, shifted_normal: np.ndarray
) -> None:
    result = drift.compare("numeric", reference_normal, shifted_normal)
    assert result == wasserstein.compare(reference_normal, shifted_normal)
    assert result.threshold == 0.1


def test_the_default_for_500_numeric_rows_is_ks(
    reference_normal: np.ndarray, shifted_normal: np.ndarray
) -> None:
    result = drift.compare("numeric", reference_normal[:500], shifted_normal[:500])
    assert result.method == "ks"
    assert result.detected is True


def test_a_numeric_sample_with_three_values_is_tested_as_categories() -> None:
    reference = np.array([1.0, 2.0, 3.0] * 50)
    current = np.array([1.0] * 80 + [2.0] * 40 + [3.0] * 30)
    result = drift.compare("numeric", reference, current)
    assert result.method == "chi_squared"
    assert result == chi_squared.compare(
        {"1.0": 50, "2.0": 50, "3.0": 50}, {"1.0": 80, "2.0": 40, "3.0": 30}
    )


def test_a_categorical_shift_is_detected_and_the_same_mix_is_not() -> None:
    reference = {"billing": 500, "refund": 300, "other": 200}
    shifted = drift.compare("categorical", reference, {"billing": 350, "refund": 350, "other": 300})
    steady = drift.compare("categorical", reference, {"billing": 245, "refund": 155, "other": 100})
    assert (shifted.method, shifted.detected) == ("chi_squared", True)
    assert (steady.method, steady.detected) == ("chi_squared", False)


def test_a_named_method_and_threshold_override_the_default(
    reference_normal: np.ndarray, shifted_normal: np.ndarray
) -> None:
    result = drift.compare("numeric", reference_normal, shifted_normal, method="psi", threshold=0.5)
    assert result.method == "psi"
    assert result.threshold == 0.5
    assert result.score == approx(psi.compare(reference_normal, shifted_normal).score, abs=1e-12)
    assert result.detected is False


@pytest.mark.parametrize(
    ("kind", "reference", "current", "error", "message"),
    [
        pytest.param(
            "numeric",
            np.array([]),
            np.array([1.0]),
            ValueError,
            "reference sample is empty",
            id="an empty numeric reference",
        ),
        pytest.param(
            "numeric",
            np.array([1.0]),
            np.array([np.nan, np.inf]),
            ValueError,
            "current sample is empty",
            id="a current sample of only NaN and inf",
        ),
        pytest.param(
            "categorical",
            {"a": 3},
            {},
            ValueError,
            "current sample is empty",
            id="empty current counts",
        ),
        pytest.param(
            "numeric", {"a": 1}, {"a": 1}, TypeError, "arrays", id="counts given as numeric"
        ),
        pytest.param(
            "categorical",
            np.array([1.0]),
            np.array([1.0]),
            TypeError,
            "mappings",
            id="arrays given as categorical",
        ),
        pytest.param("text", {"a": 1}, {"a": 1}, ValueError, "kind", id="an unknown kind"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    kind: str, reference: object, current: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        drift.compare(kind, reference, current)  # type: ignore[arg-type]


def test_a_numeric_only_method_is_refused_for_categories() -> None:
    with pytest.raises(ValueError, match="'ks' does not apply to categorical"):
        drift.compare("categorical", {"a": 1}, {"a": 2}, method="ks")


def test_an_unknown_method_name_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match="known methods: ks, chi_squared, z_test, psi"):
        drift.compare("numeric", np.array([1.0]), np.array([2.0]), method="kl_div")


# What drift.METHODS needs of each module, and what makes a stats module look like one.
METHOD_ATTRIBUTES = ("NAME", "KIND", "DEFAULT_THRESHOLD", "DISTANCE", "compare")


def test_every_stats_module_that_looks_like_a_method_is_in_methods() -> None:
    modules = [
        import_module(f"evaluators.stats.{info.name}")
        for info in pkgutil.iter_modules(evaluators.stats.__path__)
    ]
    looking = {m.__name__ for m in modules
               if any(hasattr(m, name) for name in METHOD_ATTRIBUTES if name != "compare")}
    assert looking == {m.__name__ for m in drift.METHODS}
    names = [m.NAME for m in drift.METHODS]
    assert names == ["ks", "chi_squared", "z_test", "psi", "jensen_shannon", "wasserstein"]


@pytest.mark.parametrize("method", drift.METHODS, ids=lambda m: m.NAME)
def test_each_method_has_what_the_registry_needs(method: ModuleType) -> None:
    assert [name for name in METHOD_ATTRIBUTES if not hasattr(method, name)] == []
    assert method.__name__.rsplit(".", 1)[1] == method.NAME
    assert method.KIND and set(method.KIND) <= set(drift.KINDS)
    assert 0 < method.DEFAULT_THRESHOLD < 1
    assert isinstance(method.DISTANCE, bool)
    assert callable(method.compare)
    assert method in {case_method for case_method, _ in CASES}  # its calibration


def test_the_distances_are_psi_jensen_shannon_and_wasserstein() -> None:
    assert {"psi", "jensen_shannon", "wasserstein"} == drift.DISTANCES


def test_the_runbook_names_every_method() -> None:
    runbook = (Path(__file__).resolve().parents[3] / "docs" / "runbook.md").read_text()
    assert [m.NAME for m in drift.METHODS if f"`{m.NAME}`" not in runbook] == []


def test_each_default_threshold_is_evidentlys() -> None:
    thresholds = {m.NAME: m.DEFAULT_THRESHOLD for m in drift.METHODS}
    assert thresholds == {
        "ks": 0.05,
        "chi_squared": 0.05,
        "z_test": 0.05,
        "psi": 0.1,
        "jensen_shannon": 0.1,
        "wasserstein": 0.1,
    }
