// The app tier's children whose names changed when the tier became the @deepalpha/app package: new name -> old.
// The instance is "app" (index.ts); the package names its children `app-<suffix>` (appChildNames).
import type { LegacyNames } from "../aliases";

/** The fixed children: config, external keys, the three workloads (Deployment, Service, HPA, PDB), policies, routes. */
const FIXED: Record<string, string> = {
    "app-config": "deepalpha-config",
    "app-external": "deepalpha-external",
    "app-api": "deepalpha-api",
    "app-websocket": "deepalpha-websocket",
    "app-executor": "deepalpha-executor",
    "app-api-network-policy": "api-network-policy",
    "app-websocket-network-policy": "websocket-network-policy",
    "app-executor-network-policy": "executor-network-policy",
    "app-freqtrade-network-policy": "freqtrade-network-policy",
    "app-api-route": "deepalpha-api-route",
    "app-websocket-route": "deepalpha-websocket-route",
    "app-https-redirect": "deepalpha-https-redirect",
};

/**
 * A Freqtrade bot's children were `freqtrade-<bot>[-api-password|-jwt-secret|-ws-token|-api|-config|-user-data]`
 * and are `app-freqtrade-<bot>...`. The bots are stack settings (each stack names its own), so a rule answers for
 * every `app-freqtrade-...` name.
 */
const BOT_PREFIX = "app-freqtrade-";

export const LEGACY_APP_NAMES: LegacyNames = (name) =>
    Object.hasOwn(FIXED, name) ? FIXED[name] : name.startsWith(BOT_PREFIX) ? name.slice("app-".length) : undefined;
