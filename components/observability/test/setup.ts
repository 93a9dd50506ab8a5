// Mocha root setup: Pulumi's mocks, installed once before the component's modules load. RandomPassword answers a
// result derived from its name, as the random provider would answer a value.
import { installMocks } from "@deepalpha/testing";

installMocks({
    "random:index/randomPassword:RandomPassword": (name) => ({ state: { result: `mock-password-${name}` } }),
});
