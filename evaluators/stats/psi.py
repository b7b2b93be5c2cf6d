"""Population Stability Index over bins or categories (Evidently's "psi")."""

import numpy as np

from evaluators.stats.binning import fill_empty_bins, shares
from evaluators.stats.result import DriftResult
from evaluators.stats.samples import Sample

NAME = "psi"
KIND = ("numeric", "categorical")
DEFAULT_THRESHOLD = 0.1


def compare(
    reference: Sample, current: Sample, threshold: float = DEFAULT_THRESHOLD
) -> DriftResult:
    """PSI = sum((ref - cur) * ln(ref / cur)) over shares; drift when PSI >= ``threshold``.

    Bins are Evidently's (see ``binning``), and empty bins get a small share first.
    """
    ref_share, cur_share = shares(reference, current)
    ref_share, cur_share = fill_empty_bins(ref_share), fill_empty_bins(cur_share)
    score = float(np.sum((ref_share - cur_share) * np.log(ref_share / cur_share)))
    return DriftResult(
        method=NAME, score=score, p_value=None, threshold=threshold, detected=score >= threshold
    )
