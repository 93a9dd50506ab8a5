import { eksPolicy } from "../lib/eks";
import { UNKNOWN } from "../lib/values";

export const eksAuditLogging = eksPolicy({
    name: "eks-audit-logging",
    description:
        'EKS clusters send control-plane audit logs to CloudWatch: enabledClusterLogTypes includes "audit" (CIS EKS Benchmark 2.1.1; EKS Best Practices, detective controls).',
    check(s, report) {
        if (s.logTypes === UNKNOWN || s.logTypes.includes(UNKNOWN)) return;
        if (!s.logTypes.includes("audit")) report(`enabledClusterLogTypes is [${s.logTypes.map(String).join(", ")}]: add "audit"`);
    },
});
