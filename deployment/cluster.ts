// The DeepAlpha deployment's side of the cluster tier: the validated stack settings mapped onto @deepalpha/cluster's
// args. index.ts constructs the tier with them. Nothing here creates a resource.
import type { ClusterArgs } from "@deepalpha/cluster";
import type { StackConfig } from "../config";
import { stackTags } from "./common";

export function clusterArgs(cfg: StackConfig): ClusterArgs {
    const { settings } = cfg;
    // The settings' cluster section is the args' shape (kubeContext, vpcCidr, node groups, gateway ...), except that
    // the EKS cluster's name is `clusterName` there. Names the settings do not have (namespaces, the Gateway's) keep
    // the package's defaults, which are DeepAlpha's.
    const { name, ...cluster } = settings.cluster;
    return {
        profile: settings.profile,
        ...cluster,
        clusterName: name,
        // Empty in the local profile, which has no AWS.
        ...(cfg.awsRegion ? { region: cfg.awsRegion } : {}),
        hostnames: [settings.app.apiHost, settings.app.websocketHost],
        preinstalled: settings.preinstalled,
        tags: stackTags(cfg),
    };
}
