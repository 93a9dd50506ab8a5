// Gateway API HTTPRoutes on the Gateway the arguments name (by default the cluster tier's, listener "https":
// TLS terminates there).
//
// Long-lived WebSocket connections: HTTPRoute `spec.rules[].timeouts` is deliberately not set. NGINX
// Gateway Fabric rejects a rule that has it (internal/controller/state/graph/httproute.go,
// checkForUnsupportedHTTPFields: "spec.rules[0].timeouts: Forbidden"), which would take the whole route
// down. NGF upgrades WebSocket connections on any route by itself; what limits an idle connection is
// NGINX's 60 s proxy_read_timeout, which the WebSocket server's 30 s pings keep from firing (websocket.ts).
// Type-only import (erased at run time): the Gateway API v1 schema's TypeScript shape, so the compiler
// rejects a misspelt or unknown field in the route spec.
import type { IHTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute";
import { labelsFor } from "@deepalpha/shared";
import type { ResolvedAppTierArgs } from "./args";
import { workload } from "./context";

type RouteArgs = Pick<ResolvedAppTierArgs, "apiHost" | "websocketHost" | "names" | "namespaces" | "gateway">;

export const HTTPROUTE_API_VERSION = "gateway.networking.k8s.io/v1";

export interface HttpRouteArgs {
    apiVersion: string;
    kind: "HTTPRoute";
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    spec: NonNullable<IHTTPRoute["spec"]>;
}

function route(s: RouteArgs, name: string, component: string, host: string, backend: { name: string; port: number }): HttpRouteArgs {
    return {
        apiVersion: HTTPROUTE_API_VERSION,
        kind: "HTTPRoute",
        metadata: { name, namespace: s.namespaces.app, labels: labelsFor(name, component) },
        spec: {
            parentRefs: [
                {
                    group: "gateway.networking.k8s.io",
                    kind: "Gateway",
                    name: s.gateway.name,
                    namespace: s.gateway.namespace,
                    sectionName: s.gateway.httpsListener,
                },
            ],
            hostnames: [host],
            rules: [
                {
                    matches: [{ path: { type: "PathPrefix", value: "/" } }],
                    // Same namespace as the route: no ReferenceGrant needed.
                    backendRefs: [{ group: "", kind: "Service", name: backend.name, port: backend.port, weight: 1 }],
                },
            ],
        },
    };
}

/**
 * Plain HTTP on the Gateway's `http` listener: a permanent redirect to https for both hosts, so nothing is
 * served in clear. cert-manager's HTTP-01 solver routes match `/.well-known/acme-challenge/<token>` exactly,
 * which takes precedence over this `/` prefix (Gateway API route matching precedence), so renewals still work.
 */
function httpsRedirect(s: RouteArgs): HttpRouteArgs {
    const name = s.names.httpsRedirectRoute;
    return {
        apiVersion: HTTPROUTE_API_VERSION,
        kind: "HTTPRoute",
        metadata: { name, namespace: s.namespaces.app, labels: labelsFor(name, "routing") },
        spec: {
            parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: s.gateway.name, namespace: s.gateway.namespace, sectionName: s.gateway.httpListener }],
            hostnames: [s.apiHost, s.websocketHost],
            rules: [
                {
                    matches: [{ path: { type: "PathPrefix", value: "/" } }],
                    filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }],
                },
            ],
        },
    };
}

export function httpRoutes(s: RouteArgs): Record<"api" | "websocket" | "redirect", HttpRouteArgs> {
    const api = workload(s, "api");
    const websocket = workload(s, "websocket");
    return {
        api: route(s, api.name, "api", s.apiHost, api),
        websocket: route(s, websocket.name, "websocket", s.websocketHost, websocket),
        redirect: httpsRedirect(s),
    };
}
