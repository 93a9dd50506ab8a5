// The only place that reads the Pulumi stack configuration. Everything else receives the typed result.
import * as pulumi from "@pulumi/pulumi";
import { SecretKey, Settings } from "./settings/schema";
import { ConfigError, type PlaceholderMode, validateConfig } from "./settings/validate";

// `isConfigSecret` is the SDK's own record of which keys were set with `--secret`; it is not in the typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

export interface StackConfig {
    settings: Settings;
    /** Secret values, wrapped so they stay encrypted in state and never print. */
    secrets: Partial<Record<SecretKey, pulumi.Output<string>>>;
    /** AWS region (production), from the aws provider's own `aws:region` setting. */
    awsRegion: string;
    stack: string;
}

let placeholderMode: PlaceholderMode = "refuse";
/**
 * The offline plan (test/harness/run.ts) shows the committed template with its placeholders and notes them;
 * nothing else calls this, so `pulumi up` and `pulumi preview` always refuse them.
 */
export function setPlaceholderMode(mode: PlaceholderMode): void {
    placeholderMode = mode;
}

export function loadConfig(): StackConfig {
    const values = pulumi.runtime.allConfig();
    const secretKeys = new Set(Object.keys(values).filter((k) => isConfigSecret(k)));
    const stack = pulumi.getStack();
    try {
        const { settings, secrets, awsRegion, warnings } = validateConfig({ values, secretKeys, stack }, { placeholders: placeholderMode });
        for (const w of warnings) void pulumi.log.warn(w);
        const wrapped: StackConfig["secrets"] = {};
        for (const [k, v] of Object.entries(secrets)) wrapped[k as SecretKey] = pulumi.secret(v);
        return { settings, secrets: wrapped, awsRegion, stack };
    } catch (e) {
        // RunError ends `pulumi up` with the message alone: a user's mistake gets no stack trace.
        if (e instanceof ConfigError) {
            for (const w of e.warnings) void pulumi.log.warn(w);
            throw new pulumi.RunError(e.message);
        }
        throw e;
    }
}
