// The stack configuration's schema: every `deepalpha:*` key, its type, its allowed range and what it is for.
// Pure data and zod, no Pulumi: the validator, the README's configuration reference and the tests all read it.
import { z } from "zod";

// ---------------------------------------------------------------------------------------------------------
// Reusable field types, each with the message a user sees when the value is wrong.
// ---------------------------------------------------------------------------------------------------------
const cidr = () => z.cidrv4({ error: "expected an IPv4 CIDR block such as 10.40.0.0/16" });
const quantity = () =>
    z.string().regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|m)?$/, {
        error: "expected a Kubernetes quantity such as 500m, 512Mi or 20Gi",
    });
const hostname = () =>
    z.string().regex(/^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
        error: "expected a lower-case DNS host name such as api.deepalpha.example.com",
    });
const imageRef = () =>
    z
        .object({
            repository: z.string().regex(/^[a-z0-9]+([._\/:-][a-z0-9]+)*$/, {
                error: "expected an image repository such as ghcr.io/deepalpha/deepalpha",
            }),
            tag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { error: "expected an image tag such as 1.4.2" }),
        })
        .strict();
const cron = () =>
    z.string().regex(/^(\S+\s+){4}\S+$/, { error: "expected a five-field cron schedule such as \"0 2 * * *\"" });
const int = (min: number, max: number) => z.number().int().min(min).max(max);
const url = () => z.url({ error: "expected an absolute URL such as https://testnet.binance.vision" });

export const PROFILES = ["local", "production"] as const;
export type Profile = (typeof PROFILES)[number];

// ---------------------------------------------------------------------------------------------------------
// Tier sections. `.strict()` everywhere: a misspelt key is an error, never a silently ignored setting.
// ---------------------------------------------------------------------------------------------------------
export const clusterSchema = z
    .object({
        kubeContext: z.string().min(1).optional().describe("local: kubeconfig context of the existing cluster (kind, Docker Desktop, minikube)"),
        kubeconfigPath: z.string().min(1).optional().describe("local: kubeconfig file; unset means the default (~/.kube/config or $KUBECONFIG)"),
        name: z.string().regex(/^[a-z][a-z0-9-]{1,38}$/, { error: "expected a lower-case name, 2-39 characters, starting with a letter" }).describe("EKS cluster name (production) and resource name prefix"),
        kubernetesVersion: z.string().regex(/^1\.(2[89]|3[0-9])$/, { error: "expected a Kubernetes minor version such as 1.34 (1.28-1.39)" }).describe("production: EKS control-plane version"),
        vpcCidr: cidr().describe("production: VPC address range"),
        availabilityZones: int(2, 6).describe("production: number of availability zones the VPC and node groups span"),
        natGateways: z.enum(["onePerAz", "single"]).describe("production: one NAT gateway per AZ (HA) or one shared NAT (cheaper)"),
        publicEndpointCidrs: z.array(cidr()).describe("production: CIDRs allowed to reach the public EKS API endpoint; empty turns the public endpoint off"),
        adminRoleArns: z.array(z.string().regex(/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/.+$/, { error: "expected an IAM role ARN" })).describe("production: IAM roles granted cluster-admin through EKS access entries"),
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
        postgres: z
            .object({
                engineVersion: z.string().regex(/^1[5-9](\.[0-9]+)?$/, { error: "expected PostgreSQL 15 or newer, such as 16.6" }),
                instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { error: "expected an RDS instance class such as db.r6g.xlarge" }),
                allocatedStorageGb: int(20, 65536),
                maxAllocatedStorageGb: int(20, 65536),
                readReplicas: int(0, 5),
                backupRetentionDays: int(1, 35),
                volumeSize: quantity().describe("local: PersistentVolumeClaim size"),
            })
            .strict(),
        redis: z
            .object({
                engineVersion: z.string().regex(/^[6-8]\.[0-9]+$/, { error: "expected a Redis OSS version such as 7.1" }),
                nodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, { error: "expected an ElastiCache node type such as cache.r6g.large" }),
                replicas: int(0, 5),
                snapshotRetentionDays: int(1, 35),
                volumeSize: quantity(),
            })
            .strict(),
        influxdb: z
            .object({
                instanceClass: z.string().regex(/^db\.influx\.[a-z0-9]+$/, { error: "expected a Timestream for InfluxDB class such as db.influx.large" }),
                allocatedStorageGb: int(20, 16384),
                organization: z.string().min(1),
                bucket: z.string().min(1),
                retention: z.string().regex(/^([0-9]+[smhdw])+$|^0$/, { error: "expected a duration such as 90d, or 0 for infinite" }),
                volumeSize: quantity(),
            })
            .strict(),
        objectStorage: z
            .object({
                backupRetentionDays: int(1, 3650).describe("days a backup is kept before the lifecycle rule expires it"),
                volumeSize: quantity(),
            })
            .strict(),
        backupSchedule: cron().describe("cron schedule of the daily pg_dump and InfluxDB backups"),
        partitionMonthsAhead: int(1, 24).describe("monthly trades partitions created ahead of time"),
    })
    .strict();

export const appSchema = z
    .object({
        image: imageRef().describe("DeepAlpha image (API, WebSocket and executor)"),
        freqtradeImage: imageRef().describe("Freqtrade image"),
        apiHost: hostname().describe("host name the API is served on"),
        websocketHost: hostname().describe("host name the WebSocket tier is served on"),
        replicas: z
            .object({ api: int(1, 50), websocket: int(1, 50), executor: int(1, 20) })
            .strict()
            .describe("replicas per workload (HPA minimum for api and websocket)"),
        maxReplicas: z.object({ api: int(1, 100), websocket: int(1, 100) }).strict().describe("HPA maximum"),
        freqtradeBots: z
            .array(
                z
                    .object({
                        name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, { error: "expected a lower-case bot name" }),
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
    })
    .strict();

export const observabilitySchema = z
    .object({
        prometheusRetention: z.string().regex(/^[0-9]+[hdwy]$/, { error: "expected a duration such as 15d" }),
        prometheusStorage: quantity(),
        grafanaStorage: quantity(),
        orderLatencyP95Seconds: z.number().positive().max(60).describe("alert when order latency p95 exceeds this"),
        alertmanagerReceiver: z.enum(["none", "telegram"]).describe("where alerts go"),
        tracingStorage: z.enum(["memory", "elasticsearch"]).describe("Jaeger v2 storage backend"),
        logging: z.boolean().describe("deploy the log pipeline (Fluent Bit, Elasticsearch, Kibana)"),
        elasticsearchStorage: quantity(),
    })
    .strict();

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
    })
    .strict();

export type Settings = z.infer<typeof settingsSchema>;
export type ClusterSettings = Settings["cluster"];
export type DataSettings = Settings["data"];
export type AppSettings = Settings["app"];
export type ObservabilitySettings = Settings["observability"];

/** Top-level `deepalpha:` keys a stack file may set (besides the secrets). */
export const SETTING_KEYS = Object.keys(settingsSchema.shape) as (keyof Settings)[];
