"""Every container runs as user 10001 on a read-only root, writing only to its volumes."""

from pathlib import PurePosixPath
from typing import Any

import pytest
import yaml

from tests.unit.helm.chart import (
    CASES,
    CHART,
    EXISTING_SECRET,
    Case,
    Manifest,
    env_of,
    manifests,
    of_kind,
    render,
)

SNIPPET = yaml.safe_load((CHART / "sidecar-snippet.yaml").read_text())


def pod_specs(case: Case) -> list[dict[str, Any]]:
    return [d["spec"]["template"]["spec"]
            for d in of_kind(manifests(render(case.values)), "Deployment")]


def containers(case: Case) -> list[Manifest]:
    return [c for spec in pod_specs(case) for c in spec["containers"]]


def assert_locked_down(container: Manifest) -> None:
    context = container["securityContext"]
    assert context["runAsNonRoot"] is True
    assert context["runAsUser"] == 10001
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["capabilities"] == {"drop": ["ALL"]}
    assert context["seccompProfile"] == {"type": "RuntimeDefault"}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_every_container_is_non_root_read_only_and_without_capabilities(case: Case) -> None:
    assert containers(case)
    for container in containers(case):
        assert_locked_down(container)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_every_pod_runs_as_user_10001_with_its_group_owning_the_volumes(case: Case) -> None:
    for spec in pod_specs(case):
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] == 10001
        assert spec["securityContext"]["fsGroup"] == 10001
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert spec["automountServiceAccountToken"] is False


def test_the_sidecar_snippet_is_locked_down_too() -> None:
    (sidecar,) = SNIPPET["containers"]
    assert_locked_down(sidecar)
    assert {"name": "valuewatch-tmp", "mountPath": "/tmp"} in sidecar["volumeMounts"]


def written_paths(container: Manifest) -> list[PurePosixPath]:
    """Where the process writes: /tmp, the reports, the metric files, the SQLite file."""
    env = env_of(container)
    paths = [PurePosixPath("/tmp")]
    if isinstance(env.get("VALUEWATCH_REPORT_DIR"), str):
        paths.append(PurePosixPath(env["VALUEWATCH_REPORT_DIR"]))
    if isinstance(env.get("PROMETHEUS_MULTIPROC_DIR"), str):
        paths.append(PurePosixPath(env["PROMETHEUS_MULTIPROC_DIR"]))
    url = env.get("VALUEWATCH_DATABASE_URL")
    if isinstance(url, str) and url.startswith("sqlite:///"):
        paths.append(PurePosixPath(url.removeprefix("sqlite:///")).parent)
    return paths


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_everything_a_container_writes_lies_on_a_mounted_volume(case: Case) -> None:
    for container in containers(case):
        mounts = [PurePosixPath(m["mountPath"]) for m in container["volumeMounts"]]
        for path in written_paths(container):
            assert any(path == m or m in path.parents for m in mounts), (container["name"], path)


def test_the_metrics_folder_lies_below_its_mount_since_serve_recreates_it() -> None:
    (collector,) = [c for c in containers(EXISTING_SECRET) if c["name"] == "collector"]
    multiproc = env_of(collector)["PROMETHEUS_MULTIPROC_DIR"]
    mounts = {m["mountPath"] for m in collector["volumeMounts"]}
    assert multiproc not in mounts
    assert str(PurePosixPath(multiproc).parent) in mounts
