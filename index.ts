// Pulumi entry point: read the stack configuration once (config.ts validates it before anything is
// created), then build the four tiers. The returned object is the stack's outputs.
import { loadConfig } from "./config";
import { checkAgainstEc2, deploy } from "./program";

export = async () => {
    const cfg = loadConfig();
    await checkAgainstEc2(cfg);
    return deploy(cfg);
};
