// The idle timeouts a long-lived connection meets on its way, and the keepalives that beat them. One place,
// so the WebSocket server's ping, the pods' TCP keepalive and the documented path cannot drift apart.
// docs/performance-tuning.md walks the path hop by hop.

/** Idle timeouts along the paths, seconds. */
export const IDLE_TIMEOUTS = {
    /**
     * AWS NLB in front of the gateway: 350 s for TCP listeners (the default; 60-6000 s is configurable per
     * listener) and a fixed 350 s for TLS listeners (`gateway.tls: acm`). The service controller that creates
     * this NLB leaves the default.
     */
    nlb: 350,
    /**
     * NGINX's proxy_read_timeout and proxy_send_timeout (60 s defaults), which NGINX Gateway Fabric keeps for a
     * route without a ProxySettingsPolicy: an upgraded WebSocket connection is closed after 60 s without data
     * in a direction.
     */
    gateway: 60,
    /** AWS NAT gateway: a connection idle for 350 s is dropped (the next packet gets a RST). */
    natGateway: 350,
} as const;

/** The WebSocket server pings every client this often (WS_PING_INTERVAL_SECONDS); the client's pong answers. */
export const WEBSOCKET_PING_INTERVAL_SECONDS = 30;

/**
 * TCP keepalive of the WebSocket and executor pods (namespaced safe sysctls). Only sockets that turn
 * SO_KEEPALIVE on use it (database drivers, Redis clients and HTTP connection pools commonly do): they send a
 * probe after 60 s idle, which keeps the NAT gateway's mapping of an idle exchange connection alive, and a
 * dead peer is found after 60 + 6 x 10 = 120 s instead of the kernel's 2 h 11 min.
 */
export const POD_TCP_KEEPALIVE = { timeSeconds: 60, intervalSeconds: 10, probes: 6 } as const;

/**
 * What would cut a live connection, as sentences; empty when the path holds. A ping must reach every hop
 * at least twice within its idle timeout, so one late or lost ping does not close 10K connections.
 */
export function idleTimeoutProblems(
    pingSeconds: number = WEBSOCKET_PING_INTERVAL_SECONDS,
    keepalive: { timeSeconds: number } = POD_TCP_KEEPALIVE,
    t: { nlb: number; gateway: number; natGateway: number } = IDLE_TIMEOUTS,
): string[] {
    const p: string[] = [];
    for (const [hop, timeout] of [["gateway (NGINX proxy_read_timeout)", t.gateway], ["NLB", t.nlb]] as const) {
        if (2 * pingSeconds > timeout) p.push(`WebSocket ping every ${pingSeconds} s: the ${hop} closes idle connections after ${timeout} s, which leaves room for fewer than two pings`);
    }
    if (keepalive.timeSeconds >= t.natGateway) {
        p.push(`TCP keepalive after ${keepalive.timeSeconds} s idle: the NAT gateway drops connections idle for ${t.natGateway} s first`);
    }
    return p;
}
