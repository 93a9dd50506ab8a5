// Namespaces with Pod Security Admission labels, a default-deny NetworkPolicy and DNS egress in each,
// and the seed's `deepalpha` ServiceAccount with a namespaced, read-only Role.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { EXEMPTION_ANNOTATION_PREFIX, NAMESPACES, podSecurityLabels, type NamespaceRole, type Namespaces } from "@deepalpha/shared";
import { ACME_SOLVER_SELECTOR, CONTROL_PLANE_SELECTOR, dataPlaneSelector } from "./gateway";

export interface NamespaceSpec {
    role: NamespaceRole;
    name: string;
    /** PSA level; anything below `restricted` must say why. */
    podSecurity: "restricted" | "baseline" | "privileged";
    reason?: string;
}

/** A role's part of its children's names: `certManager` -> `cert-manager`. */
export function roleSuffix(role: NamespaceRole): string {
    return role.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Which namespaces a profile gets, under which names, and at which pod security level. Pure, for tests. */
export function namespaceSpecs(profile: "local" | "production", names: Namespaces = NAMESPACES): NamespaceSpec[] {
    const specs: NamespaceSpec[] = [
        { role: "app", name: names.app, podSecurity: "restricted" },
        {
            role: "monitoring",
            name: names.monitoring,
            podSecurity: "privileged",
            reason: "prometheus-node-exporter and the log shipper read host paths and the host network",
        },
        // NGF's control plane and the data plane it provisions run as UID 101 with no capabilities and
        // RuntimeDefault seccomp, binding 80/443 through the allowed ip_unprivileged_port_start sysctl.
        { role: "gateway", name: names.gateway, podSecurity: "restricted" },
        { role: "certManager", name: names.certManager, podSecurity: "restricted" },
    ];
    if (profile === "local") specs.splice(1, 0, { role: "data", name: names.data, podSecurity: "restricted" });
    return specs;
}

/** The seed's ClusterRole rules, namespaced: read pods, services and configmaps of its own namespace. */
export const APP_ROLE_RULES = [{ apiGroups: [""], resources: ["pods", "services", "configmaps"], verbs: ["get", "list", "watch"] }];

/**
 * Each namespace with its default-deny and DNS-egress policies. Children: `<name>-<role>-namespace`,
 * `<name>-<role>-default-deny`, `<name>-<role>-allow-dns` (role in kebab case).
 */
export function createNamespaces(
    name: string,
    specs: NamespaceSpec[],
    opts: pulumi.CustomResourceOptions,
    /** Receives every object created here (namespaces and their baseline policies). */
    created: pulumi.Resource[] = [],
): Record<string, k8s.core.v1.Namespace> {
    const out: Record<string, k8s.core.v1.Namespace> = {};
    for (const spec of specs) {
        // Below `restricted` only with a reason, recorded as the policy pack's documented exemption.
        const annotations: Record<string, string> =
            spec.podSecurity !== "restricted" && spec.reason ? { [`${EXEMPTION_ANNOTATION_PREFIX}namespace-psa-enforce`]: spec.reason } : {};
        if (spec.podSecurity !== "restricted" && !spec.reason) throw new Error(`namespace ${spec.name}: pod security ${spec.podSecurity} needs a reason`);
        const prefix = `${name}-${roleSuffix(spec.role)}`;
        const ns = new k8s.core.v1.Namespace(
            `${prefix}-namespace`,
            {
                metadata: {
                    name: spec.name,
                    // `name` mirrors kubernetes.io/metadata.name for NetworkPolicies written against the seed's label.
                    labels: { name: spec.name, ...podSecurityLabels(spec.podSecurity) },
                    annotations,
                },
            },
            opts,
        );
        out[spec.role] = ns;
        const nsOpts = { ...opts, dependsOn: [ns] };
        const deny = new k8s.networking.v1.NetworkPolicy(
            `${prefix}-default-deny`,
            {
                metadata: { name: "default-deny-all", namespace: spec.name },
                spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
            },
            nsOpts,
        );
        const dns = new k8s.networking.v1.NetworkPolicy(
            `${prefix}-allow-dns`,
            {
                metadata: { name: "allow-dns-egress", namespace: spec.name },
                spec: {
                    podSelector: {},
                    policyTypes: ["Egress"],
                    egress: [
                        {
                            to: [
                                {
                                    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                                    podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                                },
                            ],
                            ports: [
                                { protocol: "UDP", port: 53 },
                                { protocol: "TCP", port: 53 },
                            ],
                        },
                    ],
                },
            },
            nsOpts,
        );
        created.push(ns, deny, dns);
    }
    return out;
}

/**
 * The application's ServiceAccount and its read-only Role in the app namespace. `awsRoleArn` (prod): the IRSA role the
 * application's pods assume (the data tier grants it the files bucket). Children: `<name>-app-service-account`,
 * `<name>-app-reader` (Role and RoleBinding).
 */
export function createAppRbac(
    name: string,
    namespace: k8s.core.v1.Namespace,
    app: { namespace: string; serviceAccount: string },
    opts: pulumi.CustomResourceOptions,
    awsRoleArn?: pulumi.Input<string>,
    created: pulumi.Resource[] = [],
): k8s.core.v1.ServiceAccount {
    const ns = namespace.metadata.name;
    const o = { ...opts, dependsOn: [namespace] };
    const { serviceAccount } = app;
    const reader = `${serviceAccount}-reader`;
    const sa = new k8s.core.v1.ServiceAccount(
        `${name}-app-service-account`,
        // Pods opt in to a token where they use the API; the default is none. IRSA's web identity token is a
        // projected volume of its own, unaffected by this.
        {
            metadata: { name: serviceAccount, namespace: ns, ...(awsRoleArn ? { annotations: { "eks.amazonaws.com/role-arn": awsRoleArn } } : {}) },
            automountServiceAccountToken: false,
        },
        o,
    );
    const role = new k8s.rbac.v1.Role(`${name}-app-reader`, { metadata: { name: reader, namespace: ns }, rules: APP_ROLE_RULES }, o);
    const binding = new k8s.rbac.v1.RoleBinding(
        `${name}-app-reader`,
        {
            metadata: { name: reader, namespace: ns },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: reader },
            subjects: [{ kind: "ServiceAccount", name: serviceAccount, namespace: app.namespace }],
        },
        o,
    );
    created.push(sa, role, binding);
    return sa;
}

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;
export interface AllowRule {
    /** The NetworkPolicy's name; the child resource is `<component name>-<name>`. */
    name: string;
    /** The namespace's role (which namespace, and which Namespace resource the policy waits for). */
    role: NamespaceRole;
    namespace: string;
    spec: NetworkPolicySpec;
}

const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
const inNamespace = (name: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } });

/** The `kubernetes` Service's ClusterIP: the first address of the service range (172.20.0.0/16 -> 172.20.0.1). */
export function kubernetesServiceAddress(serviceCidr: string): string {
    const [addr, bits] = serviceCidr.split("/");
    const n = addr.split(".").reduce((a, o) => a * 256 + Number(o), 0);
    const size = 2 ** (32 - Number(bits));
    const first = Math.floor(n / size) * size + 1;
    return [24, 16, 8, 0].map((shift) => Math.floor(first / 2 ** shift) % 256).join(".");
}

/**
 * What the gateway and cert-manager namespaces need on top of default-deny + DNS. Pure, for tests.
 * `apiServerCidr`: where the Kubernetes API's endpoints live (prod: the VPC, whose ENIs carry the private
 * EKS endpoint; local: anywhere, the API is a node address). Ports 443 (EKS) and 6443 (kind, minikube).
 * `apiServiceAddress`: the `kubernetes` Service's ClusterIP, which in-cluster clients dial. Whether a
 * NetworkPolicy sees that address or the endpoint behind it is up to the implementation (Kubernetes docs,
 * NetworkPolicy "Targeting ... Service IPs"); the VPC CNI's policy agent matches the pre-DNAT service address
 * (aws/aws-network-policy-agent#549), so both must be allowed.
 */
export function allowRules(opts: {
    apiServerCidr: string;
    apiServiceAddress?: pulumi.Input<string>;
    acme: boolean;
    /** Namespace names by role. Default NAMESPACES. */
    namespaces?: Namespaces;
    /** The Gateway whose data plane pods the rules select. Default GATEWAY.name. */
    gatewayName?: string;
    /** The app's Service ports the data plane forwards to. Default the API's and the WebSocket's (8000, 8001). */
    appPorts?: readonly number[];
}): AllowRule[] {
    const { gateway, app, monitoring, certManager } = opts.namespaces ?? NAMESPACES;
    const apiServer = [{ to: apiServerPeers(opts.apiServerCidr, opts.apiServiceAddress), ports: tcp(443, 6443) }];
    const dataPlaneLabels = dataPlaneSelector(opts.gatewayName);
    const dataPlane = { podSelector: { matchLabels: dataPlaneLabels } };
    const rules: AllowRule[] = [
        {
            name: "gateway-data-plane-ingress",
            role: "gateway",
            namespace: gateway,
            spec: {
                podSelector: { matchLabels: dataPlaneLabels },
                policyTypes: ["Ingress"],
                ingress: [
                    // Clients from anywhere (through the NLB, or a local load balancer) on the listener ports.
                    { ports: tcp(80, 443) },
                    { from: [inNamespace(monitoring)], ports: tcp(9113) },
                ],
            },
        },
        {
            name: "gateway-data-plane-egress",
            role: "gateway",
            namespace: gateway,
            spec: {
                podSelector: { matchLabels: dataPlaneLabels },
                policyTypes: ["Egress"],
                egress: [
                    // The API (8000) and WebSocket (8001) backends of the application's routes.
                    { to: [inNamespace(app)], ports: tcp(...(opts.appPorts ?? [8000, 8001])) },
                    // The nginx agent's gRPC connection to NGF's control plane.
                    { to: [{ podSelector: { matchLabels: CONTROL_PLANE_SELECTOR } }], ports: tcp(8443) },
                    ...(opts.acme ? [{ to: [{ podSelector: { matchLabels: ACME_SOLVER_SELECTOR } }], ports: tcp(8089) }] : []),
                ],
            },
        },
        {
            name: "gateway-control-plane",
            role: "gateway",
            namespace: gateway,
            spec: {
                podSelector: { matchLabels: CONTROL_PLANE_SELECTOR },
                policyTypes: ["Ingress", "Egress"],
                ingress: [
                    { from: [dataPlane], ports: tcp(8443) },
                    { from: [inNamespace(monitoring)], ports: tcp(9113) },
                ],
                egress: apiServer,
            },
        },
        {
            name: "cert-manager-api-server",
            role: "certManager",
            namespace: certManager,
            spec: { podSelector: {}, policyTypes: ["Egress"], egress: apiServer },
        },
        {
            // The API server calls the admission webhook; its source address is the control plane's.
            name: "cert-manager-webhook",
            role: "certManager",
            namespace: certManager,
            spec: {
                podSelector: { matchLabels: { "app.kubernetes.io/component": "webhook" } },
                policyTypes: ["Ingress"],
                ingress: [{ from: [{ ipBlock: { cidr: opts.apiServerCidr } }], ports: tcp(10250) }],
            },
        },
        {
            name: "cert-manager-metrics",
            role: "certManager",
            namespace: certManager,
            spec: {
                podSelector: { matchLabels: { "app.kubernetes.io/component": "controller" } },
                policyTypes: ["Ingress"],
                ingress: [{ from: [inNamespace(monitoring)], ports: tcp(9402) }],
            },
        },
    ];
    if (opts.acme) {
        rules.push(
            {
                // Let's Encrypt's API (443) and the HTTP-01 self-check against our own public address (80).
                name: "cert-manager-acme",
                role: "certManager",
                namespace: certManager,
                spec: {
                    podSelector: { matchLabels: { "app.kubernetes.io/component": "controller" } },
                    policyTypes: ["Egress"],
                    egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: tcp(80, 443) }],
                },
            },
            {
                // The HTTP-01 solver pods cert-manager starts in the Certificate's (gateway) namespace.
                name: "gateway-acme-solver",
                role: "gateway",
                namespace: gateway,
                spec: {
                    podSelector: { matchLabels: ACME_SOLVER_SELECTOR },
                    policyTypes: ["Ingress"],
                    ingress: [{ from: [dataPlane], ports: tcp(8089) }],
                },
            },
        );
    }
    return rules;
}

/** ipBlock peers for the Kubernetes API: its endpoints' range and (prod) the `kubernetes` Service address. */
export function apiServerPeers(apiServerCidr: string, apiServiceAddress?: pulumi.Input<string>) {
    return [
        { ipBlock: { cidr: apiServerCidr } },
        ...(apiServiceAddress ? [{ ipBlock: { cidr: pulumi.interpolate`${apiServiceAddress}/32` } }] : []),
    ];
}

/** One NetworkPolicy per rule, child `<name>-<rule name>`, after its namespace. */
export function createAllowRules(name: string, rules: AllowRule[], namespaces: Record<string, k8s.core.v1.Namespace>, opts: pulumi.CustomResourceOptions): void {
    for (const r of rules) {
        const dep = namespaces[r.role];
        new k8s.networking.v1.NetworkPolicy(
            `${name}-${r.name}`,
            { metadata: { name: r.name, namespace: r.namespace }, spec: r.spec },
            { ...opts, ...(dep ? { dependsOn: [dep] } : {}) },
        );
    }
}
