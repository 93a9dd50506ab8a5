// AppTier: the DeepAlpha API, WebSocket, executor and Freqtrade bots, their routes, scaling,
// disruption budgets and network policies. A thin class: the arguments are resolved (defaults.ts) and
// checked (validate.ts) before anything is registered; the builders in this folder decide what each object
// looks like; this file creates them, in order, named after the instance (`<name>-api`, ...) so two
// instances can live in one stack.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { labelsFor } from "@deepalpha/shared";
import type { AppTierArgs, SecretKey } from "./args";
import { apiWorkload } from "./api";
import type { AppContext, Workload } from "./context";
import { APP_TIER_TYPE, resolveAppTierArgs } from "./defaults";
import { executorWorkload } from "./executor";
import { EXTERNAL_KEYS, externalSecretData } from "./external-secrets";
import { BOT_SECRET_KEYS, botLabels, botName, freqtradeConfigMap, freqtradeDeployment, freqtradePvc, freqtradeService } from "./freqtrade";
import { networkPolicies } from "./network-policies";
import { appConfigData, secretChecksum, sha256, stableJson } from "./pod-spec";
import { httpRoutes } from "./routes";
import { hpas, pdbs } from "./scaling";
import { validateAppTierArgs } from "./validate";
import { websocketWorkload } from "./websocket";

/**
 * The Pulumi names of an instance's children (`<instance>-<suffix>`): part of the package's API, since a
 * changed name is a changed URN (an existing stack would replace the object unless it carries an alias).
 */
export const appChildNames = (name: string) => ({
    configMap: `${name}-config`,
    externalSecret: `${name}-external`,
    /** Deployment, Service, HPA and PDB of each of the three workloads. */
    api: `${name}-api`,
    websocket: `${name}-websocket`,
    executor: `${name}-executor`,
    /** Deployment and Service of a bot; its Secret, ConfigMap, PVC and passwords add a suffix. */
    bot: (bot: string) => `${name}-freqtrade-${bot}`,
    networkPolicy: (workload: string) => `${name}-${workload}-network-policy`,
    apiRoute: `${name}-api-route`,
    websocketRoute: `${name}-websocket-route`,
    httpsRedirect: `${name}-https-redirect`,
});

export class AppTier extends pulumi.ComponentResource {
    /** `https://<apiHost>`. */
    readonly apiUrl: pulumi.Output<string>;
    /** `wss://<websocketHost>`. */
    readonly websocketUrl: pulumi.Output<string>;
    /** Deployment names by workload (one per Freqtrade bot). */
    readonly deployments: pulumi.Output<string[]>;

    constructor(name: string, args: AppTierArgs, opts?: pulumi.ComponentResourceOptions) {
        // Defaults and checks first: a mistake stops the program before anything is registered.
        const a = validateAppTierArgs(name, resolveAppTierArgs(args));
        super(APP_TIER_TYPE, name, {}, opts);
        const ns = a.namespaces.app;
        const child = appChildNames(name);
        const k8sOpts: pulumi.CustomResourceOptions = { parent: this, ...(a.provider ? { provider: a.provider } : {}) };

        // Argument-derived environment, and the external services' keys.
        const configData = appConfigData(a.profile, a);
        const config = new k8s.core.v1.ConfigMap(
            child.configMap,
            { metadata: { name: a.names.configMap, namespace: ns, labels: labelsFor(a.names.configMap, "config") }, data: configData },
            k8sOpts,
        );
        // No stringData at all when none of the keys is set (allowed in dev): an empty secret map is not
        // stored in the engine's state, so every later `pulumi up` saw `+stringData` and replaced the Secret and
        // the Deployments that read it (found by the end-to-end run).
        const externalData = externalSecretData(a.secrets);
        const external = new k8s.core.v1.Secret(
            child.externalSecret,
            {
                metadata: { name: a.names.externalSecret, namespace: ns, labels: labelsFor(a.names.externalSecret, "config") },
                type: "Opaque",
                ...(Object.keys(externalData).length ? { stringData: externalData } : {}),
            },
            k8sOpts,
        );
        const ctx: AppContext = {
            args: a,
            connectionSecretName: a.connectionSecretName,
            externalSecretName: external.metadata.name,
            secrets: a.secrets,
            configMapName: config.metadata.name,
            otlpEndpoint: a.otlpEndpoint,
            configChecksum: sha256(stableJson(configData)),
            secretsChecksum: secretChecksum(Object.fromEntries(Object.entries(a.secrets).map(([k, v]) => [EXTERNAL_KEYS[k as SecretKey].key, v]))),
        };

        const create = (w: Workload, key: string, autoscaled: boolean) => ({
            // The HPA owns the replica count once it runs: a later `pulumi up` must not reset it to the minimum.
            deployment: new k8s.apps.v1.Deployment(key, w.deployment, { ...k8sOpts, ...(autoscaled ? { ignoreChanges: ["spec.replicas"] } : {}) }),
            service: new k8s.core.v1.Service(key, w.service, k8sOpts),
        });
        const api = create(apiWorkload(ctx), child.api, true);
        const websocket = create(websocketWorkload(ctx), child.websocket, true);
        const executor = create(executorWorkload(ctx), child.executor, false);

        // Freqtrade: per bot a config, generated REST API credentials, a volume, a Deployment and a Service.
        const bots = a.freqtradeBots.map((bot) => {
            const n = botName(a.names.freqtrade, bot);
            const key = child.bot(bot.name);
            const password = (suffix: string, length: number) =>
                new random.RandomPassword(`${key}-${suffix}`, { length, special: false }, { parent: this });
            const creds = { password: password("api-password", 32), jwt: password("jwt-secret", 48), wsToken: password("ws-token", 32) };
            const botSecret = new k8s.core.v1.Secret(
                `${key}-api`,
                {
                    metadata: { name: `${n}-api`, namespace: ns, labels: botLabels(a.names.freqtrade, bot) },
                    type: "Opaque",
                    stringData: {
                        [BOT_SECRET_KEYS.password]: creds.password.result,
                        [BOT_SECRET_KEYS.jwt]: creds.jwt.result,
                        [BOT_SECRET_KEYS.wsToken]: creds.wsToken.result,
                    },
                },
                k8sOpts,
            );
            const cm = new k8s.core.v1.ConfigMap(`${key}-config`, freqtradeConfigMap(bot, a), k8sOpts);
            const pvc = new k8s.core.v1.PersistentVolumeClaim(`${key}-user-data`, freqtradePvc(bot, a), k8sOpts);
            const deployment = new k8s.apps.v1.Deployment(
                key,
                freqtradeDeployment(bot, ctx, {
                    botSecretName: botSecret.metadata.name,
                    configMapName: cm.metadata.name,
                    pvcName: pvc.metadata.name,
                    secretsChecksum: secretChecksum({
                        password: creds.password.result,
                        jwt: creds.jwt.result,
                        wsToken: creds.wsToken.result,
                        exchangeKey: a.secrets.binanceApiKey,
                        exchangeSecret: a.secrets.binanceApiSecret,
                    }),
                }),
                // The seed's `depends_on: deepalpha-api`: created once the API Deployment is ready.
                { ...k8sOpts, dependsOn: [api.deployment] },
            );
            new k8s.core.v1.Service(key, freqtradeService(bot, a), k8sOpts);
            return deployment;
        });

        const h = hpas(a);
        new k8s.autoscaling.v2.HorizontalPodAutoscaler(child.api, h.api, { ...k8sOpts, dependsOn: [api.deployment] });
        new k8s.autoscaling.v2.HorizontalPodAutoscaler(child.websocket, h.websocket, { ...k8sOpts, dependsOn: [websocket.deployment] });
        const p = pdbs(a);
        new k8s.policy.v1.PodDisruptionBudget(child.api, p.api, k8sOpts);
        new k8s.policy.v1.PodDisruptionBudget(child.websocket, p.websocket, k8sOpts);
        new k8s.policy.v1.PodDisruptionBudget(child.executor, p.executor, k8sOpts);

        const np = networkPolicies({ profile: a.profile, dataCidrs: a.dataCidrs, otlpEndpoint: a.otlpEndpoint, names: a.names, namespaces: a.namespaces });
        for (const [key, policy] of Object.entries(np)) new k8s.networking.v1.NetworkPolicy(child.networkPolicy(key), policy, k8sOpts);

        // @pulumi/kubernetes has no typed Gateway API classes: CustomResource, validated against the v1 schema in tests.
        const routes = httpRoutes(a);
        new k8s.apiextensions.CustomResource(child.apiRoute, routes.api, { ...k8sOpts, dependsOn: [api.service] });
        new k8s.apiextensions.CustomResource(child.websocketRoute, routes.websocket, { ...k8sOpts, dependsOn: [websocket.service] });
        new k8s.apiextensions.CustomResource(child.httpsRedirect, routes.redirect, k8sOpts);

        this.apiUrl = pulumi.output(`https://${a.apiHost}`);
        this.websocketUrl = pulumi.output(`wss://${a.websocketHost}`);
        this.deployments = pulumi.all([api, websocket, executor].map((w) => w.deployment.metadata.name).concat(bots.map((b) => b.metadata.name)));
        this.registerOutputs({ apiUrl: this.apiUrl, websocketUrl: this.websocketUrl, deployments: this.deployments });
    }
}
