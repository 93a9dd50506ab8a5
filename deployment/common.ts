// What every tier's args take from the stack alike. Nothing here creates a resource.
import type { StackConfig } from "../config";

/** Tags on every AWS resource of the stack. */
export function stackTags(cfg: StackConfig): Record<string, string> {
    return { project: "deepalpha", stack: cfg.stack, "managed-by": "pulumi" };
}

/** Private ranges of the managed data stores (production), for the workloads' egress rules. */
export function dataCidrs(cfg: StackConfig): string[] | undefined {
    return cfg.settings.profile === "production" ? [cfg.settings.cluster.vpcCidr] : undefined;
}
