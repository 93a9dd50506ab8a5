// DataTier: PostgreSQL, Redis, InfluxDB and object storage, their backups and the trades schema.
// It hands the application tier one Kubernetes Secret with every connection setting.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { DataSettings, Profile } from "../../settings/schema";
import type { ClusterNetwork } from "../cluster";
import { CONNECTION_KEYS, DATA_PORTS, NAMESPACES } from "../shared/conventions";

export interface DataTierArgs {
    profile: Profile;
    settings: DataSettings;
    provider: k8s.Provider;
    /** Name prefix for AWS resources. */
    clusterName: string;
    /** Production only: where the managed stores live and who may reach them. */
    network?: ClusterNetwork;
    oidcProviderArn?: pulumi.Output<string>;
    oidcProviderUrl?: pulumi.Output<string>;
    region?: string;
    tags?: Record<string, string>;
}

/** Where each store is reachable from the cluster: used by exporters and NetworkPolicies. */
export interface DataEndpoints {
    postgresHost: pulumi.Output<string>;
    postgresReaderHosts: pulumi.Output<string[]>;
    redisHost: pulumi.Output<string>;
    influxdbHost: pulumi.Output<string>;
    s3Endpoint: pulumi.Output<string>;
}

export class DataTier extends pulumi.ComponentResource {
    /** Secret (in the app namespace) holding CONNECTION_KEYS; consumed through secretKeyRef. */
    readonly connectionSecretName: pulumi.Output<string>;
    readonly endpoints: DataEndpoints;
    readonly backupsBucket: pulumi.Output<string>;
    readonly filesBucket: pulumi.Output<string>;

    constructor(name: string, args: DataTierArgs, opts?: pulumi.ComponentResourceOptions) {
        super("deepalpha:index:DataTier", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.provider };
        const svc = (n: string) => `${n}.${NAMESPACES.data}.svc.cluster.local`;

        const pgPassword = new random.RandomPassword(`${name}-postgres`, { length: 32, special: false }, { parent: this });
        const redisPassword = new random.RandomPassword(`${name}-redis`, { length: 32, special: false }, { parent: this });

        this.endpoints = {
            postgresHost: pulumi.output(svc("postgres")),
            postgresReaderHosts: pulumi.output([] as string[]),
            redisHost: pulumi.output(svc("redis")),
            influxdbHost: pulumi.output(svc("influxdb")),
            s3Endpoint: pulumi.output(`http://${svc("s3")}:${DATA_PORTS.s3}`),
        };
        this.backupsBucket = pulumi.output("deepalpha-backups");
        this.filesBucket = pulumi.output("deepalpha-files");

        const secret = new k8s.core.v1.Secret(
            `${name}-connection`,
            {
                metadata: { name: "deepalpha-connection", namespace: NAMESPACES.app },
                type: "Opaque",
                stringData: {
                    [CONNECTION_KEYS.databaseUrl]: pulumi.interpolate`postgresql://deepalpha:${pgPassword.result}@${this.endpoints.postgresHost}:${DATA_PORTS.postgres}/deepalpha`,
                    [CONNECTION_KEYS.redisUrl]: pulumi.interpolate`redis://:${redisPassword.result}@${this.endpoints.redisHost}:${DATA_PORTS.redis}`,
                    [CONNECTION_KEYS.influxdbUrl]: pulumi.interpolate`http://${this.endpoints.influxdbHost}:${DATA_PORTS.influxdb}`,
                    [CONNECTION_KEYS.s3Endpoint]: this.endpoints.s3Endpoint,
                    [CONNECTION_KEYS.backupsBucket]: this.backupsBucket,
                    [CONNECTION_KEYS.filesBucket]: this.filesBucket,
                },
            },
            k8sOpts,
        );
        this.connectionSecretName = secret.metadata.name;
        this.registerOutputs({ connectionSecretName: this.connectionSecretName });
    }
}
