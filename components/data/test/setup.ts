// Mocha --require file: Pulumi's mocks, installed once before any component module loads. The mock provider
// echoes inputs and adds what AWS would compute for the production stores (ARNs, endpoints, zones).
import { installMocks } from "@deepalpha/testing";

export const ACCOUNT = "123456789012";
export const REGION = "us-west-2";
const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;

installMocks(
    {
        "random:index/randomPassword:RandomPassword": (name, i) => ({ state: { result: `pw-${name}`.padEnd(Number(i.length ?? 32), "x") } }),
        "aws:kms/key:Key": (name) => ({ id: `key-${name}`, state: { arn: arn("kms", `key/key-${name}`), keyId: `key-${name}` } }),
        "aws:ec2/securityGroup:SecurityGroup": (name) => ({ id: `sg-${name}` }),
        "aws:rds/instance:Instance": (name, i) => {
            const id = String(i.identifier ?? name);
            return { id, state: { address: `${id}.rds.example`, arn: arn("rds", `db:${id}`), availabilityZone: i.availabilityZone ?? "us-west-2b" } };
        },
        "aws:elasticache/replicationGroup:ReplicationGroup": (name, i) => {
            const id = String(i.replicationGroupId ?? name);
            return { id, state: { primaryEndpointAddress: `master.${id}.cache.example`, readerEndpointAddress: `replica.${id}.cache.example` } };
        },
        "aws:timestreaminfluxdb/dbInstance:DbInstance": (name, i) => ({ id: name, state: { endpoint: `${String(i.name)}.influxdb.example` } }),
        "aws:s3/bucket:Bucket": (name, i) => {
            const bucket = String(i.bucket ?? name);
            return { id: bucket, state: { bucket, arn: `arn:aws:s3:::${bucket}` } };
        },
        "aws:iam/role:Role": (name) => ({ id: name, state: { arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, name } }),
    },
    {
        "aws:index/getCallerIdentity:getCallerIdentity": () => ({ accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:role/deploy`, userId: "AROAEXAMPLE", id: ACCOUNT }),
        "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com", id: "aws", reverseDnsPrefix: "com.amazonaws" }),
    },
);
