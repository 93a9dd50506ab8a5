import * as k8s from "@pulumi/kubernetes";
import { validateResourceOfType } from "@pulumi/policy";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { PSA_ENFORCE_LABEL } from "../lib/conventions";
import { EXEMPTION_ANNOTATION_PREFIX, exemptionReason } from "../lib/exemptions";
import { read, UNKNOWN } from "../lib/values";

const LEVELS = ["privileged", "baseline", "restricted"];
const NAME = "namespace-psa-enforce";

export const namespacePsaEnforce: ResourceValidationPolicy = {
    name: NAME,
    description: `Every Namespace the program creates carries the Pod Security Admission label ${PSA_ENFORCE_LABEL}: restricted; a lower level only with a documented exemption (${EXEMPTION_ANNOTATION_PREFIX}${NAME}) (the seed's PodSecurityPolicy, replaced by Pod Security Admission since Kubernetes 1.25; Pod Security Standards; CIS EKS Benchmark 4.2).`,
    validateResource: validateResourceOfType(k8s.core.v1.Namespace, (_ns, args, report) => {
        const level = read(args.props, "metadata", "labels", PSA_ENFORCE_LABEL);
        if (level === UNKNOWN) return;
        if (level === undefined) return report(`no ${PSA_ENFORCE_LABEL} label`);
        if (!LEVELS.includes(String(level))) return report(`${PSA_ENFORCE_LABEL}: ${JSON.stringify(level)} is not a Pod Security level (${LEVELS.join(", ")})`);
        if (level === "restricted") return;
        const reason = exemptionReason(args.props, NAME);
        if (reason) return args.notApplicable(`exempt: ${reason}`);
        report(`${PSA_ENFORCE_LABEL}: ${level}: must be restricted, or carry the annotation ${EXEMPTION_ANNOTATION_PREFIX}${NAME} saying why`);
    }),
};
