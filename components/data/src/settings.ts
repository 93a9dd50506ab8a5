// The data tier's settings: an interface this package owns (the DeepAlpha stack maps its config onto it).
export { type Profile } from "@deepalpha/shared";

export interface ImageRef {
    repository: string;
    tag: string;
}

export interface DataSettings {
    postgres: {
        engineVersion: string;
        instanceClass: string;
        allocatedStorageGb: number;
        maxAllocatedStorageGb: number;
        readReplicas: number;
        backupRetentionDays: number;
        volumeSize: string;
    };
    redis: {
        engineVersion: string;
        nodeType: string;
        replicas: number;
        snapshotRetentionDays: number;
        volumeSize: string;
    };
    influxdb: {
        instanceClass: string;
        allocatedStorageGb: number;
        organization: string;
        bucket: string;
        retention: string;
        volumeSize: string;
    };
    objectStorage: {
        backupRetentionDays: number;
        filesNoncurrentVersionDays: number;
        volumeSize: string;
    };
    backupSchedule: string;
    secondRegion: string;
    partitionMonthsAhead: number;
    images: {
        postgres: ImageRef;
        redis: ImageRef;
        influxdb: ImageRef;
        objectStore: ImageRef;
        awsCli: ImageRef;
    };
}
