// Command pulumi-tfgen-random generates the random package's schema and bridge metadata with the
// bridge's own generator (`pulumi-tfgen-random schema --out DIR`).
package main

import (
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfgen"

	"deepalpha.local/e2e/pulumi-random/providerinfo"
)

func main() {
	tfgen.Main("random", providerinfo.Provider(nil))
}
