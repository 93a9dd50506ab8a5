// Renders the program's helm.v4.Chart resources the way pulumi-kubernetes does, with a real `helm template`,
// into the objects a `pulumi up` would register under each Chart. What Pulumi does is read from
// pulumi-kubernetes' provider/pkg/provider/helm/v4/chart.go and provider/yaml/v2/yaml.go (v4.32):
//   - release name = the Chart's `name` input, else the resource name; namespace = the `namespace` input;
//   - CRDs included unless `skipCrds` (cmd.IncludeCRDs = !SkipCrds), hooks never (cmd.DisableHooks = true,
//     test hooks included): `helm template --include-crds --no-hooks`;
//   - Capabilities come from the live cluster's discovery (server version and every served API version);
//     offline we pass the stack's Kubernetes version and the API versions the stack makes the cluster serve;
//   - objects without a namespace get the Chart's namespace when their kind is namespaced (built-in kinds by
//     a table, custom kinds by a CRD among the rendered objects); List kinds are expanded;
//   - each object becomes the resource `kubernetes:<group/version>:<Kind>` named `<prefix>:<ns>/<name>`
//     (prefix = `resourcePrefix`, else the Chart's resource name), a child of the Chart;
//   - `skipAwait` annotates every object with pulumi.com/skipAwait: "true";
//   - `postRenderer` and `valueYamlFiles` are refused (the plan does not carry what they need);
//   - a v1 Secret's data/stringData are secrets: here they are replaced by "[secret]" before any policy or
//     output can see them.
// Value inputs the offline plan shows as "[secret]" or "[unknown]" are passed to the chart as those strings;
// "[unknown]" left intact in a rendered field is read by the evaluator as unknown during preview, as the
// engine's own sentinel would be.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { isUnknownValue, PLAN_UNKNOWN_MARK } from "../policy/lib/values";
import type { OfflineResource } from "../policy/offline";

export const CHART_TYPE = "kubernetes:helm.sh/v4:Chart";
export const SECRET_MASK = "[secret]";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A setting or input the command cannot work with: printed as is, exit 1. */
export class ChartsError extends Error {}

// ---------------------------------------------------------------------------------------------------
// Helm.

export interface Helm {
    path: string;
    /** `helm version --template {{.Version}}`, e.g. v4.3.1. */
    version: string;
    /** How it was found: --helm, $HELM or PATH. */
    from: string;
}

const BUILD_HINT = "build the pinned Helm (4.3.1, from the Go module proxy) with `bash e2e/toolchain/build.sh helm`, which prints its folder last, and pass --helm <folder>/helm (or set HELM to it)";

function run(file: string, args: string[], env?: NodeJS.ProcessEnv, maxBuffer = 256 * 1024 * 1024): Promise<{ stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        execFile(file, args, { env: env ?? process.env, maxBuffer, encoding: "utf8" }, (err, stdout, stderr) => {
            if (err) reject(Object.assign(err, { stdout, stderr }));
            else resolve({ stdout, stderr });
        });
    });
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
    for (const dir of (env.PATH ?? "").split(path.delimiter)) {
        if (!dir) continue;
        const p = path.join(dir, name);
        try {
            fs.accessSync(p, fs.constants.X_OK);
            if (fs.statSync(p).isFile()) return p;
        } catch {
            /* not here */
        }
    }
    return undefined;
}

/**
 * Helm, in this order: --helm PATH, $HELM, `helm` on PATH. The command does not build it itself: a first build
 * downloads Helm's Go modules and takes minutes, which a check should not start unasked; the error says how.
 */
export async function findHelm(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Helm> {
    let candidate: string | undefined;
    let from: string;
    if (flag !== undefined) {
        candidate = flag;
        from = "--helm";
    } else if (env.HELM) {
        candidate = env.HELM;
        from = "$HELM";
    } else {
        candidate = onPath("helm", env);
        from = "PATH";
        if (!candidate) throw new ChartsError(`no Helm: neither --helm nor HELM is given and there is no helm on PATH; ${BUILD_HINT}`);
    }
    const shown = `${from} ${JSON.stringify(candidate)}`;
    try {
        fs.accessSync(candidate, fs.constants.X_OK);
    } catch {
        throw new ChartsError(`${shown}: no executable file there; ${BUILD_HINT}`);
    }
    let version: string;
    try {
        version = (await run(candidate, ["version", "--template", "{{.Version}}"])).stdout.trim();
    } catch (e) {
        throw new ChartsError(`${shown}: \`helm version\` failed (${firstLine((e as { stderr?: string }).stderr || (e as Error).message)}); ${BUILD_HINT}`);
    }
    if (!/^v[34]\./.test(version)) throw new ChartsError(`${shown} reports version ${JSON.stringify(version)}: expected Helm 3 or 4 (the pinned one is v4.3.1); ${BUILD_HINT}`);
    return { path: candidate, version, from };
}

const firstLine = (s: string) => s.trim().split("\n")[0];

// ---------------------------------------------------------------------------------------------------
// The Chart resources of a plan.

export interface ChartSpec {
    /** The Chart resource's URN and name. */
    urn: string;
    resourceName: string;
    /** As the program gives it: a repository chart name or an oci:// reference. */
    chart: string;
    version: string;
    repo?: string;
    namespace: string;
    release: string;
    resourcePrefix: string;
    values: Record<string, unknown>;
    skipCrds: boolean;
    /** Pulumi then annotates every object with pulumi.com/skipAwait: "true". */
    skipAwait: boolean;
    /** The Chart's Kubernetes provider reference (`urn::id`), inherited by its objects. */
    provider?: string;
}

/** What a secret input or an unknown becomes in the values handed to helm (see the file comment). */
export function valuesForHelm(v: unknown): unknown {
    if (isUnknownValue(v)) return PLAN_UNKNOWN_MARK;
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) return v.map(valuesForHelm);
    const o = v as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) return SECRET_MASK;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) if (x !== undefined) out[k] = valuesForHelm(x);
    return out;
}

const UNSUPPORTED_INPUTS: Record<string, string> = {
    valueYamlFiles: "values files are assets the plan does not carry",
    postRenderer: "a post-renderer runs a program of the user's; this check would not run it",
    devel: "a development version is resolved at deploy time",
};

/** Every helm.v4.Chart in the resources, with the inputs that decide what it renders. */
export function chartsFromResources(resources: OfflineResource[]): ChartSpec[] {
    const out: ChartSpec[] = [];
    for (const r of resources) {
        if (r.type !== CHART_TYPE) continue;
        const i = valuesForHelm(r.inputs) as Record<string, unknown>;
        const resourceName = r.urn.slice(r.urn.lastIndexOf("::") + 2);
        const where = `Chart ${resourceName}`;
        const str = (k: string, required: boolean): string | undefined => {
            const v = i[k];
            if (v === undefined || v === null || v === "") {
                if (required) throw new ChartsError(`${where}: input \`${k}\` is not set; charts:check needs it to render the chart`);
                return undefined;
            }
            if (typeof v !== "string" || v === PLAN_UNKNOWN_MARK || v === SECRET_MASK) throw new ChartsError(`${where}: input \`${k}\` is ${JSON.stringify(v)}: charts:check needs a known string`);
            return v;
        };
        for (const [k, why] of Object.entries(UNSUPPORTED_INPUTS)) {
            if (i[k] !== undefined && i[k] !== false && !(Array.isArray(i[k]) && (i[k] as unknown[]).length === 0)) throw new ChartsError(`${where}: input \`${k}\` is not supported by charts:check (${why})`);
        }
        const chart = str("chart", true)!;
        const version = str("version", true)!;
        const repoOpts = i.repositoryOpts as Record<string, unknown> | undefined;
        const repo = repoOpts && typeof repoOpts.repo === "string" && repoOpts.repo !== "" ? repoOpts.repo : undefined;
        if (repo === undefined && !chart.startsWith("oci://")) throw new ChartsError(`${where}: chart ${JSON.stringify(chart)} has neither repositoryOpts.repo nor an oci:// reference: charts:check renders pinned charts from a repository or a local source only`);
        const values = i.values ?? {};
        if (typeof values !== "object" || Array.isArray(values)) throw new ChartsError(`${where}: input \`values\` must be an object, got ${JSON.stringify(values)}`);
        out.push({
            urn: r.urn,
            resourceName,
            chart,
            version,
            repo,
            namespace: str("namespace", false) ?? "default",
            release: str("name", false) ?? resourceName,
            resourcePrefix: str("resourcePrefix", false) ?? resourceName,
            values: values as Record<string, unknown>,
            skipCrds: i.skipCrds === true,
            skipAwait: i.skipAwait === true,
            provider: r.provider,
        });
    }
    return out;
}

/** The chart's own name: the last part of `repo/name` or `oci://host/path/name`. */
export const chartName = (chart: string): string => chart.replace(/\/+$/, "").split("/").pop()!;

// ---------------------------------------------------------------------------------------------------
// Chart sources.

export interface ChartSource {
    /** helm template's CHART argument and the flags that locate it. */
    args: string[];
    /** For messages: where the chart came from. */
    shown: string;
}

/**
 * --charts-dir layout: DIR/<chart>-<version>/Chart.yaml, e.g. DIR/kube-prometheus-stack-88.5.3/, with every
 * dependency the Chart.yaml lists already unpacked (or packed) under its charts/ folder: nothing is fetched.
 */
export function localSource(dir: string, spec: ChartSpec): ChartSource {
    const name = chartName(spec.chart);
    const folder = path.join(dir, `${name}-${spec.version}`);
    const chartYaml = path.join(folder, "Chart.yaml");
    let text: string;
    try {
        text = fs.readFileSync(chartYaml, "utf8");
    } catch {
        throw new ChartsError(`--charts-dir ${dir}: no ${name}-${spec.version}/Chart.yaml for Chart ${spec.resourceName} (${spec.chart} ${spec.version}); the layout is DIR/<chart>-<version>/ holding the unpacked chart, its dependencies under charts/`);
    }
    let meta: { name?: unknown; version?: unknown };
    try {
        // failsafe: every scalar a string, so `version: 1.10` stays "1.10".
        meta = (YAML.parse(text, { schema: "failsafe" }) ?? {}) as typeof meta;
    } catch (e) {
        throw new ChartsError(`${chartYaml}: not YAML (${firstLine((e as Error).message)})`);
    }
    if (meta.name !== name) throw new ChartsError(`${chartYaml}: name is ${JSON.stringify(meta.name)}, the program pins chart ${JSON.stringify(name)}`);
    if (meta.version !== spec.version) {
        throw new ChartsError(`${chartYaml}: version is ${JSON.stringify(meta.version)}, the program pins ${name} ${spec.version} (Chart ${spec.resourceName}): put the chart's ${spec.version} source in ${folder}`);
    }
    return { args: [folder], shown: folder };
}

/** From the chart's repository (or OCI registry), at the pinned version. */
export function remoteSource(spec: ChartSpec): ChartSource {
    if (spec.chart.startsWith("oci://")) return { args: [spec.chart, "--version", spec.version], shown: `${spec.chart}:${spec.version}` };
    return { args: [spec.chart, "--repo", spec.repo!, "--version", spec.version], shown: `${spec.repo} ${spec.chart} ${spec.version}` };
}

// ---------------------------------------------------------------------------------------------------
// Rendering.

export interface RenderOptions {
    helm: Helm;
    /** e.g. "1.35": Capabilities.KubeVersion. */
    kubeVersion: string;
    /** Extra Capabilities.APIVersions (group/version and group/version/Kind). */
    apiVersions: string[];
    /** Helm's cache, config and data homes: kept apart from the user's own Helm setup. */
    helmHome: string;
}

export type K8sObject = Record<string, unknown> & { apiVersion: string; kind: string; metadata: Record<string, unknown> & { name: string; namespace?: string } };

/** The helm template command line for one chart (without the helm binary). */
export function templateArgs(spec: ChartSpec, source: ChartSource, valuesFile: string, opts: Pick<RenderOptions, "kubeVersion" | "apiVersions">): string[] {
    const args = ["template", spec.release, ...source.args, "--namespace", spec.namespace, "--values", valuesFile, "--kube-version", opts.kubeVersion, "--no-hooks"];
    if (!spec.skipCrds) args.push("--include-crds");
    for (const a of [...new Set(opts.apiVersions)].sort()) args.push("--api-versions", a);
    return args;
}

/** Runs helm template for one chart and returns its objects, namespaces applied as Pulumi applies them. */
export async function renderChart(spec: ChartSpec, source: ChartSource, opts: RenderOptions, values: Record<string, unknown> = spec.values): Promise<K8sObject[]> {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "charts-check-"));
    try {
        const valuesFile = path.join(tmp, "values.json");
        // JSON is YAML: no quoting surprises.
        fs.writeFileSync(valuesFile, JSON.stringify(values));
        const env = {
            ...process.env,
            HELM_CACHE_HOME: path.join(opts.helmHome, "cache"),
            HELM_CONFIG_HOME: path.join(opts.helmHome, "config"),
            HELM_DATA_HOME: path.join(opts.helmHome, "data"),
        };
        let out: string;
        try {
            out = (await run(opts.helm.path, templateArgs(spec, source, valuesFile, opts), env)).stdout;
        } catch (e) {
            const msg = ((e as { stderr?: string }).stderr || (e as Error).message).trim().replace(/\n+/g, "; ");
            throw new ChartsError(`Chart ${spec.resourceName}: helm template of ${source.shown} failed: ${msg}`);
        }
        return parseManifest(out, `Chart ${spec.resourceName}`);
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

/** The objects of a multi-document manifest; Lists expanded, empty documents skipped. */
export function parseManifest(text: string, where: string): K8sObject[] {
    const out: K8sObject[] = [];
    const docs = YAML.parseAllDocuments(text);
    const add = (o: unknown) => {
        if (o === null || o === undefined) return;
        if (typeof o !== "object" || Array.isArray(o)) throw new ChartsError(`${where}: a rendered document is not an object`);
        const obj = o as Record<string, unknown>;
        if (typeof obj.kind === "string" && obj.kind.endsWith("List") && Array.isArray(obj.items)) return obj.items.forEach(add);
        const md = obj.metadata as Record<string, unknown> | undefined;
        if (typeof obj.apiVersion !== "string" || typeof obj.kind !== "string" || !obj.apiVersion || !obj.kind) throw new ChartsError(`${where}: a rendered object has no kind and apiVersion: ${JSON.stringify(obj).slice(0, 200)}`);
        if (!md || typeof md.name !== "string" || md.name === "") throw new ChartsError(`${where}: a rendered ${obj.kind} has no metadata.name`);
        out.push(obj as K8sObject);
    };
    for (const d of docs) {
        if (d.errors.length) throw new ChartsError(`${where}: helm printed invalid YAML: ${d.errors[0].message}`);
        add(d.toJS());
    }
    return out;
}

// Cluster-scoped kinds of the built-in API groups; every other built-in kind is namespaced.
const BUILTIN_GROUPS = new Set([
    "", "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io", "apps", "authentication.k8s.io", "authorization.k8s.io",
    "autoscaling", "batch", "certificates.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io", "flowcontrol.apiserver.k8s.io",
    "networking.k8s.io", "node.k8s.io", "policy", "rbac.authorization.k8s.io", "resource.k8s.io", "scheduling.k8s.io", "storage.k8s.io", "storagemigration.k8s.io",
]);
const CLUSTER_SCOPED = new Set([
    "Namespace", "Node", "PersistentVolume", "ComponentStatus", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "APIService",
    "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding", "StorageClass", "CSIDriver", "CSINode", "VolumeAttachment", "VolumeAttributesClass",
    "PriorityClass", "RuntimeClass", "IngressClass", "IPAddress", "ServiceCIDR", "CertificateSigningRequest", "FlowSchema", "PriorityLevelConfiguration",
    "DeviceClass", "ResourceSlice", "StorageVersionMigration", "TokenReview", "SelfSubjectReview", "SubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview",
]);

const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.split("/")[0] : "");

/** Scope of a kind: from the built-in table, else from a CRD among `crds`; undefined when neither knows. */
export function isNamespaced(apiVersion: string, kind: string, crds: K8sObject[]): boolean | undefined {
    const group = groupOf(apiVersion);
    if (BUILTIN_GROUPS.has(group)) return !CLUSTER_SCOPED.has(kind);
    const crd = crds.find((c) => {
        const spec = c.spec as { group?: unknown; names?: { kind?: unknown } } | undefined;
        return spec?.group === group && spec?.names?.kind === kind;
    });
    if (!crd) return undefined;
    return (crd.spec as { scope?: unknown }).scope === "Namespaced";
}

export const isCrd = (o: K8sObject) => o.kind === "CustomResourceDefinition" && groupOf(o.apiVersion) === "apiextensions.k8s.io";

/** group/version and group/version/Kind of every version a CRD serves: what discovery lists once it is installed. */
export function servedApiVersions(crd: K8sObject): string[] {
    const spec = crd.spec as { group?: unknown; names?: { kind?: unknown }; versions?: { name?: unknown; served?: unknown }[] } | undefined;
    if (typeof spec?.group !== "string" || typeof spec.names?.kind !== "string") return [];
    const out: string[] = [];
    for (const v of spec.versions ?? []) {
        if (typeof v?.name !== "string" || v.served === false) continue;
        out.push(`${spec.group}/${v.name}`, `${spec.group}/${v.name}/${spec.names.kind}`);
    }
    return out;
}

/** Pulumi's namespace defaulting (yaml/v2 Normalize); returns the kinds whose scope stayed unknown. */
export function applyNamespaces(objs: K8sObject[], namespace: string, crds: K8sObject[]): string[] {
    const unresolved = new Set<string>();
    for (const o of objs) {
        if (typeof o.metadata.namespace === "string" && o.metadata.namespace !== "") continue;
        const ns = isNamespaced(o.apiVersion, o.kind, crds);
        if (ns === undefined) unresolved.add(`${o.apiVersion}/${o.kind}`);
        else if (ns) o.metadata.namespace = namespace;
    }
    return [...unresolved].sort();
}

/** The Pulumi type token of a Kubernetes object: `kubernetes:apps/v1:Deployment`, `kubernetes:core/v1:Service`. */
export const typeToken = (o: Pick<K8sObject, "apiVersion" | "kind">) => `kubernetes:${o.apiVersion.includes("/") ? o.apiVersion : `core/${o.apiVersion}`}:${o.kind}`;

/** How output names an object: `Deployment monitoring/kps-operator`, `ClusterRole kps-operator`. */
export const objectLabel = (o: K8sObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;

/** A v1 Secret's data and stringData, masked: what Pulumi marks secret never reaches a policy or the output. */
function maskSecret(o: K8sObject): K8sObject {
    if (o.apiVersion !== "v1" || o.kind !== "Secret") return o;
    const copy: K8sObject = { ...o };
    for (const k of ["data", "stringData"]) {
        const d = copy[k];
        if (d && typeof d === "object") copy[k] = Object.fromEntries(Object.keys(d).map((key) => [key, SECRET_MASK]));
    }
    return copy;
}

function withAnnotation(o: K8sObject, key: string, value: string): K8sObject {
    const annotations = { ...((o.metadata.annotations as Record<string, string> | undefined) ?? {}), [key]: value };
    return { ...o, metadata: { ...o.metadata, annotations } };
}

/** The objects as the resources a Chart registers: children of the Chart, with its provider. */
export function toResources(spec: ChartSpec, objs: K8sObject[]): { resource: OfflineResource; object: K8sObject }[] {
    const parts = spec.urn.split("::");
    if (parts.length < 4) throw new ChartsError(`Chart ${spec.resourceName}: ${JSON.stringify(spec.urn)} is not a Pulumi URN`);
    const head = parts.slice(0, 2).join("::");
    const chain = parts[2];
    return objs.map((o) => {
        const type = typeToken(o);
        const name = `${spec.resourcePrefix}:${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;
        return {
            object: o,
            resource: {
                urn: `${head}::${chain}$${type}::${name}`,
                type,
                inputs: maskSecret(spec.skipAwait ? withAnnotation(o, "pulumi.com/skipAwait", "true") : o) as Record<string, unknown>,
                parent: spec.urn,
                dependencies: [],
                ...(spec.provider ? { provider: spec.provider } : {}),
            },
        };
    });
}
