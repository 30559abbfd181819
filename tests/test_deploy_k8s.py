"""The Kubernetes manifests in deploy/k8s/, checked offline (no cluster, no network).

What a cluster would reject or silently get wrong is caught here instead:

- every manifest parses, and validates against the Kubernetes API schema of each version in
  ``KUBERNETES_VERSIONS`` with ``kubernetes-validate`` (bundled schemas, strict: an unknown or
  misspelt field fails, as ``kubectl apply`` would reject it);
- kustomization.yaml lists exactly the manifests in the folder, and commits no secret;
- the ports and paths agree across files that nothing else ties together: the Dockerfile's EXPOSE,
  ``--server.port``, health check and warm-up URL, ``.streamlit/config.toml``, the container port,
  the probes, the Service's target port, the Ingress backend and its upload body size. A port
  changed in one file and not the others would deploy without complaint and serve nothing;
- the pod runs as the Dockerfile's unprivileged user on a read-only root with emptyDirs for the
  paths Streamlit writes, rolls out without losing capacity, and takes traffic only after the
  warm-up (``deploy/warm_up.py``) ran;
- the README's sizing table follows from the per-replica figures in "How many students".

``consistency_problems`` reads everything from the files given to it, so the tests below also run
it on mutated copies and show that each kind of disagreement is reported.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from streamlit import config as streamlit_config

ROOT = Path(__file__).resolve().parents[1]
K8S = Path("deploy/k8s")
DOCKERFILE = Path("deploy/Dockerfile")
STREAMLIT_CONFIG = Path(".streamlit/config.toml")

# The oldest Kubernetes whose schema the manifests must satisfy (everything they use is GA there:
# autoscaling/v2, policy/v1, networking.k8s.io/v1 Ingress, seccompProfile) and the newest schema
# that the pinned kubernetes-validate bundles.
KUBERNETES_VERSIONS = ("1.30", "1.37")

COOKIE_SECRET_VARIABLE = "STREAMLIT_SERVER_COOKIE_SECRET"
INGRESS_ANNOTATION = "nginx.ingress.kubernetes.io/"
# A student's tab may sit idle for a whole lecture; ingress-nginx's default (60 s) would cut it.
MIN_WEBSOCKET_TIMEOUT_S = 3600
# Streamlit's own allowance for multipart framing on top of server.maxUploadSize
# (_MAX_UPLOAD_MULTIPART_OVERHEAD_BYTES in streamlit/web/server/starlette/starlette_routes.py).
MULTIPART_MARGIN_MB = 1


# --------------------------------------------------------------------------------------------
# Reading the files
# --------------------------------------------------------------------------------------------

def manifest_files(root: Path) -> list[Path]:
    """The manifests of deploy/k8s under ``root`` (every YAML file but the kustomization)."""
    return sorted(p for p in (root / K8S).glob("*.yaml") if p.name != "kustomization.yaml")


def load_yaml_documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def load_objects(root: Path) -> dict[str, dict]:
    """Every object of the manifests under ``root``, by kind (each kind appears once here)."""
    objects: dict[str, dict] = {}
    for path in manifest_files(root):
        for doc in load_yaml_documents(path):
            if doc["kind"] in objects:
                raise ValueError(f"two objects of kind {doc['kind']}; the checks expect one")
            objects[doc["kind"]] = doc
    return objects


def dockerfile_facts(root: Path) -> dict:
    """What the Dockerfile says about ports, paths, the user and the warm-up."""
    text = re.sub(r"\\\n", " ", (root / DOCKERFILE).read_text())  # join continued lines
    instructions = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    facts: dict = {"expose": [], "copies": {}, "workdir": None}
    for line in instructions:
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "EXPOSE":
            facts["expose"] += [int(port.split("/")[0]) for port in rest.split()]
        elif keyword == "WORKDIR":
            facts["workdir"] = rest.strip()
        elif keyword == "COPY":
            source, destination = rest.split()[-2:]
            facts["copies"][source] = destination
        elif keyword == "USER":
            facts["user"] = rest.strip()
        elif keyword == "HEALTHCHECK":
            match = re.search(r"https?://[^/'\"]+:(\d+)(/[^'\" ]*)", rest)
            facts["healthcheck_port"], facts["health_path"] = int(match[1]), match[2]
        elif keyword == "CMD":
            facts["cmd"] = rest
        elif keyword == "RUN" and "useradd" in rest:
            facts["uid"] = int(re.search(r"--uid[ =](\d+)", rest)[1])
            facts["user_name"] = rest.split()[-1]
            facts["home"] = f"/home/{facts['user_name']}"  # useradd --create-home's default
    cmd = facts["cmd"]
    facts["server_port"] = int(re.search(r"--server\.port[ =](\d+)", cmd)[1])
    facts["server_address"] = re.search(r"--server\.address[ =](\S+)", cmd)[1]
    facts["warm_up_port"] = int(re.search(r"warm_up\.py\s+https?://[^:/\s]+:(\d+)", cmd)[1])
    return facts


def streamlit_setting(root: Path, section: str, option: str):
    """A setting from .streamlit/config.toml, or Streamlit's own default when it is not set."""
    settings = tomllib.loads((root / STREAMLIT_CONFIG).read_text())
    if option in settings.get(section, {}):
        return settings[section][option]
    return streamlit_config._config_options_template[f"{section}.{option}"].default_val


def container_of(deployment: dict) -> dict:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container


def resolve_port(port, named: dict[str, int]) -> int | None:
    """A probe's or Service's port, by number or by the container port's name."""
    return port if isinstance(port, int) else named.get(port)


def url_port(url: str) -> int | None:
    match = re.match(r"https?://[^:/]+:(\d+)", url)
    return int(match[1]) if match else None


def selector_matches(selector: dict, labels: dict) -> bool:
    return bool(selector) and all(labels.get(key) == value for key, value in selector.items())


# --------------------------------------------------------------------------------------------
# The consistency check
# --------------------------------------------------------------------------------------------

def consistency_problems(root: Path) -> list[str]:
    """Every disagreement between the manifests, the Dockerfile and config.toml under ``root``.

    Returns a list of sentences, empty when everything agrees. Reads only files, so that a copy
    with one file changed shows what the check would say about that change.
    """
    problems: list[str] = []
    docker = dockerfile_facts(root)
    objects = load_objects(root)
    kustomization = yaml.safe_load((root / K8S / "kustomization.yaml").read_text())
    deployment, service, ingress = objects["Deployment"], objects["Service"], objects["Ingress"]
    hpa, pdb = objects["HorizontalPodAutoscaler"], objects["PodDisruptionBudget"]
    pod = deployment["spec"]["template"]
    container = container_of(deployment)

    # The port: Dockerfile (EXPOSE, --server.port, health check, warm-up), config.toml, container.
    port = docker["server_port"]
    config_port = streamlit_setting(root, "server", "port")
    if config_port != port:
        problems.append(f".streamlit/config.toml server.port is {config_port}; the Dockerfile starts Streamlit on {port}")
    for what in ("healthcheck_port", "warm_up_port"):
        if docker[what] != port:
            problems.append(f"Dockerfile {what} is {docker[what]}; --server.port is {port}")
    if docker["expose"] != [port]:
        problems.append(f"Dockerfile EXPOSE {docker['expose']}; --server.port is {port}")
    if docker["server_address"] != "0.0.0.0":
        problems.append(f"Dockerfile --server.address is {docker['server_address']}; a pod must listen on 0.0.0.0")
    if streamlit_setting(root, "server", "baseUrlPath"):
        problems.append(".streamlit/config.toml sets server.baseUrlPath; the probes and the Ingress assume the root")
    if "command" in container or "args" in container:
        problems.append("the container overrides the image's command; the Dockerfile's CMD is the one start-up")
    for variable in container.get("env", []):
        if variable["name"] in ("STREAMLIT_SERVER_PORT", "STREAMLIT_SERVER_ADDRESS", "STREAMLIT_SERVER_BASE_URL_PATH"):
            problems.append(f"the container sets {variable['name']}, which the checks here do not follow")
    named_ports = {p["name"]: p["containerPort"] for p in container.get("ports", []) if "name" in p}
    container_ports = [p["containerPort"] for p in container.get("ports", [])]
    if container_ports != [port]:
        problems.append(f"containerPort {container_ports}; the Dockerfile starts Streamlit on {port}")

    # Probes: health path and port; the startup probe is the warm-up.
    for probe_name in ("readinessProbe", "livenessProbe"):
        probe = container.get(probe_name)
        if not probe or "httpGet" not in probe:
            problems.append(f"{probe_name} missing or not an HTTP GET")
            continue
        get = probe["httpGet"]
        if get.get("path") != docker["health_path"]:
            problems.append(f"{probe_name} path {get.get('path')}; the Dockerfile's health check uses {docker['health_path']}")
        if resolve_port(get.get("port"), named_ports) != port:
            problems.append(f"{probe_name} port {get.get('port')!r} is not the container's port {port}")
    startup = container.get("startupProbe", {})
    command = startup.get("exec", {}).get("command", [])
    warm_up_in_image = str(Path(docker["workdir"]) / docker["copies"].get("deploy/warm_up.py", "?") / "warm_up.py")
    if warm_up_in_image not in command:
        problems.append(f"the startup probe does not run the warm-up at {warm_up_in_image}: {command}")
    else:
        urls = [arg for arg in command if arg.startswith("http")]
        if [url_port(url) for url in urls] != [port]:
            problems.append(f"the startup probe's warm-up URL {urls} is not port {port}")
        if "--timeout" in command:
            warm_up_timeout = float(command[command.index("--timeout") + 1])
            if warm_up_timeout >= startup.get("timeoutSeconds", 1):
                problems.append(f"the warm-up's --timeout {warm_up_timeout:g} s is not below the probe's timeoutSeconds")

    # Service -> pods -> port; Ingress -> Service -> port.
    pod_labels = pod["metadata"].get("labels", {})
    if not selector_matches(deployment["spec"]["selector"].get("matchLabels", {}), pod_labels):
        problems.append("the Deployment's selector does not match its pod labels")
    if not selector_matches(service["spec"].get("selector", {}), pod_labels):
        problems.append("the Service's selector does not match the pod labels")
    service_ports = {}
    for service_port in service["spec"]["ports"]:
        target = resolve_port(service_port.get("targetPort", service_port["port"]), named_ports)
        if target != port:
            problems.append(f"Service targetPort {service_port.get('targetPort')!r} is not the container's port {port}")
        service_ports[service_port.get("name")] = service_ports[service_port["port"]] = service_port
    for rule in ingress["spec"].get("rules", []):
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            if backend["name"] != service["metadata"]["name"]:
                problems.append(f"the Ingress sends {path['path']} to Service {backend['name']!r}, not {service['metadata']['name']!r}")
            backend_port = backend["port"].get("name", backend["port"].get("number"))
            if backend_port not in service_ports:
                problems.append(f"the Ingress backend port {backend_port!r} is not a port of the Service")

    # Ingress annotations (plain strings to ingress-nginx: validate their values here).
    annotations = ingress["metadata"].get("annotations", {})
    for key, value in annotations.items():
        if not isinstance(value, str):
            problems.append(f"Ingress annotation {key} is {value!r}, not a string (quote it)")
    def annotation(name):
        return annotations.get(INGRESS_ANNOTATION + name)
    if ingress["spec"].get("ingressClassName") != "nginx":
        problems.append("the Ingress is not for ingress-nginx (ingressClassName: nginx)")
    if annotation("affinity") != "cookie":
        problems.append("the Ingress has no cookie session affinity")
    if annotation("affinity-mode") != "persistent":
        problems.append("affinity-mode is not persistent: scaling up would move live sessions")
    if not annotation("session-cookie-name"):
        problems.append("the affinity cookie has no name")
    for name in ("proxy-read-timeout", "proxy-send-timeout"):
        value = annotation(name)
        if not (isinstance(value, str) and value.isdigit() and int(value) >= MIN_WEBSOCKET_TIMEOUT_S):
            problems.append(f"{name} is {value!r}; an idle websocket needs at least {MIN_WEBSOCKET_TIMEOUT_S} s")
    upload_mb = streamlit_setting(root, "server", "maxUploadSize")
    expected_body = f"{upload_mb + MULTIPART_MARGIN_MB}m"
    if annotation("proxy-body-size") != expected_body:
        problems.append(f"proxy-body-size is {annotation('proxy-body-size')!r}; server.maxUploadSize {upload_mb} MB "
                        f"plus {MULTIPART_MARGIN_MB} MB of multipart framing is {expected_body!r}")

    # Security: the Dockerfile's user, read-only root, emptyDirs where Streamlit writes.
    pod_security = pod["spec"].get("securityContext", {})
    security = container.get("securityContext", {})
    if docker.get("user") not in (docker["user_name"], str(docker["uid"])):
        problems.append(f"the Dockerfile runs as {docker.get('user')!r}, not the user it creates ({docker['user_name']})")
    if pod_security.get("runAsUser") != docker["uid"] or not pod_security.get("runAsNonRoot"):
        problems.append(f"the pod does not run as non-root uid {docker['uid']} (the Dockerfile's user)")
    if security.get("readOnlyRootFilesystem") is not True:
        problems.append("the root filesystem is not read-only")
    if security.get("allowPrivilegeEscalation") is not False:
        problems.append("privilege escalation is not disabled")
    if "ALL" not in security.get("capabilities", {}).get("drop", []):
        problems.append("the container keeps Linux capabilities")
    env = {v["name"]: v for v in container.get("env", [])}
    home = env.get("HOME", {}).get("value", docker["home"])
    if home != docker["home"]:
        problems.append(f"HOME is {home}; the Dockerfile's user's home is {docker['home']}")
    empty_dirs = {v["name"] for v in pod["spec"].get("volumes", []) if "emptyDir" in v}
    mounted = {m["mountPath"] for m in container.get("volumeMounts", []) if m["name"] in empty_dirs}
    for path in ("/tmp", f"{home}/.streamlit"):
        if path not in mounted:
            problems.append(f"{path} is not a writable emptyDir")

    # One cookie secret from the kustomization's generated Secret.
    secret_ref = env.get(COOKIE_SECRET_VARIABLE, {}).get("valueFrom", {}).get("secretKeyRef", {})
    generated = {g["name"] for g in kustomization.get("secretGenerator", [])}
    if secret_ref.get("name") not in generated or secret_ref.get("key") != COOKIE_SECRET_VARIABLE:
        problems.append(f"{COOKIE_SECRET_VARIABLE} does not come from the kustomization's generated Secret")
    images = {image["name"] for image in kustomization.get("images", [])}
    if container["image"] not in images:
        problems.append(f"the container's image {container['image']!r} is not set by the kustomization's images")

    # Rolling updates and disruptions.
    strategy = deployment["spec"].get("strategy", {})
    if strategy.get("rollingUpdate", {}).get("maxUnavailable") != 0:
        problems.append("a rollout may take pods away before new ones are ready (maxUnavailable is not 0)")
    pre_stop = container.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", [])
    if len(pre_stop) != 2 or pre_stop[0] != "sleep" or not pre_stop[1].isdigit():
        problems.append(f"no preStop delay (expected ['sleep', SECONDS]): {pre_stop}")
    elif int(pre_stop[1]) + 10 > pod["spec"].get("terminationGracePeriodSeconds", 30):
        problems.append("terminationGracePeriodSeconds leaves less than 10 s after the preStop delay")
    if "replicas" in deployment["spec"]:
        problems.append("the Deployment fixes replicas, which the HPA owns")
    target = hpa["spec"]["scaleTargetRef"]
    if (target["kind"], target["name"]) != ("Deployment", deployment["metadata"]["name"]):
        problems.append("the HPA does not scale the Deployment")
    if [m["resource"]["name"] for m in hpa["spec"]["metrics"] if m["type"] == "Resource"] != ["cpu"]:
        problems.append("the HPA does not scale on CPU")
    if hpa["spec"].get("minReplicas", 1) < 2:
        problems.append("fewer than two replicas: a drain or a crash would leave no server")
    if not selector_matches(pdb["spec"]["selector"].get("matchLabels", {}), pod_labels):
        problems.append("the PodDisruptionBudget's selector does not match the pod labels")
    if pdb["spec"].get("maxUnavailable") != 1:
        problems.append("the PodDisruptionBudget should let a drain take exactly one pod at a time")
    if not container.get("resources", {}).get("requests", {}).get("cpu"):
        problems.append("no CPU request: the HPA's utilization needs one")
    return problems


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------

MANIFESTS = [path.name for path in manifest_files(ROOT)]


def test_the_folder_has_the_expected_kinds():
    """One of each object the deployment needs, and nothing else."""
    kinds = sorted(doc["kind"] for name in MANIFESTS for doc in load_yaml_documents(ROOT / K8S / name))
    assert kinds == sorted(["Deployment", "Service", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget"])


@pytest.mark.parametrize("name", MANIFESTS + ["kustomization.yaml"])
def test_every_manifest_parses(name):
    """Each file is YAML whose documents name an apiVersion, a kind and a metadata.name."""
    documents = load_yaml_documents(ROOT / K8S / name)
    assert documents, f"{name} is empty"
    for doc in documents:
        assert isinstance(doc, dict) and doc.get("apiVersion") and doc.get("kind"), name
        if doc["kind"] != "Kustomization":
            assert doc["metadata"]["name"], name


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("name", MANIFESTS)
def test_every_manifest_validates_against_the_kubernetes_schema(name, version):
    """Strict schema validation: wrong types, missing required fields and unknown fields fail."""
    for doc in load_yaml_documents(ROOT / K8S / name):
        # Raises ValidationError, or SchemaNotFoundError for a kind/apiVersion that does not exist.
        assert kubernetes_validate.validate(doc, version, strict=True) == version


@pytest.mark.parametrize("mutate, where", [
    (lambda c: c.pop("name"), "'name' is a required property"),
    (lambda c: c["ports"][0].update(containerPort="8501"), "containerPort"),
    (lambda c: c["readinessProbe"].update(periodSecond=5), "readinessProbe"),
], ids=["missing-name", "port-as-string", "misspelt-field"])
def test_schema_validation_can_fail(mutate, where):
    """The validator really checks: a missing required field, a port as a string, a misspelt field."""
    deployment = load_objects(ROOT)["Deployment"]
    mutate(container_of(deployment))
    with pytest.raises(kubernetes_validate.ValidationError) as caught:
        kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[0], strict=True)
    assert where in ".".join(map(str, caught.value.path)) + caught.value.message


def test_kustomization_lists_exactly_the_manifests():
    """`kubectl apply -k` applies what `resources` lists: every manifest, once, and no missing file."""
    kustomization = yaml.safe_load((ROOT / K8S / "kustomization.yaml").read_text())
    resources = kustomization["resources"]
    assert len(resources) == len(set(resources)), "a resource is listed twice"
    assert sorted(resources) == MANIFESTS


def test_no_secret_is_committed():
    """The cookie secret is generated from a file the operator writes, which git ignores."""
    kustomization = yaml.safe_load((ROOT / K8S / "kustomization.yaml").read_text())
    (generator,) = kustomization["secretGenerator"]
    (env_file,) = generator["envs"]
    assert env_file in (ROOT / K8S / ".gitignore").read_text().split()
    assert not any(doc["kind"] == "Secret" for doc in load_objects(ROOT).values())
    tracked = subprocess.run(["git", "ls-files", str(K8S)], cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode == 0:  # a git checkout: the secret file must not be in it
        assert env_file not in [Path(line).name for line in tracked.stdout.split()]
    # The documented command writes the variable the Deployment reads.
    assert f'"{COOKIE_SECRET_VARIABLE}=" + secrets.token_hex(32)' in (ROOT / K8S / "kustomization.yaml").read_text()


def test_ports_paths_and_policies_agree():
    """Manifests, Dockerfile and config.toml agree; see consistency_problems for every check."""
    assert consistency_problems(ROOT) == []


def copy_of_the_files(tmp_path: Path) -> Path:
    """A copy of everything the checks read, to be changed by a test."""
    for relative in (K8S, DOCKERFILE.parent, STREAMLIT_CONFIG.parent):
        shutil.copytree(ROOT / relative, tmp_path / relative, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("cookie-secret.env"))
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    return tmp_path


# (file, text to replace, replacement, words the report must contain)
MUTATIONS = [
    (DOCKERFILE, "--server.port=8501", "--server.port=8502", "starts Streamlit on 8502"),
    (DOCKERFILE, "EXPOSE 8501", "EXPOSE 8080", "EXPOSE [8080]"),
    (DOCKERFILE, "127.0.0.1:8501/_stcore/health", "127.0.0.1:8501/healthz", "/healthz"),
    (DOCKERFILE, "--uid 10001", "--uid 10002", "uid 10002"),
    (DOCKERFILE, "USER lossviz", "USER root", "runs as 'root'"),
    (STREAMLIT_CONFIG, "maxUploadSize = 1\n", "maxUploadSize = 5\n", "'6m'"),
    (STREAMLIT_CONFIG, "[server]\n", "[server]\nport = 9000\n", "server.port is 9000"),
    (STREAMLIT_CONFIG, "[server]\n", '[server]\nbaseUrlPath = "lossviz"\n', "baseUrlPath"),
    (K8S / "deployment.yaml", "containerPort: 8501", "containerPort: 8502", "containerPort [8502]"),
    (K8S / "deployment.yaml", "livenessProbe:\n            httpGet:\n              path: /_stcore/health",
     "livenessProbe:\n            httpGet:\n              path: /health", "livenessProbe path /health"),
    (K8S / "deployment.yaml", "- http://127.0.0.1:8501", "- http://127.0.0.1:8000", "warm-up URL"),
    (K8S / "deployment.yaml", "/app/deploy/warm_up.py", "/app/warm_up.py", "does not run the warm-up"),
    (K8S / "deployment.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", "read-only"),
    (K8S / "deployment.yaml", "allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true", "escalation"),
    (K8S / "deployment.yaml", "mountPath: /tmp", "mountPath: /var/tmp", "/tmp is not"),
    (K8S / "deployment.yaml", "mountPath: /home/lossviz/.streamlit", "mountPath: /home/app/.streamlit", ".streamlit is not"),
    (K8S / "deployment.yaml", "maxUnavailable: 0", "maxUnavailable: 1", "maxUnavailable"),
    (K8S / "deployment.yaml", 'command: ["sleep", "15"]', 'command: ["sleep", "40"]', "terminationGracePeriodSeconds"),
    (K8S / "deployment.yaml", "name: lossviz-cookie-secret", "name: cookie", "generated Secret"),
    (K8S / "service.yaml", "targetPort: http", "targetPort: 8080", "targetPort 8080"),
    (K8S / "service.yaml", "  selector:\n    app.kubernetes.io/name: lossviz", "  selector:\n    app.kubernetes.io/name: other", "Service's selector"),
    (K8S / "ingress.yaml", "                  name: http", "                  name: web", "backend port 'web'"),
    (K8S / "ingress.yaml", "                name: lossviz\n", "                name: lossviz-web\n", "'lossviz-web'"),
    (K8S / "ingress.yaml", 'affinity-mode: "persistent"', 'affinity-mode: "balanced"', "persistent"),
    (K8S / "ingress.yaml", 'proxy-read-timeout: "86400"', 'proxy-read-timeout: "60"', "proxy-read-timeout"),
    (K8S / "ingress.yaml", 'session-cookie-change-on-failure: "true"', "session-cookie-change-on-failure: true", "not a string"),
    (K8S / "ingress.yaml", 'proxy-body-size: "2m"', 'proxy-body-size: "200m"', "proxy-body-size"),
    (K8S / "hpa.yaml", "minReplicas: 2", "minReplicas: 1", "two replicas"),
    (K8S / "hpa.yaml", "    kind: Deployment\n    name: lossviz", "    kind: Deployment\n    name: other", "HPA"),
    (K8S / "pdb.yaml", "maxUnavailable: 1", "maxUnavailable: 2", "one pod at a time"),
    (K8S / "kustomization.yaml", "  - name: lossviz\n    newName", "  - name: lossviz-app\n    newName", "kustomization's images"),
    (K8S / "kustomization.yaml", "  - name: lossviz-cookie-secret\n", "  - name: cookie-secret\n", "generated Secret"),
]


@pytest.mark.parametrize("path, old, new, reported", MUTATIONS, ids=[f"{m[0].name}:{m[2].splitlines()[-1].strip()}" for m in MUTATIONS])
def test_the_consistency_check_reports_a_change_to_one_file(tmp_path, path, old, new, reported):
    """Changing one file without the others makes the check fail, naming what disagrees."""
    root = copy_of_the_files(tmp_path)
    text = (root / path).read_text()
    assert text.count(old) == 1, f"the mutation's text must occur once in {path}: {old!r}"
    (root / path).write_text(text.replace(old, new))
    problems = consistency_problems(root)
    assert any(reported in problem for problem in problems), problems


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed (not on PyPI; Debian's is 1.20)")
def test_kubectl_kustomize_renders_valid_objects(tmp_path):
    """With kubectl at hand, render the kustomization as `apply -k` would, and validate the result.

    The Python checks above cover the same files; this adds kustomize's own reading of
    kustomization.yaml (the generated Secret and its hashed name, the image override), and shows
    that without the operator's secret file kustomize refuses to render anything.
    """
    folder = tmp_path / "k8s"
    # Without an operator's own cookie-secret.env, should this checkout have one.
    shutil.copytree(ROOT / K8S, folder, ignore=shutil.ignore_patterns("cookie-secret.env"))
    refused = subprocess.run(["kubectl", "kustomize", str(folder)], capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "cookie-secret.env" in refused.stderr
    (folder / "cookie-secret.env").write_text(f"{COOKIE_SECRET_VARIABLE}=0123456789abcdef\n")
    rendered = subprocess.run(["kubectl", "kustomize", str(folder)], capture_output=True, text=True, timeout=60)
    assert rendered.returncode == 0, rendered.stderr
    objects = {doc["kind"]: doc for doc in yaml.safe_load_all(rendered.stdout) if doc}
    assert sorted(objects) == sorted(["Secret", "Deployment", "Service", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget"])
    for doc in objects.values():
        kubernetes_validate.validate(doc, KUBERNETES_VERSIONS[-1], strict=True)
    secret_name = objects["Secret"]["metadata"]["name"]
    assert re.fullmatch(r"lossviz-cookie-secret-[a-z0-9]{10}", secret_name), secret_name
    container = container_of(objects["Deployment"])
    env = {v["name"]: v for v in container["env"]}
    assert env[COOKIE_SECRET_VARIABLE]["valueFrom"]["secretKeyRef"]["name"] == secret_name
    kustomization = yaml.safe_load((ROOT / K8S / "kustomization.yaml").read_text())
    (image,) = kustomization["images"]
    assert container["image"] == f"{image['newName']}:{image['newTag']}"


# --------------------------------------------------------------------------------------------
# The README's sizing table
# --------------------------------------------------------------------------------------------

def readme_section(readme: str, heading: str) -> str:
    """The text of ``heading``'s section, up to the next heading of the same or a higher level."""
    start = readme.index(f"\n{heading}\n")
    level = len(heading.split()[0])
    following = re.search(rf"\n#{{1,{level}}} ", readme[start + len(heading) + 2:])
    return readme[start: start + len(heading) + 2 + (following.start() if following else len(readme))]


def table(section: str, header_word: str) -> list[list[str]]:
    """The body rows of the Markdown table in ``section`` whose header mentions ``header_word``."""
    tables, current = [], []
    for line in section.splitlines() + [""]:
        if line.lstrip().startswith("|"):
            current.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif current:
            tables.append(current)
            current = []
    (found,) = [rows for rows in tables if any(header_word in cell for cell in rows[0])]
    return found[2:]  # below the header and the |---| line


def students_range(cell: str) -> tuple[int, int]:
    """A cell's "a – b" as (a, b); a single number a as (a, a)."""
    match = re.search(r"(\d+)\s*[–-]\s*(\d+)", cell)
    if match is None:
        number = int(re.search(r"\d+", cell).group())
        return number, number
    return int(match.group(1)), int(match.group(2))


def gib(quantity: str) -> float:
    """A Kubernetes memory quantity in Mi or Gi, in GiB."""
    number, unit = re.fullmatch(r"(\d+)(Mi|Gi)", quantity).groups()
    return int(number) / (1024 if unit == "Mi" else 1)


def sizing_problems(root: Path) -> list[str]:
    """Where the README's Kubernetes sizing table does not follow from the measured capacity.

    Its students per replica must be the ones in "How many students"; replicas for N students
    are ceil(N / high) to ceil(N / low); the memory per pod is the Deployment's request / limit.
    """
    readme = (root / "README.md").read_text()
    measured = [students_range(row[1]) for row in table(readme_section(readme, "### How many students"), "students per replica")]
    sizing = table(readme_section(readme, "#### Sizing"), "replicas for 100")
    problems = []
    if [students_range(row[1]) for row in sizing] != measured:
        problems.append(f"students per replica {[row[1] for row in sizing]}; 'How many students' measured {measured}")
    resources = container_of(load_objects(root)["Deployment"])["resources"]
    memory = f"{gib(resources['requests']['memory']):g} GiB / {gib(resources['limits']['memory']):g} GiB"
    for row in sizing:
        low, high = students_range(row[1])
        for cell, students in zip(row[2:5], (100, 500, 2000)):
            expected = (math.ceil(students / high), math.ceil(students / low))
            if students_range(cell) != expected:
                problems.append(f"{row[0]}: replicas for {students} are {cell}; {row[1]} per replica gives {expected}")
        if row[5] != memory:
            problems.append(f"{row[0]}: memory per pod {row[5]!r}; the Deployment asks {memory!r}")
    return problems


def test_the_sizing_table_follows_from_the_measured_capacity():
    """The README's sizing table agrees with "How many students" and with deployment.yaml.

    When "How many students" is re-measured, this fails until the Kubernetes table follows.
    """
    assert sizing_problems(ROOT) == []


@pytest.mark.parametrize("old, new, reported", [
    ("| ~320 – 420 across all lessons |", "| ~300 – 420 across all lessons |", "measured"),
    ("| 1 | 2 | 5 – 7 |", "| 1 | 2 | 4 – 7 |", "replicas for 2000"),
    ("| 1 – 2 | 5 – 6 | 19 – 24 | 1 GiB / 1.5 GiB |", "| 1 – 2 | 5 – 6 | 19 – 24 | 2 GiB / 1.5 GiB |", "memory per pod"),
], ids=["re-measured", "wrong-replicas", "wrong-memory"])
def test_the_sizing_check_reports_a_stale_table(tmp_path, old, new, reported):
    """A re-measured capacity, a miscounted cell or a memory figure unlike the Deployment's fails."""
    root = copy_of_the_files(tmp_path)
    text = (ROOT / "README.md").read_text()
    assert text.count(old) == 1, old
    (root / "README.md").write_text(text.replace(old, new))
    assert any(reported in problem for problem in sizing_problems(root)), sizing_problems(root)
