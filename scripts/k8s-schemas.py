"""Write the JSON schemas kubeconform validates infra/k8s/ against (infra/k8s/schemas/).

kubeconform fetches schemas from the internet by default; CI cannot, so they are generated
once from sources an operator can check and committed. Run again after changing a source:

    go mod download k8s.io/kubernetes@v1.34.4          # the Kubernetes API's OpenAPI v3 spec
    python scripts/k8s-schemas.py \\
        --kubernetes "$(go env GOMODCACHE)/k8s.io/kubernetes@v1.34.4/api/openapi-spec/v3" \\
        --crd 040-Crd-kafka.yaml --crd 043-Crd-kafkatopic.yaml --crd 044-Crd-kafkauser.yaml \\
        --crd 045-Crd-kafkanodepool.yaml --crd keda.sh_scaledobjects.yaml \\
        --crd keda.sh_triggerauthentications.yaml

The CRDs are Strimzi 1.2.0's (packaging/install/cluster-operator/ of its release) and KEDA
2.20.2's (config/crd/bases/). Names follow kubeconform's template
`{{ .ResourceKind }}{{ .KindSuffix }}.json` (e.g. deployment-apps-v1.json,
kafkatopic-kafka-v1.json). Objects that list their properties get
`additionalProperties: false` (kubeconform's "strict" schemas), so a misspelt field fails;
descriptions are dropped to keep the files small.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml

KINDS = {
    # (group, version, kind) of what infra/k8s/ uses; "" is the core group
    ("", "v1", "Namespace"),
    ("", "v1", "Service"),
    ("", "v1", "ServiceAccount"),
    ("", "v1", "PersistentVolumeClaim"),
    ("apps", "v1", "Deployment"),
    ("batch", "v1", "Job"),
    ("policy", "v1", "PodDisruptionBudget"),
}
OUT = Path(__file__).resolve().parents[1] / "infra" / "k8s" / "schemas"


def file_name(group: str, version: str, kind: str) -> str:
    """kubeconform's `{{ .ResourceKind }}{{ .KindSuffix }}.json`."""
    suffix = f"-{group.split('.')[0]}-{version}" if group else f"-{version}"
    return f"{kind.lower()}{suffix}.json"


def strict(node: Any) -> Any:
    """Descriptions dropped, `$ref`s to local definitions, closed objects, int-or-string."""
    if isinstance(node, list):
        return [strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: strict(v) for k, v in node.items() if k != "description"}
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/components/schemas/", "#/definitions/")
    if out.pop("x-kubernetes-int-or-string", False):
        out = {k: v for k, v in out.items() if k not in {"type", "anyOf"}}
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    preserve = out.get("x-kubernetes-preserve-unknown-fields")
    if "properties" in out and "additionalProperties" not in out and not preserve:
        out["additionalProperties"] = False
    return out


def refs(node: Any) -> set[str]:
    """The definitions a schema refers to directly."""
    if isinstance(node, list):
        return set().union(*(refs(n) for n in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = set().union(*(refs(v) for v in node.values())) if node else set()
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        found.add(ref.removeprefix("#/components/schemas/"))
    return found


def kubernetes_schemas(spec_dir: Path) -> dict[str, Any]:
    """One standalone schema per kind in KINDS, with only the definitions it reaches."""
    components: dict[str, Any] = {}
    for path in spec_dir.glob("*_openapi.json"):
        components.update(json.loads(path.read_text()).get("components", {}).get("schemas", {}))
    written = {}
    for name, schema in components.items():
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            key = (gvk["group"], gvk["version"], gvk["kind"])
            if key not in KINDS:
                continue
            needed, todo = set(), [name]
            while todo:
                current = todo.pop()
                if current not in needed:
                    needed.add(current)
                    todo += refs(components[current])
            written[file_name(*key)] = {
                "$ref": f"#/definitions/{name}",
                "definitions": {n: strict(components[n]) for n in sorted(needed)},
            }
    missing = {file_name(*k) for k in KINDS} - set(written)
    if missing:
        raise SystemExit(f"not in the Kubernetes spec: {sorted(missing)}")
    return written


def crd_schemas(crd_file: Path) -> dict[str, Any]:
    """One schema per served version of a CustomResourceDefinition."""
    crd = yaml.safe_load(crd_file.read_text())
    group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
    return {
        file_name(group, version["name"], kind): strict(version["schema"]["openAPIV3Schema"])
        for version in crd["spec"]["versions"]
        if version.get("served")
    }


def main() -> None:
    """Write every schema into infra/k8s/schemas/."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--kubernetes", type=Path, required=True)
    parser.add_argument("--crd", type=Path, action="append", default=[])
    args = parser.parse_args()
    schemas = kubernetes_schemas(args.kubernetes)
    for crd in args.crd:
        schemas.update(crd_schemas(crd))
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    for name, schema in sorted(schemas.items()):
        (OUT / name).write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
