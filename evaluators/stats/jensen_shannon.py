"""Jensen-Shannon distance over bins or categories (Evidently's "jensenshannon")."""

from scipy.spatial.distance import jensenshannon

from evaluators.stats.binning import shares
from evaluators.stats.result import DriftResult
from evaluators.stats.samples import Sample

NAME = "jensen_shannon"
KIND = ("numeric", "categorical")
DEFAULT_THRESHOLD = 0.1


def compare(
    reference: Sample, current: Sample, threshold: float = DEFAULT_THRESHOLD
) -> DriftResult:
    """Natural-log JS distance (0 to sqrt(ln 2)); drift when it is >= ``threshold``.

    Bins are Evidently's (see ``binning``); empty bins stay empty, as JS allows zeros.
    """
    ref_share, cur_share = shares(reference, current)
    score = float(jensenshannon(ref_share, cur_share))
    return DriftResult(
        method=NAME, score=score, p_value=None, threshold=threshold, detected=score >= threshold
    )
