// Mocha root setup: installs the Pulumi mocks once per process, before any spec imports the program.
import * as pulumi from "@pulumi/pulumi";
import { npmPlan } from "./harness/cli";
import { mocks } from "./harness/mocks";

pulumi.runtime.setMocks(mocks, "deepalpha", "dev", false);

/** CLI plans the specs read (plan, policy-plans, timeline): each is a separate Node process, started at once. */
export const SHARED_CLI_PLANS = [
    ["--stack", "dev", "--json"],
    ["--stack", "prod", "--json"],
    ["--stack", "dev"],
    ["--stack", "prod", "--timeline"],
];

export const mochaHooks = {
    beforeAll(): void {
        // Started before the first spec and awaited by the specs that read them, so the child processes
        // use the second core while the in-process specs run, instead of running at the end on their own.
        for (const args of SHARED_CLI_PLANS) void npmPlan(args);
    },
};
