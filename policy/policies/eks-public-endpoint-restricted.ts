import { eksPolicy } from "../lib/eks";
import { UNKNOWN } from "../lib/values";

const OPEN = new Set(["0.0.0.0/0", "::/0"]);

export const eksPublicEndpointRestricted = eksPolicy({
    name: "eks-public-endpoint-restricted",
    description:
        "The EKS API endpoint is private, or public only to listed CIDRs: with endpointPublicAccess on (the AWS default), publicAccessCidrs must be set and must not contain 0.0.0.0/0 (the AWS default) (CIS EKS Benchmark 5.4.1; 5.4.2, private endpoint only, is met with publicAccess off; AWS Foundational Security Best Practices EKS.1; EKS Best Practices, cluster endpoint access).",
    check(s, report) {
        if (s.publicAccess === UNKNOWN || s.publicAccess === false) return;
        if (s.publicCidrs === undefined) return report("the public endpoint is on and publicAccessCidrs is unset, which AWS opens to 0.0.0.0/0: list the CIDRs or turn endpointPublicAccess off");
        if (s.publicCidrs === UNKNOWN) return;
        const open = s.publicCidrs.filter((c) => typeof c === "string" && OPEN.has(c));
        if (open.length) report(`the public endpoint is open to ${open.join(", ")}`);
        if (s.publicCidrs.length === 0) report("the public endpoint is on with an empty publicAccessCidrs list (AWS falls back to 0.0.0.0/0): turn endpointPublicAccess off");
    },
});
