// @deepalpha/app: the DeepAlpha workloads. API, WebSocket, Rust executor and Freqtrade bots, with their routes,
// autoscaling, disruption budgets and network policies.
export { APP_CONFIG_NAME, AppTier, type AppTierArgs } from "./app-tier";
export { SECRET_KEYS as APP_SECRET_KEYS, type AppSettings, type FreqtradeBotSettings, type ImageRef, type SecretKey } from "./settings";
export type { Profile } from "@deepalpha/shared";
// Building blocks: pure functions and constants the component uses, public for tests and other programs.
export { botProblems } from "./freqtrade";
export { SAFE_SYSCTLS, executorSysctls, websocketSysctls } from "./pod-sysctls";
