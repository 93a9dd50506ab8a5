// What the specs share: the minimal arguments, and lookups in what a run registered.
import type { Registered } from "@deepalpha/testing";

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const TYPE = "deepalpha:index:AppTier";
export const PROD_CIDRS = ["10.40.0.0/16"];

/** Kubernetes objects of one kind (`kubernetes:<group>/<version>:<Kind>`). */
export const ofKind = (rs: Registered[], kind: string) => rs.filter((r) => r.type.startsWith("kubernetes:") && r.type.split(":")[2] === kind);

/** The registration of the one Kubernetes object of a kind with this metadata.name (and namespace). */
export function registered(rs: Registered[], kind: string, name: string, namespace?: string): Registered {
    const found = ofKind(rs, kind).filter((r) => (r.values.metadata as Obj)?.name === name && (namespace === undefined || (r.values.metadata as Obj).namespace === namespace));
    if (found.length !== 1) throw new Error(`expected one ${kind} ${namespace ?? "*"}/${name}, found ${found.length}`);
    return found[0];
}

/** That object's inputs, secrets in clear. */
export const object = (rs: Registered[], kind: string, name: string, namespace?: string): Obj => registered(rs, kind, name, namespace).values as Obj;

export const pod = (d: Obj) => d.spec.template.spec as Obj;
export const env = (c: Obj, name: string) => (c.env as Obj[]).find((e) => e.name === name);

/** The error a program threw (runComponents rejects with it). */
export async function failure(p: Promise<unknown>): Promise<Error> {
    try {
        await p;
    } catch (e) {
        return e as Error;
    }
    throw new Error("expected the program to fail");
}
