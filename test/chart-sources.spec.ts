// scripts/chart-sources.sh assembles the charts' sources for `npm run charts:check -- --charts-dir`: its table
// must name exactly the charts and versions the program pins, or the check would render other versions (and
// charts:check refuses a source whose Chart.yaml names another version).
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { CLUSTER_CHARTS } from "@deepalpha/cluster";
import { GATEWAY_CHARTS } from "@deepalpha/cluster";
import { OBSERVABILITY_CHARTS } from "@deepalpha/observability";
import { ROOT_DIR } from "./harness/stacks";

const SCRIPT = fs.readFileSync(path.join(ROOT_DIR, "scripts/chart-sources.sh"), "utf8");

/** The rows of a bash array `NAME=( "..." ... )` in the script. */
function rows(name: string): string[][] {
    const m = new RegExp(`^${name}=\\(\\n([\\s\\S]*?)^\\)`, "m").exec(SCRIPT);
    if (!m) throw new Error(`scripts/chart-sources.sh has no ${name}=( ... ) table`);
    return [...m[1].matchAll(/^\s*"([^"]+)"\s*$/gm)].map((r) => r[1].split(/\s+/));
}

describe("scripts/chart-sources.sh", () => {
    it("names each chart the program pins, at the pinned version, once", () => {
        const pinned = [...Object.values(CLUSTER_CHARTS), ...Object.values(GATEWAY_CHARTS), ...Object.values(OBSERVABILITY_CHARTS)]
            .map((c) => `${c.chart.split("/").pop()} ${c.version}`)
            .sort();
        const table = rows("CHARTS").map(([chart, version]) => `${chart} ${version}`).sort();
        expect(pinned).to.have.length(10);
        expect(table).to.deep.equal(pinned);
    });

    it("takes each source from a release tag that names the chart's version, and each dependency for a chart in the table", () => {
        for (const [chart, version, repo, tag] of rows("CHARTS")) {
            expect(repo, chart).to.match(/^[\w.-]+\/[\w.-]+$/);
            expect(tag, chart).to.contain(version.replace(/^v/, ""));
        }
        const charts = new Set(rows("CHARTS").map((r) => r[0]));
        const deps = rows("DEPENDENCIES");
        expect(deps.map((d) => `${d[0]}/${d[1]}`).sort()).to.deep.equal([
            "jaeger/common",
            "kube-prometheus-stack/grafana",
            "kube-prometheus-stack/kube-state-metrics",
            "kube-prometheus-stack/prometheus-node-exporter",
            "kube-prometheus-stack/prometheus-windows-exporter",
        ]);
        for (const [parent, dep, version, , tag] of deps) {
            expect(charts.has(parent), parent).to.equal(true);
            expect(tag, dep).to.contain(version);
        }
    });
});
