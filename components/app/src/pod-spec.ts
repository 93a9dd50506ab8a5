// Shared pieces of every application pod: security context, scratch volumes, probes, env from Secrets,
// config checksums and zone/node spreading. Pure functions: tests call them without mocks.
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { restrictedContainerSecurity, restrictedPodSecurity } from "@deepalpha/shared";
import type { Profile, ResolvedAppTierArgs } from "./args";

export type Container = k8s.types.input.core.v1.Container;
export type EnvVar = k8s.types.input.core.v1.EnvVar;
export type PodSpec = k8s.types.input.core.v1.PodSpec;
export type Volume = k8s.types.input.core.v1.Volume;
export type VolumeMount = k8s.types.input.core.v1.VolumeMount;
export type Probe = k8s.types.input.core.v1.Probe;
export type TopologySpreadConstraint = k8s.types.input.core.v1.TopologySpreadConstraint;

/** UID/GID of the DeepAlpha image's non-root user. */
export const DEEPALPHA_UID = 10001;
/** Freqtrade's image runs as `ftuser` (uid/gid 1000); keeping it lets the image's own files stay readable. */
export const FREQTRADE_UID = 1000;

/** Annotation keys that roll the pods when their inputs change. */
export const CHECKSUM_CONFIG = "checksum/config";
export const CHECKSUM_SECRETS = "checksum/secrets";

export const image = (ref: { repository: string; tag: string }) => `${ref.repository}:${ref.tag}`;

/** JSON with sorted keys at every level: the same object always gives the same text (and the same hash). */
export function stableJson(v: unknown, indent?: number): string {
    const sort = (x: unknown): unknown => {
        if (Array.isArray(x)) return x.map(sort);
        if (x && typeof x === "object") {
            return Object.fromEntries(Object.keys(x as object).sort().map((k) => [k, sort((x as Record<string, unknown>)[k])]));
        }
        return x;
    };
    return JSON.stringify(sort(v), null, indent);
}

export const sha256 = (text: string) => crypto.createHash("sha256").update(text).digest("hex");

/**
 * Hash of secret values for a pod annotation. The values never appear; the hash stays a Pulumi secret too
 * (it is derived from secrets), so state and previews show `[secret]`.
 */
export function secretChecksum(values: Record<string, pulumi.Input<string> | undefined>): pulumi.Output<string> {
    const keys = Object.keys(values).sort();
    const hash = pulumi.all(keys.map((k) => values[k] ?? "")).apply((vs) => sha256(keys.map((k, i) => `${k}=${vs[i]}`).join("\n")));
    // Secret even when no value is set (dev): one rule for every stack.
    return pulumi.secret(hash);
}

export function secretEnv(name: string, secretName: pulumi.Input<string>, key: string, optional = false): EnvVar {
    return { name, valueFrom: { secretKeyRef: { name: secretName, key, ...(optional ? { optional: true } : {}) } } };
}

/** Writable scratch space under a read-only root file system. */
export const TMP_VOLUME: Volume = { name: "tmp", emptyDir: { sizeLimit: "256Mi" } };
export const TMP_MOUNT: VolumeMount = { name: "tmp", mountPath: "/tmp" };

export const containerSecurity = restrictedContainerSecurity;
export const podSecurity = restrictedPodSecurity;

export function httpProbe(path: string, port: string, initialDelaySeconds: number, periodSeconds: number, failureThreshold = 3): Probe {
    return { httpGet: { path, port }, initialDelaySeconds, periodSeconds, timeoutSeconds: 2, failureThreshold };
}

/** OpenTelemetry SDK settings (opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables). */
export function otelEnv(profile: Profile, serviceNamespace: string, serviceName: string, otlpEndpoint: pulumi.Input<string>): EnvVar[] {
    return [
        { name: "OTEL_SERVICE_NAME", value: serviceName },
        { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: otlpEndpoint },
        { name: "OTEL_EXPORTER_OTLP_PROTOCOL", value: "grpc" },
        { name: "OTEL_RESOURCE_ATTRIBUTES", value: `service.namespace=${serviceNamespace},deployment.environment.name=${environmentName(profile)}` },
    ];
}

export const environmentName = (profile: Profile) => (profile === "production" ? "prod" : "dev");

/**
 * Spread over zones (hard: losing a zone must not take every replica) and nodes. `nodeTaintsPolicy: Honor`
 * leaves tainted nodes (NotReady, unreachable, cordoned) out of the skew count, so a dead zone or node does
 * not strand replacement pods as Pending; `matchLabelKeys` computes the skew per rollout revision.
 */
export function spreadConstraints(
    selector: Record<string, string>,
    nodes: "DoNotSchedule" | "ScheduleAnyway",
): TopologySpreadConstraint[] {
    const base = { maxSkew: 1, labelSelector: { matchLabels: selector }, matchLabelKeys: ["pod-template-hash"], nodeTaintsPolicy: "Honor" };
    return [
        { ...base, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" },
        { ...base, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: nodes },
    ];
}

export interface PodSpecOptions {
    profile: Profile;
    /** The ServiceAccount the pod runs as. */
    serviceAccountName: string;
    containers: Container[];
    initContainers?: Container[];
    volumes?: Volume[];
    uid?: number;
    /** Only pods that call the Kubernetes API get a token (the seed's read-only Role is for the API). */
    mountToken?: boolean;
    terminationGracePeriodSeconds?: number;
    /** Spread in production; undefined for single-replica workloads. */
    spread?: TopologySpreadConstraint[];
    nodeSelector?: Record<string, string>;
    tolerations?: k8s.types.input.core.v1.Toleration[];
    /** Namespaced safe sysctls (pod-sysctls.ts), set in production only: a laptop cluster may predate them. */
    sysctls?: { name: string; value: string }[];
}

/** A restricted pod spec: non-root, RuntimeDefault seccomp, no service links, /tmp as emptyDir. */
export function podSpec(o: PodSpecOptions): PodSpec {
    return {
        serviceAccountName: o.serviceAccountName,
        automountServiceAccountToken: o.mountToken === true,
        // Thousands of *_SERVICE_HOST variables help nobody and slow process start.
        enableServiceLinks: false,
        securityContext: {
            ...podSecurity(o.uid ?? DEEPALPHA_UID),
            ...(o.profile === "production" && o.sysctls?.length ? { sysctls: o.sysctls } : {}),
        },
        ...(o.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: o.terminationGracePeriodSeconds } : {}),
        ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
        ...(o.tolerations ? { tolerations: o.tolerations } : {}),
        ...(o.profile === "production" && o.spread ? { topologySpreadConstraints: o.spread } : {}),
        ...(o.initContainers ? { initContainers: o.initContainers } : {}),
        containers: o.containers,
        volumes: [TMP_VOLUME, ...(o.volumes ?? [])],
    };
}

/** Settings-derived environment shared by the DeepAlpha processes (ConfigMap `names.configMap`). */
export function appConfigData(profile: Profile, s: Pick<ResolvedAppTierArgs, "exchange" | "llmBaseUrl" | "newsApiUrl">): Record<string, string> {
    const testnet = s.exchange.testnet;
    return {
        DEEPALPHA_PROFILE: profile,
        DEPLOYMENT_ENVIRONMENT: environmentName(profile),
        EXCHANGE_NAME: s.exchange.name,
        BINANCE_TESTNET: String(testnet),
        // Spot REST endpoints: developers.binance.com/docs/binance-spot-api-docs (testnet: testnet.binance.vision).
        BINANCE_BASE_URL: testnet ? "https://testnet.binance.vision" : "https://api.binance.com",
        // Binance serves its streams on 9443 and on 443; 443 is the one port the API's NetworkPolicy opens to
        // the internet (network-policies.ts), so 9443 would be silently dropped in prod.
        BINANCE_WS_URL: testnet ? "wss://stream.testnet.binance.vision/ws" : "wss://stream.binance.com:443/ws",
        LLM_BASE_URL: s.llmBaseUrl,
        NEWS_API_URL: s.newsApiUrl,
    };
}
