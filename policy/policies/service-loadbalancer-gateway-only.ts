import * as k8s from "@pulumi/kubernetes";
import { validateResourceOfType } from "@pulumi/policy";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { GATEWAY_NAMESPACE } from "../lib/conventions";
import { read, UNKNOWN } from "../lib/values";

export const serviceLoadBalancerGatewayOnly: ResourceValidationPolicy = {
    name: "service-loadbalancer-gateway-only",
    description: `Services of type LoadBalancer are only allowed in the gateway's namespace "${GATEWAY_NAMESPACE}": everything else is reached through the Gateway (the design's single entry; EKS Best Practices, network security: minimise exposed endpoints).`,
    validateResource: validateResourceOfType(k8s.core.v1.Service, (_svc, args, report) => {
        if (read(args.props, "spec", "type") !== "LoadBalancer") return;
        const ns = read(args.props, "metadata", "namespace");
        if (ns === UNKNOWN) return;
        const where = typeof ns === "string" && ns !== "" ? ns : "default";
        if (where !== GATEWAY_NAMESPACE) report(`Service of type LoadBalancer in namespace ${JSON.stringify(where)}: only ${JSON.stringify(GATEWAY_NAMESPACE)} may expose a load balancer`);
    }),
};
