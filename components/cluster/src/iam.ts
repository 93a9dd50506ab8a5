// IAM roles of the cluster tier: IAM roles for service accounts (IRSA) for the add-ons that call AWS.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { irsaTrustPolicy } from "@deepalpha/shared";

export interface IrsaArgs {
    oidcProviderArn: pulumi.Input<string>;
    /** Issuer without `https://`, e.g. oidc.eks.us-west-2.amazonaws.com/id/ABC. */
    oidcIssuer: pulumi.Input<string>;
    namespace: string;
    serviceAccount: string;
    tags?: Record<string, string>;
}

export function irsaRole(name: string, args: IrsaArgs, opts: pulumi.CustomResourceOptions): aws.iam.Role {
    return new aws.iam.Role(
        name,
        {
            description: `IRSA: ${args.namespace}/${args.serviceAccount}`,
            assumeRolePolicy: pulumi
                .all([args.oidcProviderArn, args.oidcIssuer])
                .apply(([arn, issuer]) => irsaTrustPolicy(arn, issuer, args.namespace, args.serviceAccount)),
            tags: args.tags,
        },
        opts,
    );
}

/** ARN of an AWS-managed policy in the deployment's partition. */
export function managedPolicy(partition: pulumi.Input<string>, path: string): pulumi.Output<string> {
    return pulumi.interpolate`arn:${partition}:iam::aws:policy/${path}`;
}
