// Validation of the Observability component's resolved args: a strict schema (a misspelt argument is an error,
// never silently ignored) plus the checks that span fields. Run before the component registers anything.
import { z } from "zod";
import { field, show, validateArgs } from "@deepalpha/shared";
import { ALERTMANAGER_RECEIVERS, OBSERVABILITY_ADDONS, PROFILE_VALUES, TRACING_STORAGES } from "./args";
import type { ResolvedObservabilityArgs } from "./defaults";

/** A value that must be given, plainly or as an Output (known only after deployment). */
const required = (what: string) => z.custom<unknown>((v) => v !== undefined && v !== null, { error: `expected ${what} (a string or an Output)` });
const dnsLabel = field.dnsLabel;
/** A container port's name (IANA service name: at most 15 characters, a letter among them). */
const portName = () =>
    z.string().max(15, { abort: true }).regex(/^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: "expected a container port name such as http or metrics (lower-case letters, digits, '-')" });
const seconds = () => z.number().positive().max(60);

const workload = z.object({ name: dnsLabel(), port: field.int(1, 65535), metricsPortName: portName() }).strict();

export const observabilityArgsSchema = z
    .object({
        profile: z.enum(PROFILE_VALUES),
        provider: field.input().optional(),
        namespaces: z.object({ app: dnsLabel(), data: dnsLabel(), monitoring: dnsLabel(), gateway: dnsLabel(), certManager: dnsLabel() }).strict(),
        workloads: z.object({ api: workload, websocket: workload, executor: workload }).strict(),
        names: z
            .object({
                grafanaAdminSecret: dnsLabel(),
                telegramSecret: dnsLabel(),
                exporterSecret: dnsLabel(),
                dashboards: dnsLabel(),
                alertRules: dnsLabel(),
                // ECK refuses longer names: it derives Services and Secrets from them.
                elasticsearch: z.string().max(36, { abort: true }).pipe(dnsLabel()),
                kibana: z.string().max(36, { abort: true }).pipe(dnsLabel()),
                // A CronJob's name leaves room for its Jobs' suffix.
                indexCleaner: z.string().max(52, { abort: true }).pipe(dnsLabel()),
            })
            .strict(),
        dataJobs: z
            .object({
                backups: z.string().min(1).refine((r) => isRegExp(r), { error: "expected a regular expression matching the backup CronJobs' names, such as .*backup.* (no double quote or backslash)" }),
                partitions: dnsLabel(),
                restoreDrill: dnsLabel(),
            })
            .strict(),
        prometheusRetention: z.string().regex(/^[0-9]+[hdwy]$/, { error: "expected a duration such as 15d (a number and h, d, w or y)" }),
        prometheusStorage: field.quantity(),
        grafanaStorage: field.quantity(),
        storageClassName: z.string().max(253, { abort: true }).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: "expected a StorageClass name such as gp3" }).optional(),
        orderLatencyP95Seconds: seconds(),
        apiLatencyP95Seconds: seconds(),
        alertmanagerReceiver: z.enum(ALERTMANAGER_RECEIVERS),
        telegramChatId: z.number().int({ error: "expected a Telegram chat ID, an integer such as -1001234567890" }).optional(),
        telegramBotToken: field.input().optional(),
        tracingStorage: z.enum(TRACING_STORAGES),
        logging: z.boolean(),
        elasticsearchStorage: field.quantity(),
        // Loose: a data tier's whole `endpoints` object may be passed; the exporters read these two.
        dataEndpoints: z.looseObject({ postgresHost: required("the PostgreSQL host"), redisHost: required("the Redis host") }).optional(),
        exporterCredentials: z
            .object({
                postgresUser: required("the exporter's PostgreSQL user"),
                postgresPassword: required("the exporter's PostgreSQL password"),
                redisUser: z.string().min(1).optional(),
                redisPassword: required("the exporter's Redis password"),
            })
            .strict()
            .optional(),
        postgresDatabase: z.string().min(1).max(63, { abort: true }).regex(/^[A-Za-z_][A-Za-z0-9_$-]*$/, { error: "expected a PostgreSQL database name such as deepalpha" }),
        redisTls: z.boolean(),
        dataCidrs: z.array(field.cidr()).optional(),
        preinstalled: z.array(z.enum(OBSERVABILITY_ADDONS)).refine((l) => new Set(l).size === l.length, { error: "lists an add-on twice" }),
    })
    .strict();

/** A regular expression PromQL can quote as it is (no double quote or backslash, which its string would need escaped). */
function isRegExp(source: string): boolean {
    if (/["\\]/.test(source)) return false;
    try {
        new RegExp(source);
        return true;
    } catch {
        return false;
    }
}

/** Problems that span fields: each names the argument, the value given and what is needed. */
export function crossFieldProblems(a: ResolvedObservabilityArgs): string[] {
    const out: string[] = [];
    if (a.alertmanagerReceiver === "telegram") {
        if (a.telegramChatId === undefined) out.push(`telegramChatId: got (unset), required when alertmanagerReceiver is "telegram"`);
        if (a.telegramBotToken === undefined || a.telegramBotToken === null || a.telegramBotToken === "") {
            out.push(`telegramBotToken: got ${a.telegramBotToken === "" ? '""' : "(unset)"}, required when alertmanagerReceiver is "telegram" (the bot's token, a secret)`);
        }
    }
    if (a.exporterCredentials && !a.dataEndpoints) {
        out.push("dataEndpoints: got (unset), required with exporterCredentials (the exporters need postgresHost and redisHost)");
    }
    const workloadNames = a.workloads && Object.values(a.workloads).map((w) => w?.name);
    const twice = workloadNames?.find((n, i) => n !== undefined && workloadNames.indexOf(n) !== i);
    if (twice !== undefined) out.push(`workloads: ${show(twice)} names two workloads; each needs its own name (it is its scrape job)`);
    const secrets = a.names && [a.names.grafanaAdminSecret, a.names.telegramSecret, a.names.exporterSecret];
    const sameSecret = secrets?.find((n, i) => n !== undefined && secrets.indexOf(n) !== i);
    if (sameSecret !== undefined) out.push(`names: ${show(sameSecret)} names two Secrets (grafanaAdminSecret, telegramSecret and exporterSecret must differ)`);
    return out;
}

/** Throws an ArgsError listing every problem of the resolved args (nothing is registered yet). */
export function validateObservabilityArgs(name: string, resolved: ResolvedObservabilityArgs): void {
    validateArgs("Observability", name, observabilityArgsSchema, resolved, crossFieldProblems(resolved));
}
