// Command cert-manager-controller runs cert-manager's Issuer, ClusterIssuer, Certificate and
// CertificateRequest (SelfSigned and CA) controllers out of cluster against a kubeconfig, for the
// end-to-end run.
//
// It exists because upstream's controller command (module github.com/cert-manager/cert-manager/cmd/controller)
// is not served by the Go module proxy, while the root module with all controllers is. The controllers,
// their registry (controller.Known) and the controller context come unchanged from the root module; this
// file only picks the controllers, fills the context from cert-manager's own configuration defaults and
// runs them until SIGINT or SIGTERM. It runs no webhook, cainjector, ACME, Vault or Venafi issuers,
// metrics or health servers, and no leader election (one instance only).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/klog/v2"

	"github.com/cert-manager/cert-manager/pkg/controller"
	"github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/approver"
	crca "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/ca"
	crselfsigned "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/selfsigned"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/issuing"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/keymanager"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/readiness"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/requestmanager"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/revisionmanager"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/trigger"
	"github.com/cert-manager/cert-manager/pkg/controller/clusterissuers"
	"github.com/cert-manager/cert-manager/pkg/controller/issuers"
	logf "github.com/cert-manager/cert-manager/pkg/logs"
	"github.com/cert-manager/cert-manager/pkg/util"

	// The issuers and clusterissuers controllers set up (and mark Ready) only the issuer types
	// registered by these packages.
	_ "github.com/cert-manager/cert-manager/pkg/issuer/ca"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/selfsigned"
)

// The controllers that take a Certificate on a SelfSigned or CA issuer to Ready. Importing their
// packages registers them in controller.Known().
var enabled = sets.New(
	issuers.ControllerName, clusterissuers.ControllerName,
	// Every CertificateRequest must be approved before a signer acts on it.
	approver.ControllerName, crselfsigned.CRControllerName, crca.CRControllerName,
	trigger.ControllerName, keymanager.ControllerName, requestmanager.ControllerName,
	issuing.ControllerName, readiness.ControllerName, revisionmanager.ControllerName,
)

// cert-manager's defaults for the options these controllers read, as set in
// internal/apis/config/controller/v1alpha1/defaults.go of v1.21.1. That package (and
// pkg/controller/configfile, which applies it) cannot be linked here: it imports every controller,
// including the Venafi issuer, whose module github.com/Venafi/vcert/v5 the Go module proxy does not serve.
const (
	workers                         = 5
	kubernetesAPIQPS                = 20
	kubernetesAPIBurst              = 50
	clusterIssuerAmbientCredentials = true
	issuerAmbientCredentials        = false
	enableCertificateOwnerRef       = false
	minimumRequestBackoff           = time.Hour
	maximumRequestBackoff           = 32 * time.Hour
)

var copiedAnnotationPrefixes = []string{"*", "-kubectl.kubernetes.io/", "-fluxcd.io/", "-argocd.argoproj.io/"}

func main() {
	var klogFlags flag.FlagSet
	klog.InitFlags(&klogFlags)
	flag.Var(klogFlags.Lookup("v").Value, "v", "log verbosity: 2 shows cert-manager's info messages, 4 its debug ones")
	kubeconfig := flag.String("kubeconfig", "", "path to the kubeconfig of the cluster (required)")
	clusterResourceNamespace := flag.String("cluster-resource-namespace", "cert-manager",
		"namespace of the Secrets that ClusterIssuers refer to")
	flag.Parse()
	if *kubeconfig == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: cert-manager-controller --kubeconfig FILE [--cluster-resource-namespace NS]")
		os.Exit(2)
	}

	logf.InitLogs()
	defer logf.FlushLogs()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ctx = logf.NewContext(ctx, logf.Log, "cert-manager-controller")

	if err := run(ctx, *kubeconfig, *clusterResourceNamespace); err != nil {
		logf.Log.Error(err, "cert-manager controller failed")
		logf.FlushLogs()
		os.Exit(1)
	}
}

func run(ctx context.Context, kubeconfig, clusterResourceNamespace string) error {
	factory, err := controller.NewContextFactory(ctx, controller.ContextOptions{
		Kubeconfig:         kubeconfig,
		KubernetesAPIQPS:   kubernetesAPIQPS,
		KubernetesAPIBurst: kubernetesAPIBurst,
		IssuerOptions: controller.IssuerOptions{
			ClusterResourceNamespace:        clusterResourceNamespace,
			ClusterIssuerAmbientCredentials: clusterIssuerAmbientCredentials,
			IssuerAmbientCredentials:        issuerAmbientCredentials,
		},
		CertificateOptions: controller.CertificateOptions{
			EnableOwnerRef:                           enableCertificateOwnerRef,
			CopiedAnnotationPrefixes:                 copiedAnnotationPrefixes,
			CertificateRequestMinimumBackoffDuration: minimumRequestBackoff,
			CertificateRequestMaximumBackoffDuration: maximumRequestBackoff,
		},
	})
	if err != nil {
		return err
	}
	// The informer factories are shared by every context the factory builds.
	shared, err := factory.Build()
	if err != nil {
		return err
	}

	g, gctx := errgroup.WithContext(ctx)
	for name := range enabled {
		newController, ok := controller.Known()[name]
		if !ok {
			return fmt.Errorf("controller %q is not registered", name)
		}
		c, err := newController(factory)
		if err != nil {
			return fmt.Errorf("controller %q: %w", name, err)
		}
		g.Go(func() error { return c.Run(workers, gctx) })
	}
	logf.Log.Info("starting controllers", "version", util.AppVersion, "controllers", sets.List(enabled))
	shared.SharedInformerFactory.Start(gctx.Done())
	shared.KubeSharedInformerFactory.Start(gctx.Done())

	err = g.Wait()
	shared.KubeSharedInformerFactory.Shutdown()
	shared.SharedInformerFactory.Shutdown()
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	logf.Log.Info("controllers stopped")
	return nil
}
