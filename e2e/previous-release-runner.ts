// The child process of the e2e upgrade step (e2e/upgrade.ts): `pulumi up` of the dev stack with a previous
// release's own program and its own packages. Started as
//   node -r <release>/node_modules/ts-node/register e2e/previous-release-runner.ts <input.json>
// so the release's ts-node compiles its TypeScript, and every require below resolves from the release's tree
// (module.createRequire): its @pulumi/pulumi serves the inline program, as today's serves index.ts in
// e2e/run.ts. One process, one @pulumi/pulumi: the SDK's runtime state is per module instance.
//
// Only type imports from this repository: the types are the current SDK's, the code is the release's.
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import type * as automation from "@pulumi/pulumi/automation";

export interface RunnerInput {
    /** The release's materialized tree, installed (node_modules). */
    tree: string;
    /** The project folder of the e2e run (Pulumi.yaml and the e2e stack file). */
    workDir: string;
    stackName: string;
    projectName: string;
    envVars: Record<string, string>;
    /** Where the runner writes its RunnerResult. */
    resultFile: string;
}

export interface RunnerResult {
    /** The @pulumi/pulumi that served the program: its version and the folder it was loaded from. */
    pulumiSdk: string;
    pulumiSdkDir: string;
    result: string;
    resourceChanges: Record<string, number>;
    urns: string[];
}

async function main(): Promise<void> {
    const input = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as RunnerInput;
    const fromTree = createRequire(path.join(input.tree, "package.json"));
    const { LocalWorkspace, PulumiCommand } = fromTree("@pulumi/pulumi/automation") as typeof automation;
    const sdkManifest = fromTree.resolve("@pulumi/pulumi/package.json");
    const sdk = (fromTree(sdkManifest) as { version: string }).version;
    const pulumiCommand = await PulumiCommand.get();
    // The release's entry point (`export =` a function; `default` too, should a release move to ES modules),
    // loaded only now, as e2e/run.ts loads index.ts.
    const entry = fromTree(path.join(input.tree, "index.ts")) as (() => unknown) | { default: () => unknown };
    const program = typeof entry === "function" ? entry : entry.default;
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: input.stackName, projectName: input.projectName, program: async () => (await program()) as Record<string, unknown> },
        { workDir: input.workDir, envVars: input.envVars, pulumiCommand },
    );
    const r = await stack.up({ onOutput: (s) => process.stdout.write(s), color: "never" });
    const exported = await stack.exportStack();
    const urns = ((exported.deployment.resources ?? []) as { urn: string }[]).map((x) => x.urn);
    const out: RunnerResult = { pulumiSdk: sdk, pulumiSdkDir: path.dirname(sdkManifest), result: r.summary.result, resourceChanges: (r.summary.resourceChanges ?? {}) as Record<string, number>, urns };
    fs.writeFileSync(input.resultFile, JSON.stringify(out));
}

main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 1;
});
