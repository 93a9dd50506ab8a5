// The incident runbooks must be runnable as written: every command they give is checked against the names
// and stack outputs the program really produces (issue 15, items 1 and 2).
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { byType, planStack } from "./harness/stacks";
import { REPO_ROOT } from "../repo-root";

const ROOT = REPO_ROOT;
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const DOCS = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** Kubernetes objects of a kind in a namespace, with their labels. */
function objects(run: Awaited<ReturnType<typeof planStack>>, kind: string, namespace: string) {
    return run.resources
        .filter((r) => r.type.startsWith("kubernetes:") && r.type.split(":")[2] === kind)
        .map((r) => ({ r, md: (r.values.metadata ?? {}) as { name: string; namespace?: string; labels?: Record<string, string> } }))
        .filter((o) => o.md.namespace === namespace);
}

describe("runbooks: commands checked against the program's names and outputs", function () {
    this.timeout(120000);

    it("every `pulumi stack output NAME` in the docs names an output the stacks have", async () => {
        const [dev, prod] = await Promise.all([planStack("dev"), planStack("prod")]);
        const outputs = new Set([...Object.keys(dev.outputValues), ...Object.keys(prod.outputValues)]);
        let seen = 0;
        for (const f of DOCS) {
            for (const m of read(f).matchAll(/pulumi stack output ([A-Za-z][A-Za-z0-9]*)/g)) {
                seen++;
                expect(outputs.has(m[1]), `${f}: pulumi stack output ${m[1]}: the stacks' outputs are ${[...outputs].join(", ")}`).to.equal(true);
            }
        }
        expect(seen).to.be.greaterThan(2);
    });

    it("node group upgrade: the jq filter over nodeGroupNames yields every managed node group's name, and no doc gives a fixed name", async () => {
        const prod = await planStack("prod");
        const ops = read("docs/operations.md");
        const m = /pulumi stack output nodeGroupNames --stack prod --json \| jq -r '([^']+)'/.exec(ops);
        expect(m, "operations.md takes the node group names from the nodeGroupNames output").to.not.equal(null);
        const value = prod.outputValues.nodeGroupNames as Record<string, unknown>;
        // The filter is a comma list of `.key` and `.key[]`: evaluate it as jq would.
        const names = m![1].split(",").flatMap((term) => {
            const t = /^\s*\.([A-Za-z]+)(\[\])?\s*$/.exec(term);
            expect(t, `jq term ${JSON.stringify(term)}`).to.not.equal(null);
            const v = value[t![1]];
            if (t![2]) {
                expect(v, `.${t![1]} is a list`).to.be.an("array");
                return v as string[];
            }
            expect(v, `.${t![1]} is a name`).to.be.a("string");
            return [v as string];
        });
        const groups = byType(prod, "aws:eks/nodeGroup:NodeGroup");
        expect(names).to.have.length(groups.length);
        const zones = (JSON.parse(read("Pulumi.prod.yaml").match(/availabilityZones: (\d+)/)?.[1] ?? "3") as number);
        expect((value.general as string[]).length, "one general group per zone").to.equal(zones);
        for (const f of DOCS) expect(read(f), f).not.to.match(/--nodegroup-name deepalpha-/);
        expect(ops).to.contain('aws eks update-nodegroup-version --cluster-name "$CLUSTER" --nodegroup-name "$NG"');
        expect(ops).to.contain("CLUSTER=$(pulumi stack output clusterName --stack prod)");
    });

    it("restore: the writers' selector stops every Deployment of the app namespace, the counts are recorded and put back from the file, and no doc says pulumi up restores them", async () => {
        const doc = read("docs/backup-restore.md");
        const ns = /^NS=(\S+)/m.exec(doc)?.[1];
        const sel = /^SEL=(\S+)=(\S+)/m.exec(doc);
        expect(ns).to.equal("deepalpha");
        expect(sel, "SEL=<label>=<value>").to.not.equal(null);
        for (const stack of ["dev", "prod"] as const) {
            const run = await planStack(stack);
            const deployments = objects(run, "Deployment", ns!);
            expect(deployments.length, stack).to.be.greaterThan(2);
            for (const d of deployments) expect(d.md.labels?.[sel![1]], `${stack}: Deployment ${d.md.name} lacks ${sel![1]}=${sel![2]}`).to.equal(sel![2]);
            const selected = new Set(deployments.map((d) => d.md.name));
            for (const h of objects(run, "HorizontalPodAutoscaler", ns!)) {
                const target = (h.r.values.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name;
                expect(selected.has(target), `${stack}: HPA ${h.md.name} scales ${target}, which the runbook does not record`).to.equal(true);
            }
        }
        const record = doc.indexOf("> replicas-before-restore.txt");
        const stop = doc.indexOf("kubectl -n $NS scale deploy -l $SEL --replicas=0");
        const start = doc.indexOf('kubectl -n $NS scale deploy "$name" --replicas="$count"; done < replicas-before-restore.txt');
        expect(record, "records the counts").to.be.greaterThan(-1);
        expect(stop, "stops after recording").to.be.greaterThan(record);
        expect(start, "restores from the recorded file").to.be.greaterThan(stop);
        expect(doc).to.contain("ScalingActive");
        // A deleted Job is still in Pulumi's state: only a refresh lets `pulumi up` recreate it.
        for (const f of DOCS) expect(read(f), f).not.to.match(/delete job [^\n`]*&& pulumi up(?! --refresh)/);
        for (const f of DOCS) expect(read(f), f).not.to.match(/pulumi up[^\n]*(puts|restores|brings)[^\n]*(replica|count)|next deploy,\s+which restores/);
    });

    it("operations: the emergency scaling commands name the HPA and Deployment the program creates", async () => {
        const prod = await planStack("prod");
        const ops = read("docs/operations.md");
        for (const m of ops.matchAll(/kubectl -n deepalpha patch hpa (\S+)/g)) expect(objects(prod, "HorizontalPodAutoscaler", "deepalpha").map((o) => o.md.name)).to.include(m[1]);
        for (const m of ops.matchAll(/kubectl -n deepalpha scale deploy (\S+)/g)) expect(objects(prod, "Deployment", "deepalpha").map((o) => o.md.name)).to.include(m[1]);
    });
});
