"""The parity tests equal scipy's on the same counts, Newcombe's interval his published
example, and Holm's correction statsmodels' known answer."""

import numpy as np
import pytest
from pytest import approx
from scipy.stats import chi2_contingency, kruskal

from evaluators.fairness.parity import holm, latency_gap, newcombe_interval, proportion_gap
from evaluators.fairness.segments import capped_counts, capped_samples


def test_the_share_gap_is_the_chi_squared_test_of_the_segments_table_with_newcombes_interval(
) -> None:
    counts = {"en": (180, 200), "de": (150, 200), "fr": (170, 200)}

    gap = proportion_gap(counts)

    table = [[180, 20], [150, 50], [170, 30]]
    assert gap.p_value == approx(chi2_contingency(table, correction=False).pvalue, rel=1e-12)
    assert (gap.test, gap.highest, gap.lowest) == ("chi_squared", "en", "de")
    assert gap.value == approx(0.15)
    assert (gap.lower, gap.upper) == (approx(0.07613, abs=1e-5), approx(0.22293, abs=1e-5))


def test_newcombes_interval_matches_his_worked_example() -> None:
    # Newcombe (1998), Statistics in Medicine 17:873, table II example (a): 56/70 - 48/80.
    assert newcombe_interval(56, 70, 48, 80) == (approx(0.0524, abs=1e-4),
                                                 approx(0.3339, abs=1e-4))


def test_segments_that_all_succeed_are_alike_without_a_test() -> None:
    gap = proportion_gap({"a": (40, 40), "b": (50, 50)})
    assert (gap.value, gap.p_value) == (0.0, 1.0)


def test_the_latency_gap_is_kruskal_wallis_with_welchs_interval_for_the_means() -> None:
    rng = np.random.default_rng(4)
    samples = {"free": rng.lognormal(0.3, 0.5, 300), "pro": rng.lognormal(0.0, 0.5, 300)}

    gap = latency_gap(samples)

    assert gap.p_value == approx(kruskal(samples["free"], samples["pro"]).pvalue, rel=1e-12)
    difference = samples["free"].mean() - samples["pro"].mean()
    assert (gap.highest, gap.value) == ("free", approx(difference))
    assert gap.lower < difference < gap.upper
    assert gap.lower > 0


def test_holm_adjusts_in_step_down_order_and_keeps_the_order_given() -> None:
    # statsmodels.stats.multitest.multipletests([0.01, 0.04, 0.03, 0.005], method="holm")
    assert holm([0.01, 0.04, 0.03, 0.005]) == approx([0.03, 0.06, 0.06, 0.02])


def test_one_segment_is_refused() -> None:
    with pytest.raises(ValueError, match="at least two segments"):
        proportion_gap({"en": (3, 4)})


def test_segments_past_the_cap_fold_into_other_keeping_the_largest() -> None:
    counts = {"en": (90, 100), "de": (40, 50), "fr": (5, 10), "it": (1, 5)}
    assert capped_counts(counts, 3) == {"en": (90, 100), "de": (40, 50), "other": (6, 15)}
    assert capped_counts(counts, 4) == counts
    samples = {"a": np.ones(5), "b": np.ones(3), "c": np.zeros(2)}
    assert {k: v.size for k, v in capped_samples(samples, 2).items()} == {"a": 5, "other": 5}
