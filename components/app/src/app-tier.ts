// AppTier: the DeepAlpha API, WebSocket, executor and Freqtrade bots, their routes, scaling,
// disruption budgets and network policies. A thin class: the builders in this folder decide what each
// object looks like; this file creates them, in order, with the provider passed in.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { AppSettings, Profile, SecretKey } from "./settings";
import { NAMESPACES, labelsFor } from "@deepalpha/shared";
import { apiWorkload } from "./api";
import type { AppContext, Workload } from "./context";
import { executorWorkload } from "./executor";
import { EXTERNAL_KEYS, EXTERNAL_SECRET_NAME, externalSecretData } from "./external-secrets";
import {
    BOT_SECRET_KEYS,
    botLabels,
    botName,
    botProblems,
    freqtradeConfigMap,
    freqtradeDeployment,
    freqtradePvc,
    freqtradeService,
} from "./freqtrade";
import { networkPolicies } from "./network-policies";
import { appConfigData, secretChecksum, sha256, stableJson } from "./pod-spec";
import { httpRoutes } from "./routes";
import { hpas, pdbs } from "./scaling";
import { websocketWorkload } from "./websocket";

export interface AppTierArgs {
    profile: Profile;
    settings: AppSettings;
    provider: k8s.Provider;
    connectionSecretName: pulumi.Output<string>;
    /** External service keys from Pulumi secrets. */
    secrets: Partial<Record<SecretKey, pulumi.Output<string>>>;
    otlpEndpoint: pulumi.Output<string>;
    /** Private ranges of the data stores (production) for egress rules. */
    dataCidrs?: string[];
    /** production: cluster.executorNodes.cpuTarget, the executor nodes' EXECUTOR_CPU_LABEL value. */
    executorCpuTarget?: string;
}

export const APP_CONFIG_NAME = "deepalpha-config";

export class AppTier extends pulumi.ComponentResource {
    readonly apiUrl: pulumi.Output<string>;
    readonly websocketUrl: pulumi.Output<string>;
    /** Deployment names by workload (one per Freqtrade bot). */
    readonly deployments: pulumi.Output<string[]>;

    constructor(name: string, args: AppTierArgs, opts?: pulumi.ComponentResourceOptions) {
        super("deepalpha:index:AppTier", name, {}, opts);
        const s = args.settings;
        const problems = botProblems(s);
        if (problems.length) throw new pulumi.RunError(`invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        const k8sOpts = { parent: this, provider: args.provider };

        // Settings-derived environment, and the external services' keys.
        const configData = appConfigData(args.profile, s);
        const config = new k8s.core.v1.ConfigMap(
            APP_CONFIG_NAME,
            { metadata: { name: APP_CONFIG_NAME, namespace: NAMESPACES.app, labels: labelsFor(APP_CONFIG_NAME, "config") }, data: configData },
            k8sOpts,
        );
        // No stringData at all when the stack sets none of the keys (allowed in dev): an empty secret map is not
        // stored in the engine's state, so every later `pulumi up` saw `+stringData` and replaced the Secret and
        // the Deployments that read it (found by the end-to-end run).
        const externalData = externalSecretData(args.secrets);
        const external = new k8s.core.v1.Secret(
            EXTERNAL_SECRET_NAME,
            {
                metadata: { name: EXTERNAL_SECRET_NAME, namespace: NAMESPACES.app, labels: labelsFor(EXTERNAL_SECRET_NAME, "config") },
                type: "Opaque",
                ...(Object.keys(externalData).length ? { stringData: externalData } : {}),
            },
            k8sOpts,
        );
        const ctx: AppContext = {
            executorCpuTarget: args.executorCpuTarget,
            profile: args.profile,
            settings: s,
            connectionSecretName: args.connectionSecretName,
            externalSecretName: external.metadata.name,
            secrets: args.secrets,
            configMapName: config.metadata.name,
            otlpEndpoint: args.otlpEndpoint,
            configChecksum: sha256(stableJson(configData)),
            secretsChecksum: secretChecksum(Object.fromEntries(Object.entries(args.secrets).map(([k, v]) => [EXTERNAL_KEYS[k as SecretKey].key, v]))),
        };

        const create = (w: Workload, key: string, autoscaled: boolean) => ({
            // The HPA owns the replica count once it runs: a later `pulumi up` must not reset it to the minimum.
            deployment: new k8s.apps.v1.Deployment(key, w.deployment, { ...k8sOpts, ...(autoscaled ? { ignoreChanges: ["spec.replicas"] } : {}) }),
            service: new k8s.core.v1.Service(key, w.service, k8sOpts),
        });
        const api = create(apiWorkload(ctx), "deepalpha-api", true);
        const websocket = create(websocketWorkload(ctx), "deepalpha-websocket", true);
        const executor = create(executorWorkload(ctx), "deepalpha-executor", false);

        // Freqtrade: per bot a config, generated REST API credentials, a volume, a Deployment and a Service.
        const bots = s.freqtradeBots.map((bot) => {
            const n = botName(bot);
            const password = (suffix: string, length: number) =>
                new random.RandomPassword(`${n}-${suffix}`, { length, special: false }, { parent: this });
            const creds = { password: password("api-password", 32), jwt: password("jwt-secret", 48), wsToken: password("ws-token", 32) };
            const botSecret = new k8s.core.v1.Secret(
                `${n}-api`,
                {
                    metadata: { name: `${n}-api`, namespace: NAMESPACES.app, labels: botLabels(bot) },
                    type: "Opaque",
                    stringData: {
                        [BOT_SECRET_KEYS.password]: creds.password.result,
                        [BOT_SECRET_KEYS.jwt]: creds.jwt.result,
                        [BOT_SECRET_KEYS.wsToken]: creds.wsToken.result,
                    },
                },
                k8sOpts,
            );
            const cm = new k8s.core.v1.ConfigMap(`${n}-config`, freqtradeConfigMap(bot, s), k8sOpts);
            const pvc = new k8s.core.v1.PersistentVolumeClaim(`${n}-user-data`, freqtradePvc(bot, args.profile, s), k8sOpts);
            const deployment = new k8s.apps.v1.Deployment(
                n,
                freqtradeDeployment(bot, ctx, {
                    botSecretName: botSecret.metadata.name,
                    configMapName: cm.metadata.name,
                    pvcName: pvc.metadata.name,
                    secretsChecksum: secretChecksum({
                        password: creds.password.result,
                        jwt: creds.jwt.result,
                        wsToken: creds.wsToken.result,
                        exchangeKey: args.secrets.binanceApiKey,
                        exchangeSecret: args.secrets.binanceApiSecret,
                    }),
                }),
                // The seed's `depends_on: deepalpha-api`: created once the API Deployment is ready.
                { ...k8sOpts, dependsOn: [api.deployment] },
            );
            new k8s.core.v1.Service(n, freqtradeService(bot), k8sOpts);
            return deployment;
        });

        const h = hpas(s);
        new k8s.autoscaling.v2.HorizontalPodAutoscaler("deepalpha-api", h.api, { ...k8sOpts, dependsOn: [api.deployment] });
        new k8s.autoscaling.v2.HorizontalPodAutoscaler("deepalpha-websocket", h.websocket, { ...k8sOpts, dependsOn: [websocket.deployment] });
        const p = pdbs();
        new k8s.policy.v1.PodDisruptionBudget("deepalpha-api", p.api, k8sOpts);
        new k8s.policy.v1.PodDisruptionBudget("deepalpha-websocket", p.websocket, k8sOpts);
        new k8s.policy.v1.PodDisruptionBudget("deepalpha-executor", p.executor, k8sOpts);

        const np = networkPolicies({ profile: args.profile, dataCidrs: args.dataCidrs, otlpEndpoint: args.otlpEndpoint });
        for (const [key, policy] of Object.entries(np)) new k8s.networking.v1.NetworkPolicy(`${key}-network-policy`, policy, k8sOpts);

        // @pulumi/kubernetes has no typed Gateway API classes: CustomResource, validated against the v1 schema in tests.
        const routes = httpRoutes(s);
        new k8s.apiextensions.CustomResource("deepalpha-api-route", routes.api, { ...k8sOpts, dependsOn: [api.service] });
        new k8s.apiextensions.CustomResource("deepalpha-websocket-route", routes.websocket, { ...k8sOpts, dependsOn: [websocket.service] });
        new k8s.apiextensions.CustomResource("deepalpha-https-redirect", routes.redirect, k8sOpts);

        this.apiUrl = pulumi.output(`https://${s.apiHost}`);
        this.websocketUrl = pulumi.output(`wss://${s.websocketHost}`);
        this.deployments = pulumi.all([api, websocket, executor].map((w) => w.deployment.metadata.name).concat(bots.map((b) => b.metadata.name)));
        this.registerOutputs({ apiUrl: this.apiUrl, websocketUrl: this.websocketUrl, deployments: this.deployments });
    }
}
