"""What the chart deploys: the collector, the evaluator, the sidecar, the database secret."""

from typing import Any

import pytest
import yaml

from tests.unit.helm.chart import (
    CHART,
    DEFAULT,
    EXISTING_SECRET,
    NOTES,
    SIDECAR,
    SQLITE_TRIAL,
    Manifest,
    env_of,
    manifests,
    named,
    of_kind,
    render,
    sidecar_snippet,
)


def objects(values: dict[str, Any]) -> list[Manifest]:
    return manifests(render(values))


def container(objects: list[Manifest], deployment: str) -> Manifest:
    """The one container of a Deployment."""
    (only,) = named(objects, "Deployment", deployment)["spec"]["template"]["spec"]["containers"]
    return only


def test_the_collector_serves_while_the_evaluator_deployment_owns_the_jobs() -> None:
    rendered = objects(DEFAULT.values)
    collector = container(rendered, "valuewatch")
    evaluator = container(rendered, "valuewatch-evaluator")
    assert collector["args"][:3] == ["serve", "--host", "0.0.0.0"]
    assert env_of(collector)["VALUEWATCH_SCHEDULER_ENABLED"] == "false"
    assert evaluator["args"][:1] == ["evaluate"]
    assert evaluator["args"][evaluator["args"].index("--metrics-port") + 1] == "9464"
    assert evaluator["ports"] == [{"name": "metrics", "containerPort": 9464, "protocol": "TCP"}]
    assert named(rendered, "Deployment", "valuewatch-evaluator")["spec"]["replicas"] == 1
    assert named(rendered, "Deployment", "valuewatch")["spec"]["replicas"] == 2


def test_both_services_point_at_their_pods_named_ports() -> None:
    rendered = objects(DEFAULT.values)
    collector = named(rendered, "Service", "valuewatch")["spec"]
    evaluator = named(rendered, "Service", "valuewatch-evaluator")["spec"]
    assert collector["ports"] == [
        {"name": "http", "port": 8000, "targetPort": "http", "protocol": "TCP"},
        {"name": "otlp-grpc", "port": 4317, "targetPort": "otlp-grpc", "protocol": "TCP",
         "appProtocol": "grpc"},
    ]
    assert collector["selector"]["app.kubernetes.io/component"] == "collector"
    assert evaluator["ports"] == [{"name": "metrics", "port": 9464, "targetPort": "metrics",
                                   "protocol": "TCP"}]
    assert evaluator["selector"]["app.kubernetes.io/component"] == "evaluator"


def test_the_collector_listens_for_otlp_grpc_on_4317_unless_turned_off() -> None:
    served = container(objects(DEFAULT.values), "valuewatch")
    assert served["args"][served["args"].index("--otlp-grpc-port") + 1] == "4317"
    assert {"name": "otlp-grpc", "containerPort": 4317, "protocol": "TCP"} in served["ports"]
    off = objects({"collector": {"otlpGrpcPort": 0}})
    assert [p["name"] for p in named(off, "Service", "valuewatch")["spec"]["ports"]] == ["http"]
    served = container(off, "valuewatch")
    assert served["args"][served["args"].index("--otlp-grpc-port") + 1] == "0"


def test_the_collector_is_probed_on_healthz_and_readyz_and_the_evaluator_on_its_metrics_port(
) -> None:
    rendered = objects(DEFAULT.values)
    collector = container(rendered, "valuewatch")
    evaluator = container(rendered, "valuewatch-evaluator")
    assert collector["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert collector["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert evaluator["livenessProbe"]["tcpSocket"] == {"port": "metrics"}
    assert evaluator["readinessProbe"]["httpGet"] == {"path": "/metrics", "port": "metrics"}


def test_every_container_has_resource_requests_and_limits() -> None:
    for case in (DEFAULT, SIDECAR, SQLITE_TRIAL):
        for deployment in of_kind(objects(case.values), "Deployment"):
            for each in deployment["spec"]["template"]["spec"]["containers"]:
                assert {"cpu", "memory"} <= set(each["resources"]["requests"]), each["name"]
                assert "memory" in each["resources"]["limits"], each["name"]


def test_the_sidecar_values_render_no_collector_and_notes_show_the_container() -> None:
    rendered = render(SIDECAR.values)
    kinds = {(o["kind"], o["metadata"]["name"]) for o in manifests(rendered)}
    assert ("Deployment", "valuewatch") not in kinds
    assert ("Service", "valuewatch") not in kinds
    assert ("Deployment", "valuewatch-evaluator") in kinds
    snippet = yaml.safe_load(sidecar_snippet(rendered[NOTES]))
    (sidecar,) = snippet["containers"]
    assert sidecar["name"] == "valuewatch"
    assert sidecar["args"][sidecar["args"].index("--port") + 1] == "8001"
    assert sidecar["ports"] == [{"name": "valuewatch", "containerPort": 8001, "protocol": "TCP"}]
    assert env_of(sidecar)["VALUEWATCH_SCHEDULER_ENABLED"] == "false"
    assert snippet["volumes"] == [{"name": "valuewatch-tmp", "emptyDir": {}}]


def test_the_sidecar_snippet_file_is_a_pod_spec_fragment_for_the_default_port() -> None:
    snippet = yaml.safe_load((CHART / "sidecar-snippet.yaml").read_text())
    (sidecar,) = snippet["containers"]
    assert sidecar["ports"][0] == {"name": "valuewatch", "containerPort": 8000, "protocol": "TCP"}
    assert sidecar["env"][1]["valueFrom"]["secretKeyRef"] == {"name": "valuewatch",
                                                              "key": "database-url"}


def test_a_sqlite_trial_runs_the_evaluators_in_the_collector_on_its_volume() -> None:
    rendered = objects(SQLITE_TRIAL.values)
    deployment = named(rendered, "Deployment", "valuewatch")
    collector = container(rendered, "valuewatch")
    env = env_of(collector)
    assert env["VALUEWATCH_DATABASE_URL"] == "sqlite:////var/lib/valuewatch/valuewatch.db"
    assert env["VALUEWATCH_SCHEDULER_ENABLED"] == "true"
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    assert {"name": "data", "persistentVolumeClaim": {"claimName": "valuewatch-data"}} in (
        deployment["spec"]["template"]["spec"]["volumes"])
    pvc = named(rendered, "PersistentVolumeClaim", "valuewatch-data")
    assert pvc["spec"]["resources"]["requests"]["storage"] == "1Gi"
    assert not any(o["metadata"]["name"] == "valuewatch-evaluator" for o in rendered)
    assert of_kind(rendered, "Secret") == []


def test_the_chart_secret_holds_the_database_url_and_salt_and_restarts_pods_on_change() -> None:
    salt = "pepper-for-user-ids-0123"
    values = {"database": {"url": "postgresql+psycopg://vw:pw@db.internal:5432/vw",
                           "userHashSalt": salt}}
    rendered = objects(values)
    secret = named(rendered, "Secret", "valuewatch")
    assert secret["stringData"] == {"database-url": values["database"]["url"],
                                    "user-hash-salt": salt}
    env = env_of(container(rendered, "valuewatch"))
    assert env["VALUEWATCH_DATABASE_URL"] == {"secretKeyRef": {"name": "valuewatch",
                                                                "key": "database-url"}}
    assert env["VALUEWATCH_USER_HASH_SALT"] == {"secretKeyRef": {"name": "valuewatch",
                                                                  "key": "user-hash-salt"}}
    before = named(objects({}), "Deployment", "valuewatch")["spec"]["template"]["metadata"]
    after = named(rendered, "Deployment", "valuewatch")["spec"]["template"]["metadata"]
    assert before["annotations"]["checksum/secret"] != after["annotations"]["checksum/secret"]


def test_an_existing_secret_replaces_the_chart_secret() -> None:
    rendered = objects(EXISTING_SECRET.values)
    assert of_kind(rendered, "Secret") == []
    for name in ("valuewatch", "valuewatch-evaluator"):
        env = env_of(container(rendered, name))
        assert env["VALUEWATCH_DATABASE_URL"] == {
            "secretKeyRef": {"name": "valuewatch-postgres", "key": "uri"}}
        assert env["VALUEWATCH_USER_HASH_SALT"] == {
            "secretKeyRef": {"name": "valuewatch-postgres", "key": "salt", "optional": True}}


@pytest.mark.parametrize("name", ["valuewatch", "valuewatch-evaluator"])
def test_environment_settings_and_extra_env_reach_both_workloads(name: str) -> None:
    env = env_of(container(objects(EXISTING_SECRET.values), name))
    assert env["VALUEWATCH_ENVIRONMENT"] == "production"
    assert env["VALUEWATCH_RETENTION_DAYS"] == "30"
    assert env["VALUEWATCH_ACCURACY_TARGET"] == "0.95"
    assert env["TZ"] == "UTC"


def test_several_workers_merge_their_metrics_in_an_empty_dir() -> None:
    rendered = objects(EXISTING_SECRET.values)
    collector = container(rendered, "valuewatch")
    assert collector["args"][collector["args"].index("--workers") + 1] == "4"
    assert env_of(collector)["PROMETHEUS_MULTIPROC_DIR"] == "/var/run/valuewatch/metrics"
    volumes = named(rendered, "Deployment", "valuewatch")["spec"]["template"]["spec"]["volumes"]
    assert {"name": "metrics-multiproc", "emptyDir": {}} in volumes
    assert "PROMETHEUS_MULTIPROC_DIR" not in env_of(container(objects({}), "valuewatch"))


def test_notes_say_how_to_create_the_first_admin_key() -> None:
    admin = "-- valuewatch keys create --name admin --scope admin"
    assert f"kubectl exec -n llm deploy/valuewatch {admin}" in render({})[NOTES]
    assert f"kubectl exec -n llm deploy/valuewatch-evaluator {admin}" in render(
        SIDECAR.values)[NOTES]


def test_every_object_carries_the_recommended_labels() -> None:
    for each in objects(DEFAULT.values):
        labels = each["metadata"]["labels"]
        assert labels["app.kubernetes.io/name"] == "valuewatch"
        assert labels["app.kubernetes.io/instance"] == "valuewatch"
        assert labels["app.kubernetes.io/managed-by"] == "Helm"
        assert labels["app.kubernetes.io/version"] == "0.1.0"
        assert labels["helm.sh/chart"] == "valuewatch-0.1.0"
