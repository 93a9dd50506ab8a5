// AppTier: the DeepAlpha API, WebSocket, executor and Freqtrade bots, their routes, scaling,
// disruption budgets and network policies.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { AppSettings, Profile, SecretKey } from "../../settings/schema";
import { APP_SERVICE_ACCOUNT, CONNECTION_KEYS, NAMESPACES, WORKLOADS, labelsFor, selectorFor } from "../shared/conventions";
import { restrictedContainerSecurity, restrictedPodSecurity } from "../shared/security";

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
}

export class AppTier extends pulumi.ComponentResource {
    readonly apiUrl: pulumi.Output<string>;
    readonly websocketUrl: pulumi.Output<string>;

    constructor(name: string, args: AppTierArgs, opts?: pulumi.ComponentResourceOptions) {
        super("deepalpha:index:AppTier", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.provider };
        const s = args.settings;
        const api = WORKLOADS.api;
        const labels = labelsFor(api.name, "api");
        new k8s.apps.v1.Deployment(
            api.name,
            {
                metadata: { name: api.name, namespace: NAMESPACES.app, labels },
                spec: {
                    replicas: s.replicas.api,
                    selector: { matchLabels: selectorFor(api.name) },
                    template: {
                        metadata: { labels },
                        spec: {
                            serviceAccountName: APP_SERVICE_ACCOUNT,
                            automountServiceAccountToken: false,
                            securityContext: restrictedPodSecurity(),
                            containers: [
                                {
                                    name: "deepalpha",
                                    image: `${s.image.repository}:${s.image.tag}`,
                                    ports: [{ name: "http", containerPort: api.port }],
                                    env: [
                                        {
                                            name: "DATABASE_URL",
                                            valueFrom: { secretKeyRef: { name: args.connectionSecretName, key: CONNECTION_KEYS.databaseUrl } },
                                        },
                                    ],
                                    resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } },
                                    livenessProbe: { httpGet: { path: "/health", port: api.port }, initialDelaySeconds: 30, periodSeconds: 10 },
                                    readinessProbe: { httpGet: { path: "/ready", port: api.port }, initialDelaySeconds: 5, periodSeconds: 5 },
                                    securityContext: restrictedContainerSecurity(),
                                },
                            ],
                        },
                    },
                },
            },
            k8sOpts,
        );
        new k8s.core.v1.Service(
            api.name,
            {
                metadata: { name: api.name, namespace: NAMESPACES.app, labels },
                spec: { selector: selectorFor(api.name), ports: [{ name: "http", port: 80, targetPort: api.port }] },
            },
            k8sOpts,
        );
        this.apiUrl = pulumi.output(`https://${s.apiHost}`);
        this.websocketUrl = pulumi.output(`wss://${s.websocketHost}`);
        this.registerOutputs({ apiUrl: this.apiUrl, websocketUrl: this.websocketUrl });
    }
}
