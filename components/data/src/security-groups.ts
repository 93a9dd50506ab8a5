// One security group per managed store, each admitting only the cluster's worker nodes on the store's own port.
// No egress rules: the stores never open connections (an empty list removes AWS's default allow-all egress).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { ClusterNetwork } from "@deepalpha/shared";
import { DATA_PORTS } from "@deepalpha/shared";

export type StoreKind = "postgres" | "redis" | "influxdb";

/** Pulumi name `${base}-<kind>-sg`; the Name tag `${prefix}-<kind>`. */
export function storeSecurityGroup(
    names: { base: string; prefix: string },
    kind: StoreKind,
    network: ClusterNetwork,
    tags: Record<string, string>,
    parent: pulumi.Resource,
): aws.ec2.SecurityGroup {
    const port = DATA_PORTS[kind];
    return new aws.ec2.SecurityGroup(
        `${names.base}-${kind}-sg`,
        {
            description: `DeepAlpha ${kind}: ${port}/tcp from the EKS worker nodes only`,
            vpcId: network.vpcId,
            ingress: [
                {
                    description: `${kind} from the EKS worker nodes`,
                    protocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    securityGroups: [network.nodeSecurityGroupId],
                },
            ],
            egress: [],
            tags: { ...tags, Name: `${names.prefix}-${kind}` },
        },
        { parent },
    );
}
