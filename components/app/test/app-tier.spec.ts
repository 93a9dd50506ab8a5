// The default instance gives DeepAlpha's objects; defaults per profile; what a caller sets reaches the objects.
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { type Registered, runComponents } from "@deepalpha/testing";
import { AppTier, type AppTierArgs } from "../src";
import { type Obj, PROD_CIDRS, TYPE, env, object, ofKind, pod, registered } from "./helpers";

const run = (args: AppTierArgs, name = "app") => runComponents(() => new AppTier(name, args));

describe("AppTier: the default instance is DeepAlpha's", () => {
    let local: Registered[];
    before(async () => (local = await run({ profile: "local" })));

    it("registers the component with its type token and every child under it, named <instance>-<suffix>", () => {
        const [component, ...children] = local;
        expect(component.type).to.equal(TYPE);
        expect(component.name).to.equal("app");
        for (const c of children) expect(c.parent, c.name).to.equal(component.urn);
        expect(children.map((c) => `${c.type.split(":").pop()} ${c.name}`)).to.deep.equal([
            "ConfigMap app-config",
            "Secret app-external",
            "Deployment app-api",
            "Service app-api",
            "Deployment app-websocket",
            "Service app-websocket",
            "Deployment app-executor",
            "Service app-executor",
            ...["bot-a", "bot-b"].flatMap((b) => [
                `RandomPassword app-freqtrade-${b}-api-password`,
                `RandomPassword app-freqtrade-${b}-jwt-secret`,
                `RandomPassword app-freqtrade-${b}-ws-token`,
                `Secret app-freqtrade-${b}-api`,
                `ConfigMap app-freqtrade-${b}-config`,
                `PersistentVolumeClaim app-freqtrade-${b}-user-data`,
                `Deployment app-freqtrade-${b}`,
                `Service app-freqtrade-${b}`,
            ]),
            "HorizontalPodAutoscaler app-api",
            "HorizontalPodAutoscaler app-websocket",
            "PodDisruptionBudget app-api",
            "PodDisruptionBudget app-websocket",
            "PodDisruptionBudget app-executor",
            "NetworkPolicy app-api-network-policy",
            "NetworkPolicy app-websocket-network-policy",
            "NetworkPolicy app-executor-network-policy",
            "NetworkPolicy app-freqtrade-network-policy",
            "HTTPRoute app-api-route",
            "HTTPRoute app-websocket-route",
            "HTTPRoute app-https-redirect",
        ]);
    });

    it("gives the objects DeepAlpha's names, all in the deepalpha namespace", () => {
        const names = (kind: string) => ofKind(local, kind).map((r) => (r.values.metadata as Obj).name).sort();
        expect(names("Deployment")).to.deep.equal(["deepalpha-api", "deepalpha-executor", "deepalpha-websocket", "freqtrade-bot-a", "freqtrade-bot-b"]);
        expect(names("ConfigMap")).to.deep.equal(["deepalpha-config", "freqtrade-bot-a-config", "freqtrade-bot-b-config"]);
        expect(names("Secret")).to.deep.equal(["deepalpha-external", "freqtrade-bot-a-api", "freqtrade-bot-b-api"]);
        expect(names("NetworkPolicy")).to.deep.equal(["deepalpha-api", "deepalpha-executor", "deepalpha-websocket", "freqtrade"]);
        expect(names("HTTPRoute")).to.deep.equal(["deepalpha-api", "deepalpha-https-redirect", "deepalpha-websocket"]);
        for (const r of local.slice(1).filter((x) => x.type.startsWith("kubernetes:"))) expect((r.values.metadata as Obj).namespace, r.name).to.equal("deepalpha");
    });

    it("refers to the other tiers' objects by DeepAlpha's names: connection Secret, ServiceAccount, Gateway, OTLP endpoint", () => {
        const api = object(local, "Deployment", "deepalpha-api");
        const c = pod(api).containers[0];
        expect(env(c, "DATABASE_URL")!.valueFrom.secretKeyRef.name).to.equal("deepalpha-connection");
        expect(env(c, "OTEL_EXPORTER_OTLP_ENDPOINT")!.value).to.equal("http://jaeger.monitoring.svc.cluster.local:4317");
        expect(pod(api).serviceAccountName).to.equal("deepalpha");
        const route = object(local, "HTTPRoute", "deepalpha-api");
        expect(route.spec.parentRefs).to.deep.equal([{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "deepalpha", namespace: "gateway", sectionName: "https" }]);
        expect(route.spec.hostnames).to.deep.equal(["api.deepalpha.local"]);
    });

    it("local defaults: one replica each, testnet, a small executor, the cluster's default StorageClass", () => {
        expect(object(local, "Deployment", "deepalpha-api").spec.replicas).to.equal(1);
        expect(object(local, "HorizontalPodAutoscaler", "deepalpha-api").spec).to.include({ minReplicas: 1, maxReplicas: 2 });
        expect(object(local, "ConfigMap", "deepalpha-config").data).to.include({ BINANCE_TESTNET: "true", DEEPALPHA_PROFILE: "local" });
        expect(pod(object(local, "Deployment", "deepalpha-executor")).containers[0].resources.limits).to.deep.equal({ cpu: "1", memory: "1Gi" });
        const pvc = object(local, "PersistentVolumeClaim", "freqtrade-bot-a-user-data").spec;
        expect(pvc.storageClassName).to.equal(undefined);
        expect(pvc.resources.requests.storage).to.equal("1Gi");
    });
});

describe("AppTier: production defaults and what a caller sets", () => {
    it("production defaults: the seed's replicas, real exchange, gp3 volumes, executor on its nodes", async () => {
        const rs = await run({ profile: "production", dataCidrs: PROD_CIDRS, executorCpuTarget: "icelake-server" });
        expect(object(rs, "Deployment", "deepalpha-api").spec.replicas).to.equal(3);
        expect(object(rs, "Deployment", "deepalpha-websocket").spec.replicas).to.equal(2);
        expect(object(rs, "HorizontalPodAutoscaler", "deepalpha-websocket").spec).to.include({ minReplicas: 2, maxReplicas: 10 });
        expect(object(rs, "ConfigMap", "deepalpha-config").data).to.include({ BINANCE_TESTNET: "false", BINANCE_BASE_URL: "https://api.binance.com" });
        expect(object(rs, "PersistentVolumeClaim", "freqtrade-bot-b-user-data").spec).to.deep.include({ storageClassName: "gp3", resources: { requests: { storage: "5Gi" } } });
        const ex = pod(object(rs, "Deployment", "deepalpha-executor"));
        expect(ex.nodeSelector).to.deep.equal({ "deepalpha.io/node-role": "executor", "deepalpha.io/cpu-target": "icelake-server" });
        expect(ex.tolerations).to.deep.equal([{ key: "deepalpha.io/executor", operator: "Equal", value: "true", effect: "NoSchedule" }]);
        expect(ex.containers[0].resources.limits).to.deep.equal({ cpu: "4", memory: "8Gi", "hugepages-2Mi": "1Gi" });
        const egress = object(rs, "NetworkPolicy", "deepalpha-executor").spec.egress as Obj[];
        expect(egress.some((r) => JSON.stringify(r.to) === JSON.stringify([{ ipBlock: { cidr: "10.40.0.0/16" } }]))).to.equal(true);
    });

    it("merges a partial object over the defaults and replaces lists", async () => {
        const rs = await run({
            profile: "local",
            replicas: { api: 2 },
            maxReplicas: { api: 4 },
            freqtradeBots: [{ name: "solo", strategy: "Mine", pairs: ["ADA/EUR"] }],
            exchange: { testnet: false },
        });
        expect(object(rs, "Deployment", "deepalpha-api").spec.replicas).to.equal(2);
        expect(object(rs, "Deployment", "deepalpha-websocket").spec.replicas, "websocket keeps its default").to.equal(1);
        expect(ofKind(rs, "Deployment").map((r) => (r.values.metadata as Obj).name)).to.include("freqtrade-solo").and.not.include("freqtrade-bot-a");
        const config = JSON.parse(object(rs, "ConfigMap", "freqtrade-solo-config").data["freqtrade_config.json"]);
        expect(config).to.include({ dry_run: true, stake_currency: "EUR", strategy: "Mine" });
        expect(object(rs, "ConfigMap", "deepalpha-config").data.EXCHANGE_NAME).to.equal("binance");
    });

    it("puts everything in the caller's namespaces, under the caller's names, on the caller's Gateway", async () => {
        const rs = await run({
            profile: "local",
            namespaces: { app: "trading", monitoring: "obs", gateway: "edge" },
            names: { api: "core-api", freqtrade: "ft", configMap: "core-config" },
            gateway: { name: "public" },
            serviceAccountName: "core",
            connectionSecretName: "stores",
            secrets: { binanceApiKey: "k" },
        });
        for (const r of rs.slice(1).filter((x) => x.type.startsWith("kubernetes:"))) expect((r.values.metadata as Obj).namespace, r.name).to.equal("trading");
        const api = object(rs, "Deployment", "core-api", "trading");
        expect(api.spec.selector.matchLabels).to.deep.equal({ "app.kubernetes.io/name": "core-api" });
        const c = pod(api).containers[0];
        expect(c.envFrom).to.deep.equal([{ configMapRef: { name: "core-config" } }]);
        expect(env(c, "REDIS_URL")!.valueFrom.secretKeyRef.name).to.equal("stores");
        expect(env(c, "OTEL_EXPORTER_OTLP_ENDPOINT")!.value).to.equal("http://jaeger.obs.svc.cluster.local:4317");
        expect(env(c, "OTEL_RESOURCE_ATTRIBUTES")!.value).to.equal("service.namespace=trading,deployment.environment.name=dev");
        expect(pod(api).serviceAccountName).to.equal("core");
        expect(object(rs, "HTTPRoute", "core-api").spec.parentRefs[0]).to.include({ name: "public", namespace: "edge" });
        expect(object(rs, "HorizontalPodAutoscaler", "core-api").spec.scaleTargetRef.name).to.equal("core-api");
        const bot = pod(object(rs, "Deployment", "ft-bot-a"));
        expect(env(bot.containers[0], "DEEPALPHA_API_URL")!.value).to.equal("http://core-api.trading.svc.cluster.local:8000");
        expect(bot.initContainers[0].command[2]).to.include("http://core-api.trading.svc.cluster.local:8000/ready");
        const apiPolicy = object(rs, "NetworkPolicy", "core-api").spec;
        expect(apiPolicy.ingress[0].from).to.deep.equal([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "edge" } } }]);
        expect(apiPolicy.ingress[2].from).to.deep.equal([{ podSelector: { matchLabels: { "app.kubernetes.io/name": "ft" } } }]);
        const external = registered(rs, "Secret", "deepalpha-external");
        expect((external.values as Obj).stringData).to.deep.equal({ "binance-api-key": "k" });
        expect((external.inputs as Obj).stringData, "a plain value given as a key becomes a secret").to.equal("[secret]");
    });

    it("uses the Kubernetes provider given in the component's options or args for every Kubernetes object", async () => {
        const seen: { type: string; name: string; resource: pulumi.Resource }[] = [];
        const providers: Record<string, k8s.Provider> = {};
        await runComponents(() => {
            pulumi.runtime.registerStackTransformation((a) => {
                seen.push({ type: a.type, name: a.name, resource: a.resource });
                return undefined;
            });
            providers["by-options"] = new k8s.Provider("by-options", { kubeconfig: "{}" });
            providers["by-args"] = new k8s.Provider("by-args", { kubeconfig: "{}" });
            new AppTier("by-options", { profile: "local" }, { provider: providers["by-options"] });
            new AppTier("by-args", { profile: "local", provider: providers["by-args"], namespaces: { app: "other" } });
        });
        for (const instance of ["by-options", "by-args"]) {
            const kube = seen.filter((s) => s.type.startsWith("kubernetes:") && s.name.startsWith(`${instance}-`));
            expect(kube, instance).to.have.length(30);
            // `__prov`: the SDK's record of the provider a custom resource is registered with.
            for (const k of kube) expect((k.resource as unknown as { __prov?: pulumi.ProviderResource }).__prov === providers[instance], `${instance} ${k.type}`).to.equal(true);
        }
    });
});
