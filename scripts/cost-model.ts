// Prices an offline plan (the document `npm run plan -- --json` prints) with the rates of cost/rates/<region>.json
// and the usage assumptions of cost/assumptions.json. Pure: no program run, no I/O but reading those files.
//
// Every resource of the plan ends up in exactly one place: a priced line (from its inputs), the no-charge list
// (a type AWS does not bill, with the reason), or the not-priced list (with the reason). A type in none of those
// is an error that names it, and so is a rate the rates file lacks.
import * as fs from "fs";
import * as path from "path";
import type { PreviewDocument, PreviewStep } from "../test/harness/preview";
import { REPO_ROOT } from "../repo-root";

export const COST_DIR = path.join(REPO_ROOT, "cost");

export interface Rate {
    usd: number;
    unit: string;
    /** The date the figure was recorded. */
    read: string;
    /** The AWS pricing page the rate belongs to. */
    source: string;
    /** A stored page that shows the same figure (checked), or null when nothing here could confirm it. */
    checked: string | null;
    note?: string;
}

export interface RatesFile {
    region: string;
    currency: string;
    pricing: string;
    checkedNote: string;
    rates: Record<string, Rate>;
}

export interface Assumption {
    value: number;
    unit: string;
    why: string;
}
export type Assumptions = Record<string, Assumption>;

export class CostError extends Error {}

export function loadRates(region: string, dir = COST_DIR): RatesFile {
    const file = path.join(dir, "rates", `${region}.json`);
    if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region)) throw new CostError(`aws:region ${JSON.stringify(region)} is not an AWS Region name such as us-west-2`);
    if (!fs.existsSync(file)) {
        const have = fs.readdirSync(path.join(dir, "rates")).map((f) => f.replace(/\.json$/, ""));
        throw new CostError(`no rates file for region ${region} (${path.relative(process.cwd(), file)}); rates exist for: ${have.join(", ")}`);
    }
    return JSON.parse(fs.readFileSync(file, "utf8")) as RatesFile;
}

export function loadAssumptions(dir = COST_DIR): Assumptions {
    return JSON.parse(fs.readFileSync(path.join(dir, "assumptions.json"), "utf8")).assumptions as Assumptions;
}

/** `key=value` overrides (`--assume natProcessedGb=2500`): only known keys, only non-negative numbers. */
export function overrideAssumptions(base: Assumptions, pairs: string[]): Assumptions {
    const out: Assumptions = JSON.parse(JSON.stringify(base));
    for (const p of pairs) {
        const m = /^([A-Za-z0-9.-]+)=(.*)$/.exec(p);
        if (!m) throw new CostError(`--assume ${JSON.stringify(p)}: expected key=value, such as natProcessedGb=2500`);
        const [, key, raw] = m;
        if (!(key in out)) throw new CostError(`--assume ${key}: not a usage assumption; known: ${Object.keys(out).join(", ")}`);
        const v = Number(raw);
        if (raw.trim() === "" || !Number.isFinite(v) || v < 0) throw new CostError(`--assume ${key}: got ${JSON.stringify(raw)}, expected a number >= 0 (${out[key].unit})`);
        out[key] = { ...out[key], value: v };
    }
    return out;
}

export type Tier = "cluster" | "data" | "app" | "observability" | "stack";

export interface CostLine {
    tier: Tier;
    /** The resource the line prices (its URN's name). */
    resource: string;
    type: string;
    /** What is billed, as docs/cost.md groups it. */
    item: string;
    /** How the quantity was arrived at. */
    basis: string;
    quantity: number;
    unit: string;
    rateKey: string;
    rate: number;
    monthly: number;
    /** The quantity is a usage assumption, not a figure of the plan. */
    assumed: boolean;
}

export interface Listed {
    tier: Tier;
    resource: string;
    type: string;
    reason: string;
}

export interface CostReport {
    stack: string;
    region: string;
    hoursPerMonth: number;
    total: number;
    byTier: Record<Tier, number>;
    lines: CostLine[];
    notPriced: Listed[];
    noCharge: { type: string; count: number; reason: string }[];
    assumptionsUsed: string[];
    ratesUsed: string[];
}

/** AWS types AWS does not bill, with the reason. A type not here and not priced below is an error. */
export const NO_CHARGE: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "VPCs, subnets, route tables and internet gateways have no charge",
    "aws:ec2/subnet:Subnet": "VPCs, subnets, route tables and internet gateways have no charge",
    "aws:ec2/routeTable:RouteTable": "VPCs, subnets, route tables and internet gateways have no charge",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "VPCs, subnets, route tables and internet gateways have no charge",
    "aws:ec2/internetGateway:InternetGateway": "VPCs, subnets, route tables and internet gateways have no charge (the traffic is priced as data transfer)",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "security groups and their rules have no charge",
    "aws:ec2/securityGroup:SecurityGroup": "security groups and their rules have no charge",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "security groups and their rules have no charge",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "security groups and their rules have no charge",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "security groups and their rules have no charge",
    "aws:ec2/launchTemplate:LaunchTemplate": "no charge of its own: its root volumes are priced on the node groups that launch it",
    "aws:iam/role:Role": "IAM has no charge",
    "aws:iam/rolePolicy:RolePolicy": "IAM has no charge",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "IAM has no charge",
    "aws:iam/policy:Policy": "IAM has no charge",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": "IAM has no charge",
    "aws:kms/alias:Alias": "KMS aliases have no charge (the key is priced)",
    "aws:eks/addon:Addon": "EKS add-ons have no charge of their own; they run on the nodes priced above",
    "aws:eks/accessEntry:AccessEntry": "EKS access entries have no charge",
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": "EKS access entries have no charge",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": "EKS Pod Identity has no charge",
    "aws:rds/subnetGroup:SubnetGroup": "subnet and parameter groups have no charge",
    "aws:rds/parameterGroup:ParameterGroup": "subnet and parameter groups have no charge",
    "aws:elasticache/subnetGroup:SubnetGroup": "subnet and parameter groups have no charge",
    "aws:elasticache/parameterGroup:ParameterGroup": "subnet and parameter groups have no charge",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "bucket settings have no charge (the stored bytes are priced on the bucket)",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "bucket settings have no charge (the stored bytes are priced on the bucket)",
    "aws:s3/bucketVersioning:BucketVersioning": "bucket settings have no charge (the stored bytes are priced on the bucket)",
    "aws:elasticache/user:User": "ElastiCache RBAC users and user groups have no charge",
    "aws:elasticache/userGroup:UserGroup": "ElastiCache RBAC users and user groups have no charge",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "bucket settings have no charge (the stored bytes are priced on the bucket)",
    "aws:s3/bucketPolicy:BucketPolicy": "bucket settings have no charge (the stored bytes are priced on the bucket)",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "bucket settings have no charge (the stored bytes are priced on the bucket)",
};

/** Kubernetes objects whose content the plan does not show: listed as not priced, with this reason. */
const OPAQUE_KUBERNETES: Record<string, string> = {
    "kubernetes:helm.sh/v4:Chart": "a Helm chart's objects are rendered at deploy time and are not in the plan; its pods run on the nodes priced above",
    "kubernetes:yaml/v2:ConfigFile": "a manifest file's objects are read at deploy time and are not in the plan",
};

/** Kubernetes kinds that can create a billed AWS resource, priced by a rule below. */
const KUBERNETES_PRICED = new Set([
    "kubernetes:core/v1:PersistentVolumeClaim",
    "kubernetes:core/v1:Service",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    "kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch",
    "kubernetes:helm.sh/v4:Chart",
]);

const TIER_OF_COMPONENT: Record<string, Tier> = {
    "deepalpha:index:Cluster": "cluster",
    "deepalpha:index:DataTier": "data",
    "deepalpha:index:AppTier": "app",
    "deepalpha:index:Observability": "observability",
};
export const TIERS: Tier[] = ["cluster", "data", "app", "observability", "stack"];

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

/** Kubernetes quantity (`100Gi`, `5Gi`, `512Mi`) in GiB; EBS bills GiB as "GB". */
export function gib(q: string): number {
    const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(String(q).trim());
    if (!m) throw new CostError(`cannot read the storage size ${JSON.stringify(q)}`);
    const n = Number(m[1]);
    const f: Record<string, number> = { Ki: 2 ** -20, Mi: 2 ** -10, Gi: 1, Ti: 1024, K: 1e3 / 2 ** 30, M: 1e6 / 2 ** 30, G: 1e9 / 2 ** 30, T: 1e12 / 2 ** 30 };
    return n * (m[2] ? f[m[2]] : 1 / 2 ** 30);
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function priceDocument(doc: Pick<PreviewDocument, "steps" | "config">, stack: string, rates: RatesFile, assumptions: Assumptions): CostReport {
    const hours = assumptions.hoursPerMonth.value;
    const steps = new Map<string, PreviewStep>(doc.steps.map((s) => [s.urn, s]));
    const lines: CostLine[] = [];
    const notPriced: Listed[] = [];
    const noCharge = new Map<string, { count: number; reason: string }>();
    const assumptionsUsed = new Set<string>(["hoursPerMonth"]);
    const ratesUsed = new Set<string>();

    const tierOf = (s: PreviewStep): Tier => {
        for (let p: PreviewStep | undefined = s; p; p = p.newState.parent ? steps.get(p.newState.parent) : undefined) {
            const t = TIER_OF_COMPONENT[p.newState.type];
            if (t) return t;
        }
        return "stack";
    };
    const rate = (key: string, type: string): number => {
        const r = rates.rates[key];
        if (!r) throw new CostError(`no rate for ${type} in cost/rates/${rates.region}.json: the plan needs "${key}"; add it with its unit, the date read and its source`);
        ratesUsed.add(key);
        return r.usd;
    };
    const assume = (key: string): number => {
        const a = assumptions[key];
        if (!a) throw new CostError(`cost/assumptions.json lacks the usage assumption ${key}`);
        assumptionsUsed.add(key);
        return a.value;
    };
    const add = (s: PreviewStep, item: string, basis: string, quantity: number, rateKey: string, assumed = false) => {
        const r = rate(rateKey, s.newState.type);
        lines.push({
            tier: tierOf(s),
            resource: nameOf(s.urn),
            type: s.newState.type,
            item,
            basis,
            quantity: Math.round(quantity * 1e6) / 1e6,
            unit: rates.rates[rateKey].unit,
            rateKey,
            rate: r,
            monthly: round2(quantity * r),
            assumed,
        });
    };
    const list = (s: PreviewStep, reason: string) => notPriced.push({ tier: tierOf(s), resource: nameOf(s.urn), type: s.newState.type, reason });
    const gp3 = (s: PreviewStep, what: string, count: number, size: string, storageClass: string | undefined) => {
        if (storageClass !== "gp3") {
            list(s, `${what}: storage class ${JSON.stringify(storageClass ?? "(cluster default)")} is not one this tool prices (gp3 only)`);
            return;
        }
        const gb = gib(size);
        add(s, "EBS persistent volumes, gp3", `${what}: ${count} x ${size}`, count * gb, "ebs.gp3");
    };

    const publicSubnets = doc.steps.filter((s) => s.newState.type === "aws:ec2/subnet:Subnet" && (s.newState.inputs.tags as Record<string, string> | undefined)?.["kubernetes.io/role/elb"] === "1").length;
    const nlb = (s: PreviewStep, what: string, internal: boolean) => {
        add(s, "NLB (in front of the gateway)", `${what}: 1 load balancer x ${hours} h`, hours, "elb.nlb.hour");
        const nlcu = assume("nlbCapacityUnits");
        add(s, "NLB capacity units", `assumed ${nlcu} NLCU on average x ${hours} h`, nlcu * hours, "elb.nlb.nlcu", true);
        if (!internal) add(s, "Public IPv4 addresses", `internet-facing: one address in each of the ${publicSubnets} public subnets x ${hours} h`, publicSubnets * hours, "vpc.ipv4.hour");
    };

    const natCount = doc.steps.filter((s) => s.newState.type === "aws:ec2/natGateway:NatGateway").length;
    const rdsByIdentifier = new Map<string, Record<string, unknown>>();
    for (const s of doc.steps) if (s.newState.type === "aws:rds/instance:Instance") rdsByIdentifier.set(String(s.newState.inputs.identifier), s.newState.inputs);

    for (const s of doc.steps) {
        const { type, inputs } = s.newState;
        const i = inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        if (type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:") || TIER_OF_COMPONENT[type] || type.startsWith("deepalpha:") || type.startsWith("random:")) continue;
        if (NO_CHARGE[type]) {
            const e = noCharge.get(type) ?? { count: 0, reason: NO_CHARGE[type] };
            e.count++;
            noCharge.set(type, e);
            continue;
        }
        switch (type) {
            case "eks:index:Cluster": {
                const support = assume("eksExtendedSupport") > 0 ? "extended" : "standard";
                add(s, `EKS control plane (${support} support)`, `1 cluster x ${hours} h, Kubernetes ${i.version ?? "default"}`, hours, `eks.cluster.${support}`);
                const logTypes = (i.enabledClusterLogTypes as string[] | undefined) ?? [];
                if (logTypes.length) {
                    const gb = assume("eksControlPlaneLogsGb");
                    add(s, "CloudWatch Logs ingestion", `EKS control-plane logs (${logTypes.join(", ")}): assumed ${gb} GB a month`, gb, "logs.ingest", true);
                    add(s, "CloudWatch Logs storage", `EKS control-plane logs: assumed ${gb} GB kept`, gb, "logs.storage", true);
                }
                break;
            }
            case "aws:eks/nodeGroup:NodeGroup": {
                const types = (i.instanceTypes as string[] | undefined) ?? [];
                if (types.length !== 1) throw new CostError(`${nameOf(s.urn)}: ${type} with instanceTypes ${JSON.stringify(types)}: one instance type expected`);
                if (i.capacityType && i.capacityType !== "ON_DEMAND") throw new CostError(`${nameOf(s.urn)}: ${type} with capacityType ${i.capacityType}: only ON_DEMAND is priced`);
                const n = Number(i.scalingConfig?.desiredSize ?? 0);
                const role = i.labels?.["deepalpha.io/node-role"] ?? nameOf(s.urn);
                add(s, `EC2 ${role} nodes, ${types[0]}`, `${n} node${n === 1 ? "" : "s"} (desiredSize) x ${hours} h`, n * hours, `ec2.${types[0]}`);
                const lt = s.newState.dependencies.map((d) => steps.get(d)).find((d) => d?.newState.type === "aws:ec2/launchTemplate:LaunchTemplate");
                for (const b of (lt?.newState.inputs.blockDeviceMappings as { ebs?: { volumeSize?: number; volumeType?: string } }[] | undefined) ?? []) {
                    if (!b.ebs?.volumeSize) continue;
                    if (b.ebs.volumeType !== "gp3") throw new CostError(`${nameOf(s.urn)}: root volume type ${b.ebs.volumeType}: only gp3 is priced`);
                    add(s, "EBS node root volumes, gp3", `${n} x ${b.ebs.volumeSize} GiB (launch template ${lt ? nameOf(lt.urn) : "?"})`, n * b.ebs.volumeSize, "ebs.gp3");
                }
                break;
            }
            case "aws:ec2/natGateway:NatGateway": {
                if (i.connectivityType === "private") {
                    add(s, "NAT gateways", `1 private gateway x ${hours} h`, hours, "vpc.nat.hour");
                    break;
                }
                add(s, "NAT gateways", `1 gateway x ${hours} h`, hours, "vpc.nat.hour");
                const gb = assume("natProcessedGb") / natCount;
                add(s, "NAT data processing", `assumed ${assumptions.natProcessedGb.value} GB a month over ${natCount} gateway${natCount === 1 ? "" : "s"}`, gb, "vpc.nat.gb", true);
                break;
            }
            case "aws:ec2/eip:Eip":
                add(s, "Public IPv4 addresses", `1 Elastic IP x ${hours} h`, hours, "vpc.ipv4.hour");
                break;
            case "aws:rds/instance:Instance": {
                const replica = Boolean(i.replicateSourceDb);
                const source = replica ? rdsByIdentifier.get(String(i.replicateSourceDb)) : undefined;
                const engine = String(i.engine ?? source?.engine);
                const multiAz = Boolean(i.multiAz);
                const az = multiAz ? "multi-az" : "single-az";
                const cls = String(i.instanceClass);
                add(s, replica ? `RDS PostgreSQL read replicas, ${cls}` : `RDS PostgreSQL primary, ${cls}${multiAz ? " Multi-AZ" : ""}`, `1 instance x ${hours} h${multiAz ? " (primary + standby)" : ""}`, hours, `rds.${engine}.${cls}.${az}`);
                const gb = Number(i.allocatedStorage ?? source?.allocatedStorage);
                const st = String(i.storageType ?? source?.storageType ?? "gp2");
                if (!Number.isFinite(gb)) throw new CostError(`${nameOf(s.urn)}: ${type} without allocatedStorage`);
                add(s, replica ? `RDS storage, replicas, ${st}` : `RDS storage, primary, ${st}${multiAz ? " Multi-AZ" : ""}`, `${gb} GB${replica ? " (the source's allocatedStorage)" : ""}`, gb, `rds.storage.${st}.${az}`);
                const logs = (i.enabledCloudwatchLogsExports as string[] | undefined) ?? [];
                if (logs.length) {
                    const lg = assume("rdsLogsGbPerInstance");
                    add(s, "CloudWatch Logs ingestion", `RDS logs (${logs.join(", ")}): assumed ${lg} GB a month`, lg, "logs.ingest", true);
                    add(s, "CloudWatch Logs storage", `RDS logs: assumed ${lg} GB kept`, lg, "logs.storage", true);
                }
                break;
            }
            case "aws:elasticache/replicationGroup:ReplicationGroup": {
                const nodes = i.numCacheClusters !== undefined ? Number(i.numCacheClusters) : Number(i.numNodeGroups ?? 1) * (1 + Number(i.replicasPerNodeGroup ?? 0));
                const engine = String(i.engine ?? "redis");
                add(s, `ElastiCache ${engine === "redis" ? "Redis OSS" : engine}, ${i.nodeType}`, `${nodes} nodes (1 primary + ${nodes - 1} replicas) x ${hours} h`, nodes * hours, `elasticache.${engine}.${i.nodeType}`);
                break;
            }
            case "aws:timestreaminfluxdb/dbInstance:DbInstance": {
                const standby = i.deploymentType === "WITH_MULTIAZ_STANDBY";
                const n = standby ? 2 : 1;
                add(s, `Timestream for InfluxDB, ${i.dbInstanceType}${standby ? " with Multi-AZ standby" : ""}`, `${n} instance${n === 1 ? "" : "s"} x ${hours} h`, n * hours, `influxdb.${i.dbInstanceType}`);
                const gb = Number(i.allocatedStorage);
                add(s, `Timestream for InfluxDB storage, ${i.dbStorageType ?? "InfluxIOIncludedT1"}`, `${gb} GB x ${n}${standby ? " (primary + standby)" : ""}`, gb * n, `influxdb.storage.${i.dbStorageType ?? "InfluxIOIncludedT1"}`);
                break;
            }
            case "aws:s3/bucket:Bucket": {
                const key = /backups/.test(nameOf(s.urn)) ? "s3BackupsGb" : /files/.test(nameOf(s.urn)) ? "s3FilesGb" : "s3OtherBucketGb";
                const gb = assume(key);
                add(s, "S3 Standard", `assumed ${gb} GB stored (${key})`, gb, "s3.standard", true);
                break;
            }
            // The second region's copies: the replica bucket and its key are priced above like the others; what
            // moving the bytes between regions costs is usage this tool has no rate for yet.
            case "aws:s3/bucketReplicationConfig:BucketReplicationConfig":
                list(s, "cross-region replication: the replica bucket is priced, the transfer between regions (per GB replicated) is not in the rates file");
                break;
            case "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication":
                list(s, "RDS automated backups copied to the second region: backup storage and transfer there are not in the rates file");
                break;
            case "aws:kms/key:Key":
                add(s, "KMS keys", "1 customer managed key", 1, "kms.key");
                break;
            default:
                if (type.startsWith("kubernetes:")) {
                    if (!KUBERNETES_PRICED.has(type)) {
                        if (OPAQUE_KUBERNETES[type]) list(s, OPAQUE_KUBERNETES[type]);
                        else {
                            const e = noCharge.get("kubernetes:*") ?? { count: 0, reason: "Kubernetes objects run on the nodes priced above and create no AWS resource of their own" };
                            e.count++;
                            noCharge.set("kubernetes:*", e);
                        }
                        break;
                    }
                    priceKubernetes(s, i);
                    break;
                }
                throw new CostError(`no rate or rule for resource type ${type} (${nameOf(s.urn)}): add its rates to cost/rates/${rates.region}.json and its rule to scripts/cost-model.ts, or its reason to NO_CHARGE`);
        }
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    function priceKubernetes(s: PreviewStep, i: Record<string, any>) {
        const type = s.newState.type;
        const name = i.metadata?.name ?? nameOf(s.urn);
        switch (type) {
            case "kubernetes:core/v1:PersistentVolumeClaim":
                gp3(s, `PVC ${name}`, 1, i.spec?.resources?.requests?.storage, i.spec?.storageClassName);
                return;
            case "kubernetes:apps/v1:StatefulSet": {
                const n = Number(i.spec?.replicas ?? 1);
                const vcts = (i.spec?.volumeClaimTemplates ?? []) as { spec?: { storageClassName?: string; resources?: { requests?: { storage?: string } } } }[];
                if (!vcts.length) {
                    const e = noCharge.get("kubernetes:*") ?? { count: 0, reason: "Kubernetes objects run on the nodes priced above and create no AWS resource of their own" };
                    e.count++;
                    noCharge.set("kubernetes:*", e);
                }
                for (const v of vcts) gp3(s, `StatefulSet ${name}`, n, String(v.spec?.resources?.requests?.storage), v.spec?.storageClassName);
                return;
            }
            case "kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch":
                for (const ns of (i.spec?.nodeSets ?? []) as { name?: string; count?: number; volumeClaimTemplates?: { spec?: { storageClassName?: string; resources?: { requests?: { storage?: string } } } }[] }[]) {
                    for (const v of ns.volumeClaimTemplates ?? []) gp3(s, `Elasticsearch ${name} nodeSet ${ns.name ?? ""}`.trim(), Number(ns.count ?? 1), String(v.spec?.resources?.requests?.storage), v.spec?.storageClassName);
                }
                return;
            case "kubernetes:core/v1:Service": {
                if (i.spec?.type !== "LoadBalancer") {
                    const e = noCharge.get("kubernetes:*") ?? { count: 0, reason: "Kubernetes objects run on the nodes priced above and create no AWS resource of their own" };
                    e.count++;
                    noCharge.set("kubernetes:*", e);
                    return;
                }
                const ann = (i.metadata?.annotations ?? {}) as Record<string, string>;
                if (ann["service.beta.kubernetes.io/aws-load-balancer-type"] !== "nlb") {
                    list(s, "a LoadBalancer Service without the nlb annotation gets a Classic Load Balancer, which this tool does not price");
                    return;
                }
                nlb(s, `Service ${name}`, ann["service.beta.kubernetes.io/aws-load-balancer-internal"] === "true" || ann["service.beta.kubernetes.io/aws-load-balancer-scheme"] === "internal");
                return;
            }
            case "kubernetes:gateway.networking.k8s.io/v1:Gateway": {
                const ann = (i.spec?.infrastructure?.annotations ?? {}) as Record<string, string>;
                if (ann["service.beta.kubernetes.io/aws-load-balancer-type"] !== "nlb") {
                    list(s, "the Gateway's Service has no nlb annotation: its load balancer is not priced");
                    return;
                }
                nlb(s, `Gateway ${name}`, ann["service.beta.kubernetes.io/aws-load-balancer-scheme"] === "internal");
                return;
            }
            case "kubernetes:helm.sh/v4:Chart": {
                const chart = String(i.chart ?? "");
                const v = i.values ?? {};
                if (/kube-prometheus-stack/.test(chart) || /kube-prometheus-stack/.test(nameOf(s.urn))) {
                    const spec = v.prometheus?.prometheusSpec;
                    const tpl = spec?.storageSpec?.volumeClaimTemplate?.spec;
                    if (tpl) gp3(s, "Prometheus", Number(spec.replicas ?? 1), String(tpl.resources?.requests?.storage), tpl.storageClassName);
                    const g = v.grafana?.persistence;
                    if (g?.enabled) gp3(s, "Grafana", 1, String(g.size), g.storageClassName);
                    const am = v.alertmanager?.alertmanagerSpec;
                    const amTpl = am?.storage?.volumeClaimTemplate?.spec;
                    if (amTpl) gp3(s, "Alertmanager", Number(am.replicas ?? 1), String(amTpl.resources?.requests?.storage), amTpl.storageClassName);
                    list(s, "the chart's other objects (operator, exporters, Grafana and Alertmanager pods) are not in the plan; their volumes above are priced from its values, its pods run on the nodes priced above");
                    return;
                }
                list(s, OPAQUE_KUBERNETES[type]);
                return;
            }
        }
    }

    // Usage-based lines of the whole stack: data transfer, attached to the VPC (cluster tier).
    const vpc = doc.steps.find((s) => s.newState.type === "aws:ec2/vpc:Vpc");
    if (vpc) {
        const out = assume("internetEgressGb");
        const free = assume("internetEgressFreeGb");
        add(vpc, "Data transfer out to the internet", `assumed ${out} GB a month, the first ${free} GB free`, Math.max(0, out - free), "dt.internet-out", true);
        const x = assume("crossAzGb");
        add(vpc, "Data transfer between Availability Zones", `assumed ${x} GB a month crossing zones, billed leaving one and entering the other`, x, "dt.cross-az", true);
    }

    const byTier = Object.fromEntries(TIERS.map((t) => [t, round2(lines.filter((l) => l.tier === t).reduce((a, l) => a + l.monthly, 0))])) as Record<Tier, number>;
    return {
        stack,
        region: rates.region,
        hoursPerMonth: hours,
        total: round2(lines.reduce((a, l) => a + l.monthly, 0)),
        byTier,
        lines,
        notPriced,
        noCharge: [...noCharge.entries()].map(([type, e]) => ({ type, ...e })).sort((a, b) => a.type.localeCompare(b.type)),
        assumptionsUsed: [...assumptionsUsed].sort(),
        ratesUsed: [...ratesUsed].sort(),
    };
}

/** Region of a plan: the stack's aws:region; a stack without one (dev: no AWS resource) is priced with us-west-2's file. */
export const regionOf = (config: Record<string, string>) => config["aws:region"] ?? "us-west-2";
