// Command-line conventions shared by `npm run plan` and `npm run policy:check`, as users know them from the
// Pulumi CLI (cobra/pflag): `--stack dev`, `--stack=dev`, `-s dev` and `-s=dev` are the same; `--help`/`-h`
// prints the usage and exits 0; a usage error exits 2 and any other failure 1; an option given twice is an
// error rather than a silent last-one-wins. Relative paths are resolved from the directory the user ran the
// command in: npm runs a script from the package root and passes that directory as INIT_CWD.
import * as path from "path";

/** A wrong command line: printed with the usage, exit 2. */
export class UsageError extends Error {}

/** Thrown by parse for --help/-h: print the usage on stdout and exit 0. */
export class HelpRequested extends Error {}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface OptionSpec {
    /** Long name without dashes, e.g. "stack". */
    name: string;
    /** One-letter short name, e.g. "s". */
    short?: string;
    /** true: takes a value; false: a boolean flag. */
    value: boolean;
}

export interface Parsed {
    options: Map<string, string | true>;
    positionals: string[];
}

export function parse(argv: string[], specs: OptionSpec[]): Parsed {
    const options = new Map<string, string | true>();
    const positionals: string[] = [];
    const byLong = new Map(specs.map((s) => [s.name, s]));
    const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
    let endOfOptions = false;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (endOfOptions || a === "-" || !a.startsWith("-")) {
            positionals.push(a);
            continue;
        }
        if (a === "--") {
            endOfOptions = true;
            continue;
        }
        if (a === "--help" || a === "-h") throw new HelpRequested();
        const long = a.startsWith("--");
        const body = a.slice(long ? 2 : 1);
        const eq = body.indexOf("=");
        const key = eq >= 0 ? body.slice(0, eq) : body;
        const spec = long ? byLong.get(key) : byShort.get(key);
        if (!spec) throw new UsageError(`unknown option ${JSON.stringify(long ? `--${key}` : `-${key}`)}`);
        const shown = long ? `--${spec.name}` : `-${spec.short}`;
        if (options.has(spec.name)) throw new UsageError(`--${spec.name} given more than once: give it once`);
        if (!spec.value) {
            if (eq >= 0) throw new UsageError(`${shown} takes no value`);
            options.set(spec.name, true);
            continue;
        }
        let v: string | undefined;
        if (eq >= 0) v = body.slice(eq + 1);
        else {
            v = argv[i + 1];
            if (v === undefined || (v.startsWith("-") && v !== "-")) throw new UsageError(`${shown} needs a value`);
            i++;
        }
        if (v === "") throw new UsageError(`${shown} needs a value`);
        options.set(spec.name, v);
    }
    return { options, positionals };
}

/** A path as the user typed it, resolved from the directory they ran the command in. */
export function resolveUserPath(p: string, env: NodeJS.ProcessEnv = process.env): string {
    return path.resolve(env.INIT_CWD || process.cwd(), p);
}

/**
 * The process exit for a CLI whose main() returns an exit code: waits for stdout to drain first
 * (process.exit() right after a large write to a pipe cuts the output off at the pipe's buffer size).
 */
export function exitWith(code: number): void {
    process.stdout.write("", () => process.exit(code));
}

/**
 * Runs a command's argument parser: `--help` prints the usage on stdout (exit 0); a usage error prints the
 * message, the usage line and a pointer to --help on stderr (exit 2). Anything else is the command's to handle.
 */
export function parseCommandLine<T>(parseArgs: () => T, usage: string): { args: T } | { exit: number } {
    try {
        return { args: parseArgs() };
    } catch (e) {
        if (e instanceof HelpRequested) {
            process.stdout.write(`${usage}\n`);
            return { exit: EXIT_OK };
        }
        if (e instanceof UsageError) {
            process.stderr.write(`error: ${e.message}\n${usage.split("\n")[0]}\nRun with --help for the options.\n`);
            return { exit: EXIT_USAGE };
        }
        throw e;
    }
}
