// Mocha setup: Pulumi's mocks, installed once per process before any spec loads the component. The answers are
// the few computed outputs the cluster tier reads back (EKS's kubeconfig, OIDC issuer and Service range, node group
// names, the Gateway's address once programmed) and the AWS data sources it asks.
import { installMocks } from "@deepalpha/testing";

const ACCOUNT = "123456789012";
const REGION = "us-west-2";

function kubeconfig(cluster: string): Record<string, unknown> {
    return {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: cluster, cluster: { server: `https://${cluster.toUpperCase()}.gr7.${REGION}.eks.amazonaws.com`, "certificate-authority-data": "bW9jaw==" } }],
        contexts: [{ name: "aws", context: { cluster, user: "aws" } }],
        "current-context": "aws",
        users: [{ name: "aws", user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", cluster] } } }],
    };
}

installMocks(
    {
        "eks:index:Cluster": (name, i) => {
            const cluster = String(i.name ?? name);
            const issuer = `oidc.eks.${REGION}.amazonaws.com/id/${cluster.toUpperCase()}`;
            const kc = kubeconfig(cluster);
            return {
                state: {
                    kubeconfig: kc,
                    kubeconfigJson: JSON.stringify(kc),
                    oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}`,
                    oidcProviderUrl: `https://${issuer}`,
                    // skipDefaultSecurityGroups: both outputs are the EKS-created cluster security group.
                    nodeSecurityGroupId: `sg-${name}-eks`,
                    clusterSecurityGroupId: `sg-${name}-eks`,
                    eksCluster: { name: cluster, kubernetesNetworkConfig: { serviceIpv4Cidr: "172.20.0.0/16" } },
                },
            };
        },
        "aws:kms/key:Key": (name) => ({ id: `key-${name}`, state: { keyId: `key-${name}`, arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/key-${name}` } }),
        "aws:iam/role:Role": (name) => ({ id: name, state: { name, arn: `arn:aws:iam::${ACCOUNT}:role/${name}` } }),
        "aws:ec2/launchTemplate:LaunchTemplate": (name) => ({ id: `lt-${name}`, state: { latestVersion: 1 } }),
        "aws:eks/nodeGroup:NodeGroup": (name, i) => ({ state: { nodeGroupName: `${String(i.nodeGroupNamePrefix ?? name)}abc123` } }),
        // NGF programs a Gateway that waits for it (production) and copies the NLB's host name in.
        "kubernetes:gateway.networking.k8s.io/v1:Gateway": (name) => ({ state: { status: { addresses: [{ type: "Hostname", value: `${name}.elb.${REGION}.amazonaws.com` }] } } }),
    },
    {
        "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" }),
        "aws:index/getCallerIdentity:getCallerIdentity": () => ({ accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:role/deploy`, userId: "AROAEXAMPLE", id: ACCOUNT }),
        "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({ names: ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"], zoneIds: [], id: REGION }),
        "aws:eks/getAddonVersion:getAddonVersion": (i) => ({ addonName: i.addonName, kubernetesVersion: i.kubernetesVersion, version: "v1.0.0-eksbuild.1", id: String(i.addonName) }),
    },
);
