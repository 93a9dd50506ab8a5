// What the specs share: production args (the cluster's side as plain values and Outputs), and lookups in the
// list of registered resources.
import * as pulumi from "@pulumi/pulumi";
import type { Registered } from "@deepalpha/testing";
import type { DataTierArgs } from "../src";

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What the cluster tier hands the data tier in production. Call inside a program (Outputs). */
export function productionArgs(over: Partial<DataTierArgs> = {}): DataTierArgs {
    return {
        profile: "production",
        network: {
            vpcId: pulumi.output("vpc-0123"),
            vpcCidr: "10.40.0.0/16",
            privateSubnetIds: pulumi.output(["subnet-a", "subnet-b", "subnet-c"]),
            availabilityZones: pulumi.output(["us-west-2a", "us-west-2b", "us-west-2c"]),
            nodeSecurityGroupId: pulumi.output("sg-nodes"),
        },
        oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC",
        oidcProviderUrl: "https://oidc.eks.us-west-2.amazonaws.com/id/ABC",
        appRoleName: "app-role",
        region: "us-west-2",
        ...over,
    };
}

/** Kubernetes objects of a kind: "StatefulSet", "Secret", ... */
export const ofKind = (list: Registered[], kind: string) => list.filter((r) => r.type.startsWith("kubernetes:") && r.type.split(":")[2] === kind);

/** The one Kubernetes object of a kind with that name (and namespace). */
export function k8sObject(list: Registered[], kind: string, name: string, namespace?: string): Obj {
    const found = ofKind(list, kind).filter((r) => {
        const md = (r.values.metadata ?? {}) as Obj;
        return md.name === name && (namespace === undefined || md.namespace === namespace);
    });
    if (found.length !== 1) throw new Error(`expected one ${kind} ${namespace ?? "*"}/${name}, found ${found.length}`);
    return found[0].values as Obj;
}

/** The one resource of a type with that Pulumi name. */
export function one(list: Registered[], type: string, name: string): Registered {
    const found = list.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}: ${list.filter((r) => r.type === type).map((r) => r.name).join(", ")}`);
    return found[0];
}

/** The children of the component (every registered resource but the component itself), as `type::name`. */
export const childNames = (list: Registered[]) =>
    list.filter((r) => r.type !== "deepalpha:index:DataTier").map((r) => `${r.type}::${r.name}`).sort();
