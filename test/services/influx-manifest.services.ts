// The InfluxDB restore drill's manifest functions, run for real with the machine's sh, awk, sed, md5sum, diff and
// wc: the shell functions both the backup job and the drill embed (the plans' scripts contain them verbatim).
// influx_manifest_compare runs on manifest files. influx_manifest runs with the influx CLI replaced by a script that
// answers in InfluxDB 2's annotated CSV (CRLF lines, annotation rows, a header row) and logs the Flux it was given:
// that proves the shell side (bucket list, escaping, line format, end line), not the Flux, which needs an influxd
// (not in Debian's packages, not buildable offline: docs/real-servers.md).
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { influxManifestFunctions } from "@deepalpha/data";
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

/** An `influx` executable that logs each query and answers from files: buckets.csv, then data-<bucket>.csv / stats-<bucket>.csv. */
const FAKE_INFLUX = `#!/bin/sh
q=""; while [ $# -gt 0 ]; do case "$1" in --org) shift ;; --raw) ;; query) ;; *) q=$1 ;; esac; shift; done
printf '%s\\n----\\n' "$q" >> "$FAKE_DIR/queries.log"
case "$q" in
  *'r.name !~ /^_/'*) cat "$FAKE_DIR/buckets.csv" ;;
  *'yield(name: "data")'*) b=$(printf '%s' "$q" | sed -n 's/.*from(bucket: "\\(.*\\)") |> range.*/\\1/p' | head -n 1); cat "$FAKE_DIR/data-$b.csv" ;;
  *'yield(name: "values")'*) b=$(printf '%s' "$q" | sed -n 's/.*from(bucket: "\\(.*\\)") |> range.*/\\1/p' | head -n 1); cat "$FAKE_DIR/stats-$b.csv" ;;
  *) echo "unexpected query: $q" >&2; exit 2 ;;
esac
`;

const crlf = (lines: string[]) => lines.map((l) => `${l}\r\n`).join("");

describe("services: influx_manifest with the influx CLI replaced by a script (sh)", function () {
    let dir: string;
    const functions = influxManifestFunctions();

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "deepalpha-influx-fake-"));
        fs.mkdirSync(path.join(dir, "bin"));
        fs.writeFileSync(path.join(dir, "bin", "influx"), FAKE_INFLUX, { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "buckets.csv"), crlf(["#group,false,false,false", "#datatype,string,long,string", "#default,_result,,", ",result,table,name", ",,0,deepalpha", ",,0,prices 1m", ""]));
        for (const b of ["deepalpha", "prices 1m"]) {
            fs.writeFileSync(path.join(dir, `data-${b}.csv`), crlf(["#group,false,false,false,false,true,true,true", "#datatype,string,long,dateTime:RFC3339,double,string,string,string", "#default,data,,,,,,", ",result,table,_time,_value,_field,_measurement,symbol", ",,0,2026-11-30T01:00:00Z,97000.5,price,trades,BTCUSDT", ",,0,2026-11-30T01:05:00.5Z,97010,price,trades,BTCUSDT", ""]));
            fs.writeFileSync(path.join(dir, `stats-${b}.csv`), crlf(["#group,false,false,true,false", "#datatype,string,long,string,long", "#default,values,,,", ",result,table,_measurement,_value", ",,0,trades,2", "", "#group,false,false,true,false", "#datatype,string,long,string,long", "#default,newest,,,", ",result,table,_measurement,_value", ",,0,trades,1764464700500000000", ""]));
        }
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const manifest = (out: string, cutoff = "2026-11-30T01:50:00Z") =>
        spawnSync("sh", ["-c", `set -eu\n${functions}\ninflux_manifest deepalpha "$1" "$2"`, "sh", cutoff, path.join(dir, out)], {
            encoding: "utf8",
            env: { PATH: `${path.join(dir, "bin")}:/usr/bin:/bin`, FAKE_DIR: dir },
        });

    it("writes org, cutoff, per bucket the checksum and line count of the data CSV and the stats lines, and an end line that counts them", () => {
        const r = manifest("a.manifest");
        expect(r.status, r.stderr).to.equal(0);
        const lines = fs.readFileSync(path.join(dir, "a.manifest"), "utf8").split("\n");
        expect(lines.slice(0, 2)).to.deep.equal(["org\tdeepalpha", "cutoff\t2026-11-30T01:50:00Z"]);
        const data = fs.readFileSync(path.join(dir, "data-deepalpha.csv"));
        const md5 = spawnSync("md5sum", [], { input: data, encoding: "utf8" }).stdout.split(" ")[0];
        expect(lines[2]).to.equal(`bucket\tdeepalpha\t${md5}\t7`);
        expect(lines).to.include("stats\tdeepalpha\t,,0,trades,1764464700500000000").and.include("bucket\tprices 1m\t" + md5 + "\t7");
        expect(lines.some((l) => l.includes("\r"))).to.equal(false);
        expect(lines.at(-2)).to.equal(`end\t${lines.length - 2}`);
        expect(lines.at(-1)).to.equal("");
        // The Flux got the cutoff and the bucket names as string literals.
        const queries = fs.readFileSync(path.join(dir, "queries.log"), "utf8");
        expect(queries).to.include('stop = time(v: "2026-11-30T01:50:00Z")').and.include('from(bucket: "prices 1m")');
    });

    it("two runs over the same answers compare equal; a changed point does not", () => {
        expect(manifest("a.manifest").status).to.equal(0);
        expect(manifest("b.manifest").status).to.equal(0);
        const cmp = (x: string, y: string) => spawnSync("sh", ["-c", `set -eu\n${functions}\ninflux_manifest_compare "$1" "$2"`, "sh", path.join(dir, x), path.join(dir, y)], { encoding: "utf8" });
        expect(cmp("a.manifest", "b.manifest").status).to.equal(0);
        fs.writeFileSync(path.join(dir, "data-deepalpha.csv"), fs.readFileSync(path.join(dir, "data-deepalpha.csv"), "utf8").replace("97010", "97011"));
        expect(manifest("c.manifest").status).to.equal(0);
        const r = cmp("a.manifest", "c.manifest");
        expect(r.status).to.not.equal(0);
        expect(r.stderr).to.include("influx manifests differ").and.match(/> bucket\tdeepalpha\t[0-9a-f]{32}\t7/);
    });

    it("escapes backslash and quote in a bucket name for Flux, writes $ as \\x24, and refuses a name the CSV had to quote", () => {
        fs.writeFileSync(path.join(dir, "buckets.csv"), crlf(["#group,false,false,false", "#datatype,string,long,string", "#default,_result,,", ",result,table,name", ",,0,a$b\\c", ""]));
        fs.copyFileSync(path.join(dir, "data-deepalpha.csv"), path.join(dir, "data-a\\x24b\\\\c.csv"));
        fs.copyFileSync(path.join(dir, "stats-deepalpha.csv"), path.join(dir, "stats-a\\x24b\\\\c.csv"));
        const r = manifest("e.manifest");
        expect(r.status, r.stderr).to.equal(0);
        expect(fs.readFileSync(path.join(dir, "queries.log"), "utf8")).to.include('from(bucket: "a\\x24b\\\\c")');
        fs.writeFileSync(path.join(dir, "buckets.csv"), crlf(["#default,_result,,", ",result,table,name", ',,0,"x,y"', ""]));
        const quoted = manifest("q.manifest");
        expect(quoted.status).to.not.equal(0);
        expect(quoted.stderr).to.include("a bucket name with a comma or a quote is not supported");
    });

    it("fails when the CLI fails, and on a malformed cutoff, leaving no manifest", () => {
        fs.rmSync(path.join(dir, "stats-deepalpha.csv"));
        fs.writeFileSync(path.join(dir, "bin", "influx"), FAKE_INFLUX.replace("cat \"$FAKE_DIR/stats-$b.csv\"", "cat \"$FAKE_DIR/stats-$b.csv\" || exit 1"), { mode: 0o755 });
        const r = manifest("f.manifest");
        expect(r.status).to.not.equal(0);
        expect(fs.existsSync(path.join(dir, "f.manifest"))).to.equal(false);
        const bad = manifest("g.manifest", "yesterday");
        expect(bad.status).to.not.equal(0);
        expect(bad.stderr).to.include("the cutoff must be YYYY-MM-DDTHH:MM:SSZ, got 'yesterday'");
    });
});
