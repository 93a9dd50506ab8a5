// Package shim returns the Terraform random provider (plugin framework) for the Pulumi bridge.
package shim

import (
	"github.com/hashicorp/terraform-plugin-framework/provider"
	random "github.com/terraform-providers/terraform-provider-random/internal/provider"
)

// NewProvider returns a new instance of the upstream Terraform random provider.
func NewProvider() provider.Provider { return random.New() }
