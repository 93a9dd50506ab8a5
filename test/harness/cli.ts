// Runs the project's CLI scripts (plan, policy:check) as a user would, capturing exit code and output.
import { spawn } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
}

export function runScript(script: string, args: string[]): Promise<CliResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["-r", "ts-node/register", path.join(ROOT, "scripts", script), ...args], {
            cwd: ROOT,
            env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
}
