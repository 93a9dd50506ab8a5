// The shape every in-cluster store of the local profile shares: one StatefulSet replica with a persistent
// volume, a ClusterIP Service, restricted pod security. Volumes outlive the StatefulSet: the StatefulSet's own
// PVC retention policy is Retain on delete and on scale-down (Kubernetes 1.27+; GA in 1.32), so `pulumi destroy`
// or a replaced StatefulSet leaves the PersistentVolumeClaims and their data behind.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { selectorFor } from "@deepalpha/shared";
import { restrictedContainerSecurity, restrictedPodSecurity } from "@deepalpha/shared";
import { dataLabels, scratchVolumes } from "./common";

type Container = k8s.types.input.core.v1.Container;

export interface LocalStoreSpec {
    /** The tier instance's name: the Pulumi names are `${base}-${name}`. */
    base: string;
    /** Namespace of the store (the tier's data namespace). */
    namespace: string;
    /** StatefulSet, Service and app.kubernetes.io/name label. */
    name: string;
    component: string;
    /** UID/GID the image's server runs as. */
    uid: number;
    gid?: number;
    container: Omit<Container, "name" | "securityContext" | "volumeMounts"> & { image: string };
    ports: { name: string; port: number }[];
    dataPath: string;
    volumeSize: string;
    /** emptyDir scratch mounts for a read-only root file system: name -> mount path. */
    scratch?: Record<string, string>;
    /** Secret- or ConfigMap-backed read-only mounts. */
    extraVolumes?: { volume: k8s.types.input.core.v1.Volume; mountPath: string; subPath?: string }[];
    /** Extra pod labels (never part of the selector). */
    podLabels?: Record<string, string>;
    /** Headless Service for a stable pod DNS name. */
    headless?: boolean;
}

export interface LocalStore {
    service: k8s.core.v1.Service;
    statefulSet: k8s.apps.v1.StatefulSet;
    host: string;
}

export function createLocalStore(spec: LocalStoreSpec, opts: pulumi.CustomResourceOptions): LocalStore {
    const ns = spec.namespace;
    const labels = dataLabels(spec.name, spec.component);
    const scratch = spec.scratch ?? {};
    const service = new k8s.core.v1.Service(
        `${spec.base}-${spec.name}`,
        {
            metadata: { name: spec.name, namespace: ns, labels },
            spec: {
                selector: selectorFor(spec.name),
                ports: spec.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: "TCP" })),
                ...(spec.headless ? { clusterIP: "None", publishNotReadyAddresses: true } : {}),
            },
        },
        opts,
    );
    const statefulSet = new k8s.apps.v1.StatefulSet(
        `${spec.base}-${spec.name}`,
        {
            metadata: { name: spec.name, namespace: ns, labels },
            spec: {
                serviceName: spec.name,
                replicas: 1,
                selector: { matchLabels: selectorFor(spec.name) },
                persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
                template: {
                    metadata: { labels: { ...labels, ...(spec.podLabels ?? {}) } },
                    spec: {
                        automountServiceAccountToken: false,
                        securityContext: restrictedPodSecurity(spec.uid, spec.gid ?? spec.uid),
                        terminationGracePeriodSeconds: 60,
                        containers: [
                            {
                                ...spec.container,
                                name: spec.name,
                                ports: spec.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: "TCP" })),
                                securityContext: restrictedContainerSecurity(),
                                volumeMounts: [
                                    { name: "data", mountPath: spec.dataPath },
                                    ...Object.entries(scratch).map(([name, mountPath]) => ({ name, mountPath })),
                                    ...(spec.extraVolumes ?? []).map((v) => ({
                                        name: v.volume.name as string,
                                        mountPath: v.mountPath,
                                        readOnly: true,
                                        ...(v.subPath ? { subPath: v.subPath } : {}),
                                    })),
                                ],
                            },
                        ],
                        volumes: [...scratchVolumes(Object.keys(scratch)), ...(spec.extraVolumes ?? []).map((v) => v.volume)],
                    },
                },
                volumeClaimTemplates: [
                    {
                        metadata: { name: "data", labels },
                        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: spec.volumeSize } } },
                    },
                ],
            },
        },
        // First start (initdb, influx setup) is slow on a laptop: wait longer than the 10-minute default.
        { ...opts, customTimeouts: { create: "15m", update: "15m" } },
    );
    return { service, statefulSet, host: `${spec.name}.${ns}.svc.cluster.local` };
}
