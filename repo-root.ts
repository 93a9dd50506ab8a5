// The repository's root folder, wherever this code runs from: the TypeScript sources (ts-node, the Pulumi CLI)
// or their compiled JavaScript under bin/ (`npm test`, `npm run plan` and the other scripts run that, see
// tsconfig.json). Every path to a source file, asset or fixture is built from REPO_ROOT, never from
// __dirname, so the same code reads the same files from both places and nothing is copied into bin/.
import * as fs from "fs";
import * as path from "path";

/** The nearest folder at or above `from` that holds Pulumi.yaml. */
export function findRepoRoot(from: string): string {
    for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
        if (path.dirname(dir) === dir) throw new Error(`no Pulumi.yaml in ${from} or any folder above it: cannot find the repository root`);
    }
}

export const REPO_ROOT = findRepoRoot(__dirname);

/** Where tsc writes the root program's JavaScript (tsconfig.json's outDir). */
export const BUILD_DIR = path.join(REPO_ROOT, "bin");

/** True when this process runs the compiled JavaScript, false under ts-node. */
export const COMPILED = path.extname(__filename) === ".js";

/** A path in the repository's source tree. */
export function fromRoot(...segments: string[]): string {
    return path.join(REPO_ROOT, ...segments);
}

/**
 * `node` arguments that run a root TypeScript file (given relative to the root, e.g. "scripts/plan.ts") the way
 * this process runs: its compiled JavaScript under bin/ when compiled, through ts-node otherwise.
 */
export function nodeArgsFor(file: string): string[] {
    return COMPILED ? [path.join(BUILD_DIR, file.replace(/\.ts$/, ".js"))] : ["-r", "ts-node/register", fromRoot(file)];
}
