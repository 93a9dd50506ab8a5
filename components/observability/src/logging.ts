// Logs: the seed's ELK as EFK on Elastic Cloud on Kubernetes. Fluent Bit (DaemonSet) ships container logs
// into an ECK-managed Elasticsearch; Kibana reads it. Chosen over Amazon OpenSearch because the same
// in-cluster stack runs in both profiles (dev turns it on with one setting), ECK manages TLS and the
// `elastic` user's password itself (no credential ever passes through Pulumi or Helm values), and the
// same cluster is Jaeger's durable trace store in prod.
import { NAMESPACES, PROD_STORAGE_CLASS, exemptions, type Profile } from "@deepalpha/shared";
import { ELASTIC_STACK_VERSION } from "./charts";
import type { ElasticsearchConnection } from "./tracing";

export const ES_NAME = "deepalpha";
export const KIBANA_NAME = "deepalpha";
export const ECK_RELEASE = "eck-operator";
export const FLUENT_BIT_RELEASE = "fluent-bit";

/** How clients reach an ECK Elasticsearch named `name` in `namespace`: names ECK derives from the resource's name. */
export function esConnection(name: string, namespace: string): ElasticsearchConnection {
    return {
        url: `https://${name}-es-http.${namespace}.svc:9200`,
        username: "elastic",
        passwordSecret: { name: `${name}-es-elastic-user`, key: "elastic" },
        caSecret: { name: `${name}-es-http-certs-public`, key: "ca.crt" },
    };
}

/** DeepAlpha's Elasticsearch (the default names). */
export const ES_CONNECTION: ElasticsearchConnection = esConnection(ES_NAME, NAMESPACES.monitoring);

/** ECK's orchestration phase once every node is up and the cluster answers (ElasticsearchReadyPhase). */
export const ELASTICSEARCH_WAIT_FOR = "jsonpath={.status.phase}=Ready";

/** Why ECK's operator container has no probes. */
export const ECK_PROBE_EXEMPTION = "the ECK 3.5.0 operator serves no health endpoint and its chart renders no probe; it serves no traffic (its webhook is off)";

/** Why Fluent Bit runs as root on host paths (the chart's DaemonSet annotations). */
export const FLUENT_BIT_EXEMPTIONS = {
    "pod-allowed-volume-types": "the log shipper reads the node's container logs and journal: hostPath /var/log, /var/lib/docker/containers and /etc/machine-id",
    "pod-run-as-non-root": "the node's container log files are root-owned (0640): the log shipper reads them as root, with every capability dropped",
} as const;

export function eckOperatorValues(profile: Profile, namespace: string = NAMESPACES.monitoring): Record<string, unknown> {
    return {
        // Only the monitoring namespace holds Elastic resources: the operator watches nothing else.
        managedNamespaces: [namespace],
        installCRDs: true,
        // No validating webhook: the operator runs the same validation when it reconciles (an invalid Elasticsearch
        // is marked invalid, and pulumi up's wait for Ready fails); the chart would otherwise pass the webhook's Secret
        // name in a WEBHOOK_SECRET variable and need ingress from anywhere on 9443 (ECK's own restricted profile).
        webhook: { enabled: false },
        podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        statefulsetAnnotations: exemptions({ "workload-probes": ECK_PROBE_EXEMPTION }),
        resources: profile === "production"
            ? { requests: { cpu: "100m", memory: "150Mi" }, limits: { cpu: "1", memory: "1Gi" } }
            : { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
    };
}

export function elasticsearchSpec(
    profile: Profile,
    storage: string,
    name: string = ES_NAME,
    storageClassName: string | undefined = profile === "production" ? PROD_STORAGE_CLASS : undefined,
): Record<string, unknown> {
    const prod = profile === "production";
    const memory = prod ? "4Gi" : "2Gi";
    return {
        version: ELASTIC_STACK_VERSION,
        nodeSets: [
            {
                name: "default",
                count: prod ? 3 : 1,
                config: {
                    "node.roles": ["master", "data", "ingest"],
                    // No privileged sysctl init container: mmap off costs some performance, needs no host change.
                    "node.store.allow_mmap": false,
                },
                podTemplate: {
                    spec: {
                        containers: [{ name: "elasticsearch", resources: { requests: { cpu: prod ? "1" : "250m", memory }, limits: { memory } } }],
                        ...(prod
                            ? {
                                  topologySpreadConstraints: [
                                      {
                                          maxSkew: 1,
                                          topologyKey: "topology.kubernetes.io/zone",
                                          whenUnsatisfiable: "DoNotSchedule",
                                          labelSelector: { matchLabels: { "elasticsearch.k8s.elastic.co/cluster-name": name } },
                                      },
                                  ],
                              }
                            : {}),
                    },
                },
                volumeClaimTemplates: [
                    {
                        metadata: { name: "elasticsearch-data" },
                        spec: {
                            accessModes: ["ReadWriteOnce"],
                            resources: { requests: { storage } },
                            ...(storageClassName ? { storageClassName } : {}),
                        },
                    },
                ],
            },
        ],
    };
}

export function kibanaSpec(profile: Profile, elasticsearch: string = ES_NAME): Record<string, unknown> {
    return {
        version: ELASTIC_STACK_VERSION,
        count: profile === "production" ? 2 : 1,
        elasticsearchRef: { name: elasticsearch },
        podTemplate: {
            spec: { containers: [{ name: "kibana", resources: { requests: { cpu: "100m", memory: "1Gi" }, limits: { memory: "1Gi" } } }] },
        },
    };
}

/** Daily log indices: containers (kube.*) and the nodes' kubelet journal (host.*). */
export const FLUENT_BIT_INDEX_PREFIXES = { containers: "deepalpha", host: "deepalpha-node" } as const;

function esOutput(es: ElasticsearchConnection, match: string, prefix: string): string {
    return [
        "[OUTPUT]",
        "    Name es",
        `    Match ${match}`,
        `    Host ${new URL(es.url).hostname}`,
        "    Port 9200",
        `    HTTP_User ${es.username}`,
        "    HTTP_Passwd ${ES_PASSWORD}",
        "    tls On",
        "    tls.verify On",
        `    tls.ca_file /fluent-bit/es-ca/${es.caSecret.key}`,
        "    Logstash_Format On",
        `    Logstash_Prefix ${prefix}`,
        "    Suppress_Type_Name On",
        "    Replace_Dots On",
        "    Retry_Limit False",
        "",
    ].join("\n");
}

/** Fluent Bit: tail container logs, enrich with Kubernetes metadata, ship to Elasticsearch over TLS. */
export function fluentBitValues(profile: Profile, es: ElasticsearchConnection = ES_CONNECTION): Record<string, unknown> {
    return {
        // ES_PASSWORD comes from ECK's Secret through secretKeyRef; the config references ${ES_PASSWORD}.
        env: [{ name: "ES_PASSWORD", valueFrom: { secretKeyRef: { name: es.passwordSecret.name, key: es.passwordSecret.key } } }],
        extraVolumes: [{ name: "es-ca", secret: { secretName: es.caSecret.name } }],
        extraVolumeMounts: [{ name: "es-ca", mountPath: "/fluent-bit/es-ca", readOnly: true }],
        resources: profile === "production"
            ? { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "256Mi" } }
            : { requests: { cpu: "20m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
        // Root (to read the root-owned log files) but nothing else: no capability, no escalation, no writes outside
        // its mounts (the chart's config keeps no tail database), RuntimeDefault seccomp.
        podSecurityContext: { seccompProfile: { type: "RuntimeDefault" } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
        annotations: exemptions(FLUENT_BIT_EXEMPTIONS),
        // Tolerate every taint: the executor nodes' logs matter most.
        tolerations: [{ operator: "Exists" }],
        config: {
            // One output per tag of the chart's default inputs: kube.* (container logs, tail) and host.* (the
            // kubelet's journal, systemd input). Replacing the chart's outputs without a host.* one would collect
            // the node logs and drop them.
            outputs: [esOutput(es, "kube.*", FLUENT_BIT_INDEX_PREFIXES.containers), esOutput(es, "host.*", FLUENT_BIT_INDEX_PREFIXES.host)].join("\n"),
        },
    };
}
