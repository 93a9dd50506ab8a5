// Two instances of the tier in one stack: every child is named after its instance, so nothing collides.
import { expect } from "chai";
import { type Registered, duplicateUrns, runComponents } from "@deepalpha/testing";
import { AppTier } from "../src";
import { type Obj, PROD_CIDRS, TYPE, object } from "./helpers";

describe("AppTier: two instances in one stack", () => {
    let rs: Registered[];
    before(async () => {
        rs = await runComponents(() => {
            new AppTier("app", { profile: "local" });
            new AppTier("team-b", {
                profile: "production",
                dataCidrs: PROD_CIDRS,
                namespaces: { app: "team-b" },
                apiHost: "api.team-b.example.org",
                websocketHost: "ws.team-b.example.org",
            });
        });
    });

    it("registers both without a duplicate URN", () => {
        expect(rs.filter((r) => r.type === TYPE).map((r) => r.name)).to.deep.equal(["app", "team-b"]);
        expect(duplicateUrns(rs)).to.deep.equal([]);
        // Same children on both sides: 36 each plus the component.
        expect(rs).to.have.length(2 * 37);
    });

    it("names each instance's children after it and parents them to it, objects in its own namespace", () => {
        for (const instance of ["app", "team-b"]) {
            const component = rs.find((r) => r.type === TYPE && r.name === instance)!;
            const children = rs.filter((r) => r.parent === component.urn);
            expect(children, instance).to.have.length(36);
            for (const c of children) {
                expect(c.name.startsWith(`${instance}-`), c.name).to.equal(true);
                if (c.type.startsWith("kubernetes:")) expect((c.values.metadata as Obj).namespace, c.name).to.equal(instance === "app" ? "deepalpha" : "team-b");
            }
        }
    });

    it("keeps each instance's own arguments: same object names, different namespaces, hosts and sizes", () => {
        expect(object(rs, "Deployment", "deepalpha-api", "deepalpha").spec.replicas).to.equal(1);
        expect(object(rs, "Deployment", "deepalpha-api", "team-b").spec.replicas).to.equal(3);
        expect(object(rs, "HTTPRoute", "deepalpha-api", "team-b").spec.hostnames).to.deep.equal(["api.team-b.example.org"]);
        expect(object(rs, "HTTPRoute", "deepalpha-api", "deepalpha").spec.hostnames).to.deep.equal(["api.deepalpha.local"]);
    });
});
