// IAM roles for service accounts (IRSA): the trust policy every role that a Kubernetes ServiceAccount
// assumes shares. Pure, for tests.

/**
 * Lets exactly one ServiceAccount (`system:serviceaccount:<ns>:<sa>`) assume the role with a token for
 * sts.amazonaws.com. `oidcIssuer` may carry `https://` (pulumi-eks' oidcProviderUrl does); the condition
 * keys must not.
 */
export function irsaTrustPolicy(oidcProviderArn: string, oidcIssuer: string, namespace: string, serviceAccount: string): string {
    const issuer = oidcIssuer.replace(/^https:\/\//, "");
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: oidcProviderArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                        [`${issuer}:aud`]: "sts.amazonaws.com",
                    },
                },
            },
        ],
    });
}
