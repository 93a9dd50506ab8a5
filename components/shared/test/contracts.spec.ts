// What the tiers agree on: names that must match across packages, and the restricted security contexts.
import { expect } from "chai";
import { GATEWAY, NAMESPACES, PROFILES, labelsFor, restrictedContainerSecurity, restrictedPodSecurity, selectorFor, irsaTrustPolicy } from "../src";

describe("shared conventions", () => {
    it("the gateway lives in the gateway namespace; the profiles are local and production", () => {
        expect(GATEWAY.namespace).to.equal(NAMESPACES.gateway);
        expect([...PROFILES]).to.deep.equal(["local", "production"]);
    });

    it("selectors are a stable subset of the labels", () => {
        const labels = labelsFor("deepalpha-api", "api");
        for (const [k, v] of Object.entries(selectorFor("deepalpha-api"))) expect(labels[k]).to.equal(v);
    });

    it("restricted security contexts: non-root, RuntimeDefault seccomp, no capabilities, no escalation, read-only root", () => {
        expect(restrictedPodSecurity()).to.include({ runAsNonRoot: true, runAsUser: 10001 });
        expect(restrictedPodSecurity().seccompProfile).to.deep.equal({ type: "RuntimeDefault" });
        const c = restrictedContainerSecurity();
        expect(c).to.include({ privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
        expect(c.capabilities).to.deep.equal({ drop: ["ALL"] });
    });

    it("IRSA trust: exactly one ServiceAccount, condition keys without https://", () => {
        const p = JSON.parse(irsaTrustPolicy("arn:aws:iam::123456789012:oidc-provider/oidc.eks.x/id/A", "https://oidc.eks.x/id/A", "deepalpha", "deepalpha-api"));
        expect(p.Statement[0].Condition.StringEquals).to.deep.equal({
            "oidc.eks.x/id/A:sub": "system:serviceaccount:deepalpha:deepalpha-api",
            "oidc.eks.x/id/A:aud": "sts.amazonaws.com",
        });
    });
});
