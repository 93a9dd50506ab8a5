// Command pulumi-resource-kubernetes serves the upstream kubernetes provider with its own schema.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

// Both files come from the provider module's cmd/pulumi-resource-kubernetes folder at build time.
var (
	//go:embed schema.json
	pulumiSchema []byte
	//go:embed terraform-mapping.json
	terraformMapping []byte
)

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
