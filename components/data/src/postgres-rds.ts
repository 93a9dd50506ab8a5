// Production PostgreSQL: RDS Multi-AZ primary plus read replicas in distinct AZs, the seed's tuning in a
// parameter group, gp3 storage encrypted with the data tier's KMS key, private, 5432 from the nodes only.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { ResolvedDataTierArgs } from "./args";
import type { ClusterNetwork } from "@deepalpha/shared";
import { DATA_PORTS } from "@deepalpha/shared";
import { DATA_STORE_TIMEOUTS, DB, postgresMajor } from "./common";
import { rdsTuningParameters } from "./postgres-tuning";

export interface RdsPostgresArgs {
    /** The tier instance's name: the Pulumi names are `${base}-postgres...`. */
    base: string;
    /** Prefix of the physical names (RDS identifiers). */
    prefix: string;
    settings: ResolvedDataTierArgs["postgres"];
    network: ClusterNetwork;
    securityGroupId: pulumi.Input<string>;
    kmsKeyArn: pulumi.Input<string>;
    /** Availability zones of the private subnets; replica i goes to zone i (the primary's standby picks its own). */
    availabilityZones: pulumi.Input<string[]>;
    password: pulumi.Output<string>;
    tags: Record<string, string>;
}

export interface RdsPostgres {
    primary: aws.rds.Instance;
    replicas: aws.rds.Instance[];
    host: pulumi.Output<string>;
    readerHosts: pulumi.Output<string[]>;
}

/**
 * Zone of replica i: the private subnets' zones without the primary's (RDS chooses the Multi-AZ primary's zone
 * itself and takes none from us), round-robin. A zone outage then takes the primary (which fails over to its
 * standby) or a replica, never both.
 */
export function replicaZone(zones: pulumi.Input<string[]>, primaryZone: pulumi.Input<string>, i: number): pulumi.Output<string> {
    return pulumi.all([zones, primaryZone]).apply(([z, p]) => {
        const others = z.filter((x) => x !== p);
        const pool = others.length ? others : z;
        return pool[i % pool.length];
    });
}

export function createRdsPostgres(a: RdsPostgresArgs, parent: pulumi.Resource): RdsPostgres {
    const s = a.settings;
    const major = postgresMajor(s.engineVersion);
    const stateful = { parent, protect: true, customTimeouts: DATA_STORE_TIMEOUTS.postgres };

    const subnets = new aws.rds.SubnetGroup(
        `${a.base}-postgres-subnets`,
        { description: "DeepAlpha PostgreSQL: the VPC's private subnets", subnetIds: a.network.privateSubnetIds, tags: a.tags },
        { parent },
    );
    const params = new aws.rds.ParameterGroup(
        `${a.base}-postgres${major}-params`,
        {
            family: `postgres${major}`,
            description: "DeepAlpha: the seed's PostgreSQL tuning in RDS units, TLS only",
            parameters: rdsTuningParameters(),
            tags: a.tags,
        },
        // A new family (major upgrade) creates the new group before the old one goes.
        { parent },
    );

    const identifier = `${a.prefix}-postgres`;
    const common = {
        engine: "postgres",
        instanceClass: s.instanceClass,
        storageType: "gp3",
        storageEncrypted: true,
        parameterGroupName: params.name,
        vpcSecurityGroupIds: [a.securityGroupId],
        publiclyAccessible: false,
        port: DATA_PORTS.postgres,
        deletionProtection: true,
        // RDS keeps the instance on a supported minor (it force-upgrades retired minors anyway). engineVersion
        // is the major alone, so the provider keeps the configured "16" in state when the instance runs 16.x
        // (terraform-provider-aws compareActualEngineVersion): no preview ever plans a minor downgrade.
        autoMinorVersionUpgrade: true,
        // Changes wait for the maintenance window instead of restarting a trading database mid-session.
        applyImmediately: false,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: a.kmsKeyArn,
        performanceInsightsRetentionPeriod: 7,
        enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
        copyTagsToSnapshot: true,
        tags: a.tags,
    };

    const primary = new aws.rds.Instance(
        `${a.base}-postgres-primary`,
        {
            ...common,
            identifier,
            engineVersion: s.engineVersion,
            // A major upgrade happens only when engineVersion changes in the stack config (RDS never does one
            // itself); without this flag RDS refuses it. Read replicas are upgraded with the primary.
            allowMajorVersionUpgrade: true,
            kmsKeyId: a.kmsKeyArn,
            dbName: DB.name,
            username: DB.user,
            // A password from @pulumi/random (not manageMasterUserPassword): the app's connection Secret needs it,
            // and a Secrets-Manager-rotated password would silently go stale in that Secret.
            password: a.password,
            multiAz: true,
            dbSubnetGroupName: subnets.name,
            allocatedStorage: s.allocatedStorageGb,
            maxAllocatedStorage: s.maxAllocatedStorageGb,
            backupRetentionPeriod: s.backupRetentionDays,
            backupWindow: "01:00-01:30",
            maintenanceWindow: "sun:03:00-sun:04:00",
            skipFinalSnapshot: false,
            // Stable name (no timestamp): a final snapshot is taken once, when the instance is deliberately deleted.
            finalSnapshotIdentifier: `${identifier}-final`,
            deleteAutomatedBackups: false,
        },
        stateful,
    );

    const replicas: aws.rds.Instance[] = [];
    for (let i = 0; i < s.readReplicas; i++) {
        const id = `${identifier}-replica-${i + 1}`;
        replicas.push(
            new aws.rds.Instance(
                `${a.base}-postgres-replica-${i + 1}`,
                {
                    ...common,
                    identifier: id,
                    // Same region: the source's identifier. Subnet group, storage size and KMS key follow the source
                    // (RDS encrypts a same-region replica with the source's key and takes no other).
                    // No engineVersion: a replica runs its source's version, and RDS upgrades both together.
                    replicateSourceDb: primary.identifier,
                    availabilityZone: replicaZone(a.availabilityZones, primary.availabilityZone, i),
                    maxAllocatedStorage: s.maxAllocatedStorageGb,
                    // Automated backups of its own (RDS for PostgreSQL 14.1+ replicas): a replica promoted after losing
                    // the primary starts with point-in-time recovery instead of none.
                    backupRetentionPeriod: s.backupRetentionDays,
                    backupWindow: "01:00-01:30",
                    maintenanceWindow: "sun:03:00-sun:04:00",
                    // RDS takes no final snapshot of a read replica; the primary's backups cover its data.
                    skipFinalSnapshot: true,
                },
                // The zone is a create-time choice: after a Multi-AZ failover the primary's zone changes, and a
                // recomputed zone must not plan replacing a protected replica.
                { ...stateful, ignoreChanges: ["availabilityZone"] },
            ),
        );
    }

    return {
        primary,
        replicas,
        host: primary.address,
        readerHosts: pulumi.all(replicas.map((r) => r.address)),
    };
}
