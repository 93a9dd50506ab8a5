// Observability: metrics (Prometheus, Alertmanager, Grafana), the seed's dashboard, alert rules,
// tracing (Jaeger v2) and logs.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ObservabilitySettings, Profile } from "../../settings/schema";
import type { DataEndpoints } from "../data";
import { NAMESPACES } from "../shared/conventions";

export interface ObservabilityArgs {
    profile: Profile;
    settings: ObservabilitySettings;
    provider: k8s.Provider;
    /** Data stores the exporters scrape. */
    dataEndpoints: DataEndpoints;
    connectionSecretName: pulumi.Output<string>;
    tags?: Record<string, string>;
}

export class Observability extends pulumi.ComponentResource {
    /** OTLP endpoint the workloads send traces to (gRPC, 4317). */
    readonly otlpEndpoint: pulumi.Output<string>;
    /** In-cluster Grafana URL. */
    readonly grafanaUrl: pulumi.Output<string>;

    constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("deepalpha:index:Observability", name, {}, opts);
        void args; // the tier's resources arrive with the observability issue
        this.otlpEndpoint = pulumi.output(`http://jaeger-collector.${NAMESPACES.monitoring}.svc.cluster.local:4317`);
        this.grafanaUrl = pulumi.output(`http://grafana.${NAMESPACES.monitoring}.svc.cluster.local`);
        this.registerOutputs({ otlpEndpoint: this.otlpEndpoint, grafanaUrl: this.grafanaUrl });
    }
}
