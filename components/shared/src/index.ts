// @deepalpha/shared: what the tier packages agree on. Names, labels and ports more than one tier relies on, the
// restricted security contexts, IRSA trust and KMS key policies, the connection path's timeouts, and the
// contracts one tier hands another.
export * from "./contracts";
export * from "./conventions";
export * from "./security";
export * from "./irsa";
export * from "./kms";
export * from "./connection-path";
export * from "./validation";
