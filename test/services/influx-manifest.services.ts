// The InfluxDB restore drill's comparison, run for real with the machine's sh, awk, diff and wc: the shell
// function both the backup job and the drill embed (taken from the plan's scripts), on manifest files. influxd and
// the influx CLI are not in Debian's packages, so what the functions query is proven only as far as the plan shows
// it (test/data.spec.ts) and shellcheck reads it (shell.services.ts).
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { influxManifestFunctions } from "../../components/data/influx-manifest";
import { container, kubernetesObject, plan } from "./planned";

const MANIFEST = [
    "org\tdeepalpha",
    "cutoff\t2026-11-30T01:20:00Z",
    "bucket\tdeepalpha\t3f2a9c0d1b7e4f5a6b8c9d0e1f2a3b4c\t40213",
    "stats\tdeepalpha\t#group,false,false,true,false",
    "stats\tdeepalpha\t,result,table,_measurement,_value",
    "stats\tdeepalpha\t,values,0,trades,40190",
    "stats\tdeepalpha\t,newest,0,trades,1764465540000000000",
];
const withEnd = (lines: string[]) => [...lines, `end\t${lines.length}`].join("\n") + "\n";

describe("services: InfluxDB drill manifest comparison (sh)", function () {
    let dir: string;
    let functions: string;

    before(async () => {
        functions = influxManifestFunctions();
        // The very text both Jobs run.
        for (const stack of ["dev", "prod"] as const) {
            const doc = await plan(stack);
            expect(container(kubernetesObject(doc, "CronJob", "influxdb-backup"), "influx-backup").command[2], `${stack} backup`).to.include(functions);
            expect(container(kubernetesObject(doc, "CronJob", "restore-drill"), "influxdb-restore-and-compare").command[2], `${stack} drill`).to.include(functions);
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "deepalpha-influx-manifest-"));
    });
    after(() => {
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const compare = (backup: string | undefined, restored: string | undefined) => {
        const b = path.join(dir, "backup.manifest");
        const r = path.join(dir, "restored.manifest");
        fs.rmSync(b, { force: true });
        fs.rmSync(r, { force: true });
        if (backup !== undefined) fs.writeFileSync(b, backup);
        if (restored !== undefined) fs.writeFileSync(r, restored);
        return spawnSync("sh", ["-c", `set -eu\n${functions}\ninflux_manifest_compare "$1" "$2"`, "sh", b, r], { encoding: "utf8" });
    };

    it("equal manifests pass", () => {
        const r = compare(withEnd(MANIFEST), withEnd(MANIFEST));
        expect(r.status, r.stderr).to.equal(0);
    });

    it("a different checksum, count or newest time fails and shows the line", () => {
        for (const [i, from, to] of [[2, "3f2a", "0f2a"], [5, "40190", "40189"], [6, "1764465540000000000", "1764465480000000000"]] as const) {
            const changed = [...MANIFEST];
            changed[i] = changed[i].replace(from, to);
            const r = compare(withEnd(MANIFEST), withEnd(changed));
            expect(r.status, `line ${i}`).to.not.equal(0);
            expect(r.stderr).to.include("influx manifests differ").and.include(changed[i]);
        }
    });

    it("a bucket missing from the restored copy fails", () => {
        const r = compare(withEnd(MANIFEST), withEnd(MANIFEST.filter((l) => !l.includes("\tdeepalpha\t"))));
        expect(r.status).to.not.equal(0);
        expect(r.stderr).to.include("influx manifests differ");
    });

    it("a manifest cut short, without its end line, empty or missing fails", () => {
        const whole = withEnd(MANIFEST);
        const cut = whole.split("\n").slice(0, 4).join("\n") + "\n";
        for (const [backup, restored, message] of [
            [cut, cut, "is cut short"],
            [whole, MANIFEST.join("\n") + "\n", "is cut short"],
            [whole, "", "is missing or empty"],
            [undefined, whole, "is missing or empty"],
        ] as const) {
            const r = compare(backup, restored);
            expect(r.status, message).to.not.equal(0);
            expect(r.stderr).to.include(message);
        }
    });

    it("a manifest that lists no bucket fails even when both agree", () => {
        const empty = withEnd(MANIFEST.slice(0, 2));
        const r = compare(empty, empty);
        expect(r.status).to.not.equal(0);
        expect(r.stderr).to.include("lists no bucket");
    });
});
