// The CrossGuard pack (policy/): every policy against a compliant and a violating case for each resource
// kind it covers, built from the SDKs' resource classes; unknowns during preview; exemptions; the
// policy config files; and `npm run policy:check` on a crafted preview document and a malformed one.
//
// The pack's entry file (policy/index.ts) is never imported: `new PolicyPack` starts a gRPC server.
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { expect } from "chai";
import { runScript } from "./harness/cli";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXEMPTION_ANNOTATION_PREFIX as PROGRAM_EXEMPTION_PREFIX, GATEWAY } from "@deepalpha/shared";
import { GATEWAY_NAMESPACE } from "../policy/lib/conventions";
import { EXEMPTIBLE, EXEMPTION_ANNOTATION_PREFIX } from "../policy/lib/exemptions";
import { type ResourceClass, typeOf } from "../policy/lib/types";
import { read } from "../policy/lib/values";
import {
    deserialize,
    evaluate,
    loadPolicyConfig,
    type OfflineResource,
    PolicyConfigError,
    policyConfigFile,
    type PolicyViolation,
    resolvePolicyConfig,
    resourcesFromPreview,
} from "../policy/offline";
import { policies } from "../policy/policies";
import { imageProblem } from "../policy/policies/workload-pinned-images";
import { isCredentialName } from "../policy/policies/workload-no-literal-credentials";
import { REPO_ROOT } from "../repo-root";

const ROOT = REPO_ROOT;
const STACK_URN = "urn:pulumi:test::deepalpha::pulumi:pulumi:Stack::deepalpha-test";
const UNKNOWN = "[unknown]";
const ENGINE_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

// ------------------------------------------------------------------------------------------------
// Building resources from the SDK classes.

let seq = 0;
function res(cls: ResourceClass, inputs: Record<string, unknown>, extra: Partial<OfflineResource> & { name?: string } = {}): OfflineResource {
    const type = typeOf(cls);
    const { name = `r${++seq}`, ...rest } = extra;
    return { urn: `urn:pulumi:test::deepalpha::${type}::${name}`, type, inputs, ...rest };
}
const stackResource: OfflineResource = { urn: STACK_URN, type: "pulumi:pulumi:Stack", inputs: {} };

const configs = { dev: loadPolicyConfig(policyConfigFile("dev")), prod: loadPolicyConfig(policyConfigFile("prod")) };

/**
 * Every check runs with the stack resource and a PodDisruptionBudget for the API's pods (the labels every
 * workload case below uses), so a Deployment case is judged on its own rule, not on prod's PDB rule.
 */
const background = (): OfflineResource[] => [
    stackResource,
    res(k8s.policy.v1.PodDisruptionBudget, { metadata: { name: "api", namespace: "deepalpha" }, spec: { minAvailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "deepalpha-api" } } } }, { name: "background-pdb" }),
];

async function check(resources: OfflineResource[], stack: "dev" | "prod" = "prod") {
    return evaluate([...background(), ...resources], { config: configs[stack], configSource: `config.${stack}.json` });
}
async function violations(resources: OfflineResource[], policy?: string, stack: "dev" | "prod" = "prod"): Promise<PolicyViolation[]> {
    const r = await check(resources, stack);
    return r.violations.filter((v) => !policy || v.policyName === policy);
}
const describeV = (vs: PolicyViolation[]) => vs.map((v) => `${v.policyName}: ${v.message}`).join("\n");

// ------------------------------------------------------------------------------------------------
// Workloads: one compliant pod spec, wrapped as each kind.


function goodContainer(name: string, probes = true): Record<string, unknown> {
    return {
        name,
        image: "ghcr.io/deepalpha/deepalpha:1.0.0",
        ports: [{ name: "http", containerPort: 8000 }],
        env: [
            { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "deepalpha-connection", key: "database-url" } } },
            { name: "POSTGRES_PASSWORD_FILE", value: "/run/secrets/postgres-password" },
            { name: "LOG_LEVEL", value: "info" },
        ],
        resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        ...(probes ? { livenessProbe: { httpGet: { path: "/health", port: 8000 } }, readinessProbe: { httpGet: { path: "/ready", port: 8000 } } } : {}),
        securityContext: {
            privileged: false,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ["ALL"] },
        },
    };
}

function goodPodSpec(restartPolicy?: string): Record<string, unknown> {
    return {
        ...(restartPolicy ? { restartPolicy } : {}),
        securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } },
        initContainers: [goodContainer("migrate", false)],
        containers: [goodContainer("app")],
        volumes: [
            { name: "config", configMap: { name: "deepalpha-config" } },
            { name: "tmp", emptyDir: {} },
            { name: "token", projected: { sources: [{ serviceAccountToken: { path: "token" } }] } },
            { name: "data", persistentVolumeClaim: { claimName: "data" } },
        ],
    };
}

const LABELS = { "app.kubernetes.io/name": "deepalpha-api" };
const meta = (name: string, annotations?: Record<string, string>) => ({ name, namespace: "deepalpha", labels: LABELS, ...(annotations ? { annotations } : {}) });

interface Kind {
    cls: ResourceClass;
    kind: string;
    longRunning: boolean;
    /** The object around a pod spec. */
    make(spec: Record<string, unknown>, annotations?: Record<string, string>): Record<string, unknown>;
    /** Where the pod spec sits in the object. */
    specOf(o: Record<string, unknown>): Record<string, unknown>;
}

const template = (spec: Record<string, unknown>) => ({ metadata: { labels: LABELS }, spec });
const KINDS: Kind[] = [
    { cls: k8s.core.v1.Pod, kind: "Pod", longRunning: true, make: (spec, a) => ({ metadata: meta("api", a), spec }), specOf: (o) => o.spec as Record<string, unknown> },
    ...([
        [k8s.apps.v1.Deployment, "Deployment"],
        [k8s.apps.v1.StatefulSet, "StatefulSet"],
        [k8s.apps.v1.DaemonSet, "DaemonSet"],
        [k8s.apps.v1.ReplicaSet, "ReplicaSet"],
    ] as const).map(
        ([cls, kind]): Kind => ({
            cls,
            kind,
            longRunning: true,
            make: (spec, a) => ({ metadata: meta("api", a), spec: { ...(kind === "DaemonSet" ? {} : { replicas: 3 }), selector: { matchLabels: LABELS }, template: template(spec) } }),
            specOf: (o) => (o.spec as { template: { spec: Record<string, unknown> } }).template.spec,
        }),
    ),
    {
        cls: k8s.batch.v1.Job,
        kind: "Job",
        longRunning: false,
        make: (spec, a) => ({ metadata: meta("backup", a), spec: { backoffLimit: 2, template: template({ ...spec, restartPolicy: "OnFailure" }) } }),
        specOf: (o) => (o.spec as { template: { spec: Record<string, unknown> } }).template.spec,
    },
    {
        cls: k8s.batch.v1.CronJob,
        kind: "CronJob",
        longRunning: false,
        make: (spec, a) => ({ metadata: meta("backup", a), spec: { schedule: "0 2 * * *", jobTemplate: { spec: { template: template({ ...spec, restartPolicy: "OnFailure" }) } } } }),
        specOf: (o) => (o.spec as { jobTemplate: { spec: { template: { spec: Record<string, unknown> } } } }).jobTemplate.spec.template.spec,
    },
];

type PodSpec = Record<string, any>;
const main = (s: PodSpec) => s.containers[0];

/** For each pod-level policy: how to break a compliant pod spec. */
const POD_BREAKS: Record<string, { mutate(s: PodSpec): void; expect: RegExp; longRunningOnly?: boolean }> = {
    "pod-no-privileged": { mutate: (s) => (main(s).securityContext.privileged = true), expect: /privileged: true/ },
    "pod-no-privilege-escalation": { mutate: (s) => delete main(s).securityContext.allowPrivilegeEscalation, expect: /allowPrivilegeEscalation must be false \(is unset\)/ },
    "pod-drop-all-capabilities": { mutate: (s) => (main(s).securityContext.capabilities = { drop: ["NET_RAW"], add: ["SYS_ADMIN"] }), expect: /drop must include "ALL"/ },
    "pod-run-as-non-root": { mutate: (s) => ((s.securityContext.runAsNonRoot = false), delete main(s).securityContext.runAsNonRoot), expect: /runAsNonRoot must be true/ },
    "pod-allowed-volume-types": { mutate: (s) => s.volumes.push({ name: "logs", hostPath: { path: "/var/log" } }), expect: /volume "logs" is of type hostPath/ },
    "pod-no-host-namespaces": { mutate: (s) => (s.hostNetwork = true), expect: /hostNetwork: true/ },
    "pod-no-host-ports": { mutate: (s) => (main(s).ports[0].hostPort = 8000), expect: /binds hostPort 8000/ },
    "pod-seccomp-runtime-default": { mutate: (s) => (s.securityContext.seccompProfile = { type: "Unconfined" }), expect: /seccompProfile.type must be RuntimeDefault \(is "Unconfined"\)/ },
    "pod-safe-sysctls": { mutate: (s) => (s.securityContext.sysctls = [{ name: "net.ipv4.tcp_keepalive_time", value: "60" }, { name: "net.core.somaxconn", value: "65535" }]), expect: /sets the unsafe sysctl "net\.core\.somaxconn"/ },
    "workload-resources": { mutate: (s) => delete main(s).resources.limits.memory, expect: /no resources.limits.memory/ },
    "workload-probes": { mutate: (s) => delete main(s).readinessProbe, expect: /has no readinessProbe/, longRunningOnly: true },
    "workload-pinned-images": { mutate: (s) => (main(s).image = "redis:latest"), expect: /"redis:latest" uses the latest tag/ },
    "workload-no-literal-credentials": { mutate: (s) => main(s).env.push({ name: "POSTGRES_PASSWORD", value: "hunter2" }), expect: /sets POSTGRES_PASSWORD as a literal value/ },
};

function workload(k: Kind, mutate?: (s: PodSpec) => void, annotations?: Record<string, string>): OfflineResource {
    const o = k.make(goodPodSpec(), annotations);
    if (mutate) mutate(k.specOf(o));
    return res(k.cls, o, { name: `${k.kind.toLowerCase()}-${++seq}` });
}

describe("policy pack: pod security and workload hygiene, per workload kind", () => {
    for (const k of KINDS) {
        it(`${k.kind} (${typeOf(k.cls)}): the compliant pod spec passes every policy`, async () => {
            const vs = await violations([workload(k)]);
            expect(vs, describeV(vs)).to.deep.equal([]);
        });
    }
    for (const [policy, b] of Object.entries(POD_BREAKS)) {
        describe(policy, () => {
            for (const k of KINDS) {
                if (b.longRunningOnly && !k.longRunning) {
                    it(`${k.kind}: not covered (runs to completion): the same change is no violation`, async () => {
                        expect(await violations([workload(k, b.mutate)], policy)).to.deep.equal([]);
                    });
                    continue;
                }
                it(`${k.kind}: compliant passes, violating is reported as mandatory in prod`, async () => {
                    expect(await violations([workload(k)], policy)).to.deep.equal([]);
                    const r = workload(k, b.mutate);
                    const vs = await violations([r], policy);
                    expect(vs.length, `${k.kind} should violate ${policy}`).to.be.greaterThan(0);
                    expect(vs[0]).to.include({ policyName: policy, enforcementLevel: "mandatory", urn: r.urn });
                    expect(vs[0].message).to.match(b.expect).and.to.match(new RegExp(`^${k.kind}: `));
                });
            }
        });
    }

    it("init containers are checked like containers, for every kind", async () => {
        for (const k of KINDS) {
            const vs = await violations([workload(k, (s) => ((s.initContainers[0].securityContext.privileged = true), (s.initContainers[0].image = "busybox")))]);
            expect(vs.map((v) => v.policyName).sort(), k.kind).to.deep.equal(["pod-no-privileged", "workload-pinned-images"]);
            expect(vs[0].message).to.contain('initContainer "migrate"');
        }
    });

    it("a container's own securityContext overrides the pod's (runAsNonRoot, runAsUser, seccomp)", async () => {
        const d = KINDS[1];
        const vs = await violations([
            workload(d, (s) => {
                main(s).securityContext.runAsUser = 0;
                main(s).securityContext.seccompProfile = { type: "Unconfined" };
            }),
        ]);
        expect(vs.map((v) => v.policyName).sort()).to.deep.equal(["pod-run-as-non-root", "pod-seccomp-runtime-default"]);
        const ok = await violations([
            workload(d, (s) => {
                s.securityContext = {};
                for (const c of [...s.containers, ...s.initContainers]) c.securityContext.seccompProfile = { type: "RuntimeDefault" };
            }),
        ]);
        expect(ok, describeV(ok)).to.deep.equal([]);
    });

    it("a bare Pod that runs to completion needs no probes; an ephemeral container needs no resources", async () => {
        const pod = res(k8s.core.v1.Pod, { metadata: meta("once"), spec: { ...goodPodSpec("Never"), containers: [goodContainer("app", false)] } });
        expect(await violations([pod], "workload-probes")).to.deep.equal([]);
        const dbg = res(k8s.core.v1.Pod, { metadata: meta("dbg"), spec: { ...goodPodSpec(), ephemeralContainers: [{ ...goodContainer("debug", false), resources: undefined }] } });
        expect(await violations([dbg], "workload-resources")).to.deep.equal([]);
    });

    it("legacy API versions are covered too (apps/v1beta2 DaemonSet, batch/v1beta1 CronJob)", async () => {
        const ds = res(k8s.apps.v1beta2.DaemonSet, { metadata: meta("old"), spec: { selector: { matchLabels: LABELS }, template: template({ ...goodPodSpec(), hostPID: true }) } });
        const cj = res(k8s.batch.v1beta1.CronJob, { metadata: meta("old"), spec: { schedule: "@daily", jobTemplate: { spec: { template: template({ ...goodPodSpec(), hostIPC: true }) } } } });
        expect((await violations([ds, cj], "pod-no-host-namespaces")).map((v) => v.urn)).to.deep.equal([ds.urn, cj.urn]);
    });

    it("image references: tags, digests, registry ports", () => {
        expect(imageProblem("ghcr.io/deepalpha/deepalpha:1.0.0")).to.equal(undefined);
        expect(imageProblem("registry.local:5000/team/app@sha256:" + "a".repeat(64))).to.equal(undefined);
        expect(imageProblem("registry.local:5000/team/app")).to.match(/no tag/);
        expect(imageProblem("nginx")).to.match(/no tag/);
        expect(imageProblem("nginx:LATEST")).to.match(/latest/);
    });

    it("credential names: *PASSWORD*, *SECRET*, *TOKEN*, *_KEY, DATABASE_URL; *_FILE paths are not credentials", () => {
        for (const n of ["POSTGRES_PASSWORD", "binance_api_secret", "TELEGRAM_BOT_TOKEN", "LLM_API_KEY", "DATABASE_URL", "DOCKER_INFLUXDB_INIT_ADMIN_TOKEN"]) expect(isCredentialName(n), n).to.equal(true);
        for (const n of ["LOG_LEVEL", "POSTGRES_PASSWORD_FILE", "KEYCLOAK_URL", "API_URL"]) expect(isCredentialName(n), n).to.equal(false);
    });

    it("a credential taken from a ConfigMap, or a computed literal, is still a violation", async () => {
        const d = KINDS[1];
        const vs = await violations([
            workload(d, (s) => {
                main(s).env.push({ name: "REDIS_PASSWORD", valueFrom: { configMapKeyRef: { name: "cfg", key: "pw" } } });
                main(s).env.push({ name: "NEWS_API_KEY", value: UNKNOWN });
                main(s).env.push({ name: "LLM_API_KEY", value: "[secret]" });
            }),
        ], "workload-no-literal-credentials");
        expect(vs.map((v) => v.message)).to.have.length(3);
        expect(vs[0].message).to.match(/REDIS_PASSWORD from configMapKeyRef/);
    });
});

describe("policy pack: service-loadbalancer-gateway-only (Service)", () => {
    const svc = (ns: string | undefined, type: string) =>
        res(k8s.core.v1.Service, { metadata: { name: "edge", ...(ns ? { namespace: ns } : {}) }, spec: { type, ports: [{ port: 443 }], selector: LABELS } });
    it("compliant: LoadBalancer in the gateway namespace, ClusterIP anywhere", async () => {
        expect(await violations([svc(GATEWAY_NAMESPACE, "LoadBalancer"), svc("deepalpha", "ClusterIP")], "service-loadbalancer-gateway-only")).to.deep.equal([]);
    });
    it("violating: LoadBalancer in the app namespace or in default", async () => {
        const vs = await violations([svc("deepalpha", "LoadBalancer"), svc(undefined, "LoadBalancer")], "service-loadbalancer-gateway-only");
        expect(vs.map((v) => v.message)).to.deep.equal([
            'Service of type LoadBalancer in namespace "deepalpha": only "gateway" may expose a load balancer',
            'Service of type LoadBalancer in namespace "default": only "gateway" may expose a load balancer',
        ]);
    });
});

// ------------------------------------------------------------------------------------------------
// Namespaces.

/** A Namespace; `level` null leaves the Pod Security Admission label out. */
const namespace = (name: string, level: string | null = "restricted", annotations: Record<string, string> = {}) =>
    res(k8s.core.v1.Namespace, { metadata: { name, labels: level ? { "pod-security.kubernetes.io/enforce": level } : {}, annotations } }, { name });
const netpol = (ns: string, spec: Record<string, unknown>, extra: Partial<OfflineResource> = {}) =>
    res(k8s.networking.v1.NetworkPolicy, { metadata: { name: "np", namespace: ns }, spec }, extra);
const DENY_ALL = { podSelector: {}, policyTypes: ["Ingress", "Egress"] };

describe("policy pack: namespace-default-deny (Namespace + NetworkPolicy, stack)", () => {
    it("compliant: each namespace has podSelector {} with Ingress and Egress and no rules (other policies may allow more)", async () => {
        const allowDns = { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ port: 53, protocol: "UDP" }] }] };
        const vs = await violations([namespace("a"), netpol("a", DENY_ALL), netpol("a", allowDns), namespace("b"), netpol("b", { ...DENY_ALL, podSelector: { matchLabels: {} }, ingress: [] })], "namespace-default-deny");
        expect(vs, describeV(vs)).to.deep.equal([]);
    });
    it("violating: missing, in another namespace, one direction only, with rules, or selecting some pods", async () => {
        const bad = [
            namespace("none"),
            namespace("elsewhere"),
            netpol("other", DENY_ALL),
            namespace("ingress-only"),
            netpol("ingress-only", { podSelector: {}, policyTypes: ["Ingress"] }),
            namespace("allows"),
            netpol("allows", { ...DENY_ALL, ingress: [{ from: [{ podSelector: {} }] }] }),
            namespace("some-pods"),
            netpol("some-pods", { ...DENY_ALL, podSelector: { matchLabels: LABELS } }),
        ];
        const vs = await violations(bad, "namespace-default-deny");
        expect(vs.map((v) => v.urn)).to.deep.equal(bad.filter((r) => r.type === typeOf(k8s.core.v1.Namespace)).map((r) => r.urn));
        expect(vs[0].message).to.equal("Namespace none has no default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress, Egress], no ingress or egress rules)");
    });
    it("a namespace whose name is computed is paired with the NetworkPolicy that takes its name from it", async () => {
        const ns = res(k8s.core.v1.Namespace, { metadata: { name: UNKNOWN, labels: { "pod-security.kubernetes.io/enforce": "restricted" } } });
        expect(await violations([ns, netpol(UNKNOWN, DENY_ALL, { dependencies: [ns.urn] })], "namespace-default-deny")).to.deep.equal([]);
        expect(await violations([ns, netpol("x", DENY_ALL)], "namespace-default-deny")).to.have.length(1);
    });
});

describe("policy pack: namespace-psa-enforce (Namespace)", () => {
    const P = "namespace-psa-enforce";
    it("compliant: restricted; a lower level with a documented exemption", async () => {
        const exempt = namespace("monitoring", "privileged", { [`${EXEMPTION_ANNOTATION_PREFIX}${P}`]: "node exporter reads host paths" });
        const r = await check([namespace("app"), exempt]);
        expect(r.violations.filter((v) => v.policyName === P)).to.deep.equal([]);
        expect(r.exemptions).to.deep.equal([{ urn: exempt.urn, policy: P, reason: "node exporter reads host paths", honoured: true }]);
    });
    it("violating: no label, a lower level without exemption, not a level at all", async () => {
        const vs = await violations([namespace("a", null), namespace("b", "baseline"), namespace("c", "strict")], P);
        expect(vs.map((v) => v.message)).to.deep.equal([
            "no pod-security.kubernetes.io/enforce label",
            `pod-security.kubernetes.io/enforce: baseline: must be restricted, or carry the annotation ${EXEMPTION_ANNOTATION_PREFIX}${P} saying why`,
            'pod-security.kubernetes.io/enforce: "strict" is not a Pod Security level (privileged, baseline, restricted)',
        ]);
    });
});

// ------------------------------------------------------------------------------------------------
// Prod HA: replicas and PodDisruptionBudgets.

const deployment = (name: string, replicas: number | undefined, annotations?: Record<string, string>, ns = "deepalpha") =>
    res(k8s.apps.v1.Deployment, {
        metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) },
        spec: {
            ...(replicas === undefined ? {} : { replicas }),
            selector: { matchLabels: { "app.kubernetes.io/name": name } },
            template: { metadata: { labels: { "app.kubernetes.io/name": name, tier: "app" } }, spec: goodPodSpec() },
        },
    }, { name });
const pdb = (selector: Record<string, unknown> | undefined, ns = "deepalpha") => res(k8s.policy.v1.PodDisruptionBudget, { metadata: { name: "pdb", namespace: ns }, spec: { minAvailable: 1, ...(selector ? { selector } : {}) } });
const hpa = (target: string, minReplicas?: number) =>
    res(k8s.autoscaling.v2.HorizontalPodAutoscaler, { metadata: { name: target, namespace: "deepalpha" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target }, ...(minReplicas ? { minReplicas } : {}), maxReplicas: 10 } });

describe("policy pack: prod-min-replicas (Deployment, HorizontalPodAutoscaler, stack)", () => {
    const P = "prod-min-replicas";
    it("compliant: 3 replicas; an HPA with minReplicas 2; an exempt singleton", async () => {
        const exempt = deployment("bot-a", 1, { [`${EXEMPTION_ANNOTATION_PREFIX}${P}`]: "each Freqtrade bot must run exactly one replica" });
        const r = await check([deployment("api", 3), deployment("ws", undefined), hpa("ws", 2), exempt]);
        expect(r.violations.filter((v) => v.policyName === P)).to.deep.equal([]);
        expect(r.exemptions.map((e) => [e.policy, e.honoured])).to.deep.include([P, true]);
    });
    it("violating in prod: 1 replica, unset replicas, an HPA with minReplicas 1 (unset)", async () => {
        const vs = await violations([deployment("one", 1), deployment("unset", undefined), deployment("scaled", 5), hpa("scaled")], P);
        expect(vs.map((v) => v.message)).to.deep.equal([
            "Deployment deepalpha/one: spec.replicas is 1, below 2",
            "Deployment deepalpha/unset: spec.replicas is unset (1), below 2",
            "Deployment deepalpha/scaled: its HorizontalPodAutoscaler's minReplicas is 1, below 2",
        ]);
    });
    it("dev allows one replica (policy/config.dev.json minReplicas 1), and only advises", async () => {
        expect(await violations([deployment("one", 1)], P, "dev")).to.deep.equal([]);
        const none = deployment("none", 0);
        expect(await violations([none], P, "dev")).to.deep.equal([{ policyName: P, enforcementLevel: "advisory", urn: none.urn, message: "Deployment deepalpha/none: spec.replicas is 0, below 1" }]);
    });
});

describe("policy pack: prod-pod-disruption-budget (Deployment, PodDisruptionBudget, stack)", () => {
    const P = "prod-pod-disruption-budget";
    it("compliant: a PDB in the namespace selecting the pods (matchLabels or matchExpressions); an exempt singleton", async () => {
        const exempt = deployment("bot-b", 1, { [`${EXEMPTION_ANNOTATION_PREFIX}${P}`]: "a singleton: a PDB would block drains" });
        const vs = await violations(
            [deployment("api", 3), pdb({ matchLabels: { "app.kubernetes.io/name": "api" } }), deployment("ws", 2), pdb({ matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["ws", "x"] }] }), exempt],
            P,
        );
        expect(vs, describeV(vs)).to.deep.equal([]);
    });
    it("policy/v1beta1 PodDisruptionBudgets count too", async () => {
        const d = deployment("old", 2);
        const old = res(k8s.policy.v1beta1.PodDisruptionBudget, { metadata: { name: "old", namespace: "deepalpha" }, spec: { maxUnavailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "old" } } } });
        expect(await violations([d, old], P)).to.deep.equal([]);
    });
    it("violating: none, one in another namespace, one selecting other pods, one without selector", async () => {
        const ds = [deployment("a", 3), deployment("b", 3), deployment("c", 3), deployment("d", 3)];
        const vs = await violations([...ds, pdb({ matchLabels: { "app.kubernetes.io/name": "b" } }, "other"), pdb({ matchLabels: { "app.kubernetes.io/name": "nope" } }), pdb(undefined)], P);
        expect(vs.map((v) => v.urn)).to.deep.equal(ds.map((d) => d.urn));
        expect(vs[0].message).to.equal("Deployment deepalpha/a has no PodDisruptionBudget selecting its pods");
    });
    it("dev does not require PodDisruptionBudgets (policy/config.dev.json required: false)", async () => {
        expect(await violations([deployment("a", 1)], P, "dev")).to.deep.equal([]);
    });
});

// ------------------------------------------------------------------------------------------------
// AWS.

const bucket = (cls: ResourceClass, name: string) => res(cls, { bucket: name, tags: { project: "deepalpha" } }, { name });
const companion = (cls: ResourceClass, b: OfflineResource, inputs: Record<string, unknown>, byDependency = false) =>
    res(cls, { bucket: byDependency ? UNKNOWN : b.inputs.bucket, ...inputs }, byDependency ? { dependencies: [b.urn], propertyDependencies: { bucket: [b.urn] } } : {});
const SSE = { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:us-west-2:123456789012:key/abc" }, bucketKeyEnabled: true }] };
const VERSIONING = { versioningConfiguration: { status: "Enabled" } };
const PAB = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };

describe("policy pack: S3 buckets (Bucket, BucketV2 and their configuration resources, stack)", () => {
    for (const bcls of [aws.s3.Bucket, aws.s3.BucketV2]) {
        const T = typeOf(bcls);
        it(`${T}: compliant with encryption, versioning and a public access block (paired by name or by dependency)`, async () => {
            const a = bucket(bcls, "backups");
            const b = bucket(bcls, "files");
            const vs = await violations([
                a,
                companion(aws.s3.BucketServerSideEncryptionConfiguration, a, SSE),
                companion(aws.s3.BucketVersioning, a, VERSIONING),
                companion(aws.s3.BucketPublicAccessBlock, a, PAB),
                b,
                companion(aws.s3.BucketServerSideEncryptionConfigurationV2, b, { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, true),
                companion(aws.s3.BucketVersioningV2, b, VERSIONING, true),
                companion(aws.s3.BucketPublicAccessBlock, b, PAB, true),
            ]);
            expect(vs, describeV(vs)).to.deep.equal([]);
        });
        it(`${T}: violating without them, or with versioning Suspended and a flag false`, async () => {
            const a = bucket(bcls, "bare");
            const b = bucket(bcls, "weak");
            const vs = await violations([
                a,
                b,
                companion(aws.s3.BucketVersioning, b, { versioningConfiguration: { status: "Suspended" } }),
                companion(aws.s3.BucketPublicAccessBlock, b, { ...PAB, restrictPublicBuckets: false }),
                // A configuration without a default algorithm does not encrypt.
                companion(aws.s3.BucketServerSideEncryptionConfiguration, b, { rules: [{ bucketKeyEnabled: true }] }),
            ]);
            const got = vs.map((v) => `${v.policyName} ${v.urn.split("::").pop()}`).sort();
            expect(got).to.deep.equal([
                "s3-bucket-encryption bare",
                "s3-bucket-encryption weak",
                "s3-bucket-public-access-block bare",
                "s3-bucket-public-access-block weak",
                "s3-bucket-versioning bare",
                "s3-bucket-versioning weak",
            ]);
            expect(vs.find((v) => v.policyName === "s3-bucket-versioning")!.message).to.match(/^bucket bare: versioning is not enabled/);
        });
    }
    it("the V2 configuration resources are judged like the current ones", async () => {
        const b = bucket(aws.s3.BucketV2, "v2");
        const vs = await violations([
            b,
            companion(aws.s3.BucketServerSideEncryptionConfigurationV2, b, { rules: [{ bucketKeyEnabled: true }] }),
            companion(aws.s3.BucketVersioningV2, b, { versioningConfiguration: { status: "Suspended" } }),
            companion(aws.s3.BucketPublicAccessBlock, b, PAB),
        ]);
        expect(vs.map((v) => v.policyName).sort()).to.deep.equal(["s3-bucket-encryption", "s3-bucket-versioning"]);
    });
    it("the account-level public access block covers every bucket; a companion for another bucket does not", async () => {
        const a = bucket(aws.s3.Bucket, "a");
        const other = bucket(aws.s3.Bucket, "other");
        expect(await violations([a, res(aws.s3.AccountPublicAccessBlock, PAB)], "s3-bucket-public-access-block")).to.deep.equal([]);
        expect(await violations([a, other, companion(aws.s3.BucketPublicAccessBlock, other, PAB)], "s3-bucket-public-access-block")).to.have.length(1);
    });
});

const rds = (inputs: Record<string, unknown>) =>
    res(aws.rds.Instance, {
        engine: "postgres",
        instanceClass: "db.r6g.xlarge",
        storageEncrypted: true,
        publiclyAccessible: false,
        multiAz: true,
        backupRetentionPeriod: 7,
        deletionProtection: true,
        ...inputs,
    });
const strip = (o: Record<string, unknown>, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

describe("policy pack: RDS (aws.rds.Instance)", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
        ["rds-storage-encrypted", { storageEncrypted: false }, /storageEncrypted is false/],
        ["rds-not-public", { publiclyAccessible: true }, /publiclyAccessible: true/],
        ["rds-multi-az", { multiAz: false }, /multiAz is false: a primary must be Multi-AZ/],
        ["rds-backup-retention", { backupRetentionPeriod: 1 }, /backupRetentionPeriod is 1: keep backups at least 7 days/],
        ["rds-deletion-protection", { deletionProtection: false }, /deletionProtection is false/],
    ];
    it("compliant: the prod primary and a read replica (which inherits encryption, Multi-AZ and backups from its source)", async () => {
        const replica = res(aws.rds.Instance, { replicateSourceDb: "arn:aws:rds:us-west-2:123456789012:db:primary", instanceClass: "db.r6g.xlarge", deletionProtection: true });
        const vs = await violations([rds({}), replica]);
        expect(vs, describeV(vs)).to.deep.equal([]);
    });
    for (const [policy, bad, msg] of cases) {
        it(`${policy}: violating`, async () => {
            const vs = await violations([rds(bad)]);
            expect(vs.map((v) => v.policyName)).to.deep.equal([policy]);
            expect(vs[0].message).to.match(msg);
        });
    }
    it("unset settings with insecure AWS defaults are violations", async () => {
        const vs = await violations([res(aws.rds.Instance, strip(rds({}).inputs, "storageEncrypted", "multiAz", "backupRetentionPeriod", "deletionProtection"))]);
        expect(vs.map((v) => v.policyName).sort()).to.deep.equal(["rds-backup-retention", "rds-deletion-protection", "rds-multi-az", "rds-storage-encrypted"]);
    });
    it("dev does not require Multi-AZ (policy/config.dev.json required: false)", async () => {
        expect(await violations([rds({ multiAz: false })], "rds-multi-az", "dev")).to.deep.equal([]);
    });
});

describe("policy pack: ElastiCache (aws.elasticache.ReplicationGroup)", () => {
    const rg = (inputs: Record<string, unknown>) =>
        res(aws.elasticache.ReplicationGroup, { description: "redis", engine: "redis", numCacheClusters: 3, atRestEncryptionEnabled: true, transitEncryptionEnabled: true, automaticFailoverEnabled: true, multiAzEnabled: true, ...inputs });
    it("compliant: encrypted at rest and in transit, automatic failover", async () => {
        expect(await violations([rg({})])).to.deep.equal([]);
    });
    for (const [policy, prop] of [
        ["elasticache-at-rest-encryption", "atRestEncryptionEnabled"],
        ["elasticache-transit-encryption", "transitEncryptionEnabled"],
        ["elasticache-automatic-failover", "automaticFailoverEnabled"],
    ]) {
        it(`${policy}: violating when ${prop} is false or unset`, async () => {
            const vs = await violations([rg({ [prop]: false }), res(aws.elasticache.ReplicationGroup, strip(rg({}).inputs, prop))], policy);
            expect(vs.map((v) => v.message)).to.deep.equal([`${prop} is false: set it to true`, `${prop} is unset: set it to true`]);
        });
    }
});

describe("policy pack: EKS (eks:index:Cluster component and aws.eks.Cluster)", () => {
    const KEY = "arn:aws:kms:us-west-2:123456789012:key/abc";
    const component = (inputs: Record<string, unknown>) =>
        res(eks.Cluster, { encryptionConfigKeyArn: KEY, enabledClusterLogTypes: ["api", "audit", "authenticator"], endpointPublicAccess: true, publicAccessCidrs: ["198.51.100.0/24"], endpointPrivateAccess: true, ...inputs });
    const cluster = (inputs: Record<string, unknown>, vpc: Record<string, unknown> = {}) =>
        res(aws.eks.Cluster, {
            roleArn: "arn:aws:iam::123456789012:role/eks",
            encryptionConfig: { provider: { keyArn: KEY }, resources: ["secrets"] },
            enabledClusterLogTypes: ["audit"],
            vpcConfig: { subnetIds: ["subnet-1"], endpointPublicAccess: false, endpointPrivateAccess: true, ...vpc },
            ...inputs,
        });
    it("compliant: component with KMS key, audit logs, public endpoint limited to a CIDR; aws.eks.Cluster with a private endpoint", async () => {
        const vs = await violations([component({}), cluster({}), component({ endpointPublicAccess: false, publicAccessCidrs: undefined })]);
        expect(vs, describeV(vs)).to.deep.equal([]);
    });
    const cases: [string, OfflineResource, OfflineResource, RegExp][] = [
        ["eks-secrets-encryption", component({ encryptionConfigKeyArn: undefined }), cluster({ encryptionConfig: { provider: { keyArn: KEY }, resources: [] } }), /no KMS key|does not include "secrets"/],
        ["eks-audit-logging", component({ enabledClusterLogTypes: ["api"] }), cluster({ enabledClusterLogTypes: undefined }), /add "audit"/],
        ["eks-public-endpoint-restricted", component({ publicAccessCidrs: ["0.0.0.0/0"] }), cluster({}, { endpointPublicAccess: true }), /open to 0.0.0.0\/0|publicAccessCidrs is unset/],
    ];
    for (const [policy, comp, raw, msg] of cases) {
        it(`${policy}: violating on both shapes`, async () => {
            const vs = await violations([comp, raw], policy);
            expect(vs.map((v) => v.urn)).to.deep.equal([comp.urn, raw.urn]);
            for (const v of vs) expect(v.message).to.match(msg);
        });
    }
});

describe("policy pack: security-group-no-public-ingress (SecurityGroup, SecurityGroupIngressRule, SecurityGroupRule, stack)", () => {
    const P = "security-group-no-public-ingress";
    const sg = (ingress: unknown[] = [], name?: string) => res(aws.ec2.SecurityGroup, { vpcId: "vpc-1", ingress }, name ? { name } : {});
    const lbFor = (g: OfflineResource) => res(aws.lb.LoadBalancer, { loadBalancerType: "network", securityGroups: [UNKNOWN] }, { dependencies: [g.urn], propertyDependencies: { securityGroups: [g.urn] } });
    const rule = (g: OfflineResource, inputs: Record<string, unknown>) => res(aws.vpc.SecurityGroupIngressRule, { securityGroupId: UNKNOWN, ...inputs }, { dependencies: [g.urn], propertyDependencies: { securityGroupId: [g.urn] } });
    const legacy = (g: OfflineResource, inputs: Record<string, unknown>) => res(aws.ec2.SecurityGroupRule, { securityGroupId: UNKNOWN, ...inputs }, { dependencies: [g.urn] });
    it("compliant: 443 and 80 from anywhere on a load balancer's group; private CIDRs anywhere; egress to anywhere", async () => {
        const lbSg = sg([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }]);
        const nodes = sg([{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["10.40.0.0/16"] }]);
        const vs = await violations([
            lbSg,
            lbFor(lbSg),
            rule(lbSg, { ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrIpv4: "0.0.0.0/0" }),
            legacy(lbSg, { type: "ingress", protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["::/0"] }),
            nodes,
            rule(nodes, { ipProtocol: "tcp", fromPort: 6379, toPort: 6379, cidrIpv4: "10.40.0.0/16" }),
            legacy(nodes, { type: "egress", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }),
        ], P);
        expect(vs, describeV(vs)).to.deep.equal([]);
    });
    it("violating: SSH from anywhere inline, all traffic via SecurityGroupIngressRule, 443 via SecurityGroupRule on a group no load balancer uses", async () => {
        const open = sg([{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }], "bastion");
        const g = sg([], "app");
        const r1 = rule(g, { ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" });
        const r2 = legacy(g, { type: "ingress", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] });
        const vs = await violations([open, g, r1, r2], P);
        expect(vs.map((v) => [v.urn, v.message])).to.deep.equal([
            [open.urn, "bastion admits tcp 22 from 0.0.0.0/0"],
            [r1.urn, `${r1.urn.split("::").pop()} admits all traffic from 0.0.0.0/0`],
            [r2.urn, `${r2.urn.split("::").pop()} admits tcp 443 from 0.0.0.0/0 on a security group that no load balancer uses`],
        ]);
    });
});

describe("policy pack: security-group-no-public-ingress on the VPC's default group (aws.ec2.DefaultSecurityGroup)", () => {
    it("compliant without rules (the default group allows nothing); violating with inline ingress from anywhere", async () => {
        expect(await violations([res(aws.ec2.DefaultSecurityGroup, { vpcId: "vpc-1" })], "security-group-no-public-ingress")).to.deep.equal([]);
        const open = res(aws.ec2.DefaultSecurityGroup, { vpcId: "vpc-1", ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] }, { name: "default" });
        expect((await violations([open], "security-group-no-public-ingress")).map((v) => v.message)).to.deep.equal(["default admits all traffic from 0.0.0.0/0"]);
    });
});

describe("policy pack: kms-key-rotation (aws.kms.Key)", () => {
    it("compliant: rotation on; asymmetric keys are out of scope", async () => {
        expect(await violations([res(aws.kms.Key, { enableKeyRotation: true }), res(aws.kms.Key, { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" })], "kms-key-rotation")).to.deep.equal([]);
    });
    it("violating: rotation off or unset", async () => {
        const vs = await violations([res(aws.kms.Key, { enableKeyRotation: false }), res(aws.kms.Key, { description: "x" })], "kms-key-rotation");
        expect(vs.map((v) => v.message)).to.deep.equal(["enableKeyRotation is false: set it to true", "enableKeyRotation is unset (false): set it to true"]);
    });
});

describe("policy pack: ec2-imdsv2-required (LaunchTemplate, Instance, @pulumi/eks node groups)", () => {
    const P = "ec2-imdsv2-required";
    for (const cls of [aws.ec2.LaunchTemplate, aws.ec2.Instance]) {
        it(`${typeOf(cls)}: httpTokens required passes; optional or unset is reported`, async () => {
            expect(await violations([res(cls, { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } })], P)).to.deep.equal([]);
            const vs = await violations([res(cls, { metadataOptions: { httpTokens: "optional" } }), res(cls, {})], P);
            expect(vs.map((v) => v.message)).to.deep.equal(['metadataOptions.httpTokens is "optional": set it to "required"', 'metadataOptions.httpTokens is unset (optional): set it to "required"']);
        });
    }
    for (const cls of [eks.ManagedNodeGroup, eks.NodeGroupV2, eks.NodeGroup]) {
        it(`${typeOf(cls)}: enableIMDSv2 passes (or an own launch template); unset is reported`, async () => {
            expect(await violations([res(cls, { enableIMDSv2: true }), res(cls, { launchTemplate: { id: UNKNOWN, version: "1" } })], P)).to.deep.equal([]);
            expect((await violations([res(cls, { instanceType: "m5.2xlarge" })], P)).map((v) => v.message)).to.deep.equal(["enableIMDSv2 is unset (false): set it to true"]);
        });
    }
});

// ------------------------------------------------------------------------------------------------
// Unknown values during preview.

describe("policy pack: values unknown during preview are never violations", () => {
    it("a computed container list, securityContext field, image or replica count", async () => {
        const d = KINDS[1];
        for (const marker of [UNKNOWN, ENGINE_UNKNOWN]) {
            const a = workload(d, (s) => (s.containers = marker));
            const b = workload(d, (s) => {
                main(s).securityContext.allowPrivilegeEscalation = marker;
                main(s).securityContext.capabilities = marker;
                main(s).image = marker;
                main(s).resources = marker;
                s.securityContext = marker;
            });
            const c = deployment("computed", undefined);
            (c.inputs.spec as Record<string, unknown>).replicas = marker;
            const r = await check([a, b, c, pdb({ matchLabels: { "app.kubernetes.io/name": "computed" } })]);
            expect(r.violations, describeV(r.violations)).to.deep.equal([]);
        }
    });
    it("computed AWS settings (RDS, ElastiCache, EKS, KMS, S3 companions, security group CIDRs)", async () => {
        const b = bucket(aws.s3.Bucket, "b");
        const g = res(aws.ec2.SecurityGroup, { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: [UNKNOWN] }] });
        const vs = await violations([
            rds({ storageEncrypted: UNKNOWN, multiAz: UNKNOWN, backupRetentionPeriod: UNKNOWN, deletionProtection: UNKNOWN }),
            res(aws.elasticache.ReplicationGroup, { atRestEncryptionEnabled: UNKNOWN, transitEncryptionEnabled: UNKNOWN, automaticFailoverEnabled: UNKNOWN }),
            res(eks.Cluster, { encryptionConfigKeyArn: UNKNOWN, enabledClusterLogTypes: UNKNOWN, endpointPublicAccess: UNKNOWN }),
            res(aws.kms.Key, { enableKeyRotation: UNKNOWN }),
            b,
            companion(aws.s3.BucketServerSideEncryptionConfiguration, b, { rules: UNKNOWN }, true),
            companion(aws.s3.BucketVersioning, b, { versioningConfiguration: { status: UNKNOWN } }, true),
            companion(aws.s3.BucketPublicAccessBlock, b, { ...PAB, blockPublicAcls: UNKNOWN }, true),
            g,
        ]);
        expect(vs, describeV(vs)).to.deep.equal([]);
    });
    it("the evaluator presents unknowns as CrossGuard does: reading one through the props proxy throws, and becomes an advisory note", async () => {
        const naive: ResourceValidationPolicy = {
            name: "naive",
            description: "reads props directly",
            validateResource: (args, report) => {
                if (args.type === typeOf(k8s.apps.v1.Deployment) && args.props.spec.replicas < 2) report("too few");
            },
        };
        const d = deployment("x", undefined);
        (d.inputs.spec as Record<string, unknown>).replicas = UNKNOWN;
        const r = await evaluate([stackResource, d], { config: resolvePolicyConfig({ all: "mandatory" }, "inline", [naive]), policies: [naive] });
        expect(r.violations).to.have.length(1);
        expect(r.violations[0]).to.include({ policyName: "naive", enforcementLevel: "advisory", urn: d.urn });
        expect(r.violations[0].message).to.match(/^can't run policy 'naive' from policy pack 'deepalpha@v0\.1\.0' during preview: string value at \.spec\.replicas can't be known during preview/);
        // And read() is how the pack's own policies avoid it.
        expect(typeof read({ a: ENGINE_UNKNOWN }, "a")).to.equal("symbol");
    });
});

// ------------------------------------------------------------------------------------------------
// The pack itself, its config files and its exemptions.

describe("policy pack: structure, descriptions, config files", () => {
    const names = policies.map((p) => p.name);

    it("policy names are unique kebab-case, one file per policy under policy/policies/", () => {
        expect(new Set(names).size).to.equal(names.length);
        const files = fs.readdirSync(path.join(ROOT, "policy/policies")).map((f) => f.replace(/\.ts$/, "")).sort();
        expect(files).to.deep.equal([...names].sort());
        for (const n of names) expect(n).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    });

    it("every description names its source (the seed, Pod Security Standards, CIS, EKS Best Practices, AWS FSBP)", () => {
        for (const p of policies) expect(p.description, p.name).to.match(/seed|Pod Security Standards|CIS (EKS|AWS)|EKS Best Practices|AWS Foundational Security Best Practices/);
    });

    it("the entry file only builds the PolicyPack from the exported list; package.json pins the SDKs and has a version", () => {
        const entry = fs.readFileSync(path.join(ROOT, "policy/index.ts"), "utf8");
        expect(entry).to.match(/new PolicyPack\(PACK_NAME, \{\s+policies,/);
        expect(entry.match(/^import .*$/gm)).to.have.length(2);
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "policy/package.json"), "utf8"));
        expect(pkg.version).to.match(/^\d+\.\d+\.\d+$/);
        expect(pkg.dependencies).to.include({ "@pulumi/policy": "1.21.0", "@pulumi/pulumi": "3.248.0", "@pulumi/kubernetes": "4.34.2", "@pulumi/aws": "7.48.0" });
        expect(fs.readFileSync(path.join(ROOT, "policy/PulumiPolicy.yaml"), "utf8")).to.match(/^runtime: nodejs$/m);
    });

    it("config.dev.json makes every policy advisory, config.prod.json every policy mandatory", () => {
        for (const [stack, level] of [["dev", "advisory"], ["prod", "mandatory"]] as const) {
            const raw = JSON.parse(fs.readFileSync(policyConfigFile(stack), "utf8"));
            expect(raw.all).to.equal(level);
            expect(Object.keys(raw).filter((k) => k !== "all").sort()).to.deep.equal([...names].sort());
            for (const [n, c] of configs[stack]) expect(c.enforcementLevel, `${stack} ${n}`).to.equal(level);
        }
        expect(configs.prod.get("prod-min-replicas")!.properties).to.deep.equal({ minReplicas: 2 });
        expect(configs.dev.get("prod-min-replicas")!.properties).to.deep.equal({ minReplicas: 1 });
    });

    it("config is reconciled as the Pulumi CLI does: schema defaults, then all, then per policy; bad files are refused", () => {
        const c = resolvePolicyConfig({ all: "advisory", "pod-no-privileged": "mandatory", "rds-backup-retention": { minDays: 14 } }, "t");
        expect(c.get("pod-no-privileged")!.enforcementLevel).to.equal("mandatory");
        expect(c.get("workload-probes")!.enforcementLevel).to.equal("advisory");
        expect(c.get("rds-backup-retention")!.properties).to.deep.equal({ minDays: 14 });
        expect(resolvePolicyConfig({}, "t").get("prod-min-replicas")).to.deep.equal({ enforcementLevel: "mandatory", properties: { minReplicas: 2 } });
        expect(() => resolvePolicyConfig({ "pod-no-privileged": "warn" }, "t")).to.throw(PolicyConfigError, /"warn" is not a valid enforcement level/);
        expect(() => resolvePolicyConfig({ "no-such-policy": "advisory" }, "t")).to.throw(PolicyConfigError, /no policy named "no-such-policy"/);
        expect(() => resolvePolicyConfig({ "prod-min-replicas": { minReplicas: "two" } }, "t")).to.throw(PolicyConfigError, /"two" is not of type integer/);
    });

    it("a disabled policy does not run; remediate counts as mandatory", async () => {
        const d = workload(KINDS[1], (s) => (main(s).securityContext.privileged = true));
        const off = await evaluate([stackResource, d], { config: resolvePolicyConfig({ all: "mandatory", "pod-no-privileged": "disabled" }, "t") });
        expect(off.violations.map((v) => v.policyName)).not.to.include("pod-no-privileged");
        const rem = await evaluate([stackResource, d], { config: resolvePolicyConfig({ all: "remediate" }, "t") });
        expect(rem.violations.find((v) => v.policyName === "pod-no-privileged")!.enforcementLevel).to.equal("mandatory");
    });

    it("the exemption prefix and the gateway namespace agree with components/shared/src/conventions.ts", () => {
        expect(EXEMPTION_ANNOTATION_PREFIX).to.equal(PROGRAM_EXEMPTION_PREFIX);
        expect(GATEWAY_NAMESPACE).to.equal(GATEWAY.namespace);
        for (const p of Object.keys(EXEMPTIBLE)) expect(names, p).to.include(p);
    });

    it("exemptions: honoured only for exemptible policies, on the object's own metadata or a workload's pod template, and only with a reason", async () => {
        const d = KINDS[1];
        const honoured = workload(d, (s) => (s.hostNetwork = true), { [`${EXEMPTION_ANNOTATION_PREFIX}pod-no-host-namespaces`]: "node exporter" });
        const ignored = workload(d, (s) => (main(s).securityContext.privileged = true), { [`${EXEMPTION_ANNOTATION_PREFIX}pod-no-privileged`]: "performance" });
        const noReason = workload(d, (s) => (s.hostPID = true), { [`${EXEMPTION_ANNOTATION_PREFIX}pod-no-host-namespaces`]: " " });
        // A chart that annotates only the pods (nginx-gateway-fabric 2.6.7): the template belongs to the same object.
        const inTemplate = workload(d, (s) => (s.hostIPC = true));
        ((inTemplate.inputs.spec as any).template.metadata as any).annotations = { [`${EXEMPTION_ANNOTATION_PREFIX}pod-no-host-namespaces`]: "template" };
        // ...but the template of a CronJob's job, too; and an annotation on a container counts for nothing.
        const cron = KINDS.find((k) => k.kind === "CronJob")!;
        const inJobTemplate = workload(cron, (s) => (s.hostIPC = true));
        ((inJobTemplate.inputs.spec as any).jobTemplate.spec.template.metadata as any).annotations = { [`${EXEMPTION_ANNOTATION_PREFIX}pod-no-host-namespaces`]: "job template" };
        const onContainer = workload(d, (s) => ((s.hostIPC = true), (main(s).annotations = { [`${EXEMPTION_ANNOTATION_PREFIX}pod-no-host-namespaces`]: "container" })));
        const r = await check([honoured, ignored, noReason, inTemplate, inJobTemplate, onContainer]);
        expect(r.violations.map((v) => `${v.policyName} ${v.urn}`)).to.deep.equal([
            `pod-no-privileged ${ignored.urn}`,
            `pod-no-host-namespaces ${noReason.urn}`,
            `pod-no-host-namespaces ${onContainer.urn}`,
        ]);
        expect(r.exemptions.map((e) => [e.urn, e.policy, e.reason, e.honoured])).to.deep.equal([
            [honoured.urn, "pod-no-host-namespaces", "node exporter", true],
            [ignored.urn, "pod-no-privileged", "performance", false],
            [noReason.urn, "pod-no-host-namespaces", "", false],
            [inTemplate.urn, "pod-no-host-namespaces", "template", true],
            [inJobTemplate.urn, "pod-no-host-namespaces", "job template", true],
        ]);
    });

    it("exemptions: a policy outside EXEMPTIBLE never honours one, though the object carries it (unsafe sysctls)", async () => {
        const d = KINDS[1];
        const annotated = workload(d, (s) => (s.securityContext = { ...(s.securityContext ?? {}), sysctls: [{ name: "net.core.somaxconn", value: "4096" }] }), {
            [`${EXEMPTION_ANNOTATION_PREFIX}pod-safe-sysctls`]: "the API wants a longer accept queue",
        });
        const r = await check([annotated]);
        expect(r.violations.map((v) => `${v.policyName} ${v.urn}`)).to.deep.equal([`pod-safe-sysctls ${annotated.urn}`]);
        expect(r.exemptions.map((e) => [e.policy, e.honoured])).to.deep.equal([["pod-safe-sysctls", false]]);
    });

    it("exemptions: a template annotation is not read on an object without a pod template; one exemption per object and policy", async () => {
        const P = "workload-probes";
        // A ConfigMap with a `spec.template.metadata` shape is no workload: nothing is read from it.
        const notWorkload = res(k8s.core.v1.ConfigMap, { metadata: meta("cm"), spec: { template: { metadata: { annotations: { [`${EXEMPTION_ANNOTATION_PREFIX}${P}`]: "x" } } } } } as any);
        // Own metadata and template both say it: listed once, with the object's own reason.
        const both = workload(KINDS[1], (s) => delete main(s).livenessProbe, { [`${EXEMPTION_ANNOTATION_PREFIX}${P}`]: "own" });
        ((both.inputs.spec as any).template.metadata as any).annotations = { [`${EXEMPTION_ANNOTATION_PREFIX}${P}`]: "template" };
        const r = await check([notWorkload, both]);
        expect(r.violations.filter((v) => v.policyName === P)).to.deep.equal([]);
        expect(r.exemptions.map((e) => [e.urn, e.policy, e.reason, e.honoured])).to.deep.equal([[both.urn, P, "own", true]]);
    });

    it("workload-probes takes an exemption (a controller with no health endpoint); without one a missing probe is mandatory", async () => {
        const P = "workload-probes";
        const d = KINDS[1];
        const exempt = workload(d, (s) => ((delete main(s).livenessProbe), delete main(s).readinessProbe), { [`${EXEMPTION_ANNOTATION_PREFIX}${P}`]: "cainjector has no health endpoint" });
        const plain = workload(d, (s) => delete main(s).livenessProbe);
        const r = await check([exempt, plain]);
        expect(r.violations.filter((v) => v.policyName === P).map((v) => [v.urn, v.enforcementLevel])).to.deep.equal([[plain.urn, "mandatory"]]);
        expect(EXEMPTIBLE).to.have.property(P);
    });
});

// ------------------------------------------------------------------------------------------------
// Reading preview documents, and `npm run policy:check` end to end.

describe("policy pack: preview documents", () => {
    it("reads steps[].newState, skips deletions, unwraps secrets and keeps the last state of a replaced URN", () => {
        const urn = "urn:pulumi:prod::deepalpha::kubernetes:core/v1:Secret::s";
        const rs = resourcesFromPreview({
            steps: [
                { op: "delete", urn: "urn:pulumi:prod::deepalpha::kubernetes:core/v1:Secret::gone", oldState: {} },
                { op: "create-replacement", urn, newState: { urn, type: "kubernetes:core/v1:Secret", inputs: { data: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "x" } } } },
                { op: "replace", urn, provider: "urn:pulumi:prod::deepalpha::pulumi:providers:kubernetes::k8s::id", newState: { urn, type: "kubernetes:core/v1:Secret", inputs: {}, dependencies: ["a"] } },
            ],
        });
        expect(rs).to.have.length(1);
        expect(rs[0]).to.include({ urn, provider: "urn:pulumi:prod::deepalpha::pulumi:providers:kubernetes::k8s::id" });
        expect(rs[0].dependencies).to.deep.equal(["a"]);
    });
    it("refuses documents that are not previews, naming what is wrong", () => {
        expect(() => resourcesFromPreview([], "f.json")).to.throw(/f\.json: expected a JSON object/);
        expect(() => resourcesFromPreview({ resources: [] }, "f.json")).to.throw(/f\.json: expected a `steps` array/);
        expect(() => resourcesFromPreview({ steps: [{ newState: { urn: "x", type: "t" } }] }, "f.json")).to.throw(/steps\[0\]\.newState\.urn must be a Pulumi URN/);
        expect(() => resourcesFromPreview({ steps: [] }, "f.json")).to.throw(/no step has a newState/);
    });
});

/** One resource per policy, each breaking exactly that rule (reused from the cases above). */
function craftedViolations(): OfflineResource[] {
    const d = KINDS[1];
    const out: OfflineResource[] = [];
    for (const b of Object.values(POD_BREAKS)) out.push(workload(d, b.mutate));
    out.push(res(k8s.core.v1.Service, { metadata: { name: "lb", namespace: "deepalpha" }, spec: { type: "LoadBalancer" } }));
    out.push(namespace("open-ns", null));
    out.push(deployment("singleton", 1));
    const b = bucket(aws.s3.Bucket, "bare");
    out.push(b);
    out.push(rds({ storageEncrypted: false, publiclyAccessible: true, multiAz: false, backupRetentionPeriod: 1, deletionProtection: false }));
    out.push(res(aws.elasticache.ReplicationGroup, { atRestEncryptionEnabled: false, transitEncryptionEnabled: false, automaticFailoverEnabled: false }));
    out.push(res(eks.Cluster, { enabledClusterLogTypes: [], endpointPublicAccess: true }));
    out.push(res(aws.ec2.SecurityGroup, { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }] }));
    out.push(res(aws.kms.Key, { enableKeyRotation: false }));
    out.push(res(aws.ec2.LaunchTemplate, { metadataOptions: { httpTokens: "optional" } }));
    return out;
}


describe("policy:check (npm run --silent policy:check -- FILE [--stack dev|prod] [--json])", function () {
    this.timeout(60000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-check-"));
    const crafted = path.join(dir, "crafted.json");
    const malformed = path.join(dir, "malformed.json");
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("catches a crafted violation of every rule in a preview-shaped file, exits 1, and prints JSON with --json", async () => {
        const resources = craftedViolations().map((r) => ({ ...r, urn: r.urn.replace("urn:pulumi:test::", "urn:pulumi:prod::") }));
        const steps = [stackResource, ...resources].map((r) => ({
            op: "create",
            urn: r.urn.replace("urn:pulumi:test::", "urn:pulumi:prod::"),
            newState: { urn: r.urn.replace("urn:pulumi:test::", "urn:pulumi:prod::"), type: r.type, custom: true, id: "", inputs: r.inputs, dependencies: r.dependencies ?? [] },
        }));
        fs.writeFileSync(crafted, JSON.stringify({ steps, changeSummary: { create: steps.length } }));
        // In-process first: the exact set, so the subprocess check below is about the CLI alone.
        const inProcess = await evaluate(resourcesFromPreview(JSON.parse(fs.readFileSync(crafted, "utf8"))), { config: configs.prod });
        expect([...new Set(inProcess.violations.map((v) => v.policyName))].sort()).to.deep.equal(policies.map((p) => p.name).sort());

        const r = await runScript("policy-check.ts", [crafted, "--json"]);
        expect(r.code, r.stderr).to.equal(1);
        expect(r.stderr).to.contain("note: stack prod read from the document's URNs");
        const out = JSON.parse(r.stdout) as { stack: string; policyViolations: PolicyViolation[] };
        expect(out.stack).to.equal("prod");
        const caught = new Set(out.policyViolations.map((v) => v.policyName));
        for (const p of policies) expect(caught.has(p.name), `policy:check missed ${p.name}`).to.equal(true);
        for (const v of out.policyViolations) {
            expect(Object.keys(v)).to.deep.equal(["policyName", "enforcementLevel", "urn", "message"]);
            expect(v.enforcementLevel).to.equal("mandatory");
        }
    });

    it("rejects a malformed file with a clear error and exit 1", async () => {
        fs.writeFileSync(malformed, '{"steps": [ {"op": "create", "newState": {"type": "kubernetes:core/v1:Pod"} ]');
        const r = await runScript("policy-check.ts", [malformed, "--stack", "dev"]);
        expect(r.code).to.equal(1);
        expect(r.stdout).to.equal("");
        expect(r.stderr).to.match(/^error: .*malformed\.json is not JSON \(.+\): expected the document `pulumi preview --json` prints\n$/);
    });
});

// ------------------------------------------------------------------------------------------------
// Parity with CrossGuard itself: the pack's entry file served by @pulumi/policy's own analyzer server,
// called over gRPC the way the engine calls it, must find exactly what the offline evaluator finds.

describe("parity: policy/index.ts served by @pulumi/policy's analyzer (as pulumi preview --policy-pack runs it)", function () {
    this.timeout(60000);
    // The engine's side of the protocol, from the same @pulumi/pulumi the pack uses.
    const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    const fromPulumi = (m: string) => require(require.resolve(m, { paths: [pulumiDir] }));
    const pb = fromPulumi("@pulumi/pulumi/proto/analyzer_pb");
    const rpc = fromPulumi("@pulumi/pulumi/proto/analyzer_grpc_pb");
    const grpc = fromPulumi("@grpc/grpc-js");
    const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb");
    const LEVEL: Record<number, string> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
    let child: ReturnType<typeof spawn> | undefined;
    let client: any;
    const call = (method: string, req: unknown): Promise<any> => new Promise((resolve, reject) => client[method](req, (e: Error | null, r: unknown) => (e ? reject(e) : resolve(r))));

    before(async () => {
        child = spawn(process.execPath, ["-r", "ts-node/register", "index.ts"], { cwd: path.join(ROOT, "policy"), env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" }, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        const port = await new Promise<string>((resolve, reject) => {
            let out = "";
            child!.stdout!.on("data", (d: Buffer) => {
                out += d.toString();
                const m = /^(\d+)\s*$/m.exec(out);
                if (m) resolve(m[1]);
            });
            child!.on("exit", (code) => reject(new Error(`the pack exited with ${code} before serving: ${stderr}`)));
        });
        client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        // What the CLI sends for --policy-pack-config policy/config.prod.json (reconciled with the schema defaults).
        const req = new pb.ConfigureAnalyzerRequest();
        for (const [name, c] of configs.prod) {
            const pc = new pb.PolicyConfig();
            pc.setEnforcementlevel({ advisory: 0, mandatory: 1, disabled: 2, remediate: 3 }[c.enforcementLevel]);
            pc.setProperties(Struct.fromJavaScript(c.properties));
            req.getPolicyconfigMap().set(name, pc);
        }
        await call("configure", req);
    });
    after(() => {
        client?.close();
        child?.kill();
    });

    it("the pack serves every policy of the list under its name", async () => {
        const info = await call("getAnalyzerInfo", new (fromPulumi("google-protobuf/google/protobuf/empty_pb").Empty)());
        expect(info.getName()).to.equal("deepalpha");
        expect(info.getPoliciesList().map((p: any) => p.getName())).to.deep.equal(policies.map((p) => p.name));
    });

    it("Analyze and AnalyzeStack report exactly the offline evaluator's violations (crafted, compliant and unknown-laden resources)", async () => {
        const d = KINDS[1];
        const computed = workload(d, (s) => ((main(s).securityContext.allowPrivilegeEscalation = UNKNOWN), (main(s).image = UNKNOWN)));
        const resources = [...background(), ...craftedViolations(), ...KINDS.map((k) => workload(k)), computed, rds({ storageEncrypted: UNKNOWN })];
        // Inputs as the engine marshals them for the analyzer: unknowns as its sentinel.
        const struct = (r: OfflineResource) => Struct.fromJavaScript(JSON.parse(JSON.stringify(deserialize(r.inputs))));
        const options = (r: OfflineResource) => {
            const o = new pb.AnalyzerResourceOptions();
            o.setProtect(false);
            if (r.parent) o.setParent(r.parent);
            return o;
        };
        const server: string[] = [];
        const description = new Map(policies.map((p) => [p.name, p.description]));
        const record = (diags: any[]) => {
            for (const g of diags) {
                const prefix = `${description.get(g.getPolicyname())}\n`;
                const message = g.getMessage().startsWith(prefix) ? g.getMessage().slice(prefix.length) : g.getMessage();
                server.push(`${g.getPolicyname()} | ${LEVEL[g.getEnforcementlevel()]} | ${g.getUrn()} | ${message}`);
            }
        };
        for (const r of resources) {
            const req = new pb.AnalyzeRequest();
            req.setType(r.type);
            req.setUrn(r.urn);
            req.setName(r.urn.split("::").pop());
            req.setProperties(struct(r));
            req.setOptions(options(r));
            // Resource diagnostics carry the URN the engine knows them by.
            record((await call("analyze", req)).getDiagnosticsList().map((g: any) => (g.setUrn(g.getUrn() || r.urn), g)));
        }
        const stackReq = new pb.AnalyzeStackRequest();
        stackReq.setResourcesList(
            resources.map((r) => {
                const a = new pb.AnalyzerResource();
                a.setType(r.type);
                a.setUrn(r.urn);
                a.setName(r.urn.split("::").pop());
                a.setProperties(struct(r));
                a.setOptions(options(r));
                if (r.parent) a.setParent(r.parent);
                a.setDependenciesList(r.dependencies ?? []);
                for (const [k, v] of Object.entries(r.propertyDependencies ?? {})) {
                    const pd = new pb.AnalyzerPropertyDependencies();
                    pd.setUrnsList(v);
                    a.getPropertydependenciesMap().set(k, pd);
                }
                return a;
            }),
        );
        record((await call("analyzeStack", stackReq)).getDiagnosticsList());

        const offline = (await evaluate(resources, { config: configs.prod })).violations.map((v) => `${v.policyName} | ${v.enforcementLevel} | ${v.urn} | ${v.message}`);
        expect(server.length).to.be.greaterThan(policies.length);
        expect([...server].sort()).to.deep.equal([...offline].sort());
    });
});
