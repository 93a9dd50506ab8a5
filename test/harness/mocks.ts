// Pulumi mocks with realistic state: the IDs, ARNs, endpoints and kubeconfig a real deployment in
// us-west-2 would return. Invokes are matched by token; an invoke nobody mocked fails loudly, so a
// new data source cannot slip in untested.
import * as pulumi from "@pulumi/pulumi";

export const MOCK_ACCOUNT = "123456789012";
export const MOCK_REGION = "us-west-2";
const AZS = ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"];

/** Short deterministic hex from a string: stable IDs across runs, so two plans diff cleanly. */
export function hexOf(s: string, len = 17): string {
    let h1 = 0x811c9dc5;
    let out = "";
    while (out.length < len) {
        for (let i = 0; i < s.length; i++) h1 = Math.imul(h1 ^ s.charCodeAt(i), 0x01000193) >>> 0;
        out += h1.toString(16).padStart(8, "0");
        s += "#";
    }
    return out.slice(0, len);
}

function mockKubeconfig(clusterName: string): Record<string, unknown> {
    const server = `https://${hexOf(clusterName, 32).toUpperCase()}.gr7.${MOCK_REGION}.eks.amazonaws.com`;
    return {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: clusterName, cluster: { server, "certificate-authority-data": Buffer.from(`mock-ca-for-${clusterName}`).toString("base64") } }],
        contexts: [{ name: "aws", context: { cluster: clusterName, user: "aws" } }],
        "current-context": "aws",
        users: [
            {
                name: "aws",
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: ["eks", "get-token", "--cluster-name", clusterName, "--output", "json"],
                    },
                },
            },
        ],
    };
}

const arn = (service: string, resource: string, region = MOCK_REGION) => `arn:aws:${service}:${region}:${MOCK_ACCOUNT}:${resource}`;

type State = Record<string, unknown>;

/** Every secret value the mocks hand out (generated passwords), so tests can prove none is ever printed. */
export const issuedSecrets = new Set<string>();

function issueSecret(value: string): pulumi.Output<string> {
    issuedSecrets.add(value);
    return pulumi.secret(value);
}

/** Computed outputs per resource type, on top of the echoed inputs. */
const resourceState: Record<string, (name: string, inputs: State) => { id?: string; state: State }> = {
    "random:index/randomPassword:RandomPassword": (name, i) => ({
        id: "none",
        state: { result: issueSecret(`mock-${hexOf(name, Number(i.length ?? 24) - 5)}`) },
    }),
    "random:index/randomId:RandomId": (name) => ({ state: { hex: hexOf(name, 8), b64Url: hexOf(name, 8), dec: "12345678" } }),
    "eks:index:Cluster": (name, i) => {
        const clusterName = String(i.name ?? name);
        const kc = mockKubeconfig(clusterName);
        const oidcId = hexOf(clusterName, 32).toUpperCase();
        // pulumi-eks (nodejs/eks/cluster/cluster.ts): oidcProviderUrl is the issuer URL with https://,
        // oidcIssuer the same without it. With skipDefaultSecurityGroups both security group outputs are
        // the EKS-created cluster security group.
        const eksSg = `sg-${hexOf(name + "eks-cluster-sg")}`;
        const skipSgs = i.skipDefaultSecurityGroups === true;
        return {
            state: {
                kubeconfig: kc,
                kubeconfigJson: JSON.stringify(kc),
                oidcProviderArn: `arn:aws:iam::${MOCK_ACCOUNT}:oidc-provider/oidc.eks.${MOCK_REGION}.amazonaws.com/id/${oidcId}`,
                oidcProviderUrl: `https://oidc.eks.${MOCK_REGION}.amazonaws.com/id/${oidcId}`,
                oidcIssuer: `oidc.eks.${MOCK_REGION}.amazonaws.com/id/${oidcId}`,
                clusterSecurityGroupId: skipSgs ? eksSg : `sg-${hexOf(name + "cluster")}`,
                nodeSecurityGroupId: skipSgs ? eksSg : `sg-${hexOf(name + "node")}`,
                eksClusterName: clusterName,
                // The aws.eks.Cluster inside the component, as the engine hands back its outputs.
                eksCluster: {
                    name: clusterName,
                    arn: arn("eks", `cluster/${clusterName}`),
                    version: i.version,
                    endpoint: (kc.clusters as { cluster: { server: string } }[])[0].cluster.server,
                    vpcConfig: { clusterSecurityGroupId: eksSg, vpcId: i.vpcId },
                    // EKS's own choice for a 10.x VPC when no range is given (both stacks use 10.40.0.0/16).
                    kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr: i.kubernetesServiceIpAddressRange ?? "172.20.0.0/16" },
                },
            },
        };
    },
    "aws:kms/key:Key": (name) => {
        const keyId = `${hexOf(name, 8)}-${hexOf(name + "a", 4)}-${hexOf(name + "b", 4)}-${hexOf(name + "c", 4)}-${hexOf(name + "d", 12)}`;
        return { id: keyId, state: { keyId, arn: arn("kms", `key/${keyId}`) } };
    },
    "aws:ec2/vpc:Vpc": (name) => ({ id: `vpc-${hexOf(name)}`, state: { arn: arn("ec2", `vpc/vpc-${hexOf(name)}`), defaultSecurityGroupId: `sg-${hexOf(name + "default")}` } }),
    "aws:ec2/subnet:Subnet": (name) => ({ id: `subnet-${hexOf(name)}`, state: { arn: arn("ec2", `subnet/subnet-${hexOf(name)}`) } }),
    "aws:ec2/securityGroup:SecurityGroup": (name) => ({ id: `sg-${hexOf(name)}`, state: { arn: arn("ec2", `security-group/sg-${hexOf(name)}`) } }),
    "aws:ec2/natGateway:NatGateway": (name) => ({ id: `nat-${hexOf(name)}`, state: {} }),
    "aws:ec2/eip:Eip": (name) => ({ id: `eipalloc-${hexOf(name)}`, state: { publicIp: "203.0.113.10", allocationId: `eipalloc-${hexOf(name)}` } }),
    "aws:ec2/internetGateway:InternetGateway": (name) => ({ id: `igw-${hexOf(name)}`, state: {} }),
    "aws:ec2/routeTable:RouteTable": (name) => ({ id: `rtb-${hexOf(name)}`, state: {} }),
    "aws:ec2/launchTemplate:LaunchTemplate": (name) => ({ id: `lt-${hexOf(name)}`, state: { latestVersion: 1, arn: arn("ec2", `launch-template/lt-${hexOf(name)}`) } }),
    "aws:iam/role:Role": (name, i) => ({ id: String(i.name ?? name), state: { arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${String(i.name ?? name)}`, name: String(i.name ?? name) } }),
    "aws:iam/policy:Policy": (name, i) => ({ state: { arn: `arn:aws:iam::${MOCK_ACCOUNT}:policy/${String(i.name ?? name)}` } }),
    "aws:eks/nodeGroup:NodeGroup": (name, i) => {
        // nodeGroupNamePrefix: the provider appends a unique suffix, as Terraform's prefix naming does.
        const ngName = String(i.nodeGroupName ?? (i.nodeGroupNamePrefix ? `${String(i.nodeGroupNamePrefix)}${hexOf(name, 26)}` : name));
        return { id: `${String(i.clusterName)}:${ngName}`, state: { arn: arn("eks", `nodegroup/${String(i.clusterName)}/${ngName}/${hexOf(name, 8)}`), nodeGroupName: ngName, status: "ACTIVE" } };
    },
    "aws:rds/instance:Instance": (name, i) => {
        const id = String(i.identifier ?? name);
        const address = `${id}.c${hexOf(name, 10)}.${MOCK_REGION}.rds.amazonaws.com`;
        // A Multi-AZ primary takes no zone from us: RDS picks one (here the second zone, so "not the first" is not luck).
        const availabilityZone = i.availabilityZone ?? AZS[1];
        return { id, state: { address, endpoint: `${address}:5432`, port: 5432, arn: arn("rds", `db:${id}`), identifier: id, availabilityZone } };
    },
    "aws:elasticache/replicationGroup:ReplicationGroup": (name, i) => {
        const id = String(i.replicationGroupId ?? name);
        return {
            id,
            state: {
                primaryEndpointAddress: `master.${id}.${hexOf(name, 6)}.usw2.cache.amazonaws.com`,
                readerEndpointAddress: `replica.${id}.${hexOf(name, 6)}.usw2.cache.amazonaws.com`,
                port: 6379,
                arn: arn("elasticache", `replicationgroup:${id}`),
            },
        };
    },
    "aws:timestreaminfluxdb/dbInstance:DbInstance": (name, i) => ({
        id: hexOf(name, 10),
        state: {
            endpoint: `${hexOf(name, 10)}-${MOCK_ACCOUNT}.timestream-influxdb.${MOCK_REGION}.on.aws`,
            arn: arn("timestream-influxdb", `db-instance/${hexOf(name, 10)}`),
            influxAuthParametersSecretArn: arn("secretsmanager", `secret:READONLY-InfluxDB-auth-parameters-${hexOf(name, 6)}`),
            availabilityZone: AZS[0],
            secondaryAvailabilityZone: i.deploymentType === "WITH_MULTIAZ_STANDBY" ? AZS[1] : undefined,
        },
    }),
    // Autonamed groups: the provider names them `<resource name>-<random suffix>` (lower case for RDS).
    "aws:rds/parameterGroup:ParameterGroup": (name, i) => {
        const n = String(i.name ?? `${name}-${hexOf(name, 7)}`).toLowerCase();
        return { id: n, state: { name: n, arn: arn("rds", `pg:${n}`) } };
    },
    "aws:rds/subnetGroup:SubnetGroup": (name, i) => {
        const n = String(i.name ?? `${name}-${hexOf(name, 7)}`).toLowerCase();
        return { id: n, state: { name: n, arn: arn("rds", `subgrp:${n}`), vpcId: `vpc-${hexOf("vpc")}` } };
    },
    "aws:elasticache/subnetGroup:SubnetGroup": (name, i) => {
        const n = String(i.name ?? `${name}-${hexOf(name, 7)}`).toLowerCase();
        return { id: n, state: { name: n, arn: arn("elasticache", `subnetgroup:${n}`) } };
    },
    "aws:s3/bucket:Bucket": (name, i) => {
        const bucket = String(i.bucket ?? `${name}-${hexOf(name, 7)}`);
        return { id: bucket, state: { bucket, arn: `arn:aws:s3:::${bucket}`, bucketRegionalDomainName: `${bucket}.s3.${MOCK_REGION}.amazonaws.com` } };
    },
};

function kubernetesState(name: string, inputs: State, type: string): { id: string; state: State } {
    const metadata = { ...((inputs.metadata as State) ?? {}) };
    // The provider auto-names objects without metadata.name: name plus a random suffix.
    if (!metadata.name) metadata.name = `${name}-${hexOf(name, 8)}`;
    const id = metadata.namespace ? `${String(metadata.namespace)}/${String(metadata.name)}` : String(metadata.name);
    const state: State = { ...inputs, metadata };
    // A Gateway whose `pulumi.com/waitFor` waits for Programmed comes back programmed, with the address NGF
    // copies from its LoadBalancer Service (an NLB host name on EKS). Without a wait, status is still empty.
    const annotations = (metadata.annotations ?? {}) as Record<string, string>;
    if (type === "kubernetes:gateway.networking.k8s.io/v1:Gateway" && (annotations["pulumi.com/waitFor"] ?? "").includes("condition=Programmed")) {
        state.status = {
            addresses: [{ type: "Hostname", value: `k8s-${String(metadata.namespace)}-${String(metadata.name)}-${hexOf(name, 10)}.elb.${MOCK_REGION}.amazonaws.com` }],
            conditions: [{ type: "Programmed", status: "True", reason: "Programmed" }],
        };
    }
    return { id, state };
}

/**
 * Strings the mocks made up rather than echoed (IDs, ARNs, endpoints, the account, addresses): a value that
 * contains one is the mocks' invention, known for real only after `pulumi up`, and the plan labels it so.
 * Shorter strings ("none", "aws", "ACTIVE") are left out: too common to tell apart. Cleared per program run.
 */
export const computedByMocks = new Set<string>();

/**
 * `type::name` -> the old name a child is aliased to (deployment/aliases.ts). The engine moves an aliased resource
 * in state and keeps its ID and auto-name; the mocks derive IDs and auto-names from the name, so they take the old
 * one: an aliased resource then has the IDs it had before, and so do the inputs that refer to it. Cleared per run.
 */
export const legacyIdentity = new Map<string, string>();
function identityName(args: pulumi.runtime.MockResourceArgs): string {
    return legacyIdentity.get(`${args.type}::${args.name}`) ?? args.name;
}
const MIN_COMPUTED_LENGTH = 8;

function leafStrings(v: unknown, out: Set<string>): Set<string> {
    if (typeof v === "string") out.add(v);
    else if (Array.isArray(v)) v.forEach((x) => leafStrings(x, out));
    // Plain data only: a secret Output (a generated password) is never a stack output's value.
    else if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) Object.values(v).forEach((x) => leafStrings(x, out));
    return out;
}

/** Records what a mock answer adds to what the program gave it. */
function recordComputed<T extends { id?: string; state?: State }>(inputs: State, answer: T, result: unknown = answer.state): T {
    const given = leafStrings(inputs, new Set());
    for (const s of leafStrings([answer.id, result], new Set())) if (s.length >= MIN_COMPUTED_LENGTH && !given.has(s)) computedByMocks.add(s);
    return answer;
}

function newResourceState(args: pulumi.runtime.MockResourceArgs): { id: string; state: State } {
    const name = identityName(args);
    const custom = resourceState[args.type];
    if (custom) {
        const { id, state } = custom(name, args.inputs);
        return { id: id ?? `${name}-${hexOf(name, 8)}`, state: { ...args.inputs, ...state } };
    }
    if (args.type.startsWith("kubernetes:") && !args.type.startsWith("kubernetes:helm.sh") && !args.type.startsWith("kubernetes:yaml")) {
        return kubernetesState(name, args.inputs, args.type);
    }
    if (args.type.startsWith("aws:")) {
        const service = args.type.split(":")[1].split("/")[0];
        return { id: `${name}-${hexOf(name, 8)}`, state: { ...args.inputs, arn: arn(service, name) } };
    }
    return { id: `${name}-${hexOf(name, 8)}`, state: args.inputs };
}

export const mocks: pulumi.runtime.Mocks = {
    newResource(args: pulumi.runtime.MockResourceArgs) {
        return recordComputed(args.inputs, newResourceState(args));
    },
    call(args: pulumi.runtime.MockCallArgs) {
        const handler = invokes[args.token];
        if (!handler) {
            throw new Error(`unmocked invoke ${args.token}(${JSON.stringify(args.inputs)}): add a realistic answer to test/harness/mocks.ts`);
        }
        const result = handler(args.inputs);
        recordComputed(args.inputs, {}, result);
        return result;
    },
};

/** Invokes the program may make, by token, with the answers AWS would give. */
const invokes: Record<string, (inputs: State) => State> = {
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        accountId: MOCK_ACCOUNT,
        arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/deploy`,
        userId: "AROAEXAMPLEDEPLOY",
        id: MOCK_ACCOUNT,
    }),
    "aws:index/getRegion:getRegion": () => ({ region: MOCK_REGION, name: MOCK_REGION, id: MOCK_REGION, endpoint: `ec2.${MOCK_REGION}.amazonaws.com`, description: "US West (Oregon)" }),
    "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com", id: "aws", reverseDnsPrefix: "com.amazonaws" }),
    "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
        names: AZS,
        zoneIds: ["usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"],
        id: MOCK_REGION,
        groupNames: [MOCK_REGION],
    }),
    "aws:ssm/getParameter:getParameter": (i) => ({ name: i.name, value: "ami-0abcdef1234567890", type: "String", version: 1, id: i.name }),
    "aws:eks/getAddonVersion:getAddonVersion": (i) => ({ addonName: i.addonName, kubernetesVersion: i.kubernetesVersion, version: `v1.0.0-eksbuild.1`, id: String(i.addonName) }),
    // DescribeInstanceTypes, for the types the tests use: ENA Express (SRD) support, ENA always required on Nitro.
    // Other types fail loudly: an answer must come from EC2's data, not a guess.
    "aws:ec2/getInstanceType:getInstanceType": (i) => {
        const srd: Record<string, boolean> = { "c6in.32xlarge": true, "c5.4xlarge": false };
        const type = String(i.instanceType);
        if (!(type in srd)) throw new Error(`unmocked instance type ${type}: add EC2's answer to test/harness/mocks.ts`);
        return { instanceType: type, id: type, enaSupport: "required", enaSrdSupported: srd[type] };
    },
    "aws:iam/getPolicyDocument:getPolicyDocument": (i) => ({ json: JSON.stringify({ Version: "2012-10-17", Statement: i.statements ?? [] }), id: "policy" }),
};
