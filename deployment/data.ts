// The DeepAlpha deployment's side of the data tier: the validated stack settings mapped onto @deepalpha/data's
// args. index.ts constructs the tier with them. Nothing here creates a resource. Names and namespaces are left
// to the package's defaults, which are DeepAlpha's.
import type { ClusterComponent } from "@deepalpha/cluster";
import type { DataTierArgs } from "@deepalpha/data";
import type { StackConfig } from "../config";
import { stackTags } from "./common";

export function dataArgs(cfg: StackConfig, cluster: ClusterComponent): DataTierArgs {
    const { settings } = cfg;
    return {
        profile: settings.profile,
        ...settings.data,
        provider: cluster.provider,
        awsNamePrefix: settings.cluster.name,
        kubernetesDependsOn: cluster.kubernetesReady,
        network: cluster.network,
        ...(cluster.oidcProviderArn ? { oidcProviderArn: cluster.oidcProviderArn } : {}),
        oidcProviderUrl: cluster.oidcProviderUrl,
        ...(cluster.appRole ? { appRoleName: cluster.appRole.name } : {}),
        ...(cfg.awsRegion ? { region: cfg.awsRegion } : {}),
        tags: stackTags(cfg),
    };
}
