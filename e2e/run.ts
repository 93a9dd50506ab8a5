// `npm run e2e`: the dev stack in the real Pulumi engine, against a real Kubernetes control plane.
//
// Builds (or takes from the cache) the toolchain, starts the control plane (e2e/cluster.sh), then, with a
// local file backend and the providers from the cache: `pulumi up` of the dev stack with the previous release's
// program (e2e/previous-release.ts, from this repository's git history, in a child process with its own
// packages), then `pulumi up` of today's program over that state, which must replace and delete nothing and
// leave every aliased resource under its new URN; checks that every Kubernetes object of the offline plan
// exists as planned and that the engine's URNs are the plan's,
// `pulumi preview --expect-no-changes`, a preview through the real policy analyzer compared with the offline
// evaluator, and `pulumi destroy`. Prints each step with its time and ends with one summary line.
//
// The program runs through the Automation API's inline program host (its in-process language runtime): the
// nodejs language host binary is not served by the Go module proxy (docs/e2e.md). Everything else is the
// real CLI, engine, providers and API server, and the program is index.ts's exported function.
import { execFileSync, spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, type EngineEvent, type Stack } from "@pulumi/pulumi/automation";
import { E2E_OVERRIDES, KUBE_CONTEXT, aliasMoves, coverage, diffLiveObject, e2eStackFile, liveKey, planObjects, upgradeChanges } from "./lib";
import { PREVIOUS_RELEASE } from "./previous-release";
import { installRelease, materializeRelease, upRelease } from "./upgrade";
import { REPO_ROOT, nodeArgsFor } from "../repo-root";

const ROOT = REPO_ROOT;
const STACK = "dev";
const PASSPHRASE = "deepalpha-e2e-throwaway";

interface StepResult { name: string; seconds: number; ok: boolean; detail: string }
const results: StepResult[] = [];

async function step<T>(name: string, fn: () => Promise<{ value: T; detail: string }>): Promise<T> {
    const started = Date.now();
    process.stdout.write(`[e2e] ${name} ...\n`);
    try {
        const { value, detail } = await fn();
        const seconds = (Date.now() - started) / 1000;
        results.push({ name, seconds, ok: true, detail });
        process.stdout.write(`[e2e] ok   ${name} (${seconds.toFixed(1)} s): ${detail}\n`);
        return value;
    } catch (e) {
        const seconds = (Date.now() - started) / 1000;
        const detail = e instanceof Error ? e.message : String(e);
        results.push({ name, seconds, ok: false, detail });
        process.stdout.write(`[e2e] FAIL ${name} (${seconds.toFixed(1)} s): ${detail}\n`);
        throw e;
    }
}

function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
    return execFileSync(cmd, args, { cwd: ROOT, env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 256 * 1024 * 1024 });
}

async function main(): Promise<void> {
    const keepCluster = process.argv.includes("--keep-cluster");
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "deepalpha-e2e-"));
    const log = fs.createWriteStream(path.join(work, "pulumi.log"));
    process.stdout.write(`[e2e] work folder ${work} (engine output in pulumi.log)\n`);

    const bin = await step("toolchain", async () => {
        const out = sh("bash", ["e2e/toolchain/build.sh"]).trim().split("\n").pop()!;
        return { value: out, detail: out };
    });
    const kubeconfig = await step("control plane up", async () => {
        const out = sh("bash", ["e2e/cluster.sh", "up"]).trim().split("\n").pop()!;
        const version = sh(path.join(bin, "kubectl"), ["--kubeconfig", out, "--context", KUBE_CONTEXT, "version", "-o", "json"]);
        return { value: out, detail: `Kubernetes ${JSON.parse(version).serverVersion.gitVersion}, kubeconfig ${out}` };
    });
    const kubectl = (...args: string[]) => sh(path.join(bin, "kubectl"), ["--kubeconfig", kubeconfig, "--context", KUBE_CONTEXT, ...args]);

    // cert-manager is "preinstalled" in the e2e stack: its controller runs as a process beside the control plane.
    const certManager: ChildProcess = spawn(path.join(bin, "cert-manager-controller"), ["--kubeconfig", kubeconfig], {
        stdio: ["ignore", fs.openSync(path.join(work, "cert-manager.log"), "a"), fs.openSync(path.join(work, "cert-manager.log"), "a")],
    });

    // The committed dev stack file, with only what the e2e cluster needs changed (printed, so nothing is hidden).
    const projectDir = path.join(work, "project");
    fs.mkdirSync(projectDir);
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(projectDir, "Pulumi.yaml"));
    const stackFile = path.join(projectDir, `Pulumi.${STACK}.yaml`);
    fs.writeFileSync(stackFile, e2eStackFile(fs.readFileSync(path.join(ROOT, `Pulumi.${STACK}.yaml`), "utf8"), kubeconfig));
    for (const o of E2E_OVERRIDES(kubeconfig)) process.stdout.write(`[e2e]   config ${o.path.join(".")} = ${JSON.stringify(o.value)}: ${o.why}\n`);

    const plan = await step("offline plan", async () => {
        const planFile = path.join(work, "plan.json");
        const json = sh(process.execPath, [...nodeArgsFor("scripts/plan.ts"), "--stack", STACK, "--json", "--config-file", stackFile], {
            ...process.env,
            TS_NODE_TRANSPILE_ONLY: "true",
        });
        fs.writeFileSync(planFile, json);
        const doc = JSON.parse(json);
        return { value: doc, detail: `${doc.steps.length} resources, ${planObjects(doc).length} Kubernetes objects, ${doc.policyViolations.length} policy violations` };
    });

    // The CLI, the providers and the analyzer plugin come from PATH; nothing may be downloaded.
    process.env.PATH = [bin, path.join(ROOT, "e2e", "plugins"), process.env.PATH].join(path.delimiter);
    const envVars = {
        PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
        PULUMI_HOME: path.join(work, "pulumi-home"),
        PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
        KUBECONFIG: kubeconfig,
    };
    fs.mkdirSync(path.join(work, "state"));
    const pulumiCommand = await PulumiCommand.get();
    // The program is index.ts's own function (what `pulumi up` runs), loaded only now: its modules load
    // @pulumi/pulumi's runtime, which the inline host configures for each operation.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require("../index") as () => unknown;
    const onOutput = (s: string) => log.write(s);

    let failed = false;
    let stack: Stack | undefined;
    try {
        // The upgrade: the stack as the previous release left it, on the same backend, stack file, passphrase,
        // kubeconfig and PATH plugins, with that release's own program and packages (a child process).
        const release = path.join(work, "previous-release");
        const short = PREVIOUS_RELEASE.commit.slice(0, 7);
        await step(`previous release ${short}: git archive, npm ci`, async () => {
            materializeRelease(ROOT, PREVIOUS_RELEASE.commit, release);
            installRelease(release, path.join(work, "previous-release-npm.log"));
            return { value: undefined, detail: `${PREVIOUS_RELEASE.label} in ${release}` };
        });
        const previous = await step(`pulumi up of the previous release (${short})`, async () => {
            const r = await upRelease({ tree: release, workDir: projectDir, stackName: STACK, projectName: "deepalpha", envVars }, work, log);
            const changes = Object.entries(r.resourceChanges).map(([k, v]) => `${k} ${v}`).join(", ");
            // The proof is worthless if the release's program ran on today's packages.
            if (!r.pulumiSdkDir.startsWith(release + path.sep)) throw new Error(`the release's program ran with ${r.pulumiSdkDir}, not its own @pulumi/pulumi`);
            return { value: r, detail: `${r.result}: ${changes}; ${r.urns.length} resources in its state; its own @pulumi/pulumi ${r.pulumiSdk} (${path.relative(work, r.pulumiSdkDir)})` };
        });

        const created = await LocalWorkspace.createOrSelectStack(
            { stackName: STACK, projectName: "deepalpha", program: async () => (await program()) as Record<string, unknown> },
            { workDir: projectDir, envVars, pulumiCommand },
        );
        stack = created;
        await step(`pulumi up over ${short}'s state: no replace, no delete`, async () => {
            const r = await created.up({ onOutput, color: "never" });
            const { forbidden, summary } = upgradeChanges(r.summary.resourceChanges);
            const exported = await created.exportStack();
            const urns = ((exported.deployment.resources ?? []) as { urn: string }[]).map((x) => x.urn);
            const aliases = aliasMoves(plan.steps, urns, previous.urns);
            const problems = [...(forbidden.length ? [`the upgrade from ${short} did ${forbidden.join(", ")} (${summary}); see pulumi.log`] : []), ...aliases.problems];
            if (problems.length) throw new Error(problems.join("\n  "));
            const aliased = aliases.aliased
                ? `${aliases.aliased} aliases: each resource under its new URN, no old URN left (${aliases.moved} moved from the previous release's state)`
                : "0 aliases";
            return { value: r, detail: `${r.summary.result}: ${summary}; ${aliased}` };
        });

        const state = await step("engine URNs = plan URNs", async () => {
            const exported = await created.exportStack();
            const resources = (exported.deployment.resources ?? []) as { urn: string; type: string; outputs?: Record<string, unknown> }[];
            // Default providers exist only in a real deployment: the engine creates them for resources that name none.
            const real = new Set(resources.filter((r) => !/::default(_[0-9_]+)?$/.test(r.urn) || !r.type.startsWith("pulumi:providers:")).map((r) => r.urn));
            const planned = new Set<string>(plan.steps.map((s: { urn: string }) => s.urn));
            const onlyReal = [...real].filter((u) => !planned.has(u));
            const onlyPlan = [...planned].filter((u) => !real.has(u));
            if (onlyReal.length || onlyPlan.length) {
                throw new Error(`URNs differ: only in the engine (${onlyReal.length}): ${onlyReal.join(" ")}; only in the plan (${onlyPlan.length}): ${onlyPlan.join(" ")}`);
            }
            return { value: resources, detail: `${real.size} URNs, one for one` };
        });

        await step("objects in the API server match the plan", async () => {
            const objects = planObjects(plan);
            const byUrn = new Map(state.map((r) => [r.urn, r]));
            const live = new Map<string, Record<string, unknown>>();
            for (const kindRef of [...new Set(objects.map((o) => o.resource))]) {
                const list = JSON.parse(kubectl("get", kindRef, "--all-namespaces", "-o", "json")) as { items: Record<string, unknown>[] };
                for (const item of list.items) live.set(liveKey(kindRef, item), item);
            }
            const problems: string[] = [];
            for (const o of objects) problems.push(...diffLiveObject(o, byUrn.get(o.urn)?.outputs, live));
            if (problems.length) throw new Error(`${problems.length} mismatches:\n  ${problems.join("\n  ")}`);
            verified = objects.length;
            return { value: undefined, detail: `${objects.length} objects: kind, namespace, replicas, images, security contexts as planned` };
        });

        await step("pulumi preview --expect-no-changes", async () => {
            const r = await created.preview({ expectNoChanges: true, onOutput, color: "never" });
            const summary = Object.entries(r.changeSummary).map(([k, v]) => `${k} ${v}`).join(", ");
            return { value: r, detail: summary };
        });

        // The pack through the engine's analyzer, against the offline evaluator on the plan: with the dev
        // policy config (the stack's own), and with the prod one, whose stricter rules the dev stack breaks,
        // so that both must find the same violations, not merely none.
        const { evaluatePreview } = await import("../policy/offline");
        for (const policyConfig of ["dev", "prod"] as const) {
            await step(`pulumi preview --policy-pack policy --policy-pack-config policy/config.${policyConfig}.json = offline evaluator`, async () => {
                const events: EngineEvent[] = [];
                let previewError = "";
                try {
                    await created.preview({
                        policyPacks: [path.join(ROOT, "policy")],
                        policyPackConfigs: [path.join(ROOT, "policy", `config.${policyConfig}.json`)],
                        onEvent: (e) => events.push(e),
                        onOutput,
                        color: "never",
                    });
                } catch (e) {
                    // A mandatory violation fails the preview, as it fails a pull request's.
                    previewError = e instanceof Error ? e.message.split("\n")[0] : String(e);
                }
                // A stack policy's violation may name no resource, or the Stack itself: both read "(stack)".
                const where = (urn: string | undefined) => (!urn || urn.includes("::pulumi:pulumi:Stack::") ? "(stack)" : urn);
                const real = events
                    .filter((e) => e.policyEvent)
                    .map((e) => `${e.policyEvent!.policyName} ${e.policyEvent!.enforcementLevel} ${where(e.policyEvent!.resourceUrn)}`)
                    .sort();
                const offline = (await evaluatePreview(plan, policyConfig, "plan")).violations.map((v) => `${v.policyName} ${v.enforcementLevel} ${where(v.urn)}`).sort();
                if (JSON.stringify(real) !== JSON.stringify(offline)) {
                    const onlyReal = real.filter((x) => !offline.includes(x));
                    const onlyOffline = offline.filter((x) => !real.includes(x));
                    throw new Error(`violations differ: only the real analyzer: [${onlyReal.join("; ")}]; only offline: [${onlyOffline.join("; ")}]`);
                }
                const mandatory = real.filter((v) => v.includes(" mandatory ")).length;
                if (mandatory > 0 && !previewError) throw new Error(`${mandatory} mandatory violations, yet the preview succeeded`);
                if (policyConfig === "prod" && real.length === 0) throw new Error("the prod policy config found nothing in the dev stack: the comparison proves nothing");
                const policies = [...new Set(real.map((v) => v.split(" ")[0]))].sort();
                return { value: undefined, detail: `${real.length} violations in both (${mandatory} mandatory${previewError ? ", preview failed as it must" : ""})${policies.length ? ": " + policies.join(", ") : ""}` };
            });
        }

        await step("pulumi destroy", async () => {
            const r = await created.destroy({ onOutput, color: "never" });
            const objects = planObjects(plan);
            const left: string[] = [];
            for (const kindRef of [...new Set(objects.map((o) => o.resource))]) {
                const list = JSON.parse(kubectl("get", kindRef, "--all-namespaces", "-o", "json")) as { items: Record<string, unknown>[] };
                const names = new Set(list.items.map((i) => liveKey(kindRef, i)));
                for (const o of objects.filter((x) => x.resource === kindRef)) {
                    const out = state.find((s) => s.urn === o.urn)?.outputs as { metadata?: { name?: string; namespace?: string } } | undefined;
                    const key = `${kindRef}/${out?.metadata?.namespace ?? o.namespace ?? ""}/${out?.metadata?.name ?? o.name}`;
                    if (names.has(key) && !o.retainOnDelete) left.push(key);
                }
            }
            if (left.length) throw new Error(`left behind: ${left.join(", ")}`);
            // The StatefulSets' claims are not Pulumi's; they went with their namespaces. Their volumes stay
            // Released (reclaim policy Retain), as a cluster keeps data it was not told to delete.
            const pvcs = JSON.parse(kubectl("get", "persistentvolumeclaims", "--all-namespaces", "-o", "json")).items.length;
            const released = (JSON.parse(kubectl("get", "persistentvolumes", "-o", "json")).items as { status?: { phase?: string } }[]).filter((v) => v.status?.phase === "Released").length;
            return { value: r, detail: `${r.summary.result}; no planned object left; ${pvcs} volume claims left, ${released} volumes Released (Retain)` };
        });
    } catch (e) {
        failed = true;
        // A failed step has said why; anything else is printed here.
        if (!results.some((r) => !r.ok)) process.stdout.write(`[e2e] ${e instanceof Error ? e.message : String(e)}\n`);
    } finally {
        certManager.kill("SIGTERM");
        if (!keepCluster) {
            if (stack) await stack.workspace.removeStack(STACK, { force: true }).catch(() => undefined);
            // The previous release's tree with its node_modules (about 300 MB); its npm log stays.
            fs.rmSync(path.join(work, "previous-release"), { recursive: true, force: true });
            sh("bash", ["e2e/cluster.sh", "down"]);
        }
        log.end();
    }

    for (const line of coverage()) process.stdout.write(`[e2e] ${line}\n`);
    const passed = results.filter((r) => r.ok).length;
    // An error outside any step (the stack could not be created, say) still fails the run.
    const failedCount = results.length - passed || (failed ? 1 : 0);
    const total = results.reduce((s, r) => s + r.seconds, 0);
    process.stdout.write(`[e2e] ${verified} objects verified, ${passed} of ${results.length} steps passed in ${total.toFixed(0)} s (log: ${path.join(work, "pulumi.log")})\n`);
    process.stdout.write(`e2e: ${passed} passed, ${failedCount} failed\n`);
    process.exitCode = failedCount ? 1 : 0;
}

let verified = 0;
main().catch((e) => {
    process.stderr.write(`[e2e] ${e instanceof Error ? e.stack : String(e)}\n`);
    process.stdout.write(`e2e: ${results.filter((r) => r.ok).length} passed, ${Math.max(1, results.filter((r) => !r.ok).length)} failed\n`);
    process.exitCode = 1;
});
