//! The EksCluster component (`heartbeat:eks:EksCluster`): the Kubernetes cluster, its node
//! pools and add-ons, and a ready kubernetes provider for the components that follow.
//!
//! It provisions, in dependency order:
//!
//! - a KMS key (rotation on) that envelope-encrypts Kubernetes secrets ([`encryption`]);
//! - the control plane's IAM role (`AmazonEKSClusterPolicy` and use of that key), its log
//!   group (logs expire), and the EKS cluster with its interfaces in the network's private
//!   subnets only, behind the network's baseline and API endpoint security groups (HTTPS
//!   from the API clients group and `apiAccessCidrs`), every control-plane log, the API
//!   endpoint private unless `publicEndpoint` (then also from `publicAccessCidrs`), the
//!   `upgradeSupportType` support policy, and cluster-admin access entries for
//!   `adminPrincipalArns` ([`control_plane`]);
//! - the IAM OIDC provider and [`ServiceAccountRole`], IAM roles for service accounts
//!   ([`oidc`]);
//! - add-ons vpc-cni (own IRSA role, NetworkPolicy enforcement on) and kube-proxy, then the
//!   `system` and `stateful` managed node groups in the private subnets only, each from a
//!   launch template (IMDSv2 with hop limit 2, encrypted gp3 root volume, tagged instances)
//!   ([`node_groups`]), then coredns and aws-ebs-csi-driver (own IRSA role) ([`addons`]);
//! - the kubernetes provider (depending on the cluster and both node groups) and through it
//!   the encrypted gp3 StorageClasses, the default one and `gp3-retain` for stateful data
//!   ([`storage_class`]);
//! - with `viewerPrincipalArns`: a ValidatingAdmissionPolicy that keeps the previewers'
//!   Kubernetes group to dry runs, a ClusterRole for that group (read everything, dry-run the
//!   stack's writes), and then the viewers' access entries in that group ([`preview_access`]),
//!   so that `pulumi preview` under a viewer gets server-side dry runs and changes nothing.
//!
//! Inputs: [`EksClusterArgs`] (the config section and the [`network::Network`] outputs, so
//! wrong wiring does not compile). Outputs: [`EksCluster`].
//!
//! ```no_run
//! # fn demo(ctx: pulumi_runtime::Context, network: network::Network) -> anyhow::Result<()> {
//! use eks_cluster::{EksCluster, EksClusterArgs, EksConfig};
//! let config = EksConfig {
//!     admin_principal_arns: vec!["arn:aws:iam::123456789012:role/platform-admin".into()],
//!     ..EksConfig::default()
//! };
//! let args = EksClusterArgs { config: &config, network: &network, render_directory: None };
//! let cluster = EksCluster::new(&ctx, "eks", &args, pulumi_runtime::ResourceOptions::new())?;
//! let _provider = &cluster.provider; // for KafkaStack, YugabyteStack, ...
//! # Ok(()) }
//! ```

pub mod addons;
pub mod computed_outputs;
mod config;
pub mod control_plane;
pub mod encryption;
pub mod iam;
pub mod kubeconfig;
pub mod node_groups;
pub mod oidc;
pub mod preview_access;
pub mod storage_class;

pub use config::{
    ADMISSION_POLICY_MINOR, EksConfig, MAX_API_ACCESS_CIDRS, NodePoolConfig, SupportType,
    TaintConfig, TaintEffect,
};
pub use oidc::{OidcIssuer, ServiceAccountRole};

use network::Network;
use platform_core::kubernetes::{ClusterAccess, register_provider};
use platform_core::{ComponentScope, ConfigError, Problems};
use pulumi_runtime::{Context, Output, ProviderResource, ResourceOptions};
use serde::Serialize;

use crate::control_plane::{AccessLevel, ClusterInputs};
use crate::node_groups::NodeGroupInputs;

/// What [`EksCluster::new`] needs.
#[derive(Clone, Copy)]
pub struct EksClusterArgs<'a> {
    /// Config section `heartbeat-platform:eks`.
    pub config: &'a EksConfig,
    /// The network the cluster runs in (its subnets are tagged for this cluster's name).
    pub network: &'a Network,
    /// Set: no cluster is reached, the kubernetes provider renders every object as YAML into
    /// this directory (offline synth and the real-engine gates).
    pub render_directory: Option<&'a str>,
}

/// What EksCluster hands to the components that follow.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EksCluster {
    /// The cluster name.
    pub name: Output<String>,
    /// The API endpoint URL.
    pub endpoint: Output<String>,
    /// The security group whose members may reach the API endpoint (the network's API
    /// clients group): launch the deploy runner in it.
    pub api_clients_security_group_id: Output<String>,
    /// The cluster's certificate authority (base64 PEM).
    pub certificate_authority: Output<String>,
    /// The OIDC issuer and its IAM provider, for [`ServiceAccountRole`].
    pub oidc: OidcIssuer,
    /// A kubeconfig for the cluster (secret) using `aws eks get-token`.
    pub kubeconfig: Output<String>,
    /// The nodes' IAM role ARN.
    pub node_role_arn: Output<String>,
    /// The default StorageClass's name.
    pub storage_class: String,
    /// The kubernetes provider for this cluster (or the render-to-directory provider).
    #[serde(skip)]
    pub provider: ProviderResource,
}

impl EksCluster {
    /// Validates the config against the network, then provisions the cluster. A config
    /// problem is returned before anything is registered.
    pub fn new(
        ctx: &Context,
        name: &str,
        args: &EksClusterArgs<'_>,
        options: ResourceOptions,
    ) -> Result<Self, ConfigError> {
        let (config, network) = (args.config, args.network);
        let mut problems = Problems::new("heartbeat-platform:eks");
        config.validate(Some(network.vpc_cidr), &mut problems);
        problems.check(
            network.api_access_ranges == config.api_access_cidrs,
            "apiAccessCidrs",
            format!("{:?}", config.api_access_cidrs),
            format!(
                "the network admits {:?}: pass the same ranges as NetworkArgs::api_access_ranges, which opens the private subnets' ACL to them",
                network.api_access_ranges
            ),
        );
        problems.into_result()?;

        let scope = ComponentScope::new(ctx, "eks", "EksCluster", name, options);
        let key = encryption::secrets_key(&scope, &network.cluster_name);
        let key_arn = key.output::<String>("arn");
        let cluster_role = control_plane::cluster_role(&scope, &key_arn);
        let private_subnet_ids = network.private_subnet_ids();
        let cluster = control_plane::cluster(
            &scope,
            ClusterInputs {
                name: &network.cluster_name,
                config,
                role: &cluster_role,
                key_arn,
                private_subnet_ids: private_subnet_ids.clone(),
                security_group_ids: vec![
                    network.baseline_security_group_id.clone(),
                    network.api_endpoint_security_group_id.clone(),
                ],
            },
        );
        let cluster_name = cluster.output::<String>("name");
        control_plane::access_entries(
            &scope,
            &cluster_name,
            AccessLevel::Admin,
            &config.admin_principal_arns,
            &[],
        );
        let oidc = oidc::register(&scope, control_plane::oidc_issuer(&cluster));

        let cni_role = ServiceAccountRole::new(
            &scope,
            &oidc,
            "kube-system",
            "aws-node",
            &[iam::managed_policy("AmazonEKS_CNI_Policy")],
        );
        let vpc_cni = addons::register(&scope, &cluster_name, "vpc-cni", Some(cni_role.arn()), &[]);
        let kube_proxy = addons::register(&scope, &cluster_name, "kube-proxy", None, &[]);

        let node_role = node_groups::node_role(&scope);
        let pool = |pool: &str, pool_config| {
            node_groups::register(
                &scope,
                NodeGroupInputs {
                    pool,
                    config: pool_config,
                    cluster_name: &cluster_name,
                    version: &config.kubernetes_version,
                    private_subnet_ids: &private_subnet_ids,
                    role: &node_role,
                    after: &[vpc_cni.clone(), kube_proxy.clone()],
                },
            )
        };
        let system = pool("system", &config.system_nodes);
        let stateful = pool("stateful", &config.stateful_nodes);

        addons::register(
            &scope,
            &cluster_name,
            "coredns",
            None,
            &[&system, &stateful],
        );
        let volumes_key = encryption::volumes_key(&scope, &network.cluster_name);
        let mut ebs_role = ServiceAccountRole::new(
            &scope,
            &oidc,
            "kube-system",
            "ebs-csi-controller-sa",
            &[iam::managed_policy("service-role/AmazonEBSCSIDriverPolicy")],
        );
        let volumes_key_use = ebs_role.add_inline(
            &scope,
            "ebs-csi-volumes-key",
            volumes_key
                .output::<String>("arn")
                .map(|arn| encryption::ebs_key_policy(&arn)),
        );
        let ebs_csi = addons::register(
            &scope,
            &cluster_name,
            "aws-ebs-csi-driver",
            Some(ebs_role.arn()),
            &[&system, &stateful],
        );

        let endpoint = control_plane::endpoint(&cluster);
        let certificate_authority = control_plane::certificate_authority(&cluster);
        let kubeconfig = kubeconfig::kubeconfig(
            &cluster_name,
            &endpoint,
            &certificate_authority,
            &network.region,
        );
        let access = match args.render_directory {
            Some(directory) => ClusterAccess::RenderToDirectory(directory.to_owned()),
            None => ClusterAccess::Kubeconfig(kubeconfig.clone()),
        };
        let provider = register_provider(
            &scope,
            access,
            ResourceOptions::new()
                .depends_on(&cluster)
                .depends_on(&system)
                .depends_on(&stateful),
        );
        for class in [
            storage_class::gp3_encrypted(volumes_key.output("arn")),
            storage_class::gp3_encrypted_retained(volumes_key.output("arn")),
        ] {
            scope.kubernetes_with(
                &provider,
                &class,
                ResourceOptions::new()
                    .depends_on(&ebs_csi)
                    .depends_on(&volumes_key_use),
            );
        }
        if !config.viewer_principal_arns.is_empty() {
            let guards = preview_access::register(&scope, &provider);
            control_plane::access_entries(
                &scope,
                &cluster_name,
                AccessLevel::Viewer,
                &config.viewer_principal_arns,
                &guards,
            );
        }

        Ok(scope.finish(EksCluster {
            name: cluster_name,
            endpoint,
            api_clients_security_group_id: network.api_clients_security_group_id.clone(),
            certificate_authority,
            oidc,
            kubeconfig,
            node_role_arn: node_role.arn(),
            storage_class: storage_class::NAME.into(),
            provider,
        }))
    }
}
