// `npm run charts:check`'s command line, by the shared conventions (scripts/cli.ts): the same stack spellings,
// paths from the directory npm was run in, usage errors naming what is allowed. Its rendering is tested with a
// real Helm in test/charts/ (npm run test:charts).
import { expect } from "chai";
import { HelpRequested, UsageError } from "../scripts/cli";
import { parseArgs } from "../scripts/charts-check";

const ENV = { INIT_CWD: "/work/here" };

describe("charts:check: command line", () => {
    it("--stack=prod, --stack prod, -s prod and -s=prod are the same", () => {
        for (const argv of [["--stack=prod"], ["--stack", "prod"], ["-s", "prod"], ["-s=prod"]]) {
            expect(parseArgs(argv, ENV), argv.join(" ")).to.deep.equal({ stack: "prod", json: false, writeDocs: false });
        }
    });

    it("reads --charts-dir, --helm and --plan from the directory npm was run in; --only is a comma list", () => {
        expect(parseArgs(["-s", "dev", "--charts-dir", "charts", "--helm", "../bin/helm", "--plan", "/abs/plan.json", "--only", "a, b", "--json"], ENV)).to.deep.equal({
            stack: "dev",
            chartsDir: "/work/here/charts",
            helm: "/work/bin/helm",
            plan: "/abs/plan.json",
            planArg: "/abs/plan.json",
            only: ["a", "b"],
            json: true,
            writeDocs: false,
        });
    });

    it("refuses an unknown stack, a missing one, and --write-docs with a single stack's options", () => {
        expect(() => parseArgs(["--stack", "staging"], ENV)).to.throw(UsageError, '--stack "staging": no such stack (known stacks: dev, prod');
        expect(() => parseArgs([], ENV)).to.throw(UsageError, "--stack is required (dev or prod)");
        for (const o of [["--stack", "dev"], ["--json"], ["--plan", "p.json"], ["--only", "x"]]) {
            expect(() => parseArgs(["--write-docs", ...o], ENV), o.join(" ")).to.throw(UsageError, `--write-docs checks both stacks from their own plans and writes docs/charts.md: leave out ${o[0]}`);
        }
        expect(parseArgs(["--write-docs", "--charts-dir", "d"], ENV)).to.deep.equal({ chartsDir: "/work/here/d", json: false, writeDocs: true });
    });

    it("follows the shared conventions: -h asks for the usage, an unknown or repeated option is a usage error", () => {
        expect(() => parseArgs(["-s", "dev", "-h"], ENV)).to.throw(HelpRequested);
        expect(() => parseArgs(["-s", "dev", "--chart-dir", "x"], ENV)).to.throw(UsageError, 'unknown option "--chart-dir"');
        expect(() => parseArgs(["-s", "dev", "-s", "prod"], ENV)).to.throw(UsageError, "--stack given more than once");
        expect(() => parseArgs(["-s", "dev", "extra"], ENV)).to.throw(UsageError, 'unexpected argument "extra"');
        expect(() => parseArgs(["-s", "dev", "--only", ","], ENV)).to.throw(UsageError, '--only ",": give Chart resource names');
    });
});
