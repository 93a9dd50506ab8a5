// The CLI conventions of `npm run plan` and `npm run policy:check`, as users know them from the Pulumi
// CLI: --help/-h exits 0, usage errors exit 2 and other failures 1, `--stack=dev` and `-s dev` work, an
// option given twice is an error, an unknown stack names the known ones, and a relative path is read from
// the directory the user ran npm in (npm runs scripts from the package root and passes INIT_CWD).
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { HelpRequested, UsageError, parse } from "../scripts/cli";
import { parseArgs as planArgs } from "../scripts/plan";
import { parseArgs as checkArgs } from "../scripts/policy-check";
import { runCommand, runScript } from "./harness/cli";
import { REPO_ROOT } from "../repo-root";

const ROOT = REPO_ROOT;

const script = (name: string, args: string[], env: NodeJS.ProcessEnv = {}) => runScript(name, args, env);
const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
    runCommand(cmd, args, { cwd, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", ...env } });

describe("CLI conventions (plan, policy:check): parsing", () => {
    it("--stack=dev, --stack dev, -s dev and -s=dev are the same; flags stay flags", () => {
        for (const argv of [["--stack=dev"], ["--stack", "dev"], ["-s", "dev"], ["-s=dev"]]) {
            expect(planArgs([...argv, "--json"]), argv.join(" ")).to.deep.include({ stack: "dev", json: true, strict: false });
            expect(checkArgs(["f.json", ...argv], { INIT_CWD: "/x" }), argv.join(" ")).to.deep.include({ stack: "dev", json: false, file: "/x/f.json" });
        }
    });
    it("--help and -h ask for the usage wherever they stand", () => {
        for (const argv of [["--help"], ["-h"], ["--stack", "prod", "-h"], ["--bogus", "--help"].reverse()]) {
            expect(() => planArgs(argv), argv.join(" ")).to.throw(HelpRequested);
        }
    });
    it("refuses a repeated option, a missing value, a value on a flag and an unknown option", () => {
        const cases: [string[], RegExp][] = [
            [["--stack", "dev", "--stack", "prod"], /--stack given more than once/],
            [["-s", "dev", "--stack=dev"], /--stack given more than once/],
            [["--json", "--stack", "dev", "--json"], /--json given more than once/],
            [["--stack"], /--stack needs a value/],
            [["--stack", "--json"], /--stack needs a value/],
            [["--stack="], /--stack needs a value/],
            [["--stack", "dev", "--json=yes"], /--json takes no value/],
            [["--stack", "dev", "--jsno"], /unknown option "--jsno"/],
            [["--stack", "dev", "-x"], /unknown option "-x"/],
            [["--stack", "dev", "extra"], /unexpected argument "extra"/],
            [[], /--stack is required/],
        ];
        for (const [argv, msg] of cases) expect(() => planArgs(argv), argv.join(" ")).to.throw(UsageError, msg);
        expect(() => checkArgs(["a.json", "b.json"])).to.throw(UsageError, /one FILE only, got "a\.json" and "b\.json"/);
        expect(() => checkArgs([])).to.throw(UsageError, /FILE is required/);
    });
    it("an unknown stack names the known ones", () => {
        expect(() => planArgs(["--stack", "staging"])).to.throw(UsageError, /--stack "staging": no Pulumi\.staging\.yaml, so no such stack \(known stacks: dev, prod\)/);
        expect(() => checkArgs(["f.json", "-s", "qa"])).to.throw(UsageError, /--stack "qa": no policy config for it \(known stacks: dev, prod/);
        // A stack with no file of its own is fine when its configuration is given.
        expect(planArgs(["--stack", "staging", "--config-file", "s.yaml"], { INIT_CWD: "/home/me" })).to.deep.include({ stack: "staging", configFile: "/home/me/s.yaml" });
    });
    it("a relative path resolves from INIT_CWD (where npm was run), an absolute one stays", () => {
        expect(checkArgs(["../p.json"], { INIT_CWD: "/home/me/work" }).file).to.equal("/home/me/p.json");
        expect(checkArgs(["/tmp/p.json"], { INIT_CWD: "/home/me" }).file).to.equal("/tmp/p.json");
        expect(checkArgs(["p.json"], {}).file).to.equal(path.resolve(process.cwd(), "p.json"));
        expect(planArgs(["-s", "prod", "--config-file=c.yaml"], { INIT_CWD: "/srv" }).configFile).to.equal("/srv/c.yaml");
    });
    it("-- ends the options: a FILE may start with a dash", () => {
        expect(parse(["--", "-odd.json"], []).positionals).to.deep.equal(["-odd.json"]);
    });
});

describe("CLI conventions (plan, policy:check): exit codes and output", function () {
    this.timeout(60000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-spec-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.writeFileSync(path.join(dir, "bad.yaml"), "config:\n  deepalpha:profile: qa\n");
    const urn = "urn:pulumi:dev::deepalpha::kubernetes:core/v1:ConfigMap::c";
    fs.writeFileSync(path.join(dir, "doc.json"), JSON.stringify({ steps: [{ op: "create", urn, newState: { urn, type: "kubernetes:core/v1:ConfigMap", inputs: { metadata: { name: "c", namespace: "deepalpha" } } } }] }));
    // npm run from a subdirectory: npm runs the script from the package root and sets INIT_CWD to the
    // subdirectory, so a path relative to the subdirectory must be found.
    const sub = path.join(ROOT, "docs");
    const rel = path.relative(sub, path.join(dir, "doc.json"));
    // Spawned together when mocha loads this file; each test awaits its own.
    const runs = {
        planHelp: script("plan.ts", ["--help"]),
        checkHelp: script("policy-check.ts", ["-h"]),
        planTwice: script("plan.ts", ["--stack", "dev", "--stack", "prod"]),
        planBadConfig: script("plan.ts", ["--stack=dev", "--config-file", "bad.yaml"], { INIT_CWD: dir }),
        checkMissing: script("policy-check.ts", ["nope.json", "-s", "dev"], { INIT_CWD: dir }),
        checkViaNpm: run("npm", ["run", "--silent", "policy:check", "--", rel, "--stack=dev", "--json"], sub, { INIT_CWD: "" }),
    };
    for (const r of Object.values(runs)) r.catch(() => undefined);

    for (const [name, usage, help] of [
        ["plan.ts --help", /^usage: npm run plan -- --stack/, [runs.planHelp]],
        ["policy-check.ts -h", /^usage: npm run --silent policy:check -- FILE/, [runs.checkHelp]],
    ] as const) {
        it(`${name}: prints the usage on stdout and exits 0`, async () => {
            for (const p of help) {
                const r = await p;
                expect(r.code, r.stderr).to.equal(0);
                expect(r.stdout).to.match(usage);
                expect(r.stdout).to.match(/-s, --stack/);
                expect(r.stdout).to.match(/Exit status: 0 .*, 1 .*, 2 a usage error/);
                expect(r.stderr).to.equal("");
            }
        });
    }

    it("plan: a usage error exits 2 with the message and the usage line on stderr, nothing on stdout", async () => {
        const r = await runs.planTwice;
        expect(r.code).to.equal(2);
        expect(r.stdout).to.equal("");
        expect(r.stderr).to.equal("error: --stack given more than once: give it once\nusage: npm run plan -- --stack <dev|prod> [--json] [--config-file PATH] [--strict] [--timeline]\nRun with --help for the options.\n");
    });

    it("plan: a configuration failure (not a usage error) exits 1; --config-file relative to INIT_CWD", async () => {
        const r = await runs.planBadConfig;
        expect(r.code, r.stderr).to.equal(1);
        expect(r.stderr).to.match(/deepalpha:profile: got "qa"/);
    });

    it("policy:check: an unreadable file exits 1, and FILE is read from INIT_CWD through npm itself", async () => {
        const missing = await runs.checkMissing;
        expect(missing.code).to.equal(1);
        expect(missing.stderr).to.equal(`error: cannot read nope.json (${path.join(dir, "nope.json")}): no such file\n`);
        const viaNpm = await runs.checkViaNpm;
        expect(viaNpm.code, viaNpm.stderr).to.equal(0);
        expect(JSON.parse(viaNpm.stdout)).to.deep.include({ file: rel, stack: "dev" });
    });
});
