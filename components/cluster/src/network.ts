// Production network: one VPC over N availability zones, a public and a private subnet per AZ, an
// Internet gateway for the public side and NAT gateways (one per AZ by default) for the private side.
//
// Plain aws.ec2 resources rather than awsx.ec2.Vpc: awsx's Vpc is a remote component, so under mocks
// and in offline policy checks nothing below it exists, and the tests could not prove "nodes only in
// private subnets" or "one NAT per AZ". The layout is small enough to own.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** One AZ's address plan. */
export interface AzSubnets {
    index: number;
    publicCidr: string;
    privateCidr: string;
}

function ipToInt(ip: string): number {
    return ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
}

function intToIp(n: number): string {
    return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

/** The `index`-th block of prefix length `base + extraBits` inside `cidr` (Terraform's cidrsubnet). */
export function cidrSubnet(cidr: string, extraBits: number, index: number): string {
    const [ip, len] = cidr.split("/");
    const prefix = Number(len) + extraBits;
    if (prefix > 28) throw new Error(`cidrSubnet: ${cidr} + ${extraBits} bits is smaller than /28`);
    if (index >= 2 ** extraBits) throw new Error(`cidrSubnet: ${cidr} has only ${2 ** extraBits} blocks of /${prefix}`);
    const size = 2 ** (32 - prefix);
    const base = ipToInt(ip) - (ipToInt(ip) % 2 ** (32 - Number(len)));
    return `${intToIp(base + index * size)}/${prefix}`;
}

/**
 * Address plan: the VPC is cut into eight equal blocks; private subnet i takes block i (an eighth of the
 * VPC each: nodes and, with the VPC CNI, every pod take their IPs from here), and the last block is cut
 * into eight small public subnets that only hold load balancers and NAT gateways. Pure, for tests.
 */
export function planSubnets(vpcCidr: string, azCount: number): AzSubnets[] {
    if (azCount < 1 || azCount > 7) throw new Error(`planSubnets: ${azCount} availability zones; 1-7 fit the address plan`);
    const publicBlock = cidrSubnet(vpcCidr, 3, 7);
    return Array.from({ length: azCount }, (_, i) => ({
        index: i,
        privateCidr: cidrSubnet(vpcCidr, 3, i),
        publicCidr: cidrSubnet(publicBlock, 3, i),
    }));
}

export interface NetworkArgs {
    clusterName: string;
    vpcCidr: string;
    availabilityZones: number;
    natGateways: "onePerAz" | "single";
    tags?: Record<string, string>;
}

export interface Network {
    vpc: aws.ec2.Vpc;
    publicSubnets: aws.ec2.Subnet[];
    privateSubnets: aws.ec2.Subnet[];
    natGateways: aws.ec2.NatGateway[];
}

export function createNetwork(name: string, args: NetworkArgs, opts: pulumi.CustomResourceOptions): Network {
    const tags = (extra: Record<string, pulumi.Input<string>>) => ({ ...args.tags, ...extra });
    // Zones that need no opt-in (Local Zones and Wavelength zones cannot host EKS managed nodes).
    const zones = aws.getAvailabilityZonesOutput({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, opts);
    const zone = (i: number) =>
        zones.names.apply((names) => {
            if (names.length < args.availabilityZones) {
                throw new Error(`cluster.availabilityZones is ${args.availabilityZones} but the region has only ${names.length} zones`);
            }
            return names[i];
        });
    // EKS and the cloud provider find subnets by these tags: shared = other clusters may use the VPC too.
    const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };

    const vpc = new aws.ec2.Vpc(
        `${name}-vpc`,
        {
            cidrBlock: args.vpcCidr,
            // EKS needs both for the private API endpoint and node registration.
            enableDnsHostnames: true,
            enableDnsSupport: true,
            tags: tags({ Name: `${args.clusterName}-vpc` }),
        },
        opts,
    );
    // CIS AWS 5.4: the VPC's default security group allows nothing; every resource gets its own.
    new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, tags: tags({ Name: `${args.clusterName}-default-deny` }) }, opts);

    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags({ Name: `${args.clusterName}-igw` }) }, opts);
    const publicRoutes = new aws.ec2.RouteTable(
        `${name}-public`,
        { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: tags({ Name: `${args.clusterName}-public` }) },
        opts,
    );

    const plan = planSubnets(args.vpcCidr, args.availabilityZones);
    const publicSubnets: aws.ec2.Subnet[] = [];
    const privateSubnets: aws.ec2.Subnet[] = [];
    const natGateways: aws.ec2.NatGateway[] = [];
    for (const p of plan) {
        const az = zone(p.index);
        const pub = new aws.ec2.Subnet(
            `${name}-public-${p.index}`,
            {
                vpcId: vpc.id,
                cidrBlock: p.publicCidr,
                availabilityZone: az,
                // Nothing here gets a public IP by itself: only the NAT gateways' Elastic IPs and the NLB.
                mapPublicIpOnLaunch: false,
                tags: tags({ Name: pulumi.interpolate`${args.clusterName}-public-${az}`, ...clusterTag, "kubernetes.io/role/elb": "1" }),
            },
            opts,
        );
        new aws.ec2.RouteTableAssociation(`${name}-public-${p.index}`, { subnetId: pub.id, routeTableId: publicRoutes.id }, opts);
        publicSubnets.push(pub);

        if (args.natGateways === "onePerAz" || p.index === 0) {
            const eip = new aws.ec2.Eip(`${name}-nat-${p.index}`, { domain: "vpc", tags: tags({ Name: `${args.clusterName}-nat-${p.index}` }) }, opts);
            natGateways.push(
                new aws.ec2.NatGateway(
                    `${name}-nat-${p.index}`,
                    { subnetId: pub.id, allocationId: eip.id, connectivityType: "public", tags: tags({ Name: `${args.clusterName}-nat-${p.index}` }) },
                    { ...opts, dependsOn: [igw] },
                ),
            );
        }
    }
    for (const p of plan) {
        const az = zone(p.index);
        const priv = new aws.ec2.Subnet(
            `${name}-private-${p.index}`,
            {
                vpcId: vpc.id,
                cidrBlock: p.privateCidr,
                availabilityZone: az,
                mapPublicIpOnLaunch: false,
                tags: tags({ Name: pulumi.interpolate`${args.clusterName}-private-${az}`, ...clusterTag, "kubernetes.io/role/internal-elb": "1" }),
            },
            opts,
        );
        // Each AZ leaves through its own NAT, so losing one AZ leaves the others' egress intact.
        const nat = natGateways[args.natGateways === "onePerAz" ? p.index : 0];
        const routes = new aws.ec2.RouteTable(
            `${name}-private-${p.index}`,
            { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }], tags: tags({ Name: `${args.clusterName}-private-${p.index}` }) },
            opts,
        );
        new aws.ec2.RouteTableAssociation(`${name}-private-${p.index}`, { subnetId: priv.id, routeTableId: routes.id }, opts);
        privateSubnets.push(priv);
    }
    return { vpc, publicSubnets, privateSubnets, natGateways };
}
