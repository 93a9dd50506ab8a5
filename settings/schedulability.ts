// Settings each valid alone that together ask for what the cluster cannot give: pods that would stay Pending or
// be rejected by the kubelet, a certificate that would never be issued. Checked with the rest of the
// configuration (validate.ts), so `pulumi up` stops before anything is created. Pure, for the tests.
//
// The executor capacity checks are necessary conditions from the node's hardware alone (instance-families.ts):
// they never refuse a size that fits, and leave the last margin (kubelet reservations, DaemonSets) to the
// scheduler. The local profile's nodes are whatever the laptop has, so only the production node groups are checked.
import { instanceShape } from "./instance-families";
import type { Settings } from "./schema";

const NS = "deepalpha";
const MiB = 2 ** 20;
const GiB = 2 ** 30;
const HUGEPAGE_BYTES = 2 * MiB;

/** Bytes of a Kubernetes quantity as the schema admits them (500m, 512Mi, 20Gi, 1.5Gi, 1000000). */
export function quantityBytes(q: string): number {
    const m = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|m)?$/.exec(q);
    if (!m) throw new Error(`not a quantity: ${q}`);
    const unit = { Ki: 2 ** 10, Mi: MiB, Gi: GiB, Ti: 2 ** 40, m: 1e-3 }[m[2] ?? ""] ?? 1;
    return Number(m[1]) * unit;
}

const gib = (bytes: number) => `${Number((bytes / GiB).toFixed(2))} GiB`;

/**
 * Host names no public resolver answers and no public CA certifies: mDNS (.local, RFC 6762), RFC 6761's special
 * names, the home network's home.arpa (RFC 8375), ICANN's private-use .internal, and the common .lan.
 * The RFC 2606 example domains are the template's placeholders (validate.ts placeholderProblems).
 */
export const NON_PUBLIC_HOST = /(^|\.)(local|localhost|test|invalid|internal|lan|home\.arpa)$/;

function hostProblems(s: Settings): string[] {
    const p: string[] = [];
    const tls = s.cluster.gateway.tls;
    for (const key of ["apiHost", "websocketHost"] as const) {
        const host = s.app[key];
        if (!NON_PUBLIC_HOST.test(host)) continue;
        if (tls === "letsEncrypt") {
            p.push(
                `${NS}:app.${key}: got ${JSON.stringify(host)}, a name outside the public DNS, but cluster.gateway.tls is "letsEncrypt": Let's Encrypt issues only for public names ` +
                    `(and its HTTP-01 check must reach the host), so the certificate would never be issued; set a public host name, or cluster.gateway.tls "selfSigned" (local profile) / "acm" with a private CA's certificate`,
            );
        } else if (s.profile === "production") {
            p.push(`${NS}:app.${key}: got ${JSON.stringify(host)}, a name outside the public DNS: no client of the production stack could resolve it; set the public host name`);
        }
    }
    return p;
}

/** How many executor pods one executor node holds, and what limits it; undefined when the instance size is unknown. */
export function executorPodsPerNode(s: Settings): { pods: number; limitedBy: string } | undefined {
    const node = s.cluster.executorNodes;
    const shape = instanceShape(node.instanceType);
    if (!shape) return undefined;
    const pod = s.app.executor;
    const nodeHugepages = node.hugepages2Mi * HUGEPAGE_BYTES;
    const podHugepages = quantityBytes(pod.hugepages2Mi);
    const limits: [number, string][] = [
        [Math.floor(exclusiveCpus(shape) / pod.cpu), `CPU: ${exclusiveCpus(shape)} exclusive CPUs per node / ${pod.cpu} per pod`],
        [Math.floor((shape.memoryGiB * GiB - nodeHugepages) / quantityBytes(pod.memory)), `memory: ${gib(shape.memoryGiB * GiB - nodeHugepages)} per node besides the huge pages / ${pod.memory} per pod`],
    ];
    if (podHugepages > 0) limits.push([Math.floor(nodeHugepages / podHugepages), `huge pages: ${gib(nodeHugepages)} per node / ${pod.hugepages2Mi} per pod`]);
    const [pods, limitedBy] = limits.reduce((a, b) => (b[0] < a[0] ? b : a));
    return { pods, limitedBy };
}

/**
 * CPUs the static CPU manager can give a pod for its exclusive use. The kubelet reserves whole CPUs for itself
 * (nodeadm's kubeReserved CPU, rounded up: one), and full-pcpus-only hands out whole cores only, so the core
 * holding the reserved CPU is lost to exclusive use: vCPUs minus one core's threads.
 */
const exclusiveCpus = (shape: { vcpus: number; threadsPerCore: number }) => shape.vcpus - shape.threadsPerCore;

function executorProblems(s: Settings): string[] {
    if (s.profile !== "production") return [];
    const p: string[] = [];
    const node = s.cluster.executorNodes;
    const pod = s.app.executor;
    const type = JSON.stringify(node.instanceType);
    const nodeHugepages = node.hugepages2Mi * HUGEPAGE_BYTES;
    const podHugepages = quantityBytes(pod.hugepages2Mi);
    if (podHugepages > nodeHugepages) {
        p.push(
            `${NS}:app.executor.hugepages2Mi: got ${JSON.stringify(pod.hugepages2Mi)}, more huge pages than an executor node has ` +
                `(cluster.executorNodes.hugepages2Mi: ${node.hugepages2Mi} pages of 2 MiB = ${gib(nodeHugepages)}), so every executor pod would stay Pending; ` +
                `allowed: at most ${gib(nodeHugepages)}, or raise cluster.executorNodes.hugepages2Mi to at least ${Math.ceil(podHugepages / HUGEPAGE_BYTES)}`,
        );
    }
    const shape = instanceShape(node.instanceType);
    if (!shape) return p;
    const nodeMemory = shape.memoryGiB * GiB;
    if (nodeHugepages >= nodeMemory) {
        p.push(`${NS}:cluster.executorNodes.hugepages2Mi: got ${node.hugepages2Mi} (${gib(nodeHugepages)}), at least all of ${type}'s ${shape.memoryGiB} GiB of memory: the node could not boot its kubelet; allowed: well under ${shape.memoryGiB} GiB`);
        return p;
    }
    const exclusive = exclusiveCpus(shape);
    if (pod.cpu > exclusive) {
        p.push(
            `${NS}:app.executor.cpu: got ${pod.cpu}, more than an executor node can pin: ${type} has ${shape.vcpus} vCPUs, and the static CPU manager keeps the core with the kubelet's reserved CPU, ` +
                `leaving ${exclusive} for exclusive use, so the pod would stay Pending or be rejected; allowed: at most ${exclusive}, or a larger cluster.executorNodes.instanceType`,
        );
    }
    if (shape.threadsPerCore > 1 && pod.cpu % shape.threadsPerCore !== 0) {
        p.push(
            `${NS}:app.executor.cpu: got ${pod.cpu}, but ${type} has ${shape.threadsPerCore} threads per core and the executor nodes' CPU manager (full-pcpus-only) gives whole cores only: ` +
                `the kubelet would reject every executor pod (SMTAlignmentError); allowed: a multiple of ${shape.threadsPerCore}`,
        );
    }
    const memoryLeft = nodeMemory - nodeHugepages;
    if (quantityBytes(pod.memory) >= memoryLeft) {
        p.push(
            `${NS}:app.executor.memory: got ${JSON.stringify(pod.memory)}, but ${type} has ${shape.memoryGiB} GiB and its ${gib(nodeHugepages)} of huge pages (cluster.executorNodes.hugepages2Mi) leave ${gib(memoryLeft)}, ` +
                `before the kubelet's own reservation, so the pod would stay Pending; allowed: less than ${gib(memoryLeft)}, fewer node huge pages, or a larger instance type`,
        );
    }
    const fit = executorPodsPerNode(s);
    const replicas = s.app.replicas.executor;
    if (fit && fit.pods >= 1 && replicas > fit.pods * node.maxSize) {
        p.push(
            `${NS}:app.replicas.executor: got ${replicas}, but at most ${fit.pods * node.maxSize} executor pods fit: cluster.executorNodes.maxSize ${node.maxSize} nodes x ${fit.pods} per ${type} node ` +
                `(limited by ${fit.limitedBy}), so ${replicas - fit.pods * node.maxSize} would stay Pending; allowed: at most ${fit.pods * node.maxSize}, or raise cluster.executorNodes.maxSize to ${Math.ceil(replicas / fit.pods)}`,
        );
    }
    return p;
}

/**
 * The API server refuses a new pod spec whose huge pages are not a whole number of pages
 * (validateResourceQuantityHugePageValue, Kubernetes pkg/apis/core/validation): the executor Deployment itself
 * would fail to create, in either profile.
 */
function hugepageSizeProblems(s: Settings): string[] {
    const q = s.app.executor.hugepages2Mi;
    const bytes = quantityBytes(q);
    if (bytes === 0 || (Number.isInteger(bytes) && bytes % HUGEPAGE_BYTES === 0)) return [];
    return [
        `${NS}:app.executor.hugepages2Mi: got ${JSON.stringify(q)}, not a whole number of 2 MiB pages: the API server refuses the executor's pod spec ` +
            `("is not positive integer multiple of hugepages-2Mi"); allowed: "0" or a multiple of 2Mi, such as 1Gi`,
    ];
}

/** Every combination of settings the cluster could not satisfy, one line each: the key, the value, what is allowed. */
export function unsatisfiableProblems(s: Settings): string[] {
    const size = hugepageSizeProblems(s);
    // A size the API server refuses is the one thing to fix: the capacity checks would only repeat it.
    return [...hostProblems(s), ...(size.length ? size : executorProblems(s))];
}
