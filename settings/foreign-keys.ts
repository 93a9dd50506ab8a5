// Stack-file keys outside the `deepalpha:` namespace that this program would silently ignore: Pulumi hands every
// key to the program and lets each provider take its own, so a key no one reads is no error to the engine. These
// are warnings, not errors: the key harms nothing, but whoever set it expected an effect it will not have.
import type { Profile } from "./schema";

/** Namespaces whose keys something in this program reads: ours, the default providers it uses, the engine's. */
const READ_NAMESPACES = new Set(["deepalpha", "aws", "eks", "random", "pulumi"]);

/** Levenshtein distance, small strings only: a misspelt namespace is a few edits from ours. */
function distance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const cur = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
            prev = cur;
        }
    }
    return row[b.length];
}

/** One warning per key that has no effect on this program, with what to set instead. */
export function foreignKeyWarnings(keys: string[], profile: Profile): string[] {
    const w: string[] = [];
    for (const key of keys) {
        const ns = key.split(":")[0];
        if (ns === "kubernetes") {
            w.push(
                `${key} is set but has no effect: every Kubernetes object goes through the program's own provider, built from ` +
                    `${profile === "local" ? "deepalpha:cluster.kubeContext (and kubeconfigPath)" : "the EKS cluster it creates"}, never the default provider that kubernetes:* configures` +
                    (profile === "local" ? "; set deepalpha:cluster.kubeContext instead" : ""),
            );
        } else if (ns === "aws" && profile === "local") {
            w.push(`${key} is set but has no effect: the local profile creates nothing on AWS`);
        } else if (!READ_NAMESPACES.has(ns)) {
            const guess = distance(ns, "deepalpha") <= 2 ? `; did you mean deepalpha:${key.slice(ns.length + 1)}?` : "";
            w.push(`${key} is set but nothing in this program reads the "${ns}" namespace (read: ${[...READ_NAMESPACES].sort().join(", ")})${guess}`);
        }
    }
    return w;
}
