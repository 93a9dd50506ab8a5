// Validates ECK custom resources (Elasticsearch, Kibana) against the openAPIV3Schema of the CRDs that the
// pinned eck-operator chart installs. No @kubernetes-models package exists for ECK, so the schemas are
// vendored (crd-schemas.json, from elastic/cloud-on-k8s v3.5.0) and checked with ajv, the validator
// kubernetes-models itself uses. The modules under <group>/v1/<Kind>.ts have the kubernetes-models shape
// (`new Kind(data).validate()`), so test/harness/k8s-schema.ts can map the groups to this folder.
import Ajv from "ajv";
import * as fs from "fs";
import { fromRoot } from "../../repo-root";

const file = JSON.parse(fs.readFileSync(fromRoot("test", "observability-eck", "crd-schemas.json"), "utf8")) as { schemas: Record<string, object> };
// strict:false: CRD schemas carry x-kubernetes-* keywords; formats such as int-or-string are Kubernetes'.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const compiled = new Map(Object.entries(file.schemas).map(([id, schema]) => [id, ajv.compile(schema)]));

export const ECK_KINDS = [...compiled.keys()];

/** Schema errors of one manifest (apiVersion group/version + kind), or [] when valid. */
export function eckSchemaErrors(manifest: Record<string, unknown>): string[] {
    const id = `${String(manifest.apiVersion)}/${String(manifest.kind)}`;
    const validate = compiled.get(id);
    if (!validate) return [`no vendored ECK schema for ${id} (have: ${ECK_KINDS.join(", ")})`];
    if (validate(manifest)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`.trim());
}

/** kubernetes-models-style model class for one ECK kind. */
export function modelClass(apiVersion: string, kind: string) {
    return class {
        constructor(private readonly data: Record<string, unknown>) {}
        validate(): void {
            const errors = eckSchemaErrors({ ...this.data, apiVersion, kind });
            if (errors.length) throw Object.assign(new Error(`${kind} does not match the ECK CRD schema`), { errors });
        }
    };
}
