// Package providerinfo maps the Terraform random provider to the Pulumi package `random`, with the token
// convention of pulumi-random (random_password -> random:index/randomPassword:RandomPassword), so the
// @pulumi/random SDK's resources resolve to it.
package providerinfo

import (
	pf "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	"github.com/terraform-providers/terraform-provider-random/shim"
)

// Version is stamped at link time by build.sh.
var Version = "4.21.1"

// Provider returns the bridge's description of the random provider. metadata is the bridge metadata that
// tfgen wrote next to the schema (empty when tfgen itself runs).
func Provider(metadata []byte) tfbridge.ProviderInfo {
	info := tfbridge.ProviderInfo{
		P:                           pf.ShimProvider(shim.NewProvider()),
		Name:                        "random",
		Version:                     Version,
		MetadataInfo:                tfbridge.NewProviderMetadata(metadata),
		EnableAccurateBridgePreview: true,
		EnableRawStateDelta:         true,
		JavaScript:                  &tfbridge.JavaScriptInfo{RespectSchemaVersion: true},
	}
	// Resource names keep the "Random" prefix: random_password -> RandomPassword.
	token := func(module, name string) (string, error) {
		return tokens.MakeStandard("random")(module, "Random"+name)
	}
	info.MustComputeTokens(tokens.SingleModule("random_", "index", token))
	return info
}
