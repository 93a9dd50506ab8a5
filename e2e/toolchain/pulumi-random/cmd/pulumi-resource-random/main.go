// Command pulumi-resource-random serves the bridged random provider with the schema and metadata that
// pulumi-tfgen-random generated; build.sh places both files here in a temporary copy before `go build`.
package main

import (
	"context"
	_ "embed"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"

	"deepalpha.local/e2e/pulumi-random/providerinfo"
)

var (
	//go:embed schema.json
	pulumiSchema []byte
	//go:embed bridge-metadata.json
	bridgeMetadata []byte
)

func main() {
	meta := tfbridge.ProviderMetadata{PackageSchema: pulumiSchema, BridgeMetadata: bridgeMetadata}
	tfbridge.Main(context.Background(), "random", providerinfo.Provider(bridgeMetadata), meta)
}
