import { has, list, read, UNKNOWN } from "../lib/values";
import { workloadPolicy } from "../lib/workloads";

/** Environment variable names that hold credentials. */
export function isCredentialName(name: string): boolean {
    const n = name.toUpperCase();
    // A *_FILE / *_PATH / *_DIR variable names where a mounted secret lives, not the secret itself.
    if (/(_FILE|_PATH|_DIR)$/.test(n)) return false;
    return /PASSWORD|PASSWD|SECRET|TOKEN/.test(n) || /_KEY$/.test(n) || n === "DATABASE_URL";
}

export const workloadNoLiteralCredentials = workloadPolicy({
    name: "workload-no-literal-credentials",
    description:
        "Credentials never appear as literal env values: variables named like *PASSWORD*, *SECRET*, *TOKEN*, *_KEY or DATABASE_URL must use valueFrom.secretKeyRef (the design: keys only from Pulumi secrets, delivered as Kubernetes Secrets; CIS EKS Benchmark 4.4, secrets management; EKS Best Practices, secrets).",
    check(pod, report) {
        for (const c of pod.containers) {
            const env = list(c.c, "env");
            if (env === UNKNOWN) continue;
            for (const e of env) {
                const name = read(e, "name");
                if (typeof name !== "string" || !isCredentialName(name)) continue;
                // A literal value is a violation even while it is unknown: it will be written into the spec.
                if (has(e, "value")) report(`${c.label} sets ${name} as a literal value: use valueFrom.secretKeyRef`);
                else if (read(e, "valueFrom", "secretKeyRef") === undefined) {
                    const vf = read(e, "valueFrom");
                    if (vf !== UNKNOWN) report(`${c.label} takes ${name} from ${vf === undefined ? "nowhere" : Object.keys(vf as object).join(", ")}: use valueFrom.secretKeyRef`);
                }
            }
        }
    },
});
