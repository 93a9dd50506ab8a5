// Production InfluxDB: Amazon Timestream for InfluxDB (InfluxDB 2 OSS APIs) with a Multi-AZ standby: the seed's
// primary + secondary, with failover run by AWS instead of by us. Private, 8086 (TLS) from the nodes only.
// Encryption at rest is always on (AWS-owned key; this resource takes no customer key).
//
// Why not in-cluster: InfluxDB 2 OSS has no built-in primary/secondary failover; a managed standby gives
// the seed's pair without running replication ourselves.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { ResolvedDataTierArgs } from "./args";
import type { ClusterNetwork } from "@deepalpha/shared";
import { DATA_PORTS } from "@deepalpha/shared";
import { DATA_STORE_TIMEOUTS, DB } from "./common";

export interface TimestreamInfluxArgs {
    /** The tier instance's name: the Pulumi name is `${base}-influxdb-instance`. */
    base: string;
    /** Prefix of the instance's physical name. */
    prefix: string;
    settings: ResolvedDataTierArgs["influxdb"];
    network: ClusterNetwork;
    securityGroupId: pulumi.Input<string>;
    password: pulumi.Output<string>;
    tags: Record<string, string>;
}

export function createTimestreamInflux(a: TimestreamInfluxArgs, parent: pulumi.Resource): aws.timestreaminfluxdb.DbInstance {
    const s = a.settings;
    return new aws.timestreaminfluxdb.DbInstance(
        `${a.base}-influxdb-instance`,
        {
            name: `${a.prefix}-influxdb`,
            dbInstanceType: s.instanceClass,
            dbStorageType: "InfluxIOIncludedT1",
            allocatedStorage: s.allocatedStorageGb,
            deploymentType: "WITH_MULTIAZ_STANDBY",
            // Multi-AZ needs subnets in at least two AZs: the cluster's private subnets span three.
            vpcSubnetIds: a.network.privateSubnetIds,
            vpcSecurityGroupIds: [a.securityGroupId],
            publiclyAccessible: false,
            networkType: "IPV4",
            port: DATA_PORTS.influxdb,
            organization: s.organization,
            bucket: s.bucket,
            username: DB.influxUser,
            password: a.password,
            tags: a.tags,
        },
        // The provider's default is 30 minutes for each; a Multi-AZ create (and a class or storage change) can take
        // longer, and a timed-out create leaves a half-made instance outside the state.
        { parent, protect: true, customTimeouts: DATA_STORE_TIMEOUTS.influxdb },
    );
}
