// Namespaces with Pod Security Admission labels, a default-deny NetworkPolicy and DNS egress in each,
// and the seed's `deepalpha` ServiceAccount with a namespaced, read-only Role.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { APP_SERVICE_ACCOUNT, NAMESPACES, NamespaceRole } from "../shared/conventions";
import { podSecurityLabels } from "../shared/security";

export interface NamespaceSpec {
    role: NamespaceRole;
    name: string;
    /** PSA level; anything below `restricted` must say why. */
    podSecurity: "restricted" | "baseline" | "privileged";
    reason?: string;
}

/** Which namespaces a profile gets, and at which pod security level. Pure, for tests. */
export function namespaceSpecs(profile: "local" | "production"): NamespaceSpec[] {
    const specs: NamespaceSpec[] = [
        { role: "app", name: NAMESPACES.app, podSecurity: "restricted" },
        {
            role: "monitoring",
            name: NAMESPACES.monitoring,
            podSecurity: "privileged",
            reason: "prometheus-node-exporter and the log shipper read host paths and the host network",
        },
        { role: "gateway", name: NAMESPACES.gateway, podSecurity: "restricted" },
    ];
    if (profile === "local") specs.splice(1, 0, { role: "data", name: NAMESPACES.data, podSecurity: "restricted" });
    return specs;
}

/** The seed's ClusterRole rules, namespaced: read pods, services and configmaps of its own namespace. */
export const APP_ROLE_RULES = [{ apiGroups: [""], resources: ["pods", "services", "configmaps"], verbs: ["get", "list", "watch"] }];

export function createNamespaces(
    specs: NamespaceSpec[],
    opts: pulumi.CustomResourceOptions,
): Record<string, k8s.core.v1.Namespace> {
    const out: Record<string, k8s.core.v1.Namespace> = {};
    for (const spec of specs) {
        const annotations: Record<string, string> = spec.reason ? { "deepalpha.io/pod-security-reason": spec.reason } : {};
        const ns = new k8s.core.v1.Namespace(
            spec.name,
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
        new k8s.networking.v1.NetworkPolicy(
            `${spec.name}-default-deny`,
            {
                metadata: { name: "default-deny-all", namespace: spec.name },
                spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
            },
            nsOpts,
        );
        new k8s.networking.v1.NetworkPolicy(
            `${spec.name}-allow-dns`,
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
    }
    return out;
}

export function createAppRbac(namespace: k8s.core.v1.Namespace, opts: pulumi.CustomResourceOptions): k8s.core.v1.ServiceAccount {
    const ns = namespace.metadata.name;
    const o = { ...opts, dependsOn: [namespace] };
    const sa = new k8s.core.v1.ServiceAccount(
        APP_SERVICE_ACCOUNT,
        // Pods opt in to a token where they use the API; the default is none.
        { metadata: { name: APP_SERVICE_ACCOUNT, namespace: ns }, automountServiceAccountToken: false },
        o,
    );
    new k8s.rbac.v1.Role(
        `${APP_SERVICE_ACCOUNT}-reader`,
        { metadata: { name: `${APP_SERVICE_ACCOUNT}-reader`, namespace: ns }, rules: APP_ROLE_RULES },
        o,
    );
    new k8s.rbac.v1.RoleBinding(
        `${APP_SERVICE_ACCOUNT}-reader`,
        {
            metadata: { name: `${APP_SERVICE_ACCOUNT}-reader`, namespace: ns },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: `${APP_SERVICE_ACCOUNT}-reader` },
            subjects: [{ kind: "ServiceAccount", name: APP_SERVICE_ACCOUNT, namespace: NAMESPACES.app }],
        },
        o,
    );
    return sa;
}
