// `npm test`: the unit suite of the whole workspace, on both cores. The npm script first builds the packages and
// the root program (`tsc -b components .`: incremental, and the root program's compile is its type-check), then
// runs this file's JavaScript, which runs two lanes side by side: (1) each package's own tests (npm test -w
// <package>, as their authors run them), (2) the DeepAlpha deployment's specs (test/, compiled, under the plan
// harness's mocks; test/mocharc.cjs). Prints each suite's output in that order once it has finished, then one closing
// line for all: "N passed, N failed". Exit 1 when anything failed.
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../repo-root";

const ROOT = REPO_ROOT;
const REPORTER = path.join(ROOT, "test", "reporter.js");
// node with the tools' own entry points: no npx start-up per suite.
const MOCHA = require.resolve("mocha/bin/mocha.js");
const NODE = process.execPath;

interface Suite {
    title: string;
    cmd: string;
    args: string[];
    cwd: string;
    env?: NodeJS.ProcessEnv;
    /** Counts tests (its last line is "N passed, N failed"); a type-check counts only when it fails. */
    counts: boolean;
}
interface Outcome {
    suite: Suite;
    code: number;
    output: string;
    seconds: number;
    passed: number;
    failed: number;
}

function runSuite(suite: Suite): Promise<Outcome> {
    const started = Date.now();
    return new Promise((resolve) => {
        const child = spawn(suite.cmd, suite.args, { cwd: suite.cwd, env: { ...process.env, ...suite.env }, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr.on("data", (d: Buffer) => (output += d.toString()));
        child.on("error", (e) => (output += `${e.message}\n`));
        child.on("close", (code) => {
            const m = /^(\d+) passed, (\d+) failed/m.exec(output.split("\n").filter((l) => l.trim()).slice(-1)[0] ?? "");
            const passed = m ? Number(m[1]) : 0;
            // A suite that died before its closing line counts as one failure, whatever it printed.
            const failed = m ? Number(m[2]) + (code === 0 || Number(m[2]) > 0 ? 0 : 1) : code === 0 && !suite.counts ? 0 : 1;
            resolve({ suite, code: code ?? 1, output, seconds: (Date.now() - started) / 1000, passed, failed });
        });
    });
}

/** The workspace packages with a test script, in the workspace's order. */
function packageSuites(): Suite[] {
    const root = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { workspaces: string[] };
    return root.workspaces.flatMap((ws) => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, ws, "package.json"), "utf8")) as { name: string; scripts?: Record<string, string> };
        if (!pkg.scripts?.test) return [];
        return [{ title: `${pkg.name} (its own suite, as npm test -w ${pkg.name} runs it)`, cmd: NODE, args: [MOCHA, "--reporter", REPORTER], cwd: path.join(ROOT, ws), env: { TS_NODE_TRANSPILE_ONLY: "true" }, counts: true }];
    });
}

async function lane(suites: Suite[]): Promise<Outcome[]> {
    const out: Outcome[] = [];
    for (const s of suites) out.push(await runSuite(s));
    return out;
}

async function main(): Promise<number> {
    const [first, second] = await Promise.all([
        lane(packageSuites()),
        lane([{ title: "deployment specs (test/)", cmd: NODE, args: [MOCHA, "--config", path.join(ROOT, "test", "mocharc.cjs")], cwd: ROOT, counts: true }]),
    ]);
    const all = [...first, ...second];
    for (const o of all) {
        process.stdout.write(`\n=== ${o.suite.title}: ${o.code === 0 ? "ok" : `FAILED (exit ${o.code})`}, ${o.seconds.toFixed(1)} s\n`);
        if (o.suite.counts || o.code !== 0) process.stdout.write(o.output.replace(/\n+$/, "") + "\n");
    }
    const passed = all.reduce((s, o) => s + o.passed, 0);
    const failed = all.reduce((s, o) => s + o.failed, 0);
    process.stdout.write(`\n${all.filter((o) => o.suite.counts).map((o) => `${o.suite.title.split(" (")[0]}: ${o.passed}`).join(", ")}\n`);
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
    return failed ? 1 : 0;
}

main().then(
    (code) => process.exit(code),
    (e: unknown) => {
        process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
        process.stdout.write("0 passed, 1 failed\n");
        process.exit(1);
    },
);
