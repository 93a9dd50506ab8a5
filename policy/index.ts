// The CrossGuard policy pack: `pulumi preview --policy-pack policy --policy-pack-config policy/config.<stack>.json`.
// Only builds the pack; the policies live in policies.ts. Importing this file starts the analyzer's
// gRPC server, so tests and scripts import ./policies or ./offline instead.
import { PolicyPack } from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, {
    policies,
    enforcementLevel: PACK_ENFORCEMENT_LEVEL,
    description: "DeepAlpha security rules: pod security, workload hygiene, namespace isolation, prod HA and AWS data protection.",
});
