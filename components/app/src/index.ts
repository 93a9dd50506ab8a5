// @deepalpha/app: the DeepAlpha workloads. API, WebSocket, Rust executor and Freqtrade bots, with their routes,
// autoscaling, disruption budgets and network policies.
export { AppTier, appChildNames } from "./app-tier";
export {
    EXCHANGES,
    PROFILES,
    SECRET_KEYS as APP_SECRET_KEYS,
    TAINT_EFFECTS,
    type AppNamespaces,
    type AppObjectNames,
    type AppSecrets,
    type AppTierArgs,
    type ExchangeArgs,
    type ExchangeName,
    type ExecutorNodes,
    type ExecutorSize,
    type FreqtradeBot,
    type GatewayRef,
    type ImageRef,
    type MaxReplicaCounts,
    type NodeTaint,
    type Profile,
    type ReplicaCounts,
    type ResolvedAppTierArgs,
    type SecretKey,
} from "./args";
export {
    APP_TIER_TYPE,
    DEFAULT_APP_NAMES,
    DEFAULT_APP_NAMESPACES,
    DEFAULT_CONNECTION_SECRET_NAME,
    defaultAppSettings,
    defaultAppTierArgs,
    defaultOtlpEndpoint,
    resolveAppTierArgs,
    type AppSettingsDefaults,
} from "./defaults";
export { appTierArgsSchema, crossFieldProblems, validateAppTierArgs } from "./validate";
// Building blocks: pure functions and constants the component uses, public for tests and other programs.
export { botProblems, type BotChoices } from "./freqtrade";
export { SAFE_SYSCTLS, executorSysctls, websocketSysctls } from "./pod-sysctls";
