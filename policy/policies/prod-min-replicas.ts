import * as k8s from "@pulumi/kubernetes";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { exemptionReason } from "../lib/exemptions";
import { k8sName, namespaceOf } from "../lib/stack";
import { typeOf } from "../lib/types";
import { read, UNKNOWN } from "../lib/values";

const DEPLOYMENTS = [k8s.apps.v1.Deployment, k8s.apps.v1beta1.Deployment, k8s.apps.v1beta2.Deployment, k8s.extensions.v1beta1.Deployment].map(typeOf);
const HPAS = [k8s.autoscaling.v2.HorizontalPodAutoscaler, k8s.autoscaling.v2beta2.HorizontalPodAutoscaler, k8s.autoscaling.v1.HorizontalPodAutoscaler].map(typeOf);
const NAME = "prod-min-replicas";

/** The HorizontalPodAutoscaler that scales a Deployment, if any. */
export function hpaFor(deployment: PolicyResource, all: PolicyResource[]): PolicyResource | undefined {
    const name = read(deployment.props, "metadata", "name");
    const ns = namespaceOf(deployment);
    return all.find((h) => {
        if (!HPAS.includes(h.type)) return false;
        const ref = read(h.props, "spec", "scaleTargetRef");
        return read(ref, "kind") === "Deployment" && read(ref, "name") === name && namespaceOf(h) === ns;
    });
}

export const prodMinReplicas: StackValidationPolicy = {
    name: NAME,
    description:
        "In prod every Deployment runs at least minReplicas (2) replicas, counting an HPA's minReplicas where one scales it; a singleton needs a documented exemption (the seed's HA layout: API 3, WebSocket 2, executor 2; EKS Best Practices, reliability: run multiple replicas).",
    configSchema: { properties: { minReplicas: { type: "integer", minimum: 1, default: 2 } } },
    validateStack: (args, report) => {
        const { minReplicas = 2 } = args.getConfig<{ minReplicas?: number }>();
        const deployments = args.resources.filter((r) => DEPLOYMENTS.includes(r.type));
        if (!deployments.length) return args.notApplicable("no Deployment in the stack");
        for (const d of deployments) {
            if (exemptionReason(d.props, NAME)) continue;
            const hpa = hpaFor(d, args.resources);
            const n = hpa ? read(hpa.props, "spec", "minReplicas") : read(d.props, "spec", "replicas");
            if (n === UNKNOWN) continue;
            // Both default to 1 when unset.
            const count = typeof n === "number" ? n : 1;
            if (count < minReplicas) {
                const source = hpa ? `its HorizontalPodAutoscaler's minReplicas is ${count}` : `spec.replicas is ${n === undefined ? "unset (1)" : count}`;
                report(`${k8sName(d)}: ${source}, below ${minReplicas}`, d.urn);
            }
        }
    },
};
