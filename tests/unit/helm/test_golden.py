"""The rendered chart, compared to the byte with tests/golden/helm/, and the sidecar snippet.

The dashboards and the PrometheusRule are made from helm/valuewatch/files/, which the
dashboard and alert generators write, the same for every set of values: default.yaml holds
them, the other cases leave them out. Regenerate these golden files whenever the chart or
those generators change, and review the diff:

    VALUEWATCH_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/unit/helm
"""

from pathlib import Path

import pytest

from tests.golden.compare import assert_matches_golden
from tests.unit.helm.chart import CASES, CHART, GOLDEN, NOTES, Case, golden_text, render
from tests.unit.helm.chart import sidecar_snippet as snippet_in

SNIPPET = CHART / "sidecar-snippet.yaml"
SNIPPET_HEADER = """\
# The valuewatch collector as a sidecar. Add these to your model's pod spec
# (spec.template.spec of its Deployment), beside the model's own container: append the
# container to its `containers:` and the volume to its `volumes:`. Apps in the pod send to
# http://localhost:8000; the chart's PodMonitor scrapes the container port named
# `valuewatch`. The pod must run in the release's namespace, which holds the Secret the
# container reads. This is the snippet for a release named valuewatch installed with
# sidecar.enabled=true; NOTES.txt prints the one for yours.
"""
WHY = (
    "The chart's dashboards and PrometheusRule are made from helm/valuewatch/files/, which "
    "the dashboard and alert generators write, so the golden files must be regenerated "
    "whenever the chart or those generators change: "
    "VALUEWATCH_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/unit/helm"
)


def assert_matches(actual: str, path: Path) -> None:
    """The shared golden comparison, its failure saying why these files change."""
    try:
        assert_matches_golden(actual, path)
    except pytest.fail.Exception as failure:
        pytest.fail(f"{failure.msg}\n{WHY}", pytrace=False)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_rendered_manifests_match_their_golden_file(case: Case) -> None:
    rendered = render(case.values)
    assert_matches(golden_text(rendered, with_generated=case.with_generated),
                   GOLDEN / case.golden)


def test_the_sidecar_snippet_file_is_what_notes_print_for_a_release_named_valuewatch() -> None:
    notes = render({"sidecar": {"enabled": True}})[NOTES]
    assert_matches(SNIPPET_HEADER + snippet_in(notes), SNIPPET)
