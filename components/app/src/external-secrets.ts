// Keys of the external services (Binance, news, LLM, Telegram): Pulumi secrets in, one Kubernetes Secret
// out (`names.externalSecret`), read by the containers only through secretKeyRef. A key the caller does not
// set (fine for a local stack) is left out of the Secret and its reference is optional, so the pod still starts.
import * as pulumi from "@pulumi/pulumi";
import { type AppSecrets, SECRET_KEYS, type SecretKey } from "./args";
import { type EnvVar, secretEnv } from "./pod-spec";

/** Per Pulumi secret: its key in the Kubernetes Secret and the environment variable the app reads. */
export const EXTERNAL_KEYS: Record<SecretKey, { key: string; env: string }> = {
    binanceApiKey: { key: "binance-api-key", env: "BINANCE_API_KEY" },
    binanceApiSecret: { key: "binance-api-secret", env: "BINANCE_API_SECRET" },
    telegramBotToken: { key: "telegram-bot-token", env: "TELEGRAM_BOT_TOKEN" },
    newsApiKey: { key: "news-api-key", env: "NEWS_API_KEY" },
    llmApiKey: { key: "llm-api-key", env: "LLM_API_KEY" },
};

export type ExternalSecrets = AppSecrets;

/** `stringData` of the Secret: only the keys the caller sets, each still a Pulumi secret. */
export function externalSecretData(secrets: ExternalSecrets): Record<string, pulumi.Output<string>> {
    const out: Record<string, pulumi.Output<string>> = {};
    for (const k of SECRET_KEYS) {
        const v = secrets[k];
        if (v !== undefined) out[EXTERNAL_KEYS[k].key] = pulumi.secret(v);
    }
    return out;
}

/** Env var reading one external key; optional exactly when the caller did not set it. */
export function externalEnv(k: SecretKey, secrets: ExternalSecrets, secretName: pulumi.Input<string>, envName = EXTERNAL_KEYS[k].env): EnvVar {
    return secretEnv(envName, secretName, EXTERNAL_KEYS[k].key, secrets[k] === undefined);
}
