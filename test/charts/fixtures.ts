// Tiny charts written for the charts:check tests, created in a temp folder at test time (never upstream
// sources): each exercises one thing the check must get right with a real `helm template`.
//   webapp 0.1.0: a Deployment that complies except where the values say otherwise (no limits unless
//     values set them, one replica), a DaemonSet on the host network taking an exemption annotation from the
//     values, a Secret with a literal password, a CRD and a custom object gated on its API version, a
//     ServiceMonitor gated on monitoring.coreos.com/v1, a pre-install hook and a test hook (both privileged:
//     Pulumi never applies hooks, so they must not be checked), objects without metadata.namespace.
//   compliant 1.0.0: a Deployment with two replicas and its PodDisruptionBudget, nothing to report in prod.
import * as fs from "fs";
import * as path from "path";

const SECURE_POD = `      securityContext:
        runAsNonRoot: true
        runAsUser: 65534
        seccompProfile: { type: RuntimeDefault }`;
const SECURE_CONTAINER = `          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: { drop: [ALL] }`;
const PROBES = `          readinessProbe: { httpGet: { path: /ready, port: 8080 } }
          livenessProbe: { httpGet: { path: /health, port: 8080 } }`;

export const LITERAL_PASSWORD = "fixture-literal-password-7c1e";

const webapp: Record<string, string> = {
    "Chart.yaml": `apiVersion: v2
name: webapp
version: 0.1.0
kubeVersion: ">=1.30.0-0"
`,
    "values.yaml": `replicas: 1
resources:
  requests: { cpu: 10m, memory: 16Mi }
agent:
  hostNetwork: true
  annotations: {}
`,
    "crds/widgets.yaml": `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }
  versions:
    - name: v1
      served: true
      storage: true
      schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } }
`,
    "templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  labels: { app: {{ .Release.Name }}-web }
spec:
  replicas: {{ .Values.replicas }}
  selector: { matchLabels: { app: {{ .Release.Name }}-web } }
  template:
    metadata:
      labels: { app: {{ .Release.Name }}-web }
    spec:
${SECURE_POD}
      containers:
        - name: web
          image: registry.example.com/web:1.2.3
          resources: {{ toJson .Values.resources }}
${PROBES}
${SECURE_CONTAINER}
`,
    "templates/agent.yaml": `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {{ .Release.Name }}-agent
  namespace: {{ .Release.Namespace }}
  {{- with .Values.agent.annotations }}
  annotations: {{ toJson . }}
  {{- end }}
spec:
  selector: { matchLabels: { app: {{ .Release.Name }}-agent } }
  template:
    metadata:
      labels: { app: {{ .Release.Name }}-agent }
    spec:
      hostNetwork: {{ .Values.agent.hostNetwork }}
${SECURE_POD}
      containers:
        - name: agent
          image: registry.example.com/agent:4.5.6
          resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { cpu: 100m, memory: 64Mi } }
${PROBES}
${SECURE_CONTAINER}
`,
    "templates/secret.yaml": `apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-credentials
stringData:
  password: ${LITERAL_PASSWORD}
`,
    "templates/widget.yaml": `{{- if .Capabilities.APIVersions.Has "example.com/v1/Widget" }}
apiVersion: example.com/v1
kind: Widget
metadata:
  name: {{ .Release.Name }}-widget
spec: {}
{{- end }}
`,
    "templates/servicemonitor.yaml": `{{- if .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ .Release.Name }}-web
spec:
  selector: { matchLabels: { app: {{ .Release.Name }}-web } }
  endpoints: [{ port: http }]
{{- end }}
`,
    "templates/hook.yaml": `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-pre-install
  annotations: { "helm.sh/hook": pre-install }
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: hook
          image: registry.example.com/hook:latest
          securityContext: { privileged: true }
`,
    "templates/tests/test-connection.yaml": `apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-test
  annotations: { "helm.sh/hook": test }
spec:
  restartPolicy: Never
  containers:
    - name: test
      image: busybox
      securityContext: { privileged: true }
`,
};

const compliant: Record<string, string> = {
    "Chart.yaml": `apiVersion: v2
name: compliant
version: 1.0.0
`,
    "values.yaml": `replicas: 2
`,
    "templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
spec:
  replicas: {{ .Values.replicas }}
  selector: { matchLabels: { app: {{ .Release.Name }} } }
  template:
    metadata:
      labels: { app: {{ .Release.Name }} }
    spec:
${SECURE_POD}
      containers:
        - name: app
          image: registry.example.com/app:2.0.0
          resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { cpu: 100m, memory: 64Mi } }
${PROBES}
${SECURE_CONTAINER}
`,
    "templates/pdb.yaml": `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
spec:
  minAvailable: 1
  selector: { matchLabels: { app: {{ .Release.Name }} } }
`,
};

export const FIXTURE_CHARTS = { webapp: { version: "0.1.0", files: webapp }, compliant: { version: "1.0.0", files: compliant } } as const;

/** Writes the fixture charts in the --charts-dir layout: DIR/<chart>-<version>/. */
export function writeFixtureCharts(dir: string): void {
    for (const [name, c] of Object.entries(FIXTURE_CHARTS)) {
        for (const [rel, text] of Object.entries(c.files)) {
            const f = path.join(dir, `${name}-${c.version}`, rel);
            fs.mkdirSync(path.dirname(f), { recursive: true });
            fs.writeFileSync(f, text);
        }
    }
}

export interface FixtureChart {
    name: string;
    chart: string;
    version: string;
    namespace?: string;
    release?: string;
    repo?: string;
    values?: Record<string, unknown>;
}

/** A preview document (the shape `npm run plan -- --json` prints) with a stack, a provider and the Charts. */
export function fixturePlan(stack: "dev" | "prod", charts: FixtureChart[]): unknown {
    const stackUrn = `urn:pulumi:${stack}::deepalpha::pulumi:pulumi:Stack::deepalpha-${stack}`;
    const providerUrn = `urn:pulumi:${stack}::deepalpha::pulumi:providers:kubernetes::k8s`;
    const step = (urn: string, type: string, inputs: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ op: "create", urn, newState: { urn, type, custom: true, id: "", inputs, ...extra } });
    return {
        steps: [
            step(stackUrn, "pulumi:pulumi:Stack", {}, { custom: false }),
            step(providerUrn, "pulumi:providers:kubernetes", {}, { parent: stackUrn }),
            ...charts.map((c) =>
                step(
                    `urn:pulumi:${stack}::deepalpha::kubernetes:helm.sh/v4:Chart::${c.name}`,
                    "kubernetes:helm.sh/v4:Chart",
                    {
                        chart: c.chart,
                        version: c.version,
                        ...(c.repo ? { repositoryOpts: { repo: c.repo } } : {}),
                        ...(c.namespace ? { namespace: c.namespace } : {}),
                        ...(c.release ? { name: c.release } : {}),
                        values: c.values ?? {},
                    },
                    { parent: stackUrn, custom: false, provider: `${providerUrn}::id-1` },
                ),
            ),
        ],
        changeSummary: { create: charts.length + 2 },
    };
}
