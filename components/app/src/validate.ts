// AppTier's argument checks, run on the resolved arguments (defaults applied) before anything is registered:
// a strict schema (a misspelt argument is an error, not a silently ignored one) and the checks across fields.
// Each message names the argument, the value given and what is allowed.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { field, show, validateArgs } from "@deepalpha/shared";
import { EXCHANGES, PROFILES, SECRET_KEYS, TAINT_EFFECTS, type ResolvedAppTierArgs } from "./args";
import { botObjectNames, botProblems } from "./freqtrade";

/** A Kubernetes object name that may contain dots (DNS subdomain): StorageClasses, ServiceAccounts. */
const dnsSubdomain = () =>
    z
        .string()
        .max(253, { abort: true })
        .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, { error: "expected a lower-case DNS subdomain such as gp3 (letters, digits, '-', '.')" });

/** A label key or value as Kubernetes allows it (the key's optional prefix is a DNS subdomain). */
const labelKey = () =>
    z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, {
        error: "expected a label key such as deepalpha.io/node-role",
    });
const labelValue = () => z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, { error: "expected a label value such as executor (at most 63 characters)" });

const isDeferred = (v: unknown) => pulumi.Output.isInstance(v) || v instanceof Promise;

/** An Input: an Output (known after deployment, not checked) or a plain value that must match `schema`. */
function inputOf(schema: z.ZodType) {
    return z.any().superRefine((v, ctx) => {
        if (isDeferred(v)) return;
        const r = schema.safeParse(v);
        if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ ...issue } as Parameters<typeof ctx.addIssue>[0]);
    });
}

const bot = z
    .object({
        name: z.string().max(31, { abort: true }).regex(/^[a-z][a-z0-9-]{0,30}$/, { error: "expected a lower-case bot name such as bot-a (letters, digits, '-', starting with a letter)" }),
        strategy: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "expected a strategy class name such as DeepAlphaStrategy" }),
        pairs: z.array(z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/, { error: "expected a pair such as BTC/USDT" })).min(1),
        dryRun: z.boolean(),
    })
    .strict();

/** The resolved arguments' schema. */
export const appTierArgsSchema = z
    .object({
        profile: z.enum(PROFILES),
        provider: field.input().optional(),
        image: field.imageRef(),
        freqtradeImage: field.imageRef(),
        apiHost: field.hostname(),
        websocketHost: field.hostname(),
        replicas: z.object({ api: field.int(1, 50), websocket: field.int(1, 50), executor: field.int(1, 20) }).strict(),
        maxReplicas: z.object({ api: field.int(1, 100), websocket: field.int(1, 100) }).strict(),
        freqtradeBots: z.array(bot).max(10),
        exchange: z.object({ name: z.enum(EXCHANGES), testnet: z.boolean() }).strict(),
        llmBaseUrl: field.url(),
        newsApiUrl: field.url(),
        executor: z.object({ cpu: field.int(1, 64), memory: field.quantity(), hugepages2Mi: field.quantity() }).strict(),
        freqtradeVolumeSize: field.quantity(),
        secrets: z.object(Object.fromEntries(SECRET_KEYS.map((k) => [k, field.input().optional()]))).strict(),
        connectionSecretName: inputOf(field.dnsLabel()),
        otlpEndpoint: inputOf(z.url({ protocol: /^https?$/, error: "expected an http(s) URL such as http://jaeger.monitoring.svc.cluster.local:4317" })),
        dataCidrs: z.array(field.cidr()).optional(),
        executorCpuTarget: labelValue().min(1).optional(),
        executorNodes: z
            .object({
                labels: z.record(labelKey(), labelValue()),
                taint: z.object({ key: labelKey(), value: labelValue(), effect: z.enum(TAINT_EFFECTS) }).strict(),
                cpuTargetLabel: labelKey(),
            })
            .strict(),
        storageClassName: dnsSubdomain().optional(),
        serviceAccountName: dnsSubdomain(),
        namespaces: z.object({ app: field.dnsLabel(), data: field.dnsLabel(), monitoring: field.dnsLabel(), gateway: field.dnsLabel() }).strict(),
        names: z
            .object({
                api: field.dnsLabel(),
                websocket: field.dnsLabel(),
                executor: field.dnsLabel(),
                freqtrade: field.dnsLabel(),
                configMap: field.dnsLabel(),
                externalSecret: field.dnsLabel(),
                httpsRedirectRoute: field.dnsLabel(),
            })
            .strict(),
        gateway: z.object({ name: field.dnsLabel(), namespace: field.dnsLabel(), httpsListener: field.dnsLabel(), httpListener: field.dnsLabel() }).strict(),
    })
    .strict();

/** Problems across fields, on arguments the schema accepted. */
export function crossFieldProblems(a: ResolvedAppTierArgs): string[] {
    const p: string[] = [];
    for (const w of ["api", "websocket"] as const) {
        if (a.maxReplicas[w] < a.replicas[w]) p.push(`maxReplicas.${w}: got ${a.maxReplicas[w]}, allowed minimum is replicas.${w} (${a.replicas[w]})`);
    }
    if (a.websocketHost === a.apiHost) p.push(`websocketHost: got ${show(a.websocketHost)}, the same as apiHost; the two routes need different host names`);
    if (a.profile === "production" && !(a.dataCidrs && a.dataCidrs.length)) {
        p.push(`dataCidrs: got ${show(a.dataCidrs)}, required in the production profile: the private ranges of the data stores (RDS, ElastiCache, Timestream), such as ["10.40.0.0/16"]`);
    }
    // Workloads select their pods by name: two workloads of one name would share pods, Services and policies.
    const workloads = ["api", "websocket", "executor", "freqtrade"] as const;
    workloads.forEach((w, i) => {
        const other = workloads.slice(0, i).find((o) => a.names[o] === a.names[w]);
        if (other) p.push(`names.${w}: got ${show(a.names[w])}, the same as names.${other}; each workload needs its own name`);
    });
    const seen = new Set<string>();
    a.freqtradeBots.forEach((b, i) => {
        if (seen.has(b.name)) p.push(`freqtradeBots[${i}].name: got ${show(b.name)}, a name an earlier bot has; each bot needs its own name`);
        seen.add(b.name);
        // Kubernetes names are DNS labels: at most 63 characters, the bot's longest one included.
        const longest = botObjectNames(a.names.freqtrade, b).reduce((x, y) => (y.length > x.length ? y : x));
        if (longest.length > 63) {
            p.push(`freqtradeBots[${i}].name: got ${show(b.name)}, too long with names.freqtrade ${show(a.names.freqtrade)}: the object name ${show(longest)} has ${longest.length} characters, allowed maximum is 63`);
        }
    });
    p.push(...botProblems(a));
    return p;
}

/** Optional arguments without a default: listed (unset) in the checked view, so an unknown key's message names them. */
const OPTIONAL_KEYS = ["provider", "dataCidrs", "executorCpuTarget", "storageClassName"] as const;

/** Throws an ArgsError naming every problem of the resolved arguments; returns them when there is none. */
export function validateAppTierArgs(name: string, resolved: ResolvedAppTierArgs): ResolvedAppTierArgs {
    // The message for a misspelt key lists the keys its object has as the allowed ones: the view has every key
    // (unset where not given). The resolved arguments keep only the given secrets (their checksum lists the keys).
    const view = {
        ...Object.fromEntries(OPTIONAL_KEYS.map((k) => [k, undefined])),
        ...resolved,
        secrets: isPlainObject(resolved.secrets) ? { ...Object.fromEntries(SECRET_KEYS.map((k) => [k, undefined])), ...resolved.secrets } : resolved.secrets,
    };
    const ok = appTierArgsSchema.safeParse(view).success;
    validateArgs("AppTier", name, appTierArgsSchema, view, ok ? crossFieldProblems(resolved) : []);
    return resolved;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v) && !isDeferred(v);
