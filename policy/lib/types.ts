// Type tokens taken from the SDKs' own resource classes, never typed by hand: a class that is renamed
// or moved in a provider upgrade breaks the build here, not silently in a string comparison.
import type { Resource } from "@pulumi/pulumi";

export type ResourceClass = { new (...args: any[]): Resource } & { isInstance?(obj: unknown): boolean };

/** The Pulumi type token of an SDK resource class (its static `__pulumiType`, which CrossGuard also reads). */
export function typeOf(cls: ResourceClass): string {
    const t = (cls as unknown as { __pulumiType?: unknown }).__pulumiType;
    if (typeof t !== "string" || t === "") throw new Error(`${cls.name} has no __pulumiType: not a Pulumi resource class`);
    return t;
}

/** The resource name CrossGuard passes as `args.name`: the last `::` part of the URN. */
export function nameFromUrn(urn: string): string {
    const i = urn.lastIndexOf("::");
    return i < 0 ? urn : urn.slice(i + 2);
}
