// How the policy pack gets its dependencies (issue 15, item 5): from the root install. policy/ has no
// lockfile and no node_modules of its own; policy/package.json pins the same versions as the root
// package.json, and Node resolves the pack's imports (and the Pulumi CLI's policy runner,
// @pulumi/pulumi/cmd/run-policy-pack, which it looks up from the pack's directory) up to the root
// node_modules. So the one `npm ci` in CI and in the README is all the pack needs.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../repo-root";

const ROOT = REPO_ROOT;
const POLICY = path.join(ROOT, "policy");
const json = (f: string) => JSON.parse(fs.readFileSync(f, "utf8")) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };

describe("policy pack install: one npm ci at the root", () => {
    const root = json(path.join(ROOT, "package.json"));
    const pack = json(path.join(POLICY, "package.json"));
    const rootDeps = { ...root.dependencies, ...root.devDependencies };
    const packDeps = { ...pack.dependencies, ...pack.devDependencies };

    it("every dependency of the pack is a root dependency at the same exact version", () => {
        expect(Object.keys(packDeps)).to.include.members(["@pulumi/policy", "@pulumi/pulumi"]);
        for (const [name, version] of Object.entries(packDeps)) expect(rootDeps[name], `${name} in the root package.json`).to.equal(version);
    });

    it("from policy/, each resolves to the root node_modules at that version, and so does the CLI's policy runner", () => {
        for (const [name, version] of Object.entries(packDeps)) {
            const file = require.resolve(`${name}/package.json`, { paths: [POLICY] });
            expect(file, name).to.equal(path.join(ROOT, "node_modules", name, "package.json"));
            expect((JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version.replace(/^v/, ""), name).to.equal(version);
        }
        expect(require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [POLICY] })).to.match(/node_modules\/@pulumi\/pulumi\/cmd\/run-policy-pack\/index\.js$/);
    });

    it("no install step or instruction depends on a policy lockfile or a separate install", () => {
        expect(fs.existsSync(path.join(POLICY, "package-lock.json")), "policy/package-lock.json").to.equal(false);
        const files = [...fs.readdirSync(path.join(ROOT, ".github/workflows")).map((f) => `.github/workflows/${f}`), "README.md", ...fs.readdirSync(path.join(ROOT, "docs")).map((f) => `docs/${f}`)];
        for (const f of files) {
            const text = fs.readFileSync(path.join(ROOT, f), "utf8");
            expect(text, f).not.to.match(/policy\/package-lock\.json|--prefix policy|cd policy && npm/);
        }
    });
});
