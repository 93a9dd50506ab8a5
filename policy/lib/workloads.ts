// Where each workload kind keeps its pod spec, and a helper that turns a per-pod-spec check into a
// CrossGuard resource validation over all of them. Patch kinds (DeploymentPatch, ...) are left out on
// purpose: they carry partial specs, and judging a partial spec would report fields it does not set.
import * as k8s from "@pulumi/kubernetes";
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { EXEMPTIBLE, exemptionReason } from "./exemptions";
import { type ResourceClass, typeOf } from "./types";
import { list, read, UNKNOWN } from "./values";

export interface WorkloadKind {
    cls: ResourceClass;
    kind: string;
    /** Path from the object to its PodSpec. */
    podSpecPath: string[];
    /** Runs until stopped (probes apply); Jobs and CronJobs run to completion. */
    longRunning: boolean;
}

const TEMPLATE = ["spec", "template", "spec"];
const longRunning = (cls: ResourceClass, kind: string): WorkloadKind => ({ cls, kind, podSpecPath: TEMPLATE, longRunning: true });

/** Every pod-creating kind the Kubernetes SDK offers, current and deprecated API versions alike. */
export const WORKLOAD_KINDS: readonly WorkloadKind[] = [
    { cls: k8s.core.v1.Pod, kind: "Pod", podSpecPath: ["spec"], longRunning: true },
    longRunning(k8s.apps.v1.Deployment, "Deployment"),
    longRunning(k8s.apps.v1.StatefulSet, "StatefulSet"),
    longRunning(k8s.apps.v1.DaemonSet, "DaemonSet"),
    longRunning(k8s.apps.v1.ReplicaSet, "ReplicaSet"),
    { cls: k8s.batch.v1.Job, kind: "Job", podSpecPath: TEMPLATE, longRunning: false },
    { cls: k8s.batch.v1.CronJob, kind: "CronJob", podSpecPath: ["spec", "jobTemplate", "spec", "template", "spec"], longRunning: false },
    // Older API versions, still in the SDK: a chart or a YAML file can bring them in.
    longRunning(k8s.apps.v1beta1.Deployment, "Deployment"),
    longRunning(k8s.apps.v1beta1.StatefulSet, "StatefulSet"),
    longRunning(k8s.apps.v1beta2.Deployment, "Deployment"),
    longRunning(k8s.apps.v1beta2.StatefulSet, "StatefulSet"),
    longRunning(k8s.apps.v1beta2.DaemonSet, "DaemonSet"),
    longRunning(k8s.apps.v1beta2.ReplicaSet, "ReplicaSet"),
    longRunning(k8s.extensions.v1beta1.Deployment, "Deployment"),
    longRunning(k8s.extensions.v1beta1.DaemonSet, "DaemonSet"),
    longRunning(k8s.extensions.v1beta1.ReplicaSet, "ReplicaSet"),
    { cls: k8s.batch.v1beta1.CronJob, kind: "CronJob", podSpecPath: ["spec", "jobTemplate", "spec", "template", "spec"], longRunning: false },
    { cls: k8s.batch.v2alpha1.CronJob, kind: "CronJob", podSpecPath: ["spec", "jobTemplate", "spec", "template", "spec"], longRunning: false },
];

const BY_TYPE = new Map(WORKLOAD_KINDS.map((k) => [typeOf(k.cls), k]));

export type ContainerRole = "container" | "initContainer" | "ephemeralContainer";

export interface ContainerView {
    role: ContainerRole;
    /** `initContainer "migrate"`: how a message names it. */
    label: string;
    /** The container object (possibly a proxy), or UNKNOWN. */
    c: unknown;
}

export interface PodView {
    workload: WorkloadKind;
    /** The pod spec (possibly a proxy). */
    spec: unknown;
    /** A bare Pod whose restartPolicy makes it run to completion is not long-running. */
    longRunning: boolean;
    /** UNKNOWN when a container list is computed during preview. */
    containers: ContainerView[] | typeof UNKNOWN;
}

function containersOf(spec: unknown): ContainerView[] | typeof UNKNOWN {
    const out: ContainerView[] = [];
    for (const [field, role] of [
        ["containers", "container"],
        ["initContainers", "initContainer"],
        ["ephemeralContainers", "ephemeralContainer"],
    ] as const) {
        const items = list(spec, field);
        if (items === UNKNOWN) return UNKNOWN;
        items.forEach((c, i) => {
            const n = read(c, "name");
            out.push({ role, label: `${role} ${typeof n === "string" ? JSON.stringify(n) : `#${i}`}`, c });
        });
    }
    return out;
}

/** The pod spec of a workload resource, or undefined when the type is not a workload. */
export function podView(type: string, props: unknown): PodView | undefined {
    const workload = BY_TYPE.get(type);
    if (!workload) return undefined;
    const spec = read(props, ...workload.podSpecPath);
    let run = workload.longRunning;
    if (workload.kind === "Pod") {
        const rp = read(spec, "restartPolicy");
        if (rp === "Never" || rp === "OnFailure") run = false;
    }
    if (spec === UNKNOWN) return { workload, spec, longRunning: run, containers: UNKNOWN };
    return { workload, spec, longRunning: run, containers: containersOf(spec) };
}

export interface WorkloadPolicyArgs {
    name: string;
    description: string;
    check(pod: PodView & { containers: ContainerView[] }, report: (message: string) => void, args: ResourceValidationArgs): void;
}

/** A resource policy over every workload kind; the message is prefixed with the kind. */
export function workloadPolicy(p: WorkloadPolicyArgs): ResourceValidationPolicy {
    return {
        name: p.name,
        description: p.description,
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            const pod = podView(args.type, args.props);
            if (!pod) return args.notApplicable(`only applies to workloads: ${[...new Set(WORKLOAD_KINDS.map((k) => k.kind))].join(", ")}`);
            // EXEMPTIBLE alone says which policies honour an exemption, so what a policy honours and what the
            // plan lists as honoured cannot disagree.
            if (p.name in EXEMPTIBLE) {
                const reason = exemptionReason(args.props, p.name);
                if (reason) return args.notApplicable(`exempt: ${reason}`);
            }
            // A pod spec or container list computed during preview cannot be judged yet.
            if (pod.containers === UNKNOWN) return;
            p.check(pod as PodView & { containers: ContainerView[] }, (m) => reportViolation(`${pod.workload.kind}: ${m}`), args);
        },
    };
}

/** The effective value of a securityContext field: the container's own, else the pod's. */
export function effective(pod: PodView, c: unknown, field: string): unknown {
    const own = read(c, "securityContext", field);
    if (own !== undefined) return own;
    return read(pod.spec, "securityContext", field);
}
