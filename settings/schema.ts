// The stack configuration's schema: every `deepalpha:*` key, its type, its allowed range and what it is for.
// Pure data and zod, no Pulumi: the validator, the README's configuration reference and the tests all read it.
import { z } from "zod";
import { field } from "@deepalpha/shared";
import { INFLUXDB_SETTINGS, OBJECT_STORAGE_SETTINGS, POSTGRES_SETTINGS, REDIS_SETTINGS } from "@deepalpha/data/validate";
import { EXECUTOR_CPU_TARGETS } from "./instance-families";

// ---------------------------------------------------------------------------------------------------------
// Reusable field types, each with the message a user sees when the value is wrong.
// ---------------------------------------------------------------------------------------------------------
const { cidr, quantity, hostname, imageRef, cron, int, url } = field;

export const PROFILES = ["local", "production"] as const;

/**
 * Add-ons the program installs from upstream Helm charts that a cluster may already run, installed by other
 * means (a platform team's own release, an air-gapped mirror): listed in `preinstalled`, the program installs
 * none of their objects and relies on the cluster for their CRDs and controllers.
 */
export const PREINSTALLABLE_ADDONS = [
    "cert-manager",
    "kube-prometheus-stack",
    "prometheus-postgres-exporter",
    "prometheus-redis-exporter",
    "jaeger",
] as const;
export type PreinstalledAddon = (typeof PREINSTALLABLE_ADDONS)[number];
export type Profile = (typeof PROFILES)[number];

// ---------------------------------------------------------------------------------------------------------
// Tier sections. `.strict()` everywhere: a misspelt key is an error, never a silently ignored setting.
// ---------------------------------------------------------------------------------------------------------
export const clusterSchema = z
    .object({
        kubeContext: z.string().min(1).optional().describe("local: kubeconfig context of the existing cluster (kind, Docker Desktop, minikube)"),
        kubeconfigPath: z.string().min(1).optional().describe("local: kubeconfig file; unset means the default (~/.kube/config or $KUBECONFIG)"),
        name: z.string().max(39, { abort: true }).regex(/^[a-z][a-z0-9-]{1,38}$/, { error: "expected a lower-case name, 2-39 characters, starting with a letter" }).describe("EKS cluster name (production) and resource name prefix"),
        kubernetesVersion: z
            .string()
            .regex(/^1\.3[2-5]$/, { error: "expected a Kubernetes minor version EKS supports and the pinned cluster-autoscaler has a release for: 1.32, 1.33, 1.34 or 1.35" })
            .describe("production: EKS control-plane and node version (upgrade one minor at a time)"),
        vpcCidr: cidr()
            .refine((v) => Number(v.split("/")[1]) >= 16 && Number(v.split("/")[1]) <= 20, { error: "expected a VPC range from /16 to /20: nodes and pods take their addresses from the private subnets" })
            .describe("production: VPC address range"),
        availabilityZones: int(2, 6).describe("production: number of availability zones the VPC and node groups span"),
        natGateways: z.enum(["onePerAz", "single"]).describe("production: one NAT gateway per AZ (HA) or one shared NAT (cheaper)"),
        publicEndpointCidrs: z.array(cidr()).describe("production: CIDRs allowed to reach the public EKS API endpoint; empty turns the public endpoint off"),
        adminRoleArns: z.array(z.string().regex(/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/.+$/, { error: "expected an IAM role ARN" })).describe("production: IAM roles granted cluster-admin through EKS access entries; leave out the role that runs pulumi up, which EKS already makes admin (a second entry for it is refused)"),
        generalNodes: z
            .object({
                instanceType: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "expected an EC2 instance type such as m5.2xlarge" }),
                minSize: int(1, 100),
                desiredSize: int(1, 100),
                maxSize: int(1, 100),
            })
            .strict()
            .describe("production: the general managed node group"),
        executorNodes: z
            .object({
                instanceType: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "expected an EC2 instance type such as c6i.4xlarge" }),
                minSize: int(1, 100),
                desiredSize: int(1, 100),
                maxSize: int(1, 100),
                hugepages2Mi: int(0, 65536).describe("2 MiB huge pages reserved per node"),
                enaExpress: z
                    .boolean()
                    .describe("ENA Express (SRD) on the executor nodes' primary interface; only for instance types that support it (checked against EC2's instance type data at preview); docs/performance-tuning.md says why it is off"),
                cpuTarget: z
                    .enum(EXECUTOR_CPU_TARGETS)
                    .describe("the CPU the executor image is compiled for (rustc -C target-cpu); instanceType must be a family with that CPU (docs/performance-tuning.md)"),
            })
            .strict()
            .describe("production: the tainted node group for the Rust executor"),
        gateway: z
            .object({
                install: z.boolean().describe("install NGINX Gateway Fabric; false when the cluster already has it"),
                className: z.string().min(1).describe("GatewayClass name"),
                tls: z.enum(["selfSigned", "letsEncrypt", "acm"]).describe("how the gateway's certificate is issued"),
                acmeEmail: z.email({ error: "expected an e-mail address" }).optional().describe("tls=letsEncrypt: ACME account e-mail"),
                acmCertificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate\/.+$/, { error: "expected an ACM certificate ARN" }).optional().describe("tls=acm: certificate terminated at the NLB"),
            })
            .strict(),
    })
    .strict();

export const dataSchema = z
    .object({
        postgres: POSTGRES_SETTINGS,
        redis: REDIS_SETTINGS,
        influxdb: INFLUXDB_SETTINGS,
        objectStorage: OBJECT_STORAGE_SETTINGS,
        backupSchedule: cron().describe("cron schedule of the daily pg_dump and InfluxDB backups"),
        secondRegion: z
            .string()
            .regex(/^$|^[a-z]{2}(-[a-z]+)+-[0-9]+$/, { error: "expected an AWS region such as us-east-1, or an empty string for none" })
            .describe("production: region the backups bucket and RDS automated backups are replicated to (its own KMS key); empty = none"),
        partitionMonthsAhead: int(2, 24).describe("monthly trades partitions created ahead of time (at least 2: fewer fails the partition job, which pages)"),
        images: z
            .object({
                postgres: imageRef().describe("local: the PostgreSQL server; both: the client of the migration and pg_dump jobs (same major as the server)"),
                redis: imageRef().describe("local: Redis server"),
                influxdb: imageRef().describe("local: InfluxDB 2 server; both: the influx CLI of the backup job"),
                objectStore: imageRef().describe("local: SeaweedFS, the S3-compatible store"),
                awsCli: imageRef().describe("AWS CLI v2 that uploads backups and creates the local buckets"),
            })
            .strict()
            .describe("pinned images of the data tier"),
    })
    .strict();

export const appSchema = z
    .object({
        image: imageRef().describe("DeepAlpha image (API, WebSocket and executor)"),
        freqtradeImage: imageRef().describe("Freqtrade image"),
        apiHost: hostname().describe("host name the API is served on; production and Let's Encrypt need a public name (.local, .internal, .lan and the like are refused)"),
        websocketHost: hostname().describe("host name the WebSocket tier is served on; the same rule as apiHost"),
        replicas: z
            .object({ api: int(1, 50), websocket: int(1, 50), executor: int(1, 20) })
            .strict()
            .describe("replicas per workload (HPA minimum for api and websocket)"),
        maxReplicas: z.object({ api: int(1, 100), websocket: int(1, 100) }).strict().describe("HPA maximum"),
        freqtradeBots: z
            .array(
                z
                    .object({
                        name: z.string().max(31, { abort: true }).regex(/^[a-z][a-z0-9-]{0,30}$/, { error: "expected a lower-case bot name" }),
                        strategy: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "expected a strategy class name" }),
                        pairs: z.array(z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/, { error: "expected a pair such as BTC/USDT" })).min(1),
                        dryRun: z.boolean(),
                    })
                    .strict(),
            )
            .min(1)
            .max(10)
            .describe("one Deployment of exactly one replica per bot"),
        exchange: z
            .object({
                name: z.enum(["binance"]),
                testnet: z.boolean().describe("use the Binance testnet"),
            })
            .strict(),
        llmBaseUrl: url().describe("LLM provider base URL (a test endpoint in dev)"),
        newsApiUrl: url().describe("news API base URL"),
        executor: z
            .object({
                cpu: int(1, 64).describe("whole CPUs, requests = limits: Guaranteed QoS, exclusive cores under the static CPU manager"),
                memory: quantity().describe("memory, requests = limits"),
                hugepages2Mi: quantity().describe("2 MiB huge pages per pod (requests = limits); \"0\" for none; must fit cluster.executorNodes.hugepages2Mi"),
            })
            .strict()
            .describe("executor pod size"),
        freqtradeVolumeSize: quantity().describe("size of each Freqtrade bot's user_data PersistentVolumeClaim"),
    })
    .strict();

export const observabilitySchema = z
    .object({
        prometheusRetention: z.string().regex(/^[0-9]+[hdwy]$/, { error: "expected a duration such as 15d" }).describe("how long Prometheus keeps samples"),
        prometheusStorage: quantity().describe("Prometheus volume per replica (gp3 in prod)"),
        grafanaStorage: quantity().describe("Grafana volume (dashboards, users, sqlite)"),
        orderLatencyP95Seconds: z.number().positive().max(60).describe("alert when order latency p95 exceeds this"),
        apiLatencyP95Seconds: z.number().positive().max(60).describe("alert when the API's request duration p95 exceeds this"),
        alertmanagerReceiver: z.enum(["none", "telegram"]).describe("where alerts go"),
        tracingStorage: z.enum(["memory", "elasticsearch"]).describe("Jaeger v2 storage backend"),
        logging: z.boolean().describe("deploy the log pipeline (Fluent Bit, Elasticsearch, Kibana)"),
        elasticsearchStorage: quantity().describe("Elasticsearch volume per node (logs and, in prod, traces)"),
        telegramChatId: z
            .number()
            .int({ error: "expected a Telegram chat ID, an integer such as -1001234567890" })
            .optional()
            .describe("alertmanagerReceiver=telegram: chat the alerts go to (the bot token is the secret telegramBotToken)"),
    })
    .strict()
    .superRefine((o, ctx) => {
        if (o.alertmanagerReceiver === "telegram" && o.telegramChatId === undefined) {
            ctx.addIssue({ code: "custom", path: ["telegramChatId"], message: "is required when alertmanagerReceiver is \"telegram\"" });
        }
    });

// Secrets come only from `pulumi config set --secret`; they have no defaults.
export const SECRET_KEYS = ["binanceApiKey", "binanceApiSecret", "telegramBotToken", "newsApiKey", "llmApiKey"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];
export const SECRET_DESCRIPTIONS: Record<SecretKey, string> = {
    binanceApiKey: "Binance API key (testnet key in dev)",
    binanceApiSecret: "Binance API secret",
    telegramBotToken: "Telegram bot token for alerts and notifications",
    newsApiKey: "news API key",
    llmApiKey: "LLM provider API key",
};
/** Secrets a stack of each profile cannot deploy without. */
export const REQUIRED_SECRETS: Record<Profile, readonly SecretKey[]> = {
    local: [],
    production: SECRET_KEYS,
};

export const settingsSchema = z
    .object({
        profile: z.enum(PROFILES).describe("local = existing local cluster, in-cluster data; production = HA on AWS"),
        cluster: clusterSchema,
        data: dataSchema,
        app: appSchema,
        observability: observabilitySchema,
        preinstalled: z
            .array(z.enum(PREINSTALLABLE_ADDONS))
            .refine((l) => new Set(l).size === l.length, { error: "lists an add-on twice" })
            .describe("add-ons the cluster already runs (installed by other means): the program installs none of their charts and relies on their CRDs and controllers; NGINX Gateway Fabric is cluster.gateway.install"),
    })
    .strict();

export type Settings = z.infer<typeof settingsSchema>;
export type ClusterSettings = Settings["cluster"];
export type DataSettings = Settings["data"];
export type AppSettings = Settings["app"];
export type ObservabilitySettings = Settings["observability"];

/** Top-level `deepalpha:` keys a stack file may set (besides the secrets). */
export const SETTING_KEYS = Object.keys(settingsSchema.shape) as (keyof Settings)[];
