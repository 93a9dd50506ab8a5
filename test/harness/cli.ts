// Runs the project's CLI scripts (plan, policy:check) as a user would, capturing exit code and output.
import { spawn } from "child_process";
import { REPO_ROOT, nodeArgsFor } from "../../repo-root";

const ROOT = REPO_ROOT;

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs a command (in the project root unless `cwd` says otherwise) and captures its exit code and output. */
export function runCommand(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
}

/**
 * `node scripts/<script> ...args` the way this process runs, as the npm scripts run it: the compiled bin/scripts/<script>.js
 * when the specs run compiled (`npm test`), through ts-node otherwise. `env` adds to the process's.
 */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    return runCommand(process.execPath, [...nodeArgsFor(`scripts/${script}`), ...args], {
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", ...env },
    });
}

const npmPlans = new Map<string, Promise<CliResult>>();

/**
 * `npm run --silent plan -- ...args`, exactly as the README gives it. A full plan costs a few seconds of
 * CPU, so each distinct command runs once per test process and specs share the result.
 */
export function npmPlan(args: string[]): Promise<CliResult> {
    const key = args.join("\u0000");
    let p = npmPlans.get(key);
    if (!p) {
        p = runCommand("npm", ["run", "--silent", "plan", "--", ...args]);
        npmPlans.set(key, p);
    }
    return p;
}
