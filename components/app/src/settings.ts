// The application tier's settings: an interface this package owns (the DeepAlpha stack maps its config onto it).
export { type Profile } from "@deepalpha/shared";

export interface ImageRef {
    repository: string;
    tag: string;
}

export interface FreqtradeBotSettings {
    name: string;
    strategy: string;
    pairs: string[];
    dryRun: boolean;
}

export interface AppSettings {
    image: ImageRef;
    freqtradeImage: ImageRef;
    apiHost: string;
    websocketHost: string;
    replicas: { api: number; websocket: number; executor: number };
    maxReplicas: { api: number; websocket: number };
    freqtradeBots: FreqtradeBotSettings[];
    exchange: { name: "binance"; testnet: boolean };
    llmBaseUrl: string;
    newsApiUrl: string;
    executor: { cpu: number; memory: string; hugepages2Mi: string };
    freqtradeVolumeSize: string;
}

/** The external services' keys the application reads (Pulumi secrets in, one Kubernetes Secret out). */
export const SECRET_KEYS = ["binanceApiKey", "binanceApiSecret", "telegramBotToken", "newsApiKey", "llmApiKey"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];
