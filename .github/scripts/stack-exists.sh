#!/usr/bin/env bash
# Prints `exists=true` or `exists=false` (a line for $GITHUB_OUTPUT): whether the backend the Pulumi CLI uses
# (PULUMI_BACKEND_URL, or the one it is logged in to) has the stack named in $1 for the project in the current
# folder. A backend that cannot be read is an error, never "false": a preview must not take a stack that exists
# for a new one because the state bucket was unreachable.
set -euo pipefail
stack="${1:?usage: stack-exists.sh STACK}"

if ! stacks=$(pulumi stack ls --json); then
  echo "stack-exists.sh: \`pulumi stack ls\` failed, so whether stack \"$stack\" exists is unknown (see the error above)" >&2
  exit 1
fi
# Names are short ("dev") for the current project, or fully qualified ("organization/deepalpha/dev").
# shellcheck disable=SC2016 # the JavaScript's template literals are not shell expansions
STACKS="$stacks" node -e '
  const stack = process.argv[1];
  let list;
  try { list = JSON.parse(process.env.STACKS); } catch (e) { list = undefined; }
  if (!Array.isArray(list)) {
    console.error(`stack-exists.sh: \`pulumi stack ls --json\` printed no JSON list: ${process.env.STACKS.slice(0, 200)}`);
    process.exit(1);
  }
  const found = list.some((s) => typeof s.name === "string" && (s.name === stack || s.name.endsWith(`/${stack}`)));
  console.log(`exists=${found}`);
' "$stack"
