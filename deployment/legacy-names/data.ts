// The data tier's children whose names changed when the tier became the @deepalpha/data package: new name -> old.
// The package names every child `${name}-<suffix>` (name: "data" here); before, the AWS children were named
// after the cluster name (settings.cluster.name, "deepalpha" in both stacks) and the two cross-namespace Secrets
// after their Kubernetes names. Children of a renamed parent (the buckets' settings) are listed too: an alias
// names one resource. Entries that match nothing in a stack's state (replicas it never had, another major's
// parameter group) are ignored by the engine.
import type { LegacyNames } from "../aliases";

/** The old prefix of the AWS children: the cluster name both DeepAlpha stacks deploy with. */
const OLD = "deepalpha";
const NEW = "data";

/** New -> old, the old names being `${OLD}-<old suffix>`. */
const renamed = (pairs: Record<string, string>): Record<string, string> =>
    Object.fromEntries(Object.entries(pairs).map(([now, before]) => [`${NEW}-${now}`, `${OLD}-${before}`]));

const majors = ["15", "16", "17", "18", "19"];
const replicas = [1, 2, 3, 4, 5];

export const LEGACY_DATA_NAMES: LegacyNames = {
    // Kubernetes: the connection and Jobs' Secrets were `data-<Kubernetes name>`.
    "data-connection": "data-deepalpha-connection",
    "data-jobs-credentials": "data-deepalpha-data-jobs",
    // AWS, production. A suffix now says what the child is where the old one would collide with another
    // child's name (the alias transformation goes by name: `data-postgres` is also a RandomPassword).
    ...renamed({
        // KMS keys and their aliases
        "databases-key": "databases",
        "buckets-key": "buckets",
        "dr-backups-key": "dr-backups",
        // the stores' security groups
        "postgres-sg": "postgres",
        "redis-sg": "redis",
        "influxdb-sg": "influxdb",
        // RDS: subnet group, the parameter group of every major the settings allow, primary, every replica
        "postgres-subnets": "postgres",
        ...Object.fromEntries(majors.map((m) => [`postgres${m}-params`, `postgres${m}`])),
        "postgres-primary": "postgres",
        ...Object.fromEntries(replicas.map((i) => [`postgres-replica-${i}`, `postgres-replica-${i}`])),
        // ElastiCache
        "redis-subnets": "redis",
        "redis-default-user": "redis-default-user",
        "redis-user-default": "redis-default",
        "redis-user-app": "redis-app",
        "redis-user-exporter": "redis-exporter",
        "redis-users": "redis",
        "redis-group": "redis",
        // Timestream for InfluxDB
        "influxdb-instance": "influxdb",
        // the buckets, each bucket's children (named as their bucket) and the backups' replication configuration
        backups: "backups",
        files: "files",
        // the second region
        "backups-replica": "backups-replica",
        "backups-replication": "backups-replication",
        "postgres-backups-replica": "postgres-backups",
        // IRSA of the data Jobs (the role and its policy), the application's files policy
        "jobs-irsa": "data-jobs",
        "app-files": "app-files",
    }),
};
