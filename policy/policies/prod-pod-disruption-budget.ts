import * as k8s from "@pulumi/kubernetes";
import type { StackValidationPolicy } from "@pulumi/policy";
import { exemptionReason } from "../lib/exemptions";
import { k8sName, labelsAt, namespaceOf, selects } from "../lib/stack";
import { typeOf } from "../lib/types";
import { read, UNKNOWN } from "../lib/values";

const DEPLOYMENTS = [k8s.apps.v1.Deployment, k8s.apps.v1beta1.Deployment, k8s.apps.v1beta2.Deployment, k8s.extensions.v1beta1.Deployment].map(typeOf);
const PDBS = [k8s.policy.v1.PodDisruptionBudget, k8s.policy.v1beta1.PodDisruptionBudget].map(typeOf);
const NAME = "prod-pod-disruption-budget";

export const prodPodDisruptionBudget: StackValidationPolicy = {
    name: NAME,
    description:
        "In prod every Deployment has a PodDisruptionBudget in its namespace whose selector matches its pods, so node drains and upgrades keep it serving; a singleton needs a documented exemption (the seed's HA layout; EKS Best Practices, reliability: PodDisruptionBudgets).",
    configSchema: { properties: { required: { type: "boolean", default: true } } },
    validateStack: (args, report) => {
        const { required = true } = args.getConfig<{ required?: boolean }>();
        if (!required) return args.notApplicable("PodDisruptionBudgets are not required by this stack's policy config");
        const deployments = args.resources.filter((r) => DEPLOYMENTS.includes(r.type));
        if (!deployments.length) return args.notApplicable("no Deployment in the stack");
        const pdbs = args.resources.filter((r) => PDBS.includes(r.type));
        for (const d of deployments) {
            if (exemptionReason(d.props, NAME)) continue;
            const labels = labelsAt(d.props, "spec", "template", "metadata", "labels");
            const ns = namespaceOf(d);
            if (labels === UNKNOWN || ns === UNKNOWN) continue;
            const verdicts = pdbs.map((p) => {
                const pns = namespaceOf(p);
                if (pns === UNKNOWN) return UNKNOWN;
                if (pns !== ns) return false;
                const selector = read(p.props, "spec", "selector");
                if (selector === UNKNOWN) return UNKNOWN;
                // A PDB without a selector selects nothing (policy/v1).
                if (selector === undefined) return false;
                return selects(selector, labels);
            });
            if (verdicts.includes(true) || verdicts.includes(UNKNOWN)) continue;
            report(`${k8sName(d)} has no PodDisruptionBudget selecting its pods`, d.urn);
        }
    },
};
