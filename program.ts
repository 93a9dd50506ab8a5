// Wires the four tiers together for one stack and returns the stack outputs.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { StackConfig } from "./config";
import { AppTier } from "@deepalpha/app";
import { ClusterComponent, enaExpressProblem } from "@deepalpha/cluster";
import { DataTier } from "@deepalpha/data";
import { Observability } from "@deepalpha/observability";

/**
 * Settings only EC2 can judge, asked before anything is created: ENA Express needs an instance type that
 * supports it (DescribeInstanceTypes). Stops `pulumi up`/`preview` with the key and no stack trace.
 */
export async function checkAgainstEc2(cfg: StackConfig): Promise<void> {
    const e = cfg.settings.cluster.executorNodes;
    if (cfg.settings.profile !== "production" || !e.enaExpress) return;
    const info = await aws.ec2.getInstanceType({ instanceType: e.instanceType });
    const problem = enaExpressProblem(e.instanceType, info.enaSrdSupported);
    if (problem) throw new pulumi.RunError(`invalid stack configuration:\n  - ${problem}`);
}

// Each tier waits for what it needs, never for a whole other tier (docs/deploy-timeline.md): the data tier's AWS
// stores only for the VPC pieces in `network`, every tier's Kubernetes objects for `cluster.kubernetesReady`.
export function deploy(cfg: StackConfig) {
    const { settings } = cfg;
    const profile = settings.profile;
    const tags = { project: "deepalpha", stack: cfg.stack, "managed-by": "pulumi" };

    const cluster = new ClusterComponent("cluster", {
        profile,
        settings: settings.cluster,
        region: cfg.awsRegion,
        hostnames: [settings.app.apiHost, settings.app.websocketHost],
        preinstalled: settings.preinstalled,
        tags,
    });
    const data = new DataTier("data", {
        profile,
        settings: settings.data,
        provider: cluster.provider,
        clusterName: settings.cluster.name,
        kubernetesDependsOn: cluster.kubernetesReady,
        network: cluster.network,
        ...(cluster.oidcProviderArn ? { oidcProviderArn: cluster.oidcProviderArn } : {}),
        oidcProviderUrl: cluster.oidcProviderUrl,
        ...(cluster.appRole ? { appRoleName: cluster.appRole.name } : {}),
        region: cfg.awsRegion,
        tags,
    });
    const observability = new Observability("observability", {
        profile,
        settings: settings.observability,
        provider: cluster.provider,
        dataEndpoints: data.endpoints,
        connectionSecretName: data.connectionSecretName,
        exporterCredentials: data.exporterCredentials,
        redisTls: data.redisTls,
        telegramBotToken: cfg.secrets.telegramBotToken,
        dataCidrs: profile === "production" ? [settings.cluster.vpcCidr] : undefined,
        preinstalled: settings.preinstalled,
        tags,
    }, { dependsOn: cluster.kubernetesReady });
    const app = new AppTier("app", {
        profile,
        settings: settings.app,
        provider: cluster.provider,
        connectionSecretName: data.connectionSecretName,
        secrets: cfg.secrets,
        otlpEndpoint: observability.otlpEndpoint,
        dataCidrs: profile === "production" ? [settings.cluster.vpcCidr] : undefined,
        executorCpuTarget: profile === "production" ? settings.cluster.executorNodes.cpuTarget : undefined,
    }, { dependsOn: [...cluster.kubernetesReady, cluster.gateway, ...data.appPrerequisites] });

    return {
        profile,
        clusterName: cluster.clusterName,
        kubeconfig: pulumi.secret(cluster.kubeconfig),
        ...(cluster.oidcProviderArn ? { oidcProviderArn: cluster.oidcProviderArn } : {}),
        ...(cluster.nodeGroupNames ? { nodeGroupNames: cluster.nodeGroupNames } : {}),
        gatewayAddress: cluster.gatewayAddress,
        namespaces: cluster.namespaces,
        connectionSecretName: data.connectionSecretName,
        backupsBucket: data.backupsBucket,
        filesBucket: data.filesBucket,
        apiUrl: app.apiUrl,
        websocketUrl: app.websocketUrl,
        grafanaUrl: observability.grafanaUrl,
        otlpEndpoint: observability.otlpEndpoint,
        jaegerUiUrl: observability.jaegerUiUrl,
    };
}
