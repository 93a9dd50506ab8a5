// Root hook of the services suite: find or install the servers and tools once, before any spec runs.
import type { Context } from "mocha";
import { ensureTools } from "./tools";

export const mochaHooks = {
    beforeAll(this: Context): void {
        this.timeout(20 * 60 * 1000); // apt-get update + install on a fresh machine
        ensureTools();
    },
};
