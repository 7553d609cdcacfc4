"""The Helm chart in deploy/helm/todo-api, offline and in seconds: rendered with several value sets
by Helm's own Go SDK (helm-python-sdk: the SDK built as a shared library, no helm binary), linted
with --strict, and every manifest validated against the Kubernetes 1.30 schemas and the newest that
kubernetes-validate ships, strict (an unknown field is an error). Then what the chart promises:
the probes, uid 1000 on a read-only root, the two secrets only from a Secret, migrations applied
by an init container before the API starts, SQLite refused for more than one pod, and a
values.schema.json that refuses unknown keys and wrong types."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from playhouse.db_url import parse

from handlers import livez, readyz
from migrations import runner
from settings import PROJECT_DIR, SERVICE_VERSION, parse_database_url
from tests.support.skips import skip_or_fail

CHART_DIR = PROJECT_DIR / "deploy" / "helm" / "todo-api"
RELEASE = "todo"
FULLNAME = "todo-todo-api"
KUBERNETES_VERSION = "1.30"  # the oldest the course's clusters run; the newest is kubernetes-validate's
JWT = "a-jwt-secret-of-forty-characters-or-more!"
NEON_URL = (
    "postgresql://owner:n30n%40pw@ep-cool-name-123456.eu-central-1.aws.neon.tech/neondb?sslmode=require"
)
INGRESS = {
    "enabled": True,
    "className": "nginx",
    "annotations": {"nginx.ingress.kubernetes.io/proxy-read-timeout": "3600"},
    "hosts": [{"host": "todo.example.com", "paths": [{"path": "/", "pathType": "Prefix"}]}],
    "tls": [{"secretName": "todo-tls", "hosts": ["todo.example.com"]}],
}


def autoscaling(least: int, most: int, cpu_percent: int = 70) -> dict[str, Any]:
    return {
        "enabled": True,
        "minReplicas": least,
        "maxReplicas": most,
        "targetCPUUtilizationPercentage": cpu_percent,
    }


VALUE_SETS: dict[str, dict[str, Any]] = {
    "bundled-postgresql": {},
    "external-url": {
        "database": {"url": NEON_URL},
        "jwtSecret": JWT,
        # As `--set env.DB_POOL_SIZE=5 --set env.METRICS=true` gives them: a number and a boolean.
        "env": {"LOG_FORMAT": "json", "DB_POOL_SIZE": 5, "METRICS": True},
    },
    "existing-secrets": {
        "database": {"existingSecret": "todo-database", "existingSecretKey": "url"},
        "jwtExistingSecret": "todo-jwt",
    },
    "ingress-tls": {
        "database": {"url": NEON_URL},
        "ingress": INGRESS,
        "service": {"type": "NodePort", "port": 8080},
    },
    "autoscaling-pdb": {
        "autoscaling": autoscaling(2, 6, cpu_percent=60),
        "podDisruptionBudget": {"enabled": True, "minAvailable": 1, "maxUnavailable": 1},
        "postgresql": {"persistence": {"enabled": False, "size": "1Gi", "storageClassName": ""}},
    },
    "sqlite": {"replicaCount": 1, "database": {"url": "sqlite:////data/todo.db"}, "jwtSecret": JWT},
}


SQLITE_REFUSAL = "database.url is SQLite, which only one pod may write: set replicaCount to 1"

Manifest = dict[str, Any]
WORKLOADS = ("Deployment", "StatefulSet")


@pytest.fixture(scope="module")
def helm() -> Any:
    try:
        import helm_python
    except ImportError:
        skip_or_fail("helm-python-sdk is not installed (pip install -r requirements-dev.txt)")
    return helm_python


@pytest.fixture(scope="module")
def chart(helm: Any) -> Iterator[Any]:
    with helm.Chart.load(CHART_DIR) as loaded:
        yield loaded


@pytest.fixture(scope="module")
def validate() -> Any:
    try:
        from kubernetes_validate import utils
    except ImportError:
        skip_or_fail("kubernetes-validate is not installed (pip install -r requirements-dev.txt)")
    return utils


def render(chart: Any, values: dict[str, Any]) -> list[Manifest]:
    rendered = chart.render(values, name=RELEASE, namespace="todo", is_install=True)
    return [
        document
        for path, text in sorted(rendered.items())
        if path.endswith(".yaml")
        for document in yaml.safe_load_all(text)
        if document
    ]


def one(manifests: list[Manifest], kind: str, name: str = FULLNAME) -> Manifest:
    found = [m for m in manifests if m["kind"] == kind and m["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} found"
    return found[0]


def pod_specs(manifests: list[Manifest]) -> Iterator[tuple[str, dict[str, Any]]]:
    for manifest in manifests:
        if manifest["kind"] in WORKLOADS:
            yield manifest["metadata"]["name"], manifest["spec"]["template"]["spec"]


def volume_names(manifests: list[Manifest], name: str) -> set[str]:
    """The volumes a workload's pods may mount: its pod's own and its claim templates'."""
    (workload,) = [m for m in manifests if m["metadata"]["name"] == name and m["kind"] in WORKLOADS]
    claims = workload["spec"].get("volumeClaimTemplates", [])
    pod_volumes = workload["spec"]["template"]["spec"]["volumes"]
    return {volume["name"] for volume in pod_volumes} | {claim["metadata"]["name"] for claim in claims}


def containers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [*spec.get("initContainers", []), *spec["containers"]]


def api_pod(manifests: list[Manifest]) -> dict[str, Any]:
    spec: dict[str, Any] = one(manifests, "Deployment")["spec"]["template"]["spec"]
    return spec


def named(items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    (found,) = [item for item in items if item["name"] == name]
    return found


def secret_data(manifests: list[Manifest]) -> dict[str, str]:
    return {key: base64.b64decode(value).decode() for key, value in one(manifests, "Secret")["data"].items()}


# Helm: lint and schemas ---------------------------------------------------------------------------


@pytest.mark.parametrize("value_set", VALUE_SETS)
def test_the_chart_lints_strict(helm: Any, value_set: str) -> None:
    report = helm.lint(CHART_DIR, VALUE_SETS[value_set], strict=True, kube_version=f"v{KUBERNETES_VERSION}.0")
    assert report["total_charts_linted"] == 1
    assert report["errors"] == []
    # Strict: a warning fails as an error does; Helm's one remark left is that the chart has no icon.
    assert [m for m in report["messages"] if m["severity"] >= 2] == []


@pytest.mark.parametrize("value_set", VALUE_SETS)
def test_every_manifest_is_valid_kubernetes(chart: Any, validate: Any, value_set: str) -> None:
    manifests = render(chart, VALUE_SETS[value_set])
    latest = validate.latest_version()
    assert tuple(map(int, latest.split(".")[:2])) > (1, 30)
    for version in (KUBERNETES_VERSION, latest):
        for manifest in manifests:
            # A kind without a schema raises too (SchemaNotFoundError): nothing passes unchecked.
            validate.validate(manifest, version, strict=True)


def test_the_validation_is_strict(chart: Any, validate: Any) -> None:
    """What the test above relies on: a field Kubernetes does not know, or a wrong type, fails."""
    deployment = one(render(chart, {}), "Deployment")
    api = named(deployment["spec"]["template"]["spec"]["containers"], "api")
    api["readinesProbe"] = api.pop("readinessProbe")
    with pytest.raises(validate.ValidationError, match="readinesProbe"):
        validate.validate(deployment, KUBERNETES_VERSION, strict=True)
    api["readinessProbe"] = api.pop("readinesProbe")
    validate.validate(deployment, KUBERNETES_VERSION, strict=True)
    deployment["spec"]["replicas"] = "2"
    with pytest.raises(validate.ValidationError):
        validate.validate(deployment, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize(
    ("values", "complaint"),
    [
        ({"replicas": 2}, "additional properties 'replicas' not allowed"),
        ({"image": {"registry": "ghcr.io"}}, "additional properties 'registry' not allowed"),
        ({"database": {"uri": NEON_URL}}, "additional properties 'uri' not allowed"),
        ({"postgresql": {"auth": {"user": "todo"}}}, "additional properties 'user' not allowed"),
        ({"resources": {"requests": {"gpu": 1}}}, "additional properties 'gpu' not allowed"),
        ({"replicaCount": "2"}, "'/replicaCount': got string, want integer"),
        ({"image": {"tag": 2}}, "'/image/tag': got number, want string"),
        ({"autoscaling": {"enabled": "yes"}}, "'/autoscaling/enabled': got string, want boolean"),
        ({"service": {"port": 70000}}, "'/service/port'"),
        (
            {"ingress": {"hosts": [{"host": "todo.local", "paths": [{"path": "/", "pathType": "Glob"}]}]}},
            "pathType",
        ),
        ({"jwtSecret": "too short"}, "'/jwtSecret'"),
        ({"env": {"DATABASE_URL": "sqlite:////data/x.db"}}, "DATABASE_URL"),
        (
            {"env": {"LOG_FORMAT": ["json"]}},
            "'/env/LOG_FORMAT': got array, want boolean or integer or string",
        ),
    ],
)
def test_values_schema_refuses_unknown_keys_and_bad_types(
    helm: Any, chart: Any, values: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(helm.HelmValuesError) as refused:
        chart.render(values, name=RELEASE)
    assert complaint in str(refused.value)


def test_every_value_set_meets_the_schema(chart: Any) -> None:
    for values in VALUE_SETS.values():
        chart.validate_schema(values)


def test_the_chart_serves_this_version_of_the_service(chart: Any) -> None:
    assert chart.metadata["appVersion"] == SERVICE_VERSION
    assert one(render(chart, {}), "Deployment")["spec"]["template"]["spec"]["containers"][0]["image"] == (
        f"todo-api:{SERVICE_VERSION}"
    )


# What runs in the pods ----------------------------------------------------------------------------


def test_pods_run_as_the_images_user_on_a_read_only_root(chart: Any) -> None:
    dockerfile = (PROJECT_DIR / "Dockerfile").read_text()
    assert "useradd --create-home --uid 1000" in dockerfile and "\nUSER 1000\n" in dockerfile
    for value_set, values in VALUE_SETS.items():
        manifests = render(chart, values)
        for name, spec in pod_specs(manifests):
            where = f"{value_set}: {name}"
            pod = spec["securityContext"]
            assert pod["runAsNonRoot"] is True and pod["seccompProfile"] == {"type": "RuntimeDefault"}, where
            assert spec["automountServiceAccountToken"] is False, where
            if name == FULLNAME:
                assert (pod["runAsUser"], pod["runAsGroup"], pod["fsGroup"]) == (1000, 1000, 1000), where
            mounted = volume_names(manifests, name)
            for container in containers(spec):
                assert container["securityContext"] == {
                    "allowPrivilegeEscalation": False,
                    "readOnlyRootFilesystem": True,
                    "runAsNonRoot": True,
                    "capabilities": {"drop": ["ALL"]},
                }, f"{where}/{container['name']}"
                assert {mount["name"] for mount in container["volumeMounts"]} <= mounted
            if name == FULLNAME:  # what the app writes: temporary files and DATA_DIR
                for container in containers(spec):
                    paths = {mount["mountPath"] for mount in container["volumeMounts"]}
                    assert paths == {"/tmp", "/data"}, where
                    assert named(container["env"], "DATA_DIR")["value"] == "/data"


def test_the_probes_are_livez_and_readyz(chart: Any) -> None:
    assert livez.ENDPOINT.paths == ("/livez",) and readyz.ENDPOINT.paths == ("/readyz",)
    for value_set, values in VALUE_SETS.items():
        api = named(api_pod(render(chart, values))["containers"], "api")
        assert api["ports"] == [{"name": "http", "containerPort": 7860, "protocol": "TCP"}], value_set
        assert named(api["env"], "PORT")["value"] == "7860"
        # Liveness never touches the database: its outage must not restart healthy pods.
        for probe in ("startupProbe", "livenessProbe"):
            assert api[probe]["httpGet"] == {"path": "/livez", "port": "http"}, value_set
        assert api["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}, value_set


def test_the_secrets_come_from_a_secret_never_in_plain(chart: Any) -> None:
    for value_set, values in VALUE_SETS.items():
        manifests = render(chart, values)
        owned = [m for m in manifests if m["kind"] == "Secret"]
        plain = {key: value for m in owned for key, value in secret_data([m]).items()}
        for name, spec in pod_specs(manifests):
            for container in containers(spec):
                env = {item["name"]: item for item in container["env"]}
                for secret in ("DATABASE_URL", "JWT_SECRET", "POSTGRES_PASSWORD"):
                    if secret in env:
                        assert set(env[secret]) == {"name", "valueFrom"}, f"{value_set}: {name} {secret}"
                        assert "secretKeyRef" in env[secret]["valueFrom"]
                values_in_plain = " ".join(str(item.get("value", "")) for item in env.values())
                for value in [*plain.values(), JWT, "n30n"]:
                    assert value not in values_in_plain, f"{value_set}: a secret in {name}'s environment"
        for manifest in manifests:  # nor anywhere else outside the Secret
            if manifest["kind"] != "Secret":
                text = yaml.safe_dump(manifest)
                assert not [value for value in [*plain.values(), JWT] if value in text], value_set


def test_given_secrets_are_used_as_given(chart: Any) -> None:
    manifests = render(chart, VALUE_SETS["external-url"])
    assert secret_data(manifests) == {"DATABASE_URL": NEON_URL, "JWT_SECRET": JWT}
    assert not [m for m in manifests if "postgresql" in m["metadata"]["name"]], "no bundled database"
    env = api_pod(manifests)["containers"][0]["env"]
    assert [named(env, name)["value"] for name in ("LOG_FORMAT", "DB_POOL_SIZE", "METRICS")] == [
        "json",
        "5",
        "true",
    ]

    manifests = render(chart, VALUE_SETS["existing-secrets"])
    assert not [m for m in manifests if m["kind"] == "Secret"], "the chart makes no Secret of its own"
    env = api_pod(manifests)["containers"][0]["env"]
    assert named(env, "DATABASE_URL")["valueFrom"] == {
        "secretKeyRef": {"name": "todo-database", "key": "url"}
    }
    assert named(env, "JWT_SECRET")["valueFrom"] == {
        "secretKeyRef": {"name": "todo-jwt", "key": "JWT_SECRET"}
    }


def test_the_bundled_postgresql_gets_generated_secrets(chart: Any) -> None:
    first, second = render(chart, {}), render(chart, {})
    secrets = secret_data(first)
    assert set(secrets) == {"DATABASE_URL", "JWT_SECRET", "POSTGRES_PASSWORD"}
    # Uninstalling keeps it with the database's volume: a reinstall finds the data's password.
    assert one(first, "Secret")["metadata"]["annotations"] == {"helm.sh/resource-policy": "keep"}
    assert len(secrets["JWT_SECRET"]) >= 32 and len(secrets["POSTGRES_PASSWORD"]) >= 32
    assert secret_data(second)["JWT_SECRET"] != secrets["JWT_SECRET"], "random, not written in the chart"
    database = parse_database_url(secrets["DATABASE_URL"], Path("/data"))
    assert database.dialect == "postgresql"
    assert parse(database.url, unquote_password=True)["password"] == secrets["POSTGRES_PASSWORD"]
    service = one(first, "Service", f"{FULLNAME}-postgresql")
    statefulset = one(first, "StatefulSet", f"{FULLNAME}-postgresql")
    assert urlsplit(secrets["DATABASE_URL"]).hostname == service["metadata"]["name"]
    assert urlsplit(secrets["DATABASE_URL"]).port == service["spec"]["ports"][0]["port"] == 5432
    postgres = statefulset["spec"]["template"]["spec"]["containers"][0]
    assert postgres["image"].startswith("postgres:")
    assert named(postgres["env"], "POSTGRES_PASSWORD")["valueFrom"]["secretKeyRef"] == {
        "name": FULLNAME,
        "key": "POSTGRES_PASSWORD",
    }
    assert statefulset["spec"]["volumeClaimTemplates"][0]["metadata"]["name"] == "data"


def test_a_chosen_postgresql_password_is_escaped_in_the_url(chart: Any) -> None:
    """The app decodes a percent-escaped password (models.open_database): the URL must carry it so."""
    password = "p@ss w/rd:%+#?"
    auth = {"username": "todo", "database": "todo", "password": password}
    secrets = secret_data(render(chart, {"postgresql": {"auth": auth}}))
    assert secrets["POSTGRES_PASSWORD"] == password
    database = parse_database_url(secrets["DATABASE_URL"], Path("/data"))
    assert parse(database.url, unquote_password=True)["password"] == password
    assert urlsplit(database.url).path == "/todo"


def test_services_select_their_own_pods(chart: Any) -> None:
    manifests = render(chart, {})
    pods = {
        m["metadata"]["name"]: m["spec"]["template"]["metadata"]["labels"]
        for m in manifests
        if m["kind"] in WORKLOADS
    }
    for service in (m for m in manifests if m["kind"] == "Service"):
        selector = service["spec"]["selector"].items()
        chosen = [name for name, labels in pods.items() if selector <= labels.items()]
        assert chosen == [service["metadata"]["name"]], f"{service['metadata']['name']} selects {chosen}"
    api_service = one(manifests, "Service")
    assert api_service["spec"]["ports"][0]["targetPort"] == "http"


# Migrations before the new pods serve ------------------------------------------------------------


def test_migrations_run_in_an_init_container_before_the_api(chart: Any) -> None:
    """Init containers run to completion before the pod's containers start, on install and on
    every upgrade, the bundled database included (a pre-install hook Job would run before that
    database exists); the API container does not migrate, and is ready only on /readyz."""
    for value_set, values in VALUE_SETS.items():
        manifests = render(chart, values)
        spec = api_pod(manifests)
        (migrate,) = spec["initContainers"]
        api = named(spec["containers"], "api")
        assert migrate["command"][:4] == ["python", "-m", "migrations", "upgrade"], value_set
        assert migrate["command"][4] == "--wait" and int(migrate["command"][5]) >= 60
        assert migrate["image"] == api["image"]
        assert migrate["env"] == api["env"], "the same database and settings"
        assert migrate["volumeMounts"] == api["volumeMounts"]
        assert named(api["env"], "AUTO_MIGRATE")["value"] == "false", value_set
        assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert not [m for m in manifests if m["kind"] == "Job"]
        assert not [m for m in manifests if "helm.sh/hook" in m["metadata"].get("annotations", {})]
        strategy = one(manifests, "Deployment")["spec"]["strategy"]
        if value_set == "sqlite":  # one pod writes the file: the old one stops first
            assert strategy == {"type": "Recreate"}
        else:  # the old pods serve until a migrated new one is ready
            assert strategy == {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
            }


def test_the_init_containers_command_migrates(chart: Any, tmp_path: Path) -> None:
    """The rendered command, run as the image runs it (its working directory is the project),
    on a SQLite file here instead of the pod's /data."""
    spec = api_pod(render(chart, VALUE_SETS["sqlite"]))
    (migrate,) = spec["initContainers"]
    env = {item["name"]: item["value"] for item in migrate["env"] if "value" in item}
    env |= {"DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/todo.db", "JWT_SECRET": JWT}
    command = [sys.executable if migrate["command"][0] == "python" else "", *migrate["command"][1:]]
    result = subprocess.run(
        command, cwd=PROJECT_DIR, env={**os.environ, **env}, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert f"applied {len(runner.migration_names())} migration(s)" in result.stdout


# SQLite, ingress, autoscaling -------------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        {"database": {"url": "sqlite:////data/todo.db"}},  # replicaCount's default is 2
        {"replicaCount": 3, "database": {"url": "sqlite+pysqlite:////data/todo.db"}},
        {
            "replicaCount": 1,
            "database": {"url": "SQLite:////data/todo.db"},
            "autoscaling": autoscaling(1, 3),
        },
    ],
)
def test_sqlite_with_more_than_one_replica_is_refused(helm: Any, chart: Any, values: dict[str, Any]) -> None:
    with pytest.raises(helm.HelmRenderError) as refused:
        chart.render(values, name=RELEASE)
    assert SQLITE_REFUSAL in str(refused.value)


def test_sqlite_runs_one_pod_on_a_kept_volume(chart: Any) -> None:
    manifests = render(chart, VALUE_SETS["sqlite"])
    assert one(manifests, "Deployment")["spec"]["replicas"] == 1
    claim = one(manifests, "PersistentVolumeClaim", f"{FULLNAME}-data")
    assert claim["metadata"]["annotations"] == {"helm.sh/resource-policy": "keep"}
    (data,) = [volume for volume in api_pod(manifests)["volumes"] if volume["name"] == "data"]
    assert data == {"name": "data", "persistentVolumeClaim": {"claimName": f"{FULLNAME}-data"}}
    assert not [m for m in manifests if "postgresql" in m["metadata"]["name"]]


@pytest.mark.parametrize(
    ("values", "complaint"),
    [
        ({"replicaCount": 1, "database": {"url": "sqlite:///todo.db"}}, "SQLite file must be under /data"),
        (
            {"database": {"url": NEON_URL, "existingSecret": "todo-database"}},
            "database: set url or existingSecret, not both",
        ),
        ({"jwtSecret": JWT, "jwtExistingSecret": "todo-jwt"}, "set jwtSecret or jwtExistingSecret, not both"),
        (
            {"autoscaling": autoscaling(2, 4), "resources": {"requests": {"cpu": None}}},
            "the autoscaler measures CPU against resources.requests.cpu, which is not set",
        ),
        (
            {"autoscaling": autoscaling(5, 4)},
            "minReplicas is more than maxReplicas",
        ),
    ],
)
def test_values_that_cannot_work_are_refused(
    helm: Any, chart: Any, values: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(helm.HelmRenderError) as refused:
        chart.render(values, name=RELEASE)
    assert complaint in str(refused.value)


def test_ingress_with_tls(chart: Any) -> None:
    manifests = render(chart, VALUE_SETS["ingress-tls"])
    ingress = one(manifests, "Ingress")
    assert ingress["spec"]["ingressClassName"] == "nginx"
    assert ingress["spec"]["tls"] == [{"secretName": "todo-tls", "hosts": ["todo.example.com"]}]
    (rule,) = ingress["spec"]["rules"]
    assert rule["host"] == "todo.example.com"
    backend = rule["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": FULLNAME, "port": {"name": "http"}}
    service = one(manifests, "Service")
    assert service["spec"]["type"] == "NodePort" and service["spec"]["ports"][0]["port"] == 8080
    assert not [m for m in render(chart, {}) if m["kind"] == "Ingress"], "off by default"


def test_autoscaling_and_disruption_budget(chart: Any) -> None:
    manifests = render(chart, VALUE_SETS["autoscaling-pdb"])
    deployment = one(manifests, "Deployment")
    assert "replicas" not in deployment["spec"], "the autoscaler owns the count"
    hpa = one(manifests, "HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": FULLNAME}
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 6)
    assert hpa["spec"]["metrics"][0]["resource"]["target"] == {
        "type": "Utilization",
        "averageUtilization": 60,
    }
    pdb = one(manifests, "PodDisruptionBudget")
    assert pdb["spec"]["minAvailable"] == 1 and "maxUnavailable" not in pdb["spec"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    postgres = one(manifests, "StatefulSet", f"{FULLNAME}-postgresql")["spec"]
    assert "volumeClaimTemplates" not in postgres
    assert {"name": "data", "emptyDir": {}} in postgres["template"]["spec"]["volumes"]
    default = render(chart, {})
    assert not [m for m in default if m["kind"] in ("HorizontalPodAutoscaler", "PodDisruptionBudget")]
    pdb_values = {"podDisruptionBudget": {"enabled": True, "minAvailable": "", "maxUnavailable": "50%"}}
    assert one(render(chart, pdb_values), "PodDisruptionBudget")["spec"]["maxUnavailable"] == "50%"


# The docs ---------------------------------------------------------------------------------------


WHOLE_VALUES = {"resources", "annotations"}  # documented as one value: a Kubernetes object


def value_paths(values: dict[str, Any], prefix: str = "") -> Iterator[str]:
    for key, value in values.items():
        if isinstance(value, dict) and value and key not in WHOLE_VALUES:
            yield from value_paths(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}"


def test_every_value_is_in_the_docs_reference() -> None:
    values = yaml.safe_load((CHART_DIR / "values.yaml").read_text())
    docs = (PROJECT_DIR / "docs" / "kubernetes.md").read_text()
    reference = docs.split("\n## Values\n", 1)[1]
    missing = [path for path in value_paths(values) if f"`{path}`" not in reference]
    assert not missing, f"not in docs/kubernetes.md's values reference: {missing}"
