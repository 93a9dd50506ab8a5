import * as aws from "@pulumi/aws";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { dependsOn } from "../lib/stack";
import { typeOf } from "../lib/types";
import { list, read, UNKNOWN } from "../lib/values";

const SECURITY_GROUP = typeOf(aws.ec2.SecurityGroup);
/** The VPC's default group takes inline rules the same way (CIS AWS 5.4: it should allow nothing). */
const DEFAULT_SECURITY_GROUP = typeOf(aws.ec2.DefaultSecurityGroup);
const GROUPS = [SECURITY_GROUP, DEFAULT_SECURITY_GROUP];
const INGRESS_RULE = typeOf(aws.vpc.SecurityGroupIngressRule);
const SG_RULE = typeOf(aws.ec2.SecurityGroupRule);
const LOAD_BALANCERS = [aws.lb.LoadBalancer, aws.alb.LoadBalancer].map(typeOf);
const OPEN = new Set(["0.0.0.0/0", "::/0"]);
/** The only ports the internet may reach, and only on a load balancer. */
const WEB_PORTS = new Set([80, 443]);

interface Ingress {
    cidrs: unknown[];
    from: unknown;
    to: unknown;
    protocol: unknown;
}

/** Whether one rule opens anything to the internet other than TCP 80 or 443 on a load balancer; UNKNOWN if undecidable. */
function offending(rule: Ingress, onLoadBalancer: boolean): string | undefined | typeof UNKNOWN {
    const open = rule.cidrs.filter((c) => typeof c === "string" && OPEN.has(c)) as string[];
    if (!open.length) return rule.cidrs.includes(UNKNOWN) ? UNKNOWN : undefined;
    if ([rule.from, rule.to, rule.protocol].includes(UNKNOWN)) return UNKNOWN;
    const proto = String(rule.protocol).toLowerCase();
    const web = (proto === "tcp" || proto === "6") && rule.from === rule.to && WEB_PORTS.has(Number(rule.from));
    if (web && onLoadBalancer) return undefined;
    const what = proto === "-1" || proto === "all" ? "all traffic" : `${proto} ${rule.from}${rule.to !== rule.from ? `-${rule.to}` : ""}`;
    return `${what} from ${open.join(", ")}${web ? " on a security group that no load balancer uses" : ""}`;
}

/** The rule sets of each kind of resource that can open a security group. */
function ingressOf(r: PolicyResource): Ingress[] | typeof UNKNOWN {
    if (GROUPS.includes(r.type)) {
        const rules = list(r.props, "ingress");
        if (rules === UNKNOWN || rules.includes(UNKNOWN)) return UNKNOWN;
        return rules.map((i) => {
            const v4 = list(i, "cidrBlocks");
            const v6 = list(i, "ipv6CidrBlocks");
            return { cidrs: [...(v4 === UNKNOWN ? [UNKNOWN] : v4), ...(v6 === UNKNOWN ? [UNKNOWN] : v6)], from: read(i, "fromPort"), to: read(i, "toPort"), protocol: read(i, "protocol") };
        });
    }
    if (r.type === INGRESS_RULE) {
        return [{ cidrs: [read(r.props, "cidrIpv4"), read(r.props, "cidrIpv6")], from: read(r.props, "fromPort") ?? -1, to: read(r.props, "toPort") ?? -1, protocol: read(r.props, "ipProtocol") }];
    }
    if (r.type === SG_RULE) {
        const type = read(r.props, "type");
        if (type === UNKNOWN) return UNKNOWN;
        if (type !== "ingress") return [];
        const v4 = list(r.props, "cidrBlocks");
        const v6 = list(r.props, "ipv6CidrBlocks");
        return [{ cidrs: [...(v4 === UNKNOWN ? [UNKNOWN] : v4), ...(v6 === UNKNOWN ? [UNKNOWN] : v6)], from: read(r.props, "fromPort"), to: read(r.props, "toPort"), protocol: read(r.props, "protocol") }];
    }
    return [];
}

export const securityGroupNoPublicIngress: StackValidationPolicy = {
    name: "security-group-no-public-ingress",
    description:
        "No security group admits 0.0.0.0/0 or ::/0, except TCP 80 and 443 on a security group attached to a load balancer; covers inline ingress on aws.ec2.SecurityGroup and aws.ec2.DefaultSecurityGroup, aws.vpc.SecurityGroupIngressRule and aws.ec2.SecurityGroupRule (CIS AWS Foundations Benchmark 5.2-5.3; AWS Foundational Security Best Practices EC2.18/EC2.19; EKS Best Practices, network security).",
    validateStack: (args, report) => {
        const groups = args.resources.filter((r) => GROUPS.includes(r.type));
        const rules = args.resources.filter((r) => r.type === INGRESS_RULE || r.type === SG_RULE);
        if (!groups.length && !rules.length) return args.notApplicable("no security group in the stack");
        const lbs = args.resources.filter((r) => LOAD_BALANCERS.includes(r.type));
        const onLb = (sg: PolicyResource) => lbs.some((lb) => dependsOn(lb, sg, "securityGroups"));
        const groupOf = (rule: PolicyResource) => groups.find((g) => dependsOn(rule, g, "securityGroupId"));
        for (const r of [...groups, ...rules]) {
            const ingress = ingressOf(r);
            if (ingress === UNKNOWN) continue;
            const sg = GROUPS.includes(r.type) ? r : groupOf(r);
            for (const rule of ingress) {
                const problem = offending(rule, sg ? onLb(sg) : false);
                if (typeof problem === "string") report(`${r.name} admits ${problem}`, r.urn);
            }
        }
    },
};
