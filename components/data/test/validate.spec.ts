// DataTier's argument validation: every mistake is refused before anything is registered, with the argument's
// path, the value given and what is allowed, all problems at once, as a RunError (no stack trace).
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { ArgsError } from "@deepalpha/shared";
import { runComponents } from "@deepalpha/testing";
import { DataTier, type DataTierArgs, resolveDataTierArgs, validateDataTierArgs } from "../src";
import { productionArgs } from "./fixtures";

/**
 * The problems DataTier("data", args) reports (one line each), or [] when it accepts them: what its constructor
 * runs before registering anything (the first specs below show that it does), without building the tier.
 */
function problems(args: DataTierArgs | (() => DataTierArgs)): string[] {
    try {
        validateDataTierArgs("data", resolveDataTierArgs(typeof args === "function" ? args() : args));
        return [];
    } catch (e) {
        if (!(e instanceof ArgsError)) throw e;
        return e.problems;
    }
}

describe("DataTier argument validation", () => {
    it("refuses the issue's examples with the setting, the value and what is allowed", () => {
        expect(() => new DataTier("data", { profile: "local", backupSchedule: "every night" })).to.throw(
            ArgsError,
            'invalid arguments for DataTier "data":\n  - backupSchedule: got "every night", expected a five-field cron schedule such as "0 2 * * *"',
        );
        expect(() => new DataTier("data", { profile: "local", partitionMonthsAhead: 0 })).to.throw(ArgsError, /\n  - partitionMonthsAhead: got 0, allowed minimum is 2$/);
        expect(() => new DataTier("data", { profile: "local", postgres: { volumeSize: "lots" } })).to.throw(
            ArgsError,
            /\n  - postgres\.volumeSize: got "lots", expected a Kubernetes quantity such as 500m, 512Mi or 20Gi$/,
        );
        expect(problems({ profile: "local", partitionMonthsAhead: 0 })).to.deep.equal(["partitionMonthsAhead: got 0, allowed minimum is 2"]);
    });

    it("lists every problem at once, in one RunError (pulumi prints the message without a stack trace)", () => {
        let error: unknown;
        try {
            new DataTier("analytics", { profile: "local", backupSchedule: "every night", partitionMonthsAhead: 0, redis: { volumeSize: "lots" }, influxdb: { retention: "forever" } });
        } catch (e) {
            error = e;
        }
        // The check `pulumi up` makes (cmd/run: RunError.isInstance): the message alone, no stack trace.
        expect(pulumi.RunError.isInstance(error)).to.equal(true);
        expect((error as ArgsError).message.split("\n")).to.deep.equal([
            'invalid arguments for DataTier "analytics":',
            '  - redis.volumeSize: got "lots", expected a Kubernetes quantity such as 500m, 512Mi or 20Gi',
            '  - influxdb.retention: got "forever", expected a duration such as 90d, or 0 for infinite',
            '  - backupSchedule: got "every night", expected a five-field cron schedule such as "0 2 * * *"',
            "  - partitionMonthsAhead: got 0, allowed minimum is 2",
        ]);
    });

    it("registers nothing when the args are invalid: not the component, not a child", async () => {
        let error: unknown;
        const registered = await runComponents(() => {
            try {
                new DataTier("data", { profile: "local", backupSchedule: "every night" });
            } catch (e) {
                error = e;
            }
        });
        expect(error).to.be.instanceOf(ArgsError);
        expect(registered).to.deep.equal([]);
    });

    it("names the allowed profiles, and requires one", () => {
        expect(problems({ profile: "prod" })).to.deep.equal(['profile: got "prod", allowed values are "local", "production"']);
        expect(problems({} as DataTierArgs)).to.deep.equal(['profile: got (unset), allowed values are "local", "production"']);
    });

    it("refuses unknown arguments (a misspelling is never silently ignored)", () => {
        const p = problems({ profile: "local", backupSchedul: "0 3 * * *", postgres: { size: "5Gi" } } as unknown as DataTierArgs);
        expect(p).to.have.length(2);
        expect(p[0]).to.match(/^postgres\.size: unknown setting \(allowed here: allocatedStorageGb, .*volumeSize\)$/);
        expect(p[1]).to.match(/^backupSchedul: unknown setting \(allowed here: .*backupSchedule, /);
    });

    it("checks names, namespaces, images and sizes by their Kubernetes and registry rules", () => {
        expect(
            problems({
                profile: "local",
                namespaces: { data: "Data_NS" },
                connectionSecretName: "db connection",
                images: { redis: { repository: "Redis", tag: "7" } },
                localBuckets: { files: "x" },
                restoreDrillScratchSize: "100 GB",
            }),
        ).to.deep.equal([
            'images.redis.repository: got "Redis", expected an image repository such as ghcr.io/deepalpha/deepalpha',
            'restoreDrillScratchSize: got "100 GB", expected a Kubernetes quantity such as 500m, 512Mi or 20Gi',
            "namespaces.data: got \"Data_NS\", expected a lower-case DNS label such as deepalpha-api (letters, digits, '-')",
            "connectionSecretName: got \"db connection\", expected a lower-case DNS label such as deepalpha-api (letters, digits, '-')",
            "localBuckets.files: got \"x\", expected an S3 bucket name such as acme-backups (3-63 lower-case letters, digits, '.' and '-')",
        ]);
    });

    it("checks fields that must agree", () => {
        expect(problems({ profile: "local", postgres: { allocatedStorageGb: 500, maxAllocatedStorageGb: 100 } })).to.deep.equal([
            "postgres.maxAllocatedStorageGb: got 100, allowed minimum is postgres.allocatedStorageGb (500)",
        ]);
        expect(problems({ profile: "local", localBuckets: { backups: "shop", files: "shop" } })).to.deep.equal([
            'localBuckets.files: got "shop", the same as localBuckets.backups; the two buckets need different names',
        ]);
        // Locally the Jobs' Secret is in the data namespace: the same name clashes only when the namespaces are one.
        expect(problems({ profile: "local", jobsSecretName: "db" , connectionSecretName: "db" })).to.deep.equal([]);
        expect(problems({ profile: "local", jobsSecretName: "db", connectionSecretName: "db", namespaces: { app: "shop", data: "shop" } })).to.deep.equal([
            'jobsSecretName: got "db", the same as connectionSecretName in namespace "shop"; the two Secrets need different names',
        ]);
        expect(problems({ profile: "local", secondRegion: "us-east-1" })).to.deep.equal([
            'secondRegion: got "us-east-1"; the local profile has no AWS, so it must be "" (production only)',
        ]);
    });

    it("says what the production profile needs from the cluster tier", () => {
        expect(problems({ profile: "production" })).to.deep.equal([
            "network: got (unset), the production profile needs the cluster's network (vpcId, vpcCidr, privateSubnetIds, nodeSecurityGroupId, availabilityZones: " +
                "ClusterComponent.network): RDS, ElastiCache and Timestream live in its private subnets",
            "oidcProviderArn: got (unset), the production profile needs the cluster's IAM OIDC provider: the backup Jobs reach S3 through IRSA",
            "oidcProviderUrl: got (unset), the production profile needs the cluster's IAM OIDC provider: the backup Jobs reach S3 through IRSA",
            'region: got (unset), the production profile needs the AWS region of the stores (aws:region), such as "us-west-2"',
        ]);
        const network = { vpcCidr: "10.40.0.0/33" } as unknown as DataTierArgs["network"];
        expect(problems(() => productionArgs({ network }))).to.deep.equal([
            "network.vpcId: got (unset), required: the VPC's ID",
            'network.vpcCidr: got "10.40.0.0/33", expected an IPv4 CIDR block such as 10.40.0.0/16',
            "network.privateSubnetIds: got (unset), required: the private subnets' IDs, where the stores' subnet groups go",
            "network.availabilityZones: got (unset), required: the private subnets' availability zones, in subnet order",
            "network.nodeSecurityGroupId: got (unset), required: the worker nodes' security group, the only source the stores admit",
        ]);
    });

    it("refuses production values AWS would refuse halfway through a deployment", () => {
        const p = problems(() =>
            productionArgs({ region: "us-west-2", secondRegion: "us-west-2", postgres: { engineVersion: "16.4" }, redis: { engineVersion: "6.2" }, jobsServiceAccountName: "jobs", influxdbTokenWriterName: "jobs" }),
        );
        expect(p).to.deep.equal([
            'secondRegion: got "us-west-2", the same as region; the copies must live in another region (or "" for none)',
            'influxdbTokenWriterName: got "jobs", the same as jobsServiceAccountName; both are ServiceAccounts in namespace "deepalpha"',
            'postgres.engineVersion: got "16.4", the production profile takes the major version only (such as "16"): RDS creates the instance on the ' +
                "major's default minor and upgrades minors itself; a pinned minor would plan a downgrade after a forced upgrade",
            'redis.engineVersion: got "6.2", the production profile needs Redis OSS 7.0 or newer (the RBAC users\' access strings use subcommand rules such as +client|list, which ElastiCache accepts from 7.0)',
        ]);
        expect(problems(() => productionArgs({ images: { postgres: { repository: "postgres", tag: "15.13-alpine" } } }))).to.deep.equal([
            'images.postgres.tag: got "15.13-alpine", the migration and pg_dump client must have the server\'s major version (postgres.engineVersion "16")',
        ]);
    });

    it("refuses a name prefix that makes an AWS name too long, naming that name and the limit", () => {
        expect(problems(() => productionArgs({ awsNamePrefix: "shop-analytics-eu" }))).to.deep.equal([]);
        expect(problems(() => productionArgs({ awsNamePrefix: "shop-analytics-europe-2026" }))).to.deep.equal([
            'awsNamePrefix: got "shop-analytics-europe-2026", too long: the backups replica bucket\'s name would be ' +
                '"shop-analytics-europe-2026-backups-replica-<account>-us-east-1" (65 characters), AWS allows at most 63',
        ]);
        expect(problems(() => productionArgs({ awsNamePrefix: "Shop" }))).to.deep.equal([
            "awsNamePrefix: got \"Shop\", expected a lower-case name, 2-39 characters, starting with a letter (letters, digits, '-')",
        ]);
    });
});
