// docs/charts.md's generated tables (`npm run charts:check -- --write-docs`, which needs Helm and the chart
// sources, so it is not rerun here) must describe today's program: one row per helm.v4.Chart of the dev and
// prod plans, at the version the program pins. A new or re-pinned chart without a rerun fails here.
import { expect } from "chai";
import * as fs from "fs";
import { DOCS_FILE, docsRows } from "../scripts/charts-check";
import { chartsFromResources } from "../scripts/charts-render";
import type { OfflineResource } from "../policy/offline";
import { planStack } from "./harness/stacks";

async function planCharts(stack: "dev" | "prod") {
    const run = await planStack(stack);
    const resources: OfflineResource[] = run.resources.map((r) => ({ urn: r.urn, type: r.type, inputs: r.inputs, parent: r.parent }));
    return chartsFromResources(resources);
}

describe("docs/charts.md: the generated chart tables match the plans", () => {
    it("lists exactly the Charts of the dev and prod plans, each at its pinned version", async () => {
        const rows = docsRows(fs.readFileSync(DOCS_FILE, "utf8"));
        expect(rows, "docs/charts.md has no generated table: run npm run --silent charts:check -- --write-docs --charts-dir DIR").to.not.deep.equal([]);
        const expected: string[] = [];
        for (const stack of ["dev", "prod"] as const) for (const c of await planCharts(stack)) expected.push(`${stack} ${c.resourceName} ${c.chart} ${c.version}`);
        expect(rows.map((r) => `${r.stack} ${r.resource} ${r.chart} ${r.version}`), "docs/charts.md is stale: rerun npm run --silent charts:check -- --write-docs").to.deep.equal(expected);
    });

    it("the plans' Charts are what charts:check can render: pinned versions, a repository or an OCI reference, release names as Pulumi gives them", async () => {
        const prod = await planCharts("prod");
        expect(prod).to.have.length(10);
        for (const c of prod) {
            expect(c.version, c.resourceName).to.match(/^v?\d+\.\d+\.\d+$/);
            expect(c.repo !== undefined || c.chart.startsWith("oci://"), c.resourceName).to.equal(true);
        }
        const ngf = prod.find((c) => c.resourceName === "cluster-nginx-gateway-fabric")!;
        expect(ngf).to.include({ chart: "oci://ghcr.io/nginx/charts/nginx-gateway-fabric", release: "cluster-nginx-gateway-fabric", namespace: "gateway" });
        expect(prod.find((c) => c.resourceName === "observability-kube-prometheus-stack")!.release).to.equal("kube-prometheus-stack");
    });
});
