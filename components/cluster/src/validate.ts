// Validation of the cluster tier's resolved arguments, run before the component registers anything: one ArgsError
// (no stack trace) listing every problem with the argument's path, the value given and what is allowed.
import { z } from "zod";
import { field, show, validateArgs } from "@deepalpha/shared";
import { CLUSTER_AUTOSCALER_IMAGE } from "./addons";
import type { ResolvedClusterArgs } from "./args";

/** The name errors give the component. */
export const COMPONENT = "ClusterComponent";

const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
/** A Kubernetes label value (the executor nodes carry cpuTarget as one). */
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A DNS subdomain (RFC 1123): GatewayClass and Secret names. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const instanceType = (example: string) => z.string().regex(INSTANCE_TYPE, { error: `expected an EC2 instance type such as ${example}` });
const subdomain = (example: string) =>
    z.string().max(253, { abort: true }).regex(DNS_SUBDOMAIN, { error: `expected a lower-case DNS subdomain name such as ${example} (letters, digits, '-', '.')` });

const nodeGroupShape = (example: string) => ({
    instanceType: instanceType(example),
    minSize: field.int(0, 100),
    desiredSize: field.int(0, 100),
    maxSize: field.int(1, 100),
});

/** The resolved arguments' schema. Strict everywhere: a misspelt key is an error, never a silently ignored setting. */
export const clusterArgsSchema = z
    .object({
        profile: z.enum(["local", "production"]),
        kubeContext: z.string().min(1).optional(),
        kubeconfigPath: z.string().min(1).optional(),
        region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-[0-9]+$/, { error: "expected an AWS region such as us-west-2" }).optional(),
        clusterName: z.string().max(39, { abort: true }).regex(/^[a-z][a-z0-9-]{1,38}$/, { error: "expected a lower-case name, 2-39 characters, starting with a letter" }),
        kubernetesVersion: z.enum(Object.keys(CLUSTER_AUTOSCALER_IMAGE) as [string, ...string[]]),
        vpcCidr: field.cidr().refine((v) => Number(v.split("/")[1]) >= 16 && Number(v.split("/")[1]) <= 20, {
            error: "expected a VPC range from /16 to /20: nodes and pods take their addresses from the private subnets",
        }),
        availabilityZones: field.int(2, 7),
        natGateways: z.enum(["onePerAz", "single"]),
        publicEndpointCidrs: z.array(field.cidr()),
        adminRoleArns: z.array(z.string().regex(/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/.+$/, { error: "expected an IAM role ARN" })),
        generalNodes: z.object(nodeGroupShape("m5.2xlarge")).strict(),
        executorNodes: z
            .object({
                ...nodeGroupShape("c6i.4xlarge"),
                hugepages2Mi: field.int(0, 65536),
                enaExpress: z.boolean(),
                cpuTarget: z.string().regex(LABEL_VALUE, { error: "expected a CPU name usable as a Kubernetes label value, such as icelake-server" }),
            })
            .strict(),
        gateway: z
            .object({
                install: z.boolean(),
                className: subdomain("nginx"),
                tls: z.enum(["selfSigned", "letsEncrypt", "acm"]),
                acmeEmail: z.email({ error: "expected an e-mail address" }).optional(),
                acmCertificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate\/.+$/, { error: "expected an ACM certificate ARN" }).optional(),
                name: field.dnsLabel(),
                certificateName: field.dnsLabel(),
                tlsSecretName: subdomain("deepalpha-gateway-tls"),
            })
            .strict(),
        hostnames: z.array(field.hostname()),
        namespaces: z
            .object({ app: field.dnsLabel(), data: field.dnsLabel(), monitoring: field.dnsLabel(), gateway: field.dnsLabel(), certManager: field.dnsLabel() })
            .strict(),
        appServiceAccount: field.dnsLabel(),
        appPorts: z.array(field.int(1, 65535)).min(1),
        storageClassName: subdomain("gp3"),
        preinstalled: z.array(z.string().min(1)),
        tags: z.record(z.string(), z.string()).optional(),
    })
    .strict();

/**
 * Rules that join several arguments, or that one profile enforces. `invalid`: top-level arguments the schema refused,
 * whose rules here are left out (the schema's message says what is wrong with them already).
 */
export function crossFieldProblems(a: ResolvedClusterArgs, invalid: ReadonlySet<string> = new Set()): string[] {
    const p: string[] = [];
    const ok = (...keys: string[]) => keys.every((k) => !invalid.has(k));
    const prod = a.profile === "production";
    for (const key of ["generalNodes", "executorNodes"] as const) {
        const g = a[key];
        if (!ok(key) || typeof g?.minSize !== "number" || typeof g.desiredSize !== "number" || typeof g.maxSize !== "number") continue;
        if (g.minSize > g.desiredSize || g.desiredSize > g.maxSize) {
            p.push(`${key}: got min ${g.minSize}, desired ${g.desiredSize}, max ${g.maxSize}; allowed is min <= desired <= max`);
        }
    }
    // One general node group per zone, each able to hold at least one node.
    if (prod && ok("generalNodes", "availabilityZones") && typeof a.generalNodes?.maxSize === "number" && typeof a.availabilityZones === "number" && a.generalNodes.maxSize < a.availabilityZones) {
        p.push(`generalNodes.maxSize: got ${a.generalNodes.maxSize}, allowed minimum is availabilityZones (${a.availabilityZones}): the general nodes are one group per zone`);
    }
    const g = ok("gateway") ? a.gateway : undefined;
    if (g?.tls === "letsEncrypt" && !g.acmeEmail) p.push(`gateway.acmeEmail: (unset) but gateway.tls is "letsEncrypt"; set an ACME account e-mail`);
    if (g?.tls === "acm" && !g.acmCertificateArn) p.push(`gateway.acmCertificateArn: (unset) but gateway.tls is "acm"; set the certificate's ARN`);
    if (g?.tls === "acm" && a.profile === "local") {
        p.push(`gateway.tls: got "acm", allowed in the local profile are "selfSigned" and "letsEncrypt": an ACM certificate is served by the AWS load balancer, which only production has`);
    }
    if (g && g.tls !== "acm" && ok("hostnames") && Array.isArray(a.hostnames) && a.hostnames.length === 0) {
        p.push(`hostnames: got [], the gateway's certificate (gateway.tls ${show(g?.tls)}) needs at least one host name`);
    }
    if (prod && ok("region") && !a.region) p.push(`region: (unset); the production profile needs the AWS region the cluster goes to, such as "us-west-2"`);
    if (a.profile === "local" && !a.kubeContext) p.push(`kubeContext: (unset); the local profile needs the kubeconfig context of the local cluster`);
    // Two roles in one namespace would be two Namespace objects of one name, and policies written for another role.
    const seen = new Map<string, string>();
    for (const [role, ns] of Object.entries(ok("namespaces") ? (a.namespaces ?? {}) : {})) {
        if (a.profile === "production" && role === "data") continue;
        const other = seen.get(ns);
        if (other) p.push(`namespaces.${role}: got ${show(ns)}, which namespaces.${other} has too; each role needs a namespace of its own`);
        else seen.set(ns, role);
    }
    return p;
}

/** Throws an ArgsError naming every problem; returns the arguments typed as valid otherwise. */
export function validateClusterArgs(name: string, resolved: ResolvedClusterArgs): ResolvedClusterArgs {
    const parsed = clusterArgsSchema.safeParse(resolved);
    const invalid = new Set(parsed.success ? [] : parsed.error.issues.map((i) => String(i.path[0] ?? "")));
    validateArgs(COMPONENT, name, clusterArgsSchema, resolved, crossFieldProblems(resolved, invalid));
    return resolved;
}
