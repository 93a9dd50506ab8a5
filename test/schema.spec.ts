// Every Kubernetes object either stack creates must be valid against its schema, whatever tier made it.
import { expect } from "chai";
import { isKubernetesObject, schemaErrors } from "./harness/k8s-schema";
import { planStack } from "./harness/stacks";

for (const stack of ["dev", "prod"] as const) {
    describe(`schema: every Kubernetes object in ${stack}`, () => {
        it("validates against the Kubernetes or CRD schema", async () => {
            const run = await planStack(stack);
            const objects = run.resources.filter((r) => isKubernetesObject(r.type));
            expect(objects.length).to.be.greaterThan(5);
            const errors = objects.map(schemaErrors).filter(Boolean);
            expect(errors, errors.join("\n")).to.deep.equal([]);
        });
    });
}
