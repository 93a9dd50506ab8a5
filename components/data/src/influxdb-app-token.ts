// Production only: the application's InfluxDB token. Timestream for InfluxDB returns no token through its API
// (only the admin user and password we set), so a one-shot Job signs in as the admin, creates a token limited
// to reading and writing the organisation's buckets, and writes it into the connection Secret's
// `influxdb-token` key. Idempotent: a present, working token is kept. Pulumi never sets that key, so a later
// `pulumi up` leaves it alone (server-side apply only owns the fields it sets).
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { CONNECTION_KEYS } from "@deepalpha/shared";
import { DATA_JOB_LABEL, dataLabels, jobContainer, jobPodSpec, scratchVolumes } from "./common";

/** The Job's script (curl in the AWS CLI image). Pure, for tests. */
export function appTokenScript(secretName: string): string {
    const key = CONNECTION_KEYS.influxdbToken;
    // The first "name": "value" pair's value. sed reads to the end (no `head` closing the pipe early, which
    // pipefail would report as grep's SIGPIPE); grep finding nothing fails the pipeline.
    const field = (name: string) => `grep -o '"${name}": *"[^"]*"' | sed -n '1s/.*"\\([^"]*\\)"$/\\1/p'`;
    return [
        // pipefail: a failing curl must not be hidden by the grep that reads its output (the image's sh is bash).
        "set -euo pipefail",
        "sa=/var/run/secrets/kubernetes.io/serviceaccount",
        `url="https://kubernetes.default.svc/api/v1/namespaces/$(cat $sa/namespace)/secrets/${secretName}"`,
        'kube() { curl -sS --fail --cacert "$sa/ca.crt" -H "Authorization: Bearer $(cat $sa/token)" "$@"; }',
        `current=$(kube "$url" | ${field(key)} | base64 -d 2>/dev/null || true)`,
        'if [ -n "$current" ] && curl -sf -o /dev/null -H "Authorization: Token $current" "$INFLUX_HOST/api/v2/buckets?limit=1"; then',
        '  echo "application token present and valid"; exit 0',
        "fi",
        'jar=/tmp/influx-session',
        'curl -sS --fail -c "$jar" -u "$INFLUX_USERNAME:$INFLUX_PASSWORD" -X POST "$INFLUX_HOST/api/v2/signin" -o /dev/null',
        `org=$(curl -sS --fail -b "$jar" "$INFLUX_HOST/api/v2/orgs?org=$INFLUX_ORG" | ${field("id")}) || { echo "InfluxDB organisation $INFLUX_ORG not found" >&2; exit 1; }`,
        `body=$(printf '{"orgID":"%s","description":"deepalpha application: read/write buckets","permissions":[{"action":"read","resource":{"type":"buckets","orgID":"%s"}},{"action":"write","resource":{"type":"buckets","orgID":"%s"}}]}' "$org" "$org" "$org")`,
        `token=$(curl -sS --fail -b "$jar" -H "Content-Type: application/json" -X POST "$INFLUX_HOST/api/v2/authorizations" -d "$body" | ${field("token")})`,
        '[ -n "$token" ] || { echo "InfluxDB returned no token" >&2; exit 1; }',
        `kube -X PATCH -H "Content-Type: application/merge-patch+json" "$url" -o /dev/null -d "{\\"data\\":{\\"${key}\\":\\"$(printf %s "$token" | base64 | tr -d '\\n')\\"}}"`,
        `echo "application token written to ${secretName}/${key}"`,
    ].join("\n");
}

export function createInfluxAppTokenJob(
    a: {
        /** The tier instance's name: the Pulumi names are `${base}-...`. */
        base: string;
        /** The app namespace, where the connection Secret is. */
        namespace: string;
        secretName: string;
        /** Name of the Job's ServiceAccount, Role and RoleBinding. */
        writerName: string;
        jobsSecretName: pulumi.Input<string>;
        awsCliImage: string;
        dependsOn: pulumi.Resource[];
    },
    opts: pulumi.CustomResourceOptions,
): k8s.batch.v1.Job {
    const ns = a.namespace;
    const TOKEN_WRITER = a.writerName;
    const labels = dataLabels("influxdb-app-token", "credentials");
    const sa = new k8s.core.v1.ServiceAccount(
        `${a.base}-influxdb-token-writer`,
        { metadata: { name: TOKEN_WRITER, namespace: ns, labels }, automountServiceAccountToken: false },
        opts,
    );
    // Read and patch the one connection Secret, nothing else.
    const role = new k8s.rbac.v1.Role(
        `${a.base}-influxdb-token-writer`,
        {
            metadata: { name: TOKEN_WRITER, namespace: ns, labels },
            rules: [{ apiGroups: [""], resources: ["secrets"], resourceNames: [a.secretName], verbs: ["get", "patch"] }],
        },
        opts,
    );
    const binding = new k8s.rbac.v1.RoleBinding(
        `${a.base}-influxdb-token-writer`,
        {
            metadata: { name: TOKEN_WRITER, namespace: ns, labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: TOKEN_WRITER },
            subjects: [{ kind: "ServiceAccount", name: TOKEN_WRITER, namespace: ns }],
        },
        opts,
    );
    const spec = jobPodSpec({
        serviceAccountName: TOKEN_WRITER,
        containers: [
            jobContainer({
                name: "write-token",
                image: a.awsCliImage,
                command: ["sh", "-c", appTokenScript(a.secretName)],
                envFrom: [{ secretRef: { name: a.jobsSecretName } }],
                env: [{ name: "HOME", value: "/tmp" }],
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
            }),
        ],
        volumes: scratchVolumes(["tmp"]),
    });
    return new k8s.batch.v1.Job(
        `${a.base}-influxdb-app-token`,
        {
            metadata: { name: "influxdb-app-token", namespace: ns, labels },
            spec: {
                backoffLimit: 10,
                activeDeadlineSeconds: 3600,
                template: {
                    metadata: { labels: { ...labels, ...DATA_JOB_LABEL } },
                    // This pod alone talks to the Kubernetes API, so it alone mounts a token.
                    spec: { ...spec, automountServiceAccountToken: true },
                },
            },
        },
        // Timestream takes a while to create; the Job waits for it and retries until it answers.
        { ...opts, dependsOn: [sa, role, binding, ...a.dependsOn], customTimeouts: { create: "60m", update: "60m" } },
    );
}
