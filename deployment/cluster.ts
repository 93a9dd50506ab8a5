// The DeepAlpha deployment's side of the cluster tier: the validated stack settings mapped onto @deepalpha/cluster's
// args. index.ts constructs the tier with them. Nothing here creates a resource.
import type { ClusterArgs } from "@deepalpha/cluster";
import type { StackConfig } from "../config";
import { stackTags } from "./common";

export function clusterArgs(cfg: StackConfig): ClusterArgs {
    const { settings } = cfg;
    return {
        profile: settings.profile,
        settings: settings.cluster,
        region: cfg.awsRegion,
        hostnames: [settings.app.apiHost, settings.app.websocketHost],
        preinstalled: settings.preinstalled,
        tags: stackTags(cfg),
    };
}
