// Mocha root setup: Pulumi's mocks, installed once before the component loads. Generated passwords answer with a
// value of the requested length, as the random provider would.
import { installMocks } from "@deepalpha/testing";

installMocks({
    "random:index/randomPassword:RandomPassword": (name, inputs) => ({
        id: "none",
        state: { result: `mock-${name}-${"x".repeat(64)}`.slice(0, Number(inputs.length ?? 24)) },
    }),
});
