// @deepalpha/data: the data stores. Production: RDS PostgreSQL Multi-AZ with read replicas, ElastiCache Redis,
// Timestream for InfluxDB, S3; local: the same stores as StatefulSets. Schema migration, backups, restore drill.
export { DataTier, DATA_TIER_TYPE, LOCAL_STORES } from "./data-tier";
export type {
    DataImages,
    DataNamespaces,
    DataTierArgs,
    ImageRef,
    InfluxdbArgs,
    LocalBucketNames,
    ObjectStorageArgs,
    PostgresArgs,
    RedisArgs,
    ResolvedDataTierArgs,
} from "./args";
export {
    DATA_NAME_DEFAULTS,
    DATA_NAMESPACE_DEFAULTS,
    DATA_STORE_DEFAULTS,
    LOCAL_DATA_STORE_OVERRIDES,
    dataStoreDefaults,
    defaultDataTierArgs,
    resolveDataTierArgs,
    type DataStoreSettings,
} from "./defaults";
export { INFLUXDB_SETTINGS, OBJECT_STORAGE_SETTINGS, POSTGRES_SETTINGS, REDIS_SETTINGS, dataTierArgsSchema, validateDataTierArgs } from "./validate";
export type { ClusterNetwork, DataEndpoints, ExporterCredentials, Profile } from "@deepalpha/shared";
// Building blocks: pure functions and constants the component uses, public for tests and other programs.
export { shiftMinutes } from "./backups";
export { DATA_JOB_LABEL, DB } from "./common";
export { backupsAccessPolicy } from "./iam";
export { influxManifestFunctions } from "./influx-manifest";
export { lifecycleRules } from "./object-storage-s3";
export { SEED_TUNING, memoryInUnits, rdsTuningParameters } from "./postgres-tuning";
export { ELASTICACHE_RESTRICTED_COMMANDS, elastiCacheAccessString } from "./redis-elasticache";
export { REDIS_ACL_RULES, REDIS_USERS, localRedisAcl } from "./redis-local";
export { migrationSql, partitionSql } from "./schema-migration";
