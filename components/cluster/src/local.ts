// The local profile: no AWS at all. The Kubernetes provider targets an existing cluster (kind, Docker
// Desktop, minikube) by kubeconfig context.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

export interface LocalClusterArgs {
    /** kubeconfig context of the existing cluster. */
    kubeContext: string;
    /** kubeconfig file; unset means $KUBECONFIG or ~/.kube/config. */
    kubeconfigPath?: string;
}

export function createLocalProvider(name: string, s: LocalClusterArgs, parent: pulumi.Resource) {
    const context = s.kubeContext;
    const provider = new k8s.Provider(
        `${name}-local`,
        {
            context,
            // A path, not file contents: the provider reads it at run time, so no credentials enter the state.
            ...(s.kubeconfigPath ? { kubeconfig: s.kubeconfigPath } : {}),
            // Stable identity: the same context in another kubeconfig file must not replace every workload.
            clusterIdentifier: `local-${context}`,
            enableServerSideApply: true,
        },
        { parent },
    );
    // The local cluster's credentials stay in the user's kubeconfig; the output says which one is used.
    const kubeconfig = pulumi.secret(JSON.stringify({ context, kubeconfig: s.kubeconfigPath ?? "$KUBECONFIG or ~/.kube/config" }));
    return { provider, kubeconfig };
}
