// Every shell script the program embeds (`sh -c` / `bash -c` in a container's command, args or exec probe),
// from both plans, checked with `shellcheck -S warning` in the dialect of the image that runs it: the AWS CLI
// image's /bin/sh is bash (Amazon Linux); the Alpine images' is BusyBox ash, checked as POSIX sh.
import { expect } from "chai";
import { spawnSync } from "child_process";
import type { Context } from "mocha";
import { plan, type Obj } from "./planned";
import { ensureTools } from "./tools";

interface Script {
    where: string;
    image: string;
    text: string;
}

function scriptsOf(inputs: unknown, where: string): Script[] {
    const out: Script[] = [];
    const walk = (o: unknown, image: string) => {
        if (Array.isArray(o)) {
            for (let i = 0; i + 2 < o.length; i++) {
                if (typeof o[i] === "string" && /^(\/bin\/)?(sh|bash|ash)$/.test(o[i]) && o[i + 1] === "-c" && typeof o[i + 2] === "string") {
                    out.push({ where, image, text: o[i + 2] });
                }
            }
            for (const x of o) walk(x, image);
        } else if (o && typeof o === "object") {
            const own = typeof (o as Obj).image === "string" ? (o as Obj).image : image;
            for (const v of Object.values(o)) walk(v, own);
        }
    };
    walk(inputs, "");
    return out;
}

export const dialectOf = (image: string): "bash" | "sh" => (/(^|\/)aws-cli:/.test(image) ? "bash" : "sh");

describe("services: embedded shell scripts (shellcheck)", function () {
    const scripts: Script[] = [];

    before(async function (this: Context) {
        const tools = ensureTools();
        if (!tools.shellcheck.found) {
            console.log(`    skipped: ${tools.shellcheck.skipReason}`);
            this.skip();
        }
        for (const stack of ["dev", "prod"] as const) {
            for (const s of (await plan(stack)).steps) scripts.push(...scriptsOf(s.newState.inputs, `${stack} ${s.urn.split("::").pop()}`));
        }
    });

    it("finds the scripts of the backup, restore drill, bucket, token and probe containers in the plans", () => {
        const where = new Set(scripts.map((s) => s.where));
        for (const w of ["dev data-postgres-backup", "dev data-influxdb-backup", "dev data-buckets", "dev data-redis", "dev data-restore-drill", "prod data-postgres-backup", "prod data-influxdb-app-token", "prod data-restore-drill"]) {
            expect([...where], w).to.include(w);
        }
        for (const s of scripts) expect(s.image, s.where).to.not.equal("");
    });

    it("shellcheck -S warning finds nothing in any of them", () => {
        const problems: string[] = [];
        for (const s of scripts) {
            const r = spawnSync("shellcheck", ["-S", "warning", "-s", dialectOf(s.image), "-f", "gcc", "-"], { input: s.text, encoding: "utf8" });
            if (r.status !== 0) problems.push(`${s.where} (${s.image}, ${dialectOf(s.image)}):\n${r.stdout}${r.stderr}`);
        }
        expect(problems, problems.join("\n")).to.deep.equal([]);
    });

    it("a bash script with a pipeline sets pipefail, so a failing curl is not hidden by the grep after it", () => {
        for (const s of scripts.filter((x) => dialectOf(x.image) === "bash" && /[^|]\|[^|]/.test(x.text))) {
            expect(s.text, s.where).to.match(/^set -[a-z]*o pipefail|^set -o pipefail/m);
        }
    });

    it("shellcheck itself catches a broken script (the check can fail)", () => {
        const r = spawnSync("shellcheck", ["-S", "warning", "-s", "sh", "-"], { input: 'set -eu\nfor f in $(ls /tmp/*.dump); do rm $f; done\n[ $x == 1 ]\n', encoding: "utf8" });
        expect(r.status).to.not.equal(0);
    });
});
