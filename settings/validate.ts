// Turns the raw `deepalpha:*` stack configuration into one typed, validated Settings object, or a
// ConfigError that lists every problem with the key, the value given and what is allowed.
// Pure: no Pulumi runtime here, so tests and the offline plan call it directly.
import { describeIssue, show } from "@deepalpha/shared";
import { deepMerge, profileDefaults } from "./defaults";
import { EXECUTOR_FAMILY_CPU, FAMILIES_WITHOUT_ENA, familiesFor, familyOf, hasEna } from "./instance-families";
import { foreignKeyWarnings } from "./foreign-keys";
import { unsatisfiableProblems } from "./schedulability";
import {
    PROFILES,
    REQUIRED_SECRETS,
    SECRET_KEYS,
    SecretKey,
    Settings,
    settingsSchema,
    type Profile,
} from "./schema";

export const NAMESPACE = "deepalpha";

/** The most problems a ConfigError message lists; the rest are counted ("... and N more"). */
export const MAX_LISTED_PROBLEMS = 20;

export class ConfigError extends Error {
    /** Every problem found (the message lists the first MAX_LISTED_PROBLEMS). */
    constructor(
        readonly problems: string[],
        /** Keys with no effect (settings/foreign-keys.ts), known once the profile is: shown beside the problems. */
        readonly warnings: string[] = [],
    ) {
        const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `  - ${p}`);
        const more = problems.length - listed.length;
        super(`invalid stack configuration:\n${listed.join("\n")}${more > 0 ? `\n  ... and ${more} more problem${more === 1 ? "" : "s"}` : ""}`);
        this.name = "ConfigError";
    }
}

export interface RawConfig {
    /** Every config value of the stack, keyed `namespace:key`, as Pulumi hands it over (objects as JSON text). */
    values: Record<string, string>;
    /** Keys whose values were set with `--secret`. */
    secretKeys: ReadonlySet<string>;
    /** Stack name, for the `pulumi config set` hints. */
    stack: string;
}

/**
 * What to do with placeholder values (documentation address ranges, reserved example domains, the sample
 * Telegram chat): `refuse` (a real `pulumi up`, `npm run plan -- --strict`) or `note` (the offline plan, which
 * shows the committed template as it is and says what must be replaced).
 */
export type PlaceholderMode = "refuse" | "note";

export interface ValidateOptions {
    placeholders?: PlaceholderMode;
}

/** RFC 5737 documentation ranges: never routed on the internet. */
export const DOCUMENTATION_CIDRS = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"] as const;
/** The sample chat ID of the template (Telegram's documentation format for a supergroup). */
export const PLACEHOLDER_TELEGRAM_CHAT_ID = -1001234567890;
/** RFC 2606 / RFC 6761 names: Let's Encrypt issues no certificate for them and refuses them as contacts. */
const RESERVED_DOMAIN = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost|local)$/;
/** The RFC 2606 example domains: the template's placeholder hosts. Other non-public names are refused outright (schedulability.ts). */
const EXAMPLE_DOMAIN = /(^|\.)(example\.(com|net|org)|example)$/;

function ipv4Range(cidr: string): [number, number] {
    const [addr, bits] = cidr.split("/");
    const n = addr.split(".").reduce((a, o) => a * 256 + Number(o), 0);
    const size = 2 ** (32 - Number(bits));
    const start = Math.floor(n / size) * size;
    return [start, start + size - 1];
}

/** The documentation range a CIDR overlaps, if any. */
export function documentationRangeOf(cidr: string): string | undefined {
    const [a0, a1] = ipv4Range(cidr);
    return DOCUMENTATION_CIDRS.find((d) => {
        const [b0, b1] = ipv4Range(d);
        return a0 <= b1 && b0 <= a1;
    });
}

/** Values a production stack cannot go live with: each would leave a part of prod unreachable or unissued. */
export function placeholderProblems(s: Settings): string[] {
    if (s.profile !== "production") return [];
    const p: string[] = [];
    s.cluster.publicEndpointCidrs.forEach((cidr, i) => {
        const doc = documentationRangeOf(cidr);
        if (doc) {
            p.push(
                `${NAMESPACE}:cluster.publicEndpointCidrs[${i}]: got ${JSON.stringify(cidr)}, a documentation range (${doc}, RFC 5737) that no real client comes from, ` +
                    "so nobody could reach the EKS API and every Kubernetes resource would time out; set the egress CIDRs of whoever runs pulumi up (VPN, CI runner), " +
                    "or [] for a private-only endpoint reached from inside the VPC (docs/bootstrap.md)",
            );
        }
    });
    for (const key of ["apiHost", "websocketHost"] as const) {
        if (EXAMPLE_DOMAIN.test(s.app[key])) {
            p.push(`${NAMESPACE}:app.${key}: got ${JSON.stringify(s.app[key])}, a reserved example domain (RFC 2606/6761): no client can resolve it and Let's Encrypt issues no certificate for it; set the real host name`);
        }
    }
    const email = s.cluster.gateway.acmeEmail;
    if (s.cluster.gateway.tls === "letsEncrypt" && email && RESERVED_DOMAIN.test(email.split("@")[1] ?? "")) {
        p.push(`${NAMESPACE}:cluster.gateway.acmeEmail: got ${JSON.stringify(email)}, Let's Encrypt refuses contact addresses at reserved example domains (invalidContact); set a mailbox the team reads`);
    }
    if (s.observability.alertmanagerReceiver === "telegram" && s.observability.telegramChatId === PLACEHOLDER_TELEGRAM_CHAT_ID) {
        p.push(`${NAMESPACE}:observability.telegramChatId: got ${PLACEHOLDER_TELEGRAM_CHAT_ID}, the template's sample chat, so no alert would reach anyone; set the ID of the team's alert chat`);
    }
    return p;
}

export interface ValidatedConfig {
    settings: Settings;
    /** `aws:region` (validated in production; may be empty in the local profile). */
    awsRegion: string;
    /** Secret values by key; absent when not set (only possible where the profile does not require it). */
    secrets: Partial<Record<SecretKey, string>>;
    /** Placeholders that `placeholders: "note"` let through: each must be replaced before a real deploy. */
    placeholderNotes: string[];
    /** Keys outside deepalpha: that nothing in this program reads (kubernetes:context, a misspelt namespace): printed, not fatal. */
    warnings: string[];
}

function keyName(path: readonly PropertyKey[]): string {
    const [head, ...rest] = path.map(String);
    return `${NAMESPACE}:${head}${rest.map((p) => (/^[0-9]+$/.test(p) ? `[${p}]` : `.${p}`)).join("")}`;
}

/** Rules that join several settings, or that only the production profile enforces. */
function crossChecks(s: Settings): string[] {
    const p: string[] = [];
    const c = s.cluster;
    for (const [name, g] of [["generalNodes", c.generalNodes], ["executorNodes", c.executorNodes]] as const) {
        if (g.minSize > g.desiredSize || g.desiredSize > g.maxSize) {
            p.push(`${NAMESPACE}:cluster.${name}: got min ${g.minSize}, desired ${g.desiredSize}, max ${g.maxSize}; allowed is min <= desired <= max`);
        }
    }
    if (c.gateway.tls === "letsEncrypt" && !c.gateway.acmeEmail) {
        p.push(`${NAMESPACE}:cluster.gateway.acmeEmail: (unset) but cluster.gateway.tls is "letsEncrypt"; set an ACME account e-mail`);
    }
    if (c.gateway.tls === "acm" && !c.gateway.acmCertificateArn) {
        p.push(`${NAMESPACE}:cluster.gateway.acmCertificateArn: (unset) but cluster.gateway.tls is "acm"; set the certificate's ARN`);
    }
    if (s.data.postgres.maxAllocatedStorageGb < s.data.postgres.allocatedStorageGb) {
        p.push(`${NAMESPACE}:data.postgres.maxAllocatedStorageGb: got ${s.data.postgres.maxAllocatedStorageGb}, allowed minimum is data.postgres.allocatedStorageGb (${s.data.postgres.allocatedStorageGb})`);
    }
    for (const w of ["api", "websocket"] as const) {
        if (s.app.maxReplicas[w] < s.app.replicas[w]) {
            p.push(`${NAMESPACE}:app.maxReplicas.${w}: got ${s.app.maxReplicas[w]}, allowed minimum is app.replicas.${w} (${s.app.replicas[w]})`);
        }
    }
    const bots = s.app.freqtradeBots.map((b) => b.name);
    const dup = bots.find((b, i) => bots.indexOf(b) !== i);
    if (dup) p.push(`${NAMESPACE}:app.freqtradeBots: bot name ${JSON.stringify(dup)} appears twice; each bot needs its own name`);

    if (s.profile === "local") {
        if (!c.kubeContext) p.push(`${NAMESPACE}:cluster.kubeContext: (unset); the local profile needs the kubeconfig context of the local cluster`);
        if (s.data.secondRegion) p.push(`${NAMESPACE}:data.secondRegion: got ${JSON.stringify(s.data.secondRegion)}; the local profile has no AWS, so it must be "" (production only)`);
        return p;
    }
    // production: the seed's HA layout is a floor, not a suggestion.
    const floor = (key: string, got: number, min: number) => {
        if (got < min) p.push(`${NAMESPACE}:${key}: got ${got}, the production profile requires at least ${min}`);
    };
    floor("cluster.availabilityZones", c.availabilityZones, 3);
    floor("cluster.generalNodes.minSize", c.generalNodes.minSize, 3);
    floor("cluster.executorNodes.minSize", c.executorNodes.minSize, 2);
    // One general node group per zone, each able to hold at least one node.
    if (c.generalNodes.maxSize < c.availabilityZones) {
        p.push(`${NAMESPACE}:cluster.generalNodes.maxSize: got ${c.generalNodes.maxSize}, allowed minimum is cluster.availabilityZones (${c.availabilityZones}): the general nodes are one group per zone`);
    }
    floor("data.postgres.backupRetentionDays", s.data.postgres.backupRetentionDays, 7);
    floor("data.postgres.readReplicas", s.data.postgres.readReplicas, 2);
    floor("data.redis.replicas", s.data.redis.replicas, 2);
    floor("data.redis.snapshotRetentionDays", s.data.redis.snapshotRetentionDays, 7);
    floor("app.replicas.api", s.app.replicas.api, 3);
    floor("app.replicas.websocket", s.app.replicas.websocket, 2);
    floor("app.replicas.executor", s.app.replicas.executor, 2);
    for (const [key, img] of [["app.image", s.app.image], ["app.freqtradeImage", s.app.freqtradeImage]] as const) {
        if (/^(latest|stable|develop|main)$/.test(img.tag)) {
            p.push(`${NAMESPACE}:${key}.tag: got ${JSON.stringify(img.tag)}, the production profile requires a pinned version tag (not latest/stable/develop/main)`);
        }
    }
    const pg = s.data.postgres.engineVersion;
    if (pg.includes(".")) {
        p.push(
            `${NAMESPACE}:data.postgres.engineVersion: got ${JSON.stringify(pg)}, the production profile takes the major version only (such as ${JSON.stringify(pg.split(".")[0])}): ` +
                "RDS retires minors on its own schedule (no new instances, then forced upgrades), and a pinned minor would make the next preview after a forced upgrade plan a downgrade; " +
                "RDS creates the instance on the major's current default minor and upgrades minors itself (aws rds describe-db-engine-versions --engine postgres --default-only)",
        );
    }
    const clientMajor = s.data.images.postgres.tag.split(/[.-]/)[0];
    if (clientMajor !== pg.split(".")[0]) {
        p.push(`${NAMESPACE}:data.images.postgres.tag: got ${JSON.stringify(s.data.images.postgres.tag)}, the migration and pg_dump client must have the server's major version (data.postgres.engineVersion ${JSON.stringify(pg)})`);
    }
    // The ElastiCache RBAC users' access strings (components/data/src/redis-elasticache.ts) use subcommand rules
    // (+client|list), which ElastiCache accepts from Redis OSS 7.0 on; refused here, before anything is created.
    const [redisMajor, redisMinor] = s.data.redis.engineVersion.split(".").map(Number);
    if (redisMajor < 7) {
        p.push(
            `${NAMESPACE}:data.redis.engineVersion: got ${JSON.stringify(s.data.redis.engineVersion)}, the production profile needs Redis OSS 7.0 or newer ` +
                `(the RBAC users' access strings use subcommand rules such as +client|list, which ElastiCache accepts from 7.0; ${redisMajor}.${redisMinor} would fail in CreateUser)`,
        );
    }
    if (c.publicEndpointCidrs.includes("0.0.0.0/0")) {
        p.push(`${NAMESPACE}:cluster.publicEndpointCidrs: got "0.0.0.0/0", the production profile allows only specific CIDRs (or none)`);
    }
    if (c.gateway.tls === "selfSigned") {
        p.push(`${NAMESPACE}:cluster.gateway.tls: got "selfSigned", allowed in production are "letsEncrypt" and "acm"`);
    }
    p.push(...instanceTypeChecks(c));
    return p;
}

/** Rules that join several settings, or that only the production profile enforces; then what the cluster could not satisfy. */
function allCrossChecks(s: Settings): string[] {
    return [...crossChecks(s), ...unsatisfiableProblems(s)];
}

/**
 * Both node groups carry the network tuning, which assumes ENA enhanced networking (SR-IOV). The executor's
 * binary is compiled for one CPU (`executorNodes.cpuTarget`): its node group must be a family with exactly that
 * CPU, so a change of family is refused until the image is rebuilt and cpuTarget follows (docs/performance-tuning.md).
 */
function instanceTypeChecks(c: Settings["cluster"]): string[] {
    const p: string[] = [];
    for (const [name, g] of [["generalNodes", c.generalNodes], ["executorNodes", c.executorNodes]] as const) {
        if (!hasEna(g.instanceType)) {
            p.push(
                `${NAMESPACE}:cluster.${name}.instanceType: got ${JSON.stringify(g.instanceType)}, a family without ENA enhanced networking (${FAMILIES_WITHOUT_ENA.join(", ")}); choose a current-generation (Nitro) family`,
            );
        }
    }
    const e = c.executorNodes;
    const family = familyOf(e.instanceType);
    const cpu = EXECUTOR_FAMILY_CPU[family];
    if (!hasEna(e.instanceType)) return p;
    if (cpu === undefined) {
        p.push(
            `${NAMESPACE}:cluster.executorNodes.instanceType: got ${JSON.stringify(e.instanceType)}, family ${JSON.stringify(family)} is not one whose CPU is known; allowed families: ${Object.keys(EXECUTOR_FAMILY_CPU).join(", ")}`,
        );
    } else if (cpu !== e.cpuTarget) {
        p.push(
            `${NAMESPACE}:cluster.executorNodes.instanceType: got ${JSON.stringify(e.instanceType)}, whose CPU is ${cpu}, but cluster.executorNodes.cpuTarget is ${JSON.stringify(e.cpuTarget)}: ` +
                `a binary built for one CPU can crash on another. Use a family with ${e.cpuTarget} (${familiesFor(e.cpuTarget).join(", ")}), or rebuild the executor image with -C target-cpu=${cpu} and set cpuTarget to "${cpu}"`,
        );
    }
    return p;
}

function parseValue(key: string, text: string, problems: string[]): unknown {
    // Pulumi hands structured values over as JSON text; plain strings stay strings.
    const t = text.trim();
    if (t.startsWith("{") || t.startsWith("[") || /^(true|false|-?[0-9]+(\.[0-9]+)?)$/.test(t)) {
        try {
            return JSON.parse(t);
        } catch {
            problems.push(`${key}: got ${JSON.stringify(text)}, which is not valid JSON`);
            return undefined;
        }
    }
    return text;
}

/** AWS region names: us-west-2, eu-central-1, us-gov-west-1, ... */
export const AWS_REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$/;

/** The command that sets a secret, without its value: the CLI prompts for it (hidden), or reads it from `< FILE`. */
export function setSecretCommand(stack: string, key: SecretKey): string {
    return `pulumi config set --secret --stack ${stack} ${NAMESPACE}:${key} (it prompts for the value; never put it on the command line)`;
}

export function validateConfig(raw: RawConfig, options: ValidateOptions = {}): ValidatedConfig {
    const problems: string[] = [];
    const given: Record<string, unknown> = {};
    const secrets: Partial<Record<SecretKey, string>> = {};
    const secretSet = new Set<string>(SECRET_KEYS);
    const allowedKeys = [...Object.keys(settingsSchema.shape), ...SECRET_KEYS].sort();

    for (const [fullKey, text] of Object.entries(raw.values)) {
        const [ns, ...restParts] = fullKey.split(":");
        if (ns !== NAMESPACE) continue; // aws:region, kubernetes:* and pulumi:* belong to their providers
        const key = restParts.join(":");
        if (secretSet.has(key)) {
            if (!raw.secretKeys.has(fullKey)) {
                problems.push(`${fullKey}: is stored in plain text; secrets must be encrypted: ${setSecretCommand(raw.stack, key as SecretKey)}`);
            } else if (text.length === 0) {
                problems.push(`${fullKey}: is empty; set it with ${setSecretCommand(raw.stack, key as SecretKey)}`);
            } else {
                secrets[key as SecretKey] = text;
            }
            continue;
        }
        if (!(key in settingsSchema.shape)) {
            problems.push(`${fullKey}: unknown setting (allowed: ${allowedKeys.join(", ")})`);
            continue;
        }
        given[key] = parseValue(fullKey, text, problems);
    }

    const profile = given.profile ?? "local";
    if (!PROFILES.includes(profile as Profile)) {
        problems.push(`${NAMESPACE}:profile: got ${show(profile)}, allowed values are ${PROFILES.map((p) => JSON.stringify(p)).join(", ")}`);
        throw new ConfigError(problems);
    }
    const warnings = foreignKeyWarnings(Object.keys(raw.values), profile as Profile);
    const merged = deepMerge(profileDefaults(profile as Profile), given) as Record<string, unknown>;
    merged.profile = profile;

    const parsed = settingsSchema.safeParse(merged);
    if (!parsed.success) {
        for (const issue of parsed.error.issues) for (const p of describeIssue(issue, merged, keyName)) problems.push(p);
        throw new ConfigError(problems, warnings);
    }
    problems.push(...allCrossChecks(parsed.data));
    const placeholders = placeholderProblems(parsed.data);
    if ((options.placeholders ?? "refuse") === "refuse") problems.push(...placeholders);
    const region = raw.values["aws:region"];
    if (parsed.data.profile === "production" && !AWS_REGION_PATTERN.test(region ?? "")) {
        problems.push(`aws:region: got ${region ? JSON.stringify(region) : "(unset)"}, expected an AWS region such as us-west-2 (pulumi config set aws:region us-west-2)`);
    }
    if (parsed.data.profile === "production" && region && parsed.data.data.secondRegion === region) {
        problems.push(`${NAMESPACE}:data.secondRegion: got ${JSON.stringify(region)}, the same as aws:region; the copies must live in another region (or "" for none)`);
    }
    for (const key of REQUIRED_SECRETS[parsed.data.profile]) {
        if (secrets[key] === undefined && !problems.some((p) => p.startsWith(`${NAMESPACE}:${key}:`))) {
            problems.push(`${NAMESPACE}:${key}: required secret is missing (${parsed.data.profile} profile); set it with: ${setSecretCommand(raw.stack, key)}`);
        }
    }
    if (problems.length > 0) throw new ConfigError(problems, warnings);
    return { settings: parsed.data, secrets, awsRegion: region ?? "", placeholderNotes: options.placeholders === "note" ? placeholders : [], warnings };
}
