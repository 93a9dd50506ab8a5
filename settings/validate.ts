// Turns the raw `deepalpha:*` stack configuration into one typed, validated Settings object, or a
// ConfigError that lists every problem with the key, the value given and what is allowed.
// Pure: no Pulumi runtime here, so tests and the offline plan call it directly.
import { z } from "zod";
import { deepMerge, profileDefaults } from "./defaults";
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

export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
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

export interface ValidatedConfig {
    settings: Settings;
    /** `aws:region` (validated in production; may be empty in the local profile). */
    awsRegion: string;
    /** Secret values by key; absent when not set (only possible where the profile does not require it). */
    secrets: Partial<Record<SecretKey, string>>;
}

const show = (v: unknown) => (v === undefined ? "(unset)" : JSON.stringify(v));

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    let cur: unknown = root;
    for (const p of path) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Record<PropertyKey, unknown>)[p as string];
    }
    return cur;
}

function keyName(path: readonly PropertyKey[]): string {
    const [head, ...rest] = path.map(String);
    return `${NAMESPACE}:${head}${rest.map((p) => (/^[0-9]+$/.test(p) ? `[${p}]` : `.${p}`)).join("")}`;
}

/** One line per zod issue: the key, the value given, what is allowed. */
function describeIssue(issue: z.core.$ZodIssue, merged: unknown): string[] {
    const value = valueAt(merged, issue.path);
    switch (issue.code) {
        case "unrecognized_keys":
            return issue.keys.map((k) => {
                const allowed = Object.keys(valueAt(merged, issue.path) ?? {}).filter((x) => !issue.keys.includes(x));
                return `${keyName([...issue.path, k])}: unknown setting (allowed here: ${allowed.sort().join(", ")})`;
            });
        case "invalid_type":
            return [`${keyName(issue.path)}: got ${show(value)}, expected ${issue.expected}`];
        case "too_small":
            return [`${keyName(issue.path)}: got ${show(value)}, allowed minimum is ${String(issue.minimum)}`];
        case "too_big":
            return [`${keyName(issue.path)}: got ${show(value)}, allowed maximum is ${String(issue.maximum)}`];
        case "invalid_value":
            return [`${keyName(issue.path)}: got ${show(value)}, allowed values are ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`];
        default:
            return [`${keyName(issue.path)}: got ${show(value)}, ${issue.message}`];
    }
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
    if (c.publicEndpointCidrs.includes("0.0.0.0/0")) {
        p.push(`${NAMESPACE}:cluster.publicEndpointCidrs: got "0.0.0.0/0", the production profile allows only specific CIDRs (or none)`);
    }
    if (c.gateway.tls === "selfSigned") {
        p.push(`${NAMESPACE}:cluster.gateway.tls: got "selfSigned", allowed in production are "letsEncrypt" and "acm"`);
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

export function setSecretCommand(stack: string, key: SecretKey): string {
    return `pulumi config set --secret --stack ${stack} ${NAMESPACE}:${key} <value>`;
}

export function validateConfig(raw: RawConfig): ValidatedConfig {
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
    const merged = deepMerge(profileDefaults(profile as Profile), given) as Record<string, unknown>;
    merged.profile = profile;

    const parsed = settingsSchema.safeParse(merged);
    if (!parsed.success) {
        for (const issue of parsed.error.issues) problems.push(...describeIssue(issue, merged));
        throw new ConfigError(problems);
    }
    problems.push(...crossChecks(parsed.data));
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
    if (problems.length > 0) throw new ConfigError(problems);
    return { settings: parsed.data, secrets, awsRegion: region ?? "" };
}
