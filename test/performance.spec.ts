// docs/performance-tuning.md (issue 16) stays true to the code: every seed tuning item has a row, every node and
// pod sysctl the program sets appears with its value, and the deviations list (docs/deviations.md) links to it.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ROOT_DIR } from "./harness/stacks";
import { CONTAINER_NOFILE, nodeSysctls } from "@deepalpha/cluster";
import { executorSysctls, websocketSysctls } from "@deepalpha/app";
import { IDLE_TIMEOUTS, WEBSOCKET_PING_INTERVAL_SECONDS } from "@deepalpha/shared";
import { profileDefaults } from "../settings/defaults";
import { clusterSchema } from "../settings/schema";

const read = (f: string) => fs.readFileSync(path.join(ROOT_DIR, f), "utf8");

describe("performance tuning: the document accounts for the seed and matches the code", () => {
    const doc = read("docs/performance-tuning.md");
    /** The first table: one row per seed item, "| item | status | where |". */
    const seedRows = doc
        .slice(0, doc.indexOf("\n## "))
        .split("\n")
        .filter((l) => l.startsWith("| ") && !l.startsWith("| seed item") && !l.startsWith("|---"));
    /** Table rows of one section ("## title" up to the next "## "), whose first cell names the sysctl (or its short name). */
    const rowsOf = (title: string) => {
        const start = doc.indexOf(`\n## ${title}`);
        expect(start, title).to.be.greaterThan(0);
        const end = doc.indexOf("\n## ", start + 1);
        return doc.slice(start, end).split("\n").filter((l) => l.startsWith("| `"));
    };
    const rowFor = (rows: string[], name: string) => rows.find((l) => l.split("|")[1].includes(`\`${name}\``) || l.split("|")[1].includes(`\`${name.split(".").pop()}\``));

    it("has a row with a status for every item of the seed's tuning section (性能调优, parts 1-3)", () => {
        const items = ["CPU affinity", "huge pages", "NUMA", "target-cpu=native", "PostgreSQL settings", "partitioned `trades`", "TCP buffers and congestion control", "DPDK", "SR-IOV", "eBPF"];
        for (const item of items) {
            const row = seedRows.find((r) => r.includes(item));
            expect(row, item).to.not.equal(undefined);
            expect(row!.split("|")[2].trim(), item).to.match(/^(built|not built|belongs to)/);
        }
        expect(seedRows).to.have.length(items.length);
    });

    it("names every node sysctl with its value for each group, and the container open-file limit", () => {
        for (const role of ["general", "executor"] as const) {
            for (const [name, s] of Object.entries(nodeSysctls(role))) {
                const row = rowFor(rowsOf("Kernel and TCP tuning on the nodes"), name);
                expect(row, name).to.not.equal(undefined);
                expect(row!, `${role} ${name}`).to.contain(`\`${s.value}\``);
            }
        }
        expect(doc).to.contain(`soft ${CONTAINER_NOFILE.soft}, hard ${CONTAINER_NOFILE.hard}`);
    });

    it("names every pod sysctl with its value, and the idle timeouts of the WebSocket path", () => {
        for (const s of [...websocketSysctls(), ...executorSysctls()]) {
            const row = rowFor(rowsOf("Per-pod settings inside Pod Security restricted"), s.name);
            expect(row, s.name).to.not.equal(undefined);
            expect(row!, s.name).to.contain(`\`${s.value}\``);
        }
        expect(doc).to.contain(`ping every **${WEBSOCKET_PING_INTERVAL_SECONDS} s**`);
        for (const t of [IDLE_TIMEOUTS.nlb, IDLE_TIMEOUTS.gateway, IDLE_TIMEOUTS.natGateway]) expect(doc).to.contain(`| ${t} s`);
    });

    it("says which CPU the executor image must be built for, matching the default node group", () => {
        const cluster = (profileDefaults("production") as { cluster: { executorNodes: { instanceType: string; cpuTarget: string } } }).cluster;
        expect(doc).to.contain(`RUSTFLAGS="-C target-cpu=${cluster.executorNodes.cpuTarget}"`);
        expect(doc).to.contain(`the default \`${cluster.executorNodes.instanceType}\``).and.contain(`**\`${cluster.executorNodes.cpuTarget}\`**`);
        expect(doc).to.contain('lto = "fat"');
    });

    it("was checked against the kernels of exactly the Kubernetes versions the program accepts (1.32-1.35)", () => {
        // The node table's "kernel default" values are those of the EKS AL2023 AMIs' Linux 6.1/6.12 for these
        // versions; later AMIs run newer kernels with larger defaults. Widening the range means re-checking the table.
        const accepts = (v: string) => clusterSchema.shape.kubernetesVersion.safeParse(v).success;
        expect(["1.32", "1.33", "1.34", "1.35"].filter(accepts)).to.have.length(4);
        expect(["1.31", "1.36", "1.37"].filter(accepts), "re-check docs/performance-tuning.md's kernel defaults first").to.deep.equal([]);
        expect(doc).to.contain("Linux 6.1 (Kubernetes 1.32) and 6.12 (1.33 to 1.35)");
    });

    it("the deviations list (docs/deviations.md) links to it", () => {
        const deviations = read("docs/deviations.md");
        const row = deviations.split("\n").find((l) => l.includes("](performance-tuning.md)"));
        expect(row).to.not.equal(undefined);
        // The list itself names the CPU the executor image must be built for.
        const cpu = (profileDefaults("production") as { cluster: { executorNodes: { cpuTarget: string } } }).cluster.executorNodes.cpuTarget;
        expect(row!).to.contain(`\`${cpu}\``);
    });
});
