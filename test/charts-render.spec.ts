// How charts:check turns a Chart resource of the plan into `helm template` arguments and the rendered objects
// into the resources pulumi-kubernetes would register (pure functions, no Helm: the rendering itself is tested
// with a real Helm in test/charts/, npm run test:charts).
import { expect } from "chai";
import {
    applyNamespaces,
    ChartsError,
    chartsFromResources,
    isNamespaced,
    type K8sObject,
    localSource,
    parseManifest,
    remoteSource,
    servedApiVersions,
    templateArgs,
    toResources,
} from "../scripts/charts-render";
import type { OfflineResource } from "../policy/offline";

const CHART_URN = "urn:pulumi:prod::deepalpha::deepalpha:index:Observability$kubernetes:helm.sh/v4:Chart::observability-fluent-bit";
const chart = (inputs: Record<string, unknown>): OfflineResource => ({ urn: CHART_URN, type: "kubernetes:helm.sh/v4:Chart", inputs, provider: "urn:pulumi:prod::deepalpha::pulumi:providers:kubernetes::k8s::id" });
const obj = (apiVersion: string, kind: string, name: string, namespace?: string, rest: Record<string, unknown> = {}): K8sObject => ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...rest });

describe("charts:check: a Chart resource as helm template arguments", () => {
    it("release = the `name` input, else the resource name; namespace, version, repository, values as given", () => {
        const [a] = chartsFromResources([chart({ chart: "fluent-bit", version: "0.58.1", repositoryOpts: { repo: "https://fluent.github.io/helm-charts" }, namespace: "monitoring", name: "fluent-bit", values: { a: 1 } })]);
        expect(a).to.deep.include({ resourceName: "observability-fluent-bit", chart: "fluent-bit", version: "0.58.1", repo: "https://fluent.github.io/helm-charts", namespace: "monitoring", release: "fluent-bit", resourcePrefix: "observability-fluent-bit", values: { a: 1 }, skipCrds: false });
        const [b] = chartsFromResources([chart({ chart: "oci://ghcr.io/nginx/charts/nginx-gateway-fabric", version: "2.6.7" })]);
        expect(b).to.deep.include({ release: "observability-fluent-bit", namespace: "default", repo: undefined });
    });

    it("flags as pulumi-kubernetes renders: CRDs unless skipCrds, no hooks, the stack's Kubernetes version, the API versions", () => {
        const [spec] = chartsFromResources([chart({ chart: "fluent-bit", version: "0.58.1", repositoryOpts: { repo: "https://r" }, namespace: "monitoring" })]);
        const args = templateArgs(spec, remoteSource(spec), "/tmp/v.json", { kubeVersion: "1.35", apiVersions: ["b/v1", "a/v1", "a/v1"] });
        expect(args).to.deep.equal(["template", "observability-fluent-bit", "fluent-bit", "--repo", "https://r", "--version", "0.58.1", "--namespace", "monitoring", "--values", "/tmp/v.json", "--kube-version", "1.35", "--no-hooks", "--include-crds", "--api-versions", "a/v1", "--api-versions", "b/v1"]);
        const [skip] = chartsFromResources([chart({ chart: "oci://ghcr.io/x/y", version: "1.0.0", skipCrds: true })]);
        expect(templateArgs(skip, remoteSource(skip), "/v", { kubeVersion: "1.35", apiVersions: [] })).to.deep.equal(["template", "observability-fluent-bit", "oci://ghcr.io/x/y", "--version", "1.0.0", "--namespace", "default", "--values", "/v", "--kube-version", "1.35", "--no-hooks"]);
    });

    it("refuses what the plan cannot reproduce, naming the Chart and the input", () => {
        expect(() => chartsFromResources([chart({ chart: "c", version: "1.0.0", repositoryOpts: { repo: "https://r" }, postRenderer: { command: "kustomize" } })])).to.throw(ChartsError, "Chart observability-fluent-bit: input `postRenderer` is not supported");
        expect(() => chartsFromResources([chart({ chart: "c", repositoryOpts: { repo: "https://r" } })])).to.throw(ChartsError, "input `version` is not set");
        expect(() => chartsFromResources([chart({ chart: "c", version: "[unknown]", repositoryOpts: { repo: "https://r" } })])).to.throw(ChartsError, 'input `version` is "[unknown]"');
        expect(() => chartsFromResources([chart({ chart: "c", version: "1.0.0" })])).to.throw(ChartsError, "has neither repositoryOpts.repo nor an oci:// reference");
    });

    it("a local source must exist at DIR/<chart>-<version>/", () => {
        const [spec] = chartsFromResources([chart({ chart: "oci://ghcr.io/nginx/charts/nginx-gateway-fabric", version: "2.6.7" })]);
        expect(() => localSource("/nonexistent", spec)).to.throw(ChartsError, "--charts-dir /nonexistent: no nginx-gateway-fabric-2.6.7/Chart.yaml for Chart observability-fluent-bit");
    });
});

describe("charts:check: rendered objects as Pulumi registers them", () => {
    it("type token, URN under the Chart, name <prefix>:<namespace>/<name>, the Chart's provider; skipAwait annotates", () => {
        const [spec] = chartsFromResources([chart({ chart: "fluent-bit", version: "0.58.1", repositoryOpts: { repo: "https://r" }, namespace: "monitoring", skipAwait: true })]);
        const [ds, cr] = toResources(spec, [obj("apps/v1", "DaemonSet", "fluent-bit", "monitoring"), obj("rbac.authorization.k8s.io/v1", "ClusterRole", "fluent-bit")]).map((x) => x.resource);
        expect(ds.urn).to.equal("urn:pulumi:prod::deepalpha::deepalpha:index:Observability$kubernetes:helm.sh/v4:Chart$kubernetes:apps/v1:DaemonSet::observability-fluent-bit:monitoring/fluent-bit");
        expect(ds).to.deep.include({ type: "kubernetes:apps/v1:DaemonSet", parent: CHART_URN, provider: "urn:pulumi:prod::deepalpha::pulumi:providers:kubernetes::k8s::id" });
        expect((ds.inputs.metadata as { annotations: Record<string, string> }).annotations).to.deep.equal({ "pulumi.com/skipAwait": "true" });
        expect(cr.urn.endsWith("$kubernetes:rbac.authorization.k8s.io/v1:ClusterRole::observability-fluent-bit:fluent-bit")).to.equal(true);
        const [svc] = toResources(spec, [obj("v1", "Service", "s", "monitoring")]).map((x) => x.resource);
        expect(svc.type).to.equal("kubernetes:core/v1:Service");
    });

    it("a Secret's data and stringData reach the policies as [secret], keys kept", () => {
        const [spec] = chartsFromResources([chart({ chart: "c", version: "1.0.0", repositoryOpts: { repo: "https://r" } })]);
        const [s] = toResources(spec, [obj("v1", "Secret", "s", "ns", { data: { k: "c2VjcmV0" }, stringData: { p: "plain" } })]);
        expect(s.resource.inputs).to.deep.include({ data: { k: "[secret]" }, stringData: { p: "[secret]" } });
        expect(JSON.stringify(s.resource.inputs)).to.not.match(/c2VjcmV0|plain/);
    });

    it("gives namespaced kinds without a namespace the Chart's; cluster-scoped and unknown kinds keep none", () => {
        const crd = obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.example.com", undefined, { spec: { group: "example.com", scope: "Namespaced", names: { kind: "Widget" }, versions: [{ name: "v1", served: true }, { name: "v0", served: false }] } });
        const objs = [obj("apps/v1", "Deployment", "d"), obj("rbac.authorization.k8s.io/v1", "ClusterRole", "r"), obj("example.com/v1", "Widget", "w"), obj("other.io/v1", "Thing", "t"), obj("v1", "ConfigMap", "c", "elsewhere")];
        expect(applyNamespaces(objs, "monitoring", [crd])).to.deep.equal(["other.io/v1/Thing"]);
        expect(objs.map((o) => o.metadata.namespace ?? "-")).to.deep.equal(["monitoring", "-", "monitoring", "-", "elsewhere"]);
        expect(isNamespaced("v1", "Namespace", [])).to.equal(false);
        expect(servedApiVersions(crd)).to.deep.equal(["example.com/v1", "example.com/v1/Widget"]);
    });

    it("expands List kinds and refuses an object without a name", () => {
        const list = "apiVersion: v1\nkind: ConfigMapList\nitems:\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n---\n# empty\n";
        expect(parseManifest(list, "Chart x").map((o) => o.metadata.name)).to.deep.equal(["a", "b"]);
        expect(() => parseManifest("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n", "Chart x")).to.throw(ChartsError, "Chart x: a rendered ConfigMap has no metadata.name");
    });
});
