// Settings only AWS can judge, asked before anything is created.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { enaExpressProblem } from "@deepalpha/cluster";
import type { StackConfig } from "../config";

/**
 * ENA Express needs an instance type that supports it (DescribeInstanceTypes). Stops `pulumi up`/`preview`
 * with the key and no stack trace.
 */
export async function checkAgainstEc2(cfg: StackConfig): Promise<void> {
    const e = cfg.settings.cluster.executorNodes;
    if (cfg.settings.profile !== "production" || !e.enaExpress) return;
    const info = await aws.ec2.getInstanceType({ instanceType: e.instanceType });
    const problem = enaExpressProblem(e.instanceType, info.enaSrdSupported);
    if (problem) throw new pulumi.RunError(`invalid stack configuration:\n  - ${problem}`);
}
