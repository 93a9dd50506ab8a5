// The pack's policies, one per file under policies/. index.ts serves this list to `pulumi preview
// --policy-pack policy`; offline.ts runs the same list for `npm run plan` and `npm run policy:check`.
import type { Policies } from "@pulumi/policy";
import { ec2Imdsv2Required } from "./policies/ec2-imdsv2-required";
import { eksAuditLogging } from "./policies/eks-audit-logging";
import { eksPublicEndpointRestricted } from "./policies/eks-public-endpoint-restricted";
import { eksSecretsEncryption } from "./policies/eks-secrets-encryption";
import { elasticacheAtRestEncryption } from "./policies/elasticache-at-rest-encryption";
import { elasticacheAutomaticFailover } from "./policies/elasticache-automatic-failover";
import { elasticacheTransitEncryption } from "./policies/elasticache-transit-encryption";
import { kmsKeyRotation } from "./policies/kms-key-rotation";
import { namespaceDefaultDeny } from "./policies/namespace-default-deny";
import { namespacePsaEnforce } from "./policies/namespace-psa-enforce";
import { podAllowedVolumeTypes } from "./policies/pod-allowed-volume-types";
import { podDropAllCapabilities } from "./policies/pod-drop-all-capabilities";
import { podNoHostNamespaces } from "./policies/pod-no-host-namespaces";
import { podNoHostPorts } from "./policies/pod-no-host-ports";
import { podNoPrivilegeEscalation } from "./policies/pod-no-privilege-escalation";
import { podNoPrivileged } from "./policies/pod-no-privileged";
import { podRunAsNonRoot } from "./policies/pod-run-as-non-root";
import { podSafeSysctls } from "./policies/pod-safe-sysctls";
import { podSeccompRuntimeDefault } from "./policies/pod-seccomp-runtime-default";
import { prodMinReplicas } from "./policies/prod-min-replicas";
import { prodPodDisruptionBudget } from "./policies/prod-pod-disruption-budget";
import { rdsBackupRetention } from "./policies/rds-backup-retention";
import { rdsDeletionProtection } from "./policies/rds-deletion-protection";
import { rdsMultiAz } from "./policies/rds-multi-az";
import { rdsNotPublic } from "./policies/rds-not-public";
import { rdsStorageEncrypted } from "./policies/rds-storage-encrypted";
import { s3BucketEncryption } from "./policies/s3-bucket-encryption";
import { s3BucketPublicAccessBlock } from "./policies/s3-bucket-public-access-block";
import { s3BucketVersioning } from "./policies/s3-bucket-versioning";
import { securityGroupNoPublicIngress } from "./policies/security-group-no-public-ingress";
import { serviceLoadBalancerGatewayOnly } from "./policies/service-loadbalancer-gateway-only";
import { workloadNoLiteralCredentials } from "./policies/workload-no-literal-credentials";
import { workloadPinnedImages } from "./policies/workload-pinned-images";
import { workloadProbes } from "./policies/workload-probes";
import { workloadResources } from "./policies/workload-resources";

export const PACK_NAME = "deepalpha";
/** The level of a policy no config file mentions: a pack run without config enforces. */
export const PACK_ENFORCEMENT_LEVEL = "mandatory" as const;

export const policies: Policies = [
    // Pod security: the seed's PodSecurityPolicy and Pod Security Standards restricted.
    podNoPrivileged,
    podNoPrivilegeEscalation,
    podDropAllCapabilities,
    podRunAsNonRoot,
    podAllowedVolumeTypes,
    podNoHostNamespaces,
    podNoHostPorts,
    podSeccompRuntimeDefault,
    podSafeSysctls,
    // Workload hygiene.
    workloadResources,
    workloadProbes,
    workloadPinnedImages,
    workloadNoLiteralCredentials,
    serviceLoadBalancerGatewayOnly,
    // Stack-wide.
    namespaceDefaultDeny,
    namespacePsaEnforce,
    prodMinReplicas,
    prodPodDisruptionBudget,
    // AWS.
    s3BucketEncryption,
    s3BucketVersioning,
    s3BucketPublicAccessBlock,
    rdsStorageEncrypted,
    rdsNotPublic,
    rdsMultiAz,
    rdsBackupRetention,
    rdsDeletionProtection,
    elasticacheAtRestEncryption,
    elasticacheTransitEncryption,
    elasticacheAutomaticFailover,
    eksSecretsEncryption,
    eksAuditLogging,
    eksPublicEndpointRestricted,
    securityGroupNoPublicIngress,
    kmsKeyRotation,
    ec2Imdsv2Required,
];
