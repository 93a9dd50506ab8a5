// The release the e2e upgrade step deploys first (`npm run e2e`, docs/e2e.md): the dev stack is brought up with
// this commit's own program and packages, then the current tree's `pulumi up` must move it with zero replaces
// and deletes. It is a commit of this repository, materialized from its git history.
//
// Bump it at each release: when a release is deployed to the stacks, set `commit` to that release's full SHA
// (and `label` to its name), so every later change is proven against what the stacks actually run.
export const PREVIOUS_RELEASE = {
    commit: "777b79c44d66c5ede9764125998e7ea9db869c3b",
    label: "0.1.0 (777b79c, the last commit before the tier packages)",
} as const;
