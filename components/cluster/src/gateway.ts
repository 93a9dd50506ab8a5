// The entry point (the seed's "Nginx/HAProxy, SSL termination"): the Gateway API with NGINX Gateway Fabric,
// certificates from cert-manager (or an ACM certificate on the NLB), and the shared Gateway the application
// tier attaches its HTTPRoutes to. Same implementation in both profiles; prod puts it behind an AWS NLB.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { GATEWAY, NAMESPACES, exemptions, type Namespaces, type Profile } from "@deepalpha/shared";
import type { GatewaySpec } from "./args";

/** Pinned versions. NGF 2.6.7 is tested against Gateway API v1.5.1 (its config/crd/gateway-api kustomization). */
export const GATEWAY_API_VERSION = "v1.5.1";
export const GATEWAY_API_CRDS_URL = `https://github.com/kubernetes-sigs/gateway-api/releases/download/${GATEWAY_API_VERSION}/standard-install.yaml`;
export const GATEWAY_CHARTS = {
    nginxGatewayFabric: { chart: "oci://ghcr.io/nginx/charts/nginx-gateway-fabric", version: "2.6.7" },
    certManager: { chart: "cert-manager", version: "v1.21.1", repo: "https://charts.jetstack.io" },
} as const;

export const LETS_ENCRYPT_SERVER = "https://acme-v02.api.letsencrypt.org/directory";
/** DeepAlpha's Secret holding the gateway's public certificate (the default of gateway.tlsSecretName). */
export const GATEWAY_TLS_SECRET = "deepalpha-gateway-tls";
/** NGF's control plane: fullnameOverride makes its Service (and the agent's TLS server name) this. */
export const NGF_NAME = "nginx-gateway";
/** Label NGF puts on the data plane pods it provisions for a Gateway. */
export function dataPlaneSelector(gatewayName: string = GATEWAY.name): Record<string, string> {
    return { "gateway.networking.k8s.io/gateway-name": gatewayName };
}
/** The data plane of DeepAlpha's Gateway. */
export const DATA_PLANE_SELECTOR = dataPlaneSelector();
export const CONTROL_PLANE_SELECTOR = { "app.kubernetes.io/name": "nginx-gateway-fabric" };
export const ACME_SOLVER_SELECTOR = { "acme.cert-manager.io/http01-solver": "true" };

/** Both must hold (a JSON list is ANDed): NGF has programmed the data plane, and copied the NLB's name in. */
export const GATEWAY_WAIT_FOR = JSON.stringify(["condition=Programmed", "jsonpath={.status.addresses[0].value}"]);

/** Spread over zones, but never leave a pod pending because a zone is down. */
const zoneSpread = (matchLabels: Record<string, string>) => ({
    maxSkew: 1,
    topologyKey: "topology.kubernetes.io/zone",
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector: { matchLabels },
});

const NLB_ANNOTATIONS = { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" };

/**
 * The Gateway's listeners: http 80 (ACME HTTP-01, redirects) and https 443, which the app tier's routes use; routes
 * are accepted from the app and gateway namespaces. Pure.
 */
export function gatewayListeners(tls: GatewaySpec["tls"], opts: { namespaces?: Pick<Namespaces, "app" | "gateway">; tlsSecretName?: string } = {}) {
    const ns = opts.namespaces ?? NAMESPACES;
    const allowedRoutes = {
        namespaces: {
            from: "Selector",
            selector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [ns.app, ns.gateway] }] },
        },
    };
    return [
        { name: GATEWAY.listeners.http, port: 80, protocol: "HTTP", allowedRoutes },
        tls === "acm"
            ? // The NLB terminates TLS with the ACM certificate and forwards plain HTTP to port 443.
              { name: GATEWAY.listeners.https, port: 443, protocol: "HTTP", allowedRoutes }
            : {
                  name: GATEWAY.listeners.https,
                  port: 443,
                  protocol: "HTTPS",
                  tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", group: "", name: opts.tlsSecretName ?? GATEWAY_TLS_SECRET }] },
                  allowedRoutes,
              },
    ];
}

/** Annotations the gateway's LoadBalancer Service gets (through Gateway.spec.infrastructure). Pure. */
export function loadBalancerAnnotations(profile: Profile, g: Pick<GatewaySpec, "tls" | "acmCertificateArn">): Record<string, string> {
    if (profile === "local") return {};
    if (g.tls === "acm") {
        return {
            ...NLB_ANNOTATIONS,
            "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": g.acmCertificateArn!,
            "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443",
            "service.beta.kubernetes.io/aws-load-balancer-backend-protocol": "tcp",
        };
    }
    return { ...NLB_ANNOTATIONS };
}

/** Why two cert-manager containers lack probes: the chart (v1.21.1) renders none for them, and neither serves traffic. */
export const CERT_MANAGER_PROBE_EXEMPTIONS = {
    controller:
        "cert-manager v1.21.1's controller serves /livez only (its liveness probe) and the chart has no readiness setting; the controller serves no traffic (only its metrics are scraped)",
    cainjector: "cert-manager v1.21.1's cainjector has no health endpoint and the chart renders no probe for it; it serves no traffic",
} as const;

/** Why NGF's control plane has no liveness probe. */
export const NGF_PROBE_EXEMPTION =
    "NGINX Gateway Fabric 2.6.7's control plane serves /readyz only (its readiness probe) and the chart has no liveness setting";

/** cert-manager chart values (v1.21.1). Every key exists in its values.yaml (deploymentAnnotations as documented there). Pure. */
export function certManagerValues(prod: boolean): Record<string, unknown> {
    return {
        crds: { enabled: true, keep: true },
        replicaCount: prod ? 2 : 1,
        podDisruptionBudget: { enabled: prod },
        resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
        deploymentAnnotations: exemptions({ "workload-probes": CERT_MANAGER_PROBE_EXEMPTIONS.controller }),
        webhook: {
            replicaCount: prod ? 2 : 1,
            podDisruptionBudget: { enabled: prod },
            resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        },
        cainjector: {
            replicaCount: prod ? 2 : 1,
            podDisruptionBudget: { enabled: prod },
            resources: { requests: { cpu: "20m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
            deploymentAnnotations: exemptions({ "workload-probes": CERT_MANAGER_PROBE_EXEMPTIONS.cainjector }),
        },
        // HTTP-01 challenges are answered through the Gateway (an HTTPRoute on the http listener).
        config: { apiVersion: "controller.config.cert-manager.io/v1alpha1", kind: "ControllerConfiguration", gatewayAPI: { enabled: true } },
        // startupapicheck is a post-install Helm hook, which Chart v4 skips: off, so the values say what runs.
        startupapicheck: { enabled: false },
    };
}

/** nginx-gateway-fabric chart values (2.6.7). Pure. */
export function nginxGatewayFabricValues(prod: boolean, className: string, gatewayName: string = GATEWAY.name): Record<string, unknown> {
    return {
        fullnameOverride: NGF_NAME,
        nginxGateway: {
            gatewayClassName: className,
            replicas: prod ? 2 : 1,
            // A trading platform does not report usage to a vendor.
            productTelemetry: { enable: false },
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
            // The chart annotates only the pods (no Deployment annotations value): the policy pack reads a
            // workload's exemption from its pod template too.
            podAnnotations: exemptions({ "workload-probes": NGF_PROBE_EXEMPTION }),
            // No podDisruptionBudget here: NGF 2.6.7's chart has no such value (it arrived on NGF's main
            // branch later) and would ignore it silently. The budget is a resource of its own below.
            ...(prod ? { topologySpreadConstraints: [zoneSpread(CONTROL_PLANE_SELECTOR)] } : {}),
        },
        certGenerator: { enable: false },
        nginx: {
            // The data plane NGF provisions per Gateway: three replicas spread over the three AZs.
            replicas: prod ? 3 : 1,
            ...(prod ? { pod: { topologySpreadConstraints: [zoneSpread(dataPlaneSelector(gatewayName))] } } : {}),
            // Local keeps the client's source IP and skips a second hop between nodes.
            service: { type: "LoadBalancer", externalTrafficPolicy: "Local" },
        },
    };
}

export interface CreateGatewayArgs {
    profile: Profile;
    gateway: GatewaySpec;
    /** Host names the certificate covers (the application's API and WebSocket hosts). */
    hostnames: string[];
    /** Namespace names by role: the Gateway and NGF go to `gateway`, cert-manager to `certManager`. */
    namespaces: Namespaces;
    provider: k8s.Provider;
    /** Namespaces (created in namespaces.ts) the charts and objects go into. */
    namespaceResources: pulumi.Resource[];
    /** Resources the charts need first (prod: CoreDNS and the nodes). */
    dependsOn: pulumi.Resource[];
    /** false when the cluster already runs cert-manager (preinstalled): its chart is not installed. */
    installCertManager: boolean;
}

export interface GatewayResult {
    gateway: k8s.apiextensions.CustomResource;
    /** NLB host name (prod) or load balancer address (local), once NGF has programmed the Gateway. */
    address: pulumi.Output<string>;
}

export function createGateway(name: string, args: CreateGatewayArgs, parent: pulumi.Resource): GatewayResult {
    const prod = args.profile === "production";
    const g = args.gateway;
    const k8sOpts = { parent, provider: args.provider };
    const ns = args.namespaces.gateway;
    const after = (...deps: pulumi.Resource[]) => ({ ...k8sOpts, dependsOn: [...args.namespaceResources, ...args.dependsOn, ...deps] });

    // NGF's install guide applies the Gateway API's standard CRDs first; a cluster with its own NGF has them.
    const crds = g.install ? [new k8s.yaml.v2.ConfigFile(`${name}-gateway-api-crds`, { file: GATEWAY_API_CRDS_URL }, after())] : [];

    const certManager = !args.installCertManager
        ? undefined
        : new k8s.helm.v4.Chart(
        `${name}-cert-manager`,
        {
            chart: GATEWAY_CHARTS.certManager.chart,
            version: GATEWAY_CHARTS.certManager.version,
            repositoryOpts: { repo: GATEWAY_CHARTS.certManager.repo },
            namespace: args.namespaces.certManager,
            values: certManagerValues(prod),
        },
        after(...crds),
    );
    // cert-manager's objects wait for its chart (CRDs, webhook), or for nothing when the cluster already runs it.
    const cm = (kind: string, resName: string, metadata: Record<string, unknown>, spec: Record<string, unknown>, deps: pulumi.Resource[] = []) =>
        new k8s.apiextensions.CustomResource(resName, { apiVersion: "cert-manager.io/v1", kind, metadata, spec }, after(...(certManager ? [certManager] : []), ...deps));
    // Certificates signed in-cluster are issued in seconds: wait for them, so what mounts them starts cleanly.
    // (Not the Let's Encrypt one: it is issued only once DNS points at the gateway.)
    const waitReady = { "pulumi.com/waitFor": "condition=Ready" };

    // Self-signed root in the gateway namespace: signs NGF's internal CA (and dev's public certificate).
    const selfSigned = cm("Issuer", `${name}-selfsigned`, { name: "selfsigned", namespace: ns }, { selfSigned: {} });

    const dataPlaneDeps: pulumi.Resource[] = [];
    if (g.install) {
        // NGF's control plane and the nginx agents authenticate each other with mutual TLS. Its chart makes
        // these Secrets in a pre-install Helm hook, which Chart v4 does not run: cert-manager issues them instead.
        const caCert = cm(
            "Certificate",
            `${name}-ngf-ca`,
            { name: "nginx-gateway-ca", namespace: ns, annotations: waitReady },
            { isCA: true, commonName: "nginx-gateway-ca", secretName: "nginx-gateway-ca", privateKey: { algorithm: "ECDSA", size: 256 }, issuerRef: { name: "selfsigned", kind: "Issuer" } },
            [selfSigned],
        );
        const caIssuer = cm("Issuer", `${name}-ngf-ca-issuer`, { name: "nginx-gateway-ca", namespace: ns }, { ca: { secretName: "nginx-gateway-ca" } }, [caCert]);
        const issuerRef = { name: "nginx-gateway-ca", kind: "Issuer" };
        const server = cm(
            "Certificate",
            `${name}-ngf-server-tls`,
            { name: "nginx-gateway-server", namespace: ns, annotations: waitReady },
            { secretName: "server-tls", dnsNames: [`${NGF_NAME}.${ns}.svc`], usages: ["digital signature", "key encipherment", "server auth"], privateKey: { algorithm: "ECDSA", size: 256 }, issuerRef },
            [caIssuer],
        );
        const agent = cm(
            "Certificate",
            `${name}-ngf-agent-tls`,
            { name: "nginx-gateway-agent", namespace: ns, annotations: waitReady },
            { secretName: "agent-tls", dnsNames: ["*.cluster.local"], usages: ["digital signature", "key encipherment", "client auth"], privateKey: { algorithm: "ECDSA", size: 256 }, issuerRef },
            [caIssuer],
        );
        dataPlaneDeps.push(
            new k8s.helm.v4.Chart(
                `${name}-nginx-gateway-fabric`,
                {
                    chart: GATEWAY_CHARTS.nginxGatewayFabric.chart,
                    version: GATEWAY_CHARTS.nginxGatewayFabric.version,
                    namespace: ns,
                    values: nginxGatewayFabricValues(prod, g.className, g.name),
                },
                after(...crds, server, agent),
            ),
        );
        if (prod) {
            // The control plane's budget (the chart pinned above renders none): a node drain keeps one controller,
            // and prod's prod-pod-disruption-budget policy finds a budget selecting the chart's Deployment.
            new k8s.policy.v1.PodDisruptionBudget(
                `${name}-nginx-gateway-pdb`,
                { metadata: { name: NGF_NAME, namespace: ns }, spec: { minAvailable: 1, selector: { matchLabels: CONTROL_PLANE_SELECTOR } } },
                after(),
            );
        }
    }

    // The gateway's public certificate.
    if (g.tls === "selfSigned") {
        dataPlaneDeps.push(
            cm("Certificate", `${name}-gateway-tls`, { name: g.certificateName, namespace: ns, annotations: waitReady }, { secretName: g.tlsSecretName, dnsNames: args.hostnames, issuerRef: { name: "selfsigned", kind: "Issuer" } }, [selfSigned]),
        );
    } else if (g.tls === "letsEncrypt") {
        const issuer = cm(
            "ClusterIssuer",
            `${name}-letsencrypt`,
            { name: "letsencrypt" },
            {
                acme: {
                    server: LETS_ENCRYPT_SERVER,
                    email: g.acmeEmail,
                    privateKeySecretRef: { name: "letsencrypt-account-key" },
                    solvers: [{ http01: { gatewayHTTPRoute: { parentRefs: [{ name: g.name, namespace: ns, kind: "Gateway", sectionName: GATEWAY.listeners.http }] } } }],
                },
            },
        );
        dataPlaneDeps.push(
            cm("Certificate", `${name}-gateway-tls`, { name: g.certificateName, namespace: ns }, { secretName: g.tlsSecretName, dnsNames: args.hostnames, issuerRef: { name: "letsencrypt", kind: "ClusterIssuer" } }, [issuer]),
        );
    }

    const annotations = loadBalancerAnnotations(args.profile, g);
    const gateway = new k8s.apiextensions.CustomResource(
        `${name}-gateway`,
        {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "Gateway",
            metadata: {
                name: g.name,
                namespace: ns,
                // prod: `pulumi up` waits until NGF has programmed the Gateway and the NLB has an address, so the
                // gatewayAddress output is real. Local clusters may have no load balancer (kind), so no wait there.
                ...(prod ? { annotations: { "pulumi.com/waitFor": GATEWAY_WAIT_FOR } } : {}),
            },
            spec: {
                gatewayClassName: g.className,
                listeners: gatewayListeners(g.tls, { namespaces: args.namespaces, tlsSecretName: g.tlsSecretName }),
                ...(Object.keys(annotations).length ? { infrastructure: { annotations } } : {}),
            },
            // Read back after creation: NGF writes the load balancer's address here.
            status: undefined,
        },
        { ...after(...crds, ...dataPlaneDeps), customTimeouts: { create: "20m", update: "20m" } },
    );
    const status = (gateway as unknown as { status: pulumi.Output<{ addresses?: { value?: string }[] } | undefined> }).status;
    const address = status.apply((st) => st?.addresses?.[0]?.value ?? `pending: kubectl -n ${ns} get gateway ${g.name}`);
    return { gateway, address };
}
