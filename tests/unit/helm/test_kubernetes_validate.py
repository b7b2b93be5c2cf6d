"""The core manifests validate against a pinned Kubernetes version's OpenAPI schemas."""

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from tests.unit.helm.chart import (
    CASES,
    CHART,
    KUBERNETES_VERSION,
    Case,
    chart_with_files,
    manifests,
    render,
)

CORE_KINDS = {"Deployment", "Service", "ConfigMap", "Secret", "ServiceAccount",
              "PodDisruptionBudget", "PersistentVolumeClaim"}
# Custom resources of the Prometheus Operator: their shape is tested in test_monitoring.py.
OPERATOR_KINDS = {"ServiceMonitor", "PodMonitor", "PrometheusRule"}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_core_manifests_validate_strictly(case: Case, tmp_path: Path) -> None:
    rendered = manifests(render(case.values, chart_with_files(tmp_path)))
    assert {o["kind"] for o in rendered} <= CORE_KINDS | OPERATOR_KINDS
    core = [o for o in rendered if o["kind"] in CORE_KINDS]
    assert {"Deployment", "ConfigMap"} <= {o["kind"] for o in core}
    for each in core:
        kubernetes_validate.validate(each, KUBERNETES_VERSION, strict=True)


def test_a_model_pod_with_the_sidecar_snippet_validates_strictly() -> None:
    snippet = yaml.safe_load((CHART / "sidecar-snippet.yaml").read_text())
    model = {"name": "vllm", "image": "vllm/vllm-openai:v0.6.3",
             "ports": [{"name": "http", "containerPort": 8080}]}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "model"},
           "spec": {"containers": [model, *snippet["containers"]],
                    "volumes": snippet["volumes"]}}
    kubernetes_validate.validate(pod, KUBERNETES_VERSION, strict=True)
