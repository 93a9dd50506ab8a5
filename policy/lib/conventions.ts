// Names the pack shares with the program (components/shared/src/conventions.ts). Repeated here because the
// pack is its own package; test/policy.spec.ts proves they agree.
export const GATEWAY_NAMESPACE = "gateway";
export const PSA_ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";
