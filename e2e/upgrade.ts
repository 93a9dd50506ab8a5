// The e2e upgrade step's machinery (docs/e2e.md): the previous release (e2e/previous-release.ts) materialized
// from this repository's own git history, installed from its own lockfile, and its `pulumi up` of the e2e stack
// run in a child process with its own node_modules (e2e/previous-release-runner.ts).
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import type { RunnerInput, RunnerResult } from "./previous-release-runner";
import { fromRoot } from "../repo-root";

function git(repo: string, ...args: string[]): string {
    return execFileSync("git", ["-C", repo, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/**
 * Writes the tree of `commit` (no .git, no worktree) into `dest` with `git archive`. Fails, saying how to get
 * it, when the commit is not in the clone (a shallow clone, say). Returns the commit's subject line.
 */
export function materializeRelease(repo: string, commit: string, dest: string): string {
    try {
        git(repo, "cat-file", "-e", `${commit}^{commit}`);
    } catch {
        let shallow = false;
        try {
            shallow = git(repo, "rev-parse", "--is-shallow-repository") === "true";
        } catch {
            // not a git repository at all: the message below still says what is missing
        }
        throw new Error(
            `the previous release ${commit} (e2e/previous-release.ts) is not in this clone${shallow ? " (a shallow clone)" : ""}: ` +
                `fetch it with ${shallow ? "`git fetch --unshallow` (or `git fetch origin " + commit + "`)" : "`git fetch origin " + commit + "`"} and run again`,
        );
    }
    fs.mkdirSync(dest, { recursive: true });
    const tar = `${dest}.tar`;
    git(repo, "archive", "--format=tar", `--output=${tar}`, commit);
    execFileSync("tar", ["-xf", tar, "-C", dest], { stdio: ["ignore", "ignore", "pipe"] });
    fs.rmSync(tar);
    return git(repo, "log", "-1", "--format=%s", commit);
}

/** `npm ci` in the release's tree: its own lockfile, from the registry. Output goes to `logFile`. */
export function installRelease(tree: string, logFile: string): void {
    // `npm run e2e` exports this checkout's package and prefix to its children; the release's npm must not see them.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_config_local_prefix|npm_package_|npm_lifecycle_|INIT_CWD$)/.test(k)));
    const fd = fs.openSync(logFile, "a");
    try {
        execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: tree, env, stdio: ["ignore", fd, fd] });
    } catch (e) {
        const tail = fs.readFileSync(logFile, "utf8").trim().split("\n").slice(-15).join("\n  ");
        throw new Error(`npm ci of the previous release failed (${e instanceof Error ? e.message.split("\n")[0] : String(e)}); ${logFile} ends:\n  ${tail}`);
    }
}

/** The release's ts-node (which compiles its index.ts in the child), or a clear error when it has none. */
function releaseTsNode(tree: string): string {
    const fromTree = createRequire(path.join(tree, "package.json"));
    try {
        return fromTree.resolve("ts-node/register");
    } catch {
        throw new Error(`the previous release in ${tree} has no ts-node among its packages: e2e/previous-release-runner.ts needs it to load its index.ts`);
    }
}

/**
 * `pulumi up` of the e2e stack with the release's program, in a child process whose requires resolve from the
 * release's tree. Engine output goes to `log`; resolves with the engine's summary and the state's URNs.
 */
export async function upRelease(
    input: Omit<RunnerInput, "resultFile">,
    work: string,
    log: NodeJS.WritableStream,
): Promise<RunnerResult> {
    const inputFile = path.join(work, "previous-release-input.json");
    const resultFile = path.join(work, "previous-release-result.json");
    fs.writeFileSync(inputFile, JSON.stringify({ ...input, resultFile } satisfies RunnerInput));
    const child = spawn(process.execPath, ["-r", releaseTsNode(input.tree), fromRoot("e2e", "previous-release-runner.ts"), inputFile], {
        cwd: input.tree,
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", TS_NODE_PROJECT: path.join(input.tree, "tsconfig.json") },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => log.write(d));
    child.stderr.on("data", (d: Buffer) => {
        log.write(d);
        stderr = (stderr + d.toString()).slice(-8000);
    });
    const code = await new Promise<number | null>((resolve, reject) => {
        child.on("error", reject);
        child.on("close", resolve);
    });
    if (code !== 0 || !fs.existsSync(resultFile)) {
        const tail = stderr.trim().split("\n").slice(-12).join("\n  ");
        throw new Error(`the previous release's pulumi up failed (exit ${code}):\n  ${tail}`);
    }
    return JSON.parse(fs.readFileSync(resultFile, "utf8")) as RunnerResult;
}
