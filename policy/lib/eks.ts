// The EKS control-plane settings the policies judge, read from either shape that creates a cluster:
// the @pulumi/eks component's arguments (eks:index:Cluster, a remote component whose args CrossGuard
// sees) or the aws.eks.Cluster resource (which the component creates below itself, and which a program
// may also use directly). Both are checked: the component before anything exists, the resource with
// whatever the component passed down.
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { typeOf } from "./types";
import { list, read, UNKNOWN } from "./values";

export const EKS_COMPONENT = typeOf(eks.Cluster);
export const EKS_CLUSTER = typeOf(aws.eks.Cluster);

export interface EksSettings {
    /** KMS key ARN used for envelope encryption of Secrets, if any; UNKNOWN when computed. */
    secretsKey: unknown;
    /** Whether the encryption config covers "secrets" (always true for the component's single key). */
    coversSecrets: boolean | typeof UNKNOWN;
    logTypes: unknown[] | typeof UNKNOWN;
    publicAccess: unknown;
    publicCidrs: unknown[] | typeof UNKNOWN | undefined;
}

export function eksSettings(type: string, props: unknown): EksSettings | undefined {
    if (type === EKS_COMPONENT) {
        const cidrs = read(props, "publicAccessCidrs");
        return {
            secretsKey: read(props, "encryptionConfigKeyArn"),
            coversSecrets: true,
            logTypes: list(props, "enabledClusterLogTypes"),
            publicAccess: read(props, "endpointPublicAccess"),
            publicCidrs: cidrs === undefined ? undefined : list(props, "publicAccessCidrs"),
        };
    }
    if (type === EKS_CLUSTER) {
        const resources = list(props, "encryptionConfig", "resources");
        const cidrs = read(props, "vpcConfig", "publicAccessCidrs");
        return {
            secretsKey: read(props, "encryptionConfig", "provider", "keyArn"),
            coversSecrets: resources === UNKNOWN || resources.includes(UNKNOWN) ? UNKNOWN : resources.includes("secrets"),
            logTypes: list(props, "enabledClusterLogTypes"),
            publicAccess: read(props, "vpcConfig", "endpointPublicAccess"),
            publicCidrs: cidrs === undefined ? undefined : list(props, "vpcConfig", "publicAccessCidrs"),
        };
    }
    return undefined;
}

/** A resource policy over both EKS cluster shapes. */
export function eksPolicy(p: { name: string; description: string; check(s: EksSettings, report: (m: string) => void): void }): ResourceValidationPolicy {
    return {
        name: p.name,
        description: p.description,
        validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
            const s = eksSettings(args.type, args.props);
            if (!s) return args.notApplicable(`only applies to ${EKS_COMPONENT} and ${EKS_CLUSTER}`);
            p.check(s, (m) => report(m));
        },
    };
}
