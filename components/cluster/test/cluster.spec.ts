// @deepalpha/cluster under Pulumi's mocks: defaults, user arguments, validation before registration, child names,
// and two instances in one stack.
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ArgsError, NAMESPACES } from "@deepalpha/shared";
import { duplicateUrns, runComponents, type Registered } from "@deepalpha/testing";
import { CLUSTER_TYPE, ClusterComponent, defaultClusterArgs, resolveClusterArgs, type ClusterArgs } from "../src";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const LOCAL: ClusterArgs = { profile: "local", hostnames: ["api.example.com"] };
const PROD: ClusterArgs = { profile: "production", region: "us-west-2", hostnames: ["api.example.com"], gateway: { acmeEmail: "ops@example.org" } };

const run = (...instances: [string, ClusterArgs][]) => runComponents(() => instances.map(([name, args]) => new ClusterComponent(name, args)));
/** What one instance registered: itself and its children, all named after it. */
const of = (list: Registered[], instance: string) => list.filter((r) => r.name === instance || r.name.startsWith(`${instance}-`));

/** One plan of both local instances, shared by the specs that read it. */
let pair: Promise<Registered[]> | undefined;
const localPair = () => (pair ??= run(["cluster", LOCAL], ["shop", SHOP]));

/** A second local instance with every name changed: it shares the stack with the default one. */
const SHOP_NAMESPACES = { app: "shop", data: "shop-data", monitoring: "obs", gateway: "edge", certManager: "pki" };
const SHOP: ClusterArgs = {
    profile: "local",
    kubeContext: "docker-desktop",
    hostnames: ["shop.example.com"],
    namespaces: SHOP_NAMESPACES,
    appServiceAccount: "shop-app",
    appPorts: [9000],
    gateway: { name: "shop-gw", certificateName: "shop-cert", tlsSecretName: "shop-tls", className: "existing", install: false },
};

/** The Kubernetes object of `kind` named `name` (in `namespace`): exactly one. */
function object(list: Registered[], kind: string, name: string, namespace?: string): Obj {
    const found = list.filter((r) => r.type.startsWith("kubernetes:") && r.type.endsWith(`:${kind}`)).map((r) => r.values as Obj);
    const hits = found.filter((v) => v.metadata?.name === name && (namespace === undefined || v.metadata?.namespace === namespace));
    assert.equal(hits.length, 1, `one ${kind} ${namespace ?? "*"}/${name}; have ${found.map((v) => `${v.metadata?.namespace}/${v.metadata?.name}`).join(", ")}`);
    return hits[0];
}

const named = (list: Registered[], type: string, name: string): Registered => {
    const hits = list.filter((r) => r.type === type && r.name === name);
    assert.equal(hits.length, 1, `one ${type} named ${name}; have ${list.filter((r) => r.type === type).map((r) => r.name).join(", ")}`);
    return hits[0];
};

/** The ArgsError message constructing with `args` throws, and what was registered meanwhile. */
async function invalid(args: unknown, name = "cluster"): Promise<{ message: string; problems: string[]; registered: Registered[] }> {
    let error: unknown;
    const registered = await runComponents(() => {
        try {
            new ClusterComponent(name, args as ClusterArgs);
        } catch (e) {
            error = e;
        }
    });
    assert.ok(error instanceof ArgsError, `expected an ArgsError, got ${String(error)}`);
    return { message: error.message, problems: error.problems, registered };
}

describe("ClusterComponent: local, the default instance and a renamed one in one stack", () => {
    let both: Registered[];
    let list: Registered[];
    before(async () => {
        both = await localPair();
        list = of(both, "cluster");
    });

    it("two instances with different names and namespaces: no URN twice", () => {
        assert.deepEqual(duplicateUrns(both), []);
        assert.equal(both.filter((r) => r.type === CLUSTER_TYPE).length, 2);
        assert.equal(of(both, "cluster").length + of(both, "shop").length, both.length, "every child named after its instance");
    });

    it("targets kind's deepalpha context with a stable cluster identifier", () => {
        const p = list.filter((r) => r.type === "pulumi:providers:kubernetes");
        assert.equal(p.length, 1);
        assert.equal(p[0].name, "cluster-local");
        assert.equal(p[0].values.context, "kind-deepalpha");
        assert.equal(p[0].values.clusterIdentifier, "local-kind-deepalpha");
        assert.equal(list.filter((r) => /^(aws|eks):/.test(r.type)).length, 0, "no AWS in the local profile");
    });

    it("the default instance name gives DeepAlpha's object names and <instance>-<suffix> child names", () => {
        const namespaces = list.filter((r) => r.type === "kubernetes:core/v1:Namespace");
        assert.deepEqual(
            namespaces.map((n) => [n.name, (n.values as Obj).metadata.name]),
            [
                ["cluster-app-namespace", "deepalpha"],
                ["cluster-data-namespace", "deepalpha-data"],
                ["cluster-monitoring-namespace", "monitoring"],
                ["cluster-gateway-namespace", "gateway"],
                ["cluster-cert-manager-namespace", "cert-manager"],
            ],
        );
        assert.deepEqual((named(list, "kubernetes:core/v1:ServiceAccount", "cluster-app-service-account").values as Obj).metadata, { name: "deepalpha", namespace: "deepalpha" });
        assert.equal(object(list, "ServiceAccount", "deepalpha", "deepalpha").automountServiceAccountToken, false);
        assert.deepEqual(object(list, "RoleBinding", "deepalpha-reader", "deepalpha").subjects, [{ kind: "ServiceAccount", name: "deepalpha", namespace: "deepalpha" }]);
        const gw = object(list, "Gateway", "deepalpha", "gateway");
        assert.equal(gw.spec.gatewayClassName, "nginx");
        const cert = object(list, "Certificate", "deepalpha-gateway", "gateway");
        assert.equal(cert.spec.secretName, "deepalpha-gateway-tls");
        assert.deepEqual(cert.spec.issuerRef, { name: "selfsigned", kind: "Issuer" });
        assert.deepEqual(cert.spec.dnsNames, ["api.example.com"]);
        // The component's type token is in every child's URN.
        assert.ok(list.every((r) => r.urn.includes(`${CLUSTER_TYPE}$`) || r.type === CLUSTER_TYPE));
    });

    it("the gateway data plane reaches the app's 8000 and 8001 in the app namespace, selected by the Gateway's name", () => {
        const eg = object(list, "NetworkPolicy", "gateway-data-plane-egress", "gateway");
        assert.deepEqual(eg.spec.podSelector.matchLabels, { "gateway.networking.k8s.io/gateway-name": "deepalpha" });
        assert.deepEqual(eg.spec.egress[0], {
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "deepalpha" } } }],
            ports: [{ protocol: "TCP", port: 8000 }, { protocol: "TCP", port: 8001 }],
        });
    });

    it("defaultClusterArgs holds DeepAlpha's values per profile", () => {
        assert.equal(defaultClusterArgs("local").kubeContext, "kind-deepalpha");
        assert.equal(defaultClusterArgs("production").kubeContext, undefined);
        assert.equal(defaultClusterArgs("local").gateway.tls, "selfSigned");
        assert.equal(defaultClusterArgs("production").gateway.tls, "letsEncrypt");
        assert.deepEqual(defaultClusterArgs("production").namespaces, NAMESPACES);
        // A fresh object each call: a caller's change does not leak into the next instance's defaults.
        defaultClusterArgs("local").generalNodes.maxSize = 1;
        assert.equal(defaultClusterArgs("local").generalNodes.maxSize, 9);
    });
});

describe("ClusterComponent: production, the default instance and a second EKS cluster in one stack", () => {
    let both: Registered[];
    let list: Registered[];
    let component!: ClusterComponent;
    before(async () => {
        both = await runComponents(() => {
            component = new ClusterComponent("cluster", PROD);
            new ClusterComponent("west", { ...PROD, clusterName: "west", vpcCidr: "10.50.0.0/16", namespaces: { app: "west" } });
        });
        list = of(both, "cluster");
    });

    it("two EKS clusters side by side: no URN twice", () => {
        assert.deepEqual(duplicateUrns(both), []);
        assert.deepEqual(both.filter((r) => r.type === "eks:index:Cluster").map((r) => r.values.name), ["deepalpha", "west"]);
        assert.equal(named(both, "aws:ec2/vpc:Vpc", "west-vpc").values.cidrBlock, "10.50.0.0/16");
    });

    it("EKS named deepalpha on Kubernetes 1.35 in a 10.40.0.0/16 VPC over three zones, a NAT in each", () => {
        const eks = named(list, "eks:index:Cluster", "cluster").values;
        assert.equal(eks.name, "deepalpha");
        assert.equal(eks.version, "1.35");
        assert.equal(eks.endpointPublicAccess, false, "no public endpoint CIDRs: no public endpoint");
        assert.equal(named(list, "aws:ec2/vpc:Vpc", "cluster-vpc").values.cidrBlock, "10.40.0.0/16");
        assert.equal(list.filter((r) => r.type === "aws:ec2/subnet:Subnet").length, 6);
        assert.equal(list.filter((r) => r.type === "aws:ec2/natGateway:NatGateway").length, 3);
    });

    it("three general groups of m5.2xlarge (1/1/3 each) and a tainted executor group of c6i.4xlarge (2/2/4)", () => {
        for (const i of [1, 2, 3]) {
            const g = named(list, "aws:eks/nodeGroup:NodeGroup", `cluster-general-${i}`).values;
            assert.deepEqual(g.instanceTypes, ["m5.2xlarge"]);
            assert.deepEqual(g.scalingConfig, { minSize: 1, desiredSize: 1, maxSize: 3 });
            assert.equal(g.nodeGroupNamePrefix, `deepalpha-general-${i}-`);
        }
        const ex = named(list, "aws:eks/nodeGroup:NodeGroup", "cluster-executor").values;
        assert.deepEqual(ex.instanceTypes, ["c6i.4xlarge"]);
        assert.deepEqual(ex.scalingConfig, { minSize: 2, desiredSize: 2, maxSize: 4 });
        assert.equal((ex.labels as Obj)["deepalpha.io/cpu-target"], "icelake-server");
    });

    it("no data namespace; the gp3 default StorageClass; the app's IRSA role trusts deepalpha/deepalpha", () => {
        assert.deepEqual(
            list.filter((r) => r.type === "kubernetes:core/v1:Namespace").map((n) => (n.values as Obj).metadata.name),
            ["deepalpha", "monitoring", "gateway", "cert-manager"],
        );
        assert.equal(object(list, "StorageClass", "gp3").provisioner, "ebs.csi.aws.com");
        const trust = JSON.parse(String(named(list, "aws:iam/role:Role", "cluster-app").values.assumeRolePolicy));
        assert.match(JSON.stringify(trust.Statement[0].Condition.StringEquals), /"system:serviceaccount:deepalpha:deepalpha"/);
        assert.deepEqual(component.namespaces, { app: "deepalpha", monitoring: "monitoring", gateway: "gateway", certManager: "cert-manager" });
        assert.deepEqual(component.gatewayRef, { name: "deepalpha", namespace: "gateway", listeners: { https: "https", http: "http" } });
    });

    it("a Let's Encrypt ClusterIssuer solving through the Gateway's http listener", () => {
        const issuer = object(list, "ClusterIssuer", "letsencrypt");
        assert.equal(issuer.spec.acme.email, "ops@example.org");
        assert.deepEqual(issuer.spec.acme.solvers[0].http01.gatewayHTTPRoute.parentRefs, [{ name: "deepalpha", namespace: "gateway", kind: "Gateway", sectionName: "http" }]);
    });

    it("the cluster autoscaler works in the given region", () => {
        assert.equal((named(list, "kubernetes:helm.sh/v4:Chart", "cluster-cluster-autoscaler").values.values as Obj).awsRegion, "us-west-2");
    });

    it("the region is the caller's: no default from the stack's configuration (a package reads none)", () => {
        pulumi.runtime.setConfig("aws:region", "eu-central-1");
        try {
            assert.equal(resolveClusterArgs({ profile: "production" }).region, undefined);
            assert.equal(resolveClusterArgs({ profile: "production", region: "us-east-2" }).region, "us-east-2");
        } finally {
            pulumi.runtime.setAllConfig({});
        }
    });
});

describe("ClusterComponent: user arguments (the renamed local instance)", () => {
    const namespaces = SHOP_NAMESPACES;
    let list: Registered[];
    before(async () => {
        list = of(await localPair(), "shop");
    });

    it("creates the namespaces under the given names, each with default-deny and DNS egress", () => {
        assert.deepEqual(
            list.filter((r) => r.type === "kubernetes:core/v1:Namespace").map((n) => (n.values as Obj).metadata.name).sort(),
            Object.values(namespaces).sort(),
        );
        for (const ns of Object.values(namespaces)) {
            assert.deepEqual(object(list, "NetworkPolicy", "default-deny-all", ns).spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
            object(list, "NetworkPolicy", "allow-dns-egress", ns);
        }
        assert.equal(list.filter((r) => r.type === "pulumi:providers:kubernetes")[0].values.context, "docker-desktop");
    });

    it("the ServiceAccount, Role and RoleBinding under the given name in the app namespace", () => {
        object(list, "ServiceAccount", "shop-app", "shop");
        object(list, "Role", "shop-app-reader", "shop");
        assert.deepEqual(object(list, "RoleBinding", "shop-app-reader", "shop").subjects, [{ kind: "ServiceAccount", name: "shop-app", namespace: "shop" }]);
    });

    it("the Gateway, its certificate and the allow rules follow the given names, namespaces and ports", () => {
        const gw = object(list, "Gateway", "shop-gw", "edge");
        assert.equal(gw.spec.gatewayClassName, "existing");
        const https = gw.spec.listeners.find((l: Obj) => l.name === "https");
        assert.equal(https.tls.certificateRefs[0].name, "shop-tls");
        assert.deepEqual(https.allowedRoutes.namespaces.selector.matchExpressions[0].values, ["shop", "edge"]);
        assert.equal(object(list, "Certificate", "shop-cert", "edge").spec.secretName, "shop-tls");
        const eg = object(list, "NetworkPolicy", "gateway-data-plane-egress", "edge");
        assert.deepEqual(eg.spec.podSelector.matchLabels, { "gateway.networking.k8s.io/gateway-name": "shop-gw" });
        assert.deepEqual(eg.spec.egress[0].to, [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "shop" } } }]);
        assert.deepEqual(eg.spec.egress[0].ports, [{ protocol: "TCP", port: 9000 }]);
        const metrics = object(list, "NetworkPolicy", "cert-manager-metrics", "pki");
        assert.deepEqual(metrics.spec.ingress[0].from, [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "obs" } } }]);
        // install: false: neither NGF's chart nor the Gateway API CRDs.
        assert.equal(list.filter((r) => r.name === "shop-nginx-gateway-fabric" || r.name === "shop-gateway-api-crds").length, 0);
    });

    it("a partial namespaces map keeps DeepAlpha's names for the other roles; preinstalled cert-manager is not installed", async () => {
        const l = await run(["c", { ...LOCAL, namespaces: { app: "trading" }, preinstalled: ["cert-manager", "jaeger"] }]);
        assert.deepEqual(
            l.filter((r) => r.type === "kubernetes:core/v1:Namespace").map((n) => (n.values as Obj).metadata.name),
            ["trading", "deepalpha-data", "monitoring", "gateway", "cert-manager"],
        );
        assert.equal(l.filter((r) => r.name === "c-cert-manager").length, 0);
    });
});

describe("ClusterComponent: validation, before anything is registered", () => {
    it("names the argument, the value and what is allowed, and registers nothing", async () => {
        const { message, registered } = await invalid({ ...LOCAL, profile: "staging" });
        assert.equal(message, 'invalid arguments for ClusterComponent "cluster":\n  - profile: got "staging", allowed values are "local", "production"');
        assert.deepEqual(registered, []);
    });

    it("lists every problem at once", async () => {
        const { problems } = await invalid(
            { ...PROD, kubernetesVersion: "1.27", vpcCidr: "10.40.0.0/24", generalNodes: { minSize: 4, desiredSize: 3 }, gateway: { tls: "letsEncrypt" } },
            "prod",
        );
        assert.deepEqual(problems, [
            'kubernetesVersion: got "1.27", allowed values are "1.32", "1.33", "1.34", "1.35"',
            'vpcCidr: got "10.40.0.0/24", expected a VPC range from /16 to /20: nodes and pods take their addresses from the private subnets',
            "generalNodes: got min 4, desired 3, max 9; allowed is min <= desired <= max",
            'gateway.acmeEmail: (unset) but gateway.tls is "letsEncrypt"; set an ACME account e-mail',
        ]);
    });

    it("production needs a region", async () => {
        const { problems } = await invalid({ ...PROD, region: undefined });
        assert.deepEqual(problems, ['region: (unset); the production profile needs the AWS region the cluster goes to, such as "us-west-2"']);
    });

    it("refuses an ACM certificate locally, a missing certificate ARN, and a gateway without host names", async () => {
        assert.deepEqual((await invalid({ profile: "local", gateway: { tls: "acm" } })).problems, [
            'gateway.acmCertificateArn: (unset) but gateway.tls is "acm"; set the certificate\'s ARN',
            'gateway.tls: got "acm", allowed in the local profile are "selfSigned" and "letsEncrypt": an ACM certificate is served by the AWS load balancer, which only production has',
        ]);
        assert.deepEqual((await invalid({ profile: "local" })).problems, ['hostnames: got [], the gateway\'s certificate (gateway.tls "selfSigned") needs at least one host name']);
    });

    it("refuses a namespace shared by two roles, and names that are not DNS labels", async () => {
        assert.deepEqual((await invalid({ ...LOCAL, namespaces: { monitoring: "deepalpha" } })).problems, [
            'namespaces.monitoring: got "deepalpha", which namespaces.app has too; each role needs a namespace of its own',
        ]);
        assert.deepEqual((await invalid({ ...LOCAL, namespaces: { app: "Shop_App" }, appServiceAccount: "" })).problems, [
            `namespaces.app: got "Shop_App", expected a lower-case DNS label such as deepalpha-api (letters, digits, '-')`,
            `appServiceAccount: got "", expected a lower-case DNS label such as deepalpha-api (letters, digits, '-')`,
        ]);
    });

    it("refuses unknown keys, wrong types and out-of-range sizes", async () => {
        const { problems } = await invalid({ ...PROD, gatway: {}, availabilityZones: "3", executorNodes: { maxSize: 0, instanceType: "big" } });
        assert.equal(problems.length, 4, problems.join("\n"));
        // The min <= desired <= max rule stays quiet about a group the schema refused already.
        assert.match(problems[0], /^availabilityZones: got "3", expected number$/);
        assert.match(problems[1], /^executorNodes\.instanceType: got "big", expected an EC2 instance type such as c6i\.4xlarge$/);
        assert.match(problems[2], /^executorNodes\.maxSize: got 0, allowed minimum is 1$/);
        assert.match(problems[3], /^gatway: unknown setting \(allowed here: .*gateway.*\)$/);
    });

    it("production: the general groups need one node of room per zone", async () => {
        const { problems } = await invalid({ ...PROD, availabilityZones: 4, generalNodes: { minSize: 1, desiredSize: 1, maxSize: 3 } });
        assert.deepEqual(problems, ["generalNodes.maxSize: got 3, allowed minimum is availabilityZones (4): the general nodes are one group per zone"]);
    });
});
