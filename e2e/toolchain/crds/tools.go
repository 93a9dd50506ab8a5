//go:build tools

// Package tools names a package of each module whose CRDs build.sh reads, and controller-gen, so that
// `go mod tidy` keeps them all in go.mod and go.sum.
package tools

import (
	_ "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	_ "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	_ "sigs.k8s.io/controller-tools/cmd/controller-gen"
)
