// `npm run test:consumer`: what a platform engineer of another team does with the tier packages. Packs every
// publishable package (npm pack), checks each tarball holds only what a consumer needs, installs the tarballs into
// a new program in a temporary folder outside the repository (copies, no links into it), type-checks a program that
// uses the data tier with its own args and imports every tier, and runs it under Pulumi's mocks: two data tiers
// side by side in one stack, and a bad argument stopped before anything is registered.
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../../repo-root";

const ROOT = REPO_ROOT;
const PUBLISHED = ["shared", "cluster", "data", "app", "observability"];

interface PackResult {
    name: string;
    filename: string;
    size: number;
    unpackedSize: number;
    entryCount: number;
    files: { path: string }[];
}

function run(cmd: string, args: string[], cwd: string): string {
    try {
        return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
    } catch (e) {
        const x = e as { stdout?: string; stderr?: string; message: string };
        throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) failed:\n${x.stdout ?? ""}${x.stderr ?? ""}`);
    }
}

describe("consumer: the tier packages installed from their tarballs by another program", function () {
    let work: string;
    let packs: PackResult[];
    let consumer: string;

    before(function () {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "deepalpha-consumer-"));
        run("npx", ["tsc", "-b", "components"], ROOT);
        const tarballs = path.join(work, "tarballs");
        fs.mkdirSync(tarballs);
        packs = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", tarballs, ...PUBLISHED.flatMap((p) => ["-w", `@deepalpha/${p}`])], ROOT)) as PackResult[];
        for (const p of packs) {
            process.stdout.write(`      ${p.filename}: ${p.entryCount} files, ${(p.size / 1024).toFixed(1)} KiB packed, ${(p.unpackedSize / 1024).toFixed(1)} KiB unpacked\n`);
        }

        consumer = path.join(work, "consumer");
        fs.mkdirSync(consumer);
        for (const f of ["index.ts", "run.ts", "all.ts", "tsconfig.json"]) fs.copyFileSync(path.join(ROOT, "test", "consumer", "program", f), path.join(consumer, f));
        const rootPkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
        const pinned = (n: string) => rootPkg.dependencies[n] ?? rootPkg.devDependencies[n];
        const deps: Record<string, string> = {};
        for (const p of packs) deps[p.name] = `file:${path.join(tarballs, p.filename)}`;
        for (const n of ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/eks", "@pulumi/kubernetes", "@pulumi/random", "typescript", "@types/node"]) deps[n] = pinned(n);
        fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "platform-consumer", version: "0.0.0", private: true, dependencies: deps }, null, 2));
        // --install-links: a file: dependency is copied in, never linked (npm links only folders anyway).
        run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--install-links", "--ignore-scripts"], consumer);
    });

    after(() => {
        if (work && !process.env.KEEP_CONSUMER) fs.rmSync(work, { recursive: true, force: true });
    });

    it("each tarball holds package.json, README, CHANGELOG and the built JavaScript with declarations, nothing else", () => {
        expect(packs.map((p) => p.name).sort()).to.deep.equal(PUBLISHED.map((p) => `@deepalpha/${p}`).sort());
        for (const p of packs) {
            const files = p.files.map((f) => f.path);
            const stray = files.filter((f) => !["package.json", "README.md", "CHANGELOG.md"].includes(f) && !/^dist\/.+\.(js|d\.ts)$/.test(f));
            expect(stray, `${p.name}: no sources, tests, configs or build info`).to.deep.equal([]);
            expect(files, p.name).to.include.members(["package.json", "README.md", "CHANGELOG.md", "dist/index.js", "dist/index.d.ts"]);
        }
    });

    it("installs copies outside the repository: nothing under node_modules/@deepalpha links into it", () => {
        expect(path.relative(ROOT, consumer).startsWith("..")).to.equal(true);
        for (const p of PUBLISHED) {
            const dir = path.join(consumer, "node_modules", "@deepalpha", p);
            expect(fs.lstatSync(dir).isSymbolicLink(), p).to.equal(false);
            expect(fs.realpathSync(dir).startsWith(ROOT + path.sep), p).to.equal(false);
            expect(fs.existsSync(path.join(dir, "src")), `${p} ships no src/`).to.equal(false);
        }
    });

    it("a consumer that uses the data tier with its own args, and imports every tier, type-checks (strict, no skipLibCheck) and compiles", () => {
        run("npx", ["tsc", "-p", "."], consumer);
        expect(fs.existsSync(path.join(consumer, "out", "run.js"))).to.equal(true);
        expect(JSON.parse(run("node", ["out/all.js"], consumer))).to.deep.equal({ AppTier: "function", ClusterComponent: "function", DataTier: "function", Observability: "function" });
    });

    it("two data tiers live in one stack: no URN twice, each instance's objects in its own namespaces with its own args", () => {
        const doc = JSON.parse(run("node", ["out/run.js"], consumer)) as {
            resources: { type: string; name: string; urn: string; namespace?: string; objectName?: string; spec?: Record<string, unknown> }[];
            outputs: Record<string, string>;
        };
        const urns = doc.resources.map((r) => r.urn);
        expect(urns.filter((u, i) => urns.indexOf(u) !== i), "duplicate URNs").to.deep.equal([]);
        const tiers = doc.resources.filter((r) => r.type === "deepalpha:index:DataTier").map((r) => r.name);
        expect(tiers).to.deep.equal(["orders", "analytics"]);
        const byTier = (tier: string) => doc.resources.filter((r) => r.urn.includes("deepalpha:index:DataTier$") && r.name.startsWith(`${tier}-`));
        for (const tier of ["orders", "analytics"]) {
            const children = doc.resources.filter((r) => r.urn.includes("deepalpha:index:DataTier$"));
            expect(byTier(tier).length, `${tier}'s children are named after it`).to.be.greaterThan(10);
            const namespaced = byTier(tier).filter((r) => r.namespace !== undefined);
            expect(namespaced.length).to.be.greaterThan(5);
            for (const r of namespaced) expect(r.namespace, r.urn).to.match(new RegExp(`^${tier}(-data|-monitoring)?$`));
            expect(children.length).to.equal(byTier("orders").length + byTier("analytics").length);
        }
        expect(doc.outputs).to.deep.equal({ orders: "orders-connection", analytics: "analytics-connection" });
        const pvc = (tier: string) => byTier(tier).find((r) => r.type === "kubernetes:apps/v1:StatefulSet" && /postgres/.test(r.objectName ?? ""))!.spec as { volumeClaimTemplates: { spec: { resources: { requests: { storage: string } } } }[] };
        expect(pvc("orders").volumeClaimTemplates[0].spec.resources.requests.storage).to.equal("5Gi");
        expect(pvc("analytics").volumeClaimTemplates[0].spec.resources.requests.storage).to.equal("20Gi");
        const schedules = (tier: string) => byTier(tier).filter((r) => r.type === "kubernetes:batch/v1:CronJob" && /backup/.test(r.objectName ?? "")).map((r) => r.spec!.schedule);
        expect(schedules("orders").length).to.be.greaterThan(0);
        expect(schedules("analytics")).to.not.deep.equal(schedules("orders"));
    });

    it("bad args stop the program before anything of the tier is registered, naming each argument and what is allowed", () => {
        const doc = JSON.parse(run("node", ["out/run.js", "bad"], consumer)) as { error: string; runError: boolean; registered: number };
        expect(doc.runError, "a pulumi.RunError: pulumi up prints the message without a stack trace").to.equal(true);
        expect(doc.error).to.equal(
            [
                'invalid arguments for DataTier "orders":',
                '  - postgres.volumeSize: got "lots", expected a Kubernetes quantity such as 500m, 512Mi or 20Gi',
                '  - backupSchedule: got "every night", expected a five-field cron schedule such as "0 2 * * *"',
                "  - partitionMonthsAhead: got 0, allowed minimum is 2",
            ].join("\n"),
        );
        expect(doc.registered, "only the provider, created before the tier").to.equal(1);
    });
});
