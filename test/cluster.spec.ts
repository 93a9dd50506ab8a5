// The cluster tier (issue 3): every "Done when" line, checked on the planned stacks under mocks.
import { expect } from "chai";
import type { ProgramRun, RegisteredResource } from "./harness/run";
import { byType, k8sObject, one, planStack, planWith } from "./harness/stacks";
import { isKubernetesObject, schemaErrors } from "./harness/k8s-schema";
import { EXECUTOR_CPU_LABEL, EXECUTOR_NODES, GATEWAY, NAMESPACES, PROD_STORAGE_CLASS } from "@deepalpha/shared";
import { cidrSubnet, planSubnets } from "@deepalpha/cluster";
import YAML from "yaml";
import { NODE_ROLE_LABEL, amiTypeFor, splitAcrossZones } from "@deepalpha/cluster";
import { CONTAINER_NOFILE, HUGEPAGES_SYSCTL_FILE, MIME_BOUNDARY, SYSCTL_FILE, conntrackMax, nodeSysctls, nodeUserData } from "@deepalpha/cluster";
import { WEBSOCKET_MAX_CONNECTIONS } from "@deepalpha/shared";
import { irsaTrustPolicy } from "@deepalpha/shared";
import { CLUSTER_AUTOSCALER_IMAGE } from "@deepalpha/cluster";
import { hexOf } from "./harness/mocks";
import { ConfigError, validateConfig } from "../settings/validate";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const T = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    nat: "aws:ec2/natGateway:NatGateway",
    routeTable: "aws:ec2/routeTable:RouteTable",
    rta: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    lt: "aws:ec2/launchTemplate:LaunchTemplate",
    nodeGroup: "aws:eks/nodeGroup:NodeGroup",
    addon: "aws:eks/addon:Addon",
    role: "aws:iam/role:Role",
    kms: "aws:kms/key:Key",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    eks: "eks:index:Cluster",
    chart: "kubernetes:helm.sh/v4:Chart",
    provider: "pulumi:providers:kubernetes",
} as const;

const inCluster = (r: RegisteredResource) => r.urn.includes("deepalpha:index:Cluster$");
const v = (r: RegisteredResource) => r.values as Obj;

/** IDs the mocks gave each subnet, by resource name, read back through the route table associations. */
/** Splits node user data into its nodeadm NodeConfig (parsed) and its script, and reads the script's sysctl file. */
function decodeUserData(text: string): { nodeConfig: Obj; script: string; sysctls: Record<string, string> } {
    const head = /^MIME-Version: 1\.0\nContent-Type: multipart\/mixed; boundary="([^"]+)"\n/.exec(text);
    expect(head, "MIME header").to.not.equal(null);
    expect(head![1]).to.equal(MIME_BOUNDARY);
    const parts = text.split(`--${MIME_BOUNDARY}`).slice(1, -1).map((p) => p.replace(/^\n/, ""));
    expect(parts).to.have.length(2);
    const [cfgHead, ...cfgBody] = parts[0].split("\n\n");
    const [scriptHead, ...scriptBody] = parts[1].split("\n\n");
    expect(cfgHead).to.equal("Content-Type: application/node.eks.aws");
    expect(scriptHead).to.match(/^Content-Type: text\/x-shellscript/);
    const nodeConfig = YAML.parse(cfgBody.join("\n\n")) as Obj;
    expect(nodeConfig.apiVersion).to.equal("node.eks.aws/v1alpha1");
    const script = scriptBody.join("\n\n").trimEnd();
    const file = new RegExp(`cat > ${SYSCTL_FILE.replace(/\./g, "\\.")} <<'EOF'\n([\\s\\S]*?)\nEOF\n`).exec(script);
    expect(file, "sysctl heredoc").to.not.equal(null);
    const sysctls = Object.fromEntries(file![1].split("\n").map((l) => l.split(" = ") as [string, string]));
    return { nodeConfig, script, sysctls };
}

function subnetIdsByName(run: ProgramRun): Map<string, string> {
    const out = new Map<string, string>();
    for (const a of byType(run, T.rta)) out.set(a.name, String(v(a).subnetId));
    return out;
}

describe("cluster: pure builders", () => {
    it("cuts the VPC into non-overlapping private (/19) and public (/22) subnets, one of each per AZ", () => {
        const plan = planSubnets("10.40.0.0/16", 3);
        expect(plan.map((p) => p.privateCidr)).to.deep.equal(["10.40.0.0/19", "10.40.32.0/19", "10.40.64.0/19"]);
        expect(plan.map((p) => p.publicCidr)).to.deep.equal(["10.40.224.0/22", "10.40.228.0/22", "10.40.232.0/22"]);
        expect(cidrSubnet("10.40.0.0/20", 3, 7)).to.equal("10.40.14.0/23");
        expect(() => planSubnets("10.40.0.0/16", 8)).to.throw(/1-7/);
    });

    it("user data of each role is MIME multi-part: a nodeadm NodeConfig, then a script that persists and applies its sysctls", () => {
        for (const role of ["general", "executor"] as const) {
            const ud = decodeUserData(nodeUserData(role, { hugepages2Mi: 1024 }));
            expect(ud.nodeConfig.kind, role).to.equal("NodeConfig");
            expect(ud.script, role).to.match(/^#!\/bin\/bash\nset -euo pipefail\n/);
            expect(ud.sysctls, role).to.deep.equal(Object.fromEntries(Object.entries(nodeSysctls(role)).map(([k, v]) => [k, v.value])));
            // Written to sysctl.d (survives a reboot) and applied now, after loading BBR's module.
            expect(ud.script.indexOf("modprobe tcp_bbr"), role).to.be.lessThan(ud.script.indexOf(`sysctl -p ${SYSCTL_FILE}`));
        }
    });

    it("sizes kube-proxy's conntrack table (which it writes over any sysctl) for two full WebSocket pods per CPU-worth of node", () => {
        // Each proxied WebSocket connection is tracked on the gateway's node (NLB -> NodePort DNAT, then the
        // upstream connection) and on the pod's node: at most 3 entries, on a node that could hold 8 one-CPU pods.
        expect(conntrackMax(8)).to.equal(262144); // m5.2xlarge
        expect(conntrackMax(16)).to.equal(524288); // c6i.4xlarge
        expect(conntrackMax(2)).to.equal(131072); // the minimum
        expect(conntrackMax(8)).to.be.greaterThan(3 * WEBSOCKET_MAX_CONNECTIONS * 8);
    });

    it("picks the ARM AMI only for Graviton instance types", () => {
        expect(amiTypeFor("c6i.4xlarge")).to.equal("AL2023_x86_64_STANDARD");
        expect(amiTypeFor("m5.2xlarge")).to.equal("AL2023_x86_64_STANDARD");
        expect(amiTypeFor("c7g.4xlarge")).to.equal("AL2023_ARM_64_STANDARD");
        expect(amiTypeFor("c7gn.2xlarge")).to.equal("AL2023_ARM_64_STANDARD");
    });

    it("IRSA trust policies name exactly one ServiceAccount and the STS audience", () => {
        const p = JSON.parse(irsaTrustPolicy("arn:aws:iam::1:oidc-provider/x", "oidc.eks.r.amazonaws.com/id/X", "kube-system", "sa"));
        expect(p.Statement[0].Condition.StringEquals).to.deep.equal({
            "oidc.eks.r.amazonaws.com/id/X:sub": "system:serviceaccount:kube-system:sa",
            "oidc.eks.r.amazonaws.com/id/X:aud": "sts.amazonaws.com",
        });
    });
});

describe("cluster: settings", () => {
    const validate = (cluster: Record<string, unknown>) =>
        validateConfig({ values: { "deepalpha:profile": "local", "deepalpha:cluster": JSON.stringify({ kubeContext: "kind-x", ...cluster }) }, secretKeys: new Set(), stack: "dev" });

    it("defaults to a Kubernetes version EKS supports, and refuses the seed's 1.27 naming the key", () => {
        expect(validate({}).settings.cluster.kubernetesVersion).to.equal("1.35");
        expect(() => validate({ kubernetesVersion: "1.27" })).to.throw(ConfigError, /deepalpha:cluster\.kubernetesVersion: got "1\.27"/);
    });

    it("refuses a VPC range too small for the subnet plan", () => {
        expect(() => validate({ vpcCidr: "10.40.0.0/24" })).to.throw(ConfigError, /deepalpha:cluster\.vpcCidr/);
        expect(validate({ vpcCidr: "10.50.0.0/20" }).settings.cluster.vpcCidr).to.equal("10.50.0.0/20");
    });
});

describe("cluster: prod network", () => {
    let run: ProgramRun;
    before(async () => {
        run = await planStack("prod");
    });

    it("spans 3 AZs with a public and a private subnet in each", () => {
        const subnets = byType(run, T.subnet).filter(inCluster);
        const priv = subnets.filter((s) => s.name.includes("-private-"));
        const pub = subnets.filter((s) => s.name.includes("-public-"));
        expect(priv).to.have.length(3);
        expect(pub).to.have.length(3);
        expect(new Set(priv.map((s) => v(s).availabilityZone)).size).to.equal(3);
        expect(new Set(pub.map((s) => v(s).availabilityZone)).size).to.equal(3);
        for (const s of subnets) expect(v(s).mapPublicIpOnLaunch, s.name).to.equal(false);
        for (const s of pub) expect(v(s).tags["kubernetes.io/role/elb"]).to.equal("1");
        for (const s of priv) expect(v(s).tags["kubernetes.io/role/internal-elb"]).to.equal("1");
        expect(v(one(run, T.vpc, "cluster-vpc"))).to.include({ cidrBlock: "10.40.0.0/16", enableDnsHostnames: true, enableDnsSupport: true });
    });

    it("has one NAT gateway per AZ by default, each private subnet routed through its own AZ's NAT", () => {
        const nats = byType(run, T.nat).filter(inCluster);
        expect(nats).to.have.length(3);
        const subnetIds = subnetIdsByName(run);
        const natSubnets = nats.map((n) => v(n).subnetId);
        expect(new Set(natSubnets).size).to.equal(3);
        for (const i of [0, 1, 2]) expect(natSubnets).to.include(subnetIds.get(`cluster-public-${i}`));
        for (const i of [0, 1, 2]) {
            const rt = one(run, T.routeTable, `cluster-private-${i}`);
            const routes = v(rt).routes as Obj[];
            expect(routes).to.have.length(1);
            expect(routes[0].cidrBlock).to.equal("0.0.0.0/0");
            expect(routes[0].natGatewayId).to.match(/^nat-/);
            const nats = rt.dependencies.filter((d) => d.includes("aws:ec2/natGateway:NatGateway::"));
            expect(nats, `private route table ${i}`).to.have.length(1);
            expect(nats[0]).to.match(new RegExp(`::cluster-nat-${i}$`));
        }
    });
});

describe("cluster: prod EKS", () => {
    let run: ProgramRun;
    let eks: Obj;
    before(async () => {
        run = await planStack("prod");
        eks = v(one(run, T.eks, "cluster"));
    });

    it("runs a supported Kubernetes version with API authentication, a private endpoint and a CIDR-limited public one", () => {
        expect(eks.version).to.equal("1.35");
        expect(Object.keys(CLUSTER_AUTOSCALER_IMAGE)).to.include(eks.version);
        expect(eks.authenticationMode).to.equal("API");
        expect(eks.endpointPrivateAccess).to.equal(true);
        expect(eks.endpointPublicAccess).to.equal(true);
        expect(eks.publicAccessCidrs).to.deep.equal(["198.51.100.0/24"]);
    });

    it("encrypts Secrets with a protected, rotating KMS key and protects the cluster", () => {
        const key = one(run, T.kms, "cluster-eks-secrets");
        expect(v(key).enableKeyRotation).to.equal(true);
        expect(key.protect).to.equal(true);
        expect(eks.encryptionConfigKeyArn).to.match(/^arn:aws:kms:us-west-2:\d{12}:key\//);
        expect(one(run, T.eks, "cluster").dependencies).to.include(key.urn);
        expect(one(run, T.eks, "cluster").protect).to.equal(true);
    });

    it("sends api, audit and authenticator control-plane logs and creates the OIDC provider", () => {
        expect(eks.enabledClusterLogTypes).to.include.members(["api", "audit", "authenticator"]);
        expect(eks.createOidcProvider).to.equal(true);
        expect(run.outputValues.oidcProviderArn).to.match(/^arn:aws:iam::\d{12}:oidc-provider\/oidc\.eks\./);
    });

    it("puts worker nodes only in the private subnets, with no public IPs", () => {
        const subnetIds = subnetIdsByName(run);
        const priv = [0, 1, 2].map((i) => subnetIds.get(`cluster-private-${i}`));
        const pub = [0, 1, 2].map((i) => subnetIds.get(`cluster-public-${i}`));
        expect(eks.privateSubnetIds).to.deep.equal(priv);
        expect(eks.publicSubnetIds).to.deep.equal(pub);
        expect(eks.nodeAssociatePublicIpAddress).to.equal(false);
        expect(eks.skipDefaultNodeGroup).to.equal(true);
        for (const ng of byType(run, T.nodeGroup)) {
            // general-<i>: zone i's private subnet; the executor group: all of them.
            const zone = /^cluster-general-([0-9]+)$/.exec(ng.name);
            expect(v(ng).subnetIds, ng.name).to.deep.equal(zone ? [priv[Number(zone[1]) - 1]] : priv);
            for (const id of v(ng).subnetIds) expect(pub).to.not.include(id);
        }
    });

    it("builds the Kubernetes provider from the cluster's kubeconfig with a stable clusterIdentifier", () => {
        const p = byType(run, T.provider).filter(inCluster);
        expect(p).to.have.length(1);
        expect(v(p[0]).clusterIdentifier).to.equal("eks-deepalpha");
        expect(JSON.parse(v(p[0]).kubeconfig).clusters[0].cluster.server).to.match(/\.eks\.amazonaws\.com$/);
        expect(p[0].dependencies.some((d) => d.includes("eks:index:Cluster::cluster"))).to.equal(true);
        // Every Kubernetes object of the tier goes through it.
        for (const r of run.resources.filter((x) => inCluster(x) && isKubernetesObject(x.type))) expect(r.provider, r.name).to.match(/::cluster-eks::/);
    });
});

describe("cluster: prod node groups", () => {
    let run: ProgramRun;
    before(async () => {
        run = await planStack("prod");
    });

    it("general: one group per zone, each in its zone's private subnet only, 3 x m5.2xlarge in total (max 9), scaling left to the autoscaler", () => {
        const groups = byType(run, T.nodeGroup).filter((g) => g.name.startsWith("cluster-general-"));
        expect(groups.map((g) => g.name).sort()).to.deep.equal(["cluster-general-1", "cluster-general-2", "cluster-general-3"]);
        const privateSubnets = byType(run, "aws:ec2/subnet:Subnet").filter((x) => x.name.includes("-private-"));
        const subnetIds = groups.map((g) => v(g).subnetIds);
        for (const ids of subnetIds) expect(ids).to.have.length(1);
        expect(new Set(subnetIds.map((ids) => ids[0])).size, "a different subnet each").to.equal(3);
        for (const g of groups) {
            expect(g.dependencies.some((d) => privateSubnets.some((x) => x.urn === d)), g.name).to.equal(true);
            expect(v(g).instanceTypes).to.deep.equal(["m5.2xlarge"]);
            expect(v(g).scalingConfig).to.deep.equal({ minSize: 1, desiredSize: 1, maxSize: 3 });
            // A prefix, not a fixed name: a replacement (say, a new instance type) is created before the old
            // group is deleted, so the pods move instead of going down with it.
            expect(v(g).nodeGroupNamePrefix).to.equal(`deepalpha-${g.name.replace("cluster-", "")}-`);
            expect(g.ignoreChanges).to.include("scalingConfig.desiredSize");
            expect(v(g).taints ?? []).to.deep.equal([]);
        }
        const total = (k: string) => groups.reduce((n, g) => n + v(g).scalingConfig[k], 0);
        expect([total("minSize"), total("desiredSize"), total("maxSize")]).to.deep.equal([3, 3, 9]);
        // The autoscaler balances the similar per-zone groups.
        expect(v(one(run, T.chart, "cluster-cluster-autoscaler")).values.extraArgs["balance-similar-node-groups"]).to.equal(true);
    });

    it("splits node totals over the zones evenly, the first zones taking the remainder", () => {
        expect(splitAcrossZones(3, 3)).to.deep.equal([1, 1, 1]);
        expect(splitAcrossZones(9, 3)).to.deep.equal([3, 3, 3]);
        expect(splitAcrossZones(10, 3)).to.deep.equal([4, 3, 3]);
        expect(splitAcrossZones(3, 4)).to.deep.equal([1, 1, 1, 0]);
    });

    it("executor: compute-optimized, tainted and labelled exactly as the executor pods expect, scaling ignored", () => {
        const ng = one(run, T.nodeGroup, "cluster-executor");
        expect(v(ng).instanceTypes).to.deep.equal(["c6i.4xlarge"]);
        expect(v(ng).taints).to.deep.equal([{ key: EXECUTOR_NODES.taint.key, value: EXECUTOR_NODES.taint.value, effect: "NO_SCHEDULE" }]);
        // The role label the pods select, and the CPU their binary is built for.
        expect(v(ng).labels).to.deep.equal({ ...EXECUTOR_NODES.labels, [EXECUTOR_CPU_LABEL]: "icelake-server" });
        expect(ng.ignoreChanges).to.include("scalingConfig.desiredSize");
    });

    const userDataOf = (name: string) => decodeUserData(Buffer.from(String(v(one(run, T.lt, name)).userData), "base64").toString("utf8"));

    it("both node groups boot with the network tuning: BBR over fq and a deep per-CPU backlog", () => {
        for (const name of ["cluster-general", "cluster-executor"]) {
            const ud = userDataOf(name);
            expect(ud.sysctls, name).to.include({
                "net.ipv4.tcp_congestion_control": "bbr",
                "net.core.default_qdisc": "fq",
                "net.core.netdev_max_backlog": "16384",
            });
        }
    });

    it("each zone's general group launches from the general template (general tuning, general label); the executor group from its own", () => {
        const generalLt = one(run, T.lt, "cluster-general");
        const executorLt = one(run, T.lt, "cluster-executor");
        const groups = byType(run, T.nodeGroup).filter((g) => g.name.startsWith("cluster-general-"));
        expect(groups).to.have.length(3);
        for (const g of groups) {
            expect(v(g).launchTemplate.id, g.name).to.equal(`lt-${hexOf("cluster-general")}`);
            expect(g.dependencies, g.name).to.include(generalLt.urn).and.not.include(executorLt.urn);
            expect(v(g).labels, g.name).to.deep.equal({ [NODE_ROLE_LABEL]: "general" });
        }
        expect(userDataOf("cluster-general").sysctls).to.deep.equal(Object.fromEntries(Object.entries(nodeSysctls("general")).map(([k, s]) => [k, s.value])));
        const ex = one(run, T.nodeGroup, "cluster-executor");
        expect(v(ex).launchTemplate.id).to.equal(`lt-${hexOf("cluster-executor")}`);
        expect(ex.dependencies).to.include(executorLt.urn).and.not.include(generalLt.urn);
    });

    it("executor nodes get 16 MiB TCP buffer ceilings for long exchange paths; general nodes keep the kernel's", () => {
        const ex = userDataOf("cluster-executor").sysctls;
        expect(ex).to.include({ "net.core.rmem_max": "16777216", "net.core.wmem_max": "16777216" });
        expect(ex["net.ipv4.tcp_rmem"].split(" ").map(Number)).to.deep.equal([4096, 131072, 16777216]);
        expect(ex["net.ipv4.tcp_wmem"].split(" ").map(Number)).to.deep.equal([4096, 16384, 16777216]);
        const gen = userDataOf("cluster-general").sysctls;
        for (const k of ["net.core.rmem_max", "net.core.wmem_max", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]) expect(gen, k).to.not.have.property(k);
    });

    it("every container's open-file limit is pinned through containerd's base runtime spec, with room for 10K sockets", () => {
        for (const name of ["cluster-general", "cluster-executor"]) {
            const rl = userDataOf(name).nodeConfig.spec.containerd.baseRuntimeSpec.process.rlimits;
            expect(rl, name).to.deep.equal([{ type: "RLIMIT_NOFILE", soft: CONTAINER_NOFILE.soft, hard: CONTAINER_NOFILE.hard }]);
            // 10K client sockets, and as many again for the upstream side and everything else, under the soft limit.
            expect(rl[0].soft, name).to.be.at.least(2 * WEBSOCKET_MAX_CONNECTIONS);
        }
    });

    it("executor bootstrap: static CPU manager, single-NUMA-node topology manager and the configured huge pages; general has no kubelet changes", () => {
        const ex = userDataOf("cluster-executor");
        expect(ex.nodeConfig.spec.kubelet.config).to.deep.equal({
            cpuManagerPolicy: "static",
            cpuManagerPolicyOptions: { "full-pcpus-only": "true" },
            topologyManagerPolicy: "single-numa-node",
            topologyManagerScope: "pod",
        });
        expect(ex.script).to.include(`echo "vm.nr_hugepages = 1024" > ${HUGEPAGES_SYSCTL_FILE}`).and.include("sysctl -w vm.nr_hugepages=1024");
        const gen = userDataOf("cluster-general");
        expect(gen.nodeConfig.spec).to.not.have.property("kubelet");
        expect(gen.script).to.not.include("nr_hugepages");
    });

    it("requires IMDSv2 on every node: each node group uses a launch template with httpTokens required", () => {
        const lts = byType(run, T.lt);
        expect(lts).to.have.length(2);
        expect(byType(run, T.nodeGroup)).to.have.length(4);
        for (const lt of lts) {
            expect(v(lt).metadataOptions.httpTokens, lt.name).to.equal("required");
            expect(v(lt).metadataOptions.httpPutResponseHopLimit, lt.name).to.equal(1);
            expect(v(lt).blockDeviceMappings[0].ebs).to.include({ encrypted: "true", volumeType: "gp3" });
        }
        for (const ng of byType(run, T.nodeGroup)) {
            expect(v(ng).launchTemplate.id, ng.name).to.match(/^lt-/);
            expect(ng.dependencies.some((d) => lts.some((lt) => lt.urn === d)), ng.name).to.equal(true);
        }
    });

    it("puts the data tier's node security group on every node, next to the EKS cluster group", () => {
        const nodeSg = one(run, T.sg, "cluster-nodes");
        // IDs as the mocks assign them: the EKS-created cluster group (what eks.Cluster's nodeSecurityGroupId
        // returns with skipDefaultSecurityGroups) and our own node group.
        const eksClusterSg = `sg-${hexOf("cluster" + "eks-cluster-sg")}`;
        const ownNodeSg = `sg-${hexOf("cluster-nodes")}`;
        expect(v(one(run, T.eks, "cluster")).skipDefaultSecurityGroups).to.equal(true);
        for (const lt of byType(run, T.lt)) {
            expect(v(lt).vpcSecurityGroupIds, lt.name).to.deep.equal([eksClusterSg, ownNodeSg]);
            expect(lt.dependencies, lt.name).to.include(nodeSg.urn);
        }
        expect(v(nodeSg).tags).to.not.have.any.keys("kubernetes.io/cluster/deepalpha");
        // The contract with the data tier: its stores admit network.nodeSecurityGroupId, which is the group
        // every node carries, never the cluster group the EKS control plane shares.
        const outside = run.resources.filter((r) => !inCluster(r)).map((r) => JSON.stringify(r.values));
        expect(outside.filter((j) => j.includes(ownNodeSg)).length).to.be.greaterThan(0);
        expect(outside.filter((j) => j.includes(eksClusterSg))).to.deep.equal([]);
    });

    it("exports the node group names and creates node groups only after the VPC CNI and kube-proxy add-ons", () => {
        const names = run.outputValues.nodeGroupNames as { general: string[]; executor: string };
        expect(names.general).to.have.length(3);
        names.general.forEach((n, i) => expect(n).to.match(new RegExp(`^deepalpha-general-${i + 1}-[0-9a-f]+$`)));
        expect(names.executor).to.match(/^deepalpha-executor-[0-9a-f]+$/);
        const cni = one(run, T.addon, "cluster-vpc-cni");
        const proxy = one(run, T.addon, "cluster-kube-proxy");
        for (const ng of byType(run, T.nodeGroup)) expect(ng.dependsOn).to.include.members([cni.urn, proxy.urn]);
    });
});

describe("cluster: prod add-ons", () => {
    let run: ProgramRun;
    before(async () => {
        run = await planStack("prod");
    });

    it("VPC CNI with network policy enforcement on, through its own IRSA role", () => {
        const cni = one(run, T.addon, "cluster-vpc-cni");
        expect(v(cni).addonName).to.equal("vpc-cni");
        expect(JSON.parse(v(cni).configurationValues)).to.deep.equal({ enableNetworkPolicy: "true" });
        const role = one(run, T.role, "cluster-vpc-cni");
        expect(JSON.parse(v(role).assumeRolePolicy).Statement[0].Condition.StringEquals).to.have.property(
            "oidc.eks.us-west-2.amazonaws.com/id/BCA232D117D3AB72EED6EEB28F46FA03:sub",
            "system:serviceaccount:kube-system:aws-node",
        );
        expect(v(cni).serviceAccountRoleArn).to.match(/^arn:aws:iam::\d{12}:role\//);
        expect(cni.dependencies).to.include(role.urn);
    });

    it("CoreDNS, kube-proxy and the EBS CSI driver (with its IRSA role) as EKS add-ons; CoreDNS and EBS CSI wait for nodes", () => {
        const names = byType(run, T.addon).map((a) => v(a).addonName).sort();
        expect(names).to.deep.equal(["aws-ebs-csi-driver", "coredns", "kube-proxy", "vpc-cni"]);
        const ebs = one(run, T.addon, "cluster-ebs-csi");
        const role = one(run, T.role, "cluster-ebs-csi");
        expect(ebs.dependencies).to.include(role.urn);
        expect(JSON.stringify(JSON.parse(v(role).assumeRolePolicy))).to.include("system:serviceaccount:kube-system:ebs-csi-controller-sa");
        for (const general of byType(run, T.nodeGroup).filter((g) => g.name.startsWith("cluster-general-"))) {
            expect(ebs.dependsOn).to.include(general.urn);
            expect(one(run, T.addon, "cluster-coredns").dependsOn).to.include(general.urn);
        }
        // The node plugin reads IMDS from the host network (one hop, as the nodes allow), not from a pod network.
        expect(JSON.parse(v(ebs).configurationValues)).to.deep.equal({ node: { hostNetwork: true } });
        for (const lt of byType(run, T.lt)) expect(v(lt).metadataOptions.httpPutResponseHopLimit, lt.name).to.equal(1);
        // pulumi-eks must not create a second copy of the ones we own.
        const eks = v(one(run, T.eks, "cluster"));
        expect(eks.corednsAddonOptions).to.include({ enabled: false });
        expect(eks.kubeProxyAddonOptions).to.include({ enabled: false });
        expect(eks.useDefaultVpcCni).to.equal(true);
    });

    it("has one default StorageClass: encrypted gp3 through the EBS CSI driver", () => {
        const scs = run.resources.filter((r) => r.type === "kubernetes:storage.k8s.io/v1:StorageClass");
        const defaults = scs.filter((s) => v(s).metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true");
        expect(defaults).to.have.length(1);
        const gp3 = defaults[0];
        expect(v(gp3).metadata.name).to.equal(PROD_STORAGE_CLASS);
        expect(v(gp3)).to.include({ provisioner: "ebs.csi.aws.com", volumeBindingMode: "WaitForFirstConsumer" });
        expect(v(gp3).parameters).to.include({ type: "gp3", encrypted: "true" });
        expect(gp3.dependsOn).to.include(one(run, T.addon, "cluster-ebs-csi").urn);
    });

    it("installs metrics-server and the cluster autoscaler from pinned upstream charts, the autoscaler with IRSA", () => {
        const ms = v(one(run, T.chart, "cluster-metrics-server"));
        expect(ms).to.include({ chart: "metrics-server", version: "3.13.1", namespace: "kube-system" });
        expect(ms.repositoryOpts.repo).to.equal("https://kubernetes-sigs.github.io/metrics-server/");
        const ca = v(one(run, T.chart, "cluster-cluster-autoscaler"));
        expect(ca).to.include({ chart: "cluster-autoscaler", version: "9.59.0", namespace: "kube-system" });
        expect(ca.repositoryOpts.repo).to.equal("https://kubernetes.github.io/autoscaler");
        expect(ca.values.autoDiscovery.clusterName).to.equal("deepalpha");
        expect(ca.values.awsRegion).to.equal("us-west-2");
        expect(ca.values.image.tag).to.equal(CLUSTER_AUTOSCALER_IMAGE["1.35"]);
        const role = one(run, T.role, "cluster-cluster-autoscaler");
        expect(ca.values.rbac.serviceAccount).to.include({ create: true, name: "cluster-autoscaler" });
        expect(ca.values.rbac.serviceAccount.annotations["eks.amazonaws.com/role-arn"]).to.match(/^arn:aws:iam::\d{12}:role\//);
        expect(JSON.stringify(JSON.parse(v(role).assumeRolePolicy))).to.include("system:serviceaccount:kube-system:cluster-autoscaler");
        const policy = JSON.parse(v(one(run, "aws:iam/rolePolicy:RolePolicy", "cluster-cluster-autoscaler")).policy);
        const resize = policy.Statement.find((s: Obj) => s.Action.includes("autoscaling:SetDesiredCapacity"));
        expect(resize.Condition.StringEquals).to.deep.equal({ "aws:ResourceTag/k8s.io/cluster-autoscaler/deepalpha": "owned" });
    });
});

describe("cluster: prod gateway", () => {
    let run: ProgramRun;
    before(async () => {
        run = await planStack("prod");
    });

    it("installs the Gateway API CRDs, cert-manager and NGINX Gateway Fabric, pinned, CRDs before the Gateway", () => {
        const crds = one(run, "kubernetes:yaml/v2:ConfigFile", "cluster-gateway-api-crds");
        expect(v(crds).file).to.match(/gateway-api\/releases\/download\/v1\.5\.1\/standard-install\.yaml$/);
        const ngf = one(run, T.chart, "cluster-nginx-gateway-fabric");
        expect(v(ngf)).to.include({ chart: "oci://ghcr.io/nginx/charts/nginx-gateway-fabric", version: "2.6.7", namespace: NAMESPACES.gateway });
        expect(v(ngf).values.nginxGateway.gatewayClassName).to.equal("nginx");
        expect(v(ngf).values.certGenerator.enable).to.equal(false);
        // HA: two controllers, three data plane replicas spread over the zones.
        expect(v(ngf).values.nginxGateway.replicas).to.equal(2);
        expect(v(ngf).values.nginx.replicas).to.equal(3);
        expect(v(ngf).values.nginx.pod.topologySpreadConstraints[0]).to.include({ topologyKey: "topology.kubernetes.io/zone", maxSkew: 1 });
        expect(v(ngf).values.nginx.pod.topologySpreadConstraints[0].labelSelector.matchLabels).to.deep.equal({ "gateway.networking.k8s.io/gateway-name": GATEWAY.name });
        // NGF 2.6.7's chart has no nginxGateway.podDisruptionBudget value (checked in its values.yaml and
        // values.schema.json at v2.6.7): the key would be ignored, so the budget is our own PodDisruptionBudget.
        expect(v(ngf).values.nginxGateway).to.not.have.property("podDisruptionBudget");
        const pdb = v(k8sObject(run, "PodDisruptionBudget", "nginx-gateway", NAMESPACES.gateway)).spec;
        expect(pdb.minAvailable).to.equal(1);
        expect(pdb.selector.matchLabels).to.deep.equal({ "app.kubernetes.io/name": "nginx-gateway-fabric" });
        const cm = one(run, T.chart, "cluster-cert-manager");
        expect(v(cm)).to.include({ chart: "cert-manager", version: "v1.21.1", namespace: NAMESPACES.certManager });
        expect(v(cm).values.crds.enabled).to.equal(true);
        // cert-manager answers HTTP-01 through the Gateway only with its Gateway API integration on.
        expect(v(cm).values.config).to.deep.include({ kind: "ControllerConfiguration", gatewayAPI: { enabled: true } });
        // Chart v4 runs no Helm hooks, so NGF's mTLS Secrets come from cert-manager, named and scoped as NGF expects:
        // the server certificate for its control plane Service, the agent's for *.cluster.local.
        const server = v(k8sObject(run, "Certificate", "nginx-gateway-server", NAMESPACES.gateway)).spec;
        expect(server.secretName).to.equal("server-tls");
        expect(server.dnsNames).to.deep.equal([`${v(ngf).values.fullnameOverride}.${NAMESPACES.gateway}.svc`]);
        const agent = v(k8sObject(run, "Certificate", "nginx-gateway-agent", NAMESPACES.gateway)).spec;
        expect(agent).to.deep.include({ secretName: "agent-tls", dnsNames: ["*.cluster.local"] });
        expect(agent.issuerRef).to.deep.equal(server.issuerRef);
        expect(v(k8sObject(run, "Issuer", server.issuerRef.name, NAMESPACES.gateway)).spec.ca.secretName).to.equal("nginx-gateway-ca");
        // NGF starts only after its Secrets exist: the chart depends on both certificates, which wait until Ready.
        for (const c of ["nginx-gateway-server", "nginx-gateway-agent"]) {
            const r = k8sObject(run, "Certificate", c, NAMESPACES.gateway);
            expect(v(r).metadata.annotations["pulumi.com/waitFor"]).to.equal("condition=Ready");
            expect(ngf.dependsOn).to.include(r.urn);
        }
        // The public certificate must not block `pulumi up`: Let's Encrypt issues it once DNS points at the NLB.
        expect(v(k8sObject(run, "Certificate", "deepalpha-gateway", NAMESPACES.gateway)).metadata.annotations?.["pulumi.com/waitFor"]).to.equal(undefined);
        const gw = k8sObject(run, "Gateway", GATEWAY.name, GATEWAY.namespace);
        expect(gw.dependsOn).to.include.members([crds.urn, ngf.urn]);
        expect(ngf.dependsOn).to.include(crds.urn);
    });

    it("the Gateway has the https and http listeners the routes attach to, TLS from a Let's Encrypt certificate", () => {
        const gw = v(k8sObject(run, "Gateway", GATEWAY.name, GATEWAY.namespace));
        const https = gw.spec.listeners.find((l: Obj) => l.name === GATEWAY.listeners.https);
        expect(https).to.include({ port: 443, protocol: "HTTPS" });
        expect(https.tls.certificateRefs[0].name).to.equal("deepalpha-gateway-tls");
        expect(gw.spec.listeners.find((l: Obj) => l.name === GATEWAY.listeners.http)).to.include({ port: 80, protocol: "HTTP" });
        expect(https.allowedRoutes.namespaces.selector.matchExpressions[0].values).to.include(NAMESPACES.app);
        const issuer = v(k8sObject(run, "ClusterIssuer", "letsencrypt"));
        expect(issuer.spec.acme.email).to.equal("platform@deepalpha.example.com");
        expect(issuer.spec.acme.server).to.equal("https://acme-v02.api.letsencrypt.org/directory");
        expect(issuer.spec.acme.solvers[0].http01.gatewayHTTPRoute.parentRefs[0]).to.include({ name: GATEWAY.name, sectionName: GATEWAY.listeners.http });
        const cert = v(k8sObject(run, "Certificate", "deepalpha-gateway", GATEWAY.namespace));
        expect(cert.spec.secretName).to.equal("deepalpha-gateway-tls");
        expect(cert.spec.dnsNames).to.deep.equal(["api.deepalpha.example.com", "ws.deepalpha.example.com"]);
        expect(cert.spec.issuerRef).to.deep.equal({ name: "letsencrypt", kind: "ClusterIssuer" });
    });

    it("is exposed through an AWS NLB, waits until programmed and exports its address", () => {
        const gw = v(k8sObject(run, "Gateway", GATEWAY.name, GATEWAY.namespace));
        expect(gw.spec.infrastructure.annotations["service.beta.kubernetes.io/aws-load-balancer-type"]).to.equal("nlb");
        expect(JSON.parse(gw.metadata.annotations["pulumi.com/waitFor"])).to.deep.equal(["condition=Programmed", "jsonpath={.status.addresses[0].value}"]);
        expect(run.outputValues.gatewayAddress).to.match(/\.elb\.us-west-2\.amazonaws\.com$/);
    });

    it("every Kubernetes object the cluster tier creates is schema-valid", () => {
        const objects = run.resources.filter((r) => inCluster(r) && isKubernetesObject(r.type));
        expect(objects.length).to.be.greaterThan(20);
        const errors = objects.map(schemaErrors).filter(Boolean);
        expect(errors, errors.join("\n")).to.deep.equal([]);
    });

    it("exports the kubeconfig as a secret and the cluster name", () => {
        expect(run.outputs.kubeconfig).to.equal("[secret]");
        expect(JSON.parse(String(run.outputValues.kubeconfig)).kind).to.equal("Config");
        expect(run.outputValues.clusterName).to.equal("deepalpha");
    });
});

describe("cluster: prod settings variants", () => {
    let run: ProgramRun;
    before(async () => {
        run = await planWith("prod", {
            "deepalpha:cluster": JSON.stringify({
                natGateways: "single",
                publicEndpointCidrs: [],
                adminRoleArns: ["arn:aws:iam::123456789012:role/platform-admin"],
                gateway: { install: true, className: "nginx", tls: "acm", acmCertificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/abc" },
            }),
        });
    });

    it("natGateways single: one NAT for all private subnets", () => {
        expect(byType(run, T.nat).filter(inCluster)).to.have.length(1);
        for (const i of [0, 1, 2]) {
            const nats = one(run, T.routeTable, `cluster-private-${i}`).dependencies.filter((d) => d.includes("aws:ec2/natGateway:NatGateway::"));
            expect(nats).to.have.length(1);
            expect(nats[0]).to.match(/::cluster-nat-0$/);
        }
    });

    it("no public endpoint CIDRs: the public endpoint is off; admin roles become access entries", () => {
        const eks = v(one(run, T.eks, "cluster"));
        expect(eks.endpointPublicAccess).to.equal(false);
        expect(eks.endpointPrivateAccess).to.equal(true);
        expect(eks.accessEntries["platform-admin"]).to.deep.equal({
            principalArn: "arn:aws:iam::123456789012:role/platform-admin",
            type: "STANDARD",
            accessPolicies: { admin: { policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } } },
        });
    });

    it("tls acm: the NLB terminates TLS with the ACM certificate; no cert-manager certificate for the gateway", () => {
        const gw = v(k8sObject(run, "Gateway", GATEWAY.name, GATEWAY.namespace));
        expect(gw.spec.infrastructure.annotations).to.include({
            "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:us-west-2:123456789012:certificate/abc",
            "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443",
        });
        expect(gw.spec.listeners.find((l: Obj) => l.name === GATEWAY.listeners.https)).to.include({ port: 443, protocol: "HTTP" });
        expect(() => k8sObject(run, "Certificate", "deepalpha-gateway", GATEWAY.namespace)).to.throw(/found 0/);
        expect(() => k8sObject(run, "ClusterIssuer", "letsencrypt")).to.throw(/found 0/);
    });
});

describe("cluster: ENA Express on the executor nodes (executorNodes.enaExpress)", () => {
    const withExecutor = (executorNodes: Record<string, unknown>) =>
        planWith("prod", { "deepalpha:cluster": JSON.stringify({ gateway: { install: true, className: "nginx", tls: "acm", acmCertificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/abc" }, executorNodes }) });

    it("off by default: the launch templates carry the security groups themselves, no network interface", async () => {
        const run = await planStack("prod");
        for (const lt of byType(run, T.lt)) {
            expect(v(lt).networkInterfaces, lt.name).to.equal(undefined);
            expect(v(lt).vpcSecurityGroupIds, lt.name).to.have.length(2);
        }
    });

    it("on a type EC2 says supports it: SRD for TCP on the primary interface, which takes over the security groups", async () => {
        const run = await withExecutor({ instanceType: "c6in.32xlarge", enaExpress: true, cpuTarget: "icelake-server" });
        const ex = v(one(run, T.lt, "cluster-executor"));
        const general = v(one(run, T.lt, "cluster-general"));
        expect(ex.vpcSecurityGroupIds).to.equal(undefined);
        expect(ex.networkInterfaces).to.deep.equal([
            {
                deviceIndex: 0,
                deleteOnTermination: "true",
                securityGroups: general.vpcSecurityGroupIds,
                enaSrdSpecification: { enaSrdEnabled: true, enaSrdUdpSpecification: { enaSrdUdpEnabled: false } },
            },
        ]);
    });

    it("on a type without ENA Express support the program stops, naming the setting", async () => {
        let err: Error | undefined;
        try {
            await withExecutor({ instanceType: "c5.4xlarge", enaExpress: true, cpuTarget: "skylake-avx512" });
        } catch (e) {
            err = e as Error;
        }
        expect(err?.message ?? "", "expected the run to fail").to.contain("deepalpha:cluster.executorNodes.enaExpress: got true, but EC2 reports that c5.4xlarge does not support ENA Express");
    });
});

describe("cluster: dev (local profile)", () => {
    let run: ProgramRun;
    before(async () => {
        run = await planStack("dev");
    });

    it("creates no AWS and no EKS resource", () => {
        const cloud = run.resources.filter((r) => /^(aws|eks):/.test(r.type));
        expect(cloud.map((r) => r.type)).to.deep.equal([]);
    });

    it("targets the configured kube context, with a stable cluster identifier", () => {
        const p = byType(run, T.provider);
        expect(p).to.have.length(1);
        expect(v(p[0])).to.include({ context: "kind-deepalpha", clusterIdentifier: "local-kind-deepalpha" });
        expect(v(p[0]).kubeconfig).to.equal(undefined);
        expect(run.outputs.kubeconfig).to.equal("[secret]");
    });

    it("installs the same gateway implementation with a self-signed certificate", () => {
        const ngf = v(one(run, T.chart, "cluster-nginx-gateway-fabric"));
        expect(ngf.chart).to.equal("oci://ghcr.io/nginx/charts/nginx-gateway-fabric");
        const cert = v(k8sObject(run, "Certificate", "deepalpha-gateway", GATEWAY.namespace));
        expect(cert.spec.issuerRef).to.deep.equal({ name: "selfsigned", kind: "Issuer" });
        expect(v(k8sObject(run, "Issuer", "selfsigned", GATEWAY.namespace)).spec).to.deep.equal({ selfSigned: {} });
        expect(cert.spec.dnsNames).to.deep.equal(["api.deepalpha.local", "ws.deepalpha.local"]);
        expect(v(k8sObject(run, "Gateway", GATEWAY.name, GATEWAY.namespace)).spec.infrastructure).to.equal(undefined);
    });

    it("uses another context when configured, and skips the gateway install when the cluster has one", async () => {
        const other = await planWith("dev", {
            "deepalpha:cluster": JSON.stringify({ kubeContext: "docker-desktop", kubeconfigPath: "/home/dev/.kube/config", gateway: { install: false, className: "existing", tls: "selfSigned" } }),
        });
        const p = byType(other, T.provider)[0];
        expect(v(p)).to.include({ context: "docker-desktop", kubeconfig: "/home/dev/.kube/config", clusterIdentifier: "local-docker-desktop" });
        expect(byType(other, T.chart).filter((c) => c.name === "cluster-nginx-gateway-fabric")).to.have.length(0);
        expect(byType(other, "kubernetes:yaml/v2:ConfigFile")).to.have.length(0);
        expect(v(k8sObject(other, "Gateway", GATEWAY.name, GATEWAY.namespace)).spec.gatewayClassName).to.equal("existing");
        expect(other.resources.filter((r) => /^(aws|eks):/.test(r.type))).to.have.length(0);
    });
});

for (const stack of ["dev", "prod"] as const) {
    describe(`cluster: namespaces, pod security, RBAC and network policy (${stack})`, () => {
        let run: ProgramRun;
        let created: RegisteredResource[];
        before(async () => {
            run = await planStack(stack);
            created = run.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace");
        });

        it("creates the application, monitoring, gateway and cert-manager namespaces (and data in dev)", () => {
            const names = created.map((n) => v(n).metadata.name).sort();
            const expected = [NAMESPACES.app, NAMESPACES.monitoring, NAMESPACES.gateway, NAMESPACES.certManager, ...(stack === "dev" ? [NAMESPACES.data] : [])].sort();
            expect(names).to.deep.equal(expected);
        });

        it("enforces the restricted Pod Security Standard on app, data, gateway and cert-manager; anything less says why", () => {
            for (const ns of created) {
                const md = v(ns).metadata;
                const level = md.labels["pod-security.kubernetes.io/enforce"];
                if ([NAMESPACES.app, NAMESPACES.data, NAMESPACES.gateway, NAMESPACES.certManager].includes(md.name)) expect(level, md.name).to.equal("restricted");
                if (level !== "restricted") expect(md.annotations["policy.deepalpha.io/exempt-namespace-psa-enforce"], md.name).to.be.a("string").and.not.empty;
            }
        });

        it("gives the seed's ServiceAccount a namespaced read-only Role, and no ClusterRoleBinding", () => {
            const sa = v(k8sObject(run, "ServiceAccount", "deepalpha", NAMESPACES.app));
            expect(sa.automountServiceAccountToken).to.equal(false);
            const role = v(k8sObject(run, "Role", "deepalpha-reader", NAMESPACES.app));
            expect(role.rules).to.deep.equal([{ apiGroups: [""], resources: ["pods", "services", "configmaps"], verbs: ["get", "list", "watch"] }]);
            const rb = v(k8sObject(run, "RoleBinding", "deepalpha-reader", NAMESPACES.app));
            expect(rb.roleRef).to.deep.equal({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "deepalpha-reader" });
            expect(rb.subjects).to.deep.equal([{ kind: "ServiceAccount", name: "deepalpha", namespace: NAMESPACES.app }]);
            const crbs = run.resources.filter((r) => r.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding");
            for (const c of crbs) expect(JSON.stringify(v(c).subjects ?? []), c.name).to.not.include('"name":"deepalpha"');
            expect(run.resources.filter((r) => r.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole" && v(r).metadata?.name === "deepalpha")).to.have.length(0);
        });

        it("has a default-deny NetworkPolicy and DNS egress in every namespace it creates", () => {
            const policies = run.resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy").map(v);
            for (const ns of created.map((n) => v(n).metadata.name)) {
                const deny = policies.find((p) => p.metadata.namespace === ns && p.metadata.name === "default-deny-all");
                expect(deny, `default deny in ${ns}`).to.not.equal(undefined);
                expect(deny!.spec).to.deep.equal({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
                const dns = policies.find((p) => p.metadata.namespace === ns && p.metadata.name === "allow-dns-egress");
                expect(dns, `DNS egress in ${ns}`).to.not.equal(undefined);
                expect(dns!.spec.podSelector).to.deep.equal({});
                expect(dns!.spec.egress[0].ports).to.deep.equal([{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }]);
                expect(dns!.spec.egress[0].to[0].podSelector.matchLabels).to.deep.equal({ "k8s-app": "kube-dns" });
            }
        });

        it("lets clients reach the gateway data plane on 80/443 and the data plane reach only the app's 8000/8001 (and NGF)", () => {
            const ing = v(k8sObject(run, "NetworkPolicy", "gateway-data-plane-ingress", NAMESPACES.gateway));
            expect(ing.spec.podSelector.matchLabels).to.deep.equal({ "gateway.networking.k8s.io/gateway-name": GATEWAY.name });
            expect(ing.spec.ingress[0]).to.deep.equal({ ports: [{ protocol: "TCP", port: 80 }, { protocol: "TCP", port: 443 }] });
            const eg = v(k8sObject(run, "NetworkPolicy", "gateway-data-plane-egress", NAMESPACES.gateway));
            expect(eg.spec.egress[0]).to.deep.equal({
                to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": NAMESPACES.app } } }],
                ports: [{ protocol: "TCP", port: 8000 }, { protocol: "TCP", port: 8001 }],
            });
            for (const rule of eg.spec.egress) expect(rule.to, JSON.stringify(rule)).to.not.deep.include({ ipBlock: { cidr: "0.0.0.0/0" } });
            const cp = v(k8sObject(run, "NetworkPolicy", "gateway-control-plane", NAMESPACES.gateway));
            expect(cp.spec.egress[0].to[0].ipBlock.cidr).to.equal(stack === "prod" ? "10.40.0.0/16" : "0.0.0.0/0");
        });
    });
}
