// Mocha root setup: installs the Pulumi mocks once per process, before any spec imports the program.
import * as pulumi from "@pulumi/pulumi";
import { mocks } from "./harness/mocks";

pulumi.runtime.setMocks(mocks, "deepalpha", "dev", false);
