import { eksPolicy } from "../lib/eks";
import { UNKNOWN } from "../lib/values";

export const eksSecretsEncryption = eksPolicy({
    name: "eks-secrets-encryption",
    description:
        "EKS clusters encrypt Kubernetes Secrets with a KMS key (envelope encryption: encryptionConfigKeyArn on the eks component, encryptionConfig with resources [secrets] on aws.eks.Cluster) (CIS EKS Benchmark 5.3.1; EKS Best Practices, encryption at rest).",
    check(s, report) {
        if (s.secretsKey === UNKNOWN || s.coversSecrets === UNKNOWN) return;
        if (typeof s.secretsKey !== "string" || s.secretsKey === "") return report("no KMS key for secrets encryption");
        if (!s.coversSecrets) report('encryptionConfig.resources does not include "secrets"');
    },
});
